"""Full text per feed (auto | always | never), ``reader feeds refetch URL`` and conditional GET of
pages (an unchanged page is not downloaded again), against the loopback server."""

from __future__ import annotations

import sqlite3

import pytest

from helpers.feedserver import FeedServer
from reader.cli import main
from reader.corpus import Catalogue, load_article
from reader.feeds.subscriptions import FeedsFile, Subscription, parse_line, parse_opml, to_opml
from reader.feeds.update import state_db

LONG = " ".join(["The council met for hours and argued about every line of the budget."] * 8)


def page(title: str, text: str) -> str:
    paras = "".join(f"<p>{text} Paragraph {i} adds its own details about the decision.</p>" for i in range(6))
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{paras}</article><footer>Copyright</footer></body></html>")


PAGE_TEXT = "The full story of the vote, as the newspaper's own page tells it at length."


def rss(*items: tuple[str, str, str]) -> str:
    body = "".join(f"<item><title>{t}</title><guid>{g}</guid><link>{link}</link>"
                   f"<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate><description>{d}</description></item>"
                   for g, t, d, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{body}</channel></rss>'


@pytest.fixture
def srv():
    with FeedServer() as s:
        yield s


def articles(corpus):
    return {m.title: m for m in Catalogue(corpus).refresh().articles}


def add(corpus, url, *extra):
    assert main(["feeds", "--articles", str(corpus), "add", url, *extra]) == 0


def fetch(corpus, *extra):
    assert main(["fetch", "--all", "--articles", str(corpus), "--timeout", "2", *extra]) == 0


def test_auto_is_the_default_and_reads_only_the_pages_of_teasers(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(("1", "Teaser", "The council voted. Read more", "/p/1"), ("2", "Whole", LONG, "/p/2")))
    srv.add("/p/1", page("Teaser", PAGE_TEXT), content_type="text/html")
    srv.add("/p/2", page("Whole", PAGE_TEXT), content_type="text/html")
    add(corpus, srv.url("/f"))
    assert (corpus / "feeds.txt").read_text().splitlines()[-1] == srv.url("/f")  # no token: auto
    fetch(corpus)
    assert len(srv.hits("/p/1")) == 1 and srv.hits("/p/2") == []
    arts = articles(corpus)
    assert 'content_source: "page"' in arts["Teaser"].path.read_text()
    assert PAGE_TEXT in load_article(arts["Teaser"]).passages[0].text
    assert load_article(arts["Whole"]).passages[0].text == LONG


def test_auto_keeps_the_entry_when_its_page_holds_no_more(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/f", rss(("1", "Short", "Only this… Read more", "/p/1")))
    srv.add("/p/1", "<html><body><p>Only this.</p></body></html>", content_type="text/html")
    add(corpus, srv.url("/f"))
    fetch(corpus)
    assert len(srv.hits("/p/1")) == 1
    art = articles(corpus)["Short"]
    assert 'content_source: "page"' not in art.path.read_text()
    assert load_article(art).passages[0].text == "Only this… Read more"


def test_never_reads_no_page_and_always_reads_every_page(srv, tmp_path):
    corpus = tmp_path / "c"
    srv.add("/never", rss(("1", "N", "teaser…", "/p/n")))
    srv.add("/always", rss(("1", "A", LONG, "/p/a")))
    srv.add("/p/n", page("N", PAGE_TEXT), content_type="text/html")
    srv.add("/p/a", page("A", PAGE_TEXT), content_type="text/html")
    add(corpus, srv.url("/never"), "--full-text", "never")
    add(corpus, srv.url("/always"), "--full-text", "always")
    text = (corpus / "feeds.txt").read_text()
    assert f"{srv.url('/never')} +full-text=never" in text and f"{srv.url('/always')} +full-text" in text
    fetch(corpus)
    assert srv.hits("/p/n") == [] and len(srv.hits("/p/a")) == 1
    arts = articles(corpus)
    assert 'content_source: "page"' in arts["A"].path.read_text()  # a whole entry, still its page
    assert load_article(arts["N"]).passages[0].text == "teaser…"


def test_refetch_asks_conditionally_and_an_unchanged_page_is_not_downloaded(srv, tmp_path, capsys):
    corpus = tmp_path / "c"
    srv.add("/f", rss(("1", "Story", "A teaser…", "/p/1")), etag='"feed1"')
    story = srv.add("/p/1", page("Story", PAGE_TEXT), content_type="text/html", etag='"p1"')
    add(corpus, srv.url("/f"), "--full-text", "always")
    fetch(corpus)
    assert "if-none-match" not in srv.hits("/p/1")[0]
    path = articles(corpus)["Story"].path
    first = path.read_bytes()
    capsys.readouterr()

    assert main(["feeds", "--articles", str(corpus), "refetch", srv.url("/f")]) == 0
    assert "1 pages unchanged" in capsys.readouterr().out
    assert "if-none-match" not in srv.hits("/f")[-1]  # the feed itself downloaded again, whole
    assert srv.hits("/p/1")[-1]["if-none-match"] == '"p1"'
    assert path.read_bytes() == first  # the 304: the article as it was

    story.body = page("Story", "A corrected story, now longer than before and with new facts.").encode()
    story.etag = '"p2"'
    assert main(["feeds", "--articles", str(corpus), "refetch", srv.url("/f")]) == 0
    assert "1 full texts" in capsys.readouterr().out
    assert "A corrected story" in path.read_text()
    with state_db(corpus) as db:
        (entry,) = db.entries(db.feed(srv.url("/f")).feed_id).values()
    assert entry.page_etag == '"p2"'


def test_an_edited_entry_whose_page_did_not_change_keeps_the_page_text(srv, tmp_path):
    corpus = tmp_path / "c"
    feed = srv.add("/f", rss(("1", "Old title", "A teaser…", "/p/1")))
    srv.add("/p/1", page("Old title", PAGE_TEXT), content_type="text/html", last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    add(corpus, srv.url("/f"), "--full-text", "always")
    fetch(corpus)
    feed.body = feed.body.replace(b"Old title", b"New title")
    fetch(corpus)
    assert srv.hits("/p/1")[-1]["if-modified-since"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    arts = articles(corpus)
    assert list(arts) == ["New title"]
    text = arts["New title"].path.read_text()
    assert PAGE_TEXT in text and 'content_source: "page"' in text


def test_refetch_of_a_feed_not_subscribed_says_so(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    assert main(["feeds", "--articles", str(corpus), "refetch", "https://nowhere.example/f"]) == 1
    assert "not subscribed" in capsys.readouterr().err


def test_full_text_modes_in_feeds_txt_and_opml():
    assert parse_line("https://x.example/f").full_text == "auto"
    assert parse_line("https://x.example/f +full-text").full_text == "always"
    assert parse_line("https://x.example/f +full-text=never").full_text == "never"
    assert parse_line("https://x.example/f +full-text=always +full-text=never").options == ("full-text=never",)
    subs = [Subscription("https://x.example/f", (), None, ("full-text=never",))]
    assert parse_opml(to_opml(subs).encode())[0] == subs


def test_a_layout_1_state_gains_the_page_columns(tmp_path):
    from reader import paths

    corpus = tmp_path / "c"
    corpus.mkdir()
    db_path = paths.feeds_state_db(corpus)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    conn.executescript("""CREATE TABLE entries (feed_id TEXT NOT NULL, key TEXT NOT NULL, article_id TEXT NOT NULL,
        file TEXT NOT NULL, hash TEXT NOT NULL, rewrites INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0, first_seen REAL, PRIMARY KEY (feed_id, key));
        INSERT INTO entries VALUES ('f', 'k', 'f-1', 'feeds/f/a.md', 'h', 0, 0, 1.0);
        CREATE TABLE feeds (url TEXT PRIMARY KEY, feed_id TEXT NOT NULL UNIQUE, title TEXT, link TEXT,
        language TEXT, etag TEXT, last_modified TEXT, status INTEGER, error TEXT, last_fetched REAL,
        next_check REAL, stopped INTEGER NOT NULL DEFAULT 0);
        INSERT INTO feeds (url, feed_id) VALUES ('https://x.example/f', 'f');
        PRAGMA user_version = 1;""")
    conn.close()
    with state_db(corpus) as db:
        (entry,) = db.entries("f").values()
        assert (entry.article_id, entry.page_etag) == ("f-1", None)
        entry.page_etag = '"x"'
        db.save_entries([entry])
        assert db.entries("f")["k"].page_etag == '"x"'
        feed = db.feed("https://x.example/f")
        assert (feed.feed_id, feed.fetch_seconds) == ("f", None)
        feed.fetch_seconds = 30.5
        db.save_feed(feed)
        assert db.feed("https://x.example/f").fetch_seconds == 30.5


def test_the_slowest_feeds_of_the_last_run_are_fetched_first(srv, tmp_path):
    from reader.feeds import net
    from reader.feeds.update import Updater

    corpus = tmp_path / "c"
    ff = FeedsFile(corpus)
    for k in range(4):
        srv.add(f"/f{k}", rss((str(k), f"T{k}", LONG, f"/p/{k}")), etag=f'"{k}"', delay=0.3 if k == 2 else 0)
        ff.add(Subscription(srv.url(f"/f{k}"), (), None, ("full-text=never",)))
    ff.save()
    up = Updater(corpus, net.Settings(workers=1), interval=0)
    up.run(all_feeds=True)
    start = len(srv.requests)
    up.run(all_feeds=True)
    assert [p for p, _ in srv.requests[start:]][0] == "/f2"


def test_content_links_resolve_against_xml_base_and_scripts_are_dropped(srv, tmp_path):
    """feedparser no longer sanitises nor rewrites links: the writer does both, with the entry's xml:base."""
    corpus = tmp_path / "c"
    srv.add("/a", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>'
                  '<entry xml:base="https://other.example/dir/"><title>E</title><id>urn:e</id>'
                  '<updated>2026-11-03T00:00:00Z</updated><content type="html">&lt;p onclick="x()"&gt;See '
                  '&lt;a href="page"&gt;this&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt; and '
                  '&lt;a href="javascript:alert(2)"&gt;that&lt;/a&gt;.&lt;/p&gt;' + "word " * 80
                  + '</content></entry></feed>', content_type="application/atom+xml")
    add(corpus, srv.url("/a"))
    fetch(corpus)
    art = articles(corpus)["E"]
    p = load_article(art).passages[0]
    assert p.text == "See this and that."
    assert [s.href for s in p.spans if s.style == "link"] == ["https://other.example/dir/page"]
    assert "alert" not in art.path.read_text() and "onclick" not in art.path.read_text()
