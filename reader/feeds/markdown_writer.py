"""The Markdown writer: trafilatura's XML vocabulary (also what a feed entry's HTML is converted to)
→ our Markdown, one passage kind of :mod:`reader.passages` per block.


The Markdown is **data made safe**: every Markdown metacharacter of the page's text is escaped, so a
``*starred*`` word, a ``[x](y)``, a ``<b>`` or a leading ``#`` in a paragraph stays literal text when
:func:`reader.passages.parse_passages` reads it back; C0/C1 control characters and terminal escape
sequences are made visible and inert (:func:`reader.passages.make_safe`). Every paragraph carrying inline markup (emphasis, links, code) is parsed back
once and, should its text differ from the page's, written again with less markup (emphasis dropped,
then links), so no page can make markup characters appear in, or words vanish from, the text.
Links keep their text; their URLs are resolved against the page URL and kept only for http, https
and mailto (others become plain text).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

from reader.feeds.markdown_escape import (_ALT_SAFE, _WS, _code_span, _escape_line_starts, clean_line, clean_text,
                                          escape_inline, safe_url)
from reader.passages import CELL_SEPARATOR, parse_passages

LxmlElement = Any  # an element of lxml's HTML tree (lxml ships no types)

# ---------------------------------------------------------------------------------------------
# the writer: trafilatura's XML vocabulary (doc/main, head, p, hi, ref, list/item, quote, table/
# row/cell, code, graphic, lb, del) → Markdown blocks

# (a ``code`` element is a block or inline code depending on where it stands: see _is_block_code)
BLOCK_TAGS = frozenset({"head", "p", "list", "quote", "table", "div", "main", "body", "item", "row"})
# quotes and lists nested deeper than this are written flat (markdown-it drops what is nested past
# 20 levels; a reader cannot follow 8 anyway); inline styles nested deeper are left out
MAX_NESTING = 8
# fallback levels for a paragraph whose read-back text differs from the page's
FULL, NO_EMPHASIS, TEXT_ONLY = 0, 1, 2


def _tag(el: ET.Element | LxmlElement) -> str:
    tag = el.tag
    return tag if isinstance(tag, str) else ""  # lxml comments / processing instructions


class _Inline:
    """One paragraph's inline content being written: Markdown and the plain text it must read as."""

    def __init__(self, writer: "_Writer", level: int, in_link: bool = False, breaks: bool = True,
                 escape_hash: bool = False, depth: int = 0):
        self.w = writer
        self.depth = depth
        self.level = level
        self.in_link = in_link
        self.breaks = breaks  # hard line breaks allowed (not in headings and table cells)
        self.escape_hash = escape_hash
        self.md: list[str] = []
        self.plain: list[str] = []
        self.space = True  # the last thing written ends with a space (or nothing written yet)
        self.lead = False  # text started with whitespace (dropped)
        self.markup = False

    # -- primitives
    def text(self, s: str | None) -> None:
        if not s:
            return
        s = _WS.sub(" ", clean_text(s))
        if self.space:
            if s.startswith(" ") and not self.md:
                self.lead = True
            s = s.lstrip(" ")
        if not s:
            return
        md = escape_inline(s)
        if self.escape_hash:
            md = md.replace("#", "\\#")
        self.md.append(md)
        self.plain.append(s)
        self.space = s.endswith(" ")

    def atom(self, md: str, plain: str, lead: bool = False, trail: bool = False) -> None:
        if lead:
            self.text(" ")
        self.md.append(md)
        self.plain.append(plain)
        self.space = False
        self.markup = True
        if trail:
            self.text(" ")

    def hard_break(self) -> None:
        if not self.breaks:
            self.text(" ")
            return
        self._rstrip()
        if not self.md or self.md[-1] == "\\\n":
            return
        self.md.append("\\\n")
        self.plain.append("\n")
        self.space = True

    def _rstrip(self) -> None:
        while self.md and self.md[-1].endswith(" ") and self.md[-1] != "\\\n":
            self.md[-1] = self.md[-1].rstrip(" ")
            self.plain[-1] = self.plain[-1].rstrip(" ")
            if self.md[-1]:
                break
            self.md.pop()
            self.plain.pop()

    def result(self) -> tuple[str, str, bool]:
        """(markdown, plain, trailing space dropped)."""
        trail = bool(self.md) and self.md[-1].endswith(" ")
        self._rstrip()
        while self.md and self.md[-1] == "\\\n":
            self.md.pop()
            self.plain.pop()
            self._rstrip()
        return "".join(self.md), "".join(self.plain), trail

    # -- elements
    def node(self, el: ET.Element) -> None:
        """Write element *el* (not its tail)."""
        tag = _tag(el)
        if not tag:
            return
        if tag == "lb":
            self.hard_break()
        elif tag == "graphic":
            self._image(el)
        elif tag == "hi" or tag == "del":
            self._styled(el, tag)
        elif tag == "ref":
            self._link(el)
        elif tag == "code":
            self._code(el)
        elif tag == "q" or (tag == "quote" and not any(_tag(c) in BLOCK_TAGS for c in el)):
            self.text("“")  # an inline quotation, marked as a browser shows it
            self.children(el)
            self.text("”")
        elif tag in BLOCK_TAGS or tag == "cell":
            # a block inside inline content (heading, cell): its text, set apart by spaces
            self.text(" ")
            self.children(el)
            self.text(" ")
        else:
            self.children(el)

    def children(self, el: ET.Element) -> None:
        self.text(el.text)
        for child in el:
            self.node(child)
            self.text(child.tail)

    def _sub(self, *, in_link: bool | None = None) -> "_Inline":
        return _Inline(self.w, self.level, self.in_link if in_link is None else in_link, self.breaks,
                       self.escape_hash, self.depth + 1)

    def _styled(self, el: ET.Element, tag: str) -> None:
        rend = el.get("rend") or ""
        marker = "~~" if tag == "del" else {"#b": "**", "#i": "*", "#t": "`"}.get(rend, "")
        if marker == "`":
            self._code(el)
            return
        if not marker or self.level >= NO_EMPHASIS or self.depth >= MAX_NESTING:
            self.children(el)
            return
        self._wrapped(el, self._sub(), marker, marker)

    def _code(self, el: ET.Element) -> None:
        text = "".join(_code_text(el))
        if self.level >= TEXT_ONLY:
            self.text(text)
            return
        lead = bool(text) and text[0] in " \t\n" and not self.space
        trail = bool(text) and text[-1] in " \t\n"
        md, plain = _code_span(text.strip())
        if md:
            self.atom(md, plain, lead, trail)
        elif text:
            self.text(" ")

    def _image(self, el: ET.Element) -> None:
        # the reader shows an image's description as written (backslash escapes included), so it is
        # not escaped but kept from closing or nesting brackets and code spans
        alt = clean_line(el.get("alt") or el.get("title") or "").translate(_ALT_SAFE)
        src = safe_url(el.get("src") or el.get("data-src"), self.w.base_url) or ""
        plain = f"[image: {alt}]" if alt else "[image]"
        self.atom(f"![{alt}]({src})", plain, not self.space and bool(self.md))

    def _link(self, el: ET.Element) -> None:
        url = None if self.in_link or self.level >= TEXT_ONLY else safe_url(el.get("target") or el.get("href"),
                                                                             self.w.base_url)
        if url is None:
            self.children(el)
            return
        self._wrapped(el, self._sub(in_link=True), "[", f"]({url})")

    def _wrapped(self, el: ET.Element, sub: "_Inline", opening: str, closing: str) -> None:
        """*el*'s content written into *sub*, then as one atom between *opening* and *closing*."""
        sub.children(el)
        md, plain, trail = sub.result()
        if not md:
            if sub.lead or trail:
                self.text(" ")
            return
        self.atom(f"{opening}{md}{closing}", plain, sub.lead, trail)


def _code_text(el: ET.Element) -> Iterator[str]:
    """The verbatim text of a code element (line breaks as newlines), controls made visible."""
    if el.text:
        yield clean_text(el.text)
    for child in el:
        if _tag(child) == "lb":
            yield "\n"
        else:
            yield from _code_text(child)
        if child.tail:
            yield clean_text(child.tail)


class _Writer:
    def __init__(self, base_url: str | None, verify_each: bool = False):
        self.base_url = base_url or None
        self.verify_each = verify_each
        self.expected: list[str] = []  # the text of each passage written, in order
        self.nesting = 0  # quotes and list items open around the block being written

    # -- one leaf (a paragraph's inline content)
    def leaf(self, fill: Callable[[_Inline], None], *, breaks: bool = True, escape_hash: bool = False) -> tuple[str, str]:
        """*fill(inline)* writes into an :class:`_Inline`; returns (markdown, plain) of the leaf.
        With *verify_each*, a leaf with markup is read back and written again with less markup
        until its text is the page's."""
        for level in (FULL, NO_EMPHASIS, TEXT_ONLY):
            inline = _Inline(self, level, breaks=breaks, escape_hash=escape_hash)
            fill(inline)
            md, plain, _ = inline.result()
            md = _escape_line_starts(md)
            if not self.verify_each or not inline.markup or _reads_back(md, plain):
                break
        return md, plain

    def _count(self, plain: str) -> None:
        self.expected.append(plain)

    # -- blocks
    def blocks(self, container: ET.Element) -> list[str]:
        """The Markdown blocks of a container element (main, quote, item, p, div)."""
        out: list[str] = []
        run: list[str | ET.Element] = []  # pending inline content: str (text) or element (with its tail after it)
        bullets = 0  # alternates the list marker so adjacent lists stay apart

        def flush() -> None:
            if not run:
                return
            items = list(run)
            run.clear()

            def fill(inline: _Inline) -> None:
                for piece in items:
                    if isinstance(piece, str):
                        inline.text(piece)
                    else:
                        inline.node(piece)

            md, plain = self.leaf(fill)
            if md:
                self._count(plain)
                out.append(md)

        if container.text:
            run.append(container.text)
        for child in container:
            tag = _tag(child)
            inline_quote = tag == "quote" and _tag(container) == "p"  # trafilatura's <q>
            if (tag in BLOCK_TAGS and not inline_quote) or (tag == "code" and _is_block_code(child, container, run)):
                flush()
                if tag == "list":
                    bullets += 1
                out.extend(self.block(child, bullets))
            elif tag:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        flush()
        return out

    def block(self, el: ET.Element, bullets: int = 0) -> list[str]:
        tag = _tag(el)
        if tag == "head":
            rend = el.get("rend") or "h3"
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 3
            md, plain = self.leaf(lambda inline: inline.children(el), breaks=False, escape_hash=True)
            if not md:
                return []
            self._count(plain)
            return ["#" * level + " " + md]
        if tag in ("quote", "list"):
            if self.nesting >= MAX_NESTING:
                return self.blocks(el)
            self.nesting += 1
            try:
                if tag == "list":
                    return self.list_block(el, bullets)
                inner = self.blocks(el)
                return [_prefix("\n\n".join(inner), "> ", ">")] if inner else []
            finally:
                self.nesting -= 1
        if tag == "code":
            text = "".join(_code_text(el)).expandtabs(4)
            text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
            if not text.strip():
                return []
            self._count(text)
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`{3,}", text)), default=0) + 1)
            return [f"{fence}\n{text}\n{fence}"]
        if tag == "table":
            return self.table(el)
        if tag == "row":  # a row outside a table
            return self.table(_wrap("table", el))
        return self.blocks(el)  # p, div, item, main…

    def list_block(self, el: ET.Element, bullets: int) -> list[str]:
        ordered = (el.get("rend") or "") == "ol"
        lines: list[str] = []
        n = 0
        for item in el:
            tag = _tag(item)
            if not tag:
                continue
            inner = self.blocks(item) if tag in ("item", "p", "div") else self.block(item)
            if not inner:
                continue
            n += 1
            marker = (f"{n}{'.' if bullets % 2 else ')'} " if ordered else ("- " if bullets % 2 else "* "))
            body = "\n\n".join(inner)
            pad = " " * len(marker)
            lines.append(marker + _prefix(body, pad, "")[len(pad):])
        # items are separated by a blank line when one of them holds several blocks
        sep = "\n\n" if any("\n\n" in line for line in lines) else "\n"
        return [sep.join(lines)] if lines else []

    def table(self, el: ET.Element) -> list[str]:
        rows: list[list[str]] = []
        plains: list[list[str]] = []
        for tr in _rows(el):
            cells = []
            for cell in tr:
                if not _tag(cell):
                    continue
                md, plain = self.leaf(functools.partial(_Inline.children, el=cell), breaks=False)
                cells.append((md, plain))
            if any(md for md, _ in cells):
                rows.append([md for md, _ in cells])
                plains.append([plain for _, plain in cells])
        width = max((len(r) for r in rows), default=0)
        for row_plain in plains:  # a row's text: its cells (padded to the table's width) joined by " │ "
            self._count(CELL_SEPARATOR.join(row_plain + [""] * (width - len(row_plain))))
        if not rows:
            return []
        lines = []
        for k, row in enumerate(rows):
            row = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(row) + " |")
            if k == 0:
                lines.append("|" + "|".join([" --- "] * width) + "|")
        return ["\n".join(lines)]


def _rows(table: ET.Element) -> Iterator[ET.Element]:
    for child in table:
        tag = _tag(child)
        if tag == "row":
            yield child
        elif tag in ("thead", "tbody", "tfoot", "div"):
            yield from _rows(child)


def _wrap(tag: str, el: ET.Element) -> ET.Element:
    outer = ET.Element(tag)
    outer.append(el)
    return outer


def _is_block_code(el: ET.Element, container: ET.Element, run: list[str | ET.Element]) -> bool:
    """Is a ``code`` element met in a container a code block (not inline code in a sentence)?
    Yes when it came from a ``<pre>``, holds several lines, or stands alone outside a paragraph."""
    if el.get("block") or "\n" in "".join(_code_text(el)).strip("\n"):
        return True
    alone = not (el.tail or "").strip() and not any(isinstance(p, str) and p.strip() or not isinstance(p, str)
                                                    for p in run)
    return alone and _tag(container) != "p"


def _prefix(text: str, prefix: str, blank: str) -> str:
    return "\n".join((prefix + line) if line else blank for line in text.split("\n"))


def _reads_back(md: str, plain: str) -> bool:
    """Does this paragraph's Markdown read back (as one paragraph) with exactly *plain*'s text?"""

    passages = parse_passages(md).passages
    return (len(passages) == 1 and passages[0].kind == "paragraph"
            and passages[0].text.split() == plain.split())

