"""The reading state: read/unread and starred per article id, in SQLite under the XDG *data* dir.

Every article is **unread** until it is opened (or marked read): only articles with a state of their
own have a row, so a new article, an article the store has never heard of and an article whose row
says ``read=0`` are all unread. The key is the article id alone, so the state survives restarts,
edits of the article file, renames and rescans.

**Durability** is the bookmarks store's (:class:`reader.bookmarks.store.BookmarkStore`, whose
connection and transaction plumbing is reused here, not copied): WAL journal, ``synchronous=FULL``,
each change one ``BEGIN IMMEDIATE … COMMIT`` on a short-lived connection, so a kill at any moment
keeps every committed change (tested by SIGKILL-ing a writer); an unusable file raises
:class:`StateError` saying what is wrong and is never deleted nor rebuilt.

**Mark all read** (:meth:`StateStore.mark_all_read`, and :meth:`StateStore.mark_all` for unread,
star, unstar) changes a set of ids in one transaction and records, in the same transaction, the
previous state of exactly the ids it changed: :meth:`StateStore.undo` puts them back — only the
field the operation changed, so a star given since is kept. The record lives in the database (one,
the last operation's), so the undo also works after a restart (:meth:`StateStore.last_undo`).
Single toggles (opening an article, ``s`` on a row) do not replace it.

**Edited articles**: marking read stores the article version (``content_hash``) that was read.
:meth:`StateStore.mark_unread_if_edited` makes an article unread again when it comes back with
another hash; whether to call it (a per-feed setting, off by default) is the caller's decision.

**Scale**: every method taking ids passes them in one JSON parameter read by ``json_each`` — one
query for 50,000 ids, never one query per id (``tests/bench/bench_state.py``).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, ParamSpec, TypeVar

from reader.bookmarks.store import BookmarkError, BookmarkStore, now_iso

Action = Literal["read", "unread", "star", "unstar"]
ACTIONS: tuple[str, ...] = ("read", "unread", "star", "unstar")

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1
    (
        """CREATE TABLE state (
            id TEXT PRIMARY KEY,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            read_hash TEXT,
            updated TEXT NOT NULL
        ) WITHOUT ROWID""",
        # the last undoable operation (at most one row) and the states before it of the ids it changed
        """CREATE TABLE undo (
            token TEXT PRIMARY KEY,
            action TEXT NOT NULL,
            count INTEGER NOT NULL,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE undo_rows (
            id TEXT PRIMARY KEY,
            read INTEGER NOT NULL,
            starred INTEGER NOT NULL,
            read_hash TEXT
        ) WITHOUT ROWID""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# which ids an action changes, and how (on the rows of temp.changed)
_CHANGES = {
    "read": "coalesce(s.read, 0) = 0",
    "unread": "coalesce(s.read, 0) = 1",
    "star": "coalesce(s.starred, 0) = 0",
    "unstar": "coalesce(s.starred, 0) = 1",
}
_APPLY = {
    "read": "INSERT INTO state (id, read, starred, read_hash, updated) SELECT id, 1, starred, hash, ?1 "
            "FROM temp.changed WHERE true ON CONFLICT (id) DO UPDATE SET read = 1, "
            "read_hash = excluded.read_hash, updated = excluded.updated",
    "unread": "UPDATE state SET read = 0, read_hash = NULL, updated = ?1 WHERE id IN (SELECT id FROM temp.changed)",
    "star": "INSERT INTO state (id, read, starred, read_hash, updated) SELECT id, read, 1, read_hash, ?1 "
            "FROM temp.changed WHERE true ON CONFLICT (id) DO UPDATE SET starred = 1, updated = excluded.updated",
    "unstar": "UPDATE state SET starred = 0, updated = ?1 WHERE id IN (SELECT id FROM temp.changed)",
}
_RESTORE = {  # what an undo puts back: only the field the action changed
    "read": "read = u.read, read_hash = u.read_hash",
    "unread": "read = u.read, read_hash = u.read_hash",
    "star": "starred = u.starred",
    "unstar": "starred = u.starred",
}


class StateError(Exception):
    """A problem the user should read (unusable database, nothing to undo…)."""


class ArticleState(NamedTuple):  # a tuple: 50,000 of them are built in milliseconds
    read: bool = False
    starred: bool = False
    read_hash: str | None = None  # the article version that was read (None: unknown or unread)


UNREAD = ArticleState()


@dataclass(frozen=True)
class UndoToken:
    """What :meth:`StateStore.mark_all` did: ``count`` ids changed by ``action``; pass it to
    :meth:`StateStore.undo`. A token with ``count == 0`` changed nothing and undoes nothing."""

    token: str
    action: str
    count: int
    created: str


def _id_list(ids: Iterable[str]) -> list[str]:
    if isinstance(ids, (str, bytes)):
        raise TypeError("ids must be an iterable of article ids, not one string")
    out = list(dict.fromkeys(ids))
    for i in out:
        if not isinstance(i, str):
            raise TypeError(f"an article id is a string, not {type(i).__name__}: {i!r}")
    return out


# the plumbing's messages speak of bookmarks: the same message about the reading state
_ABOUT = (
    ("bookmarks database", "reading-state database"),
    ("bookmarks can be read but not added, changed or deleted", "the reading state can be read but not changed"),
    ("Your bookmarks are intact", "Your reading state is intact"),
    ("bookmark conflict", "reading-state conflict"),
)
_BOOKMARK_WORD = re.compile(r"\bbookmarks?\b")


def _about_state(message: str) -> str:
    for old, new in _ABOUT:
        message = message.replace(old, new)
    return _BOOKMARK_WORD.sub("reading state", message)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _translated(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """The plumbing raises the bookmarks store's errors: say they are about the reading state."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except BookmarkError as exc:
            raise StateError(_about_state(str(exc))) from None

    return wrapper


class _Db(BookmarkStore):
    """The bookmarks store's connection and transaction plumbing (``_connect``, ``_read``,
    ``_write``: WAL, synchronous=FULL, busy timeout, error classification) on the state schema."""

    def _migrate(self) -> None:
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. a filesystem without shared memory
                raise StateError(f"cannot use WAL journaling for {self.path} (got {mode})")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"the reading-state database {self.path} was written by a newer version of reader "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}); it was left untouched"
                )
        except sqlite3.Error as exc:
            raise self._unreadable_error(exc) from None
        finally:
            conn.close()
        if version < SCHEMA_VERSION:
            with self._write() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]  # re-read under the lock
                for step in MIGRATIONS[version:]:
                    for statement in step:
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _unreadable_error(self, exc: Exception) -> Exception:
        return self._error(exc)  # the plumbing's own message for this error


class StateStore:
    """Read/unread and starred for every article, in ``path`` (default :func:`reader.paths.state_db`).

    Safe to use from several threads and processes: each call opens its own connection. Methods
    raise :class:`StateError` when the database cannot be used.
    """

    @_translated
    def __init__(self, path: Path | str | None = None):
        if path is None:
            from reader import paths

            try:
                path = paths.state_db()
            except OSError:  # the data folder cannot be made: the plumbing's open says why
                path = paths.data_dir() / "reading.sqlite3"
        self._db = _Db(Path(path))
        self.path = self._db.path

    # -- reading --------------------------------------------------------------------------------

    @_translated
    def states(self, ids: Iterable[str]) -> dict[str, ArticleState]:
        """The state of each of ``ids`` (:data:`UNREAD` for an id without a state), in one query."""
        ids = _id_list(ids)
        out = dict.fromkeys(ids, UNREAD)
        if not ids:
            return out
        with self._db._read() as conn:
            rows = conn.execute(
                "SELECT s.id, s.read, s.starred, s.read_hash FROM json_each(?) j JOIN state s ON s.id = j.value "
                "WHERE s.read OR s.starred",
                (json.dumps(ids),),
            ).fetchall()
        for i, read, starred, read_hash in rows:
            out[i] = ArticleState(read == 1, starred == 1, read_hash)
        return out

    def state(self, article_id: str) -> ArticleState:
        return self.states([article_id])[article_id]

    @_translated
    def unread_count(self, ids: Iterable[str]) -> int:
        """How many of ``ids`` are unread, in one query."""
        ids = _id_list(ids)
        if not ids:
            return 0
        with self._db._read() as conn:
            read = conn.execute("SELECT count(*) FROM json_each(?) j JOIN state s ON s.id = j.value WHERE s.read",
                                (json.dumps(ids),)).fetchone()[0]
        return len(ids) - read

    @_translated
    def last_undo(self) -> UndoToken | None:
        """The operation :meth:`undo` would undo (it survives a restart), or None."""
        with self._db._read() as conn:
            row = conn.execute("SELECT token, action, count, created FROM undo").fetchone()
        return UndoToken(*row) if row else None

    # -- single articles (not undoable: they are their own undo) -----------------------------------

    @_translated
    def mark_read(self, article_id: str, content_hash: str | None = None) -> None:
        """The article was opened: read, and ``content_hash`` is the version that was read (kept when None)."""
        _id_list([article_id])
        with self._db._write() as conn:
            conn.execute(
                "INSERT INTO state (id, read, starred, read_hash, updated) VALUES (?1, 1, 0, ?2, ?3) "
                "ON CONFLICT (id) DO UPDATE SET read = 1, read_hash = coalesce(?2, read_hash), "
                "updated = ?3",
                (article_id, content_hash, now_iso()),
            )

    def set_read(self, article_id: str, read: bool, content_hash: str | None = None) -> None:
        if read:
            self.mark_read(article_id, content_hash)
        else:
            self._set_flag(article_id, "read", 0)

    def set_starred(self, article_id: str, starred: bool) -> None:
        self._set_flag(article_id, "starred", int(bool(starred)))

    @_translated
    def _set_flag(self, article_id: str, column: Literal["read", "starred"], value: int) -> None:
        _id_list([article_id])
        forget = ", read_hash = NULL" if column == "read" else ""  # an unread article has no version read
        with self._db._write() as conn:
            conn.execute(
                f"INSERT INTO state (id, {column}, updated) VALUES (?1, {value}, ?2) "
                f"ON CONFLICT (id) DO UPDATE SET {column} = {value}{forget}, updated = ?2",
                (article_id, now_iso()),
            )

    @_translated
    def toggle_read(self, article_id: str, content_hash: str | None = None) -> bool:
        """Read ↔ unread in one statement (two processes toggling never both see the old value);
        returns the new value."""
        _id_list([article_id])
        with self._db._write() as conn:
            return conn.execute(
                "INSERT INTO state (id, read, read_hash, updated) VALUES (?1, 1, ?2, ?3) "
                "ON CONFLICT (id) DO UPDATE SET read = 1 - read, "
                "read_hash = CASE WHEN read THEN NULL ELSE coalesce(?2, read_hash) END, updated = ?3 RETURNING read",
                (article_id, content_hash, now_iso()),
            ).fetchone()[0] == 1

    @_translated
    def toggle_star(self, article_id: str) -> bool:
        """Starred ↔ not, in one statement; returns the new value."""
        _id_list([article_id])
        with self._db._write() as conn:
            return conn.execute(
                "INSERT INTO state (id, starred, updated) VALUES (?1, 1, ?2) "
                "ON CONFLICT (id) DO UPDATE SET starred = 1 - starred, updated = ?2 RETURNING starred",
                (article_id, now_iso()),
            ).fetchone()[0] == 1

    # -- many articles, undoable ------------------------------------------------------------------

    def mark_all_read(self, ids: Iterable[str], hashes: Mapping[str, str] | None = None) -> UndoToken:
        """Mark every one of ``ids`` read (``hashes``: the version of each, for
        :meth:`mark_unread_if_edited`) in one transaction; undo with :meth:`undo`."""
        return self.mark_all(ids, "read", hashes)

    @_translated
    def mark_all(self, ids: Iterable[str], action: Action, hashes: Mapping[str, str] | None = None) -> UndoToken:
        """Apply ``action`` (read, unread, star, unstar) to ``ids`` in one transaction, recording the
        previous state of the ids it changes for :meth:`undo` (replacing the previous record — unless
        nothing changed, then the previous record stays and the token has ``count == 0``)."""
        if action not in _CHANGES:
            raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
        ids = _id_list(ids)
        hashes = hashes or {}
        payload = json.dumps({i: hashes.get(i) for i in ids})
        stamp = now_iso()
        with self._db._write() as conn:
            conn.execute("CREATE TEMP TABLE changed (id TEXT PRIMARY KEY, hash TEXT, read INTEGER, "
                         "starred INTEGER, read_hash TEXT) WITHOUT ROWID")
            count = conn.execute(
                "INSERT INTO temp.changed SELECT j.key, j.value, coalesce(s.read, 0), coalesce(s.starred, 0), "
                f"s.read_hash FROM json_each(?) j LEFT JOIN state s ON s.id = j.key WHERE {_CHANGES[action]}",
                (payload,),
            ).rowcount
            if count == 0:
                return UndoToken("", action, 0, stamp)
            token = UndoToken(uuidlib.uuid4().hex, action, count, stamp)
            conn.execute("DELETE FROM undo")
            conn.execute("DELETE FROM undo_rows")
            conn.execute("INSERT INTO undo_rows SELECT id, read, starred, read_hash FROM temp.changed")
            conn.execute("INSERT INTO undo VALUES (?, ?, ?, ?)", (token.token, token.action, token.count, token.created))
            conn.execute(_APPLY[action], (stamp,))
        return token

    @_translated
    def undo(self, token: UndoToken | None = None) -> list[str]:
        """Put back the states before the last :meth:`mark_all` (``token``: that one, refused if a later
        operation replaced it; None: whichever is last). Returns the ids restored; the record is
        then gone (a second undo raises :class:`StateError`)."""
        if token is not None and token.count == 0:
            return []
        with self._db._write() as conn:
            row = conn.execute("SELECT token, action FROM undo").fetchone()
            if row is None:
                raise StateError("nothing to undo")
            if token is not None and row[0] != token.token:
                raise StateError("that operation can no longer be undone (another one came after it)")
            ids = [r[0] for r in conn.execute("SELECT id FROM undo_rows")]
            conn.execute(f"UPDATE state SET {_RESTORE[row[1]]}, updated = ? FROM undo_rows u WHERE state.id = u.id",
                         (now_iso(),))
            conn.execute("DELETE FROM undo")
            conn.execute("DELETE FROM undo_rows")
        return ids

    @_translated
    def import_states(self, states: Mapping[str, tuple[bool, bool]]) -> int:
        """Set (read, starred) of many articles in one transaction, not undoable (an import from
        another reader); an article already read or starred stays so. Returns the rows written."""
        payload = json.dumps({i: [int(bool(r)), int(bool(s))] for i, (r, s) in states.items() if r or s})
        with self._db._write() as conn:
            return conn.execute(
                "INSERT INTO state (id, read, starred, updated) SELECT key, value ->> 0, value ->> 1, ?1 "
                "FROM json_each(?2) WHERE true ON CONFLICT (id) DO UPDATE SET read = max(read, excluded.read), "
                "starred = max(starred, excluded.starred), updated = ?1", (now_iso(), payload)).rowcount

    # -- edited articles --------------------------------------------------------------------------

    def mark_unread_if_edited(self, article_id: str, new_hash: str) -> bool:
        """If the article is read and was read at another version than ``new_hash``, make it unread
        again; returns whether it did. Call it only where the (per-feed) setting asks for it."""
        return bool(self.mark_unread_if_edited_many({article_id: new_hash}))

    @_translated
    def mark_unread_if_edited_many(self, hashes: Mapping[str, str]) -> list[str]:
        """:meth:`mark_unread_if_edited` for every id → current hash of ``hashes``, in one
        transaction (a rescan); returns the ids made unread. An article read at an unknown version
        stays read."""
        ids = _id_list(hashes)
        if not ids:
            return []
        payload = json.dumps({i: hashes[i] for i in ids})
        with self._db._write() as conn:
            rows = conn.execute(
                "UPDATE state SET read = 0, read_hash = NULL, updated = ?1 FROM json_each(?2) j "
                "WHERE state.id = j.key AND state.read AND state.read_hash IS NOT NULL "
                "AND j.value IS NOT NULL AND state.read_hash <> j.value RETURNING state.id",
                (now_iso(), payload),
            ).fetchall()
        return [r[0] for r in rows]
