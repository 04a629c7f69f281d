"""The feeds screen (``F``): every subscription with its title, tags, article count, last fetch and
error; ``enter`` shows that feed's articles in the list, ``a`` adds a feed, ``d`` removes one,
``f`` fetches now.

What the screen shows is read by :mod:`reader.feeds.status` (``feeds.txt`` and the fetch state,
read-only, none of the fetch machinery). Adding (discovery needs the network) and removing run
``reader feeds add|remove`` as subprocesses; fetching goes through the app's
:class:`reader.ui.controllers.fetching.FetchController`. Feed text (titles, errors) is data, never markup.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.feeds.status import FeedRow, feeds_status
from reader.passages import make_safe
from reader.ui.commands import bindings
from reader.ui.dialogs.add_feed import AddFeedDialog
from reader.ui.dialogs.base import PickList
from reader.ui.dialogs.save_search import SaveSearchDialog
from reader.ui.messages import ApplySearch, ShowFeed
from reader.ui.subprocesses import reader_command

if TYPE_CHECKING:
    from reader.corpus import ArticleMeta
    from reader.listfilter.saved import SavedSearch, SearchCount
    from reader.ui.app import ReaderApp
    from reader.ui.controllers.fetching import FetchController

ALL = "\x00all"  # the option id of "All articles"
SEARCHES = "\x00searches"  # the "Saved searches" heading
SEARCH = "\x00search:"  # + the saved search's name: its option id


def only_feed(articles: Sequence[ArticleMeta], folder: Path, row: FeedRow | None) -> Sequence[ArticleMeta]:
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


def feed_content(row: FeedRow, unread: int | None = None) -> Content:
    mark = Content("✗ ").stylize("bold $text-error") if row.error else Content("  ")
    head = [mark, Content(make_safe(row.title or row.url)).stylize("bold")]
    if row.tags:
        head.append(Content("  " + " ".join(f"#{make_safe(t)}" for t in row.tags)).stylize("$text-accent"))
    count = f"{row.articles} article" + ("" if row.articles == 1 else "s")
    bits = ([f"{unread:,} unread"] if unread is not None else []) + [count, _when(row.last_fetched)]
    if row.stopped:
        bits.append("stopped: no longer fetched")
    detail = Content("\n  " + " · ".join(bits) + "  " + make_safe(row.url)).stylize("$text-muted")
    parts = [*head, detail]
    if row.error:
        parts.append(Content("\n  ✗ " + make_safe(row.error)).stylize("$text-error"))
    return Content.assemble(*parts)


class FeedList(PickList):
    BINDINGS = bindings("feeds")


class FeedsScreen(Screen[ShowFeed | ApplySearch | None]):
    DEFAULT_CSS = """
    FeedsScreen { background: $background; }
    #feeds-box { padding: 1 2 0 2; }
    #feeds-info { height: auto; padding: 0 1; margin-bottom: 1; }
    #feeds-message { height: auto; padding: 0 1; }
    #feeds-list { height: 1fr; }
    #feeds-list > .option-list--option { padding: 0 0 1 0; }
    """

    if TYPE_CHECKING:
        app: ReaderApp

    def __init__(self, folder: Path, fetcher: FetchController, total_articles: int) -> None:
        super().__init__()
        self.folder = folder
        self.fetcher = fetcher
        self.total_articles = total_articles
        self.rows: list[FeedRow] = []
        self.removing: str | None = None  # the URL d was pressed on once (pressed again: removed)
        self.searches: list[SearchCount] = []  # total None (and no error) until counted
        self.feed_unread: dict[str, int] | None = None  # folder prefix → unread articles
        self.searches_error = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-box"):
            yield Static(id="feeds-info", markup=False)
            yield FeedList(id="feeds-list")
            yield Static(id="feeds-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload_searches()
        self.reload_feeds()
        self.query_one(FeedList).focus()
        self.count()

    def count(self) -> None:
        """Ask the app for the unread counts of the feeds and the saved searches (a worker)."""
        counts = getattr(self.app.main, "list_counts", None)
        if counts is not None:
            counts(self._counted)

    def _counted(self, feed_unread: dict[str, int], counts: list[SearchCount] | str) -> None:
        if not self.is_attached:
            return
        self.feed_unread = feed_unread or None
        if isinstance(counts, str):
            self.searches_error = counts
        else:
            self.searches, self.searches_error = counts, ""
        self.reload_feeds()

    def reload_searches(self) -> None:
        from reader.listfilter.saved import SavedSearchError, SavedSearches, SearchCount

        try:
            self.searches, self.searches_error = [SearchCount(s, None, None) for s in SavedSearches().list()], ""
        except SavedSearchError as exc:
            self.searches, self.searches_error = [], str(exc)

    def search_options(self) -> list[Option]:
        head = Content("  Saved searches").stylize("bold")
        if self.searches_error:
            head = Content.assemble(head, Content("\n  " + make_safe(self.searches_error)).stylize("$text-error"))
        elif not self.searches:
            head = Content.assemble(head, Content("\n  none yet: l filters the list, s here saves the filter")
                                    .stylize("$text-muted"))
        out = [Option(head, id=SEARCHES, disabled=True)]
        for item in self.searches:
            search = item.search
            if item.error:
                count = f"✗ {item.error}"
            elif item.total is not None:
                unread = "?" if item.unread is None else f"{item.unread:,}"
                count = f"{unread} unread · {item.total:,} article" + ("" if item.total == 1 else "s")
            else:
                count = "counting…"
            out.append(Option(Content.assemble(Content("  ⌕ " + make_safe(search.name)).stylize("bold"),
                                               Content(f"\n  {make_safe(count)} · {make_safe(search.query)}")
                                               .stylize("$text-muted")), id=SEARCH + search.name))
        return out

    def current_search(self) -> SavedSearch | None:
        """The highlighted saved search (reader.listfilter.saved.SavedSearch), or None."""
        options = self.query_one(FeedList)
        i = options.highlighted
        if i is None:
            return None
        oid = options.get_option_at_index(i).id or ""
        if not oid.startswith(SEARCH):
            return None
        name = oid.removeprefix(SEARCH)
        return next((s.search for s in self.searches if s.search.name == name), None)

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
        unread = self.feed_unread
        options.add_options([Option(feed_content(r, None if unread is None or not r.folder_prefix
                                                 else unread.get(r.folder_prefix, 0)), id=r.url)
                             for r in self.rows])
        options.add_options(self.search_options())
        if current is not None and current in {r.url for r in self.rows}:
            options.highlighted = 1 + [r.url for r in self.rows].index(current)
        else:
            options.highlighted = min(highlighted or 0, options.option_count - 1)
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
        search = self.current_search()
        if search is not None:
            self.dismiss(ApplySearch(search.name, search.query))
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

    def action_save_search(self) -> None:
        query = getattr(self.app.main, "list_filter_text", "")
        if not query:
            self.say("No filter to save: l in the list types one (e.g. unread tag:tech)", error=True)
            return

        def done(name: str | None) -> None:
            from reader.listfilter.saved import SavedSearchError, SavedSearches
            from reader.listfilter.model import FilterError

            if not name:
                return
            try:
                saved = SavedSearches().save(name, query)
            except (SavedSearchError, FilterError) as exc:
                self.say(f"Not saved: {exc}", error=True)
                return
            self.say(f"Saved search {saved.name}: {saved.query}")
            self.reload_searches()
            self.reload_feeds()
            self.count()

        self.app.push_screen(SaveSearchDialog(query), done)

    def delete_search(self, search: SavedSearch) -> None:
        from reader.listfilter.saved import SavedSearchError, SavedSearches

        if self.removing != SEARCH + search.name:
            self.removing = SEARCH + search.name
            self.say(f"Press d again to delete the saved search {search.name}")
            return
        self.removing = None
        try:
            gone = SavedSearches().delete(search.name)
        except SavedSearchError as exc:
            self.say(str(exc), error=True)
            return
        self.searches = [s for s in self.searches if s.search.name != gone.name]
        self.say(f"Deleted the saved search {gone.name} ({gone.query})")
        self.reload_feeds()

    def action_remove_feed(self) -> None:
        search = self.current_search()
        if search is not None:
            self.delete_search(search)
            return
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
