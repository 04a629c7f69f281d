"""Every on-disk location the reader uses, computed at call time.

Tests redirect them with ``XDG_DATA_HOME`` / ``XDG_CACHE_HOME`` / ``XDG_CONFIG_HOME`` /
``XDG_STATE_HOME``; nothing is cached at import so a changed environment is always honoured.

- cache (rebuildable): catalogue of article metadata, annotations, search index, events.
- data (precious): bookmarks database, reading state (read/unread, starred), saved searches, when
  each corpus was last opened; feed fetch state (tombstones and stored redirects cannot be
  recomputed); the default user library, where feeds write when no corpus folder is given.
- config: what the user writes: settings and key remapping (config.toml), the language registry's
  overrides (languages.toml); the old state.json, still read, never written.
- state: what the reader remembers between runs: UI state (ui-state.json: panels, sort, last place,
  theme picked in the app); the log of command-line faults (``reader.log``, with their tracebacks).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP = "reader"


def _xdg(var: str, fallback: Callable[..., str]) -> Path:
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


def _in_data_dir(name: str) -> Path:
    """``name`` in the data dir, made if missing (the precious files live there)."""
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path / name


def bookmarks_db() -> Path:
    return _in_data_dir("bookmarks.sqlite3")


def state_db() -> Path:
    """The reading state (read/unread, starred, last mark-all undo): precious, so in the data dir."""
    return _in_data_dir("reading.sqlite3")


def user_library() -> Path:
    """The default corpus of a user's own news: ``$XDG_DATA_HOME/reader/library`` (created on demand).

    ``reader feeds``/``fetch`` use it when neither ``--articles`` nor ``$READER_ARTICLES`` names a
    folder (the bundled corpus may sit read-only inside an installed wheel); once it holds
    subscriptions, ``reader`` opens it instead of the bundled articles."""
    return data_dir() / "library"


def feeds_state_db(articles_dir: Path) -> Path:
    """Fetch state of a corpus's feeds (ETags, statuses, entry hashes, tombstones), keyed by corpus."""
    path = data_dir() / "feeds"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"{corpus_key(articles_dir)}.sqlite3"


def saved_searches_file() -> Path:
    """Saved searches (named list filters, "query feeds"): the user's, so in the data dir."""
    return _in_data_dir("searches.json")


def opened_file() -> Path:
    """When the reader was last opened on each corpus (the list filter's ``new``)."""
    return _in_data_dir("opened.json")


def ui_state_file() -> Path:
    """The UI state the app writes (reader.ui.settings): panels, sort, last place, theme picked."""
    return state_dir() / "ui-state.json"


def legacy_ui_state_file() -> Path:
    """Where the reader kept UI state and settings together before config.toml (read, never written)."""
    return config_dir() / "state.json"


def config_file() -> Path:
    """The user's settings: theme, key remapping, reading and fetch settings (may not exist)."""
    return config_dir() / "config.toml"


def languages_file() -> Path:
    """The user's language → entity pipeline settings (read by reader.nlp.registry; may not exist)."""
    return config_dir() / "languages.toml"


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
