"""The entity annotations' cache (read side — never imports spaCy).

One JSON file per article *content hash* under ``<cache>/annotations/``, written by the ingest
pipeline (``reader.nlp``, in a background process); the reader only loads those files.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader import paths
from reader.entities.model import SCHEMA_VERSION, Annotations
from reader.fileio import atomic_write_text


def annotations_dir() -> Path:
    return paths.cache_subdir("annotations")


def _file(content_hash: str) -> Path:
    return annotations_dir() / f"{content_hash}.json"


def load(content_hash: str) -> Annotations | None:
    """The cached annotations of one article version, or None (missing, corrupt or outdated)."""
    try:
        data = json.loads(_file(content_hash).read_text(encoding="utf-8"))
        ann = Annotations.from_json(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return ann if ann.schema == SCHEMA_VERSION else None


def has(content_hash: str) -> bool:
    return _file(content_hash).exists()


def save(ann: Annotations) -> None:
    """Atomic write (temp file + rename): a killed ingest never leaves a half-written file."""
    # one C-encoded string: 10x faster than json.dump to the file
    atomic_write_text(_file(ann.content_hash), json.dumps(ann.to_json(), ensure_ascii=False))
