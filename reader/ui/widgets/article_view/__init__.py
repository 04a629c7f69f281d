"""The article view: a line-API widget that wraps and paints passages itself.

Why not one widget per passage: mounting, laying out and painting dozens of widgets cost ~90 ms
before the first paint of a 2,000-word article. Here an article becomes a list of *rows* (wrapped
lines) computed once per width in pure Python, and Textual asks only for the rows on screen.

The package, one job a module:

- :mod:`.wrap` — word wrap of a text into ``[start, end)`` slices measured in cells;
- :mod:`.layout` — the rows of an article at one width, table columns, and screen point ↔
  (passage, char) (pure: tested without an app, ``tests/ui/test_article_layout.py``);
- :mod:`.highlights` — inline styles, entities, bookmarks and matches layered over a passage's text;
- :mod:`.strips` — a row painted as a strip (gutters, bullet, table cells, the bookmark bar);
- :mod:`.cursor` — the passage cursor and the scrolling that follows it;
- here, the widget: when to lay out (in steps for a huge article), painting through bounded
  caches, selection glue (Textual's protocol), the entity cursor and the messages it posts.

Nothing from the article is ever parsed as markup. Colours and text styles come from component
classes in ``styles/reader.tcss`` so every theme applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.selection import Selection
from textual.strip import Strip

from reader.entities.model import Annotations, Mention
from reader.corpus import Article
from reader.ui.commands import bindings
from reader.ui.palette import app_label_styles
from reader.ui.widgets.article_view.cursor import PassageCursor
from reader.ui.widgets.article_view.highlights import Layers, StyledPassages, next_mention, passage_layers
from reader.ui.widgets.article_view.layout import BULLET, ArticleLayout, Row, drawn_text
from reader.ui.widgets.article_view.strips import BOOKMARK_BAR, CURSOR_BAR, paint_row

__all__ = ["ArticleView", "BULLET", "BOOKMARK_BAR", "CURSOR_BAR"]


class ArticleView(PassageCursor, can_focus=True):
    BINDINGS = bindings("article")
    COMPONENT_CLASSES = {
        "article-view--title", "article-view--meta", "article-view--rule",
        "article-view--heading", "article-view--h1", "article-view--quote", "article-view--code",
        "article-view--table-head", "article-view--table-row",
        "article-view--cursor", "article-view--cursor-bar", "article-view--bookmark-bar",
    }
    # a stable gutter: the scrollbar appearing never changes the wrapping width
    DEFAULT_CSS = "ArticleView { overflow-x: hidden; scrollbar-gutter: stable; }"

    cursor: reactive[int] = reactive(0, always_update=True)
    show_entities: reactive[bool] = reactive(True)

    # Render caches are bounded LRUs (as Textual's Log keeps its strips): painted rows without a
    # selection, and styled passages; a screen needs a few dozen of each.
    STRIPS_CACHED = 1024
    PASSAGES_CACHED = 256

    @dataclass
    class CursorMoved(Message):
        article_id: str
        passage: int

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.annotations: Annotations | None = None
        self.matches: dict[int, list[tuple[int, int]]] = {}
        self.bookmarks: dict[int, list[tuple[int, int]]] = {}
        self.entity_cursor: tuple[int, int] | None = None  # (passage, index in that passage's mentions)
        self._by_passage: dict[int, list[Mention]] = {}
        self.doc = ArticleLayout(None, 0)  # the rows at the current width
        self._styled = StyledPassages(self.PASSAGES_CACHED)  # passage → its text with every highlight layered
        self._strips: LRUCache[int, Strip] = LRUCache(self.STRIPS_CACHED)  # row → painted strip (no selection)
        self._pending_top = False
        self._layout_generation = 0

    # content --------------------------------------------------------------------------------------
    async def show_article(self, article: Article, passage: int = 0, annotations: Annotations | None = None,
                           matches: dict[int, list[tuple[int, int]]] | None = None,
                           bookmarks: dict[int, list[tuple[int, int]]] | None = None) -> None:
        """Show an article with all its highlights (rows are wrapped now, painted when on screen)."""
        self.article = article
        self.annotations = annotations
        self._by_passage = annotations.by_passage() if annotations else {}
        self.matches = matches or {}
        self.bookmarks = bookmarks or {}
        self.entity_cursor = None
        if self.screen.selections.get(self) is not None:
            self.screen.clear_selection()
        self._layout(force=True, through=passage)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor = min(passage, max(0, len(article.passages) - 1))

    @property
    def passage_count(self) -> int:
        return len(self.article.passages) if self.article is not None else 0

    def _text_width(self) -> int:
        return self.scrollable_content_region.width

    # Articles longer than this are wrapped in steps: the rows the first screens need before the
    # first paint, the rest in the background, LAYOUT_STEP_S of wrapping at a time between which
    # keys and paints are handled (a 4.9 MB article: ~55,000 rows in ~0.15 s of steps). A huge
    # passage is wrapped a window of rows at a time too, never all at once.
    LAZY_CHARS = 30_000
    LAYOUT_STEP_S = 0.02

    def _layout(self, force: bool = False, through: int = 0) -> None:
        """Wrap the article into rows for the current width (cheap: pure Python, no widgets)."""
        width = self._text_width()
        if not force and width == self.doc.width:
            return
        self._styled.clear()
        self._strips.clear()
        self._layout_generation += 1  # a background layout of an earlier article or width stops
        self.doc = doc = ArticleLayout(self.article, width)
        if self.article is None or width <= 0:
            self.virtual_size = Size(0, 0)
            self.refresh()
            return
        count = doc.passage_count
        if doc.chars <= self.LAZY_CHARS:
            self._wrap_passages(count)
        else:  # through the passage to show, then about three screens of rows
            self._wrap_passages(through)
            self._wrap_passages(count, max_rows=len(doc.rows) + 3 * max(10, self.scrollable_content_region.height))
            if not doc.complete:
                self.run_worker(self._layout_rest(self._layout_generation), exclusive=True, group="layout")
        if self._pending_top:  # a cursor set before the view had a size
            self._pending_top = False
            self._scroll_to_passage(self.cursor, top=True)

    async def _layout_rest(self, generation: int) -> None:
        """Wrap the rest in short steps, letting keys and paints through between them."""
        import asyncio
        import time

        while generation == self._layout_generation and not self.doc.complete:
            self._wrap_passages(self.passage_count, deadline=time.perf_counter() + self.LAYOUT_STEP_S)
            await asyncio.sleep(0)

    def _wrap_passages(self, until: int, max_rows: int | None = None, deadline: float | None = None) -> None:
        """Wrap passages up to ``until`` (see :meth:`ArticleLayout.wrap`); the rest is estimated in
        the virtual size."""
        new_from = self.doc.wrap(until, max_rows, deadline)
        if new_from is None:
            return
        self.virtual_size = Size(self.doc.width, self.doc.height)
        if new_from <= int(self.scroll_offset.y) + self.scrollable_content_region.height:
            self.refresh()  # new rows on screen (rows wrapped below it are painted when scrolled to)

    def _complete_layout(self) -> None:
        """Wrap the passages not wrapped yet (all the code that needs their rows calls this first)."""
        self._wrap_passages(self.passage_count)

    def _wrap_to(self, passage: int) -> None:
        """Wrap up to ``passage`` and two screens of its rows: enough to show it (a huge passage is
        finished in the background)."""
        if passage >= self.doc.wrapped:
            self._wrap_passages(passage)
            height = max(10, self.scrollable_content_region.height)
            self._wrap_passages(passage + 1, max_rows=len(self.doc.rows) + 2 * height)

    def _wrap_through(self, passage: int) -> None:
        """Wrap the passages up to ``passage`` included (to place the cursor or scroll there)."""
        if passage >= self.doc.wrapped:
            self._wrap_passages(passage + 1)

    def on_resize(self) -> None:
        top = self._top_passage()
        self._layout(through=max(top or 0, self.cursor))
        if top is not None:
            self._scroll_to_passage(top, top=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styled.clear()
        self._strips.clear()

    def set_annotations(self, annotations: Annotations | None) -> None:
        self.annotations = annotations
        self._by_passage = annotations.by_passage() if annotations else {}
        self.entity_cursor = None
        self.refresh_highlights()

    def set_bookmarks(self, spans: dict[int, list[tuple[int, int]]]) -> None:
        self.bookmarks = spans
        self.refresh_highlights()

    def refresh_highlights(self, only: set[int] | None = None) -> None:
        """Repaint the highlights of some passages (all by default); the rows stay as they are."""
        if only is None:
            self._styled.clear()
            self._strips.clear()
            self.refresh()
            return
        for i in only:
            self._invalidate(i)

    def _invalidate(self, passage: int) -> None:
        if not 0 <= passage < len(self.doc.passage_rows):
            return
        self._styled.discard(passage)
        first, end = self.doc.passage_rows[passage]
        strips = self._strips
        rows = range(first, end) if end - first <= len(strips) else [r for r in strips.keys() if first <= r < end]
        for row in rows:
            strips.discard(row)
        top = int(self.scroll_offset.y)
        self.refresh(Region(0, first - top, self.size.width, end - first))

    def watch_show_entities(self, value: bool) -> None:
        self.refresh_highlights()

    # painting ------------------------------------------------------------------------------------
    # a passage longer than this is styled one row at a time (see StyledPassages)
    WINDOW_CHARS = 20_000

    def _layers(self, index: int) -> Layers:
        """Every highlight of a passage as (style, start, end), in the order they are layered."""
        focus = self.focused_mention() if self.entity_cursor and self.entity_cursor[0] == index else None
        return passage_layers(self.doc.passages[index], self._by_passage.get(index, ()),
                              app_label_styles(self.app) if self.show_entities else None, focus,
                              self.bookmarks.get(index, ()), self.matches.get(index, ()))

    def passage_content(self, index: int) -> Content:
        """A passage's text with every highlight layered (cached until its highlights change)."""
        return self._styled.whole(index, drawn_text(self.doc.passages[index]), lambda: self._layers(index))

    def _row_content(self, row: Row) -> Content:
        """The styled text of a row."""
        return self._styled.row(row.passage, drawn_text(self.doc.passages[row.passage]), row.start, row.end,
                                lambda: self._layers(row.passage), self.WINDOW_CHARS)

    def _row_classes(self, row: Row) -> tuple[str, ...]:
        if row.passage < 0:
            return {"title": ("article-view--title",), "meta": ("article-view--meta",),
                    "rule": ("article-view--rule",)}.get(row.part, ())
        p = self.doc.passages[row.passage]
        classes: tuple[str, ...] = ()
        if p.kind == "heading":
            classes = ("article-view--heading",) + (("article-view--h1",) if p.level == 1 else ())
        elif p.kind in ("quote", "code"):
            classes = (f"article-view--{p.kind}",)
        elif p.kind == "row":
            classes = ("article-view--table-head",) if p.level == 0 else ("article-view--table-row",)
        if row.passage == self.cursor:
            classes += ("article-view--cursor",)
        return classes

    def render_line(self, y: int) -> Strip:
        row_index = y + int(self.scroll_offset.y)
        if not 0 <= row_index < len(self.doc.rows):
            return Strip.blank(self.scrollable_content_region.width, self.visual_style.rich_style)
        selection = self.text_selection
        if selection is None or not self._row_selected(selection, row_index):
            strip = self._strips.get(row_index)
            if strip is None:
                strip = self._paint(row_index, None)
                self._strips[row_index] = strip
            return strip
        return self._paint(row_index, selection)

    @staticmethod
    def _row_selected(selection: Selection, row: int) -> bool:
        start, end = selection
        return (start is None or start.y <= row) and (end is None or row <= end.y)

    def _paint(self, row_index: int, selection: Selection | None) -> Strip:
        row = self.doc.rows[row_index]
        passage = self.doc.passages[row.passage] if row.passage >= 0 else None
        content = None
        if passage is not None:
            content = self._row_content(row)
        elif row.part in ("title", "meta"):
            content = Content(self.doc.header[0 if row.part == "title" else 1][1][row.start:row.end])
        style = self.get_visual_style
        return paint_row(
            row, row_index, self.doc.width, style(*self._row_classes(row)), content, passage,
            self.app.stylesheet.parse_style, selection.get_span(row_index) if selection is not None else None,
            self.doc.cells.get(row.passage),
            style("article-view--cursor-bar").rich_style if passage is not None and row.passage == self.cursor else None,
            style("article-view--bookmark-bar").rich_style if passage is not None and self.bookmarks.get(row.passage)
            else None)

    # text selection (Textual's protocol; offsets are ArticleLayout points) ------------------------
    def _point(self, offset: Offset | None, end: bool) -> tuple[int, int] | None:
        """A selection point (document row, x) → (passage, char), snapped into the nearest passage."""
        return self.doc.point(None, None, end) if offset is None else self.doc.point(offset.y, offset.x, end)

    def _ends(self, selection: Selection) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """A selection's two ends as (passage, char), in order; None when it covers no text."""
        a = self._point(selection.start, False)
        b = self._point(selection.end, True)
        return None if a is None or b is None or b < a else (a, b)

    def selection_span(self, selection: Selection) -> tuple[int, int, int] | None:
        """A selection → (passage, start, end) in passage text, clipped to the passage it starts in."""
        ends = self._ends(selection)
        return self.doc.clipped_span(*ends) if ends is not None else None

    def selection_crosses_passages(self, selection: Selection) -> bool:
        ends = self._ends(selection)
        return ends is not None and ends[0][0] != ends[1][0]

    def selection_for(self, passage: int, start: int, end: int) -> Selection:
        """The selection covering ``[start, end)`` of a passage's text (for keyboard selection)."""
        self._wrap_through(passage)
        return Selection(self._offset_of(passage, start, False), self._offset_of(passage, end, True))

    def _offset_of(self, passage: int, char: int, end: bool) -> Offset:
        return Offset(*self.doc.offset_of(passage, char, end))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        ends = self._ends(selection) if self.article is not None else None
        return (self.doc.text_between(*ends), "\n") if ends is not None else None

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # for tests and the bench: what a passage looks like on screen ------------------------------------
    def passage_lines(self, passage: int) -> list[str]:
        """The text of each row of a passage as painted (bullet included, gutters excluded)."""
        self._wrap_through(passage)
        first, end = self.doc.passage_rows[passage]
        return ["".join(s.text for s in self._paint(r, None)).strip("▌▐ ") for r in range(first, end)]

    def rendered_text(self) -> str:
        return "\n".join(" ".join(self.passage_lines(i)) for i in range(self.passage_count))

    def passage_row_range(self, passage: int) -> tuple[int, int]:
        self._wrap_through(passage)
        return self.doc.passage_rows[passage]

    def row_strip(self, row: int) -> Strip:
        return self._paint(row, None)

    def is_bookmarked_mark(self, passage: int) -> bool:
        """Whether the passage's rows carry the bookmark bar."""
        first, _end = self.passage_row_range(passage)
        return self._paint(first, None).text.endswith(BOOKMARK_BAR)

    def has_cursor_bar(self, passage: int) -> bool:
        first, _end = self.passage_row_range(passage)
        return self._paint(first, None).text.startswith(CURSOR_BAR)

    # entities ------------------------------------------------------------------------------------
    def focused_mention(self) -> Mention | None:
        if self.entity_cursor is None:
            return None
        p, i = self.entity_cursor
        lst = self._by_passage.get(p, [])
        return lst[i] if 0 <= i < len(lst) else None

    def move_entity(self, forward: bool) -> Mention | None:
        """Jump to the next/previous entity mention from the current one (or the passage cursor)."""
        target = next_mention(self._by_passage, self.entity_cursor, self.cursor, forward)
        if target is None:
            return None
        old = self.entity_cursor[0] if self.entity_cursor else None
        self.entity_cursor = target
        self.refresh_highlights({p for p in (old, target[0]) if p is not None})
        self.set_cursor(target[0])
        return self.focused_mention()
