"""The catalogue: each file's metadata cached in SQLite under the cache dir, keyed by (path, size,
mtime), so a start-up lists the articles without reading them and a refresh reads only what changed;
:class:`LazyMetas` makes the rows into :class:`~reader.corpus.model.ArticleMeta` objects when shown."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import overload

from reader import sqlitedb
from reader.corpus.files import _read_entry
from reader.corpus.model import ArticleMeta, CorpusFolderError, LoadError, ScanCancelled, ScanResult, title_key
from reader.corpus.scan import _by_name, _dedupe, _duplicate, _listed, list_articles, sort_in
from reader.passages import PASSAGES_VERSION

# 2: sort_title (the list comes sorted from SQLite); 3: pv (passages version); 4: warning (and files
# that were errors are read again: a bad date is now a warning, sub-folders are scanned); 5: feed
# (front matter) and first_seen (when a scan first saw the article: the list filter's `new`)
CATALOGUE_VERSION = 5


class LazyMetas(Sequence[ArticleMeta]):
    """Catalogue rows that become :class:`ArticleMeta` objects only when asked for.

    Start-up reads only each article's file name and id, in list order (straight from an index);
    the other columns are read 256 rows at a time when a row is first asked for (the list paints
    ~20), and all at once when the whole sequence is iterated. A start-up with 50k articles thus
    builds ~20 objects, not 50k (a ``Path`` alone costs ~10 µs).
    """

    CHUNK = 256

    def __init__(self, folder: Path, names: list[str], ids: list[str],
                 load_rows: Callable[[list[str] | None], dict[str, tuple]]) -> None:
        self.folder = folder
        self.names = names
        self.ids = ids
        self._load_rows = load_rows  # names (None: all) → {name: row}, row as in _LIST_COLUMNS
        self._rows: dict[int, tuple] = {}
        self._made: dict[int, ArticleMeta] = {}

    def __len__(self) -> int:
        return len(self.names)

    def _fill(self, start: int, end: int, found: dict[str, tuple]) -> None:
        for k in range(start, end):
            row = found.get(self.names[k])
            # gone from the catalogue since (a rescan is replacing this list): a stand-in that opening
            # reports as unreadable, never a crash
            self._rows[k] = row or (self.names[k], self.ids[k], self.ids[k], "", None, None, None, None, None, 0, None)

    def _row(self, i: int) -> tuple:
        row = self._rows.get(i)
        if row is None:
            start = i - i % self.CHUNK
            end = min(len(self.names), start + self.CHUNK)
            self._fill(start, end, self._load_rows(self.names[start:end]))
            row = self._rows[i]
        return row

    @overload
    def __getitem__(self, i: int) -> ArticleMeta: ...
    @overload
    def __getitem__(self, i: slice) -> list[ArticleMeta]: ...

    def __getitem__(self, i: int | slice) -> ArticleMeta | list[ArticleMeta]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self.names)
        if not 0 <= i < len(self.names):
            raise IndexError(i)
        meta = self._made.get(i)
        if meta is None:
            meta = self._made[i] = _meta_from_row(self.folder, self._row(i))
        return meta

    def __iter__(self) -> Iterator[ArticleMeta]:
        if len(self._rows) < len(self.names):  # every row in one query, not one per chunk
            self._fill(0, len(self.names), self._load_rows(None))
        for i in range(len(self.names)):
            yield self[i]


def _meta_from_row(folder: Path, row: tuple) -> ArticleMeta:
    """An :class:`ArticleMeta` from catalogue columns (name, id, title, hash, language, published,
    published_inferred, source, url, words, feed)."""
    name, art_id, title, h, lang, pub, pub_inf, source, url, words = row[:10]
    feed = row[10] if len(row) > 10 else None
    return ArticleMeta(art_id, title, folder / name, h, lang, dt.date.fromisoformat(pub) if pub else None,
                       pub_inf, source, url, words, feed)


_FILES = """
CREATE TABLE files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
    id TEXT, title TEXT, hash TEXT, language TEXT, published TEXT, published_inferred TEXT,
    source TEXT, url TEXT, words INTEGER, error TEXT, sort_title TEXT,
    pv INTEGER,  -- the PASSAGES_VERSION the row was read with: an older one is read again
    warning TEXT,  -- a readable file's problem (say, a 'published' that is no date), NULL when none
    feed TEXT,  -- front matter 'feed:' (version 5)
    first_seen REAL  -- Unix time a scan first saw this article id (version 5; kept across edits and renames)
);
"""
_INDEXES = """
-- the list in its order, read straight from this index at start-up: no sort, and no lookup into
-- the table per row (the index covers the columns read; at 50k rows 346 ms → 116 ms)
CREATE INDEX files_list ON files (published IS NULL, published DESC, sort_title, id, name,
    title, hash, language, published_inferred, source, url, words, feed) WHERE error IS NULL;
"""
_SCHEMA = _FILES + _INDEXES
# columns added since version 1, and how an older table gets them (kept, not rebuilt: a 50k-article
# catalogue would otherwise be read again from the files before the list shows)
_ADDED_COLUMNS = {"sort_title": "TEXT", "pv": "INTEGER", "warning": "TEXT", "feed": "TEXT", "first_seen": "REAL"}


def _upgrade(conn: sqlite3.Connection, _old_version: int) -> bool:
    """An older catalogue (versions 1-3 kept theirs in an ``info`` table, user_version 0) gets the new
    columns (rows then read again as their pv is unset); one of an unknown layout is replaced.

    Version 5's ``first_seen`` of a row already there is its file's modification time (when it was
    written into the folder: the best guess of its arrival there is); its ``feed`` stays unset until
    the file changes, except under ``feeds/``, where ``reader fetch`` writes: those rows are read
    again (the others are kept)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(files)")}
    if not have >= {"name", "size", "mtime_ns", "id", "title", "hash", "error"}:
        return False
    for column, kind in _ADDED_COLUMNS.items():
        if column not in have:
            conn.execute(f"ALTER TABLE files ADD COLUMN {column} {kind}")
    conn.execute("UPDATE files SET first_seen = mtime_ns / 1e9 WHERE first_seen IS NULL")
    rows = conn.execute("SELECT name, title FROM files WHERE title IS NOT NULL").fetchall()
    conn.executemany("UPDATE files SET sort_title = ? WHERE name = ?", [(title_key(title), name) for name, title in rows])
    conn.execute("UPDATE files SET pv = NULL WHERE error IS NOT NULL")  # bad files: read again (some are now warnings)
    if "feed" not in have:  # fetched before the column existed: their feed is in their front matter
        conn.execute("UPDATE files SET pv = NULL WHERE name LIKE 'feeds/%'")
    conn.execute("DROP INDEX IF EXISTS files_order")
    conn.execute("DROP INDEX IF EXISTS files_list")
    for statement in sqlitedb.statements(_INDEXES):
        conn.execute(statement)
    return True


_LAYOUT = sqlitedb.Layout("catalogue", CATALOGUE_VERSION, _SCHEMA, _upgrade,
                          probe=("SELECT name, size, mtime_ns, id, title, hash, language, published, "
                                 "published_inferred, source, url, words, error, sort_title, pv, warning, feed, first_seen "
                                 "FROM files LIMIT 0",))


class Catalogue:
    """Cached metadata of a corpus folder (see module docstring). Thread-safe: one connection per call.

    A damaged catalogue is deleted and rebuilt (:mod:`reader.sqlitedb`), found at open or while rows are read;
    one that cannot be written (read-only cache folder, full disk) is done without: every scan then reads
    the files again, until the next start.
    """

    def __init__(self, folder: Path, db_path: Path | None = None):
        from reader import paths

        self.folder = Path(folder).resolve()
        try:
            self.db_path = db_path or paths.corpus_cache_dir(self.folder) / "catalogue.sqlite3"
        except OSError:  # the cache folder cannot be made: the articles are read without the catalogue
            self.db_path = sqlitedb.MEMORY

    def _connect(self) -> sqlite3.Connection:
        return sqlitedb.open_cache(self.db_path, _LAYOUT)

    # every column, in this order whatever order an upgraded table has them in (see _row_to)
    _ALL_COLUMNS = ("name, size, mtime_ns, id, title, hash, language, published, published_inferred, source, url, "
                    "words, error, sort_title, pv, warning, feed, first_seen")

    def _row_to(self, row: tuple) -> ArticleMeta | LoadError:
        name, _size, _mtime, *columns, error = row[:13]
        if error:
            return LoadError(self.folder / name, error, name)
        return _meta_from_row(self.folder, (name, *columns, row[16]))

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def cached(self) -> ScanResult:
        """What the last scan saw, without touching the article files (fast: for first paint).

        Same order and duplicate handling as :meth:`refresh`, on plain rows; articles are a
        :class:`LazyMetas`.
        """
        # SQLite returns the list in order (order_key: newest first, undated last, title key, id),
        # straight from the files_list index; only names and ids now, the rest when rows are shown
        with self._connect() as conn:
            rows = conn.execute("SELECT name, id FROM files WHERE error IS NULL ORDER BY published IS NULL, "
                                "published DESC, sort_title, id, name").fetchall()
            bad = conn.execute("SELECT name, error FROM files WHERE error IS NOT NULL").fetchall()
            warned = conn.execute("SELECT name, warning FROM files WHERE warning IS NOT NULL AND error IS NULL "
                                  "ORDER BY name").fetchall()
        errors = [(name, error) for name, error in bad]
        if len({row[1] for row in rows}) != len(rows):  # duplicate ids: the first file by name keeps it
            owner: dict[str, str] = {}
            for name, art_id in rows:
                if art_id not in owner or name < owner[art_id]:
                    owner[art_id] = name
            errors += [(name, _duplicate(art_id, owner[art_id])) for name, art_id in rows if owner[art_id] != name]
            rows = [row for row in rows if owner[row[1]] == row[0]]
        errors.sort()
        if warned:
            kept = {row[0] for row in rows}
            warned = [(n, w) for n, w in warned if n in kept]
        metas = LazyMetas(self.folder, [r[0] for r in rows], [r[1] for r in rows], self._list_rows)
        return ScanResult(metas, [LoadError(self.folder / n, e, n) for n, e in errors],
                          warnings=[LoadError(self.folder / n, w, n) for n, w in warned])

    _LIST_COLUMNS = "name, id, title, hash, language, published, published_inferred, source, url, words, feed"

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def _list_rows(self, names: list[str] | None) -> dict[str, tuple]:
        """The list columns of some files (all readable ones for None), by file name."""
        with closing(self._connect()) as conn:
            if names is None:
                found = conn.execute(f"SELECT {self._LIST_COLUMNS} FROM files WHERE error IS NULL").fetchall()
            else:
                found = []
                for k in range(0, len(names), 500):  # under SQLite's bound-parameter limit
                    part = names[k:k + 500]
                    found += conn.execute(f"SELECT {self._LIST_COLUMNS} FROM files WHERE name IN "
                                          f"({','.join('?' * len(part))})", part).fetchall()
        return {row[0]: row for row in found}

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def filter_rows(self) -> list[tuple]:
        """(id, sort_title, language, published, source, feed, first_seen, hash) of every listed article, in one
        query: the columns the list filter and sort keep (:mod:`reader.listfilter`). A duplicate id is the
        first file's by name, as in the list."""
        with closing(self._connect()) as conn:
            rows = conn.execute("SELECT id, sort_title, language, published, source, feed, first_seen, hash FROM files "
                                "WHERE error IS NULL ORDER BY name").fetchall()
        seen: set[str] = set()
        out = []
        for row in rows:
            if row[0] not in seen:
                seen.add(row[0])
                out.append(row)
        return out

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def unchanged(self) -> bool:
        """True when no file was added, removed or modified since the last scan (stat only: cheap)."""
        if not self.folder.is_dir():
            return False
        with self._connect() as conn:
            known = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT name, size, mtime_ns FROM files")}
        try:
            entries = list_articles(self.folder).files
        except CorpusFolderError:
            return False  # the refresh says why
        if len(entries) != len(known):
            return False
        for name, entry in entries:
            try:
                st = entry.stat()
            except OSError:
                return False
            if known.get(name) != (st.st_size, st.st_mtime_ns):
                return False
        return True

    STOP_EVERY = 50  # files between two should_stop() checks

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def refresh(self, progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> ScanResult:
        """Stat every file, re-read only new or changed ones, forget deleted ones.

        ``should_stop`` is asked every :attr:`STOP_EVERY` files: when true, the rows read so far are
        saved and :class:`ScanCancelled` is raised (quitting never waits for a cold scan to end)."""
        listing = list_articles(self.folder)  # CorpusFolderError when the folder cannot be listed
        conn = self._connect()
        try:
            old = {row[0]: row for row in conn.execute(f"SELECT {self._ALL_COLUMNS} FROM files")}
            old_hash: dict[str, str] = {}
            owner: dict[str, str] = {}  # id → hash of the file that had the id (the first by name)
            for row in old.values():
                if not row[12] and (row[3] not in owner or row[0] < owner[row[3]]):
                    owner[row[3]], old_hash[row[3]] = row[0], row[5]
            first_seen: dict[str, float] = {}  # by id: an edited or renamed file keeps its article's
            for row in old.values():
                if not row[12] and row[17] is not None and row[17] < first_seen.get(row[3], float("inf")):
                    first_seen[row[3]] = row[17]
            now = time.time()
            entries = listing.files
            total = len(entries)
            metas: list[ArticleMeta] = []
            errors: list[LoadError] = list(listing.problems)
            warnings: list[LoadError] = []
            seen_names = set()
            updates: list[tuple] = []
            stopped = False
            for n, (name, entry) in enumerate(entries, 1):
                seen_names.add(name)
                path = Path(entry.path)
                try:
                    st = entry.stat()
                except OSError as exc:
                    errors.append(LoadError(path, f"cannot read: {exc.strerror or exc}", name))
                    continue
                row = old.get(name)
                if row is not None and row[1] == st.st_size and row[2] == st.st_mtime_ns and \
                        row[14] == PASSAGES_VERSION:
                    item, warning = self._row_to(row), row[15]
                else:
                    item, warning = _read_entry(path, name)
                    if isinstance(item, LoadError):
                        updates.append((name, st.st_size, st.st_mtime_ns) + (None,) * 9
                                       + (item.message, None, PASSAGES_VERSION, None, None, None))
                    else:
                        m = item
                        updates.append((name, st.st_size, st.st_mtime_ns, m.id, m.title, m.content_hash,
                                        m.language, m.published.isoformat() if m.published else None,
                                        m.published_inferred, m.source, m.url, m.words, None,
                                        title_key(m.title), PASSAGES_VERSION, warning, m.feed,
                                        first_seen.setdefault(m.id, now)))
                sort_in(item, warning, path, name, metas, errors, warnings)
                if progress and (n % 500 == 0 or n == total):
                    progress(n, total)
                if should_stop and n % self.STOP_EVERY == 0 and should_stop():
                    stopped = True
                    break
            # the files not listed are gone (not when stopped: those not reached were not listed)
            gone = [] if stopped else [name for name in old if name not in seen_names]
            with conn:
                conn.executemany(f"INSERT OR REPLACE INTO files ({self._ALL_COLUMNS}) VALUES "
                                 f"({','.join('?' * 18)})", updates)
                conn.executemany("DELETE FROM files WHERE name = ?", [(g,) for g in gone])
        finally:
            conn.close()
        if stopped:
            raise ScanCancelled(f"stopped after {len(seen_names)} of {total} files")
        articles = _dedupe(self.folder, metas, errors)
        warnings = _listed(articles, warnings)
        errors = _by_name(errors)
        current = {m.id for m in articles}
        changed = {m.id for m in articles if old_hash.get(m.id) != m.content_hash}
        removed = set(old_hash) - current
        return ScanResult(articles, errors, changed, removed, warnings, listing.skipped)
