"""Snapshots of the feeds screen (F): a feed that fetched, one whose last fetch failed, a saved
search; the add-feed and save-filter dialogs; one feed's articles in the list.

The subscriptions and their fetch state are written as ``reader fetch`` leaves them, with fixed
URLs and times (a loopback server's port changes every run, so it is not on these pictures)."""

from __future__ import annotations

import pytest
from helpers import write_article
from helpers.screen import quiet, wait_for_text

from reader import paths
from reader.feeds.state import FeedState, StateDB, make_feed_id
from reader.listfilter.saved import SavedSearches
from reader.ui.dialogs.add_feed import AddFeedDialog
from reader.ui.dialogs.save_search import SaveSearchDialog
from reader.ui.screens.feeds import FeedsScreen

GOOD, BROKEN = "http://127.0.0.1:9/good.xml", "http://127.0.0.1:9/broken.xml"
FETCHED = 1780300800.0  # 2026-06-01 08:00 UTC


@pytest.fixture
def subscribed(tmp_path, utc):
    """An article of one's own, a feed fetched once (two articles), a feed whose fetch failed."""
    folder = tmp_path / "c"
    folder.mkdir()
    write_article(folder, "own.md", "own", "My own article", "Text.", published="2026-05-01")
    (folder / "feeds.txt").write_text(f'{GOOD} news "~Good feed"\n{BROKEN}\n', encoding="utf-8")
    good_id = make_feed_id(GOOD)
    feed_dir = folder / "feeds" / good_id
    feed_dir.mkdir(parents=True)
    for k, title in enumerate(("Feed article A", "Feed article B")):
        write_article(feed_dir, f"{k}.md", f"feed-{k}", title, f"Body {k}.", published=f"2026-05-3{k}",
                      source="Good feed", feed=GOOD)
    with StateDB(paths.feeds_state_db(folder)) as db:
        db.save_feed(FeedState(GOOD, good_id, title="Good feed", status=200, last_fetched=FETCHED,
                               next_check=FETCHED + 3600))
        db.save_feed(FeedState(BROKEN, make_feed_id(BROKEN), status=500, last_fetched=FETCHED,
                               error="HTTP 500: Internal Server Error", next_check=FETCHED + 3600))
    SavedSearches().save("Unread news", "unread tag:news")  # the good feed's two
    return folder


async def feeds_screen(pilot) -> None:
    await wait_for_text(pilot, "3 unread · 3 articles")
    await pilot.press("F")
    await wait_for_text(pilot, "2 feeds · 1 failing (✗)")
    await quiet(pilot)
    assert isinstance(pilot.app.screen, FeedsScreen)


class TestFeeds:
    def test_feeds_with_an_errored_feed_and_a_saved_search(self, snap, make_app, subscribed):
        async def run_before(pilot):
            await feeds_screen(pilot)

        assert snap(make_app(subscribed, ingest=False, fetch=False), (110, 30), run_before,
                    shows=("Good feed  #news", "fetched 2026-06-01 08:00", "✗ HTTP 500: Internal Server Error",
                           "⌕ Unread news"))

    def test_one_feed_s_articles_in_the_list(self, snap, make_app, subscribed):
        async def run_before(pilot):
            await feeds_screen(pilot)
            await pilot.press("j", "enter")  # the first feed after All articles
            await wait_for_text(pilot, "Good feed: 2 articles")
            assert not isinstance(pilot.app.screen, FeedsScreen)

        assert snap(make_app(subscribed, ingest=False, fetch=False), (110, 30), run_before,
                    shows=("Feed article A", "Feed article B"))


class TestFeedDialogs:
    def test_add_feed_dialog(self, snap, make_app, subscribed):
        async def run_before(pilot):
            await feeds_screen(pilot)
            await pilot.press("a", *"https://example.org/")
            await quiet(pilot)
            assert isinstance(pilot.app.screen, AddFeedDialog)

        assert snap(make_app(subscribed, ingest=False, fetch=False), (110, 30), run_before,
                    shows=("Add a feed", "https://example.org/"))

    def test_save_the_filter_dialog(self, snap, make_app, subscribed):
        async def run_before(pilot):
            await wait_for_text(pilot, "3 unread · 3 articles")
            await pilot.press("l", *"feed:good", "enter")
            await wait_for_text(pilot, "filter: feed:good")
            await pilot.press("F")
            await wait_for_text(pilot, "2 feeds · 1 failing (✗)")
            await pilot.press("s", *"Good only")
            await quiet(pilot)
            assert isinstance(pilot.app.screen, SaveSearchDialog)

        assert snap(make_app(subscribed, ingest=False, fetch=False), (110, 30), run_before,
                    shows=("Save the filter as a search", "feed:good", "Good only"))
