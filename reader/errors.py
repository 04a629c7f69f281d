"""The command line's one error boundary: a fault becomes a one-line message, never a traceback.

:func:`guarded` runs a command and turns what escapes it into ``reader: <message>`` on stderr and an
exit status:

- 0: a closed output pipe (``reader list | head``) is not an error;
- 1: a fault — permission denied, disk full, read-only file system, any other system error naming
  its file, a file too deeply nested to parse, a damaged or locked database or search index, or an
  internal error ("see the log");
- 130: Ctrl-C; 143: SIGTERM (:class:`Terminated`).

Every fault's traceback goes to the log (:mod:`reader.log`, :func:`reader.paths.log_file`),
so a one-line message loses nothing. Messages name files whose names are untrusted text: they go
through :func:`reader.passages.make_safe`. whoosh and sqlite3 errors are recognised by their class,
without importing whoosh (the UI's start-up stays light).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable

FAULT = 1
INTERRUPTED = 130
TERMINATED = 128 + 15



class Terminated(BaseException):
    """Raised in the main thread by a SIGTERM handler (see :func:`reader.lifetime.stop_on_signals`)."""


def _name(path) -> str:
    return os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)


def _os_message(exc: OSError) -> str:
    where = _name(exc.filename) if exc.filename is not None else ""
    if exc.filename2 is not None:
        where += f" → {_name(exc.filename2)}"
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied: {where}" if where else "permission denied"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        what = f"cannot write {where}" if where else "no space left on device"
        return f"disk full: {what} (free some space and try again)"
    if code == errno.EROFS:
        return f"read-only file system: cannot write {where}" if where else "read-only file system"
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"cannot access {where}: {reason}" if where else f"system error: {reason}"


_SQLITE = {  # sqlite result codes (``sqlite_errorname``) → message
    "SQLITE_FULL": "disk full: a database cannot grow (free some space and try again)",
    "SQLITE_READONLY": "read-only: a database cannot be written (check the permissions of the data and cache folders)",
    "SQLITE_PERM": "permission denied: a database cannot be opened",
    "SQLITE_CANTOPEN": "a database file cannot be opened (check the data and cache folders)",
    "SQLITE_BUSY": "a database is locked by another reader process: try again when it has finished",
    "SQLITE_LOCKED": "a database is locked by another reader process: try again when it has finished",
    "SQLITE_CORRUPT": "a database file is damaged",
    "SQLITE_NOTADB": "a database file is damaged (not an SQLite database)",
    "SQLITE_IOERR": "a database could not be read or written (disk error)",
}
_SQLITE_TEXT = {"disk is full": "SQLITE_FULL", "readonly": "SQLITE_READONLY", "locked": "SQLITE_BUSY",
                "unable to open": "SQLITE_CANTOPEN", "not a database": "SQLITE_NOTADB", "malformed": "SQLITE_CORRUPT",
                "disk i/o": "SQLITE_IOERR"}


def _sqlite_message(exc) -> str:
    name = getattr(exc, "sqlite_errorname", None) or ""
    base = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE → SQLITE_IOERR
    if base not in _SQLITE:
        text = str(exc).lower()
        base = next((code for needle, code in _SQLITE_TEXT.items() if needle in text), "")
    return _SQLITE.get(base, "database error") + f" ({exc})"


def _from(exc: BaseException, package: str) -> str | None:
    """The class name of ``exc`` if one of its classes comes from ``package`` (no import needed)."""
    for cls in type(exc).__mro__:
        if cls.__module__.split(".")[0] == package:
            return cls.__name__
    return None


def describe(exc: BaseException, subject: str | None = None) -> str | None:
    """The one-line message of a known fault, or None for an internal error.

    ``subject``: the file the command was reading, named in messages that know no file (a file too
    deeply nested to parse).
    """
    if isinstance(exc, OSError):
        return _os_message(exc)
    if isinstance(exc, RecursionError):
        return f"{subject}: file too deeply nested" if subject else "input too deeply nested"
    if isinstance(exc, MemoryError):
        return "out of memory" + (f" reading {subject}" if subject else "")
    if _from(exc, "sqlite3"):
        return _sqlite_message(exc)
    whoosh = _from(exc, "whoosh")
    if whoosh == "LockError":
        return "the search index is locked by another reader process: try again when it has finished"
    if whoosh:
        return f"search index error ({whoosh}: {exc}); `reader index` rebuilds what is missing"
    return None


def log_fault(exc: BaseException, message: str) -> tuple[str | None, BaseException | None]:
    """Append ``message`` and the traceback of ``exc`` to the log (:mod:`reader.log`); (log path or
    None, why it could not be written)."""
    from reader import log as _log

    handler, failure = _log.open_log()
    if handler is None:
        return None, failure
    import logging

    handler.failure = None
    logging.getLogger("reader").error("%s (argv: %r)", message, sys.argv, exc_info=(type(exc), exc, exc.__traceback__),
                                      extra={_log.MARK: True})
    return (handler.baseFilename, None) if handler.failure is None else (None, handler.failure)


def _say(message: str) -> None:
    from reader.passages import make_safe

    try:
        print(f"reader: {make_safe(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr itself is gone or full: the exit status still tells
        pass


def _quiet_stdout() -> None:
    """If stdout cannot take its buffered output (a closed pipe, a full disk), point it at devnull so
    the interpreter's last flush does not print 'Exception ignored' on the way out."""
    try:
        sys.stdout.flush()
        return
    except (OSError, ValueError, AttributeError):
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def guarded(command: Callable[[], int], subject: str | None = None) -> int:
    """Run ``command`` (returning an exit status) behind the boundary described in the module."""
    try:
        code = command()
        sys.stdout.flush()  # a full disk or closed pipe on stdout surfaces here, not at exit
        return code
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _quiet_stdout()
        return INTERRUPTED
    except Terminated:
        _quiet_stdout()
        _say("stopped (SIGTERM)")
        return TERMINATED
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except BaseException as exc:  # noqa: BLE001 - the boundary: everything becomes a message
        _quiet_stdout()
        known = describe(exc, subject)
        message = known or f"internal error ({type(exc).__name__}: {exc})"
        where, failure = log_fault(exc, message)
        if known is None:
            message += f"; see the log {where}" if where else f"; the log could not be written ({failure})"
        _say(message)
        return FAULT
