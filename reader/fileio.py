"""Atomic file writes: a temporary file in the same folder, then ``os.replace``.

A reader killed mid-write leaves either the old file or the new one, never half of one. A target
that exists and is not a regular file (``-o /dev/stdout``, a FIFO, a device) is written in place:
renaming over it would replace the device node itself.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Any


def _special(path: Path) -> bool:
    """An existing target that is neither a regular file nor a folder (a device, a FIFO, /dev/stdout)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write_text(path: Path | str, text: str, *, newline: str | None = None, mode: int | None = None,
                      sync: bool = False) -> None:
    """``mode``: the file's permission bits (default: private, 0600); ``sync``: on disk before the rename."""
    path = Path(path)
    if _special(path):
        with open(path, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
        return
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json_atomic(target: Path, data: Any) -> Path:
    """Write ``data`` as compact JSON to ``target``, atomically (C encoder: one string, one write)."""
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return target


def try_lock(path: Path | str, busy: Exception) -> IO[str]:
    """An exclusive, non-blocking advisory lock on ``path``, released by the OS if the process dies:
    the open file (close it to release). Raises ``busy`` when another process holds the lock."""
    import fcntl

    fh = open(path, "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise busy from None
    return fh
