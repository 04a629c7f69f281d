"""Corpus loading: a folder of Markdown articles with YAML front matter.

A file looks like::

    ---
    id: some-stable-id          # required, unique in the corpus
    title: "Le titre"           # required
    language: fr                # ISO code; default "und"
    published: 2023-04-19       # optional, ISO date or datetime
    published_inferred: "why"   # optional: the date was inferred, and how
    source: Example.fr          # optional
    url: https://…              # optional
    ---
    Markdown body…

Every bad file yields a :class:`LoadError` with a clear message; the other files still load.

Speed: the :class:`Catalogue` keeps each file's metadata in SQLite under the cache dir keyed by
(path, size, mtime), so a start-up lists tens of thousands of articles without reading them, and a
refresh only reads files that changed. Bodies are read and parsed into passages on demand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from reader import sqlitedb
from reader.passages import PASSAGES_VERSION, ParsedArticle, make_safe, parse_passages, parses_differently

MAX_BYTES = 5 * 1024 * 1024
CATALOGUE_VERSION = 4  # 2: sort_title (the list comes sorted from SQLite); 3: pv (passages version);
# 4: feed (the feed URL of a fetched article)
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")



def _yaml():
    """PyYAML, imported on first use (start-up from the catalogue never parses front matter)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ArticleMeta:
    id: str
    title: str
    path: Path
    content_hash: str
    language: str = "und"
    published: dt.date | None = None
    published_inferred: str | None = None
    source: str | None = None
    url: str | None = None
    words: int = 0
    feed: str | None = None  # the feed URL of an article written by reader.feeds (front matter 'feed')

    @property
    def date_label(self) -> str:
        if not self.published:
            return ""
        return self.published.isoformat() + ("~" if self.published_inferred else "")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "published": self.published.isoformat() if self.published else None,
            "published_inferred": self.published_inferred,
            "source": self.source,
            "url": self.url,
            "path": str(self.path),
            "content_hash": self.content_hash,
            "words": self.words,
            "feed": self.feed,
        }


@dataclass(frozen=True)
class LoadError:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.message}"


@dataclass(frozen=True)
class Article:
    meta: ArticleMeta
    body: str
    parsed: ParsedArticle = field(repr=False)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def passages(self):
        return self.parsed.passages


class ArticleFileError(ValueError):
    """A file that cannot be read as an article; the message is meant for the user."""


def content_hash(data: bytes, body: str | None = None) -> str:
    """The version of an article every cache is keyed by: its bytes, and — for a body whose passages
    a newer parser reads differently (see :data:`reader.passages.PASSAGES_VERSION`) — that version,
    so such an article alone is annotated and indexed again after an upgrade."""
    if body is not None and parses_differently(body):
        data += b"\x00passages:%d" % PASSAGES_VERSION
    return hashlib.sha256(data).hexdigest()[:24]


def _split_front_matter(text: str) -> tuple[str, str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        raise ArticleFileError("no front matter: the file must start with a '---' block holding id and title")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ArticleFileError("malformed front matter: the first line must be exactly '---'")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise ArticleFileError("malformed front matter: no closing '---' line")


def _as_date(value, key: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ArticleFileError(f"'{key}' is not a date (YYYY-MM-DD): {str(value)[:40]!r}") from None


def _opt_str(fm: dict, key: str) -> str | None:
    value = fm.get(key)
    if value is None or value is False:
        return None
    if value is True:
        return "yes"
    return make_safe(str(value)).strip() or None


def parse_article_bytes(path: Path, data: bytes) -> tuple[ArticleMeta, str]:
    """Validate one file's bytes; returns its metadata and (safe) Markdown body or raises ArticleFileError."""
    if not data.strip():
        raise ArticleFileError("empty file")
    if len(data) > MAX_BYTES:
        raise ArticleFileError(f"too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    if b"\x00" in data[:8192]:
        raise ArticleFileError("binary file (contains NUL bytes), not Markdown text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleFileError(f"not valid UTF-8 (bad byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    front, body = _split_front_matter(text.replace("\r\n", "\n"))
    yaml, loader = _yaml()
    try:
        fm = yaml.load(front, Loader=loader) if front.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ArticleFileError(f"front matter is not valid YAML{where}: {problem}") from None
    if not isinstance(fm, dict):
        raise ArticleFileError("front matter must be 'key: value' lines with at least id and title")
    raw_id = fm.get("id")
    if raw_id is None or str(raw_id).strip() == "":
        raise ArticleFileError("front matter lacks 'id'")
    art_id = str(raw_id).strip()
    if not _ID_RE.match(art_id):
        raise ArticleFileError(f"id {art_id[:40]!r} must be letters, digits, '.', '_', ':' or '-' (at most 200)")
    title = _opt_str(fm, "title")
    if not title:
        raise ArticleFileError("front matter lacks 'title'")
    language = (_opt_str(fm, "language") or _opt_str(fm, "lang") or "und").lower()
    body = make_safe(body)
    meta = ArticleMeta(
        id=art_id,
        title=" ".join(title.split()),
        path=path,
        content_hash=content_hash(data, body),
        language=language[:12],
        published=_as_date(fm.get("published") or fm.get("date"), "published"),
        published_inferred=_opt_str(fm, "published_inferred"),
        source=_opt_str(fm, "source"),
        url=_opt_str(fm, "url"),
        words=len(body.split()),
        feed=_opt_str(fm, "feed"),
    )
    return meta, body


def read_article_file(path: Path) -> tuple[ArticleMeta, str]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                size = os.fstat(fh.fileno()).st_size
                raise ArticleFileError(f"too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    except OSError as exc:
        raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    return parse_article_bytes(path, data)


def load_article(meta: ArticleMeta) -> Article:
    """Read and parse one article's body (re-reading its file: it may have changed since listing)."""
    new_meta, body = read_article_file(meta.path)
    return Article(new_meta, body, parse_passages(body))


def title_key(title: str) -> str:
    """Case- and accent-insensitive key, so « Éclair » sorts with the e's, not after z."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def order_key(published: dt.date | None, title: str, art_id: str) -> tuple:
    """The list order: newest first, undated last, then by title (accents ignored), then id."""
    return (-(published.toordinal() if published else 0), title_key(title), art_id)


def sort_key(meta: ArticleMeta):
    return order_key(meta.published, meta.title, meta.id)


class LazyMetas(Sequence):
    """Catalogue rows that become :class:`ArticleMeta` objects only when asked for.

    Start-up reads only each article's file name and id, in list order (straight from an index);
    the other columns are read 256 rows at a time when a row is first asked for (the list paints
    ~20), and all at once when the whole sequence is iterated. A start-up with 50k articles thus
    builds ~20 objects, not 50k (a ``Path`` alone costs ~10 µs).
    """

    CHUNK = 256

    def __init__(self, folder: Path, names: list[str], ids: list[str],
                 load_rows: Callable[[list[str] | None], dict[str, tuple]]):
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

    def __getitem__(self, i):
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

    def __iter__(self):
        if len(self._rows) < len(self.names):  # every row in one query, not one per chunk
            self._fill(0, len(self.names), self._load_rows(None))
        for i in range(len(self.names)):
            yield self[i]


@dataclass
class ScanResult:
    articles: list[ArticleMeta]
    errors: list[LoadError]
    changed: set[str] = field(default_factory=set)  # ids new or with a new content hash
    removed: set[str] = field(default_factory=set)  # ids gone since the last scan


FEEDS_SUBDIR = "feeds"  # feeds/<feed>/*.md: articles written by reader.feeds, listed with the others


class _SubEntry:
    """A file under ``feeds/<feed>/`` as :func:`_list_md` lists it: ``name`` is its path relative to
    the corpus folder (the catalogue's key, and ``folder / name`` is the file)."""

    __slots__ = ("name", "path", "_entry")

    def __init__(self, name: str, entry: os.DirEntry):
        self.name, self.path, self._entry = name, entry.path, entry

    def stat(self):
        return self._entry.stat()


def _list_md(folder: Path) -> list:
    entries: list = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.endswith(".md") and not entry.name.startswith("."):
                entries.append(entry)
    feeds = os.path.join(folder, FEEDS_SUBDIR)
    if os.path.isdir(feeds):
        with os.scandir(feeds) as it:
            subdirs = [d for d in it if not d.name.startswith(".") and d.is_dir(follow_symlinks=False)]
        for d in subdirs:
            try:
                with os.scandir(d.path) as it:
                    entries += [_SubEntry(f"{FEEDS_SUBDIR}/{d.name}/{e.name}", e) for e in it
                                if e.name.endswith(".md") and not e.name.startswith(".")]
            except OSError:
                continue
    entries.sort(key=lambda e: e.name)
    return entries


def _duplicate(art_id: str, first_file: str) -> str:
    return f"duplicate id {art_id!r} (already used by {first_file}); skipped"


def _meta_from_row(folder: Path, row: tuple) -> ArticleMeta:
    """An :class:`ArticleMeta` from catalogue columns (name, id, title, hash, language, published,
    published_inferred, source, url, words, feed)."""
    name, art_id, title, h, lang, pub, pub_inf, source, url, words, feed = row
    return ArticleMeta(art_id, title, folder / name, h, lang, dt.date.fromisoformat(pub) if pub else None,
                       pub_inf, source, url, words, feed)


def _dedupe(metas: Iterable[ArticleMeta], errors: list[LoadError]) -> list[ArticleMeta]:
    seen: dict[str, ArticleMeta] = {}
    for meta in metas:  # in file-name order: the first file keeps the id
        if meta.id in seen:
            errors.append(LoadError(meta.path, _duplicate(meta.id, seen[meta.id].path.name)))
        else:
            seen[meta.id] = meta
    return sorted(seen.values(), key=sort_key)


def load_folder(folder: Path) -> ScanResult:
    """Read every article of a folder, without any cache (used by tests and small corpora)."""
    folder = Path(folder)
    metas, errors = [], []
    for entry in _list_md(folder):
        path = Path(entry.path)
        try:
            metas.append(read_article_file(path)[0])
        except ArticleFileError as exc:
            errors.append(LoadError(path, str(exc)))
    return ScanResult(_dedupe(metas, errors), errors)


_FILES = """
CREATE TABLE files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
    id TEXT, title TEXT, hash TEXT, language TEXT, published TEXT, published_inferred TEXT,
    source TEXT, url TEXT, words INTEGER, error TEXT, sort_title TEXT,
    pv INTEGER, -- the PASSAGES_VERSION the row was read with: an older one is read again
    feed TEXT   -- front matter 'feed': the feed URL of a fetched article
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
_ADDED_COLUMNS = ("sort_title", "pv", "feed")


def _upgrade(conn: sqlite3.Connection, _old_version: int) -> bool:
    """An older catalogue (versions 1-3 kept theirs in an ``info`` table, user_version 0) gets the new
    columns (rows then read again as their pv is unset); one of an unknown layout is replaced."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(files)")}
    if not have >= {"name", "size", "mtime_ns", "id", "title", "hash", "error"}:
        return False
    for column in _ADDED_COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE files ADD COLUMN {column} {'INTEGER' if column == 'pv' else 'TEXT'}")
    if "feed" not in have:  # only fetched articles carry a feed: those rows are read again, the rest kept
        conn.execute(f"UPDATE files SET pv = NULL WHERE name LIKE '{FEEDS_SUBDIR}/%'")
    rows = conn.execute("SELECT name, title FROM files WHERE title IS NOT NULL").fetchall()
    conn.executemany("UPDATE files SET sort_title = ? WHERE name = ?", [(title_key(title), name) for name, title in rows])
    conn.execute("DROP INDEX IF EXISTS files_order")
    conn.execute("DROP INDEX IF EXISTS files_list")
    for statement in sqlitedb.statements(_INDEXES):
        conn.execute(statement)
    return True


_LAYOUT = sqlitedb.Layout("catalogue", CATALOGUE_VERSION, _SCHEMA, _upgrade,
                          probe=("SELECT name, size, mtime_ns, id, title, hash, language, published, "
                                 "published_inferred, source, url, words, error, sort_title, pv, feed FROM files LIMIT 0",))


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

    def _row_to(self, row) -> ArticleMeta | LoadError:
        name, _size, _mtime, *columns, error = row[:13]
        if error:
            return LoadError(self.folder / name, error)
        return _meta_from_row(self.folder, (name, *columns, row[15]))

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
        errors = [(name, error) for name, error in bad]
        if len({row[1] for row in rows}) != len(rows):  # duplicate ids: the first file by name keeps it
            owner: dict[str, str] = {}
            for name, art_id in rows:
                if art_id not in owner or name < owner[art_id]:
                    owner[art_id] = name
            errors += [(name, _duplicate(art_id, owner[art_id])) for name, art_id in rows if owner[art_id] != name]
            rows = [row for row in rows if owner[row[1]] == row[0]]
        errors.sort()
        metas = LazyMetas(self.folder, [r[0] for r in rows], [r[1] for r in rows], self._list_rows)
        return ScanResult(metas, [LoadError(self.folder / n, e) for n, e in errors])

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
    def unchanged(self) -> bool:
        """True when no file was added, removed or modified since the last scan (stat only: cheap)."""
        if not self.folder.is_dir():
            return False
        with self._connect() as conn:
            known = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT name, size, mtime_ns FROM files")}
        entries = _list_md(self.folder)
        if len(entries) != len(known):
            return False
        for entry in entries:
            try:
                st = entry.stat()
            except OSError:
                return False
            if known.get(entry.name) != (st.st_size, st.st_mtime_ns):
                return False
        return True

    @sqlitedb.rebuilds("catalogue", degrade=True)
    def refresh(self, progress: Callable[[int, int], None] | None = None) -> ScanResult:
        """Stat every file, re-read only new or changed ones, forget deleted ones."""
        if not self.folder.is_dir():
            raise FileNotFoundError(f"articles folder not found: {self.folder}")
        conn = self._connect()
        try:
            old = {row[0]: row for row in conn.execute("SELECT * FROM files")}
            old_hash = {row[3]: row[5] for row in old.values() if not row[12]}
            entries = _list_md(self.folder)
            total = len(entries)
            metas, errors = [], []
            seen_names = set()
            updates = []
            for n, entry in enumerate(entries, 1):
                seen_names.add(entry.name)
                try:
                    st = entry.stat()
                except OSError as exc:
                    errors.append(LoadError(Path(entry.path), f"cannot read: {exc.strerror or exc}"))
                    continue
                row = old.get(entry.name)
                if row is not None and row[1] == st.st_size and row[2] == st.st_mtime_ns and \
                        row[14] == PASSAGES_VERSION:
                    item = self._row_to(row)
                else:
                    path = Path(entry.path)
                    try:
                        item = read_article_file(path)[0]
                        m = item
                        updates.append((entry.name, st.st_size, st.st_mtime_ns, m.id, m.title, m.content_hash,
                                        m.language, m.published.isoformat() if m.published else None,
                                        m.published_inferred, m.source, m.url, m.words, None,
                                        title_key(m.title), PASSAGES_VERSION, m.feed))
                    except ArticleFileError as exc:
                        item = LoadError(path, str(exc))
                        updates.append((entry.name, st.st_size, st.st_mtime_ns) + (None,) * 9
                                       + (str(exc), None, PASSAGES_VERSION, None))
                (errors if isinstance(item, LoadError) else metas).append(item)
                if progress and (n % 500 == 0 or n == total):
                    progress(n, total)
            gone = [name for name in old if name not in seen_names]
            with conn:
                conn.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", updates)
                conn.executemany("DELETE FROM files WHERE name = ?", [(g,) for g in gone])
        finally:
            conn.close()
        articles = _dedupe(metas, errors)
        current = {m.id for m in articles}
        changed = {m.id for m in articles if old_hash.get(m.id) != m.content_hash}
        removed = set(old_hash) - current
        return ScanResult(articles, errors, changed, removed)
