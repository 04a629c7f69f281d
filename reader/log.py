"""The log: every fault the reader handles leaves its traceback in one file.

The file is :func:`reader.paths.log_file` (``$XDG_STATE_HOME/reader/reader.log``, rotated at 1 MB,
one old copy kept). A broad ``except`` in the core that goes on (one article fails, the batch goes
on; a damaged index answers "rebuilding") calls :func:`log_exception` inside its handler, so the
message the user sees has its traceback here; :func:`reader.errors.guarded`, the command line's
error boundary, writes there too.

Level: warnings and errors by default; ``reader --debug`` or ``READER_DEBUG=1`` (inherited by the
processes the reader starts, ``reader index`` among them) adds debug records — the fallbacks of
optimisations, what was retried.

Cheap to import: :mod:`logging` is imported on the first record only (``reader --help`` and the
UI's start-up do without it); the file is opened then, and again when its path changes (each
test has its own XDG folders). Writing the log never raises: a log that cannot be written is a
failure :func:`open_log` returns, and the record is dropped.
"""

from __future__ import annotations

import _thread  # a lock without importing threading (built in, always loaded)
import os
import sys

DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40  # logging's levels (without importing it)
DEBUG_ENV = "READER_DEBUG"
MARK = "reader_log_exception"  # a record of log_exception: for the file only

_state: dict = {}  # "path": the open file's path, "handler": its handler, "stderr": see _stderr_handler
_lock = _thread.allocate_lock()  # threads of the ingest and the UI's workers log at once


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def enable_debug() -> None:
    """``reader --debug``: debug records from now on, in this process and those it starts."""
    os.environ[DEBUG_ENV] = "1"
    open_log()


def _file_handler(path):
    """A rotating file handler that records its own failure (a full disk) instead of printing it."""
    from logging.handlers import RotatingFileHandler

    class _LogHandler(RotatingFileHandler):
        failure: BaseException | None = None

        def handleError(self, record) -> None:
            self.failure = sys.exc_info()[1]

    return _LogHandler(path, maxBytes=1_000_000, backupCount=1, encoding="utf-8", delay=True)


def _stderr_handler():
    """What :mod:`logging` does with no handler configured (its last resort: WARNING and above on
    the *current* stderr), kept for the records that were not written by :func:`log_exception`
    (:mod:`reader.sqlitedb` says on stderr that a cache is rebuilt): attaching the file handler
    must not silence them."""
    import logging

    class _Stderr(logging.StreamHandler):
        def emit(self, record) -> None:
            self.stream = sys.stderr
            super().emit(record)

    h = _Stderr()
    h.setLevel(logging.WARNING)
    h.addFilter(lambda record: not getattr(record, MARK, False))
    return h


def open_log():
    """(the ``reader`` logger's file handler at the current :func:`reader.paths.log_file`, None) —
    or (None, why) when the log cannot be opened; the logger's level set from the environment."""
    with _lock:
        return _open_log()


def _open_log():
    import logging

    from reader import paths

    log = logging.getLogger("reader")
    log.setLevel(logging.DEBUG if debug_enabled() else logging.WARNING)
    if "stderr" not in _state:
        _state["stderr"] = _stderr_handler()
        log.addHandler(_state["stderr"])
    path, failure = None, None
    try:
        path = str(paths.log_file())
    except Exception as exc:  # noqa: BLE001 - the log must never be the fault that escapes
        failure = exc
    if path is not None and path == _state.get("path"):
        return _state["handler"], None
    old = _state.pop("handler", None)
    if old is not None:
        log.removeHandler(old)
        old.close()
    _state["path"] = path
    if path is None:
        return None, failure
    new = _file_handler(path)
    new.setFormatter(logging.Formatter("%(asctime)s pid %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(new)
    _state["handler"] = new
    return new, None


def log_exception(name: str, message: str, *args, level: int = WARNING) -> None:
    """Write ``message % args`` and the traceback of the exception being handled to the log, from
    the logger ``name`` (a module's ``__name__``). Call it inside an ``except`` block."""
    try:
        open_log()
        import logging

        logging.getLogger(name).log(level, message, *args, exc_info=True, extra={MARK: True})
    except Exception:  # noqa: BLE001 - the log must never be the fault that escapes
        pass


def log_debug(name: str, message: str, *args) -> None:
    """A debug record (``reader --debug`` / ``READER_DEBUG=1`` only; nothing imported otherwise)."""
    if not debug_enabled():
        return
    try:
        open_log()
        import logging

        logging.getLogger(name).debug(message, *args, extra={MARK: True})
    except Exception:  # noqa: BLE001 - the log must never be the fault that escapes
        pass
