"""The feeds screen (``F``): every subscription with its title, tags, article count, last fetch and
error; ``enter`` shows that feed's articles in the list, ``a`` adds a feed, ``d`` removes one,
``f`` fetches now.

What the screen shows is read by :mod:`reader.feeds.status` (``feeds.txt`` and the fetch state,
read-only, none of the fetch machinery). Adding (discovery needs the network) and removing run
``reader feeds add|remove`` as subprocesses; fetching goes through the app's
:class:`reader.ui.fetching.FetchController`. Feed text (titles, errors) is data, never markup.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.feeds.status import FeedRow, feeds_status
from reader.passages import make_safe
from reader.ui.subprocesses import reader_command
from reader.ui.commands import bindings

ALL = "\x00all"  # the option id of "All articles"


@dataclass(frozen=True)
class ShowFeed:
    """The screen's result: show this feed's articles in the list (``row`` None: all articles)."""

    row: FeedRow | None


def only_feed(articles: Sequence, folder, row: FeedRow | None) -> Sequence:
    """The articles of one feed (those under its folder ``feeds/<feed id>/``), in list order."""
    if row is None:
        return articles
    prefix = row.folder_prefix
    if prefix is None:
        return []
    names = getattr(articles, "names", None)  # a LazyMetas: filter on file names, rows made when shown
    if names is not None:
        return [articles[i] for i, name in enumerate(names) if name.startswith(prefix)]
    base = str(folder / prefix)
    return [m for m in articles if str(m.path).startswith(base)]


def _when(ts: float | None) -> str:
    if ts is None:
        return "never fetched"
    return "fetched " + dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def feed_content(row: FeedRow) -> Content:
    mark = Content("✗ ").stylize("bold $text-error") if row.error else Content("  ")
    head = [mark, Content(make_safe(row.title or row.url)).stylize("bold")]
    if row.tags:
        head.append(Content("  " + " ".join(f"#{make_safe(t)}" for t in row.tags)).stylize("$text-accent"))
    count = f"{row.articles} article" + ("" if row.articles == 1 else "s")
    bits = [count, _when(row.last_fetched)]
    if row.stopped:
        bits.append("stopped: no longer fetched")
    detail = Content("\n  " + " · ".join(bits) + "  " + make_safe(row.url)).stylize("$text-muted")
    parts = [*head, detail]
    if row.error:
        parts.append(Content("\n  ✗ " + make_safe(row.error)).stylize("$text-error"))
    return Content.assemble(*parts)


class FeedList(OptionList):
    BINDINGS = bindings("feeds") + [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


class AddFeedDialog(ModalScreen[str | None]):
    """Ask for a feed or web page URL; returns it, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Add a feed").stylize("bold"), classes="dialog-title")
            yield Static(Content("A feed's URL, or a web page that links its feed").stylize("$text-muted"))
            yield Input(placeholder="https://… (enter adds, esc cancels)", id="feed-url")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#feed-url")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class FeedsScreen(Screen[ShowFeed | None]):
    DEFAULT_CSS = """
    FeedsScreen { background: $background; }
    #feeds-box { padding: 1 2 0 2; }
    #feeds-info { height: auto; padding: 0 1; margin-bottom: 1; }
    #feeds-message { height: auto; padding: 0 1; }
    #feeds-list { height: 1fr; }
    #feeds-list > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, folder, fetcher, total_articles: int) -> None:
        super().__init__()
        self.folder = folder
        self.fetcher = fetcher
        self.total_articles = total_articles
        self.rows: list[FeedRow] = []
        self.removing: str | None = None  # the URL d was pressed on once (pressed again: removed)

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-box"):
            yield Static(id="feeds-info", markup=False)
            yield FeedList(id="feeds-list")
            yield Static(id="feeds-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload_feeds()
        self.query_one(FeedList).focus()

    # rows --------------------------------------------------------------------------------------
    def reload_feeds(self) -> None:
        from reader.feeds.subscriptions import SubscriptionError

        try:
            status = feeds_status(self.folder)
        except SubscriptionError as exc:
            self.say(str(exc), error=True)
            return
        current = self.current_url()
        self.rows = status.feeds
        options = self.query_one(FeedList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_option(Option(Content.assemble(Content("  All articles").stylize("bold"),
                                                   Content(f"\n  {self.total_articles:,} articles")
                                                   .stylize("$text-muted")), id=ALL))
        options.add_options([Option(feed_content(r), id=r.url) for r in self.rows])
        if current is not None and current in {r.url for r in self.rows}:
            options.highlighted = 1 + [r.url for r in self.rows].index(current)
        else:
            options.highlighted = min(highlighted or 0, len(self.rows))
        failing = sum(1 for r in self.rows if r.error)
        info = f"{len(self.rows)} feed" + ("" if len(self.rows) == 1 else "s")
        if failing:
            info += f" · {failing} failing (✗)"
        if self.fetcher.running:
            info += " · fetching…"
        if not self.rows:
            info += f" in {self.folder} · a: add one"
        for problem in status.errors[:3] + ([status.state_error] if status.state_error else []):
            info += "\n" + make_safe(problem)
        self.query_one("#feeds-info", Static).update(Content(info).stylize("$text-muted"))

    def current(self) -> FeedRow | None:
        options = self.query_one(FeedList)
        i = options.highlighted
        if i is None or i == 0 or i > len(self.rows):
            return None
        return self.rows[i - 1]

    def current_url(self) -> str | None:
        row = self.current() if self.is_mounted and self.rows else None
        return row.url if row else None

    def say(self, text: str, error: bool = False) -> None:
        content = Content(make_safe(text))
        self.query_one("#feeds-message", Static).update(content.stylize("bold $text-error") if error else content)

    # actions -----------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#feeds-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(FeedList).highlighted = event.option_index
        self.action_open_feed()

    def action_open_feed(self) -> None:
        options = self.query_one(FeedList)
        if options.highlighted is None:
            return
        self.dismiss(ShowFeed(self.current()))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_fetch_feed(self) -> None:
        row = self.current()
        feeds = [row.url] if row else None
        if not self.rows:
            self.say("No feeds to fetch: a adds one", error=True)
        elif self.fetcher.start(all_feeds=True, feeds=feeds):
            self.say(f"Fetching {make_safe(row.title or row.url) if row else 'every feed'}…")
        else:
            self.say("A fetch is running already; it is shown in the status line")

    def action_add_feed(self) -> None:
        def done(url: str | None) -> None:
            if url:
                self.say(f"Adding {url}… (looking for its feed)")
                self.run_feeds_command(["add", url])

        self.app.push_screen(AddFeedDialog(), done)

    def action_remove_feed(self) -> None:
        row = self.current()
        if row is None:
            return
        if self.removing != row.url:
            self.removing = row.url
            self.say(f"Press d again to unsubscribe from {row.title or row.url} (its articles stay)")
            return
        self.removing = None
        self.run_feeds_command(["remove", row.url])

    def run_feeds_command(self, args: list[str]) -> None:
        """``reader feeds add|remove …`` in a subprocess (an app worker: it outlives this screen);
        its message goes to the screen, or to a notification once the screen is closed."""
        app, cmd = self.app, reader_command(self.folder, "feeds", *args)

        def run() -> None:
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
                                     check=False)
                text = (out.stdout.strip() or out.stderr.strip()).splitlines()
                message, ok = (text[-1] if text else f"exit status {out.returncode}"), out.returncode == 0
                message = message.removeprefix("reader: ")
            except (OSError, subprocess.SubprocessError) as exc:
                message, ok = str(exc), False
            app.call_from_thread(self._command_done, message, ok, args[0] == "add")

        app.run_worker(run, thread=True, group="feeds-command", exit_on_error=False)

    def _command_done(self, message: str, ok: bool, added: bool) -> None:
        if not self.is_attached:
            self.app.notify(make_safe(message), title="Feeds", severity="information" if ok else "error",
                            markup=False)
            return
        self.say(message + (" · f fetches it now" if ok and added else ""), error=not ok)
        self.reload_feeds()
        if ok and added and self.rows:  # a new feed goes last in feeds.txt: highlighted, f fetches it
            self.query_one(FeedList).highlighted = len(self.rows)
