"""The background feed fetch: ``reader fetch --progress-lines`` in a subprocess, one at a time.

The network stack and the feed parser stay out of the UI process (a test checks it). A fetch
starts when the reader starts and feeds are due, then every ``fetch_minutes`` (UI state, default
30), and on ``R`` or the feeds screen's fetch key. Its progress goes to the status line
("Fetching 12/40 feeds", then "23 new articles"); when it ends the app rescans the folder, so new
articles appear in the list and the ingest (entities, index, events) runs on them. A failed fetch
is a message; quitting stops it like the indexer.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from reader.passages import make_safe
from reader.ui import background
from reader.ui.controllers.host import ScreenHost
from reader.ui.widgets.article_list import ArticleList
from reader.ui.messages import ApplySearch, FetchDone, FetchProgress
from reader.ui.subprocesses import reader_command, stop_group

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from textual.timer import Timer

    from reader.ui.messages import ShowFeed


def has_subscriptions(folder: Path) -> bool:
    from reader.feeds.subscriptions import FILE_NAME

    return (folder / FILE_NAME).is_file()


def done_text(message: FetchDone) -> str:
    """What the status line says when a fetch ends."""
    if not message.ok:
        return f"Fetching failed: {make_safe(message.message)}"
    t = message.totals
    if not t.get("feeds"):
        return "No feed is due (R fetches them all)"
    new = t.get("new", 0)
    text = f"{new} new article{'s' if new != 1 else ''}" if new else "No new articles"
    if t.get("updated"):
        text += f", {t['updated']} updated"
    if t.get("failed"):
        text += f" · {t['failed']} of {t['feeds']} feeds failed (F: feeds)"
    return text


class FetchController:
    """Owned by the main screen: starts, relays and stops the fetch subprocess; the timer."""

    def __init__(self, main: ScreenHost, enabled: bool = True) -> None:
        self.main = main
        self.enabled = enabled       # automatic fetches (start-up, timer); keys always fetch
        self.running = False
        self.quitting = False
        self.proc: subprocess.Popen[str] | None = None
        self._timer: Timer | None = None

    @property
    def minutes(self) -> float:
        return self.main.settings.fetch_minutes  # checked in reader.ui.settings (> 0, else the default)

    def begin(self) -> None:
        """At start-up: fetch now when feeds are due, then every :attr:`minutes`."""
        if not self.enabled or self._timer is not None:
            return
        self._timer = self.main.set_interval(self.minutes * 60, self.fetch_due)
        self.fetch_due()

    def fetch_due(self) -> None:
        if self.running or not has_subscriptions(self.main.folder):
            return
        from reader.feeds.status import feeds_status
        from reader.feeds.subscriptions import SubscriptionError

        try:
            due = feeds_status(self.main.folder).due(time.time())
        except SubscriptionError:
            return  # feeds.txt unreadable: the feeds screen says why
        if due:
            self.start()

    def start(self, all_feeds: bool = False, feeds: list[str] | None = None) -> bool:
        """Start a fetch (the due feeds; every one with ``all_feeds``; only ``feeds``); False when one
        is running already."""
        if self.running or self.quitting:
            return False
        args = ["fetch", "--progress-lines"] + (["--all"] if all_feeds else [])
        for url in feeds or ():
            args += ["--feed", url]
        self.running = True
        self.main.set_status("Fetching feeds…")
        background.start_fetch(self, reader_command(self.main.folder, *args))
        return True

    def progress(self, message: FetchProgress) -> None:
        if message.total:
            self.main.set_status(f"Fetching {message.done}/{message.total} feeds")
        self._refresh_screen()

    def done(self, message: FetchDone) -> None:
        self.running = False
        self.main.set_status(done_text(message))
        if not message.ok:
            self.main.notify(make_safe(message.message), title="Fetching failed", severity="warning",
                            markup=False)
        self._refresh_screen()
        self.main.rescan()  # new articles in the list; the scan then starts the ingest on them

    def _refresh_screen(self) -> None:
        reload = getattr(self.main.app.screen, "reload_feeds", None)
        if reload is not None:
            reload()

    def stop(self) -> None:
        self.quitting = True
        stop_group(self.proc)


class FeedActions(ScreenHost):
    """Mixed into MainScreen: the feeds screen, the list of one feed, the fetch's messages."""

    def action_feeds(self) -> None:
        from reader.ui.screens.feeds import FeedsScreen  # not on the first frame: imported when asked for

        if not isinstance(self.app.screen, FeedsScreen):
            self.push_screen(FeedsScreen(self.folder, self.fetcher, len(self.all_articles)), self.show_feed)

    def show_feed(self, choice: ShowFeed | ApplySearch | None) -> None:
        if isinstance(choice, ApplySearch):
            self.list_apply_search(choice)
            return
        if choice is None:
            return
        self.feed_filter = choice.row
        lst = self.query_one(ArticleList)
        if self.list_show():
            self.reading_refresh()
        name = make_safe(choice.row.title or choice.row.url) if choice.row else None
        self.set_status(f"{name}: {len(lst.articles):,} articles · F, All articles: every one" if name
                        else f"{len(lst.articles):,} articles")
        self.action_focus_list()

    def on_fetch_progress(self, message: FetchProgress) -> None:
        self.fetcher.progress(message)

    def on_fetch_done(self, message: FetchDone) -> None:
        self.fetcher.done(message)
