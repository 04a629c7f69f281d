"""Shared fixtures: every test gets its own XDG data/cache/config dirs, never the user's."""

from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "articles"
SEEDS = ROOT / "tests" / "data" / "seeds"  # copies of ../shared/seeds, the source of articles/


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


def write_article(folder: Path, name: str, art_id: str, title: str, body: str, **fields) -> Path:
    lines = ["---", f"id: {art_id}", f'title: "{title}"']
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", "", body]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def wait_until(pilot, condition, tries: int = 300, step: float = 0.05) -> bool:
    """Let the app run until ``condition()`` holds (workers and debounces take a moment under load)."""
    for _ in range(tries):
        await pilot.pause(step)
        if condition():
            return True
    return False


async def open_article(pilot, down: int = 0):
    """Once the reader has started, open the list's first article (or the one ``down`` rows below)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for _ in range(down):
        await pilot.press("j")
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@asynccontextmanager
async def reader_open(folder: Path, size: tuple[int, int] = (110, 35), down: int = 0):
    """The reader (no background ingest) on ``folder`` with its first article open (or the one
    ``down`` rows below): yields (app, pilot, article view)."""
    from reader.ui.app import ReaderApp
    from reader.ui.article_view import ArticleView

    app = ReaderApp(folder, ingest=False)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot, down)
        yield app, pilot, app.query_one(ArticleView)
