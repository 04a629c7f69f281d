"""Pathological input must not freeze the UI (issue 10): a burst of typed keys, a huge article.

Nothing here is timed (speed is in tests/bench/bench_limits_ui.py); each test asserts what made
the old code slow — one search or filter run per key, an unbounded field — on inputs sized to
finish in seconds.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual import events
from textual.app import App
from textual.widgets import Input

from conftest import BUNDLED, wait_until
from reader.ui.app import ReaderApp
from reader.ui.input_limits import FILTER_MAX_CHARS, Debounce, LimitedInput

BURST = 3_000  # keys of a paste that arrives unbracketed (the issue measured 30,000: same shape)


def burst(app, text: str) -> None:
    """Queue one key event per character at once, as a terminal delivers an unbracketed paste."""
    for ch in text:
        key = "space" if ch == " " else ch
        event = events.Key(key, ch)
        event.set_sender(app)
        app._driver.send_message(event)


def burst_text(n: int) -> str:
    return ("le marché de la plateforme " * (n // 20 + 1))[:n]


class FakeSearcher:
    available = True

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, text, limit=20, sort="relevance", page=1):
        from reader.search.query import SearchResults

        self.queries.append(text)
        return SearchResults(query=text)


def count_calls(monkeypatch, cls, name: str) -> list:
    """Record the first argument of every call to ``cls.name`` (which still runs)."""
    calls: list = []
    original = getattr(cls, name)

    def counted(self, first, *args):
        calls.append(first)
        return original(self, first, *args)

    monkeypatch.setattr(cls, name, counted)
    return calls


@asynccontextmanager
async def started(key: str):
    """The reader on the bundled articles, idle, with ``key`` pressed: yields (app, pilot)."""
    app = ReaderApp(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press(key)
        yield app, pilot


# typed input ---------------------------------------------------------------------------------------
async def test_a_burst_of_keys_in_the_search_field_runs_one_search_on_a_capped_query(monkeypatch):
    from reader.ui import search
    from reader.ui.search import QUERY_MAX_CHARS, SearchScreen

    fake = FakeSearcher()
    monkeypatch.setattr(search, "get_searcher", lambda folder: fake)
    starts = count_calls(monkeypatch, SearchScreen, "_search")
    async with started("slash") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        field = screen.query_one("#search-input", Input)
        text = burst_text(BURST)
        burst(app, text)
        assert await wait_until(pilot, lambda: fake.queries and screen.results is not None)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        # one search (a couple if the machine stalls mid-burst), not one worker per key
        assert 1 <= len(starts) <= 3, len(starts)
        assert len(fake.queries) <= 3
        assert field.value == text[:QUERY_MAX_CHARS]
        assert fake.queries[-1] == text[:QUERY_MAX_CHARS]
        info = str(screen.query_one("#search-info").render())
        assert "too long" in info and f"{QUERY_MAX_CHARS:,}" in info


async def test_search_still_follows_typing_after_the_pause(monkeypatch):
    """The debounce is a delay, not a loss: the last text typed is what is searched."""
    from reader.ui import search
    from reader.ui.search import SearchScreen

    fake = FakeSearcher()
    monkeypatch.setattr(search, "get_searcher", lambda folder: fake)
    async with started("slash") as (app, pilot):
        await pilot.press(*"twit")
        screen = app.screen
        assert await wait_until(pilot, lambda: fake.queries[-1:] == ["twit"])
        await pilot.press("backspace", *"tter")
        assert await wait_until(pilot, lambda: fake.queries[-1:] == ["twitter"])
        assert isinstance(screen, SearchScreen) and "too long" not in str(screen.query_one("#search-info").render())


async def test_a_burst_in_the_bookmarks_filter_rebuilds_the_list_once(monkeypatch):
    from reader.ui.bookmarks import BookmarksScreen

    runs = count_calls(monkeypatch, BookmarksScreen, "refilter")
    async with started("B") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = len(runs)
        text = burst_text(BURST)
        burst(app, text)
        field = screen.query_one("#bookmarks-filter", Input)
        assert await wait_until(pilot, lambda: len(runs) > before and field.value == text[:FILTER_MAX_CHARS])
        await pilot.pause(0.3)
        assert len(runs) - before <= 3, len(runs) - before
        assert runs[-1] == text[:FILTER_MAX_CHARS]
        assert any("too long" in n.message for n in app._notifications)


async def test_a_burst_in_the_timeline_filter_filters_once():
    from reader.ui.events import TimelineScreen

    runs: list[str] = []

    class Timeline(TimelineScreen):
        def _filter(self, text, only_linked, generation):
            runs.append(text)
            return super()._filter(text, only_linked, generation)

    app = App()
    async with app.run_test() as pilot:
        screen = Timeline(None, {})
        await app.push_screen(screen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        before = len(runs)
        text = burst_text(BURST)
        burst(app, text)
        assert await wait_until(pilot, lambda: len(runs) > before)
        await pilot.pause(0.3)
        assert len(runs) - before <= 3, len(runs) - before
        assert screen.query_one("#timeline-filter", Input).value == text[:FILTER_MAX_CHARS]


async def test_a_note_keeps_its_first_characters_and_says_it_was_cut():
    from reader.ui.bookmarks import NOTE_MAX_CHARS, NoteDialog

    app = App()
    async with app.run_test() as pilot:
        saved: list[str | None] = []
        await app.push_screen(NoteDialog("une citation", ""), saved.append)
        await pilot.pause()
        text = burst_text(NOTE_MAX_CHARS + 500)
        burst(app, text)
        field = app.screen.query_one("#note-input", Input)
        assert await wait_until(pilot, lambda: len(field.value) == NOTE_MAX_CHARS)
        await pilot.pause(0.2)
        assert field.value == text[:NOTE_MAX_CHARS]
        assert sum("too long" in n.message for n in app._notifications) == 1  # said once, not per key
        await pilot.press("enter")
        await pilot.pause()
        assert saved == [text[:NOTE_MAX_CHARS]]


class FieldApp(App):
    def __init__(self, value: str = "", limit: int = 10) -> None:
        super().__init__()
        self.value, self.limit, self.cut = value, limit, []

    def compose(self):
        yield LimitedInput(self.value, limit=self.limit)

    def on_limited_input_truncated(self, message: LimitedInput.Truncated) -> None:
        self.cut.append(message.limit)


async def test_a_paste_past_the_limit_keeps_what_fits_where_max_length_refused_it_all():
    app = FieldApp(limit=10)
    async with app.run_test() as pilot:
        field = app.query_one(LimitedInput)
        field.focus()
        await pilot.press(*"abc")
        field.post_message(events.Paste("0123456789xyz"))
        await pilot.pause()
        assert field.value == "abc0123456"
        await pilot.press("z")
        assert field.value == "abc0123456" and app.cut == [10]  # one message for the whole episode
        await pilot.press("backspace", "backspace", *"de")
        assert field.value == "abc01234de"
        await pilot.press("f")  # short again, then cut again: said again
        assert app.cut == [10, 10]


async def test_a_value_given_longer_than_the_limit_is_cut_and_said():
    app = FieldApp("x" * 25, limit=10)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.query_one(LimitedInput).value == "x" * 10
        assert app.cut == [10]


async def test_debounce_runs_once_with_the_last_value_and_flush_runs_now():
    seen: list[int] = []
    app = App()
    async with app.run_test() as pilot:
        debounce = Debounce(app, 0.05, seen.append)
        for i in range(500):
            debounce(i)
        assert seen == [] and debounce.pending
        assert await wait_until(pilot, lambda: seen == [499], step=0.02)
        await pilot.pause(0.15)
        assert seen == [499] and debounce.calls == 1
        debounce(7)
        debounce.flush()
        assert seen == [499, 7] and not debounce.pending
        debounce(8)
        debounce.cancel()
        await pilot.pause(0.15)
        assert seen == [499, 7]
