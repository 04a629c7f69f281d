"""Atomic JSON writes for the events caches (see :mod:`reader.fileio`)."""

from __future__ import annotations

import json
from pathlib import Path

from reader.fileio import atomic_write_text


def write_json_atomic(target: Path, data) -> Path:
    """Write ``data`` as JSON to ``target``; a killed process never leaves a half-written file."""
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))  # C encoder
    return target
