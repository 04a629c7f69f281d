"""The corpus's events on disk and their read API (pure Python: no scikit-learn, no spaCy).

One SQLite file per corpus, ``paths.corpus_cache_dir(folder) / "events.sqlite"`` (WAL journal)::

    meta(key, value)            "built" (UTC ISO time), "stats" (JSON of the linker's counts)
    articles(id, hash)          the article versions the events were built from
    events(id, date_start, date_end, granularity, label, reported, articles, participants, links,
           sort_when, sort_rank, digest)
                                index on (sort_when, sort_rank, id) = Event.sort_key; articles "\\x1f"-joined;
                                participants [[key, name, mentions]…] and links [[a, b, …]…] as JSON
    mentions(event, ord, article_id, passage, start, end, text, date…, participants, trigger, actions)
                                lists \\x1f-joined (dates: \\x1e between dates)
                                index on (article_id, passage, start)
    entities(key, event, name)  one row per participant of an event (primary key (key, event))

``PRAGMA user_version`` holds :data:`STORE_VERSION` (opened through :mod:`reader.sqlitedb`); a file
of another version reads as None and is replaced by the next :func:`save_events`; a damaged one is
deleted where the damage shows — at load (None), while a set reads rows (the set then reads as empty)
or at save (written anew) — so the next ingest links the events again. A save writes everything in one
transaction: readers see the old result or the new one, never half of one. Rows are replaced only
for events whose content changed (``events.digest``), so relinking a corpus where few articles
changed writes little.

:func:`load_events` opens the file and returns a :class:`StoredEventSet` (an :class:`EventSet`)
in about a millisecond whatever the corpus size: nothing is read until asked. It pins a read
snapshot (a transaction kept open; WAL lets the ingest write meanwhile), so a set never mixes two
builds; load again after an ingest to see the new one. Its queries hit the indexes: for_article
and nearest read that article's mention positions (cached for the last article), event/by_entity
one or a few rows, all() every event row but no mention (an event's mentions are fetched on first
access to ``Event.mentions``). Event objects are cached by id, so ``event(id) is`` the object that
for_article or all() returned. The set may be used from any thread (one connection, one lock).

Measured (tests/bench/bench_events.py, 10,000 generated articles, 139k events, 223k mentions, 2 cores
with load ~6): file 144 MB; load_events 1.9 ms and 4 KB; for_article 0.6 ms; nearest 0.03 ms;
an event's mentions 0.1 ms; all() 0.9 s and 118 MB; first save 16 s, unchanged re-save 7 s
(digests only). The JSON file it replaces took ~1 s and held everything in memory at 1,000 articles.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from sys import intern as _intern
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from reader import paths, sqlitedb
from reader.events.model import Event, EventMention, Participant

_T = TypeVar("_T")

STORE_VERSION = 2
_SEP = "\x1f"  # unit separator: between the items of a list in a column
_RS = "\x1e"  # record separator: between the (start, end, granularity) of a mention's dates

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE articles(id TEXT PRIMARY KEY, hash TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events(id TEXT NOT NULL UNIQUE, date_start TEXT, date_end TEXT,
    granularity TEXT, label TEXT NOT NULL, reported TEXT, articles TEXT NOT NULL,
    participants TEXT NOT NULL, links TEXT NOT NULL, sort_when TEXT NOT NULL, sort_rank INTEGER NOT NULL,
    digest TEXT NOT NULL);
CREATE INDEX events_order ON events(sort_when, sort_rank, id);
CREATE TABLE mentions(event TEXT NOT NULL, ord INTEGER NOT NULL, article_id TEXT NOT NULL,
    passage INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    date_start TEXT, date_end TEXT, granularity TEXT, date_text TEXT, dates TEXT NOT NULL,
    participants TEXT NOT NULL, trigger TEXT, actions TEXT NOT NULL,
    PRIMARY KEY(event, ord)) WITHOUT ROWID;
CREATE INDEX mentions_article ON mentions(article_id, passage, start);
CREATE TABLE entities(key TEXT NOT NULL, event TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY(key, event)) WITHOUT ROWID;
CREATE INDEX entities_event ON entities(event);
"""
_EVENT_COLS = "sort_rank, id, date_start, date_end, granularity, label, reported, articles, participants, links"
_MENTION_COLS = ('article_id, passage, start, "end", text, date_start, date_end, granularity, date_text, dates, '
                 "participants, trigger, actions")


def events_file(folder: Path) -> Path:
    return paths.corpus_cache_dir(folder) / "events.sqlite"


def _legacy_file(folder: Path) -> Path:
    return paths.corpus_cache_dir(folder) / "events.json"


class EventSet:
    """All events of a corpus in memory, with indexes by id, article and entity (what the linker
    builds; :func:`load_events` returns the lazy :class:`StoredEventSet` with the same API)."""

    def __init__(self, events: list[Event], articles: dict[str, str] | None = None,
                 stats: dict | None = None, built: str | None = None):
        self._events = sorted(events, key=Event.sort_key)
        self.articles = dict(articles or {})  # article id → content hash the events were built from
        self.stats = dict(stats or {})
        self.built = built
        self._by_id = {e.id: e for e in self._events}
        self._by_article: dict[str, list[Event]] = {}
        self._by_entity: dict[str, list[Event]] = {}
        for e in self._events:
            for a in e.articles:
                self._by_article.setdefault(a, []).append(e)
            for p in e.participants:
                self._by_entity.setdefault(p.key, []).append(e)

    def __len__(self) -> int:
        return len(self._events)

    def close(self) -> None:
        """Nothing to release in memory (see :meth:`StoredEventSet.close`)."""

    def all(self) -> list[Event]:
        """Every event, ordered by date (undated ones placed at their report date)."""
        return list(self._events)

    def linked(self) -> list[Event]:
        """The events reported by two articles or more, ordered by date."""
        return [e for e in self.all() if e.linked]

    def event(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    def _positions(self, article_id: str) -> list[tuple[int, int, int, str]]:
        """(passage, start, end, event id) of the article's mentions, in reading order."""
        return sorted((m.passage, m.start, m.end, e.id)
                      for e in self._by_article.get(article_id, []) for m in e.mentions_in(article_id))

    def for_article(self, article_id: str) -> list[Event]:
        """The events an article reports, ordered by :attr:`Event.when` (their date, else the date
        they were reported), dated ones first on a tie, then by where the article first mentions them."""
        first: dict[str, tuple[int, int]] = {}
        for passage, start, _end, eid in self._positions(article_id):
            first.setdefault(eid, (passage, start))
        events = [e for e in (self.event(eid) for eid in first) if e is not None]
        return sorted(events, key=lambda e: (e.when or "9999", not e.dated, first[e.id]))

    def by_entity(self, entity_key: str) -> list[Event]:
        """Events with this participant (entity key such as ``"PER:elon musk"``), ordered by date."""
        return list(self._by_entity.get(entity_key, []))

    def entities(self) -> list[Participant]:
        """Participants over all events (``mentions`` = number of events), most frequent first."""
        out = []
        for key, evs in self._by_entity.items():
            name = next(p.name for p in evs[0].participants if p.key == key)
            out.append(Participant(key, name, len(evs)))
        out.sort(key=lambda p: (-p.mentions, p.name.casefold()))
        return out

    def nearest(self, article_id: str, passage: int, offset: int = 0,
                among: set[str] | None = None) -> Event | None:
        """The article's event whose mention is nearest to (passage, offset): for the panel's marker
        (``among``: only these event ids, e.g. the ones the panel lists)."""
        best, best_d = None, None
        for p, start, end, eid in self._positions(article_id):
            if among is not None and eid not in among:
                continue
            d = (0, 0) if (p == passage and start <= offset <= end) else (abs(p - passage), abs(start - offset))
            if best_d is None or d < best_d:
                best, best_d = eid, d
        return self.event(best) if best is not None else None

    def to_json(self) -> dict:
        return {"version": STORE_VERSION, "built": self.built, "articles": self.articles, "stats": self.stats,
                "events": [e.to_json() for e in self.all()]}


class StoredEventSet(EventSet):
    """The events of :func:`load_events`, read from SQLite on demand (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):  # nothing is held in memory
        self._conn = conn
        self._path = path
        self.damaged = False  # the file turned out damaged: deleted, the set reads as empty from then on
        self._lock = threading.RLock()
        self._cache: dict[str, Event] = {}
        self._all: list[Event] | None = None
        self._pos_cache: tuple[str, list] | None = None
        self._articles: dict[str, str] | None = None
        meta = dict(self._q("SELECT key, value FROM meta"))
        self.built = meta.get("built")
        self.stats = json.loads(meta.get("stats", "{}"))
        self._count: int | None = None

    def _q(self, sql: str, args: Sequence[object] = ()) -> list[Any]:
        return self._read(lambda: self._conn.execute(sql, args).fetchall())

    def _read(self, fetch: Callable[[], list[_T]]) -> list[_T]:
        """Rows from ``fetch()``; damage found while reading (the set cannot be rebuilt here: linking is
        the ingest's) deletes the file, so the next ``reader index`` links the events again, and the
        set reads as empty from then on instead of failing at every call."""
        with self._lock:
            if self.damaged:
                return []
            try:
                return fetch()
            except (sqlite3.Error, UnicodeDecodeError) as exc:
                if not sqlitedb.needs_rebuild(exc):
                    raise
                self.damaged = True
                self._all, self._pos_cache, self._count = [], None, 0
                if self._path is not None:
                    sqlitedb.discard(self._path, "events", exc)
                return []

    def close(self) -> None:
        """Release the file (and its read snapshot); the set must not be queried afterwards."""
        with self._lock:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass

    def __del__(self) -> None:
        self.close()

    @property
    def articles(self) -> dict[str, str]:  # type: ignore[override]
        """Article id → content hash the events were built from (read on first access)."""
        if self._articles is None:
            self._articles = dict(self._q("SELECT id, hash FROM articles"))
        return self._articles

    def _event(self, row: tuple) -> Event:
        eid = row[1]
        ev = self._cache.get(eid)
        if ev is None:
            # dates, article ids and empty lists repeat across events: one string each (all() at 10k: 152 -> 119 MB)
            ds, de, gr, rep = row[2], row[3], row[4], row[6]
            ev = Event(eid, ds and _intern(ds), de and _intern(de), gr and _intern(gr), row[5], None, None,
                       None, rep and _intern(rep),
                       articles=[_intern(a) for a in row[7].split(_SEP)] if row[7] else [],
                       raw=(_intern(row[8]) if len(row[8]) < 3 else row[8], _intern(row[9]) if len(row[9]) < 3
                            else row[9]), loader=self._mentions)
            self._cache[eid] = ev
        return ev

    def _mentions(self, event_id: str) -> list[EventMention]:
        rows = self._q(f"SELECT {_MENTION_COLS} FROM mentions WHERE event = ? ORDER BY ord", (event_id,))
        return [EventMention(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                             tuple(tuple(x.split(_SEP)) for x in r[9].split(_RS)) if r[9] else (),
                             _split(r[10]), r[11], _split(r[12])) for r in rows]

    def _events_where(self, where: str, args: Sequence[object] = ()) -> list[Event]:
        # rows are turned into events as they come: no list of every row at once
        return self._read(lambda: [self._event(r) for r in self._conn.execute(
            f"SELECT {_EVENT_COLS} FROM events {where} ORDER BY sort_when, sort_rank, id", args)])

    def __len__(self) -> int:
        if self._count is None:
            rows = self._q("SELECT count(*) FROM events")
            self._count = rows[0][0] if rows else 0
        return self._count

    def all(self) -> list[Event]:
        """Every event, ordered by date (undated ones placed at their report date). Mentions are not
        read (fetched per event on access); the list is built once per set."""
        if self._all is None:
            self._all = self._events_where("")
        return list(self._all)

    def event(self, event_id: str) -> Event | None:
        ev = self._cache.get(event_id)
        if ev is None:
            found = self._events_where("WHERE id = ?", (event_id,))
            ev = found[0] if found else None
        return ev

    def events(self, event_ids: Iterable[str]) -> list[Event]:
        """Several events by id (unknown ids skipped), in timeline order; one query for the uncached."""
        ids = list(dict.fromkeys(event_ids))
        missing = [i for i in ids if i not in self._cache]
        for k in range(0, len(missing), 500):
            chunk = missing[k:k + 500]
            self._events_where(f"WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        return sorted((self._cache[i] for i in ids if i in self._cache), key=Event.sort_key)

    def _positions(self, article_id: str) -> list[tuple[int, int, int, str]]:
        cached = self._pos_cache
        if cached is not None and cached[0] == article_id:
            return cached[1]
        rows = self._q('SELECT passage, start, "end", event FROM mentions WHERE article_id = ? '
                       "ORDER BY passage, start", (article_id,))
        self._pos_cache = (article_id, rows)
        return rows

    def for_article(self, article_id: str) -> list[Event]:
        self.events({r[3] for r in self._positions(article_id)})  # fetch them in one query
        return super().for_article(article_id)

    def by_entity(self, entity_key: str) -> list[Event]:
        return self._events_where("WHERE id IN (SELECT event FROM entities WHERE key = ?)", (entity_key,))

    def entities(self) -> list[Participant]:
        rows = self._q("SELECT key, min(name), count(*) FROM entities GROUP BY key")
        out = [Participant(k, name, n) for k, name, n in rows]
        out.sort(key=lambda p: (-p.mentions, p.name.casefold()))
        return out


def _connect(path: Path) -> sqlite3.Connection:
    """A connection for reading (never creates the file); one set may be used from any thread."""
    return sqlitedb.connect(path, mode="rw", isolation_level=None, check_same_thread=False)


_PROBE = (f"SELECT {_EVENT_COLS}, sort_when, digest FROM events LIMIT 0",
          f"SELECT {_MENTION_COLS}, event, ord FROM mentions LIMIT 0",
          "SELECT key, event, name FROM entities LIMIT 0",
          "SELECT id, hash FROM articles LIMIT 0",
          "SELECT key, value FROM meta LIMIT 0")
_LAYOUT = sqlitedb.Layout("events", STORE_VERSION, _SCHEMA, wal=True, probe=_PROBE)


def _layout_ok(conn: sqlite3.Connection) -> bool:
    """The tables have the columns this code reads (a file can carry our version number with an
    older layout, e.g. from a development build): probing costs nothing on an empty result."""
    try:
        for sql in _PROBE:
            conn.execute(sql)
        return True
    except sqlite3.OperationalError:
        return False


def load_events(folder: Path) -> EventSet | None:
    """The events of a corpus folder, or None if not computed yet (or unreadable or of another
    version: rebuilt at next ingest). Cheap: opens the file and pins a read snapshot."""
    path = events_file(folder)
    if not path.exists():
        return None
    conn = None
    try:
        conn = _connect(path)
        conn.execute("BEGIN")  # a read snapshot for the set's lifetime
        if sqlitedb.user_version(conn) != STORE_VERSION or not _layout_ok(conn):
            raise ValueError("events store of another version")
        return StoredEventSet(conn, path)
    except (sqlite3.Error, UnicodeDecodeError, ValueError, TypeError, OSError) as exc:
        if conn is not None:
            conn.close()
        if sqlitedb.needs_rebuild(exc):  # damaged: gone, so that the next ingest links the events again
            sqlitedb.discard(path, "events", exc)
        return None


# --- writing (the ingest) ---------------------------------------------------------------------------

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _event_row(e: Event) -> tuple:
    parts = _json([[p.key, p.name, p.mentions] for p in e.participants])
    links = "[]" if not e.links else _json([[lk.a, lk.b, lk.score, lk.similarity, lk.jaccard, lk.date_agreement,
                                              list(lk.shared), lk.date_note, lk.languages] for lk in e.links])
    return (e.sort_key()[1], e.id, e.date_start, e.date_end, e.granularity, e.label, e.reported,
            _SEP.join(e.articles), parts, links)


def _mention_rows(e: Event) -> list[tuple]:
    return [(e.id, k, m.article_id, m.passage, m.start, m.end, m.text, m.date_start, m.date_end, m.granularity,
             m.date_text, _RS.join(map(_SEP.join, m.dates)), _SEP.join(m.participants), m.trigger,
             _SEP.join(m.actions)) for k, m in enumerate(e.mentions)]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SEP)) if text else ()


def _digest(row: tuple, mention_rows: list[tuple]) -> str:
    """A fingerprint of an event's rows: a save rewrites an event only when it changed."""
    h = hashlib.blake2b(_RS.join(map(str, row)).encode(), digest_size=12)
    for m in mention_rows:
        h.update(_RS.join(map(str, m)).encode())
    return h.hexdigest()


def _open_for_write(path: Path) -> sqlite3.Connection:
    """The store opened for writing, created if missing; one of another version (or damaged) is replaced."""
    conn = sqlitedb.open_cache(path, _LAYOUT, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a full write touches every page of the indexes
    conn.execute("PRAGMA journal_size_limit = 8388608")  # the WAL shrinks back to 8 MB after a checkpoint
    return conn


def save_events(folder: Path, events: EventSet) -> Path:
    """Write a whole event set to the store in one transaction (see the module docstring); a corrupt
    store is deleted and written anew."""
    path = events_file(folder)
    rows = []
    for e in events.all():
        row = _event_row(e)
        ms = _mention_rows(e)
        rows.append((row, ms, _digest(row, ms), [(p.key, e.id, p.name) for p in e.participants]))
    try:
        _write(path, rows, events)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if not sqlitedb.needs_rebuild(exc):
            raise  # locked, disk full…: not a reason to throw the store away
        sqlitedb.discard(path, "events", exc)  # damaged where rows were read: written anew
        _write(path, rows, events)
    legacy = _legacy_file(folder)  # the JSON file of store version 1
    if legacy.exists():
        try:
            os.unlink(legacy)
        except OSError:
            pass
    return path


def _write(path: Path, rows: list[tuple], events: EventSet) -> None:
    conn = _open_for_write(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        old = dict(conn.execute("SELECT id, digest FROM events"))
        keep = {row[1] for row, _ms, d, _p in rows if old.get(row[1]) == d}
        if len(keep) < len(old) // 2:  # mostly new: emptying the tables beats deleting row by row
            keep = set()
            for table in ("mentions", "entities", "events"):
                conn.execute(f"DELETE FROM {table}")
        else:
            gone = [(i,) for i in old if i not in keep]
            conn.executemany("DELETE FROM mentions WHERE event = ?", gone)
            conn.executemany("DELETE FROM entities WHERE event = ?", gone)
            conn.executemany("DELETE FROM events WHERE id = ?", gone)
        fresh = [r for r in rows if r[0][1] not in keep]
        conn.executemany(f"INSERT INTO events({_EVENT_COLS}, sort_when, digest) VALUES ({','.join('?' * 12)})",
                         [row + (row[2] or row[6] or "9999", d) for row, _ms, d, _p in fresh])
        # in primary-key order: B-tree pages filled in sequence (random order costs time and half-empty pages)
        fresh.sort(key=lambda r: r[0][1])
        conn.executemany(f"INSERT INTO mentions(event, ord, {_MENTION_COLS}) VALUES ({','.join('?' * 15)})",
                         [m for _row, ms, _d, _p in fresh for m in ms])
        conn.executemany("INSERT OR IGNORE INTO entities(key, event, name) VALUES (?, ?, ?)",
                         sorted(p for _row, _ms, _d, ps in fresh for p in ps))
        conn.execute("DELETE FROM articles")
        conn.executemany("INSERT INTO articles(id, hash) VALUES (?, ?)", list(events.articles.items()))
        conn.execute("DELETE FROM meta")
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                         [("built", events.built or ""), ("stats", json.dumps(events.stats))])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
