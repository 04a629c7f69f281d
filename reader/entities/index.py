"""Corpus-level entity index: entity key → articles (read side: imports neither spaCy nor Textual).

One SQLite file per corpus, ``<corpus cache>/entities.sqlite3``, rebuilt from the per-hash
annotation cache (:mod:`reader.entities.cache`)::

    articles(article_id PRIMARY KEY, hash, model)          -- which annotation version is indexed
    mentions(key, article_id, label, name, folded, count)  -- one row per entity per article

:meth:`EntityIndex.update` is incremental: only articles whose content hash changed (or that the
caller names as re-annotated) are re-read; articles no longer in the corpus are dropped; an
article without cached annotations yet is left out (and picked up by a later update). The
ingest process writes (WAL mode, one transaction per update) while the reader reads. A corrupt
or old-version file is deleted and rebuilt, never fatal (:mod:`reader.sqlitedb`), also when the
damage shows while rows are read: the reader then sees an empty index until the next update fills it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from reader import paths, sqlitedb
from reader.entities import cache as annotations
from reader.entities.model import EntityInfo
from reader.entities.model import fold as _fold

INDEX_VERSION = 1
_SCHEMA = """
CREATE TABLE articles (article_id TEXT PRIMARY KEY, hash TEXT NOT NULL, model TEXT);
CREATE TABLE mentions (
    key TEXT NOT NULL, article_id TEXT NOT NULL, label TEXT NOT NULL, name TEXT NOT NULL,
    folded TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (key, article_id)
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_folded ON mentions(folded);
"""


def _adopt(conn: sqlite3.Connection, _old_version: int) -> bool:
    """A file from before ``PRAGMA user_version`` (its version in an ``info`` table) of this layout is kept."""
    try:
        row = conn.execute("SELECT value FROM info WHERE key = 'version'").fetchone()
    except sqlite3.OperationalError:
        return False
    return row is not None and row[0] == str(INDEX_VERSION)


_LAYOUT = sqlitedb.Layout("entity index", INDEX_VERSION, _SCHEMA, _adopt, wal=True,
                          probe=("SELECT article_id, hash, model FROM articles LIMIT 0",
                                 "SELECT key, article_id, label, name, folded, count FROM mentions LIMIT 0"))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class EntityIndex:
    """See the module docstring. Each method opens its own connection (safe across threads)."""

    def __init__(self, folder: Path, db_path: Path | None = None):
        self.folder = Path(folder)
        self.db_path = Path(db_path) if db_path else paths.corpus_cache_dir(self.folder) / "entities.sqlite3"

    # --- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # damaged or of another version: deleted and rebuilt (everything here comes from the annotation cache)
        return sqlitedb.open_cache(self.db_path, _LAYOUT)

    # --- write side (ingest process) --------------------------------------------------------

    @sqlitedb.rebuilds("entity index")
    def indexed(self) -> dict[str, tuple[str, str | None]]:
        """article id → (content hash, model id) of what the index holds."""
        conn = self._connect()
        try:
            return {a: (h, m) for a, h, m in conn.execute("SELECT article_id, hash, model FROM articles")}
        finally:
            conn.close()

    @sqlitedb.rebuilds("entity index")
    def update(self, metas: Iterable, changed: Iterable[str] = (), prune: bool = True) -> int:
        """Sync with ``metas`` (the whole corpus); returns how many articles were (re)read.

        ``changed``: ids to re-read even at the same hash (re-annotated). ``prune=False`` when
        ``metas`` is only a part of the corpus: other articles are then kept.
        """
        metas = list(metas)
        force = set(changed)
        conn = self._connect()
        try:
            current = {a: h for a, h in conn.execute("SELECT article_id, hash FROM articles")}
            ids = {m.id for m in metas}
            n = 0
            with conn:
                gone = [a for a in current if a not in ids] if prune else []
                for a in gone:
                    conn.execute("DELETE FROM mentions WHERE article_id = ?", (a,))
                    conn.execute("DELETE FROM articles WHERE article_id = ?", (a,))
                for meta in metas:
                    if current.get(meta.id) == meta.content_hash and meta.id not in force:
                        continue
                    ann = annotations.load(meta.content_hash)
                    conn.execute("DELETE FROM mentions WHERE article_id = ?", (meta.id,))
                    if ann is None:
                        conn.execute("DELETE FROM articles WHERE article_id = ?", (meta.id,))
                        continue
                    n += 1
                    conn.executemany(
                        "INSERT OR REPLACE INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
                        [(e.key, meta.id, e.label, e.name, _fold(e.name), e.mentions) for e in ann.entities],
                    )
                    conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                                 (meta.id, meta.content_hash, ann.model))
            return n
        finally:
            conn.close()

    # --- read side (UI) ---------------------------------------------------------------------

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read; none when the index is unavailable (locked, unreadable folder…). A damaged
        file is deleted and recreated empty: the next ``reader index`` fills it again."""
        try:
            return self._rows(sql, params)
        except sqlite3.Error:
            return []

    @sqlitedb.rebuilds("entity index")
    def _rows(self, sql: str, params: tuple) -> list[tuple]:
        with closing(self._connect()) as conn:
            return conn.execute(sql, params).fetchall()

    def article_count(self, key: str) -> int:
        """How many articles mention the entity ``key``."""
        rows = self._query("SELECT COUNT(*) FROM mentions WHERE key = ?", (key,))
        return rows[0][0] if rows else 0

    def articles(self, key: str) -> list[str]:
        """Ids of the articles mentioning ``key``, most mentions first."""
        rows = self._query("SELECT article_id FROM mentions WHERE key = ? ORDER BY count DESC, article_id", (key,))
        return [r[0] for r in rows]

    def entities(self, article_id: str) -> list[EntityInfo]:
        """The entities of one article (``mentions`` = mentions in that article), most mentioned first."""
        rows = self._query("SELECT key, label, name, count FROM mentions WHERE article_id = ? "
                           "ORDER BY count DESC, key", (article_id,))
        return [EntityInfo(k, lab, name, c) for k, lab, name, c in rows]

    def name(self, key: str) -> str | None:
        """The corpus-wide display name of ``key`` (the name most articles use)."""
        rows = self._query("SELECT name FROM mentions WHERE key = ? GROUP BY name "
                           "ORDER BY COUNT(*) DESC, LENGTH(name) DESC LIMIT 1", (key,))
        return rows[0][0] if rows else None

    def search_names(self, prefix: str, limit: int = 20) -> list[EntityInfo]:
        """Entities whose name, or a word of it, starts with ``prefix`` (case/accent-insensitive).

        Here ``EntityInfo.mentions`` is the number of **articles** mentioning the entity; most
        widespread first.
        """
        folded = _fold(prefix.strip())
        if not folded:
            return []
        p = _like_escape(folded)
        rows = self._query(
            "SELECT key, label, name, COUNT(DISTINCT article_id) AS n FROM mentions "
            "WHERE folded LIKE ? ESCAPE '\\' OR folded LIKE ? ESCAPE '\\' "
            "GROUP BY key ORDER BY n DESC, key LIMIT ?",
            (p + "%", "% " + p + "%", int(limit)),
        )
        out = []
        for key, label, name, n in rows:
            out.append(EntityInfo(key, label, self.name(key) or name, n))
        return out
