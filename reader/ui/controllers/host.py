"""What the main screen's controllers share, for the type checker: the screen they are mixed into.

Each controller (:mod:`reader.ui.controllers`) is a mixin of :class:`reader.ui.screens.main.MainScreen`
and reaches the screen's state and the other controllers' methods through ``self``. A mixin cannot
name the screen as its base (the screen is made of the mixins), so each one derives from
:class:`ScreenHost`: to mypy a :class:`~textual.screen.Screen` with the screen's state and the methods
one controller calls on another, declared once here and checked against their definitions (the
main screen derives from every controller, so a definition that disagrees is an error); at run time
``ScreenHost`` is ``object`` and the mixins stay plain classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal, TypeVar

# the background work's state, as the status line, the legend and the events panel read it
IngestState = Literal["idle", "running", "done", "failed"]

T = TypeVar("T")
R = TypeVar("R")

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    import subprocess
    from collections.abc import Sequence
    from concurrent.futures import Future
    from pathlib import Path

    from textual.content import Content
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.worker import Worker

    from reader.bookmarks.model import Anchor, Bookmark
    from reader.bookmarks.store import BookmarkStore
    from reader.corpus import Article, ArticleMeta, Catalogue, LoadError
    from reader.events.store import EventSet
    from reader.feeds.status import FeedRow
    from reader.ui.app import ReaderApp
    from reader.ui.controllers.fetching import FetchController
    from reader.ui.messages import ApplySearch, GoTo
    from reader.ui.settings import Settings, UIState
    from reader.ui.widgets.status_bar import Status, StatusKind

    class ScreenHost(Screen[None]):
        app: ReaderApp
        # the screen's state (set in MainScreen.__init__)
        folder: Path
        catalogue: Catalogue
        auto_ingest: bool
        exit_after_paint: bool
        errors: list[LoadError]
        article: Article | None
        ingest_state: IngestState
        ingest_stage: str  # the ingest's current stage while it runs
        last_query: str
        match_list: list[tuple[int, int, int]]  # (passage, start, end) of the search matches
        match_pos: int
        event_set: EventSet | None
        _bookmark_store: BookmarkStore | None
        anchored: list[tuple[Bookmark, Anchor]]  # (bookmark, anchor) of the open article
        state: UIState
        fetcher: FetchController
        all_articles: Sequence[ArticleMeta]  # the scan's (a LazyMetas from the catalogue)
        feed_filter: FeedRow | None
        status: Status
        events_wanted: bool
        _quitting: bool
        _last_write: Future[None] | None
        _rebuilds_seen: int  # sqlitedb.rebuilds_count at the last scan
        _ingest_proc: subprocess.Popen[str] | None

        @property
        def settings(self) -> Settings: ...

        # the main screen's
        def set_status(self, text: str | Content, kind: StatusKind = "note") -> None: ...
        def open_meta(self, meta: ArticleMeta | None, *, focus: bool = True, passage: int = 0,
                      query: str | None = None) -> None: ...
        def update_legend(self) -> None: ...
        def apply_annotations(self) -> None: ...
        def focus_pane(self, widget: Widget) -> None: ...
        def _layout_panes(self, width: int | None = None, reading: bool | None = None) -> None: ...
        def action_focus_list(self) -> None: ...
        def save_state(self) -> None: ...
        def copy_to_clipboard(self, text: str) -> None: ...
        def call_from_thread(self, callback: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...
        def push_screen(self, screen: Screen[R], callback: Callable[[R | None], None] | None = None) -> Any: ...
        def suspend(self) -> AbstractContextManager[None]: ...

        # one controller's, called by another
        def cursor_on(self, passage: int) -> None: ...  # reader.ui.availability
        def goto(self, target: GoTo | None) -> None: ...  # events_view
        def show_events(self) -> None: ...
        def load_events(self) -> Worker[None]: ...
        def refresh_bookmark_marks(self) -> None: ...  # bookmarks_view
        def _selection_in_view(self) -> tuple[int, int, int] | None: ...
        def rescan(self, only_if_changed: bool = False) -> None: ...  # scan
        def list_show(self, keep_id: str | None = None) -> bool: ...  # list_filter
        def list_apply_search(self, choice: ApplySearch) -> None: ...
        def list_changed(self, changed: bool = True) -> None: ...
        def reading_refresh(self) -> None: ...  # reading
        def reading_cursor_moved(self, article_id: str, passage: int) -> None: ...
        @staticmethod
        def _after(pending: Future[None] | None) -> None: ...
        def _reading_screen(self) -> None: ...
        def _mark_read(self, meta: ArticleMeta) -> None: ...
        def _target(self) -> ArticleMeta | None: ...
else:
    ScreenHost = object
