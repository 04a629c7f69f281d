"""Word wrap of a passage's text into ``[start, end)`` slices measured in terminal cells.

Pure (no widget): rows are exact slices of the text, so a screen position maps back to a char of
the passage (see :mod:`reader.ui.widgets.article_view.layout`). Widths are Rich's cell widths, the
ones Textual paints with.
"""

from __future__ import annotations

import re
from typing import Iterator

from rich.cells import cell_len

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

