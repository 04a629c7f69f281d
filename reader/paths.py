"""Every on-disk location the reader uses, computed at call time.

Tests redirect them with ``XDG_DATA_HOME`` / ``XDG_CACHE_HOME`` / ``XDG_CONFIG_HOME`` /
``XDG_STATE_HOME``; nothing is cached at import so a changed environment is always honoured.

- cache (rebuildable): catalogue of article metadata, annotations, search index, events.
- data (precious): bookmarks database.
- config: UI state (theme, panel toggles).
- state: the log of command-line faults (``reader.log``, with their tracebacks).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP = "reader"


def _xdg(var: str, fallback) -> Path:
    # platformdirs reads XDG_* on Linux; honour them explicitly on every platform so tests isolate.
    value = os.environ.get(var)
    return Path(value) / APP if value else Path(fallback(APP, appauthor=False))


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", platformdirs.user_cache_dir)


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", platformdirs.user_data_dir)


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", platformdirs.user_config_dir)


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", platformdirs.user_state_dir)


def log_file() -> Path:
    """Where the command line writes the traceback of a fault it reports in one line."""
    path = state_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path / "reader.log"


def cache_subdir(name: str) -> Path:
    """A folder of the cache shared by all corpora (per-content-hash caches: annotations, events)."""
    path = cache_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def corpus_key(articles_dir: Path) -> str:
    """A short stable key for a corpus folder, so two corpora never share a cache."""
    return hashlib.sha1(str(Path(articles_dir).resolve()).encode()).hexdigest()[:16]


def corpus_cache_dir(articles_dir: Path) -> Path:
    path = cache_dir() / "corpora" / corpus_key(articles_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def bookmarks_db() -> Path:
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path / "bookmarks.sqlite3"


def ui_state_file() -> Path:
    path = config_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path / "state.json"


def bundled_articles() -> Path:
    """The bundled corpus: ``articles/`` next to the package in a checkout, or inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "articles", here / "_articles"):
        if candidate.is_dir():
            return candidate
    return here.parent / "articles"


def styles_dir() -> Path:
    """``styles/`` at the top of a checkout, or shipped inside the wheel as ``reader/styles``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("reader styles folder not found (broken install?)")
