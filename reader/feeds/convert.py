"""The writer's entry points: trafilatura's XML, a feed entry's own HTML (lxml.html; script, style,
iframe, form… dropped) or plain text → our Markdown; and what the language is detected on (the
opening text). lxml is imported inside functions: the UI process never loads it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from reader.feeds.markdown_escape import clean_line, clean_text
from reader.feeds.markdown_writer import LxmlElement, _tag, _Writer
from reader.passages import ParsedArticle, parse_passages


def xml_to_markdown(xml: str | bytes | ET.Element, base_url: str | None = None, *,
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
    assert md is not None  # checked paragraph by paragraph, what is written reads back
    return md[0], md[1]


_last_parsed: tuple[str, ParsedArticle] | None = None


def passages_of(markdown: str) -> ParsedArticle:
    """:func:`reader.passages.parse_passages` of *markdown*, the last one remembered: the writer
    reads back what it wrote, and the caller that writes the article needs that same parse."""
    global _last_parsed
    last = _last_parsed
    if last is not None and last[0] == markdown:
        return last[1]
    parsed = parse_passages(markdown)
    _last_parsed = (markdown, parsed)
    return parsed


def _write(main: ET.Element, base_url: str | None, verify_each: bool) -> tuple[str, int] | None:
    """(Markdown, plain-text length) of *main*; None when, written without checking each paragraph,
    the whole does not read back as the passages written (checked with one parse)."""
    writer = _Writer(base_url, verify_each)
    blocks = writer.blocks(main)
    md = "\n\n".join(blocks) + "\n" if blocks else ""
    parsed = passages_of(md)
    if not verify_each and [p.text.split() for p in parsed.passages] != [e.split() for e in writer.expected]:
        return None
    return md, len(parsed.plain_text)


def _iter_text(el: ET.Element) -> Iterator[str]:
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


def _append_text(parent: ET.Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _convert(html_el: LxmlElement, ir_parent: ET.Element, base_url: str | None) -> None:
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


def _fragment(html: str | bytes | None, base_url: str | None) -> tuple[str, int]:
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


def _text_main(text: str) -> ET.Element:
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


def opening_text(markdown: str | ParsedArticle, chars: int = 200) -> str | None:
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
