"""The bookmarks screen (``B``): every bookmark, filterable; open, delete, undo, edit the note.

The store (``reader.bookmarks``) keeps bookmarks in SQLite under the XDG data dir; anchoring
against the current article files happens on open, through the function ``reader bookmarks``
uses (:func:`reader.bookmarks.anchor.anchor_bookmarks`), so orphans are shown with their
original words and are never dropped. A store that fails (locked, read-only, full) is said in a
notification; the bookmark stays as it was and the app stays up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.log import log_exception
from reader.passages import make_safe
from reader.ui.commands import split_bindings
from reader.ui.dialogs.base import PickList
from reader.ui.dialogs.note import NoteDialog
from reader.ui.input_limits import FILTER_MAX_CHARS, Debounce, LimitedInput, too_long_message
from reader.ui.messages import GoTo
from reader.ui.background import ReportsFailedWorkers

if TYPE_CHECKING:
    from reader.bookmarks.anchor import Anchor
    from reader.bookmarks.store import Bookmark

FILTER_DEBOUNCE_S = 0.1  # the list is rebuilt once typing pauses, not once a key


@dataclass
class Row:
    bookmark: Bookmark
    anchor: Anchor | None  # None: article missing from the folder
    article_title: str
    published: str


def row_content(row: Row) -> Content:
    bm = row.bookmark
    status = ""
    if row.anchor is None:
        status = "article missing"
    elif row.anchor.orphaned:
        status = "orphaned: text no longer found"
    elif row.anchor.status in ("moved", "fuzzy"):
        status = f"re-anchored ({row.anchor.status})"
    head = Content.assemble(Content(row.article_title).stylize("bold"),
                            Content(f"  {row.published or 'undated'} · bookmarked {bm.date}").stylize("$text-muted"),
                            Content(f"  {status}").stylize("bold $text-warning") if status else Content(""))
    quote = bm.quote if len(bm.quote) <= 300 else bm.quote[:299] + "…"
    parts = [head, Content("\n“" + quote + "”").stylize("italic")]
    if bm.note:
        parts.append(Content("\n✎ " + bm.note).stylize("$text-accent"))
    return Content.assemble(*parts)


class BookmarkList(PickList):
    """The list part: single-letter keys work here (the filter input takes letters as text)."""

    BINDINGS = split_bindings("bookmarks")[0]


class BookmarksScreen(ReportsFailedWorkers, Screen[GoTo | None]):
    AUTO_FOCUS = "#bookmarks-filter"  # typing right after the key that opened the screen goes into the field
    BINDINGS = split_bindings("bookmarks")[1]

    def __init__(self, store, metas: dict, load_article) -> None:
        super().__init__()
        self.store = store
        self.metas = metas
        self.load_article = load_article
        self.rows: list[Row] = []
        self.shown: list[Row] = []
        self.undo: list[str] = []
        self.failed: str | None = None  # why the bookmarks could not be read
        self.debounce = Debounce(self, FILTER_DEBOUNCE_S, self.refilter)

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield LimitedInput(limit=FILTER_MAX_CHARS, placeholder="Filter bookmarks (quote, note, article)…",
                               id="bookmarks-filter")
            yield Static(id="bookmarks-info", markup=False)
            yield BookmarkList(id="bookmarks-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one("#bookmarks-info", Static).update(Content("Loading bookmarks…").stylize("$text-muted"))
        self.load_rows()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_rows(self) -> None:
        """Anchor every bookmark with the CLI's own function (``reader bookmarks`` lists the same
        statuses): an article that cannot be read orphans its bookmarks (said once); an article not
        in the folder lists them as missing. Nothing is ever dropped."""
        from reader.bookmarks.anchor import anchor_bookmarks

        unreadable: list[str] = []
        try:
            bookmarks = self.store.list()
            placed = anchor_bookmarks(self.store, bookmarks, self.metas,
                                      lambda meta, message: unreadable.append(f"{meta.path.name}: {message}"),
                                      load=self.load_article)
        except Exception as exc:  # BookmarkError says what is wrong and what to do; the app stays up
            log_exception(__name__, "bookmarks unavailable")
            self.app.call_from_thread(self._failed, str(exc))
            return
        rows: list[Row] = []
        for bm in bookmarks:
            meta = self.metas.get(bm.article_id)
            if meta is None:
                rows.append(Row(bm, None, bm.title, ""))
                continue
            published = meta.published.isoformat() if meta.published else ""
            rows.append(Row(bm, placed[bm.uuid][0], meta.title, published))
        rows.sort(key=lambda r: r.bookmark.created, reverse=True)
        self.app.call_from_thread(self._loaded, rows, unreadable)

    def _failed(self, message: str) -> None:
        self.failed = message
        self.query_one("#bookmarks-info", Static).update(
            Content.assemble(Content("Bookmarks unavailable: ").stylize("bold $text-error"), Content(message)))

    def _store_call(self, call, *args):
        """``call(*args)`` on the store; None (and the message shown) when the store fails: nothing is lost."""
        try:
            return call(*args)
        except Exception as exc:  # noqa: BLE001 - locked, read-only, full…: said, never a crash
            log_exception(__name__, "bookmark store: %s failed", getattr(call, "__name__", call))
            self.notify(str(exc), title="Bookmarks unavailable", severity="error", markup=False, timeout=10)
            return None

    def _loaded(self, rows: list[Row], unreadable: list[str]) -> None:
        self.rows = rows
        if unreadable:
            more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
            self.notify(make_safe(unreadable[0]) + more, title="Article unreadable: its bookmarks are orphaned",
                        severity="warning", markup=False, timeout=10)
        self.refilter(self.query_one(Input).value)

    @on(Input.Changed, "#bookmarks-filter")
    def changed(self, event: Input.Changed) -> None:
        self.debounce(event.value)

    @on(LimitedInput.Truncated, "#bookmarks-filter")
    def truncated(self, event: LimitedInput.Truncated) -> None:
        self.notify(too_long_message("Filter", event.limit), severity="warning")

    def refilter(self, text: str) -> None:
        self.debounce.cancel()
        from reader.corpus import title_key

        needle = title_key(text.strip())
        live = [r for r in self.rows if r.bookmark.uuid not in self.undo]
        self.shown = [r for r in live if not needle or needle in
                      title_key(f"{r.bookmark.quote}\n{r.bookmark.note}\n{r.article_title}")]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(row_content(r), id=r.bookmark.uuid) for r in self.shown])
        if self.shown:
            options.highlighted = 0
        orphans = sum(1 for r in self.shown if r.anchor is not None and r.anchor.orphaned)
        missing = sum(1 for r in self.shown if r.anchor is None)
        info = f"{len(self.shown)} of {len(live)} bookmarks"
        if orphans:
            info += f" · {orphans} orphaned (text no longer found; kept with their original words)"
        if missing:
            info += f" · {missing} whose article is missing"
        info += " · enter open · ↓ to the list, then d delete · u undo · a note · / filter"
        self.query_one("#bookmarks-info", Static).update(Content(info).stylize("$text-muted"))

    def _current(self) -> Row | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.shown:
            return None
        return self.shown[options.highlighted]

    @on(Input.Submitted, "#bookmarks-filter")
    def submitted(self) -> None:
        self.open_current()

    @on(OptionList.OptionSelected, "#bookmarks-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(OptionList).highlighted = event.option_index
        self.open_current()

    def open_current(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.anchor is None:
            self.notify("This bookmark's article is not in the folder any more", severity="warning")
            return
        passage = row.anchor.passage if not row.anchor.orphaned else 0
        if row.anchor.orphaned:
            self.notify("Orphaned bookmark: its text is no longer in the article; opening the article",
                        severity="warning")
        self.dismiss(GoTo(row.bookmark.article_id, passage))

    def action_delete(self) -> None:
        row = self._current()
        if row is None:
            return
        if self._store_call(self.store.delete, row.bookmark.uuid) is None:
            return
        self.undo.append(row.bookmark.uuid)
        self.refilter(self.query_one(Input).value)
        self.notify("Bookmark deleted · ctrl+z to undo")

    def action_undo(self) -> None:
        if not self.undo:
            self.notify("Nothing to undo")
            return
        uuid = self.undo[-1]
        if self._store_call(self.store.undelete, uuid) is None:
            return  # still deleted: undo stays possible
        self.undo.pop()
        self.refilter(self.query_one(Input).value)
        self.notify("Bookmark restored")

    def action_note(self) -> None:
        row = self._current()
        if row is None:
            return

        def done(note: str | None) -> None:
            if note is None:
                return
            updated = self._store_call(self.store.update_note, row.bookmark.uuid, note)
            if updated is None:
                return
            row.bookmark = updated
            self.refilter(self.query_one(Input).value)

        self.app.push_screen(NoteDialog(row.bookmark.quote, row.bookmark.note), done)

    def action_down(self) -> None:
        options = self.query_one(OptionList)
        if not options.has_focus:
            options.focus()
        else:
            options.action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
