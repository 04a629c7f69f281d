"""The bookmark store: precious user data in SQLite under the XDG *data* dir (never the cache).

Durability: the database runs in WAL mode with ``synchronous=FULL``; every write is one
``BEGIN IMMEDIATE … COMMIT`` transaction on a short-lived connection, so killing the process at
any moment leaves either the whole write or none of it (tested by SIGKILL-ing a writer). The file
is never deleted or rebuilt: a database that cannot be used raises :class:`BookmarkError` saying
what is wrong — read-only, disk full, locked by another process, damaged — and what to do, and is
left untouched (the errors are told apart by :func:`reader.sqlitedb.classify`). A read-only database
can still be read.

Schema: ``PRAGMA user_version`` holds the schema version; :data:`MIGRATIONS` lists the steps that
bring an older file up to date inside one transaction. A file from a newer version is refused.

A bookmark records everything needed to find its text again after the article file changes
(see :mod:`reader.bookmarks.anchor`), following the W3C Web Annotation selectors:

- the article version (``content_hash``) and the passage coordinates ``(passage, start, end)`` in
  :attr:`Passage.text` of that version;
- the article-level ``TextPositionSelector`` ``(pos_start, pos_end)`` on
  :attr:`ParsedArticle.plain_text` (``pos = passage.offset + start``);
- the ``TextQuoteSelector``: the exact ``quote`` and up to :data:`CONTEXT` characters of
  ``prefix`` / ``suffix`` taken from the plain text (they may cross passage boundaries);
- the article title, so orphans and exports stay readable when the article is gone.

Deleting is soft (``deleted_at``) so the UI can undo; :meth:`BookmarkStore.purge_deleted` removes
them for good. The ``anchors`` table remembers each bookmark's latest anchor with the article hash
it holds for, so re-anchoring runs once per article version. Notes pass through
:func:`reader.passages.make_safe` (control characters made visible) like article text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader import sqlitedb
from reader.bookmarks.model import CONTEXT, Anchor, Bookmark, BookmarkError
from reader.passages import make_safe

if TYPE_CHECKING:  # pragma: no cover
    from reader.corpus import Article

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: bookmarks
    (
        """CREATE TABLE bookmarks (
            uuid TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL DEFAULT '',
            passage INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            pos_start INTEGER NOT NULL,
            pos_end INTEGER NOT NULL,
            quote TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted_at TEXT
        )""",
        "CREATE INDEX bookmarks_article ON bookmarks (article_id)",
    ),
    # 1 -> 2: remembered anchors, one per (bookmark, article version)
    (
        """CREATE TABLE anchors (
            uuid TEXT NOT NULL REFERENCES bookmarks(uuid) ON DELETE CASCADE,
            content_hash TEXT NOT NULL,
            passage INTEGER,
            start INTEGER,
            "end" INTEGER,
            status TEXT NOT NULL,
            PRIMARY KEY (uuid, content_hash)
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = ('uuid, article_id, title, content_hash, passage, start, "end", pos_start, pos_end, '
            "quote, prefix, suffix, note, created, updated, deleted_at")


def now_iso() -> str:
    """UTC timestamp, ISO 8601 with a ``Z`` (xsd:dateTime, as the W3C model expects)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _row(row: tuple) -> Bookmark:
    return Bookmark(*row)


class BookmarkStore:
    """All bookmarks, in ``path`` (default :func:`reader.paths.bookmarks_db`, read at construction).

    Safe to use from several threads and processes: each call opens its own connection.
    Raises :class:`BookmarkError` when the database cannot be opened or is from a newer version.
    """

    def __init__(self, path: Path | str | None = None):
        if path is None:
            from reader import paths

            try:
                path = paths.bookmarks_db()
            except OSError:  # the data folder cannot be made: _connect says why
                path = paths.data_dir() / "bookmarks.sqlite3"
        self.path = Path(path)
        self._migrate()

    # -- plumbing -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlitedb.connect(self.path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise self._error(exc) from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            conn.close()
            raise self._error(exc) from None
        return conn

    def _error(self, exc: BaseException, writing: bool = False) -> BookmarkError:
        """What is wrong with the database and what to do, from the sqlite3 (or OS) error ``exc``."""
        kind = sqlitedb.classify(exc)
        path, folder = self.path, self.path.parent
        unchanged = " Nothing was changed." if writing else ""
        if kind == sqlitedb.READONLY:
            text = (f"the bookmarks database {path} is read-only (or its folder {folder} is): bookmarks can be "
                    f"read but not added, changed or deleted; make the file and its folder writable.{unchanged}")
        elif kind == sqlitedb.FULL:
            text = (f"the disk holding the bookmarks database {path} is full: free some space, then try again."
                    f"{unchanged} Your bookmarks are intact.")
        elif kind == sqlitedb.BUSY:
            text = (f"the bookmarks database {path} is locked by another program (another reader writing to it?): "
                    f"try again in a moment.{unchanged}")
        elif kind == sqlitedb.CANTOPEN:
            text = (f"cannot open the bookmarks database {path} ({exc}): check that the folder {folder} exists "
                    "and is writable.")
        elif kind in (sqlitedb.CORRUPT, sqlitedb.LAYOUT):
            text = (f"the bookmarks database {path} is damaged ({exc}); it was left untouched. Keep a copy of it: "
                    f"`sqlite3 {path} .recover` may save its bookmarks; moving it aside starts an empty one.")
        elif kind == sqlitedb.IOERR:
            text = f"cannot read or write the bookmarks database {path}: disk error ({exc}); it was left untouched."
        else:
            text = f"the bookmarks database {path} failed: {exc}.{unchanged}"
        error = BookmarkError(make_safe(text))
        error.kind = kind
        return error

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self._error(exc) from None
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside commits together or not at all."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite rolls back by itself on a full disk: the error is kept
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise BookmarkError(f"bookmark conflict in {self.path}: {exc}; nothing was changed") from None
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self._error(exc, writing=True) from None
        finally:
            conn.close()

    def _migrate(self) -> None:
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. a filesystem without shared memory
                raise BookmarkError(f"cannot use WAL journaling for {self.path} (got {mode})")
            version = sqlitedb.user_version(conn)
            if version > SCHEMA_VERSION:
                raise BookmarkError(
                    f"the bookmarks database {self.path} was written by a newer version of reader "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}); it was left untouched"
                )
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    version = sqlitedb.user_version(conn)  # re-read under the lock
                    for step in MIGRATIONS[version:]:
                        for statement in step:
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self._error(exc, writing=True) from None
        finally:
            conn.close()

    # -- writing --------------------------------------------------------------------------------

    @staticmethod
    def make(article: Article, passage: int, start: int | None = None, end: int | None = None,
             note: str = "", *, uuid: str | None = None, created: str | None = None) -> Bookmark:
        """Build (without saving) a bookmark on ``article``; raises :class:`BookmarkError` on bad coordinates."""
        passages = article.passages
        if not isinstance(passage, int) or not 0 <= passage < len(passages):
            raise BookmarkError(f"passage {passage!r} is not in article {article.id!r} ({len(passages)} passages)")
        p = passages[passage]
        start = 0 if start is None else start
        end = len(p.text) if end is None else end
        if not (0 <= start < end <= len(p.text)):
            raise BookmarkError(f"span {start}..{end} is empty or outside passage {passage} (0..{len(p.text)})")
        plain = article.parsed.plain_text
        pos_start, pos_end = p.offset + start, p.offset + end
        stamp = created or now_iso()
        return Bookmark(
            uuid=uuid or str(uuidlib.uuid4()),
            article_id=article.id,
            title=article.meta.title,
            content_hash=article.meta.content_hash,
            passage=passage,
            start=start,
            end=end,
            pos_start=pos_start,
            pos_end=pos_end,
            quote=p.text[start:end],
            prefix=plain[max(0, pos_start - CONTEXT):pos_start],
            suffix=plain[pos_end:pos_end + CONTEXT],
            note=make_safe(note),
            created=stamp,
            updated=stamp,
        )

    def add(self, article: Article, passage: int, start: int | None = None, end: int | None = None,
            note: str = "") -> Bookmark:
        """Bookmark ``passage`` (whole when start/end are None) or ``[start, end)`` of its text.

        Idempotent: if a live bookmark already covers exactly that span of that article version it
        is returned unchanged (its note is kept).
        """
        bm = self.make(article, passage, start, end, note)
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM bookmarks WHERE article_id=? AND content_hash=? AND pos_start=? "
                "AND pos_end=? AND deleted_at IS NULL",
                (bm.article_id, bm.content_hash, bm.pos_start, bm.pos_end),
            ).fetchone()
            if row is not None:
                return _row(row)
            self._insert(conn, bm)
        return bm

    @staticmethod
    def _insert(conn: sqlite3.Connection, bm: Bookmark) -> None:
        conn.execute(
            f"INSERT INTO bookmarks ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (bm.uuid, bm.article_id, bm.title, bm.content_hash, bm.passage, bm.start, bm.end,
             bm.pos_start, bm.pos_end, bm.quote, bm.prefix, bm.suffix, bm.note, bm.created,
             bm.updated, bm.deleted_at),
        )

    def _set(self, uuid: str, sql: str, params: tuple) -> Bookmark:
        with self._write() as conn:
            cur = conn.execute(f"UPDATE bookmarks SET {sql} WHERE uuid=?", params + (uuid,))
            if cur.rowcount == 0:
                raise BookmarkError(f"no bookmark {uuid}")
            return _row(conn.execute(f"SELECT {_COLUMNS} FROM bookmarks WHERE uuid=?", (uuid,)).fetchone())

    def update_note(self, uuid: str, note: str) -> Bookmark:
        return self._set(uuid, "note=?, updated=?", (make_safe(note), now_iso()))

    def delete(self, uuid: str) -> Bookmark:
        """Soft delete (undo with :meth:`undelete`); hidden from lists until then."""
        return self._set(uuid, "deleted_at=COALESCE(deleted_at, ?)", (now_iso(),))

    def undelete(self, uuid: str) -> Bookmark:
        return self._set(uuid, "deleted_at=NULL", ())

    def purge_deleted(self) -> int:
        """Remove soft-deleted bookmarks for good; returns how many."""
        with self._write() as conn:
            return conn.execute("DELETE FROM bookmarks WHERE deleted_at IS NOT NULL").rowcount

    def insert_new(self, bookmarks: list[Bookmark]) -> list[Bookmark]:
        """Insert prepared bookmarks in one transaction (all or none), skipping duplicates: a uuid
        already stored (even deleted) or the same article + quote + position + note as a live
        bookmark (or as an earlier one of the list) — another note on the same quote is kept.
        Returns those inserted. Used by the JSON import."""
        added: list[Bookmark] = []
        with self._write() as conn:
            uuids = {r[0] for r in conn.execute("SELECT uuid FROM bookmarks")}
            places = set(conn.execute("SELECT article_id, quote, pos_start, pos_end, note FROM bookmarks "
                                      "WHERE deleted_at IS NULL"))
            for bm in bookmarks:
                place = (bm.article_id, bm.quote, bm.pos_start, bm.pos_end, bm.note)
                if bm.uuid in uuids or place in places:
                    continue
                self._insert(conn, bm)
                uuids.add(bm.uuid)
                places.add(place)
                added.append(bm)
        return added

    # -- reading --------------------------------------------------------------------------------

    def get(self, uuid: str) -> Bookmark | None:
        with self._read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM bookmarks WHERE uuid=?", (uuid,)).fetchone()
        return _row(row) if row else None

    def list(self, include_deleted: bool = False) -> list[Bookmark]:
        """Every bookmark, newest first."""
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        with self._read() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM bookmarks {where} ORDER BY created DESC, rowid DESC").fetchall()
        return [_row(r) for r in rows]

    def for_article(self, article_id: str) -> list[Bookmark]:
        """Live bookmarks of one article, in reading order (of their recorded position)."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM bookmarks WHERE article_id=? AND deleted_at IS NULL "
                "ORDER BY pos_start, pos_end, created",
                (article_id,),
            ).fetchall()
        return [_row(r) for r in rows]

    def article_ids(self) -> set[str]:
        """Ids of the articles with at least one live bookmark (to mark them in the article list)."""
        with self._read() as conn:
            return {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM bookmarks WHERE deleted_at IS NULL")}

    # -- remembered anchors -----------------------------------------------------------------------

    def cached_anchors(self, content_hash: str) -> dict[str, Anchor]:
        """Remembered anchors (by bookmark uuid) in the article version ``content_hash``."""
        with self._read() as conn:
            rows = conn.execute('SELECT uuid, passage, start, "end", status FROM anchors WHERE content_hash=?',
                                (content_hash,)).fetchall()
        return {r[0]: Anchor(*r[1:]) for r in rows}

    def remember_anchors(self, content_hash: str, anchors: dict[str, Anchor]) -> None:
        """Remember where bookmarks (by uuid) sit in the article version ``content_hash``."""
        if not anchors:
            return
        with self._write() as conn:
            for uuid, a in anchors.items():
                conn.execute("DELETE FROM anchors WHERE uuid=? AND content_hash<>?", (uuid, content_hash))  # keep the latest
                conn.execute('INSERT OR REPLACE INTO anchors (uuid, content_hash, passage, start, "end", status) '
                             "SELECT ?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM bookmarks WHERE uuid=?)",
                             (uuid, content_hash, a.passage, a.start, a.end, a.status, uuid))
