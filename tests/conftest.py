"""Shared fixtures: every test gets its own XDG data/cache/config dirs, never the user's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import BUNDLED, ROOT, SEEDS, build_app  # noqa: F401  (re-exported for fixtures)


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        (base / var).mkdir()
        monkeypatch.setenv(var, str(base / var))
    monkeypatch.delenv("READER_ARTICLES", raising=False)
    monkeypatch.setenv("READER_COLOR_DEPTH", "truecolor")  # entity colours as in truecolor, whatever $TERM says
    return base


@pytest.fixture
def fresh_registry():
    """The language registry's caches and the loaded pipelines forgotten before and after a test (a
    pipeline cached by another test may be another model's)."""
    from reader.nlp import pipeline, registry

    def forget() -> None:
        registry.clear_caches()
        pipeline.load.cache_clear()

    forget()
    yield
    forget()


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A writable copy of the bundled articles."""
    dest = tmp_path / "articles"
    shutil.copytree(BUNDLED, dest)
    return dest


@pytest.fixture
def make_app():
    """The one way a test builds the reader: ``make_app(folder, **options)`` (the options of
    ``ReaderApp``; ``folder`` defaults to the bundled articles). Run it with ``app.run_test()``."""
    return build_app
