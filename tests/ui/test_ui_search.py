"""Search screen: results as you type, enter opens the article at the passage, n/N between matches."""

from __future__ import annotations

import pytest

from helpers import BUNDLED, wait_until
from reader.corpus import Catalogue
from reader.ui.article_view import ArticleView
from reader.ui.screens.search import SearchScreen


@pytest.fixture
def indexed():
    from reader.search.index import update_index

    update_index(BUNDLED, Catalogue(BUNDLED).refresh().articles)




async def test_search_as_you_type_and_open_at_passage(indexed, make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"interview")
        screen = app.screen
        assert await wait_until(pilot, lambda: screen.results is not None and screen.results.hits)
        hit = screen.results.hits[0]
        assert hit.article_id == "twitter-disparait-microsoft-advertising"
        assert "interview" in hit.snippet[slice(*hit.snippet_spans[0])].lower()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, SearchScreen)
                           and app.query_one(ArticleView).article is not None
                           and app.query_one(ArticleView).article.id == hit.article_id)
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.cursor == hit.passage
        assert "interview" in view.article.passages[hit.passage].text
        assert await wait_until(pilot, lambda: hit.passage in view._visible_passages()), \
            "the article is scrolled to the passage"
        assert view.scroll_offset.y > 0
        assert view.matches.get(hit.passage), "the matched words are highlighted"


async def test_n_and_N_move_between_matches(indexed, make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"twitter")
        screen = app.screen
        assert await wait_until(pilot, lambda: screen.results is not None and screen.results.hits)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, SearchScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert len(app.main.match_list) > 3
        passages = []
        for _ in range(4):
            await pilot.press("n")
            passages.append(view.cursor)
        assert passages == sorted(passages) and passages[-1] > passages[0]
        await pilot.press("N")
        assert view.cursor == passages[-2]


async def test_malformed_query_shows_a_message_not_a_crash(indexed, make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *'title:(', *'"unclosed')
        screen = app.screen
        assert await wait_until(pilot, lambda: screen.results is not None)
        info = str(screen.query_one("#search-info").render())
        assert info.strip()
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)


async def test_no_hits_offers_did_you_mean(indexed, make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"plateforne")
        screen = app.screen
        assert await wait_until(pilot, lambda: screen.results is not None)
        assert "plateforme" in str(screen.query_one("#search-info").render())


async def test_keys_typed_with_the_slash_reach_the_search_field(indexed, make_app):
    """In a terminal, "/musk" typed fast arrives as one burst: the keys come before the field is focused."""
    from textual import events

    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in ["slash", "m", "u", "s", "k"]:  # posted at once, as the driver does for a burst
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-input").value == "musk"
        await pilot.press("slash")  # inside the search field "/" is just a character
        assert isinstance(app.screen, SearchScreen) and app.screen.query_one("#search-input").value == "musk/"
        assert len(app.screen_stack) == 2
