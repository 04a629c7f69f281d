"""English articles in the reader: entities found by an English pipeline are highlighted; without a
model the legend names the language, what still works and the install commands (a fake English
model: spacy.blank("en") + an entity ruler, registered by folder in the registry's config)."""

from __future__ import annotations

import pytest

from helpers import reader_open, write_article
from reader import paths
from reader.entities import cache as annotations
from reader.corpus import Catalogue
from reader.nlp import registry


@pytest.fixture(autouse=True)
def _fresh(fresh_registry):  # conftest: the language registry's and the pipelines' caches emptied
    yield


def _configure(folder) -> None:
    path = paths.languages_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[en]\npackages = ["{folder}"]\n', encoding="utf-8")
    registry.clear_caches()


def _english_article(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "en-1", "Talks in Riyadh",
                  "Mohammed bin Salman met officials from the United States on Tuesday. The deal is worth $42,000 "
                  "a month.", language="en", published="2023-04-19")
    return folder


async def test_english_entities_are_highlighted(tmp_path):
    import spacy

    from reader.nlp.ingest import annotate_missing

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns([
        {"label": "PERSON", "pattern": "Mohammed bin Salman"},
        {"label": "GPE", "pattern": [{"LOWER": "the"}, {"TEXT": "United"}, {"TEXT": "States"}]}])
    nlp.to_disk(tmp_path / "en_fake")
    _configure(tmp_path / "en_fake")
    folder = _english_article(tmp_path)
    annotate_missing(Catalogue(folder).refresh().articles)
    async with reader_open(folder) as (app, pilot, view):
        assert view.annotations is not None and view.annotations.model.startswith("en-")
        content = view.passage_content(view.annotations.mentions[0].passage)
        styled = {str(content)[s.start:s.end] for s in content.spans}
        assert {"Mohammed bin Salman", "United States", "Tuesday", "$42,000 a month"} <= styled
        assert "entities" in str(app.query_one("#legend").render())


async def test_an_english_article_without_a_model_says_how_to_get_one_in_the_legend(tmp_path):
    from reader.nlp.ingest import annotate_missing

    _configure(tmp_path / "no-model-here")
    folder = _english_article(tmp_path)
    annotate_missing(Catalogue(folder).refresh().articles)
    ann = annotations.load(Catalogue(folder).refresh().articles[0].content_hash)
    assert not ann.has_model
    async with reader_open(folder, size=(200, 35)) as (app, pilot, view):
        legend = str(app.query_one("#legend").render())
        assert "English ('en')" in legend and "dates, amounts and well-known names are still found" in legend
        assert f"pip install '{registry.DIST}[en]'" in legend and "python -m spacy download en_core_web_sm" in legend
