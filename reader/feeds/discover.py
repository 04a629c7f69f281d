"""``reader feeds add URL``: is the URL a feed, or a page that names its feed?

One GET of the URL. A feed (RSS, Atom, JSON Feed) is subscribed as it is; an HTML page's
``<link rel="alternate">`` feeds are taken in the page's order (RSS, Atom, JSON Feed); a page
without one is tried at the well-known paths (``/feed``, ``/rss.xml``, …), each checked to be a
feed. Anything else is a :class:`DiscoveryError` with a readable message.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin, urlsplit

from reader.feeds import net
from reader.feeds.parse import FeedParseError, parse_feed

FEED_TYPES = {"application/rss+xml": "RSS", "application/atom+xml": "Atom", "application/feed+json": "JSON Feed",
              "application/json": "JSON Feed", "application/rdf+xml": "RSS", "text/xml": "RSS",
              "application/xml": "RSS"}
WELL_KNOWN = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml", "/feed.json", "/feed/",
              "/rss/", "/atom")
HTML_ACCEPT = "text/html, application/xhtml+xml, " + net.ACCEPT


class DiscoveryError(ValueError):
    """The URL is neither a feed nor a page naming one; the message is meant for the user."""


@dataclass
class Found:
    url: str
    how: Literal["feed", "link", "well-known"]
    title: str | None = None


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str | None]] = []  # href, type, title
        self.base: str | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        elif tag == "link":
            rels = a.get("rel", "").lower().split()
            mime = a.get("type", "").split(";", 1)[0].strip().lower()
            if "alternate" in rels and mime in FEED_TYPES and a.get("href"):
                self.links.append((a["href"], mime, a.get("title") or None))
        elif tag == "body":
            self.done = True  # feed links live in <head>

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def feed_links(html: str, page_url: str) -> list[tuple[str, str | None]]:
    finder = _LinkFinder()
    try:
        finder.feed(html[: 2 * 1024 * 1024])
    except (AssertionError, ValueError):
        pass
    base = page_url
    if finder.base:
        try:
            base = urljoin(page_url, finder.base)
        except ValueError:
            pass
    out: list[tuple[str, str | None]] = []
    for href, _mime, title in finder.links:
        try:
            url = urljoin(base, href.strip())
        except ValueError:
            continue
        if urlsplit(url).scheme in ("http", "https") and url not in [u for u, _ in out]:
            out.append((url, title))
    return out


def _is_feed(res: net.Result) -> bool:
    if not res.ok:
        return False
    try:
        feed = parse_feed(res.body or b"", res.url, res.headers.get("content-type", ""))
    except FeedParseError:
        return False
    return feed.format != "unknown" or bool(feed.entries)


def _looks_html(res: net.Result) -> bool:
    mime = res.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    head = (res.body or b"")[:512].lstrip().lower()
    return mime in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html"))


def discover(url: str, settings: net.Settings | None = None) -> Found:
    fetcher = net.Fetcher(settings)
    try:
        res: net.Result[None] = fetcher.get(net.Request(url, accept=HTML_ACCEPT))
        if res.error:
            raise DiscoveryError(f"cannot fetch {url}: {res.error}")
        if res.status != 200:
            raise DiscoveryError(f"cannot fetch {url}: HTTP {res.status}")
        final = res.permanent_url or url
        if not _looks_html(res):
            try:
                feed = parse_feed(res.body or b"", res.url, res.headers.get("content-type", ""))
            except FeedParseError as exc:
                raise DiscoveryError(f"{url} is not a feed ({exc}) nor a web page that links one") from None
            return Found(final, "feed", feed.title)
        text = (res.body or b"").decode(_charset(res.headers.get("content-type", "")), "replace")
        links = feed_links(text, res.url)
        if links:
            return Found(links[0][0], "link", links[0][1])
        root = f"{urlsplit(res.url).scheme}://{urlsplit(res.url).netloc}"
        for path in WELL_KNOWN:
            candidate = root + path
            probe: net.Result[None] = fetcher.get(net.Request(candidate))
            if _is_feed(probe):
                return Found(probe.permanent_url or candidate, "well-known")
        raise DiscoveryError(f"{url} is a web page that links no feed (no <link rel=\"alternate\"> for RSS, "
                             "Atom or JSON Feed, nothing at /feed, /rss.xml, /atom.xml, …)")
    finally:
        fetcher.close()


def _charset(content_type: str) -> str:
    import codecs

    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                break
    return "utf-8"
