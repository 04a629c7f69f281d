"""Keys that cannot act now are dimmed (footer, active bindings) and left out of the palette."""

from __future__ import annotations

from helpers import wait_until

from reader.ui.widgets.article_view import ArticleView
from reader.ui.providers import palette_commands


async def _started(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _enabled(app, key: str) -> bool:
    return app.active_bindings[key].enabled


def _footer(app) -> dict[str, bool]:
    """Description → shown enabled, for the keys in the footer."""
    return {fk.description: not fk.has_class("-disabled") for fk in app.screen.query("FooterKey")}


async def test_n_acts_only_with_matches_and_a_only_on_a_bookmark(make_app):
    app = make_app(ingest=False, fetch=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await _started(pilot)
        main = app.main
        await pilot.press("tab")  # the article view
        assert isinstance(app.focused, ArticleView)
        assert not _enabled(app, "n") and not _enabled(app, "N") and not _enabled(app, "a")
        assert _enabled(app, "b") and _footer(app)["Bookmark"]
        titles = [c.title for c in palette_commands(app.screen)]
        assert "Next match (n)" not in titles and "Note (a)" not in titles and "Bookmark (b)" in titles
        # opened from a search: its matches, n and N act
        main.open_meta(main.query_one("ArticleList").current, passage=0, query="Twitter")
        assert await wait_until(pilot, lambda: bool(main.match_list))
        await pilot.pause()
        assert _enabled(app, "n") and _enabled(app, "N")
        assert "Next match (n)" in [c.title for c in palette_commands(app.screen)]
        await pilot.press("n")
        assert main.match_pos == 1 or len(main.match_list) == 1
        # a bookmark on the passage under the cursor: a acts; on the next passage, not
        await pilot.press("g", "b")
        await pilot.pause()
        assert main.anchored and _enabled(app, "a")
        await pilot.press("j")
        await pilot.pause()
        assert not _enabled(app, "a")
        await pilot.press("k")
        await pilot.pause()
        assert _enabled(app, "a")


async def test_with_no_article_the_article_keys_are_dimmed(make_app, tmp_path):
    app = make_app(tmp_path, ingest=False, fetch=False)  # an empty folder
    async with app.run_test(size=(120, 35)) as pilot:
        await _started(pilot)
        app.main.query_one(ArticleView).focus()
        await pilot.pause()
        assert app.main.article is None
        for key in ("b", "e", "s", "Y", "n", "a"):
            assert not _enabled(app, key), key
        footer = _footer(app)
        assert footer["Bookmark"] is False and footer["Next entity"] is False  # shown, dimmed
        assert footer["Search"] is True
        await pilot.press("b")  # does nothing, says nothing, breaks nothing
        await pilot.pause()
        assert not app._notifications
