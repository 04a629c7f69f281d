"""The main screen: article list | article view | events panel, filter line, status line, footer.

Start-up paints from the cached catalogue (no article file is read); a thread worker then rescans
the folder, and another runs the ingest pipeline (``reader index``) in a subprocess so spaCy never
loads in this process. Workers only post messages; handlers update widgets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from reader.entities import cache as ann_store
from reader import sqlitedb
from reader.corpus import (Article, ArticleMeta, Catalogue, LoadError, ScanCancelled, ScanResult, load_article,
                           skipped_summary)
from reader.passages import make_safe, make_safe_line
from reader.ui.article_view import ArticleView
from reader.ui.availability import Availability
from reader.ui.dialogs.entity_articles import EntityArticlesScreen, entity_index
from reader.ui.dialogs.event_mentions import EventMentionsScreen
from reader.ui.dialogs.note import NoteDialog
from reader.ui.fetching import FetchController, has_subscriptions
from reader.ui.layout import plan_panes
from reader.ui.list_filter import ListFilterActions
from reader.ui.messages import (ApplySearch, FetchDone, FetchProgress, GoTo, IngestDone, IngestProgress, OpenHit, ScanDone,
                                ScanFailed, ScanProgress, ShowFeed)
from reader.ui.palette import app_label_styles
from reader.ui.reading import ReadingActions
from reader.ui.screens.bookmarks import BookmarksScreen
from reader.ui.screens.feeds import FeedsScreen
from reader.ui.screens.search import SearchScreen
from reader.ui.screens.timeline import TimelineScreen
from reader.ui.settings import Place, Settings, UIState
from reader.ui.subprocesses import reader_command, run_json_lines, stop_group
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.events_panel import EventsPanel, load_event_set
from reader.ui.widgets.filter_line import FilterLine
from reader.ui.widgets.legend import describe_mention, legend_content

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


class StatusBar(Static):
    """One line: what the reader is doing (ingest progress) and what is under the cursor."""


class MainScreen(Availability, ListFilterActions, ReadingActions, Screen):
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
            self.set_status("Reading the articles folder…")
        if self.exit_after_paint:
            self.call_after_refresh(self.app.exit)
            return
        self.rescan()

    @work(thread=True, exclusive=True, group="scan")
    def rescan(self, only_if_changed: bool = False) -> None:
        try:
            if only_if_changed and self.catalogue.unchanged() and sqlitedb.rebuilds_count == self._rebuilds_seen:
                return
            worker = get_current_worker()
            result = self.catalogue.refresh(progress=lambda done, total: self.post_message(ScanProgress(done, total)),
                                            should_stop=lambda: worker.is_cancelled)
        except ScanCancelled:  # the app is quitting (workers are cancelled on exit): it never waits for a scan
            return
        except Exception as exc:
            self.post_message(ScanFailed(make_safe_line(str(exc))))
            return
        self.post_message(ScanDone(result))

    WATCH_SECONDS = 20.0  # how often the folder is checked for new or edited articles (stat only)

    def action_rescan(self) -> None:
        self.set_status("Rescanning…")
        self.rescan()
        if has_subscriptions(self.folder):
            self.fetcher.start(all_feeds=True)  # its end rescans again, with the new articles

    def _watch_folder(self) -> None:
        if self.ingest_state != "running":
            self.rescan(only_if_changed=True)

    def on_scan_progress(self, message: ScanProgress) -> None:
        # shown while the list is still empty (a first, cold scan) or when asked for (R)
        if message.done < message.total and self.status_text.startswith(("Reading the articles", "Rescanning")):
            verb = "Reading the articles folder" if self.status_text.startswith("Reading") else "Rescanning"
            self.set_status(f"{verb}… {message.done:,}/{message.total:,} files")

    def on_scan_failed(self, message: ScanFailed) -> None:
        self.notify(message.message, title="Cannot read the articles", severity="error", timeout=10, markup=False)

    def on_scan_done(self, message: ScanDone) -> None:
        result = message.result
        lst = self.query_one_optional(ArticleList)
        if lst is None:  # leaving (a scan after a fetch can end as the app shuts down): the panes are gone
            return
        current = lst.current.id if lst.current else None
        self.all_articles = result.articles
        self.list_show(keep_id=current)
        self.list_changed(bool(result.changed or result.removed))
        self.reading_refresh()
        self.errors = result.errors
        if result.errors or result.warnings:  # str(LoadError) is inert text: names and messages made safe
            listed = [str(e) for e in result.errors] + [f"warning: {w}" for w in result.warnings]
            more = f"\n… and {len(listed) - 6} more (reader list shows all)" if len(listed) > 6 else ""
            more += f"\n{skipped_summary(result.skipped)}" if result.skipped else ""
            title = ", ".join(part for part in (
                f"{len(result.errors)} file(s) could not be read" if result.errors else "",
                f"{len(result.warnings)} read with a warning" if result.warnings else "") if part)
            self.notify("\n".join(listed[:6]) + more, title=title, severity="warning", timeout=12, markup=False)
        self.fetcher.begin()  # the feeds that are due, now (the ingest waits for it), then every N minutes
        if not result.articles:
            skipped = f" ({skipped_summary(result.skipped)})" if result.skipped else ""
            self.set_status(f"No articles in {make_safe_line(str(self.folder))}{skipped} — add Markdown files with "
                            "front matter, then press R")
            return
        if self.status_text == "" or self.status_text.startswith(("Rescanning…", "Reading the articles folder…")):
            self.set_status(f"{len(result.articles):,} articles")
        if self.article is None:
            last = self.state.last
            if last is not None and lst.select_id(last.article_id):
                self.open_meta(lst.current, focus=False, passage=last.passage)  # where the reader left off
            else:
                self.open_meta(lst.current, focus=False)
        elif self.article.id in result.changed:  # the article being read was edited: show the new text
            i = lst.index_of(self.article.id)
            if i is not None:
                view = self.query_one(ArticleView)
                self.open_meta(lst.articles[i], focus=view.has_focus, passage=view.cursor)
        self.load_events()
        self.refresh_bookmark_marks()
        if not self._watching:
            self._watching = True
            self.set_interval(self.WATCH_SECONDS, self._watch_folder)
        rebuilt = sqlitedb.rebuilds_count != self._rebuilds_seen  # a cache found damaged here: the ingest redoes it
        if self.auto_ingest and (self._ingest_pending or not self._ingested or result.changed or result.removed
                                 or rebuilt):
            if self.fetcher.running or self._ingest_running:
                self._ingest_pending = True  # after the fetch (it rescans) or the running ingest
                return
            self._ingested, self._rebuilds_seen, self._ingest_pending = True, sqlitedb.rebuilds_count, False
            self._ingest_running = True
            self.run_ingest()

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
            self.set_status(f"Opening… (large article, {meta.words:,} words)")
        try:  # reading, parsing and finding the highlights happen off the event loop: keys still work
            article, annotations, matches, anchored = await in_daemon_thread(self._prepare, meta, query)
        except Exception as exc:  # ArticleFileError says what is wrong with the file; anything else too
            if self.status_text.startswith("Opening…"):
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
        elif not self.status_text.startswith(("Finding", "Indexing", "Linking", "Scanning")):
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

    # search --------------------------------------------------------------------------------------------
    def action_search(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import Input, TextArea

        if isinstance(self.app.screen, SearchScreen) or isinstance(self.app.focused, (Input, TextArea)):
            raise SkipAction()  # "/" is a character there (a query, a note, a filter)
        node = self.app.focused or self.app.screen
        while node is not None and node is not self.app:  # the focused widget, its parents, the screen
            if node._bindings.key_to_bindings.get("slash"):
                raise SkipAction()  # "/" has its own meaning there (bookmarks list: back to the filter)
            node = node.parent
        self.push_screen(SearchScreen(self.folder, self.last_query), self.search_done)

    def search_done(self, hit: OpenHit | None) -> None:
        if hit is None:
            return
        self.last_query = hit.query
        lst = self.query_one(ArticleList)
        if not lst.select_id(hit.article_id):
            self.notify("That article is no longer in the folder", severity="warning")
            return
        self.open_meta(lst.current, passage=hit.passage, query=hit.query)

    @staticmethod
    def query_matches(query: str, article: Article) -> dict[int, list[tuple[int, int]]]:
        from reader.languages import effective
        from reader.search.query import match_spans

        matches: dict[int, list[tuple[int, int]]] = {}
        for p in article.passages:
            spans = match_spans(query, p.text, lang=effective(article.meta))
            if spans:
                matches[p.index] = spans
        return matches

    def set_match_list(self, query: str, matches: dict[int, list[tuple[int, int]]], passage: int) -> None:
        self.match_list = [(p, s, e) for p in sorted(matches) for s, e in matches[p]]
        at = [i for i, m in enumerate(self.match_list) if m[0] >= passage]
        self.match_pos = at[0] if at else -1
        total = len(self.match_list)
        from reader.search.query import spans_note

        note = spans_note(matches.values())  # a passage with more matches than are marked
        self.set_status((f"{total} match{'es' if total != 1 else ''} for {query} · n/N next/previous"
                         + (f" · {note}" if note else "")) if total else f"No match for {query} in this article")

    def action_match(self, forward: bool) -> None:
        if not self.match_list:
            self.set_status("No search matches: press / to search")
            return
        self.match_pos = (self.match_pos + (1 if forward else -1)) % len(self.match_list)
        passage, _, _ = self.match_list[self.match_pos]
        self.query_one(ArticleView).set_cursor(passage)
        self.set_status(f"match {self.match_pos + 1}/{len(self.match_list)} · n/N next/previous")

    # events -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="events")
    def load_events(self) -> None:
        event_set = load_event_set(self.folder)
        self.call_from_thread(self._events_loaded, event_set)

    def _events_loaded(self, event_set) -> None:
        self.event_set = event_set
        self.show_events()

    def show_events(self) -> None:
        panel = self.query_one(EventsPanel)
        article_id = self.article.id if self.article else None
        state = "linking" if self.ingest_state == "running" and self.ingest_stage == "events" else self.ingest_state
        panel.show(self.event_set, article_id, state)
        self.mark_event(self.query_one(ArticleView).cursor)

    def mark_event(self, passage: int) -> None:
        if self.event_set is None or self.article is None:
            return
        panel = self.query_one(EventsPanel)
        nearest = self.event_set.nearest(self.article.id, passage, among={e.id for e in panel.events})
        panel.mark(nearest.id if nearest else None)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.mark_event(message.passage)
        self.cursor_on(message.passage)
        self.reading_cursor_moved(message.article_id, message.passage)

    def action_toggle_undated_events(self) -> None:
        panel = self.query_one(EventsPanel)
        panel.show_undated = not panel.show_undated
        self.state.events_undated = panel.show_undated
        self.save_state()
        if not self.events_wanted:
            self.events_wanted = True
            self._show_events_panel()
        self.show_events()
        self.set_status("Events panel: undated events " + ("listed" if panel.show_undated else "hidden"))

    def action_toggle_events(self) -> None:
        self.events_wanted = not self.events_wanted
        self.state.events_panel = self.events_wanted
        self.save_state()
        self._show_events_panel()

    def _show_events_panel(self) -> None:
        self._layout_panes()
        if self.events_wanted and not self.query_one(EventsPanel).display:
            self.focus_pane(self.query_one(ArticleView))  # the list had the width to itself: show the reading side

    def on_events_panel_chosen(self, message: EventsPanel.Chosen) -> None:
        event = self.event_set.event(message.event_id) if self.event_set else None
        if event is not None:
            self.push_screen(EventMentionsScreen(event, self.titles()), self.goto)

    def action_timeline(self) -> None:
        if not self.query_one(ArticleList).articles:
            self.notify("No articles in this folder, so no events", severity="warning")
            return
        if self.event_set is None:
            self.notify("Events are not computed yet (they are being built in the background)", severity="warning")
            return
        self.push_screen(TimelineScreen(self.event_set, self.titles()), self.goto)

    def titles(self) -> dict[str, str]:
        return {m.id: m.title for m in self.query_one(ArticleList).articles}

    def goto(self, target: GoTo | None) -> None:
        if target is None:
            return
        lst = self.query_one(ArticleList)
        if lst.select_id(target.article_id):
            self.open_meta(lst.current, passage=target.passage)
        else:
            self.notify("That article is no longer in the folder", severity="warning")

    # bookmarks ------------------------------------------------------------------------------------------
    def bookmark_store(self):
        if self._bookmark_store is None:
            from reader.bookmarks.store import BookmarkStore

            self._bookmark_store = BookmarkStore()
        return self._bookmark_store

    def _bookmark_error(self, exc: Exception) -> None:
        self.notify(str(exc), title="Bookmarks unavailable", severity="error", markup=False)

    def refresh_bookmark_marks(self) -> None:
        try:
            ids = self.bookmark_store().article_ids()
        except Exception as exc:
            self._bookmark_error(exc)
            return
        self.query_one(ArticleList).set_marked(ids)

    def _anchor(self, article: Article) -> list | Exception:
        """The article's bookmarks anchored in its text, or the error (thread-safe: no widget touched)."""
        from reader.bookmarks.anchor import anchor_article

        try:
            return anchor_article(self.bookmark_store(), article)
        except Exception as exc:
            return exc

    def anchor_bookmarks(self, article: Article,
                         anchored: list | Exception | None = None) -> dict[int, list[tuple[int, int]]]:
        """Re-anchor the article's bookmarks (unless given anchored); returns their spans per passage
        (orphans are kept apart)."""
        anchored = self._anchor(article) if anchored is None else anchored
        self.anchored = [] if isinstance(anchored, Exception) else anchored
        if isinstance(anchored, Exception):
            self._bookmark_error(anchored)
        spans: dict[int, list[tuple[int, int]]] = {}
        for _bm, anchor in self.anchored:
            if not anchor.orphaned:
                spans.setdefault(anchor.passage, []).append((anchor.start, anchor.end))
        orphans = sum(1 for _bm, a in self.anchored if a.orphaned)
        if orphans:
            self.notify(f"{orphans} bookmark(s) of this article no longer match its text; they are kept as "
                        "orphans in the bookmarks screen (B)", severity="warning")
        return spans

    def apply_bookmarks(self) -> None:
        if self.article is not None:
            view = self.query_one(ArticleView)
            view.set_bookmarks(self.anchor_bookmarks(self.article))
            self.cursor_on(view.cursor)

    def _selection_in_view(self) -> tuple[int, int, int] | None:
        """(passage, start, end) of a text selection in the article (clipped to the passage it starts in)."""
        view = self.query_one(ArticleView)
        sel = self.app.screen.selections.get(view)
        return view.selection_span(sel) if sel is not None else None

    def action_select_sentence(self, extend: bool) -> None:
        """Keyboard selection, sentence by sentence, inside the passage under the cursor."""
        import re

        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            return
        here = view.cursor
        text = self.article.passages[here].text
        bounds = [0] + [m.end() for m in re.finditer(r"(?<=[.!?…»”])\s+", text)] + [len(text)]
        sentences = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
        current = self._selection_in_view()
        if current and current[0] == here:
            _, start, end = current
            after = [k for k, (a, _b) in enumerate(sentences) if a >= end]
            if not after:
                self.set_status("End of the passage: j moves to the next one")
                return
            nxt = sentences[after[0]]
            start, end = (start, nxt[1]) if extend else nxt
        else:
            start, end = sentences[0] if sentences else (0, len(text))
        end = len(text[:end].rstrip())
        self.app.screen.selections = {view: view.selection_for(here, start, end)}
        self.set_status("Selected: s next sentence · S extend · b bookmark the selection · esc clear")

    def action_bookmark(self) -> None:
        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            return
        selected = self._selection_in_view()
        sel = self.app.screen.selections.get(view)
        clipped = bool(selected and sel is not None and view.selection_crosses_passages(sel))
        passage, start, end = selected if selected else (view.cursor, None, None)
        text = self.article.passages[passage].text
        span = (start, end) if selected else (0, len(text))
        if any(not a.orphaned and (a.passage, a.start, a.end) == (passage, *span) for _bm, a in self.anchored):
            self.set_status("Already bookmarked · a: edit its note · B: all bookmarks (d deletes there)")
            return
        try:
            bm = self.bookmark_store().add(self.article, passage, start, end)
        except Exception as exc:
            self._bookmark_error(exc)
            return
        self.app.screen.clear_selection()
        self.apply_bookmarks()
        self.refresh_bookmark_marks()
        what = "selection" if selected else "passage"
        quote = bm.quote if len(bm.quote) < 50 else bm.quote[:49] + "…"
        if clipped:  # a bookmark points into one passage (the coordinate system)
            self.set_status(f"Bookmarked the selection up to the end of its first passage: “{quote}” · "
                            "a bookmark stays within one passage")
            return
        self.set_status(f"Bookmarked {what}: “{quote}” · a: add a note · B: all bookmarks")

    def action_note(self) -> None:
        view = self.query_one(ArticleView)
        if self.article is None or not view.passage_count:
            self.set_status("Open an article first")
            return
        here = [(bm, a) for bm, a in self.anchored if not a.orphaned and a.passage == view.cursor]
        if not here:
            self.set_status("No bookmark on this passage: press b to bookmark it first")
            return
        selected = self._selection_in_view()
        whole = len(self.article.passages[view.cursor].text)
        # the bookmark of the selected text, else the whole-passage one, else the last made
        bm = next((b for b, a in here if selected and (a.passage, a.start, a.end) == selected), None) \
            or next((b for b, a in here if (a.start, a.end) == (0, whole)), None) or here[-1][0]

        def done(note: str | None) -> None:
            if note is None:
                return
            try:
                self.bookmark_store().update_note(bm.uuid, note)
            except Exception as exc:
                self._bookmark_error(exc)
                return
            self.apply_bookmarks()
            self.set_status("Note saved")

        self.push_screen(NoteDialog(bm.quote, bm.note), done)

    def action_bookmarks(self) -> None:
        try:
            store = self.bookmark_store()
        except Exception as exc:
            self._bookmark_error(exc)
            return
        metas = {m.id: m for m in self.query_one(ArticleList).articles}

        def done(target: GoTo | None) -> None:
            self.refresh_bookmark_marks()
            if self.article is not None:
                self.apply_bookmarks()
            self.goto(target)

        self.push_screen(BookmarksScreen(store, metas, load_article), done)

    # feeds (reader.ui.screens.feeds, reader.ui.fetching) --------------------------------------------
    def action_feeds(self) -> None:
        if not isinstance(self.app.screen, FeedsScreen):
            self.push_screen(FeedsScreen(self.folder, self.fetcher, len(self.all_articles)), self.show_feed)

    def show_feed(self, choice: ShowFeed | None) -> None:
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

    # entities ----------------------------------------------------------------------------------------
    def action_toggle_entities(self) -> None:
        view = self.query_one(ArticleView)
        view.show_entities = not view.show_entities
        self.update_legend()

    def action_entity(self, forward: bool) -> None:
        view = self.query_one(ArticleView)
        if not view.show_entities:
            view.show_entities = True
            self.update_legend()
        mention = view.move_entity(forward)
        if mention is None:
            self.set_status("No entities in this article" if view.annotations else "Entities are not ready yet")
            return
        index = entity_index(self.folder)
        count = None
        if index is not None:
            try:
                count = index.article_count(mention.entity)
            except Exception:
                count = None
        self.set_status(describe_mention(mention, view.annotations, count, app_label_styles(self.app)))

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

    def action_activate(self) -> None:
        view = self.query_one(ArticleView)
        mention = view.focused_mention()
        if mention is not None:
            self.show_entity_articles(mention)

    def show_entity_articles(self, mention) -> None:
        index = entity_index(self.folder)
        ids = []
        if index is not None:
            try:
                ids = index.articles(mention.entity)
            except Exception:
                ids = []
        lst = self.query_one(ArticleList)
        metas = {m.id: m for m in lst.articles}
        from reader.corpus import sort_key

        found = sorted((metas[aid] for aid in ids if aid in metas), key=sort_key)
        current = self.article.id if self.article else None
        found.sort(key=lambda m: m.id != current)  # the article being read first, then newest first
        rows = [(m.id, f"{m.date_label or 'undated'}  {m.title}" + ("  (this article)" if m.id == current else ""))
                for m in found]
        if not rows:
            self.notify("The entity index is not ready yet", severity="warning")
            return
        title = f"{len(rows)} article(s) mention {mention.text}"

        def chosen(article_id: str | None) -> None:
            if article_id and article_id in metas:
                lst.select_id(article_id)
                self.open_meta(metas[article_id])

        self.push_screen(EntityArticlesScreen(title, rows), chosen)

    # ingest -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="ingest")
    def run_ingest(self) -> None:
        """Run ``reader index`` in a subprocess (spaCy stays out of this process); relay its progress."""
        busy = False

        def line(data: dict) -> None:
            nonlocal busy
            if data.get("stage") == "busy":
                busy = True
            elif data.get("stage") != "done":
                self.post_message(IngestProgress(data["stage"], data.get("done", 0), data.get("total", 0)))

        def started(proc) -> None:
            self._ingest_proc = proc

        code, error = run_json_lines(reader_command(self.folder, "index", "--progress-lines"), line, started)
        self._ingest_proc = None
        if self._quitting:
            return
        if busy:
            self.post_message(IngestDone(True, "Another reader is indexing this corpus; its results "
                                               "appear on the next start or R"))
        elif code != 0:
            self.post_message(IngestDone(False, error))
        else:
            self.post_message(IngestDone(True))

    _ingest_proc = None
    _ingest_pending = False  # a scan found changes while the ingest or a fetch ran
    _ingest_running = False  # from run_ingest() to its IngestDone
    _quitting = False
    _ingested = False
    _rebuilds_seen = 0
    _watching = False

    def stop_ingest(self) -> None:
        """Stop the background indexer (its caches are written atomically: nothing is half-done)."""
        stop_group(self._ingest_proc)

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

    def on_ingest_progress(self, message: IngestProgress) -> None:
        if self.ingest_state != "running":
            self.ingest_state = "running"
            self.update_legend()
        names = {"catalogue": "Scanning", "languages": "Detecting languages", "entities": "Finding entities",
                 "index": "Indexing", "events": "Linking events"}
        pct = f" {100 * message.done // message.total}%" if message.total else ""
        if message.stage != self.ingest_stage:
            self.ingest_stage = message.stage
            if self.event_set is None:
                self.show_events()  # the panel says what the background work is doing
        if message.stage == "entities" and self.article is not None:
            view = self.query_one(ArticleView)
            if view.annotations is None and ann_store.has(self.article.meta.content_hash):
                self.apply_annotations()  # this article's entities are ready: show them now
        name = names.get(message.stage, message.stage)
        if message.total and message.done >= message.total:  # e.g. the index being written to disk
            self.set_status(f"{name}… {message.total:,}/{message.total:,}, finishing (writing to disk)")
        else:
            self.set_status(f"{name}… {message.done:,}/{message.total:,}{pct}")

    def on_ingest_done(self, message: IngestDone) -> None:
        self.ingest_state = "done" if message.ok else "failed"
        self._ingest_running = False
        if self._ingest_pending and not self.fetcher.running and not self._quitting:
            self._ingest_pending = False  # articles came in while it ran (a fetch): once more for them
            self._ingest_running = True
            self.run_ingest()
        if message.ok and message.message:
            self.set_status(message.message)
        elif message.ok:
            self.set_status("Entities, search index and events are up to date")
            self.apply_annotations()
            self.load_events()
        else:
            self.set_status("Background indexing failed (the reader still works)")
            self.show_events()
            self.notify(message.message, title="Indexing failed", severity="error", markup=False)
        self.update_legend()

    # status & panes -----------------------------------------------------------------------------------
    status_text = ""

    def set_status(self, text: str | Content) -> None:
        self.status_text = str(text)
        self.query_one(StatusBar).update(text if isinstance(text, Content) else Content(text))

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
        try:
            panes = self.app.screen.query_one("#panes")
        except Exception:  # another screen (search, help…) is on top: nothing to arrange
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
