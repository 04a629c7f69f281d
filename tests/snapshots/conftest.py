"""Fixtures of the snapshot tests: ``snap`` (one picture of one state), the bundled articles'
search index, a fixed time zone.

Each snapshot is a state reached through keys, with fixed data (the bundled articles, files the
test writes, ``tests/data``): no clock, no temporary path and no spinner on screen. Update the
pictures with ``make snapshot-update`` and look at what changed (``helpers.screen.svg_text``
prints a stored SVG as text)."""

from __future__ import annotations

import os
import time

import pytest
from helpers import write_article
from helpers.screen import quiet, screen_text


@pytest.fixture
def snap(snap_compare):
    """``snap(app, size, run_before=None, shows=())``: start ``app`` in a ``size`` terminal, let it
    settle, run ``run_before(pilot)`` (keys; its asserts say the state is the one the test names),
    let it settle again and compare the screen with the stored snapshot. ``shows``: texts the
    screen must show. An assertion that fails in ``run_before`` (or a text not shown) fails the test
    with its own message, and no picture of the wrong state is stored, even with ``--snapshot-update``."""

    def shoot(app, size: tuple[int, int], run_before=None, shows: tuple[str, ...] = ()) -> bool:
        failures: list[BaseException] = []
        app.NOTIFICATION_TIMEOUT = 60  # a notice (default timeout) is still up when the picture is taken

        async def guarded(pilot) -> None:
            try:
                await quiet(pilot)
                if run_before is not None:
                    await run_before(pilot)
                await quiet(pilot)
                from textual.widgets import Input

                for field in pilot.app.screen.query(Input):  # a steady cursor, not a blinking one
                    field.cursor_blink = False
                await pilot.pause()
                shown = screen_text(pilot.app)
                missing = [text for text in shows if text not in shown]
                assert not missing, f"not on screen: {missing!r}; the screen:\n{shown}"
            except Exception as exc:  # the app stops without a screenshot: nothing is compared or stored
                failures.append(exc)
                raise

        try:
            return snap_compare(app, terminal_size=size, run_before=guarded)
        except AssertionError:
            if failures:  # raised here, where pytest shows it, rather than "no screenshot"
                raise failures[0] from None
            raise

    return shoot


@pytest.fixture
def searcher(monkeypatch):
    """The search screen opens a fresh searcher (one an earlier test opened reads that test's
    cache dir), which reports 0 ms (the time a query took is not part of the picture)."""
    from reader.search.searcher import Searcher
    from reader.ui.screens import search as search_screen

    monkeypatch.setattr(search_screen, "_searchers", {})
    search = Searcher.search

    def timeless(self, *args, **kwargs):
        results = search(self, *args, **kwargs)
        results.elapsed_ms = 0.0
        return results

    monkeypatch.setattr(Searcher, "search", timeless)


@pytest.fixture
def indexed(searcher):
    """The bundled articles' search index in this test's cache dir."""
    from helpers import BUNDLED

    from reader.corpus import Catalogue
    from reader.search.index import update_index

    update_index(BUNDLED, Catalogue(BUNDLED).refresh().articles)


@pytest.fixture
def utc():
    """Local time is UTC (a fetch time on screen is the same on every machine)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


LINKED = ("Le [premier lien](https://example.org/un) ouvre la page, puis [un second](/deux) relatif.\n\n"
          "Un troisième : <https://example.org/trois>.\n\n"
          "Un [salon](irc://irc.example.org/x) jamais ouvert, un [script](javascript:alert(1)) non plus.")


@pytest.fixture
def sources(tmp_path):
    """Five short articles from two sources, dated 20 to 16 May 2024 (filter and sort)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for k, (title, source) in enumerate([("Delta", "Tech Hebdo"), ("Alpha", "Le Journal"), ("Echo", "Tech Hebdo"),
                                         ("Charlie", "Le Journal"), ("Bravo", "Tech Hebdo")]):
        write_article(folder, f"a{k}.md", f"art{k}", title, f"Texte de l'article {title}.",
                      published=f"2024-05-{20 - k:02d}", source=source)
    return folder


@pytest.fixture
def linked(tmp_path):
    """Four articles of Le Journal with URLs; the first one's text has links (reading state, links)."""
    folder = tmp_path / "arts"
    folder.mkdir()
    for k in range(4):
        body = LINKED if k == 0 else "\n\n".join(f"Paragraphe {p} de l'article {k}, assez long pour lire."
                                                 for p in range(3))
        write_article(folder, f"a{k}.md", f"art{k}", f"Article {k}", body, published=f"2024-05-{10 - k:02d}",
                      source="Le Journal", url=f"https://example.org/articles/{k}")
    return folder
