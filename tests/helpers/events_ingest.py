"""The bundled articles (plus extra files) run through the real ingest in isolated XDG dirs (event tests)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def ingested_events(base: Path, extra: tuple[Path, ...] = ()):
    """Yield (folder, stored events) of ``articles/`` and ``extra`` after ``run_ingest``; the XDG
    variables point under ``base`` meanwhile (a module-scoped fixture outlives conftest's per-test ones)."""
    old = {v: os.environ.get(v) for v in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    for v in old:
        os.environ[v] = str(base / v)
    try:
        folder = base / "articles"
        shutil.copytree(ROOT / "articles", folder)
        for path in extra:
            shutil.copy(path, folder / path.name)
        from reader.events.store import load_events
        from reader.ingest import run_ingest

        run_ingest(folder)
        events = load_events(folder)
        assert events is not None, "the ingest wrote no events"
        yield folder, events
    finally:
        for v, val in old.items():
            if val is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = val
