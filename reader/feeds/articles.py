"""What an entry of a feed becomes on disk: its article id, the hash that counts as an edit, its
body as Markdown and passages, its article file (front matter + body) and where it goes
(``feeds/<feed id>/<date>-<title>-<hash>.md``); and whether its web page is fetched for the full
text. Shared by the fetch (:mod:`reader.feeds.update`) and the newsboat import
(:mod:`reader.feeds.newsboat`), so both write the same files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from reader.feeds.convert import html_fragment_to_markdown, opening_text, passages_of, text_to_markdown
from reader.feeds.langdetect import detect_language
from reader.feeds.parse import Entry, Feed
from reader.feeds.state import slug
from reader.feeds.status import FEEDS_DIR
from reader.feeds.subscriptions import FullTextMode
from reader.passages import make_safe


def article_id(feed_id: str, key: str) -> str:
    return f"{feed_id}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def entry_hash(e: Entry) -> str:
    """The content that counts as an edit: everything but the dates."""
    data = json.dumps([e.title, e.link, e.content, e.content_type, e.author, list(e.tags), e.language],
                      ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


class Body:
    """An article body as Markdown and its passages (parsed once: language, teaser test, file)."""

    __slots__ = ("markdown", "parsed")

    def __init__(self, markdown: str):
        self.markdown = markdown
        self.parsed = passages_of(markdown)  # the writer's read-back parse when it just wrote it

    @classmethod
    def of_entry(cls, e: Entry, base_url: str) -> Body:
        return cls((text_to_markdown(e.content) if e.content_type == "text" else
                    html_fragment_to_markdown(e.content, e.base or base_url)) if e.content.strip() else "")


def render_article(art_id: str, e: Entry, feed: Feed, feed_url: str, fetched: dt.datetime,
                   base_url: str, page: str | None = None, body: Body | None = None) -> str:
    """The article file of an entry; ``page``: the Markdown of its web page's text (full text);
    ``body``: the entry's own, converted already."""
    if page is not None:
        body = Body(page)
    elif body is None:
        body = Body.of_entry(e, base_url)
    title = e.title or (e.published.date().isoformat() if e.published else "") or "(untitled)"
    declared = e.language or feed.language
    lang = detect_language(e.title, opening_text(body.parsed), declared)
    fm = [("id", art_id), ("title", title)]
    fm.append(("language", lang.lang or "und"))
    if e.published:
        fm.append(("published", e.published.isoformat()))
    else:  # sorted among the news of the day it came in, and said to be a guess
        fm.append(("published", fetched.isoformat(timespec="seconds")))
        fm.append(("published_inferred", "the feed gives no date: the day it was first fetched"))
    if feed.title:
        fm.append(("source", feed.title))
    if e.link:
        fm.append(("url", e.link))
    fm.append(("feed", feed_url))
    fm.append(("fetched", fetched.isoformat(timespec="seconds")))  # first fetched
    if e.updated and e.updated != e.published:
        fm.append(("updated", e.updated.isoformat()))
    if declared:
        fm.append(("language_declared", declared))
    if lang.source not in ("declared", "unknown"):  # the detector was sure enough to count
        fm.append(("language_detected", f"{lang.lang} {lang.confidence:.2f}"))
        fm.append(("language_source", lang.source))
    fm.append(("content_source", "page" if page is not None else e.content_source))
    if e.author:
        fm.append(("author", e.author))
    lines = ["---"] + [f"{k}: {_yaml_str(make_safe(str(v)).replace(chr(10), ' '))}" for k, v in fm] + ["---", ""]
    return ("\n".join(lines) + "\n" + body.markdown).encode("utf-8", "replace").decode("utf-8")


def _file_for(feed_id: str, e: Entry, art_id: str) -> str:
    date = e.published.date().isoformat() if e.published else "undated"
    name = f"{date}-{slug(e.title, 50) or 'entry'}-{art_id.rsplit('-', 1)[-1][:6]}.md"
    return f"{FEEDS_DIR}/{feed_id}/{name}"


def wants_page(mode: FullTextMode, e: Entry, body: Body) -> bool:
    """Is this entry's page fetched? ``always``: yes; ``auto``: when the entry carries a teaser only."""
    if mode == "never" or not e.link:
        return False
    if mode == "always":
        return True
    from reader.feeds.fulltext import is_teaser

    return is_teaser(body.parsed.plain_text, plain=True)


def _body_of(path: Path) -> str | None:
    """The body of an article file written by :func:`render_article` (after its front matter)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, sep, body = text.partition("\n---\n\n")
    return body if sep and head.startswith("---\n") else None
