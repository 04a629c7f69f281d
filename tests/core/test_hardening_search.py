"""Search hardening (issue 10): empty fields at any place in the index, pathological input
bounded with a clear message, and the README's examples on the bundled articles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from whoosh.filedb.filestore import RamStorage

from helpers import write_article
from reader.cli import main
from reader.corpus import Catalogue
from reader.search.analysis import term_of
from reader.search.engine import Engine
from reader.search.index import build_schema, update_index
from reader.search.highlight import ELLIPSIS, SNIPPET_CHARS, densest_start, make_snippet, match_spans, spans_note
from reader.search.parse import MAX_EXPANDING_TERMS, MAX_QUERY_CHARS, MAX_QUERY_TERMS, MAX_SPANS, parse
from reader.search.searcher import Searcher

TW = term_of("twitter")  # body and pairs arrive pre-analysed
FIELDS = ("title", "body", "pairs", "source", "person", "org", "place", "other")


def index(folder):
    return update_index(folder, Catalogue(folder).refresh().articles)


def ids_of(res):
    return {h.article_id for h in res.hits}


# -- 1. empty fields: the length and date columns are shorter than the segment -------------------

def _full_doc(i: int) -> dict:
    return {
        "id": f"d{i}", "title": f"Titre numéro {i} twitter", "body": f"{TW} mot{i}", "pairs": f"{TW}_mot{i}",
        "source": "Tech Hebdo", "language": "fr", "person": "Elon Musk", "org": "Microsoft",
        "place": "Redmond", "other": "Bing", "published": dt.datetime(2023, 4, 1) + dt.timedelta(days=i),
        "passages": b"",
    }


def _empty_doc(i: int) -> dict:
    # a stop-word-only title ("À la une"), no source, no entities, no date: only the id and a body
    return {"id": f"d{i}", "title": "À la une", "body": TW, "pairs": "", "language": "fr", "passages": b""}


def _build(sizes_and_empties: list[tuple[int, set[int]]]):
    """A RAM index with one segment per (size, indexes of empty documents) entry."""
    ix = RamStorage().create_index(build_schema())
    n = 0
    for size, empty in sizes_and_empties:
        writer = ix.writer()
        for k in range(size):
            writer.add_document(**(_empty_doc(n) if k in empty else _full_doc(n)))
            n += 1
        writer.commit(merge=False)
    return ix


def _positions(size: int) -> dict[str, set[int]]:
    return {
        "none": set(),
        "start": {0},
        "middle": {size // 2},
        "end": {size - 1},
        "last-three": set(range(max(0, size - 3), size)),
        "start-and-end": {0, size - 1},
        "all": set(range(size)),
    }


SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 127, 128, 129, 300]


def _check_engine(ix):
    with ix.searcher() as s:
        engine = Engine(s)
        expected_lengths = {f: [] for f in FIELDS}
        expected_dates = []
        for leaf, _off in engine.leaves:
            for d in range(leaf.doc_count_all()):
                for f in FIELDS:
                    expected_lengths[f].append(leaf.doc_field_length(d, f) or 0)
                pub = leaf.stored_fields(d).get("published")
                expected_dates.append(pub is not None)
        for f in FIELDS:
            got = engine.lengths(f)
            assert got.shape == (engine.n_all,), f
            assert got.tolist() == expected_lengths[f], f
        dates = engine.dates()
        assert dates.shape == (engine.n_all,)
        assert ((dates > 0) == np.array(expected_dates, dtype=bool)).all()
        assert np.all(np.diff(dates[dates > 0]) > 0)  # increasing days, in document order
        total, ranked = engine.run(_parse("twitter"), 1000)
        assert total == engine.n_all  # every document has "twitter" in its body
        assert all(np.isfinite(score) for _d, score in ranked)


def _parse(text):
    q, err = parse(text)
    assert err is None
    return q


@pytest.mark.parametrize("size", SIZES)
def test_lengths_and_dates_with_empty_fields_anywhere(size):
    for empty in _positions(size).values():
        _check_engine(_build([(size, empty)]))


@pytest.mark.parametrize("where", ["start", "middle", "end", "last-three"])
def test_lengths_with_empty_fields_in_several_segments(where):
    # offsets of later segments must stay right when an earlier segment's columns are short
    _check_engine(_build([(16, _positions(16)[where]), (31, _positions(31)[where]), (9, set())]))


def _fifteen_and_a_brief(folder):
    for i in range(1, 16):
        write_article(folder, f"a{i:02d}.md", f"art{i:02d}", f"Article numéro {i} sur Twitter",
                      f"Twitter et Microsoft, paragraphe {i}.", published=f"2023-04-{i:02d}")
    write_article(folder, "zz.md", "brief", "À la une", "Les brèves du jour.")


def test_issue_repro_undated_stop_word_brief_last(tmp_path, capsys):
    _fifteen_and_a_brief(tmp_path)
    assert main(["--articles", str(tmp_path), "search", "twitter"]) == 0
    out = capsys.readouterr()
    assert "15 results for: twitter" in out.out
    assert "search failed" not in out.err
    for sort in ("relevance", "date"):
        s = Searcher(tmp_path)
        try:
            res = s.search("twitter OR brèves", limit=50, sort=sort)
            assert res.error is None and res.total == 16
            if sort == "date":
                assert res.hits[-1].article_id == "brief"  # undated last
            assert s.search("brèves date:2023-04").total == 0
            assert s.search("twitter date:2023-04-03").total == 1
        finally:
            s.close()


# -- 2. pathological input: bounded work, a clear message ----------------------------------------

ONE_MB_REPEATED = "twitter " * 125_000  # one paragraph of 1 MB, one word 125,000 times


def test_snippet_window_is_the_densest_as_before():
    """densest_start() gives what make_snippet's former quadratic loop gave, in one pass."""
    import random

    r = random.Random(3)
    for _ in range(500):
        spans, pos = [], r.randrange(0, 50)
        for _k in range(r.randrange(1, 80)):
            end = pos + r.randrange(1, 12 if r.random() < 0.95 else 250)
            spans.append((pos, end))
            pos = end + r.randrange(1, 150)
        reach = r.choice([SNIPPET_CHARS - 40, 10, 300])
        best, best_n = spans[0][0], -1
        for s, _e in spans:  # the former loop
            n = sum(1 for s2, e2 in spans if s <= s2 and e2 <= s + reach)
            if n > best_n:
                best, best_n = s, n
        assert densest_start(spans, reach) == best
    snippet, spans = make_snippet("mot " * 100 + "twitter " * 3 + "mot " * 100, [(400, 407), (408, 415), (416, 423)])
    assert snippet.startswith(ELLIPSIS) and [snippet[s:e] for s, e in spans] == ["twitter"] * 3


def _huge_corpus(folder, body=ONE_MB_REPEATED):
    write_article(folder, "huge.md", "huge", "Un paragraphe énorme", body, published="2023-04-01")
    write_article(folder, "small.md", "small", "Un article normal", "Un article normal sur twitter et la plateforme.",
                  published="2023-04-02")
    index(folder)


def test_a_word_repeated_in_a_1_mb_paragraph_is_found_quickly_with_a_notice(tmp_path, capsys):
    _huge_corpus(tmp_path)
    s = Searcher(tmp_path)
    try:
        res = s.search("twitter")
        assert res.error is None and ids_of(res) == {"huge", "small"}
        huge = next(h for h in res.hits if h.article_id == "huge")
        assert len(huge.passage_spans) == MAX_SPANS  # the first 1,000 of 125,000
        assert huge.passage_spans[0] == (0, 7) and huge.snippet_spans
        assert res.notice == f"only the first {MAX_SPANS:,} matches in a passage are used for the snippet"
        assert s.search("plateforme").notice is None  # a normal passage: no notice
    finally:
        s.close()
    assert main(["--articles", str(tmp_path), "search", "twitter"]) == 0
    out = capsys.readouterr()
    assert "2 results for: twitter" in out.out
    assert "matches in a passage are used for the snippet" in out.err


def test_phrases_in_a_1_mb_paragraph(tmp_path, monkeypatch):
    import random

    from reader.search import engine

    r = random.Random(0)
    words = ["twitter", "plateforme", "marché", "données", "réseau"]
    body = " ".join(r.choice(words) for _ in range(120_000))
    body = body.replace("réseau données marché", "réseau marché")  # never this phrase
    _huge_corpus(tmp_path, body + " fin du texte ici")
    s = Searcher(tmp_path)
    try:
        assert ids_of(s.search('"twitter plateforme marché"')) == {"huge"}
        assert s.search('"twitter plateforme marché"').approximate is False
        assert s.search('"fin texte ici"').total == 1  # at the very end of the paragraph
        assert s.search('"réseau données marché"').total == 0  # every pair is there, never in a row
        # the characters analysed again for a phrase are bounded: past that, pairs are trusted
        monkeypatch.setattr(engine, "PHRASE_CHECK_CHARS", 100_000)
        s.close()
        res = s.search('"réseau données marché"')
        assert res.total == 1 and res.approximate
    finally:
        s.close()


def test_match_spans_in_a_huge_passage_stop_at_the_limit_and_say_so():
    spans = match_spans("twitter", ONE_MB_REPEATED)
    assert len(spans) == MAX_SPANS and spans[:2] == [(0, 7), (8, 15)]
    assert match_spans("twitter", ONE_MB_REPEATED, limit=5) == [(0, 7), (8, 15), (16, 23), (24, 31), (32, 39)]
    # the first matches overall, whichever word they are
    text = "marché " * 2000 + "twitter plateforme " * 2000
    spans = match_spans("twitter OR plateforme OR marché", text, limit=2003)
    assert spans[1999] == (7 * 1999, 7 * 1999 + 6) and spans[2000] == (14000, 14007)
    assert spans[2001] == (14008, 14018) and len(spans) == 2003
    assert spans_note([spans[:10], match_spans("twitter", ONE_MB_REPEATED)]) == \
        f"only the first {MAX_SPANS:,} matches in a passage are marked"
    assert spans_note([[(0, 1)]]) is None


def test_a_100000_character_query_is_refused_at_once(tmp_path, capsys):
    _fifteen_and_a_brief(tmp_path)
    index(tmp_path)
    huge = " ".join(["plateforme", "marché", "twitter"] * 10_000)[:100_000]
    res = Searcher(tmp_path).search(huge)
    assert res.error == f"query too long: 100,000 characters (at most {MAX_QUERY_CHARS:,})"
    assert parse("   " + "twitter " * 200)[1] is not None  # 1,599 characters once spaces are squeezed
    q, err = parse(("twitter " * 200)[: MAX_QUERY_CHARS])
    assert err is None and q is not None  # at the limit: fine
    assert main(["--articles", str(tmp_path), "search", huge]) == 1
    assert "query too long: 100,000 characters" in capsys.readouterr().err


def test_too_many_words_or_expanding_words_are_refused():
    words = [f"mot{i}" for i in range(MAX_QUERY_TERMS + 1)]
    assert parse(" ".join(words[:-1]))[1] is None  # title:w OR body:w counts once
    assert parse(" ".join(words))[1] == f"too many words in the query: {MAX_QUERY_TERMS + 1} (at most {MAX_QUERY_TERMS})"
    assert parse('"' + " ".join(words) + '"')[1].startswith("too many words in the query")
    assert parse(" ".join(words[:30]) + ' "' + " ".join(words[30:]) + '"')[1].startswith("too many words")
    fuzzy = [f"mot{i}~" for i in range(MAX_EXPANDING_TERMS)]
    assert parse(" ".join(fuzzy))[1] is None
    assert parse(" ".join(fuzzy + ["plat*"]))[1] == (
        f"too many fuzzy~, prefix* or wildcard words: {MAX_EXPANDING_TERMS + 1} (at most {MAX_EXPANDING_TERMS})")
    assert match_spans(" ".join(words), "mot1 mot2") == []  # refused: nothing marked, no crash


async def test_the_search_screen_shows_limits_as_messages(tmp_path, make_app):
    from helpers import wait_until
    from reader.ui.screens.search import SearchScreen

    _huge_corpus(tmp_path, "twitter " * (MAX_SPANS + 200))
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(150, 35)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        info = screen.query_one("#search-info")
        screen.query_one("#search-input").value = "twitter"
        assert await wait_until(pilot, lambda: screen.results is not None and screen.results.query == "twitter")
        assert await wait_until(pilot, lambda: "matches in a passage are used for the snippet" in str(info.render()))
        screen.query_one("#search-input").value = "twitter " * 200
        assert await wait_until(pilot, lambda: "query too long: 1,599 characters" in str(info.render()))
        assert screen.results.error and not screen.results.hits
        screen.query_one("#search-input").value = "twitter"
        assert await wait_until(pilot, lambda: screen.results.query == "twitter" and screen.results.hits)
        screen.query_one("#search-results").highlighted = [h.article_id for h in screen.results.hits].index("huge")
        await pilot.press("enter")
        # the article view marks the first matches of the huge passage and says so
        assert await wait_until(pilot, lambda: "are marked" in app.main.status_text)
        assert app.main.status_text.startswith(f"{MAX_SPANS} matches for twitter")
        assert f"only the first {MAX_SPANS:,} matches in a passage are marked" in app.main.status_text


def test_did_you_mean_looks_up_the_first_few_unknown_words_only(corpus):
    from reader.search.parse import MAX_SUGGESTED_WORDS

    index(corpus)
    s = Searcher(corpus)
    try:
        res = s.search("plateforne " * (MAX_SUGGESTED_WORDS + 2))
        assert res.error is None and res.total == 0
        assert res.suggestion.split() == ["plateforme"] * MAX_SUGGESTED_WORDS + ["plateforne"] * 2
    finally:
        s.close()


def test_match_spans_parses_a_query_once_for_all_the_passages(monkeypatch):
    """The article view marks matches passage by passage: 40,000 passages parsed the query 40,000 times."""
    from reader.search import highlight
    from reader.search import parse as sparse

    calls = []
    real = sparse.parse
    monkeypatch.setattr(sparse, "parse", lambda *a: calls.append(a) or real(*a))
    text = "Un paragraphe sur twitter."
    assert [highlight.match_spans("twitter OR réseau", text) for _ in range(100)] == [[(18, 25)]] * 100
    assert len(calls) <= 1


# -- 3. the README's examples on the bundled articles -----------------------------------------------

@pytest.mark.parametrize("query, word", [
    ("reseaux", "réseau"),  # accents and plurals: the suggested README example
    ("plateformes", "plateforme"),
    ("publicitaire", "publicitaires"),
    ("decision", "décision"),
    ('"elon musk"', "Elon Musk"),
    ("plat*", "plateforme"),
    ("retirer~", "retirer"),
    ("twitter -bing", "Twitter"),
    ("title:plateforme", "plateforme"),
])
def test_readme_examples_find_something_in_the_bundled_articles(corpus, query, word):
    index(corpus)
    s = Searcher(corpus)
    try:
        res = s.search(query)
        assert res.error is None and res.hits, query
        assert any(word in h.snippet and h.snippet_spans for h in res.hits), query
    finally:
        s.close()


def test_publicite_is_folded_like_publicite_but_the_bundled_articles_never_say_it(corpus):
    """`publicite` and « publicité » are the same term (accents are folded before stemming); the
    bundled articles only have « publicitaire(s) », a different Snowball stem, so nothing is found."""
    assert term_of("publicite") == term_of("publicité") == term_of("Publicités")
    assert term_of("publicitaires") != term_of("publicité")
    index(corpus)
    s = Searcher(corpus)
    try:
        assert s.search("publicite").total == 0
        (corpus / "extra.md").write_text('---\nid: extra\ntitle: "Régie"\n---\n\nLa publicité en ligne.\n',
                                         encoding="utf-8")
        index(corpus)
        assert ids_of(s.search("publicite")) == {"extra"}
        assert len(s.search("publicit*").hits) == 3  # the prefix reaches « publicitaire(s) » too
    finally:
        s.close()
