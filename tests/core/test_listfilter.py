"""The list filter (reader/listfilter/): parsing, evaluation, sort orders, saved searches, last opened,
the catalogue's first_seen and feed columns (version 4), and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time

import pytest

from helpers import write_article
from reader import corpus, passages
from reader.corpus import catalogue as corpus_catalogue
from reader.cli import main
from reader.corpus import Catalogue
from reader.listfilter.evaluate import FilterContext, sort_metas
from reader.listfilter.feedinfo import Feeds
from reader.listfilter.saved import SavedSearchError, SavedSearches, last_opened, mark_opened
from reader.listfilter.model import DateRange, Filter, FilterError
from reader.listfilter.syntax import parse_filter, try_parse
from reader.search.index import update_index
from reader.state.store import ArticleState, StateStore

# -- parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, understood", [
    ("", "everything"),
    ("   ", "everything"),
    ("unread", "unread"),
    ("starred", "starred"),
    ("new", "new"),
    ("is:read", "read"),
    ("is:Unstarred", "unstarred"),
    ("is:new", "new"),
    ("-unread", "NOT unread"),
    ("+starred", "starred"),
    ("NOT starred", "NOT starred"),
    ("feed:lemonde", "feed:lemonde"),
    ('feed:"https://example.org/feed.xml"', "feed:https://example.org/feed.xml"),
    ("feed:https://example.org/feed.xml", "feed:https://example.org/feed.xml"),
    ('source:"Tech Hebdo"', 'source:"tech hebdo"'),
    ("source:Économiste", "source:economiste"),
    ("tag:Tech", "tag:tech"),
    ('tag:"long tag"', 'tag:"long tag"'),
    ("lang:FR", "lang:fr"),
    ("language:en", "lang:en"),
    ("date:2023", "date:[2023-01-01 to 2023-12-31]"),
    ("date:2023-04", "date:[2023-04-01 to 2023-04-30]"),
    ("date:2024-02", "date:[2024-02-01 to 2024-02-29]"),
    ("date:2023-12", "date:[2023-12-01 to 2023-12-31]"),
    ("date:2023-04-19", "date:2023-04-19"),
    ("published:2023-04-19", "date:2023-04-19"),
    ("date:[2023-04-01 to 2023-04-30]", "date:[2023-04-01 to 2023-04-30]"),
    ("date:[2023-04 TO 2023-06]", "date:[2023-04-01 to 2023-06-30]"),
    ("date:[2023 to]", "date:>=2023-01-01"),
    ("date:[to 2022]", "date:<=2022-12-31"),
    ("date:>2023-01", "date:>=2023-02-01"),
    ("date:>=2023-01", "date:>=2023-01-01"),
    ("date:<2022", "date:<=2021-12-31"),
    ("date:<=2022-06", "date:<=2022-06-30"),
    ("twitter", "text(twitter)"),
    ('"elon musk"', 'text("elon musk")'),
    ("plat* retir~", "text(plat* retir~)"),
    ("title:twitter", "text(title:twitter)"),
    ('person:"Elon Musk"', 'text(person:"Elon Musk")'),
    ("title:(twitter OR musk) new", "text(title:(twitter OR musk)) AND new"),
    ("New York", "text(New York)"),  # keywords are lower case: these are words
    ('"new" unread', 'text("new") AND unread'),
    # combinations: text parts of an AND or an OR become one search query
    ("unread twitter", "unread AND text(twitter)"),
    ("twitter musk -elon", "text(twitter musk NOT elon)"),
    ("unread (twitter OR microsoft) -plateforme", "text((twitter OR microsoft) (NOT plateforme)) AND unread"),
    ("-(twitter microsoft) starred", "text(NOT (twitter microsoft)) AND starred"),
    ("feed:lemonde OR tag:tech", "feed:lemonde OR tag:tech"),
    ("twitter OR musk unread", "text(twitter) OR (text(musk) AND unread)"),
    ("unread AND starred", "unread AND starred"),
    ("twitter AND NOT unread", "text(twitter) AND NOT unread"),
    ("NOT (unread OR starred) twitter", "NOT (unread OR starred) AND text(twitter)"),
    ("(unread OR new) lang:fr date:2023", "(unread OR new) AND lang:fr AND date:[2023-01-01 to 2023-12-31]"),
    ("((((twitter))))", "text(twitter)"),
    ("-(unread OR starred)", "NOT (unread OR starred)"),
])
def test_parsing(text, understood):
    assert parse_filter(text).describe() == understood


def test_a_date_range_open_at_both_ends_is_described_not_a_crash():
    # found by mypy: describe() called .isoformat() on a None start == None end
    assert Filter("", DateRange(None, None)).describe() == "date:any"
    assert Filter("", DateRange(None, dt.date(2022, 6, 30))).describe() == "date:<=2022-06-30"


@pytest.mark.parametrize("text, message", [
    ("fed:x", "unknown field 'fed:' (did you mean feed:?)"),
    ("titel:x", "unknown field 'titel:' (did you mean title:?)"),
    ("tga:x", "did you mean tag:?"),
    ("zz:x", "unknown field 'zz:' (fields: title:, person:"),
    ("feed:", "'feed:' needs a value after it"),
    ("title:", "'title:' needs a word"),
    ("is:foo", "'is:foo' is not a state: use is:unread"),
    ("feed:(a b)", "'feed:' takes one value"),
    ('"elon musk', "unclosed quote"),
    ("(twitter", "'(' is never closed"),
    ("(", "'(' is never closed"),
    ("unread (", "'(' is never closed"),
    ("((", "'(' is never closed"),
    ("twitter)", "')' without '('"),
    ("()", "empty parentheses"),
    ("unread ()", "empty parentheses"),
    ("twitter OR", "'OR' needs a part after it"),
    ("OR twitter", "'OR' needs a part before it"),
    ("AND twitter", "'AND' needs a part before it"),
    ("twitter AND", "'AND' needs a part after it"),
    ("twitter AND OR musk", "'AND' needs a part after it"),
    ("NOT", "'NOT' needs a part after it"),
    ("unread NOT", "'NOT' needs a part after it"),
    ("date:2023-13", "not a date in 'date:2023-13'"),
    ("date:2023-02-30", "no such day or month"),
    ("date:hier", "not a date in 'date:hier'"),
    ("date:[2024 to 2023]", "starts after it ends"),
    ("date:[2023]", "not a date range"),
    ("date:[ to ]", "no date on either side"),
    ("le unread", "nothing to search for"),  # the search parser's own verdict on the text part
    ("(" * 40 + "unread" + ")" * 40, "nested too deeply"),
    ("x" * 1001, "filter too long"),
    ("x" * 100_000, "filter too long"),
])
def test_parse_errors_are_messages(text, message):
    with pytest.raises(FilterError) as info:
        parse_filter(text)
    assert message in str(info.value)
    flt, err = try_parse(text)
    assert flt is None and message in err


def test_the_needs_flags():
    assert parse_filter("unread twitter").needs_state and parse_filter("unread twitter").needs_text
    assert not parse_filter("new lang:fr").needs_state and not parse_filter("new lang:fr").needs_text
    assert parse_filter("").empty and not parse_filter("new").empty


# -- evaluation -----------------------------------------------------------------------------------

FEED_A = "https://a.example/feed.xml"
FEED_B = "https://b.example/rss"


@pytest.fixture
def small(tmp_path):
    """Five articles: two from feed A (tags tech, news), one from feed B (tag sport), two without."""
    folder = tmp_path / "small"
    folder.mkdir()
    write_article(folder, "a.md", "a", "La plateforme publicitaire", "Microsoft a retiré la publicité de la plateforme.",
                  published="2023-04-19", source="Tech Hebdo", language="fr", feed=FEED_A)
    write_article(folder, "b.md", "b", "Élections en Bretagne", "Les élections ont eu lieu à Rennes.",
                  published="2022-11-02", source="Ouest Matin", language="fr", feed=FEED_A)
    write_article(folder, "c.md", "c", "Sans date", "Ils vont retirer leurs annonces de Twitter.", language="fr-CA")
    write_article(folder, "d.md", "d", "Zebra crossing", "Twitter and Microsoft, in English.", published="2023-04-30",
                  source="The Post", language="en", feed=FEED_B)
    write_article(folder, "e.md", "e", "Économie", "Le marché de l'énergie en 2024.", published="2024-01-05",
                  source="L'Économiste", language="fr")
    cat = Catalogue(folder)
    update_index(folder, cat.refresh().articles)
    feeds = Feeds(tags={FEED_A: ("tech", "News"), FEED_B + "/": ("sport",)}, titles={FEED_B: "Sports du jour"})
    ctx = FilterContext(folder, feeds=feeds)
    yield folder, ctx
    ctx.close()


def kept(ctx, text, ids=None):
    res = ctx.apply(text, ids)
    assert res.error is None, res.error
    return res.ids


@pytest.mark.parametrize("text, expected", [
    ("", ["e", "d", "a", "b", "c"]),  # every article, in list order (newest first, undated last)
    ("lang:fr", ["e", "a", "b", "c"]),  # fr also matches fr-CA
    ("lang:en", ["d"]),
    ("lang:fr-ca", ["c"]),
    ("source:hebdo", ["a"]),
    ('source:"tech hebdo"', ["a"]),
    ("source:economiste", ["e"]),  # accents and case ignored
    ("feed:a.example", ["a", "b"]),
    (f'feed:"{FEED_B}"', ["d"]),
    ("feed:sports", ["d"]),  # part of the feed's title
    ("tag:tech", ["a", "b"]),
    ("tag:news", ["a", "b"]),
    ("tag:sport", ["d"]),  # the tags' feed URL written with a trailing slash
    ("tag:nothing", []),
    ("date:2023", ["d", "a"]),
    ("date:2023-04-19", ["a"]),
    ("date:[2022-11-01 to 2023-04-19]", ["a", "b"]),
    ("date:>2023-04-19", ["e", "d"]),
    ("date:<2023", ["b"]),
    ("date:[2023-05 to]", ["e"]),
    ("-date:2023", ["e", "b", "c"]),  # undated articles match no date, so they match its negation
    ("twitter", ["d", "c"]),
    ("retirer", ["a", "c"]),  # French analysis: retiré, retirer
    ('"la plateforme"', ["a"]),
    ("title:plateforme", ["a"]),
    ("plat*", ["a"]),
    ("twitter -microsoft", ["c"]),
    ("twitter lang:fr", ["c"]),
    ("twitter OR tag:tech", ["d", "a", "b", "c"]),
    ("(twitter OR élections) date:<2023-06", ["d", "b"]),
    ("NOT (twitter OR tag:tech)", ["e"]),
])
def test_evaluation(small, text, expected):
    _folder, ctx = small
    assert kept(ctx, text) == expected


def test_state_predicates_read_the_reading_state(small):
    _folder, ctx = small
    store = StateStore()
    store.mark_read("a")
    store.mark_read("d")
    store.set_starred("b", True)
    store.set_starred("d", True)
    assert kept(ctx, "unread") == ["e", "b", "c"]
    assert kept(ctx, "is:read") == ["d", "a"]
    assert kept(ctx, "starred") == ["d", "b"]
    assert kept(ctx, "is:unstarred") == ["e", "a", "c"]
    assert kept(ctx, "unread starred") == ["b"]
    assert kept(ctx, "unread OR starred") == ["e", "d", "b", "c"]
    assert kept(ctx, "unread twitter") == ["c"]
    assert kept(ctx, "-unread tag:tech") == ["a"]
    assert ctx.count("tag:tech") == (2, None) and ctx.count("tag:tech", unread=True) == (1, None)


def test_a_state_change_is_seen_by_the_next_filter(small, tmp_path):
    """The states are kept while the database does not change (typing over one list reads them once),
    and read again after any commit, by this process or another."""
    import subprocess
    import sys

    _folder, ctx = small
    ids = ctx.sort(None)
    store = StateStore()
    store.mark_read("e")
    assert kept(ctx, "unread", ids) == ["d", "a", "b", "c"]
    store.mark_read("d")
    assert kept(ctx, "unread", ids) == ["a", "b", "c"]
    store.toggle_star("a")
    assert kept(ctx, "starred", ids) == ["a"]
    subprocess.run([sys.executable, "-c", "from reader.state.store import StateStore; StateStore().mark_read('a')"],
                   check=True)
    assert kept(ctx, "unread", ids) == ["b", "c"]
    store.undo(store.mark_all_read(ids))
    assert kept(ctx, "unread", ids) == ["b", "c"]
    store.mark_all(["b"], "read")
    assert kept(ctx, "unread", ids) == ["c"]


def test_states_come_from_one_call_for_the_ids_asked(small):
    folder, _ = small
    calls = []

    def states(ids):
        calls.append(list(ids))
        return {"b": ArticleState(read=True)}

    ctx = FilterContext(folder, states=states)
    assert kept(ctx, "unread OR (starred lang:fr) OR -unread", ["a", "b"]) == ["a", "b"]
    assert kept(ctx, "unread", ["b", "a", "c"]) == ["a", "c"]  # the caller's order
    assert calls == [["a", "b"], ["b", "a", "c"]]
    assert kept(ctx, "lang:fr", ["a", "b"]) == ["a", "b"] and len(calls) == 2  # no state: not read


def test_new_is_first_seen_after_last_opened(small, monkeypatch):
    folder, _ = small
    seen = {r[0]: r[6] for r in Catalogue(folder).filter_rows()}
    opened = max(seen.values())
    assert FilterContext(folder, last_opened=None).apply("new").total == 5  # never opened: all new
    assert FilterContext(folder, last_opened=opened).apply("new").ids == []
    write_article(folder, "f.md", "f", "Arrivé après", "Nouveau.", published="2020-01-01")
    with monkeypatch.context() as m:
        m.setattr(corpus_catalogue.time, "time", lambda: opened + 100)
        Catalogue(folder).refresh()
    ctx = FilterContext(folder, last_opened=opened)
    assert kept(ctx, "new") == ["f"]
    assert kept(ctx, "-new lang:en") == ["d"]


def test_first_seen_is_kept_across_edits_and_renames(tmp_path, monkeypatch):
    write_article(tmp_path, "a.md", "a", "A", "x")
    cat = Catalogue(tmp_path)
    monkeypatch.setattr(corpus_catalogue.time, "time", lambda: 1000.0)
    cat.refresh()
    monkeypatch.setattr(corpus_catalogue.time, "time", lambda: 2000.0)
    write_article(tmp_path, "a.md", "a", "A edited", "x y z")
    cat.refresh()
    (tmp_path / "a.md").rename(tmp_path / "renamed.md")
    write_article(tmp_path, "b.md", "b", "B", "new one")
    cat.refresh()
    assert {r[0]: r[6] for r in cat.filter_rows()} == {"a": 1000.0, "b": 2000.0}


def test_feed_comes_from_front_matter_and_the_catalogue(small):
    folder, _ = small
    metas = {m.id: m for m in Catalogue(folder).cached().articles}
    assert metas["a"].feed == FEED_A and metas["c"].feed is None
    assert {r[0]: r[5] for r in Catalogue(folder).filter_rows()}["d"] == FEED_B


def test_feed_of_plugs_feeds_for_articles_without_front_matter(small):
    folder, _ = small
    ctx = FilterContext(folder, feeds=Feeds(feed_of={"c": FEED_B, "a": FEED_B}, tags={FEED_B: ["sport"]}))
    assert kept(ctx, "tag:sport") == ["d", "c"]  # a's front matter wins over the mapping

    class Sub:  # what reader.feeds.subscriptions.Subscription has
        def __init__(self, url, tags, title=None):
            self.url, self.tags, self.title = url, tags, title

    ctx.set_feeds(Feeds.from_subscriptions([Sub(FEED_A, ("x",), "Alpha")]))
    assert kept(ctx, "tag:x") == ["a", "b"] and kept(ctx, "feed:alpha") == ["a", "b"]


def test_bad_filters_are_errors_not_exceptions(small):
    _folder, ctx = small
    res = ctx.apply("fed:x")
    assert res.ids == [] and res.error == "unknown field 'fed:' (did you mean feed:?)"
    assert "too many words" in ctx.apply(" ".join(f"mot{k}" for k in range(60))).error  # the search parser's
    assert ctx.count("(") == (0, "unbalanced parentheses: '(' is never closed")


def test_text_without_an_index_says_so_and_the_rest_works(tmp_path):
    write_article(tmp_path, "a.md", "a", "Titre", "Un texte sur Twitter.", language="fr")
    Catalogue(tmp_path).refresh()
    ctx = FilterContext(tmp_path)
    res = ctx.apply("twitter unread")
    assert res.ids == [] and "search index" in res.error and "not built yet" in res.error
    assert kept(ctx, "unread lang:fr") == ["a"]


def test_a_text_filter_while_the_index_is_being_built_gives_a_notice(tmp_path):
    for k in range(3):
        write_article(tmp_path, f"{k}.md", f"id{k}", f"Titre {k}", "Twitter encore.")
    cat = Catalogue(tmp_path)
    metas = cat.refresh().articles
    update_index(tmp_path, metas[:1])  # as when the index is built in the background
    ctx = FilterContext(tmp_path)
    res = ctx.apply("twitter")
    assert res.error is None and res.ids == [metas[0].id]
    assert res.notice == "the search index is still being built: 1 of 3 articles are indexed, text matches only those"
    update_index(tmp_path, metas)
    res = ctx.apply("twitter")
    assert len(res.ids) == 3 and res.notice is None  # the new index version is seen


def test_an_edited_article_matches_its_new_text_only(small):
    """Index documents of an edited article are deleted and added again: the document → id map follows."""
    folder, ctx = small
    assert kept(ctx, "bretagne") == ["b"] and ctx.apply("zanzibar").ids == []
    write_article(folder, "b.md", "b", "Élections à Zanzibar", "Les élections ont eu lieu à Zanzibar.",
                  published="2022-11-02", source="Ouest Matin", language="fr", feed=FEED_A)
    update_index(folder, Catalogue(folder).refresh().articles)
    ctx.warm()
    assert kept(ctx, "zanzibar") == ["b"] and kept(ctx, "bretagne") == []
    assert kept(ctx, "élections") == ["b"]


def test_a_rescan_is_seen_for_ids_the_columns_do_not_know(small):
    folder, ctx = small
    assert kept(ctx, "lang:de") == []
    write_article(folder, "g.md", "g", "Neu", "Deutsch.", language="de", published="2023-01-01")
    ids = [m.id for m in Catalogue(folder).refresh().articles]
    assert kept(ctx, "lang:de", ids) == ["g"]
    assert kept(ctx, "lang:de", ["zz-unknown", "g"]) == ["g"]  # an unknown id is never kept


def test_without_a_usable_catalogue_the_filter_works_from_the_metas(small):
    from reader import sqlitedb
    from reader.corpus import load_folder

    folder, _ = small
    metas = load_folder(folder).articles
    ctx = FilterContext(folder, catalogue=Catalogue(folder, db_path=sqlitedb.MEMORY), metas=metas,
                        feeds=Feeds(tags={FEED_A: ["tech"]}), last_opened=0.0)
    ids = [m.id for m in metas]
    assert kept(ctx, "lang:fr date:<2024", ids) == ["a", "b"]
    assert kept(ctx, "tag:tech twitter OR retirer", ids) == ["a", "c"]
    assert kept(ctx, "new", ids) == []  # first seen unknown
    assert ctx.sort(ids, "title") == ["e", "b", "a", "c", "d"]


# -- sorting --------------------------------------------------------------------------------------


def test_sort_orders(small):
    folder, ctx = small
    StateStore().mark_read("e")
    StateStore().mark_read("a")
    assert ctx.sort(None) == ["e", "d", "a", "b", "c"]
    assert ctx.sort(["c", "a", "e"], "date") == ["e", "a", "c"]
    assert ctx.sort(None, "title") == ["e", "b", "a", "c", "d"]  # Économie with the e's, Élections too
    assert ctx.sort(None, "source") == ["e", "b", "a", "d", "c"]  # L'Économiste, Ouest, Tech, The Post, none
    assert ctx.sort(None, "unread") == ["d", "b", "c", "e", "a"]
    assert ctx.sort(["x", "a", "e"], "unread", {"a": ArticleState(read=True)}) == ["e", "a", "x"]
    with pytest.raises(ValueError, match="unknown sort"):
        ctx.sort(None, "size")
    metas = Catalogue(folder).refresh().articles
    states = StateStore().states([m.id for m in metas])
    for by in ("date", "title", "source", "unread"):
        assert [m.id for m in sort_metas(metas, by, states)] == ctx.sort(None, by)


# -- saved searches and last opened -----------------------------------------------------------------


def test_saved_searches_crud(tmp_path):
    store = SavedSearches()
    assert store.list() == []
    first = store.save("Tech à lire", "unread  tag:tech")
    assert first.query == "unread tag:tech"
    store.save("Sport", "tag:sport")
    assert [(s.name, s.query) for s in SavedSearches().list()] == [("Tech à lire", "unread tag:tech"),
                                                                  ("Sport", "tag:sport")]
    with pytest.raises(SavedSearchError, match="exists"):
        store.save("sport", "lang:fr")
    store.save("sport", "lang:fr", replace=True)
    assert store.get("SPORT").query == "lang:fr"
    with pytest.raises(FilterError, match="did you mean feed:"):
        store.save("bad", "fed:x")
    with pytest.raises(SavedSearchError, match="needs a name"):
        store.save("  ", "unread")
    assert store.delete("tech à lire").name == "Tech à lire"
    with pytest.raises(SavedSearchError, match="no saved search named 'nope'"):
        store.delete("nope")
    assert [s.name for s in store.list()] == ["sport"]


def test_an_unreadable_saved_searches_file_is_left_as_it_is(tmp_path):
    store = SavedSearches()
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SavedSearchError, match="not readable"):
        store.list()
    with pytest.raises(SavedSearchError):
        store.save("x", "unread")
    assert store.path.read_text(encoding="utf-8") == "{not json"


def test_saved_search_counts(small):
    _folder, ctx = small
    StateStore().mark_read("a")
    store = SavedSearches()
    store.save("tech", "tag:tech")
    store.save("twitter", "twitter")
    store.save("all", "")
    data = json.loads(store.path.read_text())
    data["searches"][1]["query"] = "fed:x"  # edited by hand
    store.path.write_text(json.dumps(data))
    counts = {c.search.name: c for c in store.counts(ctx)}
    assert (counts["tech"].total, counts["tech"].unread) == (2, 1)
    assert (counts["all"].total, counts["all"].unread) == (5, 4)
    assert counts["twitter"].total is None and "did you mean feed:" in counts["twitter"].error


def test_an_unusable_reading_state_is_a_message(small, capsys):
    from reader import paths

    folder, ctx = small
    paths.state_db().write_bytes(b"this is not a database" * 100)
    res = ctx.apply("unread lang:fr")
    assert res.ids == [] and res.error.startswith("the reading state cannot be read: ")
    assert kept(ctx, "lang:en") == ["d"]
    store = SavedSearches()
    store.save("en", "lang:en")
    store.save("unread", "unread")
    counts = {c.search.name: c for c in store.counts(ctx)}
    assert (counts["en"].total, counts["en"].unread) == (1, None) and "cannot be read" in counts["en"].error
    assert counts["unread"].total is None and "cannot be read" in counts["unread"].error
    code, out, err = run(capsys, folder, "list", "--filter", "unread")
    assert code == 1 and out == "" and "reading state" in err and "Traceback" not in err


def test_last_opened(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    assert last_opened(tmp_path) is None
    assert mark_opened(tmp_path, 1000.0) is None
    assert mark_opened(tmp_path, 2000.0) == 1000.0
    assert last_opened(tmp_path) == 2000.0 and last_opened(other) is None
    before = time.time()
    mark_opened(other)
    assert last_opened(other) >= before


# -- catalogue version 4 --------------------------------------------------------------------------


def test_a_version_3_catalogue_is_upgraded_in_place(tmp_path):
    """first_seen of the rows there is their file's mtime, feed unset; the rows are not read again."""
    write_article(tmp_path, "a.md", "a", "Éclair", "x", feed=FEED_A)
    cat = Catalogue(tmp_path)
    cat.db_path.parent.mkdir(parents=True, exist_ok=True)
    st = (tmp_path / "a.md").stat()
    with sqlite3.connect(cat.db_path) as conn:
        conn.executescript("CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, id TEXT, "
                           "title TEXT, hash TEXT, language TEXT, published TEXT, published_inferred TEXT, "
                           "source TEXT, url TEXT, words INTEGER, error TEXT, sort_title TEXT, pv INTEGER);"
                           "PRAGMA user_version = 3;")
        conn.execute("INSERT INTO files VALUES ('a.md', ?, ?, 'a', 'Éclair', 'oldhash', 'fr', '2023-01-02', NULL, "
                     "NULL, NULL, 1, NULL, 'eclair', ?)", (st.st_size, st.st_mtime_ns, passages.PASSAGES_VERSION))
    assert cat.filter_rows() == [("a", "eclair", "fr", "2023-01-02", None, None, pytest.approx(st.st_mtime_ns / 1e9),
                                  "oldhash")]
    with sqlite3.connect(cat.db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == corpus.CATALOGUE_VERSION == 5
    fresh = cat.refresh()
    assert fresh.articles[0].content_hash == "oldhash"  # kept, not read again
    assert FilterContext(tmp_path).apply("date:2023-01-02 lang:fr").ids == ["a"]


# -- command line ---------------------------------------------------------------------------------


def run(capsys, folder, *argv):
    code = main(["--articles", str(folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_list_filter_and_sort(capsys, small):
    folder, _ = small
    StateStore().mark_read("e")
    code, out, err = run(capsys, folder, "list", "--filter", "unread lang:fr")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == ["a", "b", "c"]
    code, out, _ = run(capsys, folder, "list", "--filter", "twitter", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["d", "c"]
    code, out, _ = run(capsys, folder, "list", "--sort", "title")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["e", "b", "a", "c", "d"]
    code, out, _ = run(capsys, folder, "list", "--filter", "lang:fr", "--sort", "unread")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["a", "b", "c", "e"]
    code, out, err = run(capsys, folder, "list", "--filter", "fed:x")
    assert code == 2 and out == "" and err == "reader: bad filter: unknown field 'fed:' (did you mean feed:?)\n"


def test_cli_list_filter_new_uses_last_opened(capsys, small):
    folder, _ = small
    mark_opened(folder, time.time() + 10)
    code, out, _ = run(capsys, folder, "list", "--filter", "new")
    assert code == 0 and out == ""


def test_cli_text_filter_without_index(capsys, tmp_path):
    write_article(tmp_path, "a.md", "a", "A", "twitter")
    code, out, err = run(capsys, tmp_path, "list", "--filter", "twitter")
    assert code == 1 and "not built yet" in err and "Traceback" not in err


def test_cli_mark_all_read_filter(capsys, small):
    folder, _ = small
    code, out, _ = run(capsys, folder, "mark", "--all-read", "--filter", "feed:a.example")
    assert code == 0 and "marked 2 articles read" in out
    states = StateStore().states(list("abcde"))
    assert [i for i, s in states.items() if s.read] == ["a", "b"]
    code, out, _ = run(capsys, folder, "mark", "--all-read", "--filter", "lang:de")
    assert code == 0 and "the filter keeps no article" in out
    code, _, err = run(capsys, folder, "mark", "--all-read", "--filter", "date:2023-13")
    assert code == 2 and "not a date" in err
    code, _, err = run(capsys, folder, "mark", "a", "--read", "--filter", "unread")
    assert code == 2 and "--filter goes with --all-read" in err
    code, out, _ = run(capsys, folder, "mark", "--undo")
    assert code == 0 and not any(s.read for s in StateStore().states(list("abcde")).values())


def test_cli_searches(capsys, small):
    folder, _ = small
    StateStore().mark_read("a")
    code, out, _ = run(capsys, folder, "searches")
    assert code == 0 and "no saved searches" in out
    code, out, _ = run(capsys, folder, "searches", "add", "Tech", "feed:a.example")
    assert code == 0 and out == "saved search 'Tech': feed:a.example\n"
    code, out, _ = run(capsys, folder, "searches", "add", "Twit", "twitter", "OR", "feed:b.example")
    assert code == 0
    code, _, err = run(capsys, folder, "searches", "add", "tech", "unread")
    assert code == 1 and "exists" in err
    code, _, _ = run(capsys, folder, "searches", "add", "tech", "unread", "--replace")
    assert code == 0
    code, _, err = run(capsys, folder, "searches", "add", "bad", "fed:x")
    assert code == 2 and "did you mean feed:" in err and "nothing was saved" in err
    code, out, _ = run(capsys, folder, "searches")
    assert out.splitlines() == ["4\t4\ttech\tunread", "2\t2\tTwit\ttwitter OR feed:b.example"]
    code, out, _ = run(capsys, folder, "searches", "--json")
    rows = json.loads(out)
    assert [(r["name"], r["query"], r["total"], r["unread"], r["error"]) for r in rows] == [
        ("tech", "unread", 4, 4, None), ("Twit", "twitter OR feed:b.example", 2, 2, None)]
    code, out, _ = run(capsys, folder, "searches", "remove", "TWIT")
    assert code == 0 and "removed saved search 'Twit'" in out
    code, _, err = run(capsys, folder, "searches", "remove", "Twit")
    assert code == 1 and "no saved search named 'Twit'" in err


def test_cli_searches_with_an_unreadable_file(capsys, small):
    folder, _ = small
    SavedSearches().path.write_text("[]", encoding="utf-8")
    code, out, err = run(capsys, folder, "searches")
    assert code == 1 and "not readable" in err and "Traceback" not in err


def test_dates_near_the_calendar_edges():
    assert parse_filter("date:9999-12").root.end == dt.date(9999, 12, 31)
    assert parse_filter("date:>9999").root.start == dt.date(9999, 12, 31)
    assert parse_filter("date:<0001").root.end == dt.date(1, 1, 1)


def test_random_filters_never_raise(small):
    """Any text typed, one character at a time: a result or a message, never an exception."""
    import random

    _folder, ctx = small
    r = random.Random(13)
    pieces = ["unread", "starred", "new", "is:", "is:read", "feed:", "feed:a", "tag:", "tag:tech", "lang:fr",
              "date:", "date:[", "date:[2023", " to ", "2023]", "date:>20", "source:\"", "\"", "(", ")", "-", "+",
              "AND", "OR", "NOT", "twitter", "plat*", "retir~", "title:", "title:(", "fed:", ":", "~", "*", "[", "]",
              "\\", "\x00", "é", "le", " "]
    ids = ctx.sort(None)
    for _ in range(150):
        text = " ".join(r.choice(pieces) for _ in range(r.randint(1, 8)))
        for k in range(1, len(text) + 1, 3):
            flt, err = try_parse(text[:k])
            assert (flt is None) != (err is None)
            res = ctx.apply(text[:k], ids)
            assert res.error is not None or set(res.ids) <= set(ids)
