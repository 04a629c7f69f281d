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
    feed: https://…/feed.xml    # optional: the feed the article was fetched from (reader.feeds)
    ---
    Markdown body…

Articles are the ``*.md`` and ``*.markdown`` files of the folder and of its sub-folders (hidden
ones skipped), named in the catalogue by their path relative to the folder (``feeds/x/a.md``).
Every bad file yields a :class:`LoadError` with a clear message; the other files still load. A
fixable problem that does not stop the article from being listed (a ``published`` that is not a
date) is a warning, also a :class:`LoadError`, in :attr:`ScanResult.warnings`. Only regular files
are opened, never blocking (a FIFO named ``x.md`` is an error, not a hang). Other files are
counted in :attr:`ScanResult.skipped`.

Speed: the :class:`Catalogue` keeps each file's metadata in SQLite under the cache dir keyed by
(path, size, mtime), so a start-up lists tens of thousands of articles without reading them, and a
refresh only reads files that changed. Bodies are read and parsed into passages on demand.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import sqlite3
import stat
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from reader import sqlitedb
from reader.passages import (PASSAGES_VERSION, ParsedArticle, make_safe, make_safe_line, parse_passages_cached,
                             parses_differently)
from reader.log import log_exception

MAX_BYTES = 5 * 1024 * 1024
# 2: sort_title (the list comes sorted from SQLite); 3: pv (passages version); 4: warning (and files
# that were errors are read again: a bad date is now a warning, sub-folders are scanned); 5: feed
# (front matter) and first_seen (when a scan first saw the article: the list filter's `new`)
CATALOGUE_VERSION = 5
ARTICLE_SUFFIXES = (".md", ".markdown")
MAX_DEPTH = 32  # sub-folder levels scanned below the articles folder
CORPUS_FILES = frozenset({"feeds.txt"})  # the corpus's own files (subscriptions): not articles, not 'skipped'
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@functools.cache
def _yaml():
    """PyYAML and its safe loader, imported on first use (start-up from the catalogue never parses
    front matter). The loader constructs no dates or times: ``2024-02-30`` or ``25:00:00`` in any key
    made PyYAML raise a bare ValueError; every value that looks like a timestamp (or is tagged
    ``!!timestamp``) stays the text it was written as, and :func:`_as_date` reads ``published``."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class FrontMatterLoader(base):
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != _TIMESTAMP_TAG]
        for first, resolvers in base.yaml_implicit_resolvers.items()}
    FrontMatterLoader.add_constructor(_TIMESTAMP_TAG, lambda loader, node: loader.construct_scalar(node))
    return yaml, FrontMatterLoader


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
    feed: str | None = None  # front matter ``feed:``: the URL of the feed it was fetched from

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
    """A file (or sub-folder) that could not be read, or read with a warning. ``name`` is its path
    relative to the articles folder (the file name when not given).

    ``str()`` is the one form shown to the user (CLI stderr, the UI's notices, the ingest report):
    name and message go through :func:`reader.passages.make_safe_line`, so a file named with
    terminal escape sequences prints inert pictures, never an escape."""

    path: Path
    message: str
    name: str = ""

    def __str__(self) -> str:
        return f"{make_safe_line(self.name or self.path.name)}: {make_safe_line(self.message)}"


class ScanCancelled(Exception):
    """:meth:`Catalogue.refresh` stopped when asked to (the files read so far are kept)."""


class CorpusFolderError(OSError):
    """The articles folder itself cannot be listed; the message (safe to print) is for the user."""


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


# what YAML itself reads as a date: 2023-04-19, 2023-4-9, optionally followed by a time
_YAML_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[Tt\s])")


def _as_date(value, key: str) -> dt.date | None:
    """``published`` as a date; raises ArticleFileError (said as a warning: the article is listed
    undated) for text that is no date, or no real one (2024-02-30)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    try:
        match = _YAML_DATE.match(text)
        if match:
            return dt.date(*map(int, match.groups()))
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        why = f"not a real date ({exc})" if match else "not a date (YYYY-MM-DD)"
        raise ArticleFileError(f"'{key}' is {why}: {str(value)[:40]!r}; listed undated") from None


def _scalar(fm: dict, key: str):
    value = fm.get(key)
    if isinstance(value, (dict, list, set, tuple)):  # str() of nested YAML aliases can be gigabytes
        raise ArticleFileError(f"'{key}' must be a single value, not a list or mapping")
    return value


def _opt_str(fm: dict, key: str) -> str | None:
    value = _scalar(fm, key)
    if value is None or value is False:
        return None
    if value is True:
        return "yes"
    return make_safe(str(value)).strip() or None


def parse_article_bytes(path: Path, data: bytes, warnings: list[str] | None = None) -> tuple[ArticleMeta, str]:
    """Validate one file's bytes; returns its metadata and (safe) Markdown body or raises ArticleFileError.
    Problems that leave the article readable (an optional field that is wrong, left out) are
    appended to ``warnings``."""
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
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a constructor on odd input (!!float x)
        raise ArticleFileError(f"front matter could not be read: {str(exc)[:80] or type(exc).__name__}") from None
    if not isinstance(fm, dict):
        raise ArticleFileError("front matter must be 'key: value' lines with at least id and title")
    raw_id = _scalar(fm, "id")
    if raw_id is None or str(raw_id).strip() == "":
        raise ArticleFileError("front matter lacks 'id'")
    art_id = str(raw_id).strip()
    if not _ID_RE.match(art_id):
        raise ArticleFileError(f"id {art_id[:40]!r} must be letters, digits, '.', '_', ':' or '-' (at most 200)")
    title = _opt_str(fm, "title")
    if not title:
        raise ArticleFileError("front matter lacks 'title'")
    language = (_opt_str(fm, "language") or _opt_str(fm, "lang") or "und").lower()
    date_key = "published" if fm.get("published") not in (None, "") else "date"
    try:
        published = _as_date(_scalar(fm, date_key), date_key)
    except ArticleFileError as exc:  # optional: the article is listed undated, and the file is named
        published = None
        if warnings is not None:
            warnings.append(str(exc))
    body = make_safe(body)
    meta = ArticleMeta(
        id=art_id,
        title=" ".join(title.split()),
        path=path,
        content_hash=content_hash(data, body),
        language=language[:12],
        published=published,
        published_inferred=_opt_str(fm, "published_inferred"),
        source=_opt_str(fm, "source"),
        url=_opt_str(fm, "url"),
        words=len(body.split()),
        feed=_opt_str(fm, "feed"),
    )
    return meta, body


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a regular file"


def _not_regular(mode: int) -> ArticleFileError:
    return ArticleFileError(f"{_kind(mode)}, not a regular file; skipped")


def read_article_file(path: Path, warnings: list[str] | None = None) -> tuple[ArticleMeta, str]:
    """Read and validate one article file. Only a regular file is read: it is opened non-blocking
    (opening a FIFO for reading would wait for a writer forever) and checked before reading."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    with open(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(st.st_mode)
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ArticleFileError(f"too large ({max(st.st_size, len(data)) / 1e6:.1f} MB; "
                               f"the limit is {MAX_BYTES // (1024 * 1024)} MB)")
    return parse_article_bytes(path, data, warnings)


def _read_entry(path: Path, name: str) -> tuple[ArticleMeta | LoadError, str | None]:
    """One file of a scan: its metadata or its error, and its warning (None when none)."""
    warnings: list[str] = []
    try:
        return read_article_file(path, warnings)[0], "; ".join(warnings) or None
    except ArticleFileError as exc:
        return LoadError(path, str(exc), name), None
    except Exception as exc:  # noqa: BLE001 — one file never stops the scan of the others
        log_exception(__name__, "%s could not be read", path)
        return LoadError(path, f"could not be read ({type(exc).__name__}: {str(exc)[:80]})", name), None


def load_article(meta: ArticleMeta) -> Article:
    """Read and parse one article's body (re-reading its file: it may have changed since listing)."""
    new_meta, body = read_article_file(meta.path)
    return Article(new_meta, body, parse_passages_cached(new_meta.content_hash, body))


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
    warnings: list[LoadError] = field(default_factory=list)  # files listed, but with a problem
    skipped: list[str] = field(default_factory=list)  # other files (not articles), relative names


@dataclass
class Listing:
    files: list[tuple[str, os.DirEntry]]  # (name relative to the folder, entry), sorted by name
    problems: list[LoadError]  # sub-folders that cannot be read, article names that are no file
    skipped: list[str]  # other files, not articles


def list_articles(folder: Path) -> Listing:
    """The article files under ``folder`` and its sub-folders (``os.scandir``: no stat per file but
    for folders and odd entries). Hidden files and folders are left out; a sub-folder that cannot
    be read is a problem, and the scan goes on; the folder itself raises :class:`CorpusFolderError`."""
    files: list[tuple[str, os.DirEntry]] = []
    problems: list[LoadError] = []
    skipped: list[str] = []
    try:
        top = os.stat(folder)
    except OSError as exc:
        raise CorpusFolderError(_folder_message(folder, exc)) from None
    visited = {(top.st_dev, top.st_ino)}  # folders already listed: a symbolic link never loops
    stack = [("", os.fspath(folder), 0)]
    while stack:
        prefix, dirpath, depth = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                for entry in it:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    rel = prefix + name
                    if not name.isascii() and not _utf8(name):  # no catalogue row, no JSON, no terminal
                        if name.endswith(ARTICLE_SUFFIXES) or entry.is_dir():
                            problems.append(LoadError(Path(entry.path), "the name is not valid UTF-8 (rename it); "
                                                      "skipped", rel))
                        else:
                            skipped.append(rel)
                        continue
                    try:
                        if entry.is_file():
                            if name.endswith(ARTICLE_SUFFIXES):
                                files.append((rel, entry))
                            elif rel not in CORPUS_FILES:
                                skipped.append(rel)
                        elif entry.is_dir():
                            st = entry.stat()
                            if (st.st_dev, st.st_ino) in visited:
                                continue
                            visited.add((st.st_dev, st.st_ino))
                            if depth >= MAX_DEPTH:
                                problems.append(LoadError(Path(entry.path), f"more than {MAX_DEPTH} folders deep; "
                                                          "skipped", rel + "/"))
                            else:
                                stack.append((rel + "/", entry.path, depth + 1))
                        elif name.endswith(ARTICLE_SUFFIXES):
                            problems.append(LoadError(Path(entry.path), str(_not_regular(entry.stat().st_mode)), rel))
                        else:
                            skipped.append(rel)
                    except FileNotFoundError:  # a broken symbolic link, or gone meanwhile
                        if name.endswith(ARTICLE_SUFFIXES):
                            problems.append(LoadError(Path(entry.path), "broken symbolic link; skipped", rel))
                    except OSError as exc:
                        problems.append(LoadError(Path(entry.path), f"cannot read: {exc.strerror or exc}", rel))
        except OSError as exc:
            if not prefix:
                raise CorpusFolderError(_folder_message(folder, exc)) from None
            problems.append(LoadError(Path(dirpath), f"cannot read this folder ({exc.strerror or exc}); "
                                      "its articles are skipped", prefix))
    files.sort(key=lambda f: f[0])
    problems.sort(key=lambda e: e.name)
    skipped.sort()
    return Listing(files, problems, skipped)


def skipped_summary(skipped: Sequence[str], show: int = 3) -> str:
    """One line for the files that are not articles: how many, and the first few names (inert)."""
    names = ", ".join(make_safe_line(name) for name in skipped[:show]) + (", …" if len(skipped) > show else "")
    return f"{len(skipped)} other file(s) skipped (articles are .md or .markdown): {names}"


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by os as surrogate escapes
        return False


def _folder_message(folder: Path, exc: OSError) -> str:
    shown = make_safe_line(os.fspath(folder))
    if isinstance(exc, FileNotFoundError):
        return f"articles folder not found: {shown}"
    if isinstance(exc, NotADirectoryError):
        return f"the articles folder is a file, not a folder: {shown}"
    return f"cannot read the articles folder {shown}: {exc.strerror or exc}"


def _duplicate(art_id: str, first_file: str) -> str:
    return f"duplicate id {art_id!r} (already used by {first_file}); skipped"


def _meta_from_row(folder: Path, row: tuple) -> ArticleMeta:
    """An :class:`ArticleMeta` from catalogue columns (name, id, title, hash, language, published,
    published_inferred, source, url, words, feed)."""
    name, art_id, title, h, lang, pub, pub_inf, source, url, words = row[:10]
    feed = row[10] if len(row) > 10 else None
    return ArticleMeta(art_id, title, folder / name, h, lang, dt.date.fromisoformat(pub) if pub else None,
                       pub_inf, source, url, words, feed)


def _dedupe(folder: Path, metas: Iterable[ArticleMeta], errors: list[LoadError]) -> list[ArticleMeta]:
    seen: dict[str, ArticleMeta] = {}
    for meta in metas:  # in file-name order (relative names, as listed): the first file keeps the id
        if meta.id in seen:
            name, first = (m.path.relative_to(folder).as_posix() for m in (meta, seen[meta.id]))
            errors.append(LoadError(meta.path, _duplicate(meta.id, first), name))
        else:
            seen[meta.id] = meta
    return sorted(seen.values(), key=sort_key)


def _by_name(errors: list[LoadError]) -> list[LoadError]:
    return sorted(errors, key=lambda e: e.name)  # stable: a file's own errors keep their order


def _listed(articles: list[ArticleMeta], warnings: list[LoadError]) -> list[LoadError]:
    """The warnings of files that are listed (a duplicate's is noise: the file is an error)."""
    if not warnings:
        return []
    kept = {m.path for m in articles}
    return [w for w in warnings if w.path in kept]


def load_folder(folder: Path) -> ScanResult:
    """Read every article of a folder, without any cache (used by tests and small corpora)."""
    folder = Path(folder)
    listing = list_articles(folder)
    metas, errors, warnings = [], list(listing.problems), []
    for name, entry in listing.files:
        path = Path(entry.path)
        item, warning = _read_entry(path, name)
        (errors if isinstance(item, LoadError) else metas).append(item)
        if warning:
            warnings.append(LoadError(path, warning, name))
    articles = _dedupe(folder, metas, errors)
    return ScanResult(articles, _by_name(errors), warnings=_listed(articles, warnings), skipped=listing.skipped)


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

    def _row_to(self, row) -> ArticleMeta | LoadError:
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
            old_hash, owner = {}, {}  # id → hash of the file that had the id (the first by name)
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
            metas, errors, warnings = [], list(listing.problems), []
            seen_names = set()
            updates = []
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
                (errors if isinstance(item, LoadError) else metas).append(item)
                if warning:
                    warnings.append(LoadError(path, warning, name))
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
