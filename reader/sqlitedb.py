"""One SQLite toolbox for every database of the reader: open, version, classify errors, rebuild caches.

Two policies on the same helpers:

- **Caches** (the catalogue, the entity index, the events store, the search manifest) hold nothing
  that cannot be recomputed. :func:`open_cache` opens one with its :class:`Layout`: the layout version
  lives in ``PRAGMA user_version``; a file of another version is upgraded in place when the layout
  knows how (``upgrade``) and otherwise replaced; a damaged file — not a database, malformed, text
  that is not UTF-8, tables missing — is deleted with its ``-wal``/``-shm``/``-journal`` files
  (:func:`discard`) and created anew. Damage can also surface later, while rows are read: methods
  that read a cache are wrapped in :func:`rebuilds`, which discards the file and runs the method once
  more (on a fresh, empty cache that the next scan or ``reader index`` fills again). Every rebuild is
  logged on the ``reader.cache`` logger (on stderr in the command line, the UI captures it).
- **Precious data** (bookmarks) is never deleted nor rebuilt: it uses :func:`connect`,
  :func:`user_version` and :func:`classify` and says what is wrong and what to do.

Whatever the policy, an error that is *not* damage — a read-only file or folder, a full disk, a
database locked by another process — is never a reason to delete a file: it propagates, and a cache
then reads as "not available" where its caller allows it; the catalogue, without which there would be
no list, goes on with an in-memory one (``rebuilds(degrade=True)``).

Opening checks what is cheap: the header (``PRAGMA user_version``), the schema (the layout's probe
statements are prepared, which parses ``sqlite_master``); ``PRAGMA quick_check`` reads the whole
file (seconds for the 150 MB events store of 10k articles), so it is not run on every open: damage
inside the data is caught where rows are read.
"""

from __future__ import annotations

import errno
import functools
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, ParamSpec, TypeVar

from reader.passages import make_safe  # messages quote paths and the (garbled) text SQLite read

log = logging.getLogger("reader.cache")

# what is wrong, as classify() tells it
Problem = Literal["corrupt", "layout", "read-only", "full", "busy", "cannot open", "i/o error", "other"]
CORRUPT: Final = "corrupt"  # not a database, malformed, undecodable text
LAYOUT: Final = "layout"  # a table or column the code reads is missing: another program's or version's file
READONLY: Final = "read-only"
FULL: Final = "full"
BUSY: Final = "busy"  # locked by another connection or process
CANTOPEN: Final = "cannot open"
IOERR: Final = "i/o error"
OTHER: Final = "other"

_BY_CODE: dict[int, Problem] = {
    sqlite3.SQLITE_CORRUPT: CORRUPT,
    sqlite3.SQLITE_NOTADB: CORRUPT,
    sqlite3.SQLITE_READONLY: READONLY,
    sqlite3.SQLITE_PERM: READONLY,
    sqlite3.SQLITE_FULL: FULL,
    sqlite3.SQLITE_BUSY: BUSY,
    sqlite3.SQLITE_LOCKED: BUSY,
    sqlite3.SQLITE_CANTOPEN: CANTOPEN,
    sqlite3.SQLITE_IOERR: IOERR,
}
_BY_MESSAGE: tuple[tuple[str, Problem], ...] = (  # errors raised without an SQLite code (the module's own), or by an older sqlite3
    ("could not decode", CORRUPT),
    ("malformed", CORRUPT),
    ("not a database", CORRUPT),
    ("no such table", LAYOUT),
    ("no such column", LAYOUT),
    ("has no column", LAYOUT),
    ("readonly", READONLY),
    ("read-only", READONLY),
    ("disk is full", FULL),
    ("locked", BUSY),
    ("busy", BUSY),
    ("unable to open", CANTOPEN),
    ("disk i/o error", IOERR),
)
REBUILD: frozenset[Problem] = frozenset({CORRUPT, LAYOUT})  # what makes a cache be thrown away
UNWRITABLE: frozenset[Problem] = frozenset({READONLY, FULL, CANTOPEN, IOERR})  # what makes the catalogue go on without its file
MEMORY = Path(":memory:")  # where a cache that cannot be written lives instead: nothing kept between calls


def classify(exc: BaseException) -> Problem:
    """What an error from SQLite (or from reading its file) says is wrong: one of the constants above.

    Uses the exception's ``sqlite_errorcode`` (primary code; ``SQLITE_IOERR_CORRUPTFS`` is damage),
    then its message for the errors Python's module raises itself ("Could not decode to UTF-8
    column …"), then ``errno`` for an :class:`OSError`.
    """
    if isinstance(exc, UnicodeDecodeError):
        return CORRUPT
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_IOERR_CORRUPTFS:
            return CORRUPT
        if code is not None and code & 0xFF in _BY_CODE:
            return _BY_CODE[code & 0xFF]
        text = str(exc).lower()
        for needle, kind in _BY_MESSAGE:
            if needle in text:
                return kind
        return OTHER
    if isinstance(exc, OSError):
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READONLY
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return FULL
        return IOERR if exc.errno == errno.EIO else CANTOPEN
    return OTHER


def needs_rebuild(exc: BaseException) -> bool:
    """True when ``exc`` says a cache file is damaged or not ours (and only then: never for a locked,
    read-only or full database)."""
    return isinstance(exc, (sqlite3.Error, UnicodeDecodeError)) and classify(exc) in REBUILD


def connect(path: Path | str, *, mode: Literal["rwc", "rw", "ro"] = "rwc", timeout: float = 10.0,
            **kwargs: Any) -> sqlite3.Connection:
    """A connection with the reader's pragmas (a busy timeout: a writer elsewhere is waited for).

    ``mode``: ``"rwc"`` creates a missing file, ``"rw"`` never creates it, ``"ro"`` never writes. Other
    keyword arguments go to :func:`sqlite3.connect` (``isolation_level``, ``check_same_thread``).
    """
    if mode == "rwc":
        conn = sqlite3.connect(path, timeout=timeout, **kwargs)
    else:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode={mode}", uri=True, timeout=timeout, **kwargs)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    except BaseException:
        conn.close()
        raise
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    """The layout version the file says it has (``PRAGMA user_version``; 0 for a new file)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def statements(script: str) -> list[str]:
    """The statements of an SQL script, to run one by one inside a transaction (``executescript``
    would commit first)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip().strip(";").strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


# -- caches ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What a cache database holds.

    ``schema``: the statements creating it; ``version``: its ``PRAGMA user_version``; ``upgrade(conn,
    old_version)`` brings an older file up to date inside the open transaction and returns True, or
    returns False to have it replaced; ``probe``: statements that must prepare (``… LIMIT 0``: they
    read no row) for the file to be usable; ``wal``: the file runs in WAL journal mode (a writer
    process and reader processes at once).
    """

    name: str
    version: int
    schema: str
    upgrade: Callable[[sqlite3.Connection, int], bool] | None = None
    probe: Sequence[str] = ("SELECT count(*) FROM sqlite_master",)
    wal: bool = False


class _Replace(Exception):
    """The file is of a version the layout cannot upgrade: replaced, not an error."""


def discard(path: Path | str, name: str = "cache", reason: BaseException | str | None = None) -> None:
    """Delete a cache file and its companions (``-wal``, ``-shm``, ``-journal``); logs why.

    An open connection elsewhere keeps reading its (unlinked) file until it reopens.
    """
    path = Path(path)
    if path == MEMORY:
        return
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
    if reason is not None:
        log_rebuild(name, path, reason)


def log_rebuild(name: str, path: Path | str, reason: BaseException | str) -> None:
    """Say that a cache was found damaged and is rebuilt; counted in :data:`rebuilds_count`."""
    global rebuilds_count
    rebuilds_count += 1
    log.warning("reader: the %s cache %s was damaged (%s); it is being rebuilt", name,
                make_safe(str(path)), make_safe(str(reason)[:200]))


rebuilds_count = 0  # caches rebuilt by this process (the UI runs an ingest after one)


def open_cache(path: Path | str, layout: Layout, **connect_kwargs: Any) -> sqlite3.Connection:
    """A connection to the cache at ``path``, created, upgraded or rebuilt as needed (module docstring).

    Errors that are not damage (locked, read-only, disk full…) propagate: nothing is deleted for them.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path, layout, connect_kwargs)
    except _Replace as exc:
        discard(path)
        log.info("reader: the %s cache %s was of another version (%s); replaced", layout.name, path, exc)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if not needs_rebuild(exc):
            raise
        discard(path, layout.name, exc)
    return _open(path, layout, connect_kwargs)  # a fresh file: a second failure is not damage, it propagates


def _open(path: Path, layout: Layout, connect_kwargs: dict[str, Any]) -> sqlite3.Connection:
    conn = connect(path, **connect_kwargs)
    try:
        if user_version(conn) != layout.version:
            _create_or_upgrade(conn, layout)
        for sql in layout.probe:
            conn.execute(sql).fetchall()
        return conn
    except BaseException:
        conn.close()
        raise


def _create_or_upgrade(conn: sqlite3.Connection, layout: Layout) -> None:
    conn.execute("BEGIN IMMEDIATE")  # one process creates or upgrades; the others wait, then see it done
    try:
        version = user_version(conn)
        if version != layout.version:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                for sql in statements(layout.schema):
                    conn.execute(sql)
            elif version > layout.version or layout.upgrade is None or not layout.upgrade(conn, version):
                raise _Replace(f"version {version}, this reader writes {layout.version}")
            conn.execute(f"PRAGMA user_version = {int(layout.version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if layout.wal:
        conn.execute("PRAGMA journal_mode = WAL")  # persistent: set once, outside any transaction


def _about(exc: BaseException, path: Path) -> bool:
    """True for an SQLite error, or an OS error on the cache file or its folders (not on, say, the
    articles folder a method also reads)."""
    if not isinstance(exc, OSError):
        return True
    return exc.filename is not None and Path(exc.filename) in (path, *path.parents)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def rebuilds(name: str, attr: str = "db_path", *,
             degrade: bool = False) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a method that reads a cache at ``self.<attr>``: damage found while it runs discards the
    file, then the method runs once more, on a fresh cache (a second failure propagates).

    ``degrade``: when the cache cannot be written (read-only folder, full disk…), the object goes on
    without it — its path becomes :data:`MEMORY`, an empty cache per call — and the method runs once
    more; the file is left alone. Other errors propagate at once.
    """

    def deco(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(fn)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            self = args[0]
            try:
                return fn(*args, **kwargs)
            except (sqlite3.Error, UnicodeDecodeError, OSError) as exc:
                path = getattr(self, attr)
                if needs_rebuild(exc):
                    discard(path, name, exc)
                elif degrade and classify(exc) in UNWRITABLE and Path(path) != MEMORY and _about(exc, Path(path)):
                    log.warning("reader: the %s cache %s cannot be used (%s: %s); going on without it until "
                                "the next start", name, make_safe(str(path)), classify(exc), make_safe(str(exc)[:200]))
                    setattr(self, attr, MEMORY)
                else:
                    raise
            return fn(*args, **kwargs)

        return wrapper

    return deco
