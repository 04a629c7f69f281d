"""Atomic file writes: a temporary file in the same folder, then ``os.replace``.

A reader killed mid-write leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path | str, text: str, *, newline: str | None = None, mode: int | None = None,
                      sync: bool = False) -> None:
    """``mode``: the file's permission bits (default: private, 0600); ``sync``: on disk before the rename."""
    path = Path(path)
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


def write_json_atomic(target: Path, data) -> Path:
    """Write ``data`` as compact JSON to ``target``, atomically (C encoder: one string, one write)."""
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return target
