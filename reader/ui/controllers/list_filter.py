"""The article list's filter, its sort, and saved searches in the UI.

``l`` (or ``\\``) opens the filter line under the panes (:mod:`reader.ui.widgets.filter_line`): the filter
language of :mod:`reader.listfilter.syntax` (the search language plus ``unread``, ``starred``, ``feed:``,
``tag:``, ``lang:``, ``date:``, ``new``…), applied as you type once the keys pause
(:class:`reader.ui.input_limits.Debounce`), evaluated by a :class:`reader.listfilter.evaluate.FilterContext`
in a thread worker (one context per session, used under a lock: exclusive workers may overlap
for a moment); ``enter`` keeps it and goes back to the list, ``esc`` clears it. A filter that cannot
be understood or evaluated keeps the list as it was and says why. ``s`` in the list cycles the sort
(date, title, source, unread first), remembered in the UI state file. The list header says what
is shown: ``filter: unread tag:tech · sort: title · 12 unread · 340 articles``.

The feeds screen lists the saved searches after the feeds, with their unread counts (and each
feed's), computed here in the same worker; ``enter`` on one applies it as the filter.

This module is a mixin of :class:`reader.ui.app.ReaderApp` (``self`` is the app).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, overload

from textual import work
from textual.content import Content

from reader.corpus import ArticleMeta
from reader.log import log_exception
from reader.passages import make_safe
from reader.ui.controllers.host import ScreenHost
from reader.ui.messages import ApplySearch
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.filter_line import FilterLine

if TYPE_CHECKING:
    from concurrent.futures import Future
    from pathlib import Path

    from reader.listfilter.evaluate import FilterContext
    from reader.listfilter.saved import SearchCount
    from reader.ui.settings import Sort


class Shown(Sequence[ArticleMeta]):
    """Some of a list's articles (``positions`` into ``base``), in a given order; rows are made
    only when painted (``base`` may be a :class:`reader.corpus.LazyMetas`)."""

    def __init__(self, base: Sequence[ArticleMeta], positions: list[int], base_ids: list[str]) -> None:
        self.base = base
        self.positions = positions
        self.ids = [base_ids[p] for p in positions]

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> ArticleMeta: ...
    @overload
    def __getitem__(self, i: slice) -> list[ArticleMeta]: ...

    def __getitem__(self, i: int | slice) -> ArticleMeta | list[ArticleMeta]:
        if isinstance(i, slice):
            return [self.base[p] for p in self.positions[i]]
        return self.base[self.positions[i]]


def _feed_prefix(name: str) -> str | None:
    parts = name.split("/", 2)
    return f"{parts[0]}/{parts[1]}/" if len(parts) == 3 and parts[0] == "feeds" else None


def _name_in(meta: ArticleMeta, folder: Path) -> str:
    try:
        return meta.path.relative_to(folder).as_posix()
    except (AttributeError, ValueError):
        return ""


class ListFilterActions(ScreenHost):
    """Mixed into ReaderApp (``self`` is the app)."""

    list_filter_text = ""  # the filter asked for (typed, or a saved search)
    list_filter_shown = ""  # the filter the list shows (a bad one keeps the previous)
    _filter_ctx: FilterContext | None = None
    _filter_lock = threading.Lock()
    _filter_generation = 0
    _filter_stale = False  # the catalogue changed: the context re-reads its columns
    _filter_warmed = False
    _filter_base: tuple[Sequence[ArticleMeta], list[str], dict[str, int]] | None = None  # (base list, its ids, id → position)
    filter_worker_ms = 0.0  # the last filter's evaluation in the worker (the bench reads it)

    # the list -----------------------------------------------------------------------------------
    @property
    def list_sort(self) -> Sort:
        return self.state.list_sort

    def list_header_prefix(self) -> str:
        bits = []
        if self.list_filter_shown:
            bits.append(f"filter: {make_safe(self.list_filter_shown)}")
        if self.list_sort != "date":
            bits.append(f"sort: {self.list_sort}")
        return "".join(b + " · " for b in bits)

    def list_show(self, keep_id: str | None = None) -> bool:
        """Show the articles (the feed chosen, or all) through the filter and the sort: at once
        when there is neither (True), else from a worker (False)."""
        base = self.all_articles
        if self.feed_filter is not None:  # one feed's articles (the feeds screen is not on the first frame)
            from reader.ui.screens.feeds import only_feed

            base = only_feed(self.all_articles, self.catalogue.folder, self.feed_filter)
        lst = self.query_one(ArticleList)
        self._filter_generation += 1
        if not self.list_filter_text and self.list_sort == "date":
            self.list_filter_shown = ""
            lst.set_articles(base, keep_id=keep_id)
            return True
        if not len(lst.articles):
            lst.set_articles(base, keep_id=keep_id)  # something to look at meanwhile
        current = keep_id or (lst.current.id if lst.current else None)
        self._list_filter_run(base, self.list_filter_text, self.list_sort, current, self._filter_generation,
                              self._last_write)
        return False

    def list_changed(self, changed: bool = True) -> None:
        """A rescan ended (``changed``: articles were added, edited or removed)."""
        self._filter_stale = self._filter_stale or changed
        if not self._filter_warmed:
            self._filter_warmed = True
            self._list_filter_warm(self._base_ids(self.all_articles)[0])

    def list_filter_set(self, text: str) -> None:
        """Filter the list with ``text`` (from the filter line, or a saved search)."""
        text = " ".join(text.split())
        if text == self.list_filter_text and text == self.list_filter_shown:
            return
        self.list_filter_text = text
        if self.list_show():
            self.reading_refresh()

    def _filter_context(self) -> FilterContext:
        """(In the worker, under the lock) the session's FilterContext, made the first time."""
        from reader.listfilter.evaluate import FilterContext
        from reader.listfilter.feedinfo import load_feeds

        if self._filter_ctx is None:
            from reader.listfilter.saved import mark_opened

            self._filter_ctx = FilterContext(self.folder, feeds=load_feeds(self.folder),
                                             last_opened=mark_opened(self.folder))
        elif self._filter_stale:
            self._filter_stale = False
            self._filter_ctx.set_feeds(load_feeds(self.folder))
            self._filter_ctx.invalidate()
        return self._filter_ctx

    def _base_ids(self, base: Sequence[ArticleMeta]) -> tuple[list[str], dict[str, int]]:
        cached = self._filter_base
        if cached is None or cached[0] is not base:
            ids = getattr(base, "ids", None)
            ids = ids if ids is not None else [m.id for m in base]
            cached = self._filter_base = (base, ids, {i: k for k, i in enumerate(ids)})
        return cached[1], cached[2]

    @work(thread=True, exclusive=True, group="list-filter", exit_on_error=False)
    def _list_filter_run(self, base: Sequence[ArticleMeta], text: str, by: Sort, keep_id: str | None, generation: int,
                         pending: Future[None] | None) -> None:
        self._after(pending)  # the reading-state writes made before are in the store
        ids, pos = self._base_ids(base)
        with self._filter_lock:
            if generation != self._filter_generation:
                return  # typed on meanwhile
            try:
                ctx = self._filter_context()  # its states are read again when the database changed
                res = ctx.apply(text, ids)
                kept = ctx.sort(res.ids, by) if res.error is None and by != "date" else res.ids
                self.filter_worker_ms = res.elapsed_ms
            except Exception as exc:  # noqa: BLE001 - anything unforeseen: a message, the list kept
                log_exception(__name__, "the list filter failed")
                self.call_from_thread(self._list_filter_done, generation, text, base, None,
                                      f"the filter failed: {exc}", None, keep_id)
                return
        positions = None if res.error else [pos[i] for i in kept]
        self.call_from_thread(self._list_filter_done, generation, text, base, positions, res.error, res.notice,
                              keep_id)

    def _list_filter_done(self, generation: int, text: str, base: Sequence[ArticleMeta], positions: list[int] | None,
                          error: str | None, notice: str | None, keep_id: str | None) -> None:
        if generation != self._filter_generation:
            return
        lst = self.query_one_optional(ArticleList)
        if lst is None:
            return
        if error is not None:
            self.set_status(Content(f"Filter: {make_safe(error)} (the list is as it was)").stylize("bold $text-error"),
                            "filter_error")
            return
        assert positions is not None  # None only with an error
        self.list_filter_shown = text
        ids, _ = self._base_ids(base)
        lst.set_articles(Shown(base, positions, ids), keep_id=keep_id)
        self.reading_refresh()
        if notice:
            self.set_status(make_safe(notice))
        elif self.status.kind == "filter_error":
            self.set_status("")

    @work(thread=True, exclusive=True, group="list-filter-warm", exit_on_error=False)
    def _list_filter_warm(self, ids: list[str] | None) -> None:
        with self._filter_lock:
            self._filter_context().warm(ids)

    # actions ------------------------------------------------------------------------------------
    def action_filter(self) -> None:
        self._reading_screen()
        line = self.query_one(FilterLine)
        line.add_class("-shown")
        # focused now, not later (Widget.focus): the keys typed right after l (one burst in a terminal) are the filter's
        self.app.screen.set_focus(line)
        line.cursor_position = len(line.value)

    def action_clear_filter(self) -> None:
        if not self.list_filter_text:
            from textual.actions import SkipAction

            raise SkipAction()
        self.query_one(FilterLine).action_clear()
        self.set_status("Filter cleared")

    def action_cycle_sort(self) -> None:
        from reader.listfilter import SORTS

        by = SORTS[(SORTS.index(self.list_sort) + 1) % len(SORTS)]
        self.state.list_sort = by
        self.save_state()
        lst = self.query_one(ArticleList)
        if self.list_show(keep_id=lst.current.id if lst.current else None):
            self.reading_refresh()
        names = {"date": "date (newest first)", "unread": "unread first"}
        self.set_status(f"Sorted by {names.get(by, by)} · s: next order")

    def list_apply_search(self, choice: ApplySearch) -> None:
        line = self.query_one(FilterLine)
        line.debounce.cancel()
        line.value = choice.query
        line.debounce.cancel()
        self.list_filter_set(choice.query)
        self.set_status(f"Saved search {make_safe(choice.name)}: {make_safe(choice.query)} · esc in the list clears it")
        self.action_focus_list()

    # counts for the feeds screen ------------------------------------------------------------------
    def list_counts(self, done: Callable[[dict[str, int], list[SearchCount] | str], None]) -> None:
        """Each feed's unread count (by its folder prefix) and the saved searches' counts, computed in a
        worker; ``done(feed_unread, counts or an error message)`` is called in the event loop."""
        names = getattr(self.all_articles, "names", None)
        if names is None:
            names = [_name_in(m, self.catalogue.folder) for m in self.all_articles]
        self._list_counts(list(names), list(self._base_ids(self.all_articles)[0]), done, self._last_write)

    @work(thread=True, exclusive=True, group="list-counts", exit_on_error=False)
    def _list_counts(self, names: list[str], ids: list[str],
                     done: Callable[[dict[str, int], list[SearchCount] | str], None],
                     pending: Future[None] | None) -> None:
        from reader.listfilter.saved import SavedSearchError, SavedSearches

        self._after(pending)
        feed_unread: dict[str, int] = {}
        with self._filter_lock:
            ctx = self._filter_context()
            try:
                states = ctx.states(ids)
                for name, i in zip(names, ids):
                    s = states.get(i)
                    prefix = _feed_prefix(name)
                    if prefix and not (s and s.read):
                        feed_unread[prefix] = feed_unread.get(prefix, 0) + 1
            except Exception:  # noqa: BLE001 - no reading state: the feeds show no unread count
                log_exception(__name__, "the feeds' unread counts could not be read")
                feed_unread = {}
            try:
                counts: list[SearchCount] | str = SavedSearches().counts(ctx)
            except SavedSearchError as exc:
                counts = str(exc)
        self.call_from_thread(done, feed_unread, counts)
