"""The language an article is read in (reader.languages): detected in the ingest for undeclared
articles, checking declared ones; the index, the entities and ``reader list`` use it."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import write_article
from reader import languages
from reader.entities import cache as annotations
from reader.corpus import Catalogue
from reader.languages import update_languages, used
from reader.search.searcher import Searcher

EN_BODY = ("The company said on Tuesday that its quarterly profit rose sharply, beating the forecasts of "
           "most analysts, as demand for its cloud services kept growing in Europe and in Asia. Microsoft "
           "shares rose in early trading in New York.")
FR_BODY = ("Le gouvernement a présenté mercredi un projet de loi sur les retraites, que les syndicats "
           "jugent injuste et contre lequel ils appellent à manifester dans toute la France la semaine "
           "prochaine.")


def _reader(folder, *args):
    return subprocess.run([sys.executable, "-m", "reader", "--articles", str(folder), *args],
                          capture_output=True, text=True, timeout=600)


def _listed(folder) -> dict[str, dict]:
    out = _reader(folder, "list", "--json")
    assert out.returncode == 0, out.stderr
    return {a["id"]: a for a in json.loads(out.stdout)}


def test_ingest_detects_corrects_and_keeps(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en-undeclared", "Quarterly profit beats forecasts", EN_BODY)
    write_article(folder, "fr.md", "fr-declared-en", "Retraites : les syndicats appellent à manifester",
                  FR_BODY, language="en")
    write_article(folder, "short.md", "short-de", "OK", "Ja.", language="de")
    before = _listed(folder)
    assert before["en-undeclared"]["language_used"] == "und"  # not checked yet
    assert before["en-undeclared"]["language_source"] == "unknown"

    out = _reader(folder, "index", "--quiet")
    assert out.returncode == 0, out.stderr
    listed = _listed(folder)
    en, fr, short = listed["en-undeclared"], listed["fr-declared-en"], listed["short-de"]
    assert (en["language"], en["language_used"], en["language_source"]) == ("und", "en", "detected")
    assert en["language_confidence"] >= 0.9
    assert (fr["language"], fr["language_used"]) == ("en", "fr")
    assert fr["language_source"].startswith("declared en, detected fr (")  # the correction is recorded
    assert (short["language_used"], short["language_source"]) == ("de", "declared")  # too short to overrule
    text = _reader(folder, "list").stdout.splitlines()
    assert any(line.startswith("en-undeclared\t") and "\ten\t" in line for line in text)

    # search: the English analysis ("companies" → "compani" = "company"; French keeps "compan")
    s = Searcher(folder)
    try:
        assert {h.article_id for h in s.search("companies").hits} == {"en-undeclared"}
        assert {h.article_id for h in s.search("retraite").hits} == {"fr-declared-en"}
    finally:
        s.close()
    # entities: the English path for the detected article, the French one for the corrected article
    metas = {m.id: m for m in Catalogue(folder).refresh().articles}
    ann_en = annotations.load(metas["en-undeclared"].content_hash)
    ann_fr = annotations.load(metas["fr-declared-en"].content_hash)
    assert ann_en.language == "en" and ann_en.model.startswith("en-")
    assert ann_fr.language == "fr" and ann_fr.model.startswith("fr-")
    assert "Microsoft" in {e.name for e in ann_en.entities}

    # a second run does nothing new
    again = _reader(folder, "index", "--progress-lines")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout.strip().splitlines()[-1])["report"]
    assert report["articles"] == 3
    lines = [json.loads(x) for x in again.stdout.strip().splitlines()[:-1]]
    assert all(x["total"] == 0 for x in lines if x.get("stage") in ("languages", "entities", "index")
               and "total" in x), lines
    assert _listed(folder) == listed


def test_short_or_unsure_text_keeps_the_declared_language(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "a", "OK", "Thank you.", language="fr")  # English, too short to overrule
    write_article(folder, "b.md", "b", "Hi", "Yes.")  # undeclared and too short: stays undetermined
    write_article(folder, "c.md", "c", "Wahlen in Bayern", "Die Wahlen in Bayern und die Parteien des Landes "
                  "haben am Sonntag begonnen, sagte der Sprecher.", language="de")
    metas = {m.id: m for m in Catalogue(folder).refresh().articles}
    report = update_languages(metas.values())
    assert report == {"checked": 3, "detected": 0, "corrected": 0}
    assert used(metas["a"]).lang == "fr" and used(metas["a"]).source == "declared"
    assert used(metas["b"]).lang == "und" and used(metas["b"]).source == "unknown"
    assert used(metas["c"]).lang == "de" and used(metas["c"]).source == "declared+detected"
    assert update_languages(metas.values()) == {"checked": 0, "detected": 0, "corrected": 0}


def test_bundled_french_articles_keep_their_language(corpus):
    metas = Catalogue(corpus).refresh().articles
    update_languages(metas)
    assert {(m.language, languages.effective(m)) for m in metas} == {("fr", "fr")}


def test_reading_the_language_imports_no_detector(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    update_languages(Catalogue(folder).refresh().articles)
    code = ("import sys; from pathlib import Path; from reader.corpus import Catalogue; from reader import languages\n"
            f"m = Catalogue(Path({str(folder)!r})).refresh().articles[0]\n"
            "print(languages.effective(m), 'py3langid' in sys.modules, 'reader.feeds.langdetect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["en", "False", "False"], out.stderr


def test_a_language_detected_later_reindexes_the_article(tmp_path):
    """Indexed before its language was known (French analysis, the default), the article is indexed
    again, alone, once the detector says English; the next update touches nothing."""
    from reader.search.index import update_index

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    write_article(folder, "fr.md", "fr", "Retraites", FR_BODY, language="fr")
    metas = Catalogue(folder).refresh().articles
    assert update_index(folder, metas)["added"] == 2

    def found(query):
        s = Searcher(folder)
        try:
            return {h.article_id for h in s.search(query).hits}
        finally:
            s.close()

    assert found("companies") == set()  # French stems: "compan" is not "company"
    update_languages(metas)
    report = update_index(folder, metas)
    assert (report["added"], report["updated"]) == (0, 1)
    assert found("companies") == {"en"}
    assert found("lang:en") == {"en"}
    assert update_index(folder, metas)["updated"] == 0


def test_annotations_of_another_language_are_redone(tmp_path):
    """Rules-only annotations made while the article was "und" are redone once it is read in German
    (no model either way: the annotation's language, not only its model id, decides)."""
    from reader.nlp.ingest import needs_annotation

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "de.md", "de", "Wahlen in Bayern", "Die Wahlen in Bayern und die Parteien des Landes "
                  "haben am Sonntag begonnen, sagte der Sprecher der Regierung in München.")
    metas = Catalogue(folder).refresh().articles
    from reader.nlp.ingest import annotate_missing

    assert annotate_missing(metas) == 1
    assert annotations.load(metas[0].content_hash).language == "und"
    assert needs_annotation(metas) == []
    update_languages(metas)
    assert languages.effective(metas[0]) == "de"
    assert [m.id for m in needs_annotation(metas)] == ["de"]
    assert annotate_missing(metas) == 1
    assert annotations.load(metas[0].content_hash).language == "de"
    assert annotate_missing(metas) == 0


def test_event_mentions_are_extracted_again_after_new_annotations(tmp_path):
    import os

    from reader.events.extract import _cache_file, mentions_for

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    meta = Catalogue(folder).refresh().articles[0]
    ann = annotations.Annotations(meta.id, meta.content_hash, "und", "rules+reader3")
    annotations.save(ann)
    assert mentions_for(meta)[2] is True
    assert mentions_for(meta)[2] is False  # cached
    cache = _cache_file(meta.content_hash)
    past = cache.stat().st_mtime_ns - 10**9
    os.utime(cache, ns=(past, past))  # the mentions were cached a second before the new annotations
    annotations.save(annotations.Annotations(meta.id, meta.content_hash, "en", "en-x+reader3"))
    assert mentions_for(meta)[2] is True
    assert mentions_for(meta)[2] is False


def test_the_article_view_reads_the_article_in_its_language(tmp_path):
    from reader.corpus import load_article
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.article_view.layout import header_texts

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    metas = Catalogue(folder).refresh().articles
    article = load_article(metas[0])
    assert MainScreen.query_matches("companies", article) == {}  # "und": French analysis
    assert header_texts(article)[1][1] == "und · 39 words"
    update_languages(metas)
    assert MainScreen.query_matches("companies", article)  # "company" marked, as the index finds it
    assert header_texts(article)[1][1] == "en · 39 words"


def test_the_list_filter_lang_reads_the_language_used(tmp_path):
    from reader.listfilter.evaluate import FilterContext

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    write_article(folder, "fr.md", "fr", "Retraites : les syndicats appellent à manifester", FR_BODY, language="en")
    metas = Catalogue(folder).refresh().articles
    update_languages(metas)
    ctx = FilterContext(folder)
    try:
        assert ctx.apply("lang:en").ids == ["en"]
        assert ctx.apply("lang:fr").ids == ["fr"]
    finally:
        ctx.close()


def test_a_damaged_language_cache_reads_as_empty_and_is_rebuilt(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY, language="fr")
    metas = Catalogue(folder).refresh().articles
    languages.db_path().parent.mkdir(parents=True, exist_ok=True)
    languages.db_path().write_bytes(b"this is not a database" * 100)
    assert used(metas[0]) == languages.Used("fr", "declared", None)  # never an error: the declared one
    assert update_languages(metas)["corrected"] == 1
    assert used(metas[0]).lang == "en" and used(metas[0]).source.startswith("declared fr, detected en (")


def test_reader_entities_of_one_article_reads_it_in_its_detected_language(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY)
    out = _reader(folder, "entities", "en", "--json")
    assert out.returncode == 0, out.stderr
    meta = Catalogue(folder).refresh().articles[0]
    assert annotations.load(meta.content_hash).language == "en"
    assert used(meta).source == "detected"


def test_an_unwritable_language_cache_keeps_the_declared_languages(tmp_path, monkeypatch):
    import sqlite3

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "en.md", "en", "Quarterly profit beats forecasts", EN_BODY, language="fr")
    metas = Catalogue(folder).refresh().articles

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(languages.sqlitedb, "open_cache", refuse)
    errors: list[str] = []
    assert update_languages(metas, errors=errors) == {"checked": 0, "detected": 0, "corrected": 0}
    assert len(errors) == 1 and "read-only" in errors[0] and "declared languages used" in errors[0]
    assert used(metas[0]).lang == "fr"
