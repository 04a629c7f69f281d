"""A fetched body → a feed and its entries: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser
(given bytes, never a URL, and the final URL as ``content-location`` so relative links resolve);
JSON Feed 1.0/1.1 by our own small parser (feedparser 6 has none).

Encodings: the HTTP charset, then the XML declaration, then detection (feedparser's order).
A document that declares XML entities is refused before parsing (an entity bomb costs nothing),
and so is one that is not a feed: each gives a :class:`FeedParseError` with a readable message.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin

from reader.passages import make_safe
from reader.log import DEBUG, log_exception


class FeedParseError(ValueError):
    """A body that is not a feed we can read; the message is meant for the user."""


ContentType = Literal["html", "text"]
ContentSource = Literal["content", "summary"]


@dataclass
class Entry:
    key: str                      # identity inside the feed: guid, else link, else title + date
    title: str
    link: str | None = None
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    content: str = ""             # HTML (or text, see content_type)
    content_type: ContentType = "html"
    content_source: ContentSource = "content"
    language: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    base: str | None = None       # the URL the content's relative links resolve against (xml:base)


@dataclass
class Feed:
    title: str | None
    link: str | None
    language: str | None
    format: str                   # "rss20", "atom10", "json11", …
    ttl_minutes: int | None = None
    entries: list[Entry] = field(default_factory=list)


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_JSON_TYPES = ("application/feed+json", "application/json")


def clean(text: str | None) -> str:
    """Feed text for a title or a name: control characters inert, whitespace single."""
    return " ".join(make_safe(valid(text or "")).split())


def valid(text: str) -> str:
    """No lone surrogates (a JSON ``"\\ud800"``): they cannot be written or printed."""
    return text.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= c <= "\udfff" for c in text) else text


def parse_feed(body: bytes, url: str, content_type: str = "", content_language: str | None = None) -> Feed:
    """Parse a feed document fetched from ``url`` (the final URL, after redirects)."""
    if not body.strip():
        raise FeedParseError("the response is empty")
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _JSON_TYPES or head.startswith(b"{"):
        return parse_json_feed(body, url)
    if _ENTITY_DECL.search(_prolog(body)):
        raise FeedParseError("the feed declares XML entities; refused (a possible entity-expansion attack)")
    return _parse_xml(body, url, content_type, content_language)


_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _prolog(body: bytes) -> bytes:
    """What precedes the root element (where a DTD and its entities live), in any encoding we can
    read (UTF-16/32 documents are checked too). Text inside the document (an article about XML
    quoting ``<!ENTITY`` in a CDATA section) is not looked at."""
    head = body[: 1024 * 1024]
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
                     (b"\x00<\x00?", "utf-16-be")):
        if body.startswith(bom):
            head = body[: 2 * 1024 * 1024].decode(enc, "replace").encode("utf-8")
            break
    m = _ROOT_START.search(head)
    return head[: m.start()] if m else head


def _parse_xml(body: bytes, url: str, content_type: str, content_language: str | None) -> Feed:
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    if content_language:
        headers["content-language"] = content_language
    try:
        # a stream, never bytes or a str: feedparser opens those as a file name or URL when they look like one
        # no sanitising nor link rewriting here: the content is HTML to convert, and our writer
        # (reader.feeds.convert) keeps only text, structure and http(s)/mailto links, resolved against
        # Entry.base; feedparser's sanitiser re-parsed every entry for nothing (40 % of its time)
        d = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False,
                             resolve_relative_uris=False)
        with warnings.catch_warnings():  # its updated_parsed → published_parsed fallback warns
            warnings.simplefilter("ignore", DeprecationWarning)
            return _from_parsed(d)
    except RecursionError:
        raise FeedParseError("the feed is nested too deeply to read") from None
    except FeedParseError:
        raise
    except Exception as exc:  # feedparser's loose parser on hopeless input
        log_exception(__name__, "the feed parser failed")
        raise FeedParseError(f"not a feed ({make_safe(type(exc).__name__)})") from None


def _from_parsed(d: Any) -> Feed:  # feedparser's FeedParserDict (feedparser ships no types)
    version = d.get("version") or ""
    if not version and not d.entries:
        why = d.get("bozo_exception")
        detail = f": {clean(str(why))[:120]}" if why else ""
        raise FeedParseError(f"not an RSS, Atom or JSON feed{detail}")
    f = d.feed
    ttl = None
    try:
        ttl = int(str(f.get("ttl", "")).strip()) if f.get("ttl") else None
    except ValueError:
        ttl = None
    feed = Feed(title=_text_of(f.get("title"), f.get("title_detail")) or None, link=_abs(f.get("link"), ""),
                language=_lang(f.get("language")), format=version or "unknown", ttl_minutes=ttl)
    for e in d.entries:
        ctype: ContentType
        source: ContentSource
        content, ctype, source, base = "", "html", "content", None
        contents = e.get("content") or []
        if contents:
            # the longest HTML part (Atom may carry text and xhtml both)
            best = max(contents, key=lambda c: len(c.get("value") or ""))
            content, ctype, base = best.get("value") or "", _ctype(best.get("type")), best.get("base")
        if not content.strip():
            summary_detail = e.get("summary_detail") or {}
            content, ctype, source = e.get("summary") or "", _ctype(summary_detail.get("type")), "summary"
            base = summary_detail.get("base")
        guid = (e.get("id") or "").strip() or None
        link = _abs(e.get("link"), d.get("href") or "")
        title = _text_of(e.get("title"), e.get("title_detail"))
        published = _from_struct(e.get("published_parsed"))
        updated = _from_struct(e.get("updated_parsed"))
        lang = _lang((e.get("content") or [{}])[0].get("language") if e.get("content") else None) \
            or _lang((e.get("title_detail") or {}).get("language"))
        feed.entries.append(Entry(
            key=guid or "", title=title, link=link, published=published or updated, updated=updated,
            content=content, content_type=ctype, content_source=source, language=lang,
            author=clean(e.get("author")) or None,
            tags=tuple(clean(t.get("term")) for t in (e.get("tags") or []) if clean(t.get("term"))),
            base=_abs(base, d.get("href") or "") if base else None))
    assign_keys(feed.entries)
    return feed


def _text_of(value: str | None, detail: dict[str, Any] | None) -> str:
    """A title as text: one of type html/xhtml has its tags dropped and entities decoded."""
    if value and "html" in str((detail or {}).get("type", "")):
        from reader.feeds.convert import html_to_line

        return html_to_line(value)
    return clean(value)


def _ctype(mime: str | None) -> ContentType:
    return "text" if (mime or "").lower() == "text/plain" else "html"


def _lang(value: object) -> str | None:
    if not value or not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def _from_struct(st: time.struct_time | None) -> dt.datetime | None:
    if not st:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(st), dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _iso(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        d = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            import feedparser

            return _from_struct(feedparser._parse_date(value))
        except Exception:
            log_exception(__name__, "an unparsable feed date %r", value, level=DEBUG)
            return None
    return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)


def assign_keys(entries: list[Entry]) -> None:
    """Identity inside a feed: the guid, else the link, else title + date. A guid (or link) that
    several entries share keeps its first entry; the others get it with their link or title and
    date added, so two entries are never merged into one article."""
    seen: set[str] = set()
    for e in entries:
        when = e.published or e.updated
        date = when.isoformat() if when else ""
        base = e.key or (f"link:{e.link}" if e.link else f"title:{e.title}\n{date}")
        key = base
        if key in seen:
            extra = e.link if e.link and e.key else f"{e.title}\n{date}"
            key = f"{base}\n{extra}"
            n = 2
            while key in seen:
                key = f"{base}\n{extra}\n#{n}"
                n += 1
        seen.add(key)
        e.key = key


# --- JSON Feed ---------------------------------------------------------------------------------

def parse_json_feed(body: bytes, url: str) -> Feed:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedParseError("the JSON feed is not valid UTF-8") from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise FeedParseError("the JSON feed is nested too deeply to read") from None
    except ValueError as exc:
        raise FeedParseError(f"not valid JSON: {clean(str(exc))[:100]}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedParseError("JSON, but not a JSON Feed (no 'version': 'https://jsonfeed.org/version/1.1')")
    version = str(doc["version"]).rsplit("/", 1)[-1]
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedParseError("the JSON feed has no 'items' list")
    home = _str(doc.get("home_page_url"))
    feed = Feed(title=clean(_str(doc.get("title"))) or None, link=_abs(home, url),
                language=_lang(doc.get("language")), format="json" + version.replace(".", ""))
    feed_lang = feed.language
    for item in items:
        if not isinstance(item, dict):
            continue
        raw_id = item.get("id")
        guid = valid(str(raw_id)).strip() if isinstance(raw_id, (str, int, float)) and str(raw_id).strip() else ""
        link = _abs(_str(item.get("url")) or _str(item.get("external_url")), url)
        html, txt, summary = _str(item.get("content_html")), _str(item.get("content_text")), _str(item.get("summary"))
        ctype: ContentType
        source: ContentSource
        if html:
            content, ctype, source = html, "html", "content"
        elif txt:
            content, ctype, source = txt, "text", "content"
        else:
            content, ctype, source = summary or "", "text", "summary"
        raw_authors, raw_tags = item.get("authors"), item.get("tags")
        authors = raw_authors if isinstance(raw_authors, list) else \
            [item["author"]] if isinstance(item.get("author"), dict) else []
        author = ", ".join(clean(_str(a.get("name"))) for a in authors if isinstance(a, dict) and _str(a.get("name")))
        tags = raw_tags if isinstance(raw_tags, list) else []
        published, updated = _iso(item.get("date_published")), _iso(item.get("date_modified"))
        feed.entries.append(Entry(
            key=guid, title=clean(_str(item.get("title"))), link=link, published=published or updated,
            updated=updated, content=content, content_type=ctype, content_source=source,
            language=_lang(item.get("language")) or feed_lang, author=author or None,
            tags=tuple(clean(t) for t in tags if isinstance(t, str) and clean(t))))
    assign_keys(feed.entries)
    return feed


def _str(value: object) -> str | None:
    return valid(value) if isinstance(value, str) and value.strip() else None


def _abs(link: str | None, base: str) -> str | None:
    """An absolute http(s) link, or None (a ``javascript:`` or ``file:`` link is dropped)."""
    if not link:
        return None
    try:
        url = urljoin(base, link.strip())
    except ValueError:
        return None
    return url if url.split(":", 1)[0].lower() in ("http", "https") and not any(c.isspace() for c in url) else None
