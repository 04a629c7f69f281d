"""Bookmarks in the UI: b, notes, marks, the bookmarks screen with filter, delete and undo."""

from __future__ import annotations


from helpers import BUNDLED, reader_open, wait_until
from reader.bookmarks.store import BookmarkStore
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.bookmarks import BookmarksScreen, NoteDialog




async def test_b_bookmarks_the_cursor_passage_and_a_adds_a_note():
    async with reader_open(BUNDLED) as (app, pilot, view):
        await pilot.press("j", "j")
        await pilot.press("b")
        await pilot.pause()
        stored = BookmarkStore().list()
        assert len(stored) == 1
        bm = stored[0]
        assert bm.article_id == view.article.id and bm.passage == 2
        assert bm.quote == view.article.passages[2].text
        assert view.is_bookmarked_mark(2) and not view.is_bookmarked_mark(1)
        assert view.article.id in app.query_one(ArticleList).marked
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"à relire / citer", "enter")  # "/" is a character in a note, not the search key
        await pilot.pause()
        assert BookmarkStore().get(bm.uuid).note == "à relire / citer"


async def test_mouse_selection_inside_a_passage_bookmarks_just_that_text():
    """A real mouse drag over "Elon Musk" (down, move, up) selects and bookmarks exactly those chars."""
    async with reader_open(BUNDLED) as (app, pilot, view):
        text = view.article.passages[0].text
        start = text.index("Elon Musk")
        # where the word is painted: its row, and its column after the padding and the gutter
        first, end = view.passage_row_range(0)
        row = next(r for r in range(first, end) if "Elon Musk" in view.row_strip(r).text)
        line = view.row_strip(row).text
        x0 = view.styles.padding.left + line.index("Elon Musk")
        y = row - int(view.scroll_offset.y)
        await pilot.mouse_down(view, offset=(x0, y))
        last = x0 + len("Elon Musk") - 1  # Textual's selection includes the char under the pointer
        await pilot.hover(view, offset=(last, y))
        await pilot.mouse_up(view, offset=(last, y))
        await pilot.pause()
        assert app.screen.get_selected_text() == "Elon Musk"
        await pilot.press("b")
        await pilot.pause()
        bm = BookmarkStore().list()[0]
        assert (bm.passage, bm.start, bm.end, bm.quote) == (0, start, start + 9, "Elon Musk")


async def test_bookmarks_screen_filter_open_delete_undo():
    async with reader_open(BUNDLED) as (app, pilot, _view):
        await pilot.press("j", "j", "b", "j", "j", "b")
        await pilot.pause()
        assert len(BookmarkStore().list()) == 2
        await pilot.press("B")
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        assert await wait_until(pilot, lambda: len(screen.shown) == 2)
        target = screen.shown[0]
        word = target.bookmark.quote.split()[3]
        await pilot.press(*word)
        assert await wait_until(pilot, lambda: len(screen.shown) == 1)
        # delete then undo, from the list
        await pilot.press("down", "d")
        await pilot.pause()
        assert BookmarkStore().list() and len(BookmarkStore().list()) == 1
        await pilot.press("u")
        await pilot.pause()
        assert len(BookmarkStore().list()) == 2
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, BookmarksScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one(ArticleView).cursor == target.anchor.passage


async def test_bookmark_survives_an_edit_of_the_article(corpus):
    async with reader_open(corpus) as (app, pilot, view):
        await pilot.press("j", "j", "j", "j", "b")
        await pilot.pause()
        quote = BookmarkStore().list()[0].quote
        path = view.article.meta.path
    # insert a paragraph at the top of the article: the bookmarked passage moves down by one
    text = path.read_text(encoding="utf-8")
    head, body = text.split("---\n", 2)[1:]
    path.write_text("---\n" + head + "---\n\nUn nouveau paragraphe ajouté en tête.\n" + body, encoding="utf-8")
    async with reader_open(corpus) as (app, pilot, view):
        marked = [i for i in range(view.passage_count) if view.is_bookmarked_mark(i)]
        assert len(marked) == 1
        assert view.article.passages[marked[0]].text == quote


async def test_keyboard_selection_bookmarks_sentences():
    async with reader_open(BUNDLED) as (app, pilot, view):
        text = view.article.passages[0].text
        first = text[: text.index(". ") + 1]
        await pilot.press("s")
        assert app.main._selection_in_view() == (0, 0, len(first))
        await pilot.press("s")
        second_start = len(first) + 1
        sel = app.main._selection_in_view()
        assert sel[1] == second_start and text[sel[1]:sel[2]].startswith("Une nouvelle")
        await pilot.press("S")  # no third sentence: stays
        await pilot.press("escape")
        assert app.main._selection_in_view() is None
        await pilot.press("s", "S", "b")
        await pilot.pause()
        bm = BookmarkStore().list()[0]
        assert bm.passage == 0 and bm.start == 0 and bm.quote == text


async def test_note_goes_to_the_whole_passage_bookmark_unless_a_sentence_is_selected():
    async with reader_open(BUNDLED) as (app, pilot, _view):
        text = app.query_one(ArticleView).article.passages[0].text
        await pilot.press("s", "b")  # the first sentence
        await pilot.press("b")  # the whole passage (bookmarking cleared the selection)
        await pilot.pause()
        assert len(BookmarkStore().list()) == 2
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog) and app.screen.quote == text
        await pilot.press("escape", "s", "a")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog) and app.screen.quote == text[: text.index(". ") + 1]


async def test_slash_in_the_bookmarks_list_goes_back_to_its_filter_not_to_search():
    """The bookmarks screen has its own "/" (back to the filter): the global search key yields to it."""
    from reader.ui.bookmarks import BookmarksScreen

    async with reader_open(BUNDLED) as (app, pilot, _view):
        await pilot.press("b", "B")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("down")  # into the list
        await pilot.pause()
        assert app.focused is not app.screen.query_one("#bookmarks-filter")
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        assert app.focused is app.screen.query_one("#bookmarks-filter")
