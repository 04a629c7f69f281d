"""A row of the article view painted as a :class:`textual.strip.Strip`: gutters, list bullet,
aligned table cells, the bookmark bar.

Text selection follows Textual's protocol: the segments of a row carry ``offset`` metadata
``(x, y)`` where ``y`` is the row in the document and ``x`` the char index in the row's slice (see
:meth:`reader.ui.widgets.article_view.layout.ArticleLayout.point`); gutter and padding cells map to
the nearest char, so a click or a drag there lands on the text.
"""

from __future__ import annotations

from typing import Callable

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.style import Style

from reader.passages import CELL_SEPARATOR, Passage
from reader.ui.widgets.article_view.highlights import SELECTION_STYLE
from reader.ui.widgets.article_view.layout import BULLET, Row, gutters

CURSOR_BAR = "▌"
BOOKMARK_BAR = "▐"


def paint_row(row: Row, row_index: int, width: int, base: Style, content: Content | None,
              passage: Passage | None, parse_style: Callable[[str | Style], Style],
              selected: tuple[int, int] | None = None,
              cells: tuple[list[tuple[int, int]], list[int]] | None = None,
              cursor_bar: RichStyle | None = None, bookmark_bar: RichStyle | None = None) -> Strip:
    """The strip of document row ``row_index``: ``content`` is the row's styled text (None for a
    blank or rule row), ``passage`` its passage (None in the header), ``selected`` the ``(start,
    end)`` of its text under the selection (end -1: to the end), ``cells`` the table columns of an
    aligned row, ``cursor_bar`` / ``bookmark_bar`` the styles of those bars when the row has them."""
    blank_style = base.rich_style
    segments: list[Segment] = []
    if passage is None or content is None:
        if row.part == "rule":
            return Strip([Segment("─" * width, blank_style)], width)
        if row.part == "blank" or content is None:
            return Strip([Segment(" " * width, base.rich_style_with_offset(0, row_index))], width)
        segments.append(Segment("  ", blank_style))
        used = 2
    else:
        p = passage
        left, right = gutters(p)
        bar = cursor_bar
        gutter = CURSOR_BAR if bar is not None else " "
        segments.append(Segment(gutter, (blank_style + bar) if bar else base.rich_style_with_offset(0, row_index)))
        indent = " " * (left - 1)
        if p.kind == "item" and row.first:
            indent = indent[:-len(BULLET)] + BULLET
        # one cell per segment, so a click in the gutter lands on the row's first char
        segments += [Segment(ch, base.rich_style_with_offset(0, row_index)) for ch in indent]
        used = left
    if selected is not None:
        a, b = selected
        b = len(content) if b == -1 else b
        content = content.stylize(SELECTION_STYLE, a, b)
    parse = parse_style

    def put(part: Content, x: int) -> None:
        for text, style in part.render(base, end="", parse_style=parse):
            segments.append(Segment(text, (base + style).rich_style_with_offset(x, row_index)))
            x += len(text)

    if row.part == "cells" and cells is not None and passage is not None:  # each cell padded to its column
        bounds, widths = cells
        align = passage.align
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
    if passage is not None and bookmark_bar is not None:
        fill = max(0, width - used - 1)
        segments.append(Segment(" " * fill, base.rich_style_with_offset(len(content), row_index)))
        segments.append(Segment(BOOKMARK_BAR, blank_style + bookmark_bar))
    else:
        segments.append(Segment(" " * max(0, width - used),
                                base.rich_style_with_offset(len(content), row_index)))
    return Strip(segments).crop_extend(0, width, blank_style)
