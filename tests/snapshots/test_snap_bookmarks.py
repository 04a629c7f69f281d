"""Snapshots of the bookmarks screen (B): bookmarks of both bundled articles, one of them orphaned
(its text is gone from the edited article), filtered, and a note being edited."""

from __future__ import annotations

import pytest
from helpers.screen import quiet, wait_for_text

from reader.bookmarks.store import BookmarkStore
from reader.corpus import load_article, load_folder
from reader.ui.dialogs.note import NoteDialog
from reader.ui.screens.bookmarks import BookmarksScreen

ART1, ART2 = "microsoft-retire-twitter-advertising", "twitter-disparait-microsoft-advertising"


@pytest.fixture
def bookmarked(corpus):
    """Three bookmarks made on fixed days; then the passage of the last one is cut from its article."""
    arts = {m.id: load_article(m) for m in load_folder(corpus).articles}
    date = "25 avril 2023"
    p3 = arts[ART2].passages[3].text
    BookmarkStore().insert_new([
        BookmarkStore.make(arts[ART1], 1, note="à citer", uuid="00000000-0000-4000-8000-000000000001",
                           created="2024-06-01T09:00:00.000Z"),
        BookmarkStore.make(arts[ART2], 3, p3.index(date), p3.index(date) + len(date),
                           uuid="00000000-0000-4000-8000-000000000002", created="2024-06-02T09:00:00.000Z"),
        BookmarkStore.make(arts[ART2], 10, uuid="00000000-0000-4000-8000-000000000003",
                           created="2024-06-03T09:00:00.000Z"),
    ])
    path = arts[ART2].meta.path
    path.write_text(path.read_text(encoding="utf-8").replace(arts[ART2].passages[10].text, ""), encoding="utf-8")
    return corpus


async def bookmarks_screen(pilot) -> None:
    await pilot.press("B")
    await wait_for_text(pilot, "3 of 3 bookmarks")
    assert isinstance(pilot.app.screen, BookmarksScreen)


class TestBookmarks:
    def test_bookmarks_with_an_orphan(self, snap, make_app, bookmarked):
        async def run_before(pilot):
            await bookmarks_screen(pilot)

        assert snap(make_app(bookmarked, ingest=False), (110, 30), run_before,
                    shows=("1 orphaned", "orphaned: text no longer found", "“En outre, il est intervenu hier",
                           "✎ à citer", "bookmarked 2024-06-03"))

    def test_bookmarks_filtered(self, snap, make_app, bookmarked):
        async def run_before(pilot):
            await bookmarks_screen(pilot)
            await pilot.press(*"avril")
            await wait_for_text(pilot, "1 of 3 bookmarks")
            await quiet(pilot)

        assert snap(make_app(bookmarked, ingest=False), (110, 30), run_before, shows=("“25 avril 2023”",))

    def test_note_dialog_over_the_bookmarks(self, snap, make_app, bookmarked):
        async def run_before(pilot):
            await bookmarks_screen(pilot)
            await pilot.press("down", "j", "j", "a")  # into the list, to the third (the one with a note)
            await quiet(pilot)
            assert isinstance(pilot.app.screen, NoteDialog)

        assert snap(make_app(bookmarked, ingest=False), (110, 30), run_before,
                    shows=("Note for the bookmark", "à citer"))
