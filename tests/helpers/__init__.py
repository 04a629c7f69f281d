"""What tests share: the repository's places, a test article writer, and the Pilot helpers.

Importable from any test folder as ``helpers`` (tests/conftest.py puts tests/ on ``sys.path``);
``helpers.feedserver``, ``helpers.sigkill``, ``helpers.events_ingest``, ``helpers.gold_score`` and
``helpers.newsboat_cache`` are the larger ones."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DATA = TESTS / "data"
BUNDLED = ROOT / "articles"
SEEDS = DATA / "seeds"  # copies of ../shared/seeds, the source of articles/


def write_article(folder: Path, name: str, art_id: str, title: str, body: str, **fields) -> Path:
    lines = ["---", f"id: {art_id}", f'title: "{title}"']
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", "", body]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def build_app(folder: Path = BUNDLED, **options):
    """The one place tests build the reader: ``ReaderApp(folder, **options)`` (``folder`` defaults to
    the bundled articles). Tests take it as the ``make_app`` fixture; test classes and helpers that
    build apps outside a test function call it directly."""
    from reader.ui.app import ReaderApp

    return ReaderApp(folder, **options)


async def wait_until(pilot, condition, tries: int = 300, step: float = 0.05) -> bool:
    """Let the app run until ``condition()`` holds (workers and debounces take a moment under load)."""
    for _ in range(tries):
        await pilot.pause(step)
        if condition():
            return True
    return False


async def settle(pilot, until=None) -> None:
    """Let the reader finish what it started: a pause, every worker done, ``until()`` holding if
    given (asserted), a pause."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    if until is not None:
        assert await wait_until(pilot, until)
    await pilot.pause()


async def reading_settled(pilot) -> None:
    """``settle``, and until the reading-state writer thread has written every change."""
    await settle(pilot, pilot.app.main.reading_idle)


async def reading_started(pilot, articles: int | None = None):
    """Once the reader has started with its reading state loaded and the list showing ``articles``
    articles (any, when None), returns the article list."""
    from reader.ui.widgets.article_list import ArticleList

    app = pilot.app
    await reading_settled(pilot)

    def shown() -> bool:
        if not app.main._reading_loaded:
            return False
        count = len(app.query_one(ArticleList).articles)
        return count > 0 if articles is None else count == articles

    assert await wait_until(pilot, shown)
    return app.query_one(ArticleList)


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
    from reader.ui.article_view import ArticleView

    app = build_app(folder, ingest=False)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot, down)
        yield app, pilot, app.query_one(ArticleView)
