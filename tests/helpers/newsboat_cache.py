"""A newsboat ``cache.db`` for tests and benchmarks, with newsboat's real schema.

The statements are newsboat's ``schemaPatches`` (``src/cache.cpp``, newsboat 2.x, schema 2.33),
applied in order as newsboat does on a new cache. :func:`generate` fills it with items over a few
feeds: HTML content, read and unread, flagged, deleted, guids shared by two feeds, items without
a guid of their own (newsboat's guess: link + pubDate), and their RSS (:func:`feed_rss`) serving
the same entries, for a fetch after the import.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = [
    # {2, 10}
    ("CREATE TABLE rss_feed ( "
     " rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, "
     " url VARCHAR(1024) NOT NULL, "
     " title VARCHAR(1024) NOT NULL ); "),
    ("CREATE TABLE rss_item ( "
     " id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     " guid VARCHAR(64) NOT NULL, "
     " title VARCHAR(1024) NOT NULL, "
     " author VARCHAR(1024) NOT NULL, "
     " url VARCHAR(1024) NOT NULL, "
     " feedurl VARCHAR(1024) NOT NULL, "
     " pubDate INTEGER NOT NULL, "
     " content VARCHAR(65535) NOT NULL,"
     " unread INTEGER(1) NOT NULL );"),
    ("CREATE TABLE google_replay ( "
     " id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     " guid VARCHAR(64) NOT NULL, "
     " state INTEGER NOT NULL, "
     " ts INTEGER NOT NULL );"),
    "ALTER TABLE rss_item ADD enclosure_url VARCHAR(1024);",
    "ALTER TABLE rss_item ADD enclosure_type VARCHAR(1024);",
    "ALTER TABLE rss_item ADD enqueued INTEGER(1) NOT NULL DEFAULT 0;",
    "ALTER TABLE rss_item ADD flags VARCHAR(52);",
    "CREATE INDEX IF NOT EXISTS idx_rssurl ON rss_feed(rssurl);",
    "CREATE INDEX IF NOT EXISTS idx_guid ON rss_item(guid);",
    "CREATE INDEX IF NOT EXISTS idx_feedurl ON rss_item(feedurl);",
    "ANALYZE;",
    "ALTER TABLE rss_feed ADD lastmodified INTEGER(11) NOT NULL DEFAULT 0;",
    "CREATE INDEX IF NOT EXISTS idx_lastmodified ON rss_feed(lastmodified);",
    "ALTER TABLE rss_item ADD deleted INTEGER(1) NOT NULL DEFAULT 0;",
    "CREATE INDEX IF NOT EXISTS idx_deleted ON rss_item(deleted);",
    "ALTER TABLE rss_feed ADD is_rtl INTEGER(1) NOT NULL DEFAULT 0;",
    "ALTER TABLE rss_feed ADD etag VARCHAR(128) NOT NULL DEFAULT \"\";",
    "ALTER TABLE rss_item ADD base VARCHAR(128) NOT NULL DEFAULT \"\";",
    # {2, 11}
    ("CREATE TABLE metadata ( "
     " db_schema_version_major INTEGER NOT NULL, "
     " db_schema_version_minor INTEGER NOT NULL );"),
    "INSERT INTO metadata VALUES ( 2, 11 );",
    # {2, 22}
    "ALTER TABLE rss_item ADD COLUMN content_mime_type VARCHAR(255) NOT NULL DEFAULT \"\";",
    # {2, 33}
    "ALTER TABLE rss_item ADD COLUMN enclosure_description VARCHAR(1024) NOT NULL DEFAULT \"\";",
    "ALTER TABLE rss_item ADD COLUMN enclosure_description_mime_type VARCHAR(128) NOT NULL DEFAULT \"\";",
]

WORDS = ("le conseil municipal a voté le budget de la ville de Lyon mardi soir après un long débat "
         "sur les transports et les écoles du quartier").split()


@dataclass
class Item:
    feedurl: str
    guid: str          # as newsboat stores it (its guess when the feed had none)
    real_guid: str | None  # what the feed carries
    title: str
    url: str
    pub: int
    content: str
    unread: int
    flags: str
    deleted: int
    author: str = "Rédaction"
    dated: bool = True  # the feed gives a pubDate


def generate(path: Path, base: str, n: int, feeds: int = 4) -> list[Item]:
    """``n`` items over ``feeds`` feeds ``{base}/f{k}.xml``; returns them (in insertion order)."""
    conn = sqlite3.connect(path)
    for stmt in SCHEMA:
        conn.execute(stmt)
    items: list[Item] = []
    start = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    for k in range(feeds):
        feedurl = f"{base}/f{k}.xml"
        conn.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
                     (feedurl, f"{base}/site{k}/", f"Gazette {k}"))
    for i in range(n):
        k = i % feeds
        feedurl = f"{base}/f{k}.xml"
        pub = start + i * 600
        link = f"{base}/site{k}/a{i}"
        dated = True
        if i % 50 == 7:  # no guid in the feed: newsboat's guess, link + pubDate
            real, guid = None, link + email.utils.formatdate(pub, usegmt=True)
        elif i % 50 == 11:  # no guid and no date: newsboat's guess is the link
            real, guid, dated = None, link, False
        elif i % 50 == 13:  # a permalink guid: the link itself
            real = guid = link
        elif i % 100 == 5 and k == 1:  # the guid of feed 0's previous item: shared across feeds
            real = guid = f"urn:item:{i - 1}"
        else:
            real = guid = f"urn:item:{i}"
        words = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(40))
        content = (f"<p>Article <b>{i}</b> : {words}.</p><p>Voir <a href=\"{link}\">la suite</a>.</p>"
                   f"<ul><li>point {i % 7}</li><li>point {i % 11}</li></ul>")
        items.append(Item(feedurl, guid, real, f"Nouvelle {i} à Lyon", link, pub, content,
                          unread=int(i % 3 == 0), flags="s" if i % 10 == 1 else ("b" if i % 10 == 2 else ""),
                          deleted=int(i % 97 == 5), dated=dated))
    conn.executemany(
        "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted, "
        "content_mime_type) VALUES (?,?,?,?,?,?,?,?,?,?,'text/html')",
        [(it.guid, it.title, it.author, it.url, it.feedurl, it.pub, it.content, it.unread, it.flags or None,
          it.deleted) for it in items])
    conn.commit()
    conn.close()
    return items


def feed_rss(items: list[Item], feedurl: str, title: str) -> str:
    """The RSS 2.0 a fetch of ``feedurl`` gets: the same entries, newest first."""
    out = []
    for it in sorted((i for i in items if i.feedurl == feedurl), key=lambda i: -i.pub):
        guid = f"<guid isPermaLink=\"false\">{html.escape(it.real_guid)}</guid>" if it.real_guid else ""
        date = f"<pubDate>{email.utils.formatdate(it.pub, usegmt=True)}</pubDate>" if it.dated else ""
        out.append(f"<item><title>{html.escape(it.title)}</title><link>{html.escape(it.url)}</link>{guid}"
                   f"<author>{html.escape(it.author)}</author>{date}"
                   f"<description>{html.escape(it.content)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{html.escape(title)}'
            f"</title><link>{feedurl}</link>{''.join(out)}</channel></rss>")
