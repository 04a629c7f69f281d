"""Bookmarks in the UI: b, notes, marks, the bookmarks screen with filter, delete and undo."""

from __future__ import annotations


from helpers import BUNDLED, reader_open, wait_until
from reader.bookmarks.store import BookmarkStore
from reader.ui.widgets.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.dialogs.note import NoteDialog
from reader.ui.screens.bookmarks import BookmarksScreen




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
    from reader.ui.screens.bookmarks import BookmarksScreen

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


def _bookmark_notices(app, title: str = "Bookmarks unavailable") -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def test_bookmarks_screen_on_a_locked_database_says_so_loses_nothing_and_stays_up(monkeypatch):
    """delete, note and undo while another program holds the database: each is said (the store's
    own message) and logged, the bookmark stays as it was, the app and the screen stay; once free,
    all work."""
    import sqlite3

    from reader import paths, sqlitedb
    from reader.ui.dialogs.note import NoteDialog

    real_connect = sqlitedb.connect
    monkeypatch.setattr("reader.bookmarks.store.sqlitedb.connect",
                        lambda path, **kw: real_connect(path, **{**kw, "timeout": 0.05}))
    async with reader_open(BUNDLED) as (app, pilot, _view):
        await pilot.press("b")
        await pilot.pause()
        store = BookmarkStore()
        (before,) = store.list()
        await pilot.press("B")
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        assert await wait_until(pilot, lambda: len(screen.shown) == 1)
        holder = sqlite3.connect(store.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer: every write of the reader is refused
        await pilot.press("down", "d")
        assert await wait_until(pilot, lambda: len(_bookmark_notices(app)) == 1)
        assert "locked by another program" in _bookmark_notices(app)[0]
        assert app.is_running and app.screen is screen
        logged = paths.log_file().read_text(encoding="utf-8")  # the fault's trace, not only the notice
        assert "bookmark store: delete failed" in logged and "locked by another program" in logged
        assert len(screen.shown) == 1 and not screen.undo  # still listed, nothing to undo

        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press("x", "enter")
        assert await wait_until(pilot, lambda: len(_bookmark_notices(app)) == 2)
        assert app.screen is screen and screen.shown[0].bookmark.note == before.note
        holder.execute("ROLLBACK")
        assert [(b.uuid, b.note, b.deleted) for b in BookmarkStore().list()] == [(before.uuid, before.note, False)]

        await pilot.press("d")  # the database is free again: deleted, undo possible
        assert await wait_until(pilot, lambda: not screen.shown and screen.undo == [before.uuid])
        holder.execute("BEGIN IMMEDIATE")
        await pilot.press("u")
        assert await wait_until(pilot, lambda: len(_bookmark_notices(app)) == 3)
        assert screen.undo == [before.uuid] and not screen.shown  # the undo stays possible
        holder.execute("ROLLBACK")
        holder.close()
        assert BookmarkStore().list() == []
        await pilot.press("u")
        assert await wait_until(pilot, lambda: len(screen.shown) == 1 and not screen.undo)
        assert [b.uuid for b in BookmarkStore().list()] == [before.uuid]
        assert app.is_running


async def test_bookmarks_screen_anchors_as_reader_bookmarks_does(corpus):
    """The screen's statuses are those of the CLI's anchor_bookmarks on the same articles: an
    article edited so the words are gone orphans its bookmark, one that cannot be read orphans its
    bookmark too (and says why), one not in the folder is listed as missing; none is dropped."""
    from reader.bookmarks.anchor import anchor_bookmarks
    from reader.corpus import load_article

    async with reader_open(corpus) as (app, pilot, view):
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("escape", "j", "enter")
        assert await wait_until(pilot, lambda: view.article is not None
                                and view.article.id != BookmarkStore().list()[0].article_id)
        await pilot.press("b")
        await pilot.pause()
        marks = BookmarkStore().list()
        assert len(marks) == 2
        metas = {m.id: m for m in app.query_one(ArticleList).articles}
        edited, broken = (metas[b.article_id] for b in marks)
        text = edited.path.read_text(encoding="utf-8")
        quote = next(b.quote for b in marks if b.article_id == edited.id)
        edited.path.write_text(text.replace(quote, "Tout autre chose ici."), encoding="utf-8")
        broken.path.write_text("no front matter any more", encoding="utf-8")
        await pilot.press("B")
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        assert await wait_until(pilot, lambda: len(screen.shown) == 2)
        store = BookmarkStore()
        cli = anchor_bookmarks(store, store.list(), metas, load=load_article)
        assert {r.bookmark.uuid: r.anchor.status for r in screen.rows} == \
            {uuid: a.status for uuid, (a, _) in cli.items()} == {b.uuid: "orphaned" for b in marks}
        notices = _bookmark_notices(app, "Article unreadable: its bookmarks are orphaned")
        assert len(notices) == 1 and broken.path.name in notices[0]
        # an article gone from the folder: its bookmark stays, shown as missing
        screen.metas = {}
        screen.load_rows()
        assert await wait_until(pilot, lambda: all(r.anchor is None for r in screen.rows))
        assert len(screen.shown) == 2 and "whose article is missing" in str(screen.query_one("#bookmarks-info").render())
