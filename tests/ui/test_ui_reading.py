"""Pilot tests of the daily reading loop (reader/ui/controllers/reading.py, reader/ui/dialogs/links.py): unread rows and
the header count, opening marks read, r / f, next unread, space at the end, mark all read + undo,
the browser, the links view, copying a URL or a passage with its citation."""

from __future__ import annotations

import stat
import webbrowser
from pathlib import Path

from helpers import reading_settled as settle
from helpers import reading_started, wait_until, write_article

from reader import paths
from reader.state.store import StateStore
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.controllers.reading import next_unread, unread_in
from reader.ui.controllers.sharing import citation
from reader.ui.dialogs.links import LinksScreen, article_links, resolve_url

LINKED = ("Le [premier lien](https://example.org/un) ouvre la page, puis [un second](/deux) relatif.\n\n"
          "Un troisième : <https://example.org/trois>.\n\n"
          "Un [salon](irc://irc.example.org/x) jamais ouvert, un [script](javascript:alert(1)) non plus.")


def make_corpus(folder: Path, count: int = 4) -> Path:
    folder.mkdir(exist_ok=True)
    for k in range(count):
        body = LINKED if k == 0 else "\n\n".join(f"Paragraphe {p} de l'article {k}, assez long pour lire."
                                                 for p in range(3))
        write_article(folder, f"a{k}.md", f"art{k}", f"Article {k}", body, published=f"2024-05-{10 - k:02d}",
                      source="Le Journal", url=f"https://example.org/articles/{k}")
    return folder


started = reading_started


def header(lst: ArticleList) -> str:
    return str(lst.border_title)


def row_text(lst: ArticleList, row: int) -> str:
    return "".join(seg.text for seg in lst.render_line(row * lst.ROW_HEIGHT - int(lst.scroll_offset.y)))


def row_bold(lst: ArticleList, row: int) -> bool:
    strip = lst.render_line(row * lst.ROW_HEIGHT - int(lst.scroll_offset.y))
    title = [seg for seg in strip if seg.text.strip().startswith("Article")]
    return bool(title and title[0].style and title[0].style.bold)


def test_links_come_from_the_parse_with_their_urls_in_order():
    from reader.corpus import Article, ArticleMeta
    from reader.passages import parse_passages

    parsed = parse_passages(LINKED)
    meta = ArticleMeta("x", "X", Path("x.md"), "h", url="https://example.org/articles/0")
    links = article_links(Article(meta, LINKED, parsed))
    assert [(link.number, link.text, link.url) for link in links] == [
        (1, "premier lien", "https://example.org/un"), (2, "un second", "/deux"),
        (3, "https://example.org/trois", "https://example.org/trois"), (4, "salon", "irc://irc.example.org/x")]  # markdown-it drops javascript: links
    assert resolve_url("/deux", meta.url) == ("https://example.org/deux", "")
    assert resolve_url("javascript:alert(1)", meta.url)[0] is None
    assert resolve_url("file:///etc/passwd", meta.url)[0] is None
    assert resolve_url("/deux", None)[0] is None


def test_next_unread_and_the_unread_count_without_an_app():
    ids = ["a", "b", "c", "d"]
    assert next_unread(ids, {"b"}, 0) == 2
    assert next_unread(ids, {"b", "c", "d"}, 1) == 0  # wraps to the top
    assert next_unread(ids, {"a", "b", "c"}, 3) == 3  # the current one last
    assert next_unread(ids, set(ids), 2) is None
    assert next_unread([], set(), 0) is None
    assert unread_in(ids, {"b", "zz"}) == 3 and unread_in(ids, set()) == 4


def test_citation_has_title_source_date_and_url():
    import datetime as dt

    from reader.corpus import ArticleMeta

    meta = ArticleMeta("x", "Un titre", Path("x.md"), "h", published=dt.date(2024, 5, 1), source="Le Journal",
                       url="https://example.org/x")
    assert citation(meta, "  Le texte.  ") == "Le texte.\n\n— Un titre, Le Journal, 2024-05-01\nhttps://example.org/x"
    assert citation(ArticleMeta("y", "Sans date", Path("y.md"), "h"), "T") == "T\n\n— Sans date"


async def test_unread_rows_are_bold_with_a_marker_and_the_header_counts(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().mark_read("art1")
    StateStore().set_starred("art2", True)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert header(lst) == "3 unread · 4 articles"
        ids = [m.id for m in lst.articles]
        r0, r1, r2 = (ids.index(a) for a in ("art0", "art1", "art2"))
        assert row_text(lst, r0).startswith("•  ") and row_bold(lst, r0)
        assert row_text(lst, r1).startswith("   ") and not row_bold(lst, r1)
        assert row_text(lst, r2).startswith("•★ ")


async def test_unread_rows_stand_out_in_every_theme(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().mark_read("art2")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert [m.id for m in lst.articles][1:3] == ["art1", "art2"]  # off the cursor row (bold anyway)
        assert len(app.available_themes) > 5
        for theme in app.available_themes:
            app.theme = theme
            await pilot.pause()
            assert row_bold(lst, 1) and row_text(lst, 1).startswith("•"), theme
            assert not row_bold(lst, 2) and row_text(lst, 2).startswith(" "), theme


async def test_opening_marks_read_and_the_startup_place_does_not(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert app.main.article is not None  # the start-up shows the first article…
        assert not StateStore().state(app.main.article.id).read  # …without calling it read
        await pilot.press("j", "enter")
        await settle(pilot)
        opened = app.main.article.id
        assert opened == lst.articles[1].id
        assert StateStore().state(opened).read
        assert StateStore().state(opened).read_hash == app.main.article.meta.content_hash
        assert opened in lst.read and header(lst) == "3 unread · 4 articles"


async def test_mark_read_on_end_waits_for_the_last_passage(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('mark_read_on = "end"\n', encoding="utf-8")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        opened = app.main.article.id
        assert not StateStore().state(opened).read
        await pilot.press("G")
        await settle(pilot)
        assert StateStore().state(opened).read and opened in lst.read


async def test_r_toggles_read_and_f_stars(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        first = lst.articles[0].id
        await pilot.press("r")  # the list has focus: the highlighted article
        await settle(pilot)
        assert StateStore().state(first).read and header(lst) == "3 unread · 4 articles"
        await pilot.press("r")
        await settle(pilot)
        assert not StateStore().state(first).read and header(lst) == "4 unread · 4 articles"
        await pilot.press("f")
        await settle(pilot)
        assert StateStore().state(first).starred and row_text(lst, 0).startswith("•★")
        await pilot.press("asterisk")
        await settle(pilot)
        assert not StateStore().state(first).starred
        await pilot.press("j", "enter")  # in the article view: the open article
        await settle(pilot)
        second = app.main.article.id
        await pilot.press("r")
        await settle(pilot)
        assert not StateStore().state(second).read and "Marked unread" in app.main.status_text


async def test_next_unread_skips_read_articles_and_wraps(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        ids = [m.id for m in lst.articles]
        StateStore().mark_read(ids[1])
        app.main.reading_refresh()
        await settle(pilot)
        await pilot.press("full_stop")  # from the first row: the next unread after it is the third
        await settle(pilot)
        assert app.main.article.id == ids[2]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.main.article.id == ids[3]
        await pilot.press("full_stop")  # wraps to the top: the first one is still unread
        await settle(pilot)
        assert app.main.article.id == ids[0] and "from the top" in app.main.status_text
        await pilot.press("full_stop")
        await settle(pilot)
        assert "No unread article" in app.main.status_text


async def test_space_at_the_end_of_an_article_goes_to_the_next_unread(tmp_path, make_app):
    folder = tmp_path / "arts"
    folder.mkdir()
    long_body = "\n\n".join(f"Paragraphe {p}, " + "avec des mots " * 20 for p in range(30))
    for k in range(3):
        write_article(folder, f"a{k}.md", f"art{k}", f"Article {k}", long_body, published=f"2024-05-{10 - k:02d}")
    StateStore().mark_read("art1")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert [m.id for m in lst.articles] == ["art0", "art1", "art2"]
        await pilot.press("enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        assert app.main.article.id == "art0" and view.max_scroll_y > 0
        await pilot.press("space")  # a page down, not the next article
        await settle(pilot)
        assert app.main.article.id == "art0" and view.scroll_offset.y > 0
        for _ in range(40):
            if view.scroll_offset.y >= view.max_scroll_y:
                break
            await pilot.press("space")
            await pilot.pause()
        assert app.main.article.id == "art0"
        await pilot.press("space")  # at the end: the next unread (art1 is read)
        await settle(pilot)
        assert app.main.article.id == "art2"


async def test_mark_all_read_then_undo_also_after_a_restart(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().set_starred("art3", True)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert header(lst) == "0 unread · 4 articles" and "4 articles marked read" in app.main.status_text
        assert all(s.read for s in StateStore().states([f"art{k}" for k in range(4)]).values())
        await pilot.press("U")
        await settle(pilot)
        assert header(lst) == "4 unread · 4 articles" and "Undone: 4 articles unread again" in app.main.status_text
        await pilot.press("A")
        await settle(pilot)
        assert header(lst) == "0 unread · 4 articles"
    app = make_app(folder, ingest=False)  # a new start: the undo record is in the database
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert header(lst) == "0 unread · 4 articles"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert header(lst) == "4 unread · 4 articles"
        assert StateStore().state("art3").starred  # the undo puts back only what the mark changed
        await pilot.press("U")
        await settle(pilot)
        assert "Nothing to undo" in app.main.status_text


async def test_changes_are_written_in_order_and_a_locked_database_never_blocks_the_ui(tmp_path, make_app):
    import sqlite3

    folder = make_corpus(tmp_path / "arts")
    StateStore()  # the database exists
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        first = lst.articles[0].id
        locker = sqlite3.connect(paths.state_db(), isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process writing: the writer thread waits for it
        try:
            await pilot.press("r", "r", "r", "f")
            await pilot.pause()
            # the screen has every change already; nothing is written yet
            assert first in lst.read and first in lst.starred and header(lst) == "3 unread · 4 articles"
            assert not app.main.reading_idle()
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        await settle(pilot)
        state = StateStore().state(first)
        assert state.read and state.starred  # three toggles from unread, in order: read


async def test_an_unusable_state_database_is_a_message_not_a_crash(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    target = paths.state_db()
    target.write_bytes(b"this is not a database" * 100)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        lst = app.query_one(ArticleList)
        assert "reading state unavailable" in header(lst)
        await pilot.press("j", "enter", "r", "A")
        await settle(pilot)
        assert app.is_running and app.main.article is not None
        assert "Reading state unavailable" in app.main.status_text
        assert not lst.read  # the changes that could not be written are not shown either


class FakeBrowser(webbrowser.BaseBrowser):
    def __init__(self, result: bool = True):
        super().__init__("fake")
        self.opened: list[str] = []
        self.result = result

    def open(self, url, new=0, autoraise=True):
        self.opened.append(url)
        return self.result


def fake_browser(monkeypatch, result: bool = True) -> list[str]:
    browser = FakeBrowser(result)
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    return browser.opened


async def test_o_opens_the_url_in_the_browser_and_O_marks_read(tmp_path, monkeypatch, make_app):
    folder = make_corpus(tmp_path / "arts")
    opened = fake_browser(monkeypatch)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        first = lst.articles[0]
        await pilot.press("o")
        await settle(pilot)
        assert opened == [first.url] and f"Opened {first.url}" in app.main.status_text
        assert not StateStore().state(first.id).read
        await pilot.press("O")
        await settle(pilot)
        assert opened == [first.url] * 2 and StateStore().state(first.id).read


def browser_script(tmp_path: Path, monkeypatch) -> Path:
    """$BROWSER: a script writing its argument to the file returned."""
    out = tmp_path / "browser-arg"
    script = tmp_path / "fake-browser"
    script.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > {out}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser reads $BROWSER on first use
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return out


async def test_o_runs_the_browser_command_of_BROWSER(tmp_path, monkeypatch, make_app):
    folder = make_corpus(tmp_path / "arts")
    out = browser_script(tmp_path, monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")  # a graphical session: the command runs beside the reader
    app = make_app(folder, ingest=False)
    suspended = []
    monkeypatch.setattr(app, "suspend", lambda: suspended.append(1))
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: out.exists() and out.read_text())
        assert out.read_text() == lst.articles[0].url
        assert not suspended


async def test_a_text_browser_gets_the_terminal_while_it_runs(tmp_path, monkeypatch, make_app):
    from contextlib import contextmanager

    folder = make_corpus(tmp_path / "arts")
    out = browser_script(tmp_path, monkeypatch)  # as w3m or lynx: what Python picks without a display
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = make_app(folder, ingest=False)
    during: list[bool] = []

    @contextmanager
    def suspend():
        during.append(out.exists())  # suspended before the browser ran
        yield
        during.append(out.exists())  # and given back after it finished

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: len(during) == 2)
        assert during == [False, True] and out.read_text() == lst.articles[0].url
        assert "Opened" in app.main.status_text


async def test_no_url_and_no_browser_are_messages(tmp_path, monkeypatch, make_app):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "nourl", "Sans adresse", "Texte.", published="2021-01-01")
    write_article(folder, "b.md", "url", "Avec adresse", "Texte.", url="https://example.org/b",
                  published="2020-01-01")
    def no_browser(using=None):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert lst.articles[0].id == "nourl"
        await pilot.press("o")
        assert "has no URL" in app.main.status_text
        await pilot.press("y")
        assert "has no URL" in app.main.status_text and app.clipboard == ""
        await pilot.press("j", "o")
        await settle(pilot)
        assert "No web browser found" in app.main.status_text


async def test_links_view_opens_a_link_by_number_and_copies_one(tmp_path, monkeypatch, make_app):
    folder = make_corpus(tmp_path / "arts")
    opened = fake_browser(monkeypatch)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert lst.articles[0].id == "art0"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen) and len(app.screen.links) == 4
        await pilot.press("j", "y")  # the second link, relative: the URL as written is copied
        assert app.clipboard == "/deux"
        await pilot.press("2")  # fewer than 10 links: a digit opens at once (resolved against the article)
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert opened == ["https://example.org/deux"]
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("enter")  # the first highlighted
        await settle(pilot)
        assert opened[-1] == "https://example.org/un"
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("4")  # an irc: link is not opened
        await settle(pilot)
        assert len(opened) == 2 and "Not opening a irc: link" in app.main.status_text


async def test_copy_url_and_passage_with_citation(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        await started(pilot)
        await pilot.press("j", "y")  # the list has focus: the highlighted article's URL
        assert app.clipboard == "https://example.org/articles/1"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "Y")
        text = app.main.article.passages[1].text
        assert app.clipboard == f"{text}\n\n— Article 1, Le Journal, 2024-05-09\nhttps://example.org/articles/1"
        assert "with its citation" in app.main.status_text


async def test_reading_keys_do_nothing_under_a_dialog(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("A", "r")
        await settle(pilot)
        assert header(lst) == "4 unread · 4 articles"


async def test_a_browser_that_fails_is_a_message(tmp_path, monkeypatch, make_app):
    folder = make_corpus(tmp_path / "arts")
    opened = fake_browser(monkeypatch, result=False)
    app = make_app(folder, ingest=False)
    async with app.run_test(size=(110, 30)) as pilot:
        await started(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert len(opened) == 1 and "did not open the URL" in app.main.status_text
