"""Search per language: each article indexed with its language's analyser, one index, queries
expanded over the languages present (reader.search.analysis / index / query / engine)."""

from __future__ import annotations

import pytest

from helpers import write_article
from reader.entities.model import Annotations, EntityInfo, Mention
from reader.entities.cache import save
from reader.corpus import Catalogue
from reader.search.analysis import analysis_key, terms
from reader.search.index import SCHEMA_VERSION, update_index
from reader.search.highlight import match_spans
from reader.search.searcher import Searcher


def index(folder):
    return update_index(folder, Catalogue(folder).refresh().articles)


def ids(res):
    assert res.error is None, res.error
    return {h.article_id for h in res.hits}


@pytest.fixture
def mixed(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_article(folder, "en1.md", "en1", "Elections in Ohio", "The election was close. Many companies were running ads.\n\n"
                  "Advertisers left the platform.", language="en", published="2023-04-20")
    write_article(folder, "en2.md", "en2", "Results", "Two elections and one company: the presidential election results.",
                  language="en-GB", published="2023-04-25")
    write_article(folder, "fr1.md", "fr1", "Les plateformes", "Les plateformes publicitaires et les élections municipales.\n\n"
                  "The end.", language="fr", published="2023-04-19")
    write_article(folder, "fr2.md", "fr2", "Sans langue", "Une company de Rennes et une plateforme.")  # und: French
    write_article(folder, "de1.md", "de1", "Bayern", "Die Wahlen in Bayern und die Häuser der Parteien.", language="de")
    write_article(folder, "ja1.md", "ja1", "Neutral", "Wahlen companies running.", language="ja")
    index(folder)
    s = Searcher(folder)
    yield folder, s
    s.close()


def test_analysis_key_per_language():
    assert [analysis_key(c) for c in ("fr", "und", None, "en-GB", "DE", "es", "ja", "zz")] == \
        ["fr", "fr", "fr", "en", "de", "es", "xx", "xx"]
    assert terms("The companies", "en") == ["compani"] and terms("The companies", "fr") == ["the", "compan"]
    assert terms("Die Wahlen", "de") == ["wahl"] and terms("Die Wahlen", "ja") == ["die", "wahlen"]


def test_english_and_french_in_one_index(mixed):
    _folder, s = mixed
    assert SCHEMA_VERSION == 5
    assert ids(s.search("election")) == {"en1", "en2", "fr1"}  # "election", "elections", « élections »
    assert ids(s.search("elections")) == {"en1", "en2", "fr1"}
    # English stems: "company" finds "companies" (French stemming gave "compan" / "company")
    assert ids(s.search("company")) == {"en1", "en2", "fr2"}  # fr2 holds "company" itself
    assert ids(s.search("companies")) == {"en1", "en2", "ja1"}  # not fr2: in French "compan" ≠ "company"
    assert ids(s.search("advertising")) == {"en1"}  # « Advertisers »
    assert ids(s.search("run")) == {"en1"}  # « running »; the neutral ja article keeps "running"
    # French still: plateforme finds « plateformes »
    assert ids(s.search("plateforme")) == {"fr1", "fr2"}
    # "the" is an English stop word, a word elsewhere: "the end" finds the French article, and
    # "the election" the English ones (where "the" is dropped) — not fr1, whose "The" is in another passage
    assert ids(s.search("the election")) == {"en1", "en2", "fr1"}
    assert ids(s.search('"the end"')) == {"fr1"}
    assert ids(s.search("the")) == {"fr1"}


def test_english_snippets_phrases_and_spans(mixed):
    _folder, s = mixed
    res = s.search("companies")
    hit = next(h for h in res.hits if h.article_id == "en1")
    assert [hit.snippet[a:b] for a, b in hit.snippet_spans] == ["companies"]
    # a phrase checked in the article's own analysis ("the" is not a word in English text)
    assert ids(s.search('"presidential election results"')) == {"en2"}
    assert ids(s.search('"presidential elections result"')) == {"en2"}
    # the article view's spans in the article's language
    text = "Two elections and one company: the companies."
    assert [text[a:b] for a, b in match_spans("companies", text, lang="en")] == ["company", "companies"]
    assert [text[a:b] for a, b in match_spans("companies", text)] == ["companies"]  # French: compan ≠ company


def test_german_article_gets_a_german_stemmer(mixed):
    _folder, s = mixed
    assert ids(s.search("wahl")) == {"de1"}  # « Wahlen »; the neutral ja article keeps "wahlen"
    assert ids(s.search("haus")) == {"de1"}  # « Häuser », folded then stemmed
    assert ids(s.search("wahlen")) == {"de1", "ja1"}
    hit = s.search("wahl").hits[0]
    assert [hit.snippet[a:b] for a, b in hit.snippet_spans] == ["Wahlen"]
    text = "Die Wahlen und die Häuser"
    assert [text[a:b] for a, b in match_spans("wahl haus", text, lang="de")] == ["Wahlen", "Häuser"]


def test_fielded_queries_across_languages(mixed):
    folder, s = mixed
    metas = {m.id: m for m in Catalogue(folder).cached().articles}
    for art_id, lang in (("en1", "en"), ("fr1", "fr")):
        meta = metas[art_id]
        save(Annotations(meta.id, meta.content_hash, lang, "test-model", mentions=[
            Mention(0, 0, 3, "The", "ORG", "ORG:microsoft"),
            Mention(0, 4, 8, "elec", "PER", "PER:elon musk"),
        ], entities=[EntityInfo("ORG:microsoft", "ORG", "Microsoft Advertising", 1),
                     EntityInfo("PER:elon musk", "PER", "Elon Musk", 1),
                     EntityInfo("LOC:states", "LOC", "United States", 1)]))
    index(folder)
    assert ids(s.search("person:musk")) == {"en1", "fr1"}
    assert ids(s.search('person:"elon musk"')) == {"en1", "fr1"}
    assert ids(s.search("org:advertising")) == {"en1", "fr1"}  # en "advertis", fr "advertising": each its own
    assert ids(s.search("place:state")) == {"en1", "fr1"}  # en "state"; fr "stat" from both sides
    assert ids(s.search("person:musk date:2023-04")) == {"en1", "fr1"}
    assert ids(s.search("person:musk date:2023-04-20")) == {"en1"}
    assert ids(s.search("person:musk language:en")) == {"en1"}
    assert ids(s.search("org:microsoft -language:fr")) == {"en1"}
    assert ids(s.search("person:musk plateformes")) == {"fr1"}


def test_stop_words_per_language(mixed, tmp_path):
    _folder, s = mixed
    # French stop words are words for the English and neutral analyses: no error, nothing found
    assert s.search("le la les").error is None and ids(s.search("le la les")) == set()
    # in a corpus of one language, a query of its stop words is still refused
    folder = tmp_path / "fr"
    folder.mkdir()
    write_article(folder, "a.md", "a", "Titre", "Le texte.", language="fr")
    index(folder)
    only_fr = Searcher(folder)
    assert only_fr.search("le la les").error.startswith("nothing to search for")
    only_fr.close()


def test_article_view_marks_matches_in_the_articles_language(mixed):
    from reader.corpus import load_article
    from reader.ui.screens.main import MainScreen

    folder, _s = mixed
    metas = {m.id: m for m in Catalogue(folder).cached().articles}
    en = load_article(metas["en1"])
    found = MainScreen.query_matches("company", en)
    marked = [en.passages[p].text[a:b] for p, spans in found.items() for a, b in spans]
    assert marked == ["companies"]  # English stems; French analysis gave "compan" ≠ "company"
    de = load_article(metas["de1"])
    found = MainScreen.query_matches("wahl", de)
    assert [de.passages[p].text[a:b] for p, spans in found.items() for a, b in spans] == ["Wahlen"]
