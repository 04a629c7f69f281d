"""Ingest caching, languages without a model, the entity index, the CLI, and import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_article
from reader.entities import cache as annotations
from reader.entities.model import Annotations, EntityInfo, Mention
from reader.corpus import Catalogue
from reader.entities.index import EntityIndex
from reader.nlp.ingest import annotate_missing, needs_annotation

ROOT = Path(__file__).resolve().parents[2]


def _metas(folder):
    return Catalogue(folder).refresh().articles


def test_reading_path_does_not_import_spacy():
    code = ("import sys; import reader.entities.model, reader.entities.cache, reader.entities.index, reader.nlp, reader.nlp.dates, "
            "reader.nlp.merge, reader.nlp.models, reader.nlp.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_model_language_gets_reason_and_rule_mentions_without_loading_spacy(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "de-1", "Ein Artikel", "Am 25 avril 2023 kostete es 42 000 dollars par mois.",
                  language="de", published="2023-04-19")
    write_article(folder, "b.md", "und-1", "Sans langue", "Elon Musk a parlé hier.", published="2023-04-19")
    code = (
        "import sys, json; from reader.corpus import Catalogue; from reader.nlp.ingest import annotate_missing;"
        f"n = annotate_missing(Catalogue({str(folder)!r}).refresh().articles);"
        "print(json.dumps([n, 'spacy' in sys.modules]))"
    )
    import os

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env=dict(os.environ))
    assert json.loads(out.stdout) == [2, False]
    metas = {m.id: m for m in _metas(folder)}
    de = annotations.load(metas["de-1"].content_hash)
    assert not de.has_model and "'de'" in de.reason
    assert [(m.label, m.text, m.value) for m in de.mentions] == [
        ("DATE", "25 avril 2023", "2023-04-25/2023-04-26"), ("MONEY", "42 000 dollars par mois", "42000 USD/month")]
    und = annotations.load(metas["und-1"].content_hash)
    assert not und.has_model and "language" in und.reason
    # the curated list works in every language, with or without a model
    assert [(m.text, m.label, m.value) for m in und.mentions] == [
        ("Elon Musk", "PER", None), ("hier", "DATE", "2023-04-18/2023-04-19")]
    assert annotate_missing(list(metas.values())) == 0


def test_english_without_model_says_how_to_get_one(tmp_path, monkeypatch):
    from reader import paths
    from reader.nlp import registry

    # whatever is installed here, the registry's config says English has no model
    paths.languages_file().parent.mkdir(parents=True, exist_ok=True)
    paths.languages_file().write_text(f'[en]\npackages = ["{tmp_path / "no-model"}"]\n', encoding="utf-8")
    registry.clear_caches()
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "It happened on April 19, 2023.", language="en")
    assert annotate_missing(_metas(folder)) == 1
    ann = annotations.load(_metas(folder)[0].content_hash)
    assert not ann.has_model and "python -m spacy download en_core_web_sm" in ann.reason
    assert f"pip install '{registry.DIST}[en]'" in ann.reason
    assert [m.text for m in ann.mentions] == ["April 19, 2023"]
    registry.clear_caches()


@pytest.mark.slow
def test_ingest_caches_and_reannotates_only_changed_article(corpus):
    metas = _metas(corpus)
    calls = []
    assert annotate_missing(metas, progress=lambda d, t: calls.append((d, t))) == 2
    assert calls[-1] == (2, 2)
    assert annotate_missing(_metas(corpus)) == 0
    assert needs_annotation(_metas(corpus)) == []

    index = EntityIndex(corpus)
    assert index.article_count("PER:elon musk") == 2
    assert index.article_count("ORG:openai") == 1
    untouched = next(m for m in metas if m.id == "microsoft-retire-twitter-advertising")
    kept_file = annotations.annotations_dir() / f"{untouched.content_hash}.json"
    mtime = kept_file.stat().st_mtime_ns

    path = next(m.path for m in metas if m.id == "twitter-disparait-microsoft-advertising")
    path.write_text(path.read_text(encoding="utf-8") + "\nSam Altman dirige OpenAI depuis 2019.\n", encoding="utf-8")
    new = _metas(corpus)
    assert annotate_missing(new) == 1
    assert kept_file.stat().st_mtime_ns == mtime
    changed = next(m for m in new if m.id == "twitter-disparait-microsoft-advertising")
    ann = annotations.load(changed.content_hash)
    assert any(m.entity == "PER:sam altman" for m in ann.mentions)
    assert EntityIndex(corpus).articles("PER:sam altman") == [changed.id]
    assert annotate_missing(new) == 0


@pytest.mark.slow
def test_corrupt_or_outdated_annotations_are_redone(corpus):
    metas = _metas(corpus)
    annotate_missing(metas)
    a, b = metas
    (annotations.annotations_dir() / f"{a.content_hash}.json").write_text("{not json", encoding="utf-8")
    old = annotations.load(b.content_hash)
    old.model = "fr_core_news_md-3.7.0+reader0"
    annotations.save(old)
    # the index still says both are done: clear it as a fresh cache would be
    EntityIndex(corpus).db_path.unlink()
    assert annotate_missing(metas) == 2
    assert annotations.load(a.content_hash) is not None
    assert annotations.load(b.content_hash).model != old.model


@pytest.mark.slow
def test_cli_entities_json_and_text(corpus, capsys):
    from types import SimpleNamespace

    from reader.nlp.cli import cli_entities

    rc = cli_entities(SimpleNamespace(id="twitter-disparait-microsoft-advertising", json=True), corpus)
    out, err = capsys.readouterr()
    assert rc == 0 and "annotating" in err
    rows = json.loads(out)
    assert set(rows[0]) >= {"text", "label", "passage", "start", "end", "value"}
    assert {"text": "42000 dollars par mois", "label": "MONEY", "value": "42000 USD/month"}.items() <= next(
        r for r in rows if r["label"] == "MONEY").items()
    rc = cli_entities(SimpleNamespace(id="twitter-disparait-microsoft-advertising", json=False), corpus)
    out, err = capsys.readouterr()
    assert rc == 0 and err == ""  # cached: no annotation message
    assert "la semaine prochaine\tDATE\t0\t83\t103\t2023-04-24/2023-05-01" in out.splitlines()
    # annotating one article did not drop the other from the index
    annotate_missing(_metas(corpus))
    assert EntityIndex(corpus).article_count("ORG:microsoft") == 2


def test_cli_unknown_id(corpus, capsys):
    from types import SimpleNamespace

    from reader.nlp.cli import cli_entities

    assert cli_entities(SimpleNamespace(id="nope", json=False), corpus) == 1
    assert "no article with id 'nope'" in capsys.readouterr().err


# --- entity index (no spaCy: annotations made by hand) -------------------------------------------


def _save(meta, entities):
    mentions = [Mention(0, 0, 1, e.name, e.label, e.key) for e in entities]
    annotations.save(Annotations(meta.id, meta.content_hash, "fr", "m", None, mentions, entities))


def test_entity_index_update_query_and_prune(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "a", "A", "x", language="fr")
    write_article(folder, "b.md", "b", "B", "y", language="fr")
    write_article(folder, "c.md", "c", "C", "z", language="fr")
    metas = {m.id: m for m in _metas(folder)}
    musk = EntityInfo("PER:elon musk", "PER", "Elon Musk", 3)
    _save(metas["a"], [musk, EntityInfo("ORG:openai", "ORG", "OpenAI", 1)])
    _save(metas["b"], [EntityInfo("PER:elon musk", "PER", "Musk", 1), EntityInfo("ORG:société générale", "ORG",
                                                                                   "Société Générale", 2)])
    index = EntityIndex(folder)
    assert index.update(metas.values()) == 2  # c has no annotations yet: left out
    assert index.article_count("PER:elon musk") == 2
    assert index.articles("PER:elon musk") == ["a", "b"]
    assert index.article_count("nope") == 0 and index.articles("nope") == []
    assert [e.key for e in index.entities("a")] == ["PER:elon musk", "ORG:openai"]
    assert index.entities("a")[0].mentions == 3
    assert [(e.key, e.mentions) for e in index.search_names("mus")] == [("PER:elon musk", 2)]
    assert [e.key for e in index.search_names("generale")] == ["ORG:société générale"]
    assert [e.key for e in index.search_names("ELON")] == ["PER:elon musk"]
    assert index.search_names("%") == [] and index.search_names("") == []
    assert index.update(metas.values()) == 0  # nothing changed
    _save(metas["c"], [musk])
    assert index.update(metas.values()) == 1
    (folder / "a.md").unlink()
    index.update(_metas(folder))
    assert sorted(index.articles("PER:elon musk")) == ["b", "c"]
    assert index.entities("a") == []


def test_entity_index_corrupt_file_is_rebuilt(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    index = EntityIndex(folder)
    index.db_path.write_bytes(b"this is not a database" * 100)
    assert index.article_count("PER:x") == 0
    write_article(folder, "a.md", "a", "A", "x", language="fr")
    meta = _metas(folder)[0]
    _save(meta, [EntityInfo("PER:x", "PER", "X", 1)])
    assert index.update([meta]) == 1
    assert index.article_count("PER:x") == 1


@pytest.mark.slow
def test_huge_passage_gets_rules_only_and_does_not_crash(tmp_path):
    from reader.nlp.ingest import MAX_MODEL_CHARS

    folder = tmp_path / "arts"
    folder.mkdir()
    huge = "x " * (MAX_MODEL_CHARS // 2 + 10) + "le 25 avril 2023"
    write_article(folder, "a.md", "big", "Gros", f"Elon Musk chez Microsoft.\n\n{huge}", language="fr",
                  published="2023-04-19")
    assert annotate_missing(_metas(folder)) == 1
    ann = annotations.load(_metas(folder)[0].content_hash)
    assert ann.model
    assert [(m.passage, m.label) for m in ann.mentions] == [(0, "PER"), (0, "ORG"), (1, "DATE")]
    assert ann.reason.startswith("passage 1 too long for entity detection")


def test_a_second_ingest_of_the_same_corpus_is_refused_not_run_twice(corpus):
    import pytest as _pytest

    from reader.ingest import IngestBusy, _lock, run_ingest

    held = _lock(corpus)
    try:
        with _pytest.raises(IngestBusy):
            run_ingest(corpus)
    finally:
        held.close()
