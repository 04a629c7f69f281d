"""Pilot tests of the list's filter line, sort and saved searches (reader/ui/controllers/list_filter.py, the
feeds screen's saved searches)."""

from __future__ import annotations

from pathlib import Path

from helpers import reading_settled as settle
from helpers import reading_started, wait_until, write_article

from reader.listfilter.saved import SavedSearches
from reader.state.store import StateStore
from reader.ui.dialogs.save_search import SaveSearchDialog
from reader.ui.screens.feeds import SEARCH, FeedList, FeedsScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.filter_line import FilterLine


def make_corpus(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    sources = ["Tech Hebdo", "Le Journal", "Tech Hebdo", "Le Journal", "Tech Hebdo"]
    titles = ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]
    for k in range(5):
        write_article(folder, f"a{k}.md", f"art{k}", titles[k], f"Texte de l'article {k}.",
                      published=f"2024-05-{20 - k:02d}", source=sources[k])
    return folder


async def started(pilot) -> ArticleList:
    return await reading_started(pilot, 5)


def header(lst: ArticleList) -> str:
    return str(lst.border_title)


def ids(lst: ArticleList) -> list[str]:
    return [m.id for m in lst.articles]


async def type_filter(pilot, text: str) -> None:
    await pilot.press("l")
    line = pilot.app.query_one(FilterLine)
    assert line.has_focus
    await pilot.press(*text)
    await pilot.pause(0.3)  # the debounce
    await settle(pilot)


async def filter_to(pilot, text: str, expected: list[str]) -> ArticleList:
    """Start, type ``text`` in the filter line, wait for the list to show ``expected``."""
    lst = await started(pilot)
    await type_filter(pilot, text)
    assert await wait_until(pilot, lambda: ids(lst) == expected)
    return lst


async def test_typing_a_filter_narrows_the_list_and_the_header_says_so(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().set_read("art0", True)
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert header(lst) == "4 unread · 5 articles"
        await type_filter(pilot, 'source:tech unread')
        assert await wait_until(pilot, lambda: ids(lst) == ["art2", "art4"])
        assert header(lst) == "filter: source:tech unread · 2 unread · 2 articles"
        await pilot.press("enter")  # keeps it, back to the list
        await settle(pilot)
        assert lst.has_focus and not app.query_one(FilterLine).has_class("-shown")
        assert ids(lst) == ["art2", "art4"]
        await pilot.press("escape")  # in the list: clears the filter
        await settle(pilot)
        assert ids(lst) == ["art0", "art1", "art2", "art3", "art4"]
        assert header(lst) == "4 unread · 5 articles"


async def test_a_bad_filter_keeps_the_list_and_says_why_then_esc_clears(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await filter_to(pilot, "source:journal", ["art1", "art3"])
        await pilot.press(*" date:[2024")  # unfinished range: the list stays as it was
        await pilot.pause(0.3)
        await settle(pilot)
        assert ids(lst) == ["art1", "art3"]
        assert app.main.status_text.startswith("Filter: ") and "list is as it was" in app.main.status_text
        assert header(lst).startswith("filter: source:journal · ")
        await pilot.press("escape")
        await settle(pilot)
        assert ids(lst) == ["art0", "art1", "art2", "art3", "art4"] and lst.has_focus
        assert app.query_one(FilterLine).value == "" and not header(lst).startswith("filter")


async def test_sort_cycles_and_is_remembered_across_a_restart(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().set_read("art1", True)
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        lst.focus()
        await pilot.press("s")
        await settle(pilot)
        assert await wait_until(pilot, lambda: ids(lst) == ["art1", "art4", "art3", "art0", "art2"])  # by title
        assert header(lst).startswith("sort: title · ")
        await pilot.press("s")  # by source, then date
        await settle(pilot)
        assert await wait_until(pilot, lambda: ids(lst) == ["art1", "art3", "art0", "art2", "art4"])
        await pilot.press("s")  # unread first
        await settle(pilot)
        assert await wait_until(pilot, lambda: ids(lst) == ["art0", "art2", "art3", "art4", "art1"])
        await pilot.press("s", "s")  # date, then title again
        await settle(pilot)
        assert await wait_until(pilot, lambda: ids(lst)[0] == "art1" and app.main.list_sort == "title")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await started(pilot)
        assert await wait_until(pilot, lambda: ids(lst) == ["art1", "art4", "art3", "art0", "art2"])
        assert header(lst).startswith("sort: title · ")


async def test_mark_all_read_on_a_filtered_list_marks_only_those_and_undo_restores(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = await filter_to(pilot, "source:journal", ["art1", "art3"])
        await pilot.press("enter")
        await pilot.press("A")
        await settle(pilot)
        states = StateStore().states([f"art{k}" for k in range(5)])
        assert {i for i, s in states.items() if s.read} == {"art1", "art3"}
        assert header(lst) == "filter: source:journal · 0 unread · 2 articles"
        await pilot.press("U")
        await settle(pilot)
        states = StateStore().states([f"art{k}" for k in range(5)])
        assert not any(s.read for s in states.values())
        assert header(lst) == "filter: source:journal · 2 unread · 2 articles"


async def test_saved_search_in_the_feeds_screen_with_its_unread_count_applied_by_enter(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    StateStore().set_read("art0", True)
    SavedSearches().save("Tech", "source:tech")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 40)) as pilot:
        lst = await started(pilot)
        await pilot.press("F")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        screen = app.screen
        options = screen.query_one(FeedList)

        def search_text() -> str:
            for k in range(options.option_count):
                opt = options.get_option_at_index(k)
                if (opt.id or "").startswith(SEARCH):
                    return str(opt.prompt)
            return ""

        assert await wait_until(pilot, lambda: "2 unread · 3 articles" in search_text())
        assert "Tech" in search_text() and "source:tech" in search_text()
        last = options.option_count - 1
        options.highlighted = last
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FeedsScreen))
        await settle(pilot)
        assert await wait_until(pilot, lambda: ids(lst) == ["art0", "art2", "art4"])
        assert header(lst) == "filter: source:tech · 2 unread · 3 articles"
        assert app.query_one(FilterLine).value == "source:tech"


async def test_save_the_current_filter_then_delete_it(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 40)) as pilot:
        await filter_to(pilot, "source:journal unread", ["art1", "art3"])
        await pilot.press("enter", "F")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        await pilot.press("s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SaveSearchDialog))
        await pilot.press(*"Journal", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        assert [(s.name, s.query) for s in SavedSearches().list()] == [("Journal", "source:journal unread")]
        screen = app.screen
        options = screen.query_one(FeedList)
        assert await wait_until(pilot, lambda: "2 unread · 2 articles" in str(
            options.get_option_at_index(options.option_count - 1).prompt))
        options.highlighted = options.option_count - 1
        await pilot.press("d")
        assert SavedSearches().list()  # once: asks
        await pilot.press("d")
        await settle(pilot)
        assert SavedSearches().list() == []


async def test_feeds_show_their_unread_counts(tmp_path, make_app):
    from helpers.feedserver import FeedServer
    from helpers.feeds import item, rss, run, subscribe

    corpus = tmp_path / "c"
    corpus.mkdir()
    write_article(corpus, "own.md", "own", "My own article", "Text.", published="2026-01-01")
    with FeedServer() as srv:
        srv.add("/ok", rss(item("a", "Feed article A") + item("b", "Feed article B"), title="Good feed"))
        subscribe(corpus, srv.url("/ok"))
        run(corpus)
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        lst = app.query_one(ArticleList)
        assert await wait_until(pilot, lambda: len(lst.articles) == 3 and app.main._reading_loaded)
        feed_ids = [m.id for m in lst.articles if str(m.path).startswith(str(corpus / "feeds"))]
        assert len(feed_ids) == 2
        StateStore().set_read(feed_ids[0], True)
        await pilot.press("F")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        options = app.screen.query_one(FeedList)
        assert await wait_until(pilot, lambda: "1 unread · 2 articles" in str(options.get_option_at_index(1).prompt))


async def test_new_is_what_arrived_since_the_reader_was_last_opened(tmp_path, make_app):
    folder = make_corpus(tmp_path / "arts")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        await started(pilot)
        assert await wait_until(pilot, lambda: app.main._filter_ctx is not None)  # the start-up warm: opened now
    write_article(folder, "late.md", "late", "Arrived later", "Texte.", published="2024-01-01")
    app = make_app(folder, ingest=False, fetch=False)
    async with app.run_test(size=(110, 30)) as pilot:
        lst = app.query_one(ArticleList)
        await settle(pilot)
        assert await wait_until(pilot, lambda: len(lst.articles) == 6)
        await type_filter(pilot, "new")
        assert await wait_until(pilot, lambda: ids(lst) == ["late"])
        assert header(lst) == "filter: new · 1 unread · 1 article"
