"""Atomic JSON writes for the events caches (temp file in the same folder + ``os.replace``)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_json_atomic(target: Path, data) -> Path:
    """Write ``data`` as JSON to ``target``; a killed process never leaves a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))  # dumps: the C encoder
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
