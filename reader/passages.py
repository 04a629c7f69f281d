"""Passages: the one coordinate system of the reader.

An article body (Markdown) is parsed **once** with markdown-it-py into an ordered tuple of
:class:`Passage` objects, one per block a reader sees as a unit:

===========  ==========================================================
kind         what it is
===========  ==========================================================
heading      ``#`` … ``######`` (``level`` is 1–6)
paragraph    a top-level paragraph
quote        a paragraph inside a block quote (``level`` = quote depth)
item         a list item's paragraph (``level`` = list depth, 1-based)
code         a fenced or indented code block (text kept verbatim)
row          a table row: its cells' text joined by ``" │ "`` (``level`` 0 for the
             header row, 1 for body rows)
===========  ==========================================================

Each passage carries its **plain text** (Markdown syntax removed, inline code kept, soft breaks
turned into spaces) and inline style spans over that text.

Coordinates
-----------
Everything that points into an article — entities, search hits, events, bookmarks — uses::

    (article id, passage index, char start, char end)

where ``passage index`` is the position in :attr:`ParsedArticle.passages` (0-based) and ``start`` /
``end`` are Python ``str`` indices (code points, end exclusive) into :attr:`Passage.text`.

The article's **plain text** is the passages' texts joined by ``"\\n\\n"``; :attr:`Passage.offset`
is where a passage starts in it, so ``plain[p.offset + start : p.offset + end]`` equals
``p.text[start:end]``. Bookmarks use that article-level offset for their W3C
``TextPositionSelector``.

Text is data: control characters (C0 except newline/tab, DEL, C1 — including ESC) are replaced by
their visible Unicode "control picture" before parsing, so no terminal escape sequence from an
article reaches the screen, and offsets are computed on that safe text. Markup-like text such as
``[bold]`` stays literal: the UI builds styled text from spans, never by parsing markup.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

PASSAGE_KINDS = ("heading", "paragraph", "quote", "item", "code", "row")
CELL_SEPARATOR = " │ "  # between the cells of a table row (part of the row's text)
# Bumped when the same Markdown parses into other passages. Only articles whose passages change
# get a new content hash (see reader.corpus.content_hash), so only they are annotated and indexed
# again. 2: GFM tables, one passage per row (they were one paragraph of "| a | b |" text);
# images shown as "[image: alt]" (their alt text used to read as if it were the article's).
PASSAGES_VERSION = 2
# A GFM table's delimiter row ("| --- | :-: |")
TABLE_DELIMITER = re.compile(r"^(?=[^\n]*\|)[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.M)


def parses_differently(body: str) -> bool:
    """Might this body's passages differ from what version 1 made of it? (A table or an image.)
    False positives only cost one more annotation of that article."""
    return "![" in body or TABLE_DELIMITER.search(body) is not None
SEPARATOR = "\n\n"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no picture


def make_safe(text: str) -> str:
    """Normalise newlines and make every control character visible and inert."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(_control_picture, text)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _surrogate(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def make_safe_line(text: str) -> str:
    """:func:`make_safe` for text shown on one line (a file name, an error message): a newline too
    becomes its picture (␤), so a name cannot print a line of its own that looks like another message,
    and a name's bytes that are not UTF-8 (Python's surrogate escapes, which no terminal stream can
    encode) are shown as ``\\xff``."""
    if not text.isascii():
        text = _SURROGATE.sub(_surrogate, text)
    return make_safe(text).replace("\n", "\u2424")


@dataclass(frozen=True, slots=True)
class Span:
    """An inline style over ``[start, end)`` of a passage's text: em, strong, code, link, strike."""

    start: int
    end: int
    style: str
    href: str | None = None


PassageKind = Literal["heading", "paragraph", "quote", "item", "code", "row"]  # the table above


@dataclass(frozen=True, slots=True)
class Passage:
    index: int
    kind: PassageKind
    text: str
    offset: int
    level: int = 0
    spans: tuple[Span, ...] = ()
    line: int | None = None  # first source line (0-based, body-relative) — for "open in editor"
    align: tuple[str, ...] = ()  # table rows: each cell's alignment ("left", "right", "center")

    @property
    def end_offset(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True)
class ParsedArticle:
    passages: tuple[Passage, ...]
    plain_text: str = field(repr=False)

    def locate(self, offset: int) -> tuple[int, int]:
        """Article-level plain-text offset → (passage index, char offset in passage)."""
        lo, hi = 0, len(self.passages) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.passages[mid].offset <= offset:
                lo = mid
            else:
                hi = mid - 1
        p = self.passages[lo] if self.passages else None
        if p is None:
            raise ValueError("article has no passages")
        return p.index, max(0, min(offset - p.offset, len(p.text)))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # imported on first use: start-up lists articles without parsing any
    from markdown_it import MarkdownIt

    # commonmark + strikethrough; html disabled: raw HTML in an article is shown as text.
    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])


def _inline_text(token: Token) -> tuple[str, tuple[Span, ...]]:
    """Plain text of an ``inline`` token and the style spans over it."""
    out: list[str] = []
    spans: list[Span] = []
    open_at: dict[str, list[tuple[int, str | int | float | None]]] = {}
    length = 0

    def push(text: str) -> None:
        nonlocal length
        out.append(text)
        length += len(text)

    for child in token.children or ():
        t = child.type
        if t == "text" or t == "html_inline":
            push(child.content)
        elif t == "softbreak":
            push(" ")
        elif t == "hardbreak":
            push("\n")
        elif t == "code_inline":
            start = length
            push(child.content)
            spans.append(Span(start, length, "code"))
        elif t == "image":
            start = length
            alt = " ".join((child.content or "").split())
            push(f"[image: {alt}]" if alt else "[image]")
            spans.append(Span(start, length, "image"))
        elif t.endswith("_open"):
            name = {"em_open": "em", "strong_open": "strong", "link_open": "link", "s_open": "strike"}.get(t)
            if name:
                href = child.attrGet("href") if name == "link" else None
                open_at.setdefault(name, []).append((length, href))
        elif t.endswith("_close"):
            name = {"em_close": "em", "strong_close": "strong", "link_close": "link", "s_close": "strike"}.get(t)
            if name and open_at.get(name):
                start, href = open_at[name].pop()
                if length > start:
                    spans.append(Span(start, length, name, str(href) if href else None))
    return "".join(out), tuple(sorted(spans, key=lambda s: (s.start, s.end)))


def parse_passages(body: str) -> ParsedArticle:
    """Parse a Markdown body into passages (see the module docstring for the coordinates)."""
    body = make_safe(body)
    tokens = _parser().parse(body)
    passages: list[Passage] = []
    offset = 0
    quote_depth = 0
    list_depth = 0
    heading_level = 0
    item_stack: list[bool] = []  # per open list item: has its first paragraph been emitted?
    in_head = False  # inside a table's header
    cells: list[tuple[str, tuple[Span, ...]]] | None = None  # the cells of the table row being read
    row_line: int | None = None
    aligns: list[str] = []

    def add(kind: PassageKind, text: str, level: int, spans: tuple[Span, ...], line: int | None,
            align: tuple[str, ...] = ()) -> None:
        nonlocal offset
        if not text.strip() and kind != "code":
            return
        if passages:
            offset += len(SEPARATOR)
        passages.append(Passage(len(passages), kind, text, offset, level, spans, line, align))
        offset += len(text)

    for tok in tokens:
        t = tok.type
        if t == "blockquote_open":
            quote_depth += 1
        elif t == "blockquote_close":
            quote_depth -= 1
        elif t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif t == "list_item_open":
            item_stack.append(False)
        elif t == "list_item_close":
            item_stack.pop()
        elif t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            cells, aligns = [], []
            row_line = tok.map[0] if tok.map else None
        elif t == "tr_close" and cells is not None:
            text, at = "", 0
            row_spans: list[Span] = []
            for k, (cell, cell_spans) in enumerate(cells):
                if k:
                    text += CELL_SEPARATOR
                at = len(text)
                text += cell
                row_spans += [Span(sp.start + at, sp.end + at, sp.style, sp.href) for sp in cell_spans]
            add("row", text, 0 if in_head else 1, tuple(row_spans), row_line, tuple(aligns))
            cells = None
        elif t in ("th_open", "td_open") and cells is not None:
            style = str(tok.attrGet("style") or "")
            aligns.append(style.split("text-align:", 1)[1].strip() if "text-align:" in style else "left")
        elif t == "inline" and cells is not None:
            cells.append(_inline_text(tok))
        elif t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t in ("fence", "code_block"):
            add("code", tok.content.rstrip("\n"), 0, (), tok.map[0] if tok.map else None)
        elif t == "inline":
            text, spans = _inline_text(tok)
            line = tok.map[0] if tok.map else None
            if heading_level:
                add("heading", text, heading_level, spans, line)
            elif item_stack:
                add("item", text, list_depth, spans, line)
            elif quote_depth:
                add("quote", text, quote_depth, spans, line)
            else:
                add("paragraph", text, 0, spans, line)
        elif t == "html_block":
            add("paragraph", tok.content.strip(), 0, (), tok.map[0] if tok.map else None)
        elif t == "hr":
            pass
    plain = SEPARATOR.join(p.text for p in passages)
    return ParsedArticle(tuple(passages), plain)


# Parsed articles kept in memory, keyed by content hash: reopening one (a 5 MB article parses in
# ~1.5 s) costs only the read. Bounded by the texts' total length, so a few huge articles cannot
# hold much memory, and by a count.
CACHE_CHARS = 16_000_000
CACHE_ENTRIES = 64
_cache: OrderedDict[str, ParsedArticle] = OrderedDict()
_cache_lock = threading.Lock()


def parse_passages_cached(key: str, body: str) -> ParsedArticle:
    """:func:`parse_passages` of ``body``, remembered under ``key`` (its content hash) in a bounded LRU."""
    with _cache_lock:
        parsed = _cache.get(key)
        if parsed is not None:
            _cache.move_to_end(key)
            return parsed
    parsed = parse_passages(body)
    with _cache_lock:
        _cache[key] = parsed
        total = sum(len(p.plain_text) for p in _cache.values())
        while len(_cache) > 1 and (total > CACHE_CHARS or len(_cache) > CACHE_ENTRIES):
            _old, dropped = _cache.popitem(last=False)
            total -= len(dropped.plain_text)
    return parsed
