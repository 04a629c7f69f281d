"""The folder scan and the background ingest, as the main screen sees them.

Start-up paints from the cached catalogue (no article file is read); a thread worker then rescans
the folder (at start, on ``R``, after a fetch, and every :attr:`ScanActions.WATCH_SECONDS` when a
stat of the folder says something changed), and another runs the ingest pipeline (``reader index``)
in a subprocess so spaCy never loads in this process. Workers only post messages
(:mod:`reader.ui.messages`); the handlers here update the list, the status line and the legend.

This module is a mixin of :class:`reader.ui.screens.main.MainScreen` (``self`` is the screen).
"""

from __future__ import annotations


from reader.entities import cache as ann_store
from reader import sqlitedb
from reader.corpus import (skipped_summary)
from reader.passages import make_safe_line
from reader.ui import background
from reader.ui.controllers.host import ScreenHost
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.subprocesses import stop_group
from reader.ui.controllers.fetching import has_subscriptions
from reader.ui.messages import (IngestDone, IngestProgress, ScanDone,
                                ScanFailed, ScanProgress)


class ScanActions(ScreenHost):
    """Mixed into MainScreen: rescan, scan progress and end, the ingest run and its progress."""

    def rescan(self, only_if_changed: bool = False) -> None:
        """Re-read the folder in a worker (only when a stat says it changed: ``only_if_changed``)."""
        background.start_scan(self, only_if_changed)

    WATCH_SECONDS = 20.0  # how often the folder is checked for new or edited articles (stat only)

    def action_rescan(self) -> None:
        self.set_status("Rescanning…", "rescanning")
        self.rescan()
        if has_subscriptions(self.folder):
            self.fetcher.start(all_feeds=True)  # its end rescans again, with the new articles

    def _watch_folder(self) -> None:
        if self.ingest_state != "running":
            self.rescan(only_if_changed=True)

    def on_scan_progress(self, message: ScanProgress) -> None:
        # shown while the list is still empty (a first, cold scan) or when asked for (R)
        kind = self.status.kind
        if message.done < message.total and kind in ("reading_folder", "rescanning"):
            verb = "Reading the articles folder" if kind == "reading_folder" else "Rescanning"
            self.set_status(f"{verb}… {message.done:,}/{message.total:,} files", kind)

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
        if self.status.kind in ("reading_folder", "rescanning") or not self.status.plain:
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

    # ingest -------------------------------------------------------------------------------------------
    def run_ingest(self) -> None:
        """Run ``reader index`` in a worker (:func:`reader.ui.background.ingest`); its messages come here."""
        background.start_ingest(self)

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
            self.set_status(f"{name}… {message.total:,}/{message.total:,}, finishing (writing to disk)", "ingest")
        else:
            self.set_status(f"{name}… {message.done:,}/{message.total:,}{pct}", "ingest")

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
