"""Fetch state of a corpus's feeds, in SQLite under the data dir (``paths.feeds_state_db``).

Cache-like but not rebuildable: it remembers which entries became which article (so an edit
rewrites the same file and the same id), which the user deleted (tombstones: they do not come
back), and where permanent redirects led. Subscriptions themselves live in the corpus
(:mod:`reader.feeds.subscriptions`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from typing import Literal, overload
from pathlib import Path
from urllib.parse import urlsplit

from reader.passages import make_safe

SCHEMA_VERSION = 2  # 2: entries.page_etag / page_last_modified, feeds.fetch_seconds
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL UNIQUE,     -- folder feeds/<feed_id>/ and prefix of its article ids
    title TEXT, link TEXT, language TEXT,
    etag TEXT, last_modified TEXT,
    status INTEGER, error TEXT,
    last_fetched REAL, next_check REAL,
    stopped INTEGER NOT NULL DEFAULT 0, -- 410 Gone: no longer fetched
    fetch_seconds REAL                -- how long its last fetch took: the slowest start first
);
CREATE TABLE IF NOT EXISTS entries (
    feed_id TEXT NOT NULL,
    key TEXT NOT NULL,                -- guid, else link, else title + date
    article_id TEXT NOT NULL,
    file TEXT NOT NULL,               -- relative to the corpus folder
    hash TEXT NOT NULL,               -- of the content without dates
    rewrites INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0, -- the user deleted the article: never written again
    first_seen REAL,
    page_etag TEXT, page_last_modified TEXT,  -- of the web page the article text came from (full text)
    PRIMARY KEY (feed_id, key)
);
"""


class StateError(RuntimeError):
    """The fetch state cannot be used (read-only, full, newer); the message is meant for the user."""


@dataclass
class FeedState:
    url: str
    feed_id: str
    title: str | None = None
    link: str | None = None
    language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    status: int | None = None
    error: str | None = None
    last_fetched: float | None = None
    next_check: float | None = None
    stopped: bool = False
    fetch_seconds: float | None = None


@dataclass
class EntryState:
    feed_id: str
    key: str
    article_id: str
    file: str
    hash: str
    rewrites: int = 0
    deleted: bool = False
    first_seen: float | None = None
    page_etag: str | None = None  # validators of the page the article's text came from: a refetch
    page_last_modified: str | None = None  # asks with them and an unchanged page is not downloaded


def slug(text: str, limit: int = 40) -> str:
    """ASCII letters, digits and '-' (accents folded), for file names and ids."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].strip("-")


def make_feed_id(url: str) -> str:
    host = urlsplit(url).hostname or "feed"
    if host.startswith("www."):
        host = host[4:]
    return f"{slug(host, 40) or 'feed'}-{hashlib.sha1(url.encode()).hexdigest()[:6]}"


def _feed_state(row: tuple) -> FeedState:
    """A row of ``SELECT StateDB._FEED_COLUMNS``: the first eleven columns in order, then two."""
    return FeedState(*row[:-2], stopped=bool(row[-2]), fetch_seconds=row[-1])  # type: ignore[misc]


class StateDB:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        from reader import sqlitedb

        try:
            return self._connect()
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            kind = sqlitedb.classify(exc)
            if kind not in (sqlitedb.CORRUPT, sqlitedb.LAYOUT):  # read-only, full, locked: say so, touch nothing
                raise StateError(f"cannot open the feed state {self.path}: {kind} "
                                 f"({make_safe(str(exc))[:100]})") from None
        # damaged: set aside (never deleted: it holds tombstones and redirects), start afresh
        aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):  # its journal goes with it (never applied to a new file)
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.replace(aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise StateError(f"the feed state {self.path} is damaged and cannot be moved aside: "
                             f"{exc.strerror or exc}") from None
        return self._connect()

    def _connect(self) -> sqlite3.Connection:
        from reader import sqlitedb

        conn = sqlitedb.connect(self.path)
        try:
            version = sqlitedb.user_version(conn)
            if version > SCHEMA_VERSION:
                raise StateError(f"the feed state {self.path} was written by a newer reader (layout {version})")
            conn.executescript(_SCHEMA)
            for table, column, kind in (("entries", "page_etag", "TEXT"), ("entries", "page_last_modified", "TEXT"),
                                        ("feeds", "fetch_seconds", "REAL")):  # a layout 1 state
                if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # a fetch commits once a feed: WAL without a sync per commit (a crash may lose the last
            # commits, never consistency: an entry seen again rewrites the same file under the same id)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("SELECT url, feed_id, stopped FROM feeds LIMIT 1").fetchall()
            conn.execute("SELECT feed_id, key, first_seen, page_etag FROM entries LIMIT 1").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> StateDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # feeds
    _FEED_COLUMNS = ("url, feed_id, title, link, language, etag, last_modified, status, error, "
                     "last_fetched, next_check, stopped, fetch_seconds")

    @overload
    def feed(self, url: str, create: Literal[True] = True) -> FeedState: ...
    @overload
    def feed(self, url: str, create: bool) -> FeedState | None: ...

    def feed(self, url: str, create: bool = True) -> FeedState | None:
        row = self.conn.execute(f"SELECT {self._FEED_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            if not create:
                return None
            state = FeedState(url, self._free_feed_id(url))
            self.save_feed(state)
            return state
        return _feed_state(row)

    def _free_feed_id(self, url: str) -> str:
        base = feed_id = make_feed_id(url)
        n = 1
        while self.conn.execute("SELECT 1 FROM feeds WHERE feed_id = ?", (feed_id,)).fetchone():
            n += 1
            feed_id = f"{base}{n}"
        return feed_id

    def feeds(self) -> dict[str, FeedState]:
        rows = self.conn.execute(f"SELECT {self._FEED_COLUMNS} FROM feeds").fetchall()
        return {row[0]: _feed_state(row) for row in rows}

    def save_feed(self, s: FeedState) -> None:
        with self.conn:
            self.conn.execute(
                f"INSERT OR REPLACE INTO feeds ({self._FEED_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (s.url, s.feed_id, s.title, s.link, s.language, s.etag, s.last_modified, s.status, s.error,
                 s.last_fetched, s.next_check, int(s.stopped), s.fetch_seconds))

    def move_feed(self, old_url: str, new_url: str) -> None:
        """A permanent redirect: the state (and the feed id, so article ids) follows the new URL."""
        with self.conn:
            if self.conn.execute("SELECT 1 FROM feeds WHERE url = ?", (new_url,)).fetchone():
                return  # the target is a feed of its own already: keep both states
            self.conn.execute("UPDATE feeds SET url = ? WHERE url = ?", (new_url, old_url))

    def forget_feed(self, url: str, entries: bool) -> None:
        with self.conn:
            if entries:
                row = self.conn.execute("SELECT feed_id FROM feeds WHERE url = ?", (url,)).fetchone()
                if row:
                    self.conn.execute("DELETE FROM entries WHERE feed_id = ?", row)
                self.conn.execute("DELETE FROM feeds WHERE url = ?", (url,))

    # entries
    def entries(self, feed_id: str) -> dict[str, EntryState]:
        rows = self.conn.execute("SELECT feed_id, key, article_id, file, hash, rewrites, deleted, first_seen, "
                                 "page_etag, page_last_modified FROM entries WHERE feed_id = ?", (feed_id,)).fetchall()
        return {row[1]: EntryState(*row[:6], deleted=bool(row[6]), first_seen=row[7],  # type: ignore[misc]
                                   page_etag=row[8], page_last_modified=row[9]) for row in rows}

    def save_entries(self, entries: list[EntryState], now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.conn:
            self.conn.executemany(
                "INSERT INTO entries (feed_id, key, article_id, file, hash, rewrites, deleted, first_seen, page_etag, "
                "page_last_modified) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (feed_id, key) DO UPDATE SET "
                "article_id = excluded.article_id, file = excluded.file, hash = excluded.hash, "
                "rewrites = excluded.rewrites, deleted = excluded.deleted, page_etag = excluded.page_etag, "
                "page_last_modified = excluded.page_last_modified",
                [(e.feed_id, e.key, e.article_id, e.file, e.hash, e.rewrites, int(e.deleted), now, e.page_etag,
                  e.page_last_modified) for e in entries])

    def article_ids_in_use(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT article_id FROM entries")}
