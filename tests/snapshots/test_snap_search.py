"""Snapshots of the search screen (/): waiting for a query, hits, sorted by date, did you mean, a
malformed query, the index still being built or not built at all."""

from __future__ import annotations

from helpers.screen import quiet, wait_for_text

from reader.ui.screens.search import SearchScreen

SIZE = (110, 35)


async def search(pilot, query: str, *expected: str) -> None:
    """``/`` then ``query``, until the screen shows the ``expected`` texts (on the search screen)."""
    await pilot.press("slash", *query)
    await wait_for_text(pilot, *expected)
    await quiet(pilot)
    assert isinstance(pilot.app.screen, SearchScreen)


def searched(snap, app, query: str, *expected: str, shows: tuple[str, ...] = ()) -> bool:
    """The snapshot of the search screen once ``query`` is typed and ``expected`` shown."""

    async def run_before(pilot):
        await search(pilot, query, *expected)

    return snap(app, SIZE, run_before, shows=shows)


class TestSearch:
    def test_search_screen_before_typing(self, snap, make_app, indexed):
        assert searched(snap, make_app(ingest=False), "", "Type to search.", shows=("esc closes",))

    def test_query_with_hits(self, snap, make_app, indexed):
        assert searched(snap, make_app(ingest=False), "microsoft twitter", "2 results · 0 ms · sorted by relevance",
                        shows=("Microsoft se retire de Twitter", "Twitter va disparaître"))

    def test_query_with_hits_sorted_by_date(self, snap, make_app, indexed):
        async def run_before(pilot):
            await search(pilot, "microsoft twitter", "sorted by relevance")
            await pilot.press("ctrl+s")
            await wait_for_text(pilot, "sorted by date")

        assert snap(make_app(ingest=False), SIZE, run_before, shows=("2 results",))

    def test_no_hits_offers_did_you_mean(self, snap, make_app, indexed):
        assert searched(snap, make_app(ingest=False), "plateforne", "did you mean: plateforme?",
                        shows=("No results for plateforne",))

    def test_malformed_query_is_a_message(self, snap, make_app, indexed):
        assert searched(snap, make_app(ingest=False), 'title:("unclosed', "unclosed quote",
                        shows=('title:("unclosed',))


class TestIndexBuilding:
    def test_hits_while_the_index_is_still_being_built(self, snap, make_app, indexed):
        from reader.ui.messages import IngestProgress

        async def run_before(pilot):
            pilot.app.screen.post_message(IngestProgress("index", 1, 2))  # the ingest (off here) is running
            await wait_for_text(pilot, "Indexing… 1/2 50%")
            await search(pilot, "interview", "index still being built")

        assert snap(make_app(ingest=False), SIZE, run_before, shows=("1 result",))

    def test_index_not_built_yet(self, snap, make_app, searcher):
        assert searched(snap, make_app(ingest=False), "interview", "the search index is not built yet",
                        shows=("run `reader index`",))
