"""The article view's layout: an article at one width as a list of rows, and the way back.

Pure (no widget, no app; Rich only for cell widths, through :mod:`.wrap`), so it is tested on its
own (``tests/ui/test_article_layout.py``), as Textual keeps ``document/_wrapped_document.py`` apart
from its ``TextArea``.

Every row knows the passage it belongs to and the ``[start, end)`` slice of that passage's text it
shows (see :mod:`reader.passages` for the coordinate system). Wrapping never changes the text: a row
shows exactly ``passage.text[start:end]`` (a tab is drawn as one space), so a screen position
``(x, y)`` — ``y`` the row, ``x`` the char index in the row's slice — maps back to (passage, char)
with :meth:`ArticleLayout.point`, and the other way with :meth:`ArticleLayout.offset_of`: that is how
mouse selections, the keyboard sentence selection and bookmarks meet the same offsets as entities
and search hits.

A huge article is wrapped in steps (:meth:`ArticleLayout.wrap` with ``max_rows`` or a
``deadline``), a huge passage a window of rows at a time; the rows not wrapped yet are estimated in
:attr:`ArticleLayout.height`, so the scrollbar has its size meanwhile.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from typing import Iterator, Literal, NamedTuple, Sequence

from rich.cells import cell_len

from reader.corpus import Article
from reader.languages import effective
from reader.passages import CELL_SEPARATOR, Passage
from reader.ui.widgets.article_view.wrap import iter_wrap, wrap_offsets

BULLET = "• "
RowPart = Literal["text", "cells", "blank", "title", "meta", "rule"]  # what a row shows
HeaderPart = Literal["title", "meta"]


def drawn_text(p: Passage) -> str:
    """A passage's text as drawn: a tab is one space, so chars and offsets stay one-to-one."""
    return p.text.replace("\t", " ") if "\t" in p.text else p.text


class Row(NamedTuple):
    """One row of the document: a slice of a passage (``passage`` ≥ 0) or of the header (-1)."""

    passage: int
    start: int
    end: int
    part: RowPart
    first: bool = False  # the passage's first row (carries the list bullet)


BLANK = Row(-1, 0, 0, "blank")

# aligned table rows: passage → (cell (start, end) in its text, column widths in cells)
Cells = dict[int, tuple[list[tuple[int, int]], list[int]]]


def header_texts(article: Article) -> list[tuple[HeaderPart, str]]:
    """The title and the meta line (date, source, language, words) shown above the passages."""
    meta = article.meta
    bits = [b for b in (meta.published and f"{meta.published.isoformat()}"
                        + (" (date inferred)" if meta.published_inferred else ""),
                        meta.source, effective(meta), f"{meta.words} words") if b]
    return [("title", meta.title), ("meta", " · ".join(bits))]


def indent(p: Passage) -> int:
    if p.kind == "quote":
        return 2 * max(1, p.level)
    if p.kind == "item":
        return 2 * max(0, p.level - 1) + len(BULLET)
    if p.kind in ("code", "row"):
        return 1
    return 0


def gutters(p: Passage) -> tuple[int, int]:
    """Cells left of the text (cursor bar, padding, indent) and right of it (padding, bookmark bar)."""
    return 2 + indent(p), 2


def align_table(passages: Sequence[Passage], first: int, room: int) -> Cells:
    """Columns of the table starting at passage ``first``, when every row has as many cells and
    the aligned rows fit the width; else nothing (its rows are wrapped like text)."""
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
        return {}
    widths = [max(w[c] for _, _, w in rows) for c in range(len(rows[0][1]))]
    if sum(widths) + len(CELL_SEPARATOR) * (len(widths) - 1) > room:
        return {}
    return {i: (bounds, widths) for i, bounds, _ in rows}


class ArticleLayout:
    """The rows of one article at one width (``width`` counts the cells of a row, gutters included).

    ``rows`` grows as :meth:`wrap` is called; ``passage_rows[i]`` is passage ``i``'s ``[first row,
    end row)`` for the ``wrapped`` passages (and the one being wrapped, ``partial``).
    """

    def __init__(self, article: Article | None, width: int) -> None:
        self.article = article
        self.passages: Sequence[Passage] = article.passages if article is not None else ()
        self.width = width
        self.rows: list[Row] = []
        self.passage_rows: list[tuple[int, int]] = []
        self.cells: Cells = {}
        self.header: list[tuple[HeaderPart, str]] = []
        self.wrapped = 0  # passages wrapped so far
        # the passage being wrapped: (index, its rows still to come, rows so far)
        self.partial: tuple[int, Iterator[tuple[int, int]], int] | None = None
        self.estimate: list[int] = [0]
        if article is None or width <= 0:
            return
        rows = self.rows
        rows.append(BLANK)
        self.header = header_texts(article)
        for part, text in self.header:
            for start, end in wrap_offsets(text, width - 3):
                rows.append(Row(-1, start, end, part))
        rows += [BLANK, Row(-1, 0, 0, "rule"), BLANK]
        passages = article.passages
        # rows each passage not wrapped yet is expected to take (the scrollbar's size meanwhile)
        self.estimate = [0] * (len(passages) + 1)
        for i in range(len(passages) - 1, -1, -1):
            self.estimate[i] = self.estimate[i + 1] + len(passages[i].text) // max(1, width - 6) + 2

    @property
    def passage_count(self) -> int:
        return len(self.passages)

    @property
    def chars(self) -> int:
        return sum(len(p.text) for p in self.passages)

    @property
    def complete(self) -> bool:
        return self.wrapped >= self.passage_count

    @property
    def height(self) -> int:
        """Rows wrapped so far plus the rows the rest is expected to take."""
        rest = self.estimate[min(self.wrapped, len(self.estimate) - 1)]
        if self.partial is not None:  # the passage being wrapped: the rows it is expected to add still
            i, made = self.partial[0], self.partial[2]
            rest = max(0, rest - self.estimate[i + 1] - made) + self.estimate[i + 1]
        return len(self.rows) + rest

    def wrap(self, until: int, max_rows: int | None = None, deadline: float | None = None) -> int | None:
        """Wrap passages ``[wrapped, until)`` onto the rows, stopping early at ``max_rows`` rows or at
        the ``deadline`` (``time.perf_counter``), inside a passage if need be. The first row that
        changed, or None when nothing was to do."""
        rows, spans, width = self.rows, self.passage_rows, self.width
        if width <= 0:
            return None
        passages = self.passages
        until = min(until, len(passages))
        if self.wrapped >= until or (max_rows is not None and len(rows) >= max_rows):
            return None
        if spans and rows[-1] is BLANK:
            rows.pop()  # the closing blank row of an earlier step
        new_from = len(rows)
        clock = time.perf_counter
        while self.wrapped < until:
            if (max_rows is not None and len(rows) >= max_rows) or (deadline is not None and clock() > deadline):
                break
            if self.partial is None:
                p = passages[self.wrapped]
                previous = passages[p.index - 1] if p.index else None
                # list items follow each other, and so do a table's rows; other passages have a blank row
                if previous is not None and not (previous.kind == p.kind and p.kind in ("item", "row")):
                    rows.append(BLANK)
                first = len(rows)
                left, right = gutters(p)
                if p.kind == "row" and (previous is None or previous.kind != "row"):
                    self.cells.update(align_table(passages, p.index, width - left - right))
                if p.index in self.cells:  # a table row in aligned columns: one row, not wrapped
                    rows.append(Row(p.index, 0, len(p.text), "cells", True))
                    spans.append((first, len(rows)))
                    self.wrapped += 1
                    continue
                spans.append((first, first))
                self.partial = (p.index, iter_wrap(drawn_text(p), max(1, width - left - right)), 0)
            index, pending, made = self.partial
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
                self.partial = (index, pending, made)
                break
            self.partial = None
            self.wrapped += 1
        rows.append(BLANK)
        return new_from

    # screen position ↔ (passage, char) ------------------------------------------------------------
    def point(self, row_index: int | None, x: int | None, end: bool) -> tuple[int, int] | None:
        """A point (document row, char index in the row; None: the document's start or end) →
        (passage, char), snapped into the nearest passage."""
        rows = self.rows
        if not rows:
            return None
        if row_index is None:
            row_index = len(rows) - 1 if end else 0
            x = None
        else:
            row_index = min(max(0, row_index), len(rows) - 1)
        row = rows[row_index]
        if row.passage < 0:  # header or blank: the next passage's start (or the previous one's end)
            step = -1 if end else 1
            k = row_index
            while 0 <= k < len(rows) and rows[k].passage < 0:
                k += step
            if not 0 <= k < len(rows):
                return None
            row = rows[k]
            first, last = self.passage_rows[row.passage]
            return (row.passage, rows[last - 1].end) if end else (row.passage, rows[first].start)
        if x is None:
            return row.passage, row.end if end else row.start
        return row.passage, min(row.start + max(0, x), row.end)

    def offset_of(self, passage: int, char: int, end: bool) -> tuple[int, int]:
        """The point ``(x, y)`` of a char of a passage (``end``: the point just after a span's last char)."""
        first, last = self.passage_rows[passage]
        for r in range(first, last):
            row = self.rows[r]
            if row.start <= char < row.end or (end and char == row.end) or r == last - 1:
                return min(max(0, char - row.start), row.end - row.start), r
        return 0, first

    def clipped_span(self, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int] | None:
        """Points ``a`` ≤ ``b`` as (passage, char) → (passage, start, end) clipped to ``a``'s passage
        (None when that covers no char)."""
        passage, start = a
        end = b[1] if b[0] == passage else len(self.passages[passage].text)
        return (passage, start, end) if end > start else None

    def text_between(self, a: tuple[int, int], b: tuple[int, int]) -> str:
        """The text from point ``a`` to ``b`` (passages apart by a blank line, as in Markdown)."""
        passages = self.passages
        if a[0] == b[0]:
            return passages[a[0]].text[a[1]:b[1]]
        parts = [passages[a[0]].text[a[1]:]] + [passages[i].text for i in range(a[0] + 1, b[0])]
        parts.append(passages[b[0]].text[:b[1]])
        return "\n\n".join(parts)

    def visible_passages(self, top: int, bottom: int) -> list[int]:
        """The passages with a row in ``[top, bottom)``."""
        spans = self.passage_rows
        lo = bisect_right(spans, top, key=lambda s: s[1])
        hi = bisect_left(spans, bottom, key=lambda s: s[0])
        return list(range(lo, hi))

    def passage_at(self, row: int) -> int | None:
        """The passage shown on a document row, if any."""
        if 0 <= row < len(self.rows) and self.rows[row].passage >= 0:
            return self.rows[row].passage
        return None
