"""The main screen: article list | article view | events panel, filter line, status line, footer.

This module lays the panes out, moves focus between them and opens articles. Each capability the
panes offer is a mixin of its own in :mod:`reader.ui.controllers` (scan and ingest, search matches,
events, bookmarks, entities, the reading state, the list filter, feeds and fetching): they share
the screen's state (the open article, the status line), so they are parts of one class rather
than objects passing it around. Start-up paints from the cached catalogue (no article file is
read); background work then only posts messages (:mod:`reader.ui.messages`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.log import log_exception
from reader.corpus import (Article, ArticleMeta, Catalogue, LoadError, ScanResult, load_article)
from reader.entities import cache as ann_store
from reader.passages import make_safe_line
from reader.ui.widgets.article_view import ArticleView
from reader.ui.controllers.bookmarks_view import BookmarkActions
from reader.ui.controllers.entities_view import EntityActions
from reader.ui.controllers.events_view import EventActions
from reader.ui.controllers.fetching import FeedActions, FetchController
from reader.ui.controllers.list_filter import ListFilterActions
from reader.ui.controllers.matches import MatchActions
from reader.ui.controllers.reading import ReadingActions
from reader.ui.controllers.scan import ScanActions
from reader.ui.controllers.sharing import ShareActions
from reader.ui.availability import Availability
from reader.ui.layout import plan_panes
from reader.ui.palette import app_label_styles
from reader.ui.settings import Place, Settings, UIState
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.events_panel import EventsPanel
from reader.ui.widgets.filter_line import FilterLine
from reader.ui.widgets.legend import legend_content
from reader.ui.widgets.status_bar import Status, StatusBar, StatusKind
from reader.ui.background import ReportsFailedWorkers

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


class MainScreen(ReportsFailedWorkers, Availability, ScanActions, MatchActions, EventActions, BookmarkActions, EntityActions, FeedActions,
                 ListFilterActions, ReadingActions, ShareActions, Screen):
    """The reader's panes and the work behind them; the app (``reader.ui.app``) holds it as its
    default screen. The commands' actions (``app.<name>``) that are not the app's own land here."""

    app: ReaderApp

    def __init__(self, folder: Path, *, ingest: bool | None = None, exit_after_paint: bool = False,
                 fetch: bool | None = None, state: UIState | None = None):
        super().__init__()
        self.folder = Path(folder)
        self.catalogue = Catalogue(self.folder)
        if ingest is None:
            ingest = os.environ.get("READER_NO_INGEST", "") in ("", "0")
        self.auto_ingest = ingest
        self.exit_after_paint = exit_after_paint
        self.errors: list[LoadError] = []
        self.article: Article | None = None
        self.ingest_state = "idle"
        self.ingest_stage = ""  # the ingest's current stage while it runs
        self.last_query = ""
        self.match_list: list[tuple[int, int, int]] = []  # (passage, start, end) of the search matches
        self.match_pos = -1
        self.event_set = None
        self._bookmark_store = None
        self.anchored: list = []  # (bookmark, anchor) pairs of the open article
        self.state = UIState() if state is None else state  # the app's UI state (shared, saved by the app)
        if fetch is None:  # automatic fetches (start-up, every fetch_minutes); R and the feeds screen always can
            fetch = os.environ.get("READER_NO_FETCH", "") in ("", "0")
        self.fetcher = FetchController(self, enabled=fetch)
        self.all_articles: list[ArticleMeta] = []  # the scan's list; the article list may show one feed's
        self.feed_filter = None  # the FeedRow whose articles the list shows (None: all)

    # what the controllers ask of the app ---------------------------------------------------------
    @property
    def settings(self) -> Settings:
        """The user's settings (config.toml, read by the app)."""
        return self.app.settings

    def save_state(self) -> None:
        self.app.save_state()

    def call_from_thread(self, callback, *args, **kwargs):
        return self.app.call_from_thread(callback, *args, **kwargs)

    def push_screen(self, screen, callback=None):
        return self.app.push_screen(screen, callback)

    def copy_to_clipboard(self, text: str) -> None:
        self.app.copy_to_clipboard(text)

    def suspend(self):
        return self.app.suspend()

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="list")
            with Vertical(id="reading"):
                yield ArticleView(id="article")
                yield Static(id="legend", markup=False)
            yield EventsPanel(id="events")
        yield FilterLine(id="list-filter")
        yield StatusBar(id="status", markup=False)
        yield Footer()

    # start-up ----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        lst = self.query_one(ArticleList)
        try:
            cached = self.catalogue.cached()
        except Exception as exc:  # a broken cache never stops the reader
            log_exception(__name__, "the catalogue cache could not be read")
            cached = ScanResult([], [])
            self.notify(make_safe_line(f"Cache unreadable, rebuilding: {exc}"), severity="warning", markup=False)
        self.all_articles = cached.articles
        self.list_show()
        self.reading_refresh()
        lst.focus()
        wanted = self.state.events_panel  # None: automatic, shown when the terminal is wide enough
        self.events_wanted = bool(wanted) if wanted is not None else self.app.size.width >= 130
        self._layout_panes()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.update_legend())  # label colours
        self.query_one(EventsPanel).show_undated = self.state.events_undated
        if not cached.articles:
            self.set_status("Reading the articles folder…", "reading_folder")
        if self.exit_after_paint:
            self.call_after_refresh(self.app.exit)
            return
        self.rescan()

    # opening articles -------------------------------------------------------------------------------
    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        self.open_meta(message.meta, focus=True)

    def open_meta(self, meta: ArticleMeta | None, *, focus: bool = True, passage: int = 0,
                  query: str | None = None) -> None:
        if meta is None:
            return
        self.run_worker(self._open(meta, focus, passage, query), exclusive=True, group="open")

    LARGE_ARTICLE_WORDS = 50_000  # opening one says so while it is read and parsed (a 5 MB one: ~2 s)

    async def _open(self, meta: ArticleMeta, focus: bool, passage: int, query: str | None = None) -> None:
        from reader.ui.background import in_daemon_thread

        if meta.words >= self.LARGE_ARTICLE_WORDS:
            self.set_status(f"Opening… (large article, {meta.words:,} words)", "opening")
        try:  # reading, parsing and finding the highlights happen off the event loop: keys still work
            article, annotations, matches, anchored = await in_daemon_thread(self._prepare, meta, query)
        except Exception as exc:  # ArticleFileError says what is wrong with the file; anything else too
            log_exception(__name__, "an article could not be opened")
            if self.status.kind == "opening":
                self.set_status("")
            self.notify(str(LoadError(meta.path, str(exc))), title="Cannot open article", severity="error", markup=False)
            return
        self.article = article
        view = self.query_one(ArticleView)
        await view.show_article(article, passage, annotations, matches, self.anchor_bookmarks(article, anchored))
        self.update_legend()
        self.match_list, self.match_pos = [], -1
        if query:
            self.set_match_list(query, matches, passage)
        elif self.status.kind != "ingest":
            self.set_status("")  # what was said about the previous article no longer applies
        if passage > 0:
            view.set_cursor(passage, top=True)
        else:
            view.scroll_home(animate=False)
        self.show_events()
        self.refresh_bindings()  # the article's keys can act now, n/N with matches (reader.ui.availability)
        self.cursor_on(view.cursor)
        self.reading_opened(article, explicit=focus)  # the start-up's last place is not an open
        if focus:
            self.focus_pane(view)

    def _prepare(self, meta: ArticleMeta, query: str | None):
        """(In a thread) the article and everything shown over it: annotations, matches, bookmarks."""
        article = load_article(meta)
        annotations = ann_store.load(article.meta.content_hash)
        matches = self.query_matches(query, article) if query else {}
        return article, annotations, matches, self._anchor(article)

    def apply_annotations(self) -> None:
        if self.article is None:
            return
        ann = ann_store.load(self.article.meta.content_hash)
        view = self.query_one(ArticleView)
        view.set_annotations(ann)
        self.update_legend()

    def update_legend(self) -> None:
        view = self.query_one(ArticleView)
        self.query_one("#legend", Static).update(legend_content(view.annotations, view.show_entities,
                                                                self.ingest_state, app_label_styles(self.app)))

    def leave(self) -> None:
        """Stop the background work and remember where the reader was."""
        self._quitting = True
        self.stop_ingest()
        self.reading_flush()  # the reading state changes still being written
        self.fetcher.stop()
        if self.article is not None:
            self.state.last = Place(self.article.id, self.query_one(ArticleView).cursor)
            self.save_state()

    def stop_background(self) -> None:
        self._quitting = True
        self.stop_ingest()
        self.fetcher.stop()

    # status & panes -----------------------------------------------------------------------------------
    status = Status()  # what the status line shows: handlers ask its kind, never its text

    def set_status(self, text: str | Content, kind: StatusKind = "note") -> None:
        self.status = Status(text, kind)
        bar = self.query_one_optional(StatusBar)
        if bar is not None:  # None while leaving: a worker's last word after the panes are gone
            bar.show(self.status)

    @property
    def status_text(self) -> str:
        """The status line's text as shown (for tests and the bench; handlers use ``status.kind``)."""
        return self.status.plain

    def action_back(self) -> None:
        view = self.query_one(ArticleView)
        if self.app.screen.selections:
            self.app.screen.clear_selection()
            self.set_status("")
            return
        if view.entity_cursor is not None:
            view.entity_cursor = None
            view.refresh_highlights()
            self.set_status("")
            return
        self.action_focus_list()

    def action_switch_pane(self) -> None:
        from textual.actions import SkipAction

        if not self.app.screen.query("#panes"):
            raise SkipAction()  # a dialog or another screen: its own tab moves focus there
        order = [self.query_one(ArticleList), self.query_one(ArticleView)]
        panel = self.query_one(EventsPanel)
        if panel.display:
            order.append(panel.query_one("#events-list"))
        current = next((i for i, w in enumerate(order) if w.has_focus), -1)
        self.focus_pane(order[(current + 1) % len(order)])

    events_wanted = False  # the events panel is shown (v), where there is a reading pane to show it with

    def on_resize(self, event) -> None:
        self._layout_panes(event.size.width)  # self.size is updated after this handler

    def on_descendant_focus(self, event) -> None:
        self._layout_panes()

    def _layout_panes(self, width: int | None = None, reading: bool | None = None) -> None:
        """Arrange the panes so the article keeps a readable width (see reader.ui.layout): the list
        narrows, then the list and the reading pane take the width in turn (the one with focus, or
        ``reading``), then the events panel goes below the article."""
        from textual.css.query import NoMatches

        try:
            panes = self.app.screen.query_one("#panes")
        except NoMatches:  # another screen (search, help…) is on top: nothing to arrange
            return
        plan = plan_panes(self.app.size.width if width is None else width, self.events_wanted)
        single = plan.list_width == 0
        if reading is None:
            focused = self.app.screen.focused
            reading = panes.has_class("-reading") if focused is None else not isinstance(focused, ArticleList)
        panes.set_class(single, "-single")
        panes.set_class(single and reading, "-reading")
        panes.set_class(single and not reading, "-listing")
        panes.set_class(plan.events == "below", "-events-below")
        self.query_one(ArticleList).styles.width = None if single else plan.list_width
        self.query_one(EventsPanel).display = bool(plan.events) and not (single and not reading)

    def action_focus_list(self) -> None:
        self.focus_pane(self.query_one(ArticleList))

    def focus_pane(self, widget) -> None:
        """Focus a pane's widget, showing its pane first on a narrow terminal (a hidden one can't take focus)."""
        panes = self.query_one("#panes")
        reading = not isinstance(widget, ArticleList)
        if panes.has_class("-single") and panes.has_class("-reading") != reading:
            self._layout_panes(reading=reading)
            self.call_after_refresh(widget.focus)  # once its pane is displayed
        else:
            widget.focus()
