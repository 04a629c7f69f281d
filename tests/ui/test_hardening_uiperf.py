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

from helpers import BUNDLED, build_app, wait_until
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
        from reader.search.model import SearchResults

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
    app = build_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press(key)
        yield app, pilot


# typed input ---------------------------------------------------------------------------------------
async def test_a_burst_of_keys_in_the_search_field_runs_one_search_on_a_capped_query(monkeypatch):
    from reader.ui.screens import search
    from reader.ui.screens.search import QUERY_MAX_CHARS, SearchScreen

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
    from reader.ui.screens import search
    from reader.ui.screens.search import SearchScreen

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
    from reader.ui.screens.bookmarks import BookmarksScreen

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
    from reader.ui.screens.timeline import TimelineScreen

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
    from reader.ui.dialogs.note import NOTE_MAX_CHARS, NoteDialog

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


# huge article ---------------------------------------------------------------------------------------
def big_body(paragraphs: int, giant_chars: int = 0) -> str:
    """Many paragraphs of French-like text, and optionally one giant paragraph in the middle."""
    words = ["marché", "plateforme", "décision", "l’entreprise", "annonce", "réseau", "données", "—", "été"]
    paras = [f"Paragraphe {i} : " + " ".join(words[(i + k) % len(words)] for k in range(60)) for i in range(paragraphs)]
    if giant_chars:
        giant = " ".join(words[k % len(words)] + str(k % 7) for k in range(giant_chars // 8))
        paras.insert(paragraphs // 2, giant)
    return "\n\n".join(paras)


def test_the_one_cell_wrap_gives_the_rows_of_the_measured_wrap():
    import random

    from rich.cells import cell_len

    from reader.ui.widgets.article_view.wrap import _NOT_NARROW, _wrap_measured, _wrap_narrow

    narrow = [chr(c) for c in range(0x20, 0x2600) if _NOT_NARROW.match(chr(c)) is None]
    assert all(cell_len(c) == 1 for c in narrow)  # what the fast path assumes
    r = random.Random(7)
    pieces = ["a", "é", " ", "   ", "mot", "\xa0", "—", "…", "anticonstitutionnellement", "’", "x" * 30]
    for _ in range(5000):
        line = "".join(r.choice(pieces) for _ in range(r.randint(1, 30)))
        if line.isspace():
            continue
        width = r.randint(1, 24)
        assert list(_wrap_narrow(line, 0, width)) == list(_wrap_measured(line, line, 0, width)), (line, width)


def test_parsed_passages_are_cached_per_content_hash_in_a_bounded_lru(monkeypatch):
    from reader import passages

    monkeypatch.setattr(passages, "_cache", type(passages._cache)())
    monkeypatch.setattr(passages, "CACHE_CHARS", 2_000)
    first = passages.parse_passages_cached("h1", "un " * 300)
    assert passages.parse_passages_cached("h1", "un " * 300) is first  # a reopen parses nothing
    passages.parse_passages_cached("h2", "deux " * 300)  # 900 + 1,500 chars > 2,000: the oldest goes
    assert list(passages._cache) == ["h2"]
    passages.parse_passages_cached("h3", "trois " * 1000)  # alone over the bound: still kept (the open one)
    assert list(passages._cache) == ["h3"]


async def test_keys_work_while_a_large_article_is_read_and_parsed(tmp_path, monkeypatch, make_app):
    """The read and parse run off the event loop: while they take their time, the reader says
    "Opening…", moves in the list, and q still quits."""
    import threading

    import reader.ui.screens.main as app_module
    from helpers import write_article
    from reader.ui.widgets.article_view import ArticleView

    write_article(tmp_path, "a.md", "a", "Énorme", big_body(2000))
    write_article(tmp_path, "b.md", "b", "Petit", "Un paragraphe.")
    release = threading.Event()
    real = app_module.load_article

    def slow_load(meta):
        release.wait(timeout=5)  # the old code read on the event loop: this froze the app (5 s, then failed)
        return real(meta)

    monkeypatch.setattr(app_module, "load_article", slow_load)
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = app.query_one("#list")
        view = app.query_one(ArticleView)
        assert await wait_until(pilot, lambda: app.main.status_text.startswith("Opening… (large article"))
        assert lst.current.id == "a" and view.article is None
        await pilot.press("j")  # handled meanwhile
        assert lst.current.id == "b" and not release.is_set()
        await pilot.press("k")
        release.set()
        assert await wait_until(pilot, lambda: view.article is not None)
        assert view.article.id == "a" and not app.main.status_text.startswith("Opening")
        assert view.passage_lines(0)[0].startswith("Paragraphe 0 :")
    release.clear()
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: app.main.status_text.startswith("Opening…"))
        assert app.query_one(ArticleView).article is None
        await pilot.press("q")
        await pilot.pause()
        assert app._exit and not release.is_set(), "q quit while the article was still being read"
    release.set()


async def test_a_huge_article_is_laid_out_in_steps_to_the_rows_of_the_one_shot_layout(tmp_path, monkeypatch, make_app):
    """Past LAZY_CHARS the first screens are wrapped before the first paint and the rest in short
    steps (a huge paragraph a window of rows at a time): the rows end up those of one step."""
    from helpers import write_article
    from reader.ui.widgets.article_view import ArticleView

    write_article(tmp_path, "a.md", "a", "Énorme", big_body(400, giant_chars=300_000))
    layouts = []
    for lazy in (True, False):
        if lazy:
            monkeypatch.setattr(ArticleView, "LAYOUT_STEP_S", 0.0005)  # many steps, some inside the giant
        else:
            monkeypatch.setattr(ArticleView, "LAZY_CHARS", 10**9)
        app = make_app(tmp_path, ingest=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            view = app.query_one(ArticleView)
            steps: list[int] = []
            wrap = view._wrap_passages

            def counted(*args, **kwargs):
                steps.append(len(view.doc.rows))
                return wrap(*args, **kwargs)

            view._wrap_passages = counted
            await pilot.press("enter")
            assert await wait_until(pilot, lambda: view.article is not None)
            assert view.passage_lines(0)[0].startswith("Paragraphe 0 :")  # the first passage is shown
            await pilot.press("j")  # and a key is handled
            assert view.cursor == 1
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert view.doc.wrapped == view.passage_count and view.doc.partial is None
            assert view.virtual_size.height == len(view.doc.rows)
            if lazy:
                assert len(steps) > 10, "laid out in steps"
            layouts.append((list(view.doc.rows), list(view.doc.passage_rows)))
    assert layouts[0] == layouts[1]


async def test_a_huge_passage_is_styled_a_row_at_a_time_as_it_would_be_whole(tmp_path, monkeypatch):
    from helpers import reader_open, write_article
    from reader.ui.widgets.article_view import ArticleView

    write_article(tmp_path, "a.md", "a", "Énorme", big_body(4, giant_chars=60_000))
    async with reader_open(tmp_path, (100, 30)) as (app, pilot, view):
        giant = max(view.article.passages, key=lambda p: len(p.text))
        assert len(giant.text) > view.WINDOW_CHARS
        text = giant.text
        spans = [(i, i + 6) for i in range(0, len(text) - 6, 97)]  # thousands of highlights
        view.matches = {giant.index: spans}
        view.bookmarks = {giant.index: [(100, len(text) - 100)]}  # one long span over most of it
        view.refresh_highlights()
        first, end = view.passage_row_range(giant.index)
        rows = list(range(first, first + 40)) + list(range(end - 40, end))
        windowed = [view.row_strip(r) for r in rows]
        monkeypatch.setattr(ArticleView, "WINDOW_CHARS", 10**9)
        view.refresh_highlights()
        assert [view.row_strip(r) for r in rows] == windowed
