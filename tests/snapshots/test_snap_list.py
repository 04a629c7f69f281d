"""Snapshots of the article list: the filter line (kept, being typed, bad syntax), the sort, and the
reading state (unread, read, starred) of its rows."""

from __future__ import annotations

from helpers.screen import wait_for_text

from reader.state.store import StateStore


class TestFilter:
    def test_snapshot_list_with_a_filter(self, snap, make_app, sources):
        async def run_before(pilot):
            await pilot.press("l", *"source:tech", "enter")  # the line closes; the header says the filter
            await wait_for_text(pilot, "filter: source:tech")
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#list")

        assert snap(make_app(sources, ingest=False, fetch=False), (100, 30), run_before)

    def test_filter_line_while_typing(self, snap, make_app, sources):
        async def run_before(pilot):
            await pilot.press("l", *"source:journal unread")
            await wait_for_text(pilot, "filter: source:journal unr…")  # the header, cut at the list's width
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#list-filter")

        assert snap(make_app(sources, ingest=False, fetch=False), (100, 30), run_before,
                    shows=("Alpha", "Charlie", " source:journal unread"))

    def test_filter_with_bad_syntax_keeps_the_list_and_says_why(self, snap, make_app, sources):
        async def run_before(pilot):
            await pilot.press("l", *"source:journal")
            await wait_for_text(pilot, "filter: source:journal")
            await pilot.press(*" date:[2024")  # an unfinished range
            await wait_for_text(pilot, "Filter: not a date range in 'date:[2024'")  # the status line
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#list-filter")

        assert snap(make_app(sources, ingest=False, fetch=False), (120, 30), run_before,
                    shows=("filter: source:journal · 2 unread", "Alpha", "Charlie", "source:journal date:[2024"))


class TestSort:
    def test_sorted_by_title(self, snap, make_app, sources):
        async def run_before(pilot):
            await pilot.press("s")  # date (newest first) → title
            await wait_for_text(pilot, "sort: title")

        assert snap(make_app(sources, ingest=False, fetch=False), (100, 30), run_before,
                    shows=("Sorted by title",))


class TestReadingState:
    def test_snapshot_list_with_unread_read_and_starred_rows(self, snap, make_app, linked):
        store = StateStore()
        store.mark_read("art1")
        store.set_starred("art2", True)
        store.mark_read("art3")
        store.set_starred("art3", True)

        async def run_before(pilot):
            await wait_for_text(pilot, "2 unread · 4 articles")

        assert snap(make_app(linked, ingest=False), (100, 24), run_before, shows=("★",))

    def test_star_and_mark_read_from_the_list(self, snap, make_app, linked):
        async def run_before(pilot):
            await wait_for_text(pilot, "4 unread · 4 articles")
            await pilot.press("j", "f", "j", "r")  # star the second, mark the third read
            await wait_for_text(pilot, "3 unread · 4 articles", "Marked read: Article 2")

        assert snap(make_app(linked, ingest=False), (100, 24), run_before, shows=("★",))
