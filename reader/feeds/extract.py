"""The article of a web page: trafilatura finds it, its **XML** output (headings, paragraphs, quotes,
lists, tables, code, links, images) is written by our writer (:mod:`reader.feeds.markdown_writer`) —
trafilatura's own Markdown output loses block quotes and tables. trafilatura and lxml are imported
inside functions: the UI process never loads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from reader.feeds.convert import xml_to_markdown
from reader.feeds.markdown_escape import clean_line, clean_text, safe_url
from reader.feeds.markdown_writer import LxmlElement
from reader.log import DEBUG, log_exception

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


TRAFILATURA_OPTIONS: dict[str, Any] = dict(include_formatting=True, include_links=True, include_images=True, include_tables=True,
                           include_comments=False, with_metadata=True)


def _declared_language(tree: LxmlElement) -> str | None:
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


def _pre_as_code(tree: LxmlElement) -> None:
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
