"""The article view: a line-API widget that wraps and paints passages itself.

Why not one widget per passage: mounting, laying out and painting dozens of widgets cost ~90 ms
before the first paint of a 2,000-word article. Here an article becomes a list of *rows* (wrapped
lines) computed once per width in pure Python, and Textual asks only for the rows on screen.

Rows and coordinates
--------------------
Every row knows the passage it belongs to and the ``[start, end)`` slice of that passage's text it
shows (see :mod:`reader.passages` for the coordinate system). Wrapping never changes the text: a row
shows exactly ``passage.text[start:end]`` (a tab is drawn as one space), so a screen position maps
back to (passage, char) and the other way round — that is how mouse selections, the keyboard
sentence selection and bookmarks meet the same offsets as entities and search hits.

Text selection follows Textual's protocol: the text segments of a row carry ``offset`` metadata
``(x, y)`` where ``y`` is the row in the document and ``x`` the char index in the row's slice;
:meth:`ArticleView.get_selection` turns a selection back into passage text.

Styling is layered from :class:`textual.content.Content` spans over the plain text (inline Markdown
styles, entities, bookmarks, search matches); nothing from the article is ever parsed as markup,
and control characters were made visible by :func:`reader.passages.make_safe`. Colours and text
styles come from component classes in ``styles/reader.tcss`` so every theme applies.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content, Span
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from reader.entities.model import Annotations, Mention
from reader.corpus import Article
from reader.languages import effective
from reader.passages import CELL_SEPARATOR, Passage
from reader.ui.commands import bindings
from reader.ui.palette import app_label_styles

INLINE_STYLES = {
    "em": "italic",
    "strong": "bold",
    "code": "$text-accent on $boost",
    "link": "underline $text-primary",
    "strike": "strike",
    "image": "italic $text-muted",
}
# Entity label colours: reader.ui.palette (distinct in every theme and colour depth, opaque so a
# label looks the same on the cursor row). No label style uses reverse: the selection does, a cue
# that is not a colour (the theme's selection colour looked like an organisation).
SELECTION_STYLE = "reverse"
MATCH_STYLE = "bold reverse"
BOOKMARK_STYLE = "underline"
ENTITY_CURSOR_STYLE = "bold underline reverse"

CURSOR_BAR = "▌"
BOOKMARK_BAR = "▐"
BULLET = "• "

_WORD = re.compile(r"\s*\S+")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` into ``[start, end)`` slices of at most ``width`` cells.

    Hard newlines end a row; spaces at a wrap point belong to no row; a word wider than the row is
    cut by cells. Every char of ``text`` that is not such a space lies in exactly one slice.
    """
    return list(iter_wrap(text, width))


# Chars Rich measures as one cell each (checked in tests/ui/test_hardening_uiperf.py): a line made of
# them only is wrapped by counting chars, ~20x faster than measuring every word.
_NOT_NARROW = re.compile("[^\x20-\x7e\xa0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e"
                         "\u20a0-\u20c0\u2100-\u214f\u2190-\u21ff\u2400-\u2426\u2500-\u257f]")
_UP_TO_SPACE = re.compile(r"(?s).*\s")  # greedy: ends just after the last space before endpos
_NON_SPACE = re.compile(r"\S")


def iter_wrap(text: str, width: int) -> Iterator[tuple[int, int]]:
    """The rows of :func:`wrap_offsets`, one at a time (a huge passage is wrapped a window at a time)."""
    width = max(1, width)
    base = 0
    for hard in text.split("\n"):
        if not hard or hard.isspace():
            yield base, base
        elif _NOT_NARROW.search(hard) is None:
            yield from _wrap_narrow(hard, base, width)
        else:
            yield from _wrap_measured(text, hard, base, width)
        base += len(hard) + 1


def _wrap_narrow(hard: str, base: int, width: int) -> Iterator[tuple[int, int]]:
    """One hard line of one-cell chars: each row ends at the last word end within ``width`` chars
    of its start (the line's first row keeps its indentation); a longer word is cut."""
    n, s = len(hard), 0
    while True:
        if n - s <= width:
            yield base + s, base + len(hard.rstrip())
            return
        space = _UP_TO_SPACE.match(hard, s, s + width + 1)
        e = s + len(hard[s:space.end() - 1].rstrip()) if space else s
        if e == s:  # no word ends in the row: cut the word
            yield base + s, base + s + width
            s += width
            continue
        yield base + s, base + e
        nxt = _NON_SPACE.search(hard, e)
        if nxt is None:
            return
        s = nxt.start()


def _wrap_measured(text: str, hard: str, base: int, width: int) -> Iterator[tuple[int, int]]:
    """One hard line, measured word by word in cells (wide chars, combining marks, tabs)."""
    measure = len if hard.isascii() else cell_len
    line_start = line_end = -1
    line_width = 0
    for m in _WORD.finditer(hard):
        a, b = m.start() + base, m.end() + base
        chunk_width = measure(m.group())
        if line_start < 0:  # the first word of a hard line keeps its indentation
            line_start, line_end, line_width = a, a, 0
            word_start, word_width = a, chunk_width
        elif line_width + chunk_width <= width:
            line_end, line_width = b, line_width + chunk_width
            continue
        else:
            yield line_start, line_end
            word = m.group().lstrip()
            word_start, word_width = b - len(word), measure(word)
            line_start, line_end, line_width = word_start, word_start, 0
        if word_width <= width:
            line_end, line_width = b, word_width
            continue
        # a word longer than the row: cut it by cells
        pos = word_start
        while pos < b:
            cells, end = 0, pos
            while end < b and cells + measure(text[end]) <= width:
                cells += measure(text[end])
                end += 1
            end = max(end, pos + 1)
            if end < b:
                yield pos, end
                pos = end
            else:
                line_start, line_end, line_width = pos, b, measure(text[pos:b])
                break
    yield (line_start, line_end) if line_start >= 0 else (base, base)


def drawn_text(p: Passage) -> str:
    """A passage's text as drawn: a tab is one space, so chars and offsets stay one-to-one."""
    return p.text.replace("\t", " ") if "\t" in p.text else p.text


def _spans_in(layers, lo: int, hi: int) -> list[Span]:
    """The (style, start, end) layers over ``[lo, hi)`` of a text as Content spans of that slice."""
    return [Span(max(a, lo) - lo, min(b, hi) - lo, style) for style, a, b in layers
            if style and a < b and a < hi and b > lo]


class _Windows:
    """A huge passage's highlights, sorted so a row's own are found without scanning them all."""

    LONG = 4096  # spans longer than this (a bookmarked passage…) are few: always looked at

    def __init__(self, text: str, layers: list[tuple[str, int, int]]) -> None:
        self.text = text
        ordered = [(a, k, b, style) for k, (style, a, b) in enumerate(layers)]
        self.long = [x for x in ordered if x[2] - x[0] > self.LONG]
        self.short = sorted(x for x in ordered if x[2] - x[0] <= self.LONG)
        self.starts = [x[0] for x in self.short]

    def content(self, lo: int, hi: int) -> Content:
        first, end = bisect_left(self.starts, lo - self.LONG), bisect_left(self.starts, hi)
        picked = sorted([x for x in self.short[first:end] if x[2] > lo] + [x for x in self.long if x[0] < hi],
                        key=lambda x: x[1])  # in layering order
        return Content(self.text[lo:hi], _spans_in([(style, a, b) for a, _k, b, style in picked], lo, hi))


class Row(NamedTuple):
    """One row of the document: a slice of a passage (``passage`` ≥ 0) or of the header (-1)."""

    passage: int
    start: int
    end: int
    part: str  # "text" | "blank" | "title" | "meta" | "rule"
    first: bool = False  # the passage's first row (carries the list bullet)


BLANK = Row(-1, 0, 0, "blank")


class ArticleView(ScrollView, can_focus=True):
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

    @dataclass
    class CursorMoved(Message):
        article_id: str
        passage: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.annotations: Annotations | None = None
        self.matches: dict[int, list[tuple[int, int]]] = {}
        self.bookmarks: dict[int, list[tuple[int, int]]] = {}
        self.entity_cursor: tuple[int, int] | None = None  # (passage, index in that passage's mentions)
        self._by_passage: dict[int, list[Mention]] = {}
        self._rows: list[Row] = []
        self._passage_rows: list[tuple[int, int]] = []  # passage → [first row, end row)
        self._width = 0
        self._styled: dict[int, Content] = {}  # passage → its text with every highlight layered
        self._strips: dict[int, Strip] = {}  # row → painted strip (no selection)
        self._pending_top = False
        self._wrapped = 0
        # aligned table rows: passage → (cell (start, end) in its text, column widths in cells)
        self._cells: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}

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
        if not force and width == self._width:
            return
        self._width = width
        self._styled.clear()
        self._strips.clear()
        self._rows, self._passage_rows = [], []
        self._cells = {}
        self._wrapped = 0  # passages wrapped so far
        self._partial = None  # the passage being wrapped: (index, its rows still to come, rows so far)
        self._layout_generation += 1  # a background layout of an earlier article or width stops
        article = self.article
        if article is None or width <= 0:
            self.virtual_size = Size(0, 0)
            self.refresh()
            return
        rows = self._rows
        rows.append(BLANK)
        for part, text in self._header_texts(article):
            for start, end in wrap_offsets(text, width - 3):
                rows.append(Row(-1, start, end, part))
        rows += [BLANK, Row(-1, 0, 0, "rule"), BLANK]
        passages = article.passages
        # rows each passage not wrapped yet is expected to take (the scrollbar's size meanwhile)
        self._estimate = [0] * (len(passages) + 1)
        for i in range(len(passages) - 1, -1, -1):
            self._estimate[i] = self._estimate[i + 1] + len(passages[i].text) // max(1, width - 6) + 2
        if sum(len(p.text) for p in passages) <= self.LAZY_CHARS:
            self._wrap_passages(len(passages))
        else:  # through the passage to show, then about three screens of rows
            self._wrap_passages(through)
            self._wrap_passages(len(passages), max_rows=len(rows) + 3 * max(10, self.scrollable_content_region.height))
            if self._wrapped < len(passages):
                self.run_worker(self._layout_rest(self._layout_generation), exclusive=True, group="layout")
        if self._pending_top:  # a cursor set before the view had a size
            self._pending_top = False
            self._scroll_to_passage(self.cursor, top=True)

    _layout_generation = 0
    _partial = None
    _estimate: list[int] = []

    async def _layout_rest(self, generation: int) -> None:
        """Wrap the rest in short steps, letting keys and paints through between them."""
        import asyncio
        import time

        while generation == self._layout_generation and self._wrapped < self.passage_count:
            self._wrap_passages(self.passage_count, deadline=time.perf_counter() + self.LAYOUT_STEP_S)
            await asyncio.sleep(0)

    def _wrap_passages(self, until: int, max_rows: int | None = None, deadline: float | None = None) -> None:
        """Wrap passages ``[_wrapped, until)`` onto the rows, stopping early at ``max_rows`` rows or at
        the ``deadline`` (``time.perf_counter``), inside a passage if need be; the rest is estimated
        in the virtual size."""
        import time

        rows, spans, width = self._rows, self._passage_rows, self._width
        passages = self.article.passages
        until = min(until, len(passages))
        if self._wrapped >= until or (max_rows is not None and len(rows) >= max_rows):
            return
        if spans and rows[-1] is BLANK:
            rows.pop()  # the closing blank row of an earlier step
        new_from = len(rows)
        clock = time.perf_counter
        while self._wrapped < until:
            if (max_rows is not None and len(rows) >= max_rows) or (deadline is not None and clock() > deadline):
                break
            if self._partial is None:
                p = passages[self._wrapped]
                previous = passages[p.index - 1] if p.index else None
                # list items follow each other, and so do a table's rows; other passages have a blank row
                if previous is not None and not (previous.kind == p.kind and p.kind in ("item", "row")):
                    rows.append(BLANK)
                first = len(rows)
                left, right = self._gutters(p)
                if p.kind == "row" and (previous is None or previous.kind != "row"):
                    self._align_table(p.index, width - left - right)
                if p.index in self._cells:  # a table row in aligned columns: one row, not wrapped
                    rows.append(Row(p.index, 0, len(p.text), "cells", True))
                    spans.append((first, len(rows)))
                    self._wrapped += 1
                    continue
                spans.append((first, first))
                self._partial = (p.index, iter_wrap(drawn_text(p), max(1, width - left - right)), 0)
            index, pending, made = self._partial
            first = spans[index][0]
            done = True
            for start, end in pending:
                rows.append(Row(index, start, end, "text", made == 0))
                made += 1
                if (max_rows is not None and len(rows) >= max_rows) or \
                        (deadline is not None and made % 256 == 0 and clock() > deadline):
                    done = False
                    break
            spans[index] = (first, len(rows))
            if not done:
                self._partial = (index, pending, made)
                break
            self._partial = None
            self._wrapped += 1
        rows.append(BLANK)
        rest = self._estimate[self._wrapped]
        if self._partial is not None:  # the passage being wrapped: the rows it is expected to add still
            i, made = self._partial[0], self._partial[2]
            rest = max(0, rest - self._estimate[i + 1] - made) + self._estimate[i + 1]
        self.virtual_size = Size(width, len(rows) + rest)
        if new_from <= int(self.scroll_offset.y) + self.scrollable_content_region.height:
            self.refresh()  # new rows on screen (rows wrapped below it are painted when scrolled to)

    def _align_table(self, first: int, room: int) -> None:
        """Columns of the table starting at passage ``first``, when every row has as many cells and
        the aligned rows fit the width; else its rows are wrapped like text."""
        passages = self.article.passages
        rows, k = [], first
        while k < len(passages) and passages[k].kind == "row":
            cells = passages[k].text.split(CELL_SEPARATOR)
            bounds, at = [], 0
            for cell in cells:
                bounds.append((at, at + len(cell)))
                at += len(cell) + len(CELL_SEPARATOR)
            rows.append((k, bounds, [cell_len(c) for c in cells]))
            k += 1
        if "\t" in "".join(passages[i].text for i, _, _ in rows) or len({len(b) for _, b, _ in rows}) != 1:
            return
        widths = [max(w[c] for _, _, w in rows) for c in range(len(rows[0][1]))]
        if sum(widths) + len(CELL_SEPARATOR) * (len(widths) - 1) > room:
            return
        for i, bounds, _ in rows:
            self._cells[i] = (bounds, widths)

    def _complete_layout(self) -> None:
        """Wrap the passages not wrapped yet (all the code that needs their rows calls this first)."""
        if self.article is not None and self._width > 0:
            self._wrap_passages(len(self.article.passages))

    def _wrap_to(self, passage: int) -> None:
        """Wrap up to ``passage`` and two screens of its rows: enough to show it (a huge passage is
        finished in the background)."""
        if self.article is not None and self._width > 0 and passage >= self._wrapped:
            self._wrap_passages(passage)
            height = max(10, self.scrollable_content_region.height)
            self._wrap_passages(passage + 1, max_rows=len(self._rows) + 2 * height)

    def _wrap_through(self, passage: int) -> None:
        """Wrap the passages up to ``passage`` included (to place the cursor or scroll there)."""
        if self.article is not None and self._width > 0 and passage >= self._wrapped:
            self._wrap_passages(passage + 1)

    def _header_texts(self, article: Article) -> list[tuple[str, str]]:
        meta = article.meta
        bits = [b for b in (meta.date_label and f"{meta.published.isoformat()}"
                            + (" (date inferred)" if meta.published_inferred else ""),
                            meta.source, effective(meta), f"{meta.words} words") if b]
        return [("title", meta.title), ("meta", " · ".join(bits))]

    @staticmethod
    def _indent(p: Passage) -> int:
        if p.kind == "quote":
            return 2 * max(1, p.level)
        if p.kind == "item":
            return 2 * max(0, p.level - 1) + len(BULLET)
        if p.kind in ("code", "row"):
            return 1
        return 0

    def _gutters(self, p: Passage) -> tuple[int, int]:
        """Cells left of the text (cursor bar, padding, indent) and right of it (padding, bookmark bar)."""
        return 2 + self._indent(p), 2

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
        if not 0 <= passage < len(self._passage_rows):
            return
        self._styled.pop(passage, None)
        first, end = self._passage_rows[passage]
        for row in range(first, end):
            self._strips.pop(row, None)
        top = int(self.scroll_offset.y)
        self.refresh(Region(0, first - top, self.size.width, end - first))

    def watch_show_entities(self, value: bool) -> None:
        self.refresh_highlights()

    # painting ------------------------------------------------------------------------------------
    def passage_content(self, index: int) -> Content:
        """A passage's text with every highlight layered (cached until its highlights change)."""
        content = self._styled.get(index)
        if isinstance(content, Content):
            return content
        text = drawn_text(self.article.passages[index])
        content = Content(text, _spans_in(self._layers(index), 0, len(text)))
        self._styled[index] = content
        return content

    def _layers(self, index: int) -> list[tuple[str, int, int]]:
        """Every highlight of a passage as (style, start, end), in the order they are layered."""
        layers = [(INLINE_STYLES.get(span.style, ""), span.start, span.end) for span in self.article.passages[index].spans]
        if self.show_entities:
            labels = app_label_styles(self.app)
            layers += [(labels[m.label], m.start, m.end) for m in self._by_passage.get(index, ()) if m.label in labels]
            focus = self.focused_mention()
            if focus is not None and self.entity_cursor and self.entity_cursor[0] == index:
                layers.append((ENTITY_CURSOR_STYLE, focus.start, focus.end))
        layers += [(BOOKMARK_STYLE, start, end) for start, end in self.bookmarks.get(index, ())]
        layers += [(MATCH_STYLE, start, end) for start, end in self.matches.get(index, ())]
        return layers

    # a passage longer than this is styled one row at a time (a 1 MB paragraph with thousands of
    # entities: styling it whole, then cutting a row out of it, cost seconds per screen)
    WINDOW_CHARS = 20_000

    def _row_content(self, row: Row) -> Content:
        """The styled text of a row."""
        if len(self.article.passages[row.passage].text) <= self.WINDOW_CHARS:
            return self.passage_content(row.passage)[row.start:row.end]
        windows = self._styled.get(row.passage)
        if not isinstance(windows, _Windows):
            windows = self._styled[row.passage] = _Windows(drawn_text(self.article.passages[row.passage]),
                                                           self._layers(row.passage))
        return windows.content(row.start, row.end)

    def _row_classes(self, row: Row) -> tuple[str, ...]:
        if row.passage < 0:
            return {"title": ("article-view--title",), "meta": ("article-view--meta",),
                    "rule": ("article-view--rule",)}.get(row.part, ())
        p = self.article.passages[row.passage]
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
        if not 0 <= row_index < len(self._rows):
            return Strip.blank(self.scrollable_content_region.width, self.visual_style.rich_style)
        selection = self.text_selection
        if selection is None or not self._row_selected(selection, row_index):
            strip = self._strips.get(row_index)
            if strip is None:
                strip = self._strips[row_index] = self._paint(row_index, None)
            return strip
        return self._paint(row_index, selection)

    @staticmethod
    def _row_selected(selection: Selection, row: int) -> bool:
        start, end = selection
        return (start is None or start.y <= row) and (end is None or row <= end.y)

    def _paint(self, row_index: int, selection: Selection | None) -> Strip:
        row = self._rows[row_index]
        width = self._width
        base = self.get_visual_style(*self._row_classes(row))
        blank_style = base.rich_style
        segments: list[Segment] = []
        if row.passage < 0:
            if row.part == "rule":
                return Strip([Segment("─" * width, blank_style)], width)
            if row.part == "blank":
                return Strip([Segment(" " * width, base.rich_style_with_offset(0, row_index))], width)
            segments.append(Segment("  ", blank_style))
            text = self._header_texts(self.article)[0 if row.part == "title" else 1][1]
            content = Content(text[row.start:row.end])
            used = 2
        else:
            p = self.article.passages[row.passage]
            left, right = self._gutters(p)
            bar = self.get_visual_style("article-view--cursor-bar").rich_style if row.passage == self.cursor else None
            gutter = CURSOR_BAR if bar is not None else " "
            segments.append(Segment(gutter, (blank_style + bar) if bar else base.rich_style_with_offset(0, row_index)))
            indent = " " * (left - 1)
            if p.kind == "item" and row.first:
                indent = indent[:-len(BULLET)] + BULLET
            # one cell per segment, so a click in the gutter lands on the row's first char
            segments += [Segment(ch, base.rich_style_with_offset(0, row_index)) for ch in indent]
            content = self._row_content(row)
            used = left
        if selection is not None:
            span = selection.get_span(row_index)
            if span is not None:
                a, b = span
                b = len(content) if b == -1 else b
                content = content.stylize(SELECTION_STYLE, a, b)
        parse = self.app.stylesheet.parse_style

        def put(part: Content, x: int) -> None:
            for text, style in part.render(base, end="", parse_style=parse):
                segments.append(Segment(text, (base + style).rich_style_with_offset(x, row_index)))
                x += len(text)

        if row.part == "cells":  # aligned table row: each cell padded to its column's width
            bounds, widths = self._cells[row.passage]
            align = self.article.passages[row.passage].align
            for k, ((a, b), w) in enumerate(zip(bounds, widths)):
                cell = content[a:b]
                pad = w - cell.cell_length
                how = align[k] if k < len(align) else "left"
                before = pad if how == "right" else pad // 2 if how == "center" else 0
                # padding, one cell a segment: before the text it maps to the cell's first char, after
                # it to the last (Textual includes the char under the pointer at a drag's end)
                segments += [Segment(" ", base.rich_style_with_offset(a, row_index))] * before
                put(cell, a)
                segments += [Segment(" ", base.rich_style_with_offset(max(a, b - 1), row_index))] * (pad - before)
                if k + 1 < len(bounds):
                    put(content[b:b + len(CELL_SEPARATOR)], b)
            used += sum(widths) + len(CELL_SEPARATOR) * (len(widths) - 1)
        else:
            put(content, 0)
            used += content.cell_length
        if row.passage >= 0 and self.bookmarks.get(row.passage):
            fill = max(0, width - used - 1)
            segments.append(Segment(" " * fill, base.rich_style_with_offset(len(content), row_index)))
            segments.append(Segment(BOOKMARK_BAR, blank_style + self.get_visual_style(
                "article-view--bookmark-bar").rich_style))
        else:
            segments.append(Segment(" " * max(0, width - used),
                                    base.rich_style_with_offset(len(content), row_index)))
        return Strip(segments).crop_extend(0, width, blank_style)

    # text selection -------------------------------------------------------------------------------
    def _point(self, offset: Offset | None, end: bool) -> tuple[int, int] | None:
        """A selection point (document row, x) → (passage, char), snapped into the nearest passage."""
        if not self._rows:
            return None
        if offset is None:
            row_index = len(self._rows) - 1 if end else 0
            x = None
        else:
            row_index, x = min(max(0, offset.y), len(self._rows) - 1), offset.x
        row = self._rows[row_index]
        if row.passage < 0:  # header or blank: the next passage's start (or the previous one's end)
            step = -1 if end else 1
            k = row_index
            while 0 <= k < len(self._rows) and self._rows[k].passage < 0:
                k += step
            if not 0 <= k < len(self._rows):
                return None
            row = self._rows[k]
            first, last = self._passage_rows[row.passage]
            return (row.passage, self._rows[last - 1].end) if end else (row.passage, self._rows[first].start)
        if x is None:
            return row.passage, row.end if end else row.start
        return row.passage, min(row.start + max(0, x), row.end)

    def _ends(self, selection: Selection) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """A selection's two ends as (passage, char), in order; None when it covers no text."""
        a = self._point(selection.start, False)
        b = self._point(selection.end, True)
        return None if a is None or b is None or b < a else (a, b)

    def selection_span(self, selection: Selection) -> tuple[int, int, int] | None:
        """A selection → (passage, start, end) in passage text, clipped to the passage it starts in."""
        ends = self._ends(selection)
        if ends is None:
            return None
        (passage, start), b = ends
        end = b[1] if b[0] == passage else len(self.article.passages[passage].text)
        return (passage, start, end) if end > start else None

    def selection_crosses_passages(self, selection: Selection) -> bool:
        ends = self._ends(selection)
        return ends is not None and ends[0][0] != ends[1][0]

    def selection_for(self, passage: int, start: int, end: int) -> Selection:
        """The selection covering ``[start, end)`` of a passage's text (for keyboard selection)."""
        self._wrap_through(passage)
        return Selection(self._offset_of(passage, start, False), self._offset_of(passage, end, True))

    def _offset_of(self, passage: int, char: int, end: bool) -> Offset:
        first, last = self._passage_rows[passage]
        for r in range(first, last):
            row = self._rows[r]
            if row.start <= char < row.end or (end and char == row.end) or r == last - 1:
                return Offset(min(max(0, char - row.start), row.end - row.start), r)
        return Offset(0, first)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        ends = self._ends(selection) if self.article is not None else None
        if ends is None:
            return None
        a, b = ends
        passages = self.article.passages
        if a[0] == b[0]:
            return passages[a[0]].text[a[1]:b[1]], "\n"
        parts = [passages[a[0]].text[a[1]:]] + [passages[i].text for i in range(a[0] + 1, b[0])]
        parts.append(passages[b[0]].text[:b[1]])
        return "\n\n".join(parts), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # cursor --------------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if not self._passage_rows:
            return
        self._cursor_changed(old, new)
        self._scroll_to_passage(new, top=False)

    def _cursor_changed(self, old: int, new: int) -> None:
        """Repaint the two passages and tell the app (the events panel follows the cursor)."""
        self._invalidate(old)
        self._invalidate(new)
        if self.article is not None:
            self.post_message(self.CursorMoved(self.article.id, new))

    def _scroll_to_passage(self, passage: int, top: bool) -> None:
        self._wrap_to(passage)
        if not 0 <= passage < len(self._passage_rows):
            return
        first, end = self._passage_rows[passage]
        height = self.scrollable_content_region.height
        y = int(self.scroll_offset.y)
        if top or end - first >= height or first < y:
            # the blank row above a passage stays in view (and the header above the first one)
            y = 0 if passage == 0 else first - 1
        elif end > y + height:
            y = min(end + 1, len(self._rows)) - height
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def set_cursor(self, passage: int, top: bool = False) -> None:
        if not self._passage_rows:
            if self.passage_count:  # not laid out yet (no size): place it when the rows exist
                self.set_reactive(ArticleView.cursor, max(0, min(self.passage_count - 1, passage)))
                self._pending_top = True
            return
        passage = max(0, min(self.passage_count - 1, passage))
        self._wrap_to(passage)
        self.cursor = passage
        if top:
            self._scroll_to_passage(passage, top=True)

    def _move_cursor_quietly(self, passage: int) -> None:
        """Move the cursor to a passage already on screen (no scrolling)."""
        old = self.cursor
        self.set_reactive(ArticleView.cursor, passage)
        self._cursor_changed(old, passage)

    def _top_passage(self) -> int | None:
        visible = self._visible_passages()
        return visible[0] if visible else None

    def _visible_passages(self) -> list[int]:
        top = int(self.scroll_offset.y)
        bottom = top + self.scrollable_content_region.height
        return [i for i, (first, end) in enumerate(self._passage_rows) if end > top and first < bottom]

    def action_cursor_down(self) -> None:
        if self._passage_rows:
            self._wrap_to(self.cursor)  # a huge passage being wrapped: the rows below the screen first
            bottom = int(self.scroll_offset.y) + self.scrollable_content_region.height
            # a passage taller than the screen scrolls before the cursor moves on
            if self._passage_rows[self.cursor][1] > bottom:
                self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False,
                                     immediate=True)
                return
            self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        if self._passage_rows:
            if self._passage_rows[self.cursor][0] < int(self.scroll_offset.y):
                self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False,
                                     immediate=True)
                return
            self.set_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.set_cursor(0)
        self.scroll_home(animate=False, immediate=True)

    def action_last(self) -> None:
        self.set_cursor(self.passage_count - 1)
        self.scroll_end(animate=False, immediate=True)

    def action_page_down(self) -> None:
        self._page(+1)
        self._cursor_into_view(True)

    def action_page_up(self) -> None:
        self._page(-1)
        self._cursor_into_view(False)

    def _page(self, direction: int) -> None:
        """Scroll by a screen, keeping one row of the previous screen for context."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=int(self.scroll_offset.y) + direction * step, animate=False, immediate=True)

    def _cursor_into_view(self, down: bool) -> None:
        visible = self._visible_passages()
        if visible and self.cursor not in visible:
            self._move_cursor_quietly(visible[0] if down else visible[-1])

    def passage_at(self, y: int) -> int | None:
        """The passage shown on screen row ``y`` of the content region, if any."""
        row = y + int(self.scroll_offset.y)
        if 0 <= row < len(self._rows) and self._rows[row].passage >= 0:
            return self._rows[row].passage
        return None

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        passage = self.passage_at(offset.y)
        if passage is not None and passage != self.cursor:
            self._move_cursor_quietly(passage)

    # for tests and the bench: what a passage looks like on screen ------------------------------------
    def passage_lines(self, passage: int) -> list[str]:
        """The text of each row of a passage as painted (bullet included, gutters excluded)."""
        self._wrap_through(passage)
        first, end = self._passage_rows[passage]
        return ["".join(s.text for s in self._paint(r, None)).strip("▌▐ ") for r in range(first, end)]

    def rendered_text(self) -> str:
        return "\n".join(" ".join(self.passage_lines(i)) for i in range(self.passage_count))

    def passage_row_range(self, passage: int) -> tuple[int, int]:
        self._wrap_through(passage)
        return self._passage_rows[passage]

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

    def _all_mentions(self) -> list[tuple[int, int]]:
        return [(p, i) for p in sorted(self._by_passage) for i in range(len(self._by_passage[p]))]

    def move_entity(self, forward: bool) -> Mention | None:
        """Jump to the next/previous entity mention from the current one (or the passage cursor)."""
        order = self._all_mentions()
        if not order:
            return None
        if self.entity_cursor in order:
            k = order.index(self.entity_cursor) + (1 if forward else -1)
        else:
            after = [n for n, (p, _) in enumerate(order) if (p >= self.cursor if forward else p <= self.cursor)]
            k = (after[0] if forward else after[-1]) if after else (0 if forward else len(order) - 1)
        k %= len(order)
        old = self.entity_cursor[0] if self.entity_cursor else None
        self.entity_cursor = order[k]
        self.refresh_highlights({old, order[k][0]} - {None})
        self.set_cursor(order[k][0])
        return self.focused_mention()
