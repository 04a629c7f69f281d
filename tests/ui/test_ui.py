"""Pilot tests of the reader UI (no ingest subprocess: READER_NO_INGEST semantics via ingest=False)."""

from __future__ import annotations



from helpers import BUNDLED, write_article
from helpers import settle as _started
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.screens.help import HelpScreen


def _screen_text(app) -> str:
    return app.query_one(ArticleView).rendered_text()


async def test_list_shows_articles_and_enter_opens(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        lst = app.query_one(ArticleList)
        assert len(lst.articles) == 2
        assert app.focused is lst
        await pilot.press("j")
        assert lst.cursor == 1
        await pilot.press("enter")
        await _started(pilot)
        view = app.query_one(ArticleView)
        assert app.focused is view
        assert view.article.id == lst.articles[1].id
        assert "La plateforme gratuite Microsoft Advertising" in _screen_text(app)


async def test_passage_cursor_moves_and_is_marked(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await pilot.press("enter")
        await _started(pilot)
        view = app.query_one(ArticleView)
        await pilot.press("j", "j")
        assert view.cursor == 2
        marked = [i for i in range(view.passage_count) if view.has_cursor_bar(i)]
        assert marked == [2]
        await pilot.press("k")
        assert view.cursor == 1
        await pilot.press("G")
        assert view.cursor == len(view.article.passages) - 1
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0


async def test_paging_scrolls_and_keeps_cursor_visible(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(80, 20)) as pilot:
        await _started(pilot)
        await pilot.press("enter")
        await _started(pilot)
        view = app.query_one(ArticleView)
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_offset.y > 0
        assert view.cursor in view._visible_passages()
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_offset.y == 0


async def test_tab_switches_panes_and_escape_returns(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleList)  # the events panel is hidden at 100 columns
        await pilot.press("v")  # at 100 columns the list gives way to the events panel: the reading side shows
        await pilot.pause()
        assert isinstance(app.focused, ArticleView)
        await pilot.press("tab")
        assert app.focused.id == "events-list"
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab", "escape")
        assert isinstance(app.focused, ArticleList)


async def test_help_lists_every_binding(make_app):
    from reader.ui.commands import COMMANDS

    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await _started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for cmd in COMMANDS:
            assert cmd.title in text, cmd.id
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_palette_offers_app_commands(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        from reader.ui.providers import palette_commands

        def offered():  # Textual's own commands, then the registry's (the palette's two providers)
            return [*app.get_system_commands(app.screen), *palette_commands(app.screen)]

        titles = [c.title for c in offered()]
        assert any(t.startswith("Fetch & rescan (R)") for t in titles) and "Feeds (F)" in titles
        assert any(t.startswith("Search (/)") for t in titles)
        assert len([t for t in titles if t.lower().startswith("quit")]) == 1, titles  # Textual's own, once
        # with an article open, the article's commands are offered too, and they run
        assert app.main.article is not None
        commands = {c.title: c for c in offered()}
        assert "Bookmark (b)" in commands and "Next entity (e)" in commands
        commands["Bookmark (b)"].callback()
        await pilot.pause()
        from reader.bookmarks.store import BookmarkStore

        assert len(BookmarkStore().list()) == 1


async def test_bad_files_are_reported_in_a_notice(tmp_path, make_app):
    write_article(tmp_path, "good.md", "good", "Good one", "Readable text.")
    (tmp_path / "broken.md").write_bytes(b"\x00\x01binary")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        assert [m.id for m in app.query_one(ArticleList).articles] == ["good"]
        notices = [n.message for n in app._notifications]
        assert any("broken.md" in m and "binary" in m for m in notices), notices


async def test_markup_and_escapes_in_articles_stay_inert(tmp_path, make_app):
    body = "Texte [bold red]pas gras[/] et [link=https://x]lien[/link] \x1b[31mrouge\x1b[0m $accent fin."
    write_article(tmp_path, "m.md", "markup", "Titre [b]x[/b]", body)
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(120, 20)) as pilot:
        await _started(pilot)
        await pilot.press("enter")
        await _started(pilot)
        view = app.query_one(ArticleView)
        text = view.rendered_text()
        assert "[bold red]pas gras[/]" in text and "[link=https://x]lien[/link]" in text
        assert "␛[31mrouge␛[0m" in text and "\x1b" not in text
        assert "$accent" in text
        # no style was applied to the markup-like words
        assert not view.passage_content(0).spans
        # and the terminal output has no escape sequence coming from the article
        strips = [view.render_line(y) for y in range(view.size.height)]
        assert any("pas gras" in strip.text for strip in strips)
        assert all("\x1b" not in seg.text for strip in strips for seg in strip)


async def test_empty_folder_says_so(tmp_path, make_app):
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        assert "No articles" in str(app.query_one("#status").render())


async def test_article_deleted_after_listing_gives_a_notice(tmp_path, make_app):
    path = write_article(tmp_path, "gone.md", "gone", "Gone soon", "Text.")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        await _started(pilot)
        path.unlink()
        await pilot.press("enter")
        await _started(pilot)
        assert any("Cannot open" in (n.title or "") for n in app._notifications)


async def test_large_list_scrolls_virtually(tmp_path, make_app):
    for i in range(300):
        write_article(tmp_path, f"a{i:03}.md", f"a{i:03}", f"Article {i:03}", "x", published=f"2023-01-{1 + i % 28:02}")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        lst = app.query_one(ArticleList)
        await pilot.press("G")
        assert lst.cursor == 299
        assert lst.scroll_offset.y > 0
        await pilot.press("g")
        assert lst.cursor == 0 and lst.scroll_offset.y == 0
        await pilot.press("space")
        assert lst.cursor > 5


async def test_long_article_G_reaches_the_end(tmp_path, make_app):
    paras = "\n\n".join(f"Paragraphe {i} : " + "mot " * 120 for i in range(80))
    write_article(tmp_path, "long.md", "long", "Long", paras)
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        view = app.query_one(ArticleView)
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor == 79
        assert view.has_cursor_bar(79) and not view.has_cursor_bar(0)
        first, end = view.passage_row_range(79)
        assert view.scroll_offset.y <= first and end <= view.scroll_offset.y + view.scrollable_content_region.height
        assert any("Paragraphe 79" in view.render_line(y).text for y in range(view.size.height))


async def test_restart_reopens_the_last_article_at_its_passage(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await pilot.press("j", "enter")
        await _started(pilot)
        second = app.main.article.id
        await pilot.press("j", "j", "j")
        await pilot.press("q")
        await pilot.pause()
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.article.id == second
        assert app.query_one(ArticleView).cursor == 3


async def test_an_edited_article_is_picked_up_while_reading(corpus, make_app):
    """The folder watch reloads the open article (not the list's highlighted one) with its new text."""
    from helpers import wait_until

    app = make_app(corpus, ingest=False)
    app.main.WATCH_SECONDS = 0.2
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await pilot.press("enter")
        await _started(pilot)
        reading = app.main.article.id
        path = app.main.article.meta.path
        await pilot.press("escape", "j")  # back to the list, highlight the other article (not opened)
        path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n\nUn paragraphe ajouté pendant la lecture.\n",
                        encoding="utf-8")
        assert await wait_until(pilot, lambda: app.main.article is not None and
                                app.main.article.passages[-1].text == "Un paragraphe ajouté pendant la lecture.")
        assert app.main.article.id == reading
        view = app.query_one(ArticleView)
        assert await wait_until(pilot, lambda: "Un paragraphe ajouté pendant la lecture." in view.rendered_text())


async def test_a_first_scan_shows_its_progress_then_the_count(tmp_path, make_app):
    for i in range(1001):
        (tmp_path / f"a{i:04}.md").write_text(f"---\nid: a{i}\ntitle: Article {i}\n---\n\nTexte {i}.\n",
                                              encoding="utf-8")
    app = make_app(tmp_path, ingest=False)
    said: list[str] = []
    set_status = app.main.set_status
    app.main.set_status = lambda text, *kind: (said.append(text), set_status(text, *kind))[1]
    async with app.run_test(size=(100, 30)) as pilot:
        await _started(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert said[0] == "Reading the articles folder…"
        assert "Reading the articles folder… 500/1,001 files" in said
        assert "1,001 articles" in said[said.index("Reading the articles folder… 500/1,001 files"):]


async def test_events_panel_says_what_the_background_work_is_doing(tmp_path, make_app):
    from reader.ui.messages import IngestDone, IngestProgress
    from reader.ui.widgets.events_panel import EventsPanel

    write_article(tmp_path, "a.md", "a", "A", "Texte.")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test(size=(150, 30)) as pilot:
        await _started(pilot)
        note = app.query_one(EventsPanel).query_one("#events-note")
        assert "not computed yet" in str(note.render())
        app.main.post_message(IngestProgress("index", 1, 10))
        await pilot.pause()
        assert "come after the search index and the entities" in str(note.render())
        app.main.post_message(IngestProgress("events", 0, 1))
        await pilot.pause()
        assert "Linking events" in str(note.render())
        app.main.post_message(IngestDone(False, "boom"))
        await pilot.pause()
        assert "background work failed" in str(note.render())


async def test_narrow_terminal_shows_one_pane_at_a_time(make_app):
    app = make_app(BUNDLED, ingest=False)
    async with app.run_test(size=(60, 30)) as pilot:
        await _started(pilot)
        lst, view = app.query_one(ArticleList), app.query_one(ArticleView)
        assert lst.has_focus and lst.region.width == 60 and not view.region.width
        await pilot.press("enter")
        await _started(pilot)
        assert view.has_focus and not lst.region.width
        assert view.region.width > 50  # the article has the whole width to itself
        assert "Microsoft" in view.rendered_text()
        await pilot.press("escape")
        await pilot.pause()
        assert lst.has_focus and lst.region.width == 60
        await pilot.press("tab")
        await pilot.pause()
        assert view.has_focus and view.region.width > 50
        await pilot.resize_terminal(120, 30)  # wide again: side by side
        await pilot.pause()
        await pilot.pause()
        assert not app.query_one("#panes").has_class("-single")
        assert lst.region.width and view.region.width
