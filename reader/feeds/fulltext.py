"""Full text of a feed entry: extract the article from its web page, write it as our Markdown.

Three entry points, one Markdown writer:

- :func:`extract_article` — a fetched page (bytes or str) → :class:`Extracted`. trafilatura finds the
  article; its **XML** output (headings, paragraphs, quotes, lists, tables, code, links, images) is
  serialised here onto the passage kinds of :mod:`reader.passages` — trafilatura's own Markdown
  output loses block quotes and tables.
- :func:`html_fragment_to_markdown` — a feed entry's own HTML (``summary`` / ``content:encoded``)
  → Markdown, through the same writer (lxml.html; script, style, iframe, form… dropped).
- :func:`is_teaser` / :func:`teaser_reason` — does an entry carry only a teaser (for full text
  ``auto``)?

The Markdown is **data made safe**: every Markdown metacharacter of the page's text is escaped, so a
``*starred*`` word, a ``[x](y)``, a ``<b>`` or a leading ``#`` in a paragraph stays literal text when
:func:`reader.passages.parse_passages` reads it back; C0/C1 control characters and terminal escape
sequences are made visible and inert (:func:`reader.passages.make_safe`). Every paragraph carrying inline markup (emphasis, links, code) is parsed back
once and, should its text differ from the page's, written again with less markup (emphasis dropped,
then links), so no page can make markup characters appear in, or words vanish from, the text.
Links keep their text; their URLs are resolved against the page URL and kept only for http, https
and mailto (others become plain text).

trafilatura and lxml are imported inside functions: the UI process never loads them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from reader.passages import CELL_SEPARATOR, make_safe, parse_passages
from reader.log import DEBUG, log_exception

# ---------------------------------------------------------------------------------------------
# text hygiene and escaping

_WS = re.compile(r"[ \t\n\r\f\v]+")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<~|])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]{1,32};)")
# what would open a block at the start of a line: ATX heading, quote, bullet, setext underline,
# ordered-list number ("1." → "1\.")
_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})(?=[.)]))", re.M)
_ALT_SAFE = str.maketrans({"[": "(", "]": ")", "`": "'", "\\": "/"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_text(text: str | None) -> str:
    """*text* with every control character made visible and inert (:func:`reader.passages.make_safe`:
    ESC shows as ␛, so a terminal escape sequence reads as text and does nothing); tab and newlines kept."""
    if not text:
        return ""
    return make_safe(text)


def clean_line(text: str | None) -> str:
    """:func:`clean_text`, whitespace collapsed to single spaces: for titles, authors, dates."""
    return " ".join(_WS.split(clean_text(text))).strip()


def escape_inline(text: str) -> str:
    """Backslash-escape what Markdown would read as inline markup (emphasis, code, links, HTML,
    strikethrough, table pipes, entities). Block starts are handled per line by the writer."""
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def _escape_line_starts(md: str) -> str:
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\", md)


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """*href* resolved against *base*, as a Markdown link destination; None unless http(s)/mailto."""
    href = clean_line(href)
    if not href:
        return None
    try:
        url = urljoin(base, href) if base else href
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    url = quote(url, safe="!#$%&'*+,/:;=?@[]~-._")  # spaces, (), <>, \ and non-ASCII percent-encoded
    return _ENTITY.sub(r"\\&", url)


def _code_span(text: str) -> tuple[str, str]:
    text = _WS.sub(" ", text)
    if not text.strip():
        return "", ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # markdown-it strips one space each side when both ends have one (and the text is not all spaces)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}", text


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


def _tag(el) -> str:
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
    def node(self, el) -> None:
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

    def children(self, el) -> None:
        self.text(el.text)
        for child in el:
            self.node(child)
            self.text(child.tail)

    def _sub(self, **kw) -> "_Inline":
        return _Inline(self.w, self.level, kw.get("in_link", self.in_link), self.breaks, self.escape_hash,
                       self.depth + 1)

    def _styled(self, el, tag: str) -> None:
        rend = el.get("rend") or ""
        marker = "~~" if tag == "del" else {"#b": "**", "#i": "*", "#t": "`"}.get(rend, "")
        if marker == "`":
            self._code(el)
            return
        if not marker or self.level >= NO_EMPHASIS or self.depth >= MAX_NESTING:
            self.children(el)
            return
        self._wrapped(el, self._sub(), marker, marker)

    def _code(self, el) -> None:
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

    def _image(self, el) -> None:
        # the reader shows an image's description as written (backslash escapes included), so it is
        # not escaped but kept from closing or nesting brackets and code spans
        alt = clean_line(el.get("alt") or el.get("title") or "").translate(_ALT_SAFE)
        src = safe_url(el.get("src") or el.get("data-src"), self.w.base_url) or ""
        plain = f"[image: {alt}]" if alt else "[image]"
        self.atom(f"![{alt}]({src})", plain, not self.space and bool(self.md))

    def _link(self, el) -> None:
        url = None if self.in_link or self.level >= TEXT_ONLY else safe_url(el.get("target") or el.get("href"),
                                                                             self.w.base_url)
        if url is None:
            self.children(el)
            return
        self._wrapped(el, self._sub(in_link=True), "[", f"]({url})")

    def _wrapped(self, el, sub: "_Inline", opening: str, closing: str) -> None:
        """*el*'s content written into *sub*, then as one atom between *opening* and *closing*."""
        sub.children(el)
        md, plain, trail = sub.result()
        if not md:
            if sub.lead or trail:
                self.text(" ")
            return
        self.atom(f"{opening}{md}{closing}", plain, sub.lead, trail)


def _code_text(el):
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
    def leaf(self, fill, *, breaks: bool = True, escape_hash: bool = False) -> tuple[str, str]:
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
    def blocks(self, container) -> list[str]:
        """The Markdown blocks of a container element (main, quote, item, p, div)."""
        out: list[str] = []
        run: list = []  # pending inline content: str (text) or element (with its tail after it)
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

    def block(self, el, bullets: int = 0) -> list[str]:
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

    def list_block(self, el, bullets: int) -> list[str]:
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

    def table(self, el) -> list[str]:
        rows: list[list[str]] = []
        plains: list[list[str]] = []
        for row in _rows(el):
            cells = []
            for cell in row:
                if not _tag(cell):
                    continue
                md, plain = self.leaf(lambda inline, c=cell: inline.children(c), breaks=False)
                cells.append((md, plain))
            if any(md for md, _ in cells):
                rows.append([md for md, _ in cells])
                plains.append([plain for _, plain in cells])
        width = max((len(r) for r in rows), default=0)
        for plain in plains:  # a row's text: its cells (padded to the table's width) joined by " │ "
            self._count(CELL_SEPARATOR.join(plain + [""] * (width - len(plain))))
        if not rows:
            return []
        lines = []
        for k, row in enumerate(rows):
            row = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(row) + " |")
            if k == 0:
                lines.append("|" + "|".join([" --- "] * width) + "|")
        return ["\n".join(lines)]


def _rows(table):
    for child in table:
        tag = _tag(child)
        if tag == "row":
            yield child
        elif tag in ("thead", "tbody", "tfoot", "div"):
            yield from _rows(child)


def _wrap(tag: str, el):
    outer = ET.Element(tag)
    outer.append(el)
    return outer


def _is_block_code(el, container, run: list) -> bool:
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


def xml_to_markdown(xml, base_url: str | None = None, *,
                    drop_heading: str | tuple[str, ...] | None = None) -> tuple[str, int]:
    """trafilatura's XML output (str or element) → (Markdown body, length of its plain text).

    Only ``<main>`` is written (never ``<comments>``). *drop_heading*: the article's title — a
    first heading saying the same (or one of them, given several) is left out (the title lives in the
    front matter)."""
    root = ET.fromstring(xml) if isinstance(xml, (str, bytes)) else xml
    main = root.find("main") if _tag(root) == "doc" else root
    if main is None:
        return "", 0
    if drop_heading:
        first = next((c for c in main if _tag(c)), None)
        titles = (drop_heading,) if isinstance(drop_heading, str) else drop_heading
        if first is not None and _tag(first) == "head" and any(_same_words("".join(first.itertext()), t)
                                                                for t in titles):
            first.tail = None
            main.remove(first)
    try:
        md = _write(main, base_url, verify_each=False)
        if md is None:  # some paragraph reads back otherwise: each one checked, the culprits simplified
            md = _write(main, base_url, verify_each=True)
    except RecursionError:  # elements nested thousands deep: their text, one paragraph per top element
        flat = ET.Element("main")
        for child in [main.text or ""] + [c for c in main if _tag(c)]:
            text = child if isinstance(child, str) else " ".join("".join(_iter_text(child)).split())
            if text.strip():
                ET.SubElement(flat, "p").text = text
        md = _write(flat, base_url, verify_each=True)
    return md[0], md[1]


_last_parsed: tuple[str, object] | None = None


def passages_of(markdown: str):
    """:func:`reader.passages.parse_passages` of *markdown*, the last one remembered: the writer
    reads back what it wrote, and the caller that writes the article needs that same parse."""
    global _last_parsed
    last = _last_parsed
    if last is not None and last[0] == markdown:
        return last[1]
    parsed = parse_passages(markdown)
    _last_parsed = (markdown, parsed)
    return parsed


def _write(main, base_url: str | None, verify_each: bool) -> tuple[str, int] | None:
    """(Markdown, plain-text length) of *main*; None when, written without checking each paragraph,
    the whole does not read back as the passages written (checked with one parse)."""
    writer = _Writer(base_url, verify_each)
    blocks = writer.blocks(main)
    md = "\n\n".join(blocks) + "\n" if blocks else ""
    parsed = passages_of(md)
    if not verify_each and [p.text.split() for p in parsed.passages] != [e.split() for e in writer.expected]:
        return None
    return md, len(parsed.plain_text)


def _iter_text(el):
    """All text under *el* (with tails), without recursion: lxml's and ElementTree's itertext."""
    return el.itertext()


def _same_words(a: str, b: str) -> bool:
    return clean_line(a).casefold().split() == clean_line(b).casefold().split()


# ---------------------------------------------------------------------------------------------
# a feed entry's own HTML

_HTML_DROP = frozenset({"script", "style", "iframe", "form", "noscript", "object", "embed", "svg", "button", "input",
                        "select", "textarea", "template", "head", "title", "meta", "link", "canvas", "video",
                        "audio", "source", "track", "map", "nav", "math", "frame", "frameset", "applet", "option"})
_HTML_BLOCK = {
    **dict.fromkeys(("p", "div", "section", "article", "main", "header", "footer", "aside", "figure", "center",
                     "address", "details", "body", "html", "hgroup", "fieldset", "picture"), "div"),
    **dict.fromkeys(("figcaption", "summary", "caption", "legend"), "p"),
    **dict.fromkeys(("ul", "ol", "dl", "menu"), "list"),
    **dict.fromkeys(("li", "dt", "dd"), "item"),
    "blockquote": "quote", "pre": "code", "table": "table", "tr": "row", "td": "cell", "th": "cell",
    **dict.fromkeys(("thead", "tbody", "tfoot"), "tbody"),
    **{f"h{i}": "head" for i in range(1, 7)},
}
_HTML_INLINE = {
    **dict.fromkeys(("b", "strong"), ("hi", "#b")),
    **dict.fromkeys(("i", "em", "cite", "dfn"), ("hi", "#i")),
    **dict.fromkeys(("code", "kbd", "samp", "tt", "var"), ("hi", "#t")),
    **dict.fromkeys(("del", "s", "strike"), ("del", "")),
    "a": ("ref", ""), "img": ("graphic", ""), "q": ("q", ""), "br": ("lb", ""), "hr": ("lb", ""),
}


def _append_text(parent, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _convert(html_el, ir_parent, base_url: str | None) -> None:
    """Append *html_el*'s content (text and converted children) to *ir_parent*."""
    _append_text(ir_parent, html_el.text)
    for child in html_el:
        tag = _tag(child).lower()
        if not tag or tag in _HTML_DROP:
            pass
        elif tag in _HTML_BLOCK or tag in _HTML_INLINE:
            new, rend = (_HTML_BLOCK[tag], "") if tag in _HTML_BLOCK else _HTML_INLINE[tag]
            sub = ET.SubElement(ir_parent, new)
            if rend:
                sub.set("rend", rend)
            if new == "code":
                sub.set("block", "1")
            elif new == "head":
                sub.set("rend", tag)
            elif new == "list":
                sub.set("rend", "ol" if tag == "ol" else "ul")
            elif new == "ref" and child.get("href"):
                sub.set("target", child.get("href"))
            elif new == "graphic":
                for attr in ("src", "alt", "title"):
                    value = child.get(attr) or (child.get("data-src") if attr == "src" else None)
                    if value:
                        sub.set(attr, value)
            if new != "graphic":
                _convert(child, sub, base_url)
        else:  # span, font, u, sub, sup, mark, abbr, time, unknown tags: their content only
            _convert(child, ir_parent, base_url)
        _append_text(ir_parent, child.tail)


def html_fragment_to_markdown(html: str | bytes | None, base_url: str | None = None) -> str:
    """A feed entry's HTML content (``summary``, ``content:encoded``) → our Markdown, through the same
    writer as pages: h1-h6, p, blockquote, ul/ol/li, pre/code, table, img, a, br; script, style,
    iframe, form and the like dropped. Plain text (no tags) is escaped the same way."""
    return _fragment(html, base_url)[0]


def _fragment(html, base_url: str | None) -> tuple[str, int]:
    if html is None:
        return "", 0
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = clean_text(html)
    if not html.strip():
        return "", 0
    import lxml.html
    from lxml import etree

    # huge_tree: libxml2 otherwise drops what is nested past 255 levels
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        try:
            root = lxml.html.document_fromstring(html, parser=parser)
        except (etree.ParserError, ValueError):
            return xml_to_markdown(_text_main(html), base_url)
    crude = _crude_text(html)
    if 2 * len(" ".join(root.itertext()).split()) < len(crude):
        # libxml2 drops what is nested past ~2,000 levels: keep the text, without its structure
        return xml_to_markdown(_text_main(" ".join(crude)), base_url)
    main = ET.Element("main")
    try:
        _convert(root, main, base_url)
    except RecursionError:  # nested thousands deep: the text alone
        return xml_to_markdown(_text_main(" ".join(root.itertext())), base_url)
    return xml_to_markdown(main, base_url)


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def _crude_text(html: str) -> list[str]:
    """The words of *html* with its tags stripped by regular expressions (to check the parser's)."""
    import html as html_lib

    return html_lib.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", html))).split()


def _text_main(text: str):
    main = ET.Element("main")
    ET.SubElement(main, "p").text = text
    return main


def first_paragraph(markdown: str) -> str | None:
    """The text of an article's first paragraph (else its first quote or list item): with the title,
    what :func:`reader.feeds.langdetect.detect_language` looks at."""
    passages = parse_passages(markdown).passages
    for kinds in (("paragraph",), ("quote", "item")):
        for passage in passages:
            if passage.kind in kinds and not passage.text.startswith("[image"):
                return passage.text
    return None


def opening_text(markdown, chars: int = 200) -> str | None:
    """The first paragraph, with the next ones while it is shorter than *chars* (a one-line entry
    gives the detector too little): what an incoming article's language is detected on.
    *markdown*: the article body, or its :func:`reader.passages.parse_passages` result."""
    parsed = parse_passages(markdown) if isinstance(markdown, str) else markdown
    texts = [p.text for p in parsed.passages
             if p.kind in ("paragraph", "quote", "item") and not p.text.startswith("[image")]
    out: list[str] = []
    for text in texts:
        out.append(text)
        if sum(len(t) for t in out) >= chars:
            break
    return " ".join(out) or None


def html_to_text(html: str | bytes | None) -> str:
    """The plain text a fragment reads as (passages joined by blank lines)."""

    return parse_passages(html_fragment_to_markdown(html)).plain_text


def html_to_line(html: str | bytes | None) -> str:
    """A fragment as one line of text (a title of type html): tags dropped, entities decoded."""
    return " ".join(html_to_text(html).split())


def text_to_markdown(text: str | None) -> str:
    """Plain text (a JSON Feed ``content_text``) → our Markdown through the same writer: a paragraph
    at each blank line, a hard line break at each other newline, every character kept as text."""
    main = ET.Element("main")
    for para in re.split(r"\n[ \t]*\n", clean_text(text or "").strip()):
        lines = [line for line in para.split("\n") if line.strip()]
        if not lines:
            continue
        p = ET.SubElement(main, "p")
        p.text = lines[0]
        for line in lines[1:]:
            ET.SubElement(p, "lb").tail = line
    return xml_to_markdown(main)[0]


# ---------------------------------------------------------------------------------------------
# pages

@dataclass(frozen=True)
class Extracted:
    markdown: str  # the article body, our Markdown (may be "" when nothing was found)
    title: str | None
    language: str | None  # as the page declares it (<html lang>, content-language), not detected
    published: str | None  # ISO date (YYYY-MM-DD) as trafilatura/htmldate found it
    author: str | None
    text_length: int  # characters of the body's plain text (passages joined by blank lines)
    sitename: str | None = None
    description: str | None = None
    image: str | None = None  # the page's lead image URL (og:image), http(s) only


TRAFILATURA_OPTIONS = dict(include_formatting=True, include_links=True, include_images=True, include_tables=True,
                           include_comments=False, with_metadata=True)


def _declared_language(tree) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        for meta in tree.iter("meta"):
            key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
            if key in ("content-language", "language", "og:locale", "dc.language"):
                lang = meta.get("content")
                if lang:
                    break
    lang = clean_line(lang).split(",")[0].strip().replace("_", "-") if lang else ""
    return lang[:35] or None


def _quiet_loggers() -> None:
    """trafilatura and its helpers log a bad page at ERROR; with no handler configured Python would
    print that on stderr (the fetch's output). A NullHandler keeps it to whoever configures logging."""
    import logging

    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        log = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())


def _pre_as_code(tree) -> None:
    """Every ``<pre>`` is verbatim text: have trafilatura keep it as code (it takes a ``<pre>`` without
    code-like characters for a quote, and its lines would run together) — it does so for a ``<pre>``
    wrapping a single ``<span>``."""
    from lxml import etree

    for pre in list(tree.iter("pre")):
        if len(pre) == 1 and pre[0].tag == "span" and not (pre.text or "").strip() and not (pre[0].tail or "").strip():
            continue
        span = etree.Element("span")
        span.text, pre.text = pre.text, None
        for child in list(pre):
            span.append(child)  # moves it, with its tail
        pre.append(span)


def extract_article(html: bytes | str, url: str | None = None, *, encoding: str | None = None,
                    keep_title_heading: bool = False, drop_title: str | None = None) -> Extracted:
    """The article of a web page, as our Markdown and its metadata.

    *html* as fetched (bytes are decoded with *encoding* when the HTTP headers gave one, else
    trafilatura guesses); *url* the page's final URL (links and images resolve against it).
    *drop_title*: another title (the feed entry's) whose heading is left out too, as the page's own.
    A page where no article is found gives ``markdown=""`` and ``text_length=0`` — never an error."""
    import trafilatura
    from trafilatura.utils import decode_file, load_html

    _quiet_loggers()

    if isinstance(html, bytes) and encoding:
        try:
            html = html.decode(encoding, "replace")
        except LookupError:
            pass
    empty = Extracted("", None, None, None, None, 0)
    try:
        if isinstance(html, bytes):
            html = decode_file(html)
        if isinstance(html, str):  # controls made visible first: trafilatura would drop them silently
            html = clean_text(html)
        tree = load_html(html)
    except (TypeError, ValueError):
        return empty
    if tree is None:
        return empty
    declared = _declared_language(tree)
    _pre_as_code(tree)
    try:
        xml = trafilatura.extract(tree, url=url, output_format="xml", **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura on hostile input: an extraction failure, never a crash
        log_exception(__name__, "trafilatura failed on %s", url, level=DEBUG)
        xml = None
    if not xml:
        return Extracted("", None, declared, None, None, 0)
    root = ET.fromstring(xml)
    title = clean_line(root.get("title")) or None
    drops = () if keep_title_heading else tuple(t for t in (title, clean_line(drop_title)) if t)
    markdown, length = xml_to_markdown(root, url, drop_heading=drops)
    image = root.get("image")
    return Extracted(markdown, title, declared, clean_line(root.get("date")) or None,
                     clean_line(root.get("author")) or None, length, clean_line(root.get("sitename")) or None,
                     clean_line(root.get("description")) or None,
                     (clean_line(image) if image and safe_url(image) else None))


def extract_text(html: bytes | str, url: str | None = None) -> str:
    """trafilatura's own plain text of a page (the baseline the writer is measured against)."""
    import trafilatura

    _quiet_loggers()
    return trafilatura.extract(html, url=url, output_format="txt", include_tables=True, include_comments=False) or ""


# ---------------------------------------------------------------------------------------------
# teasers

TEASER_WORDS = 60  # an entry shorter than this many words is taken for a teaser (auto mode, no page)
TEASER_RATIO = 0.6  # … or shorter than this share of the page's extracted text
_TEASER_ENDINGS = re.compile(
    r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|"
    r"\b(?:read|continue|keep)\s+(?:the\s+)?(?:more|reading|full\s+(?:story|article))|\bmore\s*[»›→]|\[\s*more\s*\]|"
    r"\blire\s+la\s+suite|\ben\s+savoir\s+plus|\bweiterlesen|\bmehr\s+lesen|\bleer\s+m[aá]s|\bsigue\s+leyendo|"
    r"\bcontinua(?:r)?\s+(?:a\s+)?le(?:ggere|yendo)|\bleia\s+mais)"
    r"[\s\W]*$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _entry_text(entry: str) -> str:
    if re.search(r"<[A-Za-z/!]", entry):
        return html_to_text(entry)
    import html as html_lib

    return clean_text(html_lib.unescape(entry))


def teaser_reason(entry_html_or_text: str | None, page_text: str | None = None, *,
                  min_words: int = TEASER_WORDS, ratio: float = TEASER_RATIO, plain: bool = False) -> str | None:
    """Why an entry looks like a teaser only (a short reason for the log), or None if it looks whole.

    - empty, or ending with "…", "[…]", "Read more", "Lire la suite"…;
    - with *page_text* (the page's extracted text): much shorter than it (< *ratio* of its words);
      an entry about as long as its page is whole, however short;
    - without it: shorter than *min_words* words.

    *plain*: the entry is given as the text it reads as already (not HTML to convert again)."""
    text = (entry_html_or_text or "") if plain else _entry_text(entry_html_or_text or "")
    words = len(_WORD.findall(text))
    if words == 0:
        return "empty"
    ending = _TEASER_ENDINGS.search(text[-80:])
    page_words = len(_WORD.findall(page_text)) if page_text else 0
    if page_words:
        if words < ratio * page_words:
            return f"{words} words, the page has {page_words}"
        if ending and words < 0.9 * page_words:
            return f"ends with {ending.group().strip()!r}"
        return None
    if ending:
        return f"ends with {ending.group().strip()!r}"
    if words < min_words:
        return f"only {words} words"
    return None


def is_teaser(entry_html_or_text: str | None, page_text: str | None = None, **kw) -> bool:
    """Does the entry carry only a teaser (fetch the page for full text ``auto``)? See :func:`teaser_reason`."""
    return teaser_reason(entry_html_or_text, page_text, **kw) is not None


# ---------------------------------------------------------------------------------------------
# measuring the writer (tests and bench): nothing dropped, nothing added against trafilatura's text

def shingle_f1(ours: str, reference: str, n: int = 4) -> float:
    """F1 of the word *n*-gram multisets of two texts (words: ``\\w+``, case folded)."""
    from collections import Counter

    def grams(text: str) -> Counter:
        words = [w.casefold() for w in _WORD.findall(text)]
        return Counter(tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1)))

    a, b = grams(ours), grams(reference)
    if not a or not b:
        return 1.0 if a == b else 0.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)
