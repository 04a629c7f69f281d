"""Search: French analysis, query features, snippets/spans, malformed queries, did-you-mean, CLI."""

from __future__ import annotations

import json

import pytest

from helpers import write_article
from reader.entities.model import Annotations, EntityInfo, Mention
from reader.entities.cache import save
from reader.corpus import Catalogue, load_article
from reader.search.analysis import analyze, french_analyzer, term_of
from reader.search.index import update_index
from reader.search.highlight import make_snippet, match_spans
from reader.search.parse import parse
from reader.search.searcher import Searcher


def index(folder):
    return update_index(folder, Catalogue(folder).refresh().articles)


def ids(res):
    return {h.article_id for h in res.hits}


@pytest.fixture
def bundled(corpus):
    index(corpus)
    s = Searcher(corpus)
    yield s
    s.close()


@pytest.fixture
def small(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    write_article(folder, "a.md", "a", "La plateforme publicitaire", "Il a déjà retiré la publicité de la plateforme.\n\n"
                  "Deuxième paragraphe sur les élections municipales.", published="2023-04-19", source="Tech Hebdo")
    write_article(folder, "b.md", "b", "Élections en Bretagne", "Les élections ont eu lieu à Rennes.\n\n"
                  "Un mot sur la plateforme multi-plateformes.", published="2022-11-02", source="Ouest Matin")
    write_article(folder, "c.md", "c", "Sans date", "Ils vont retirer leurs annonces. Rien sur les réseaux.")
    index(folder)
    s = Searcher(folder)
    yield folder, s
    s.close()


# -- analysis -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, text", [
    ("plateformes", "plateforme"),
    ("retire", "retirer"),
    ("deja", "déjà"),
    ("publicite", "publicité"),
    ("elections", "Élections"),
])
def test_french_analysis_matches(query, text):
    a = french_analyzer()
    assert [t.text for t in a(query)] == [t.text for t in a(text)]
    assert match_spans(query, f"avant {text} après") == [(6, 6 + len(text))]


def test_stop_words_including_les_are_dropped():
    assert [t.text for t in french_analyzer()("les le de été")] == []


def test_fast_analysis_equals_whoosh_analyzer(corpus):
    a = french_analyzer()
    for path in corpus.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert analyze(text) == [(t.text, t.startchar, t.endchar) for t in a(text, chars=True)]
    assert term_of("les") is None


# -- queries on the bundled articles --------------------------------------------------------------


def test_words_phrases_and_passage(bundled):
    res = bundled.search("plateformes retirer")
    assert res.error is None and res.total >= 1
    hit = res.hits[0]
    article = load_article(next(m for m in Catalogue(bundled.folder).cached().articles if m.id == hit.article_id))
    ptext = article.passages[hit.passage].text
    assert [ptext[s:e].lower() for s, e in hit.passage_spans] and all(
        ptext[s:e].lower().startswith(("plateforme", "retir")) for s, e in hit.passage_spans)
    assert all(hit.snippet[s:e] == ptext[ps:pe] for (s, e), (ps, pe) in zip(hit.snippet_spans, hit.passage_spans)
               if hit.snippet_spans)
    assert "\n" not in hit.snippet


def test_phrase_is_stricter_than_words(bundled):
    both = bundled.search('"Twitter Daily News"')
    assert ids(both) == {"microsoft-retire-twitter-advertising"}
    assert bundled.search('"News Daily Twitter"').total == 0
    assert bundled.search("news daily twitter").total == 1


def test_a_long_phrase_needs_its_words_together(tmp_path):
    """Three words or more: having each adjacent pair somewhere is not enough, the words must follow
    each other (stop words aside)."""
    folder = tmp_path / "p"
    folder.mkdir()
    write_article(folder, "a.md", "together", "A", "Microsoft retire Twitter de sa plateforme.")
    write_article(folder, "b.md", "apart", "B", "Microsoft retire son offre. Le fisc retire Twitter du lot.")
    index(folder)
    s = Searcher(folder)
    try:
        res = s.search('"Microsoft retire Twitter"')
        assert ids(res) == {"together"} and res.total == 1
        assert ids(s.search('"Microsoft retire"')) == {"together", "apart"}  # two words: the pair
        assert s.search('"retire Twitter de sa plateforme"').total == 1  # stop words do not break a run
        assert ids(s.search('microsoft -"Microsoft retire Twitter"')) == {"apart"}
        assert not res.approximate
        import reader.search.engine as engine

        engine.PHRASE_CHECK_MAX, saved = 1, engine.PHRASE_CHECK_MAX  # too many candidates to check:
        try:  # the pairs decide, and the result says it is approximate
            many = s.search('"Microsoft retire Twitter"')
            assert many.approximate and many.total == 2
        finally:
            engine.PHRASE_CHECK_MAX = saved
    finally:
        s.close()


def test_operators(bundled):
    assert ids(bundled.search("Miami")) == {"twitter-disparait-microsoft-advertising"}
    assert ids(bundled.search("musk -miami")) == {"microsoft-retire-twitter-advertising"}
    assert ids(bundled.search("musk AND NOT miami")) == {"microsoft-retire-twitter-advertising"}
    assert ids(bundled.search("Miami OR Substack")) == {"twitter-disparait-microsoft-advertising",
                                                        "microsoft-retire-twitter-advertising"}
    assert bundled.search("Miami Substack").total == 0  # default operator is AND
    assert bundled.search("NOT twitter").total == 0


def test_fuzzy_prefix_and_fields(bundled):
    assert bundled.search("Substeck~").total == 1
    assert bundled.search("Substeck").total == 0
    assert ids(bundled.search("Subst*")) == {"microsoft-retire-twitter-advertising"}
    assert ids(bundled.search("title:furieux")) == {"microsoft-retire-twitter-advertising"}
    assert bundled.search("title:Miami").total == 0
    assert ids(bundled.search('title:"Elon Musk"')) == {"microsoft-retire-twitter-advertising"}


def test_dates(bundled):
    assert bundled.search("date:2023-04").total == 2
    assert bundled.search("date:2023-04-19").total == 2
    assert bundled.search("date:2023-05").total == 0
    assert bundled.search("date:[2023-04-01 to 2023-04-30]").total == 2
    assert bundled.search("date:>2023-01").total == 2
    assert bundled.search("date:<2023-01").total == 0
    # relative dates count from the newest article (2023-04-19), never from today
    assert bundled.search("date:yesterday").total == 0
    assert bundled.search("date:today").total == 2


def test_sort_by_date_and_pages(small):
    _folder, s = small
    res = s.search("plateforme", sort="date")
    assert [h.article_id for h in res.hits] == ["a", "b"]
    assert [h.published.isoformat() for h in res.hits] == ["2023-04-19", "2022-11-02"]
    p1 = s.search("plateforme OR retirer", limit=2, page=1)
    p2 = s.search("plateforme OR retirer", limit=2, page=2)
    assert p1.total == p2.total == 3 and len(p1.hits) == 2 and len(p2.hits) == 1
    assert not ids(p1) & ids(p2)


def test_snippet_points_at_best_passage(small):
    _folder, s = small
    hit = s.search("elections").hits
    by_id = {h.article_id: h for h in hit}
    assert by_id["a"].passage == 1 and "élections" in by_id["a"].snippet
    s0, e0 = by_id["a"].snippet_spans[0]
    assert by_id["a"].snippet[s0:e0] == "élections"
    assert s.search("deja").total == 1 and s.search("publicite").total == 1


def test_source_and_undated(small):
    _folder, s = small
    assert ids(s.search('source:"Ouest Matin"')) == {"b"}
    res = s.search("retirer")
    assert {h.article_id: h.published for h in res.hits}["c"] is None
    assert s.search("retirer date:>2000-01").total == 1  # undated articles never match a date


@pytest.mark.parametrize("bad", ["title:(", '"unclosed', "AND", "microsoft AND", "OR twitter", "NOT",
                                 "date:2023-13", "date:banana", "foo:bar", "()", "a)", "(a", "title:", "les", "",
                                 "   ", "~", "date:[2023 to", "person:", "twitter AND OR musk"])
def test_malformed_queries_never_raise(bundled, bad):
    res = bundled.search(bad)
    assert res.error, f"{bad!r} should give a message"
    assert res.hits == []


def test_unusual_queries_do_not_crash(bundled):
    for text in ["*", "\x1b[31m", "+twitter", "-twitter", "twitter~3", "t*", "é", "«twitter»", "title:twitter~", "x" * 500,
                 "date:>2023-01-01 date:<2023-12-31", "place:(paris OR lyon)", "'twitter'"]:
        res = bundled.search(text)
        assert res.error is None or isinstance(res.error, str)


def test_understood_is_readable(bundled):
    assert bundled.search("plateformes retirer").understood == "plateformes AND retirer"
    assert bundled.search("twitter OR miami").understood == "(twitter OR miami)"
    assert bundled.search("musk -miami").understood == "musk AND NOT miami"
    assert bundled.search("date:2023-04").understood == "date:[2023-04-01 to 2023-04-30]"


def test_did_you_mean(bundled):
    res = bundled.search("plateforne")
    assert res.total == 0 and res.suggestion == "plateforme"
    assert bundled.search("plateforme").suggestion is None
    assert bundled.search("retirer plateforne").suggestion == "retirer plateforme"


def test_match_spans():
    text = "Microsoft va retirer Twitter de sa Plateforme ; les plateformes sont multi-plateformes."
    spans = match_spans("plateformes -twitter", text)
    assert [text[s:e] for s, e in spans] == ["Plateforme", "plateformes", "plateformes"]
    assert match_spans("plat*", text) and all(text[s:e].lower().startswith("plat") for s, e in match_spans("plat*", text))
    assert [text[s:e] for s, e in match_spans("twiter~", text)] == ["Twitter"]
    assert match_spans('"unclosed', text) == []
    assert match_spans("date:2023-04", text) == []


def test_make_snippet_windows_and_spans():
    text = ("mot " * 100) + "cible " + ("mot " * 100)
    start = text.index("cible")
    snippet, spans = make_snippet(text, [(start, start + 5)])
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) <= 200
    assert [snippet[s:e] for s, e in spans] == ["cible"]


def test_entity_fields_from_annotations(corpus):
    index(corpus)
    metas = {m.id: m for m in Catalogue(corpus).cached().articles}
    s = Searcher(corpus)
    assert s.search('person:"Elon Musk"').total == 0  # no annotations yet
    meta = metas["microsoft-retire-twitter-advertising"]
    save(Annotations(meta.id, meta.content_hash, "fr", "test-model", mentions=[
        Mention(0, 50, 59, "Microsoft", "ORG", "ORG:microsoft"),
        Mention(1, 20, 29, "Elon Musk", "PER", "PER:elon musk"),
        Mention(2, 0, 7, "Redmond", "LOC", "LOC:redmond"),
    ], entities=[EntityInfo("ORG:microsoft", "ORG", "Microsoft", 1), EntityInfo("PER:elon musk", "PER", "Elon Musk", 1),
                 EntityInfo("LOC:redmond", "LOC", "Redmond", 1), EntityInfo("MISC:bing", "MISC", "Bing", 1)]))
    rep = index(corpus)
    assert rep["updated"] == 1 and rep["added"] == 0  # only the newly annotated article
    assert ids(s.search('person:"Elon Musk"')) == {meta.id}
    assert ids(s.search("org:microsoft")) == {meta.id}
    assert ids(s.search("place:redmond")) == {meta.id}
    assert ids(s.search("other:bing")) == {meta.id}
    assert s.search("person:microsoft").total == 0
    assert index(corpus)["updated"] == 0  # nothing left to do
    s.close()


def test_searcher_without_index(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    res = Searcher(folder).search("twitter")
    assert res.error and "reader index" in res.error


def test_parse_reports_errors_without_raising():
    for text in ["title:(", "AND", '"x']:
        q, err = parse(text)
        assert q is None and err


# -- CLI ------------------------------------------------------------------------------------------


def run_cli(capsys, *argv):
    from reader.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_text_json_and_errors(corpus, capsys):
    code, out, _err = run_cli(capsys, "search", "--articles", str(corpus), "Miami")
    assert code == 0 and "«Miami»" in out and "\x1b[" not in out and "2023-04-19" in out
    code, out, _err = run_cli(capsys, "search", "--articles", str(corpus), "--json", "elon", "musk", "--limit", "1")
    data = json.loads(out)
    assert code == 0 and len(data) == 1
    assert set(data[0]) == {"id", "title", "score", "passage", "snippet", "published"}
    # the text output numbers passages from 1, as the UI does; JSON keeps the 0-based index
    code, out, _err = run_cli(capsys, "search", "--articles", str(corpus), "elon", "musk", "--limit", "1")
    assert f"({data[0]['id']}, passage {data[0]['passage'] + 1})" in out
    code, out, err = run_cli(capsys, "search", "--articles", str(corpus), "title:(")
    assert code == 1 and "parenthes" in err and out == ""
    code, out, _err = run_cli(capsys, "search", "--articles", str(corpus), "plateforne")
    assert code == 0 and "No results" in out and "plateforme" in out
    code, out, _err = run_cli(capsys, "search", "--articles", str(corpus), "--sort", "date", "twitter")
    assert code == 0 and "2 results" in out


def test_spans_in_equals_full_analysis(corpus):
    from reader.search.highlight import TokenTest, spans_in

    texts = [p.read_text(encoding="utf-8") for p in corpus.glob("*.md")]
    texts.append("U.S. plateforme.plateformes a.plateforme plateforme_x _plateforme plateforme. Plateforme")
    for query in ["plateformes", "twitter musk", "plat*", "retirer~", '"elon musk"', "microsoft OR données", "u.s"]:
        q, err = parse(query)
        assert err is None
        test = TokenTest(q)
        for text in texts:
            assert spans_in(text, test) == [(s, e) for t, s, e in analyze(text) if test(t)], query
