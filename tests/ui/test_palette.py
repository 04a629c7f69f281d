"""The command palette (ctrl+p): the registry's commands through a Provider, offered when they can act."""

from __future__ import annotations

from helpers import wait_until, write_article

from reader import paths
from reader.ui.providers import palette_commands


async def _started(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _palette_titles(pilot, query: str) -> list[str]:
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*query)
    options = pilot.app.screen.query_one(CommandList)
    assert await wait_until(pilot, lambda: options.option_count > 0)
    await pilot.pause(0.2)  # every provider has answered
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def test_the_palette_runs_an_article_command_with_the_user_s_key(make_app):
    from reader.bookmarks.store import BookmarkStore

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('[keys]\nbookmark = "m"\n', encoding="utf-8")
    app = make_app(ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await _started(pilot)
        assert app.main.article is not None
        titles = await _palette_titles(pilot, "bookmark")
        assert "Bookmark (m)" in titles  # the article's commands, on the screen the palette was opened from
        from textual.command import CommandList

        pilot.app.screen.query_one(CommandList).highlighted = titles.index("Bookmark (m)")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: len(BookmarkStore().list()) == 1)


async def test_with_no_article_open_its_commands_are_not_offered(make_app, tmp_path):
    app = make_app(tmp_path, ingest=False, fetch=False)  # an empty folder: nothing to open
    async with app.run_test() as pilot:
        await _started(pilot)
        titles = [c.title for c in palette_commands(app.screen)]
        assert "Search (/)" in titles and "Feeds (F)" in titles
        assert not [t for t in titles if t.startswith(("Bookmark (", "Next entity", "Copy passage"))], titles
    write_article(tmp_path, "a.md", "a1", "One", "Some text.")
    app = make_app(tmp_path, ingest=False, fetch=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        assert app.main.article is not None
        assert "Bookmark (b)" in [c.title for c in palette_commands(app.screen)]
