"""Entity highlighting in the article view, with hand-made annotations in the cache."""

from __future__ import annotations

from helpers import BUNDLED, reader_open
from reader.entities import cache as ann_store
from reader.entities.model import Annotations, EntityInfo, Mention
from reader.corpus import load_article, load_folder
from reader.ui.article_view import ArticleView


def _annotate_first_article() -> Annotations:
    meta = load_folder(BUNDLED).articles[0]
    art = load_article(meta)
    mentions = []
    for p in art.passages:
        for word, label, key in (("Elon Musk", "PER", "PER:elon musk"), ("Microsoft", "ORG", "ORG:microsoft")):
            start = p.text.find(word)
            if start >= 0:
                mentions.append(Mention(p.index, start, start + len(word), word, label, key))
    ann = Annotations(meta.id, meta.content_hash, "fr", "test-model", None, mentions,
                      [EntityInfo("PER:elon musk", "PER", "Elon Musk", 3), EntityInfo("ORG:microsoft", "ORG", "Microsoft", 5)])
    ann_store.save(ann)
    return ann


def _styled(view: ArticleView, passage: int) -> set[str]:
    content = view.passage_content(passage)
    return {str(content)[s.start:s.end] for s in content.spans}


async def test_entities_are_highlighted_and_toggle():
    ann = _annotate_first_article()
    async with reader_open(BUNDLED) as (app, pilot, view):
        assert view.annotations is not None and len(view.annotations.mentions) == len(ann.mentions)
        first = ann.mentions[0].passage
        assert ann.mentions[0].text in _styled(view, first)
        legend = str(app.query_one("#legend").render())
        for name in ("person", "organisation", "place", "date", "money", "other"):
            assert name in legend
        await pilot.press("x")
        assert not view.show_entities
        assert ann.mentions[0].text not in _styled(view, first)
        assert "highlighting off" in str(app.query_one("#legend").render())
        await pilot.press("x")
        assert ann.mentions[0].text in _styled(view, first)


async def test_e_and_E_jump_between_entities_and_describe_them():
    ann = _annotate_first_article()
    ordered = sorted(ann.mentions, key=lambda m: (m.passage, m.start))
    async with reader_open(BUNDLED) as (app, pilot, view):
        await pilot.press("e")
        assert view.focused_mention() == ordered[0]
        status = str(app.query_one("#status").render())
        assert ordered[0].text in status and ("person" in status or "organisation" in status)
        await pilot.press("e")
        assert view.focused_mention() == ordered[1]
        await pilot.press("E")
        assert view.focused_mention() == ordered[0]
        await pilot.press("E")  # wraps to the last one
        assert view.focused_mention() == ordered[-1]
        assert view.cursor == ordered[-1].passage
        await pilot.press("escape")
        assert view.focused_mention() is None
