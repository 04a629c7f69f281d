"""The feeds screen (``F``) and the background fetch, driven through Pilot against a loopback feed."""

from __future__ import annotations

from typing import ClassVar

import pytest
from helpers import wait_until, write_article
from helpers.feedserver import FeedServer
from helpers.feeds import item, rss, run, subscribe

from reader.ui.controllers.fetching import FetchController, done_text
from reader.ui.screens.feeds import FeedList, FeedsScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.messages import FetchDone


@pytest.fixture
def srv():
    with FeedServer() as s:
        yield s


def _corpus(tmp_path, srv, path: str, body: str = "", **route):
    """A corpus with an article of its own, subscribed to the loopback feed at ``path``."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_article(corpus, "own.md", "own", "My own article", "Text.")
    srv.add(path, body, **route)
    subscribe(corpus, srv.url(path))
    return corpus


def _prompts(screen: FeedsScreen) -> list[str]:
    options = screen.query_one(FeedList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def _feeds_screen(app, pilot, articles: int) -> ArticleList:
    """Once the list shows ``articles`` articles, open the feeds screen; returns the article list."""
    lst = app.query_one(ArticleList)
    assert await wait_until(pilot, lambda: len(lst.articles) == articles)
    await pilot.press("F")
    assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
    return lst


async def test_feeds_screen_lists_feeds_with_errors_and_enter_shows_one_feed(srv, tmp_path, make_app):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_article(corpus, "own.md", "own", "My own article", "Text.", published="2026-01-01")
    srv.add("/ok", rss(item("a", "Feed article A") + item("b", "Feed article B"), title="Good feed"))
    srv.add("/bad", status=500)
    subscribe(corpus, srv.url("/ok"), tags=("news",))
    subscribe(corpus, srv.url("/bad"))
    run(corpus)
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        lst = await _feeds_screen(app, pilot, 3)
        screen = app.screen
        prompts = _prompts(screen)
        assert prompts[0].startswith("  All articles") and "3 articles" in prompts[0]
        good = next(p for p in prompts if "Good feed" in p)
        bad = next(p for p in prompts if srv.url("/bad") in p)
        assert "#news" in good and "2 articles" in good and "fetched" in good and "✗" not in good
        assert bad.startswith("✗") and "500" in bad  # the marker and the message
        assert "1 failing" in str(screen.query_one("#feeds-info").render())
        await pilot.press("j")  # to the good feed (the first after All articles)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FeedsScreen))
        assert sorted(m.title for m in lst.articles) == ["Feed article A", "Feed article B"]
        assert "Good feed: 2 articles" in app.main.status_text
        app.main.action_rescan()  # a rescan keeps the list on that feed
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(lst.articles) == 2
        await pilot.press("F")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        await pilot.press("enter")  # All articles
        assert await wait_until(pilot, lambda: len(lst.articles) == 3)


async def test_fetch_now_from_the_feeds_screen_brings_the_new_articles_into_the_list(srv, tmp_path, make_app):
    corpus = _corpus(tmp_path, srv, "/f",
                     rss(item("1", "Loopback news one") + item("2", "Loopback news two"), title="Loop"))
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        lst = await _feeds_screen(app, pilot, 1)
        assert "never fetched" in _prompts(app.screen)[1]
        await pilot.press("j", "f")
        assert app.main.fetcher.running
        assert not app.main.fetcher.start()  # one fetch at a time
        assert await wait_until(pilot, lambda: len(lst.articles) == 3, tries=600)
        assert not app.main.fetcher.running
        assert "2 new articles" in app.main.status_text
        assert "2 articles" in _prompts(app.screen)[1]  # the screen shows the fetch's result
        assert [p for p, _ in srv.requests][0] == "/f"  # then (full text auto) the short entries' pages
        await pilot.press("escape")
        titles = {m.title for m in lst.articles}
        assert {"Loopback news one", "Loopback news two"} <= titles


async def test_a_failed_fetch_is_a_message_never_a_crash(tmp_path, make_app):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_article(corpus, "own.md", "own", "My own article", "Text.")
    (corpus / "feeds.txt").write_text("this is not a url\n")  # no subscription: reader fetch exits 1
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        assert await wait_until(pilot, lambda: app.main.status_text.startswith("Fetching failed"), tries=600)
        assert "no subscriptions" in app.main.status_text and app.is_running
        assert not app.main.fetcher.running


def test_done_text():
    assert done_text(FetchDone(True, {"feeds": 3, "new": 23, "updated": 0, "failed": 0})) == "23 new articles"
    assert done_text(FetchDone(True, {"feeds": 3, "new": 1, "failed": 1})) == \
        "1 new article · 1 of 3 feeds failed (F: feeds)"
    assert done_text(FetchDone(True, {"feeds": 0})).startswith("No feed is due")
    assert done_text(FetchDone(False, message="boom\x1b[31m")) == "Fetching failed: boom␛[31m"


async def test_a_due_feed_is_fetched_at_start_and_the_ingest_waits_for_it(srv, tmp_path, monkeypatch, make_app):
    corpus = _corpus(tmp_path, srv, "/f", rss(item("1", "Fetched at start")))
    app = make_app(corpus, ingest=False, fetch=True)
    ingests = []
    app.main.auto_ingest = True  # recorded, not run: the ingest starts only once the fetch is over
    monkeypatch.setattr(app.main, "run_ingest", lambda: ingests.append(app.main.fetcher.running))
    async with app.run_test(size=(110, 35)) as pilot:
        lst = app.query_one(ArticleList)
        assert await wait_until(pilot, lambda: len(lst.articles) == 2, tries=600)
        assert await wait_until(pilot, lambda: ingests == [False])
        assert "1 new article" in app.main.status_text
        assert app.main.fetcher._timer is not None  # then every fetch_minutes


def test_fetch_minutes_come_from_the_settings():
    from reader.ui.settings import Settings, parse_settings

    class App:
        settings: ClassVar[Settings] = parse_settings({}).settings

    fc = FetchController(App())
    assert fc.minutes == 30
    for bad in (0, -5, "ten", True, None):
        App.settings = parse_settings({"fetch_minutes": bad}).settings
        assert fc.minutes == 30
    App.settings = parse_settings({"fetch_minutes": 5}).settings
    assert fc.minutes == 5


async def test_quitting_stops_the_fetch_subprocess(srv, tmp_path, make_app):
    corpus = _corpus(tmp_path, srv, "/slow", hang=True)  # answers nothing: the fetch would wait for its timeout
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        assert app.main.fetcher.start()
        assert await wait_until(pilot, lambda: app.main.fetcher.proc is not None and srv.requests, tries=600)
        proc = app.main.fetcher.proc
        await pilot.press("q")
    assert proc.poll() is not None  # stopped with its group, not left running


async def test_articles_fetched_while_the_ingest_runs_get_an_ingest_after_it(srv, tmp_path, monkeypatch, make_app):
    from reader.ui.messages import IngestDone

    corpus = _corpus(tmp_path, srv, "/f", rss(item("1", "Fetched during the ingest")))
    app = make_app(corpus, ingest=False, fetch=False)
    ingests = []
    monkeypatch.setattr(app.main, "run_ingest", lambda: ingests.append(len(app.main.all_articles)))
    async with app.run_test(size=(110, 35)) as pilot:
        lst = app.query_one(ArticleList)
        assert await wait_until(pilot, lambda: len(lst.articles) == 1)
        app.main.auto_ingest, app.main._ingested, app.main._ingest_running = True, True, True  # an ingest is running
        assert app.main.fetcher.start(all_feeds=True)
        assert await wait_until(pilot, lambda: len(lst.articles) == 2 and not app.main.fetcher.running, tries=600)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ingests == []  # not a second ingest beside the running one
        app.main.post_message(IngestDone(True))
        assert await wait_until(pilot, lambda: ingests == [2])  # once it is over: again, for the new article


async def test_adding_a_feed_says_what_happened_even_once_the_screen_is_closed(srv, tmp_path, make_app):
    from reader.feeds.subscriptions import FeedsFile

    corpus = _corpus(tmp_path, srv, "/f", rss(item("1", "One")))
    srv.add("/other.xml", rss(item("2", "Two"), title="Other"))
    app = make_app(corpus, ingest=False, fetch=False)
    async with app.run_test(size=(110, 35)) as pilot:
        await _feeds_screen(app, pilot, 1)
        screen = app.screen
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*srv.url("/nothing-here"), "enter")  # a 404: the message, the screen stays
        assert await wait_until(pilot, lambda: "404" in str(screen.query_one("#feeds-message").render()),
                                tries=600)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*srv.url("/other.xml"), "enter", "escape")  # closed before the answer
        assert await wait_until(pilot, lambda: any("subscribed" in n.message for n in app._notifications),
                                tries=1200)  # a subprocess that imports the fetch stack: slow on a loaded machine
        assert app.is_running
    assert [s.url for s in FeedsFile(corpus).subscriptions()] == [srv.url("/f"), srv.url("/other.xml")]
