"""The daily reading loop in the UI: unread/read and stars, next unread, mark all read with undo.

The browser, the links view and copying are :mod:`reader.ui.controllers.sharing`. The state itself
is :class:`reader.state.store.StateStore` (SQLite, durable, undo record kept in the database). This module is a mixin of :class:`reader.ui.app.ReaderApp` holding the actions the
commands of :mod:`reader.ui.commands` name (``app.next_unread`` …) and the few hooks the app calls
(an article was opened, the list changed, the article cursor moved).

Where the work runs: nothing touches SQLite in the event loop. Single-article changes (open,
``r``, ``f``) show at once and are written, in the order they were made, by one writer thread (a
database locked by another process is waited for there, never in the UI; a write that fails is
undone on screen and said). Loading the states of the whole list, mark all read and its undo
(50,000 ids) run in thread workers that hand their result back with ``call_from_thread``. A store
that cannot be used (a read-only or locked data folder, a newer schema) is a message; the reader
goes on without it.

Settings (config.toml, :mod:`reader.ui.settings`): ``mark_read_on = "open"``
(default: an article is read once opened) or ``"end"`` (once the cursor reaches its last passage,
or ``space`` goes on from its end).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from textual import work
from textual.actions import SkipAction

from reader.log import log_exception
from reader.corpus import Article, ArticleMeta
from reader.passages import make_safe
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView



def unread_in(ids: Sequence[str], read: set[str]) -> int:
    """How many of ``ids`` are not in ``read`` (the list header's count, on every change)."""
    return len(ids) - sum(1 for i in ids if i in read) if read else len(ids)


def next_unread(ids: Sequence[str], read: set[str], here: int) -> int | None:
    """The index of the first unread id after ``here``, wrapping to the top (``here`` itself last)."""
    for i in itertools.chain(range(here + 1, len(ids)), range(min(here + 1, len(ids)))):
        if ids[i] not in read:
            return i
    return None


def _ids(articles: Sequence[ArticleMeta]) -> list[str]:
    ids = getattr(articles, "ids", None)  # a LazyMetas knows its ids without building the rows
    return ids if ids is not None else [m.id for m in articles]


class ReadingActions:
    """Mixed into ReaderApp (``self`` is the app)."""

    _state_store = None
    _state_lock = threading.Lock()
    _state_error = ""  # the last store error shown (shown once as a notification, then in the status line)
    _reading_loaded = False
    _reading_loads = 0
    _reading_note = ""  # a status to show once the article being opened is shown
    _reading_generation = 0  # bumped by every change made here: a load that raced one is redone

    # the store --------------------------------------------------------------------------------------
    def reading_store(self):
        """The state store (opened once), or None when it cannot be used (the message is shown)."""
        with self._state_lock:
            if self._state_store is None:
                from reader.state.store import StateStore

                self._state_store = StateStore()
            return self._state_store

    def _reading_failed(self, exc: Exception | str) -> None:
        message = str(exc)
        if message != self._state_error:
            self._state_error = message
            self.notify(message, title="Reading state unavailable", severity="error", markup=False, timeout=10)
        else:
            self.set_status(f"Reading state unavailable: {message}")
        self.reading_header()

    _writer: ThreadPoolExecutor | None = None
    _last_write: Future | None = None

    def _reading_write(self, write: Callable, undo: Callable[[], None]) -> None:
        """``write(store)`` in the writer thread, after the writes before it; if it fails, ``undo()``
        (in the event loop) takes its change off the screen and the message is shown."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reading-state")

        def run() -> None:
            try:
                write(self.reading_store())
            except Exception as exc:  # StateError, or the data folder cannot be made
                log_exception(__name__, "a reading state change could not be written")
                if self._quitting:  # the event loop may be waiting for this write (reading_flush)
                    return
                try:
                    self.call_from_thread(self._reading_write_failed, exc, undo)
                except RuntimeError:  # the app has gone meanwhile
                    pass

        self._last_write = self._writer.submit(run)

    def _reading_write_failed(self, exc: Exception, undo: Callable[[], None]) -> None:
        undo()
        self._reading_failed(exc)

    def reading_flush(self, timeout: float = 5.0) -> None:
        """Wait for the changes not written yet (leaving: ``os._exit`` would lose them)."""
        if self._last_write is not None:
            try:
                self._last_write.result(timeout=timeout)
            except Exception:  # TimeoutError: a database locked elsewhere; the reader leaves anyway
                log_exception(__name__, "reading state changes still unwritten when leaving")
                pass

    def reading_idle(self) -> bool:
        """Every change made so far is written (or has failed)."""
        return self._last_write is None or self._last_write.done()

    @property
    def mark_read_on(self) -> str:
        return self.settings.mark_read_on

    def list_header_prefix(self) -> str:
        return ""  # what the list is filtered or sorted by (reader.ui.controllers.list_filter)

    # loading the list's states ------------------------------------------------------------------------
    def reading_refresh(self) -> None:
        """The list changed (start-up, rescan): load the states of what it shows."""
        self.reading_header()
        self._reading_loads += 1  # only the newest load is shown (an older one may end after it)
        self._reading_load(self._shown_ids(), self._reading_generation, self._last_write, self._reading_loads)

    @staticmethod
    def _after(pending: Future | None) -> None:
        """Wait (in a worker thread) for the single writes made before: a bulk operation comes after them."""
        if pending is not None:
            pending.result()  # never raises: the writer catches its errors

    # not exclusive: a thread cannot be stopped, and a cancelled worker made anyone waiting on the
    # app's workers fail (WorkerCancelled); the newest load wins by its number instead
    @work(thread=True, group="reading-load", exit_on_error=False)
    def _reading_load(self, ids: list[str], generation: int, pending: Future | None, load: int = 0) -> None:
        self._after(pending)
        try:
            states = self.reading_store().states(ids)
        except Exception as exc:
            log_exception(__name__, "the reading state could not be loaded")
            self.call_from_thread(self._reading_failed, exc)
            return
        read = {i for i, s in states.items() if s.read}
        starred = {i for i, s in states.items() if s.starred}
        self.call_from_thread(self._reading_loaded_states, read, starred, generation, load)

    def _reading_loaded_states(self, read: set[str], starred: set[str], generation: int, load: int = 0) -> None:
        if load and load != self._reading_loads:  # a newer load (of a newer list) is on its way
            return
        if generation != self._reading_generation:  # a change was made meanwhile: load again
            self.reading_refresh()
            return
        self._reading_loaded = True
        self.query_one(ArticleList).set_reading(read, starred)
        self.reading_header()

    _shown: tuple[object, list[str]] | None = None  # (the list's articles, their ids)

    def _shown_ids(self) -> list[str]:
        """The ids of what the list shows (not to be changed: the list is replaced, never edited)."""
        articles = self.query_one(ArticleList).articles
        if self._shown is None or self._shown[0] is not articles:
            self._shown = (articles, _ids(articles))
        return self._shown[1]

    _unread: tuple[object, int] | None = None  # (the list's articles, how many of them are unread)

    def reading_header(self, recount: bool = True) -> None:
        """The list header; ``recount=False``: the count was kept up to date by _reading_changed."""
        lst = self.query_one(ArticleList)
        total = len(lst.articles)
        if not self._reading_loaded:
            note = " · reading state unavailable" if self._state_error else ""
            lst.set_header(f"{self.list_header_prefix()}{total:,} article{'s' if total != 1 else ''}{note}")
            return
        if recount or self._unread is None or self._unread[0] is not lst.articles:
            self._unread = (lst.articles, unread_in(self._shown_ids(), lst.read))  # 8 ms at 50k: not per key
        unread = self._unread[1]
        lst.set_header(f"{self.list_header_prefix()}{unread:,} unread · {total:,} article{'s' if total != 1 else ''}")

    def _reading_changed(self, article_id: str, read: bool | None = None, starred: bool | None = None) -> None:
        self._reading_generation += 1
        lst = self.query_one(ArticleList)
        if read is not None:
            if self._unread is not None and (article_id in lst.read) != read \
                    and lst.index_of(article_id) is not None:
                self._unread = (self._unread[0], self._unread[1] + (-1 if read else 1))
            (lst.read.add if read else lst.read.discard)(article_id)
        if starred is not None:
            (lst.starred.add if starred else lst.starred.discard)(article_id)
        lst.refresh()
        self.reading_header(recount=False)

    # hooks the app calls ------------------------------------------------------------------------------
    def reading_opened(self, article: Article, explicit: bool) -> None:
        """An article was shown; ``explicit``: the reader chose it (not the start-up's last place)."""
        if explicit and self.mark_read_on == "open":
            self._mark_read(article.meta)
        if self._reading_note:
            self.set_status(self._reading_note)
            self._reading_note = ""

    def reading_cursor_moved(self, article_id: str, passage: int) -> None:
        article = self.article
        # the reader is in the article (the start-up's last place shown beside the list is not read)
        if (self.mark_read_on == "end" and article is not None and article.id == article_id
                and passage >= len(article.passages) - 1 and self.query_one(ArticleView).has_focus
                and article_id not in self.query_one(ArticleList).read):
            self._mark_read(article.meta)

    def _mark_read(self, meta: ArticleMeta) -> None:
        self._set_read(meta, True)

    def _set_read(self, meta: ArticleMeta, read: bool) -> None:
        was = meta.id in self.query_one(ArticleList).read
        self._reading_changed(meta.id, read=read)
        self._reading_write(lambda store: store.set_read(meta.id, read, meta.content_hash),
                            lambda: self._reading_changed(meta.id, read=was))

    # the target of a command ----------------------------------------------------------------------
    def _reading_screen(self) -> None:
        if not self.app.screen.query("#panes"):
            raise SkipAction()  # a dialog or another screen is on top: the key is theirs

    def _target(self) -> ArticleMeta | None:
        """The highlighted article when the list has focus, else the open one."""
        self._reading_screen()
        lst = self.query_one(ArticleList)
        if self.app.focused is lst or self.article is None:
            return lst.current
        return self.article.meta

    # actions ----------------------------------------------------------------------------------------
    def action_toggle_read(self) -> None:
        meta = self._target()
        if meta is None:
            return
        now = meta.id not in self.query_one(ArticleList).read  # the opposite of what the list shows
        self._set_read(meta, now)
        self.set_status(f"Marked {'read' if now else 'unread'}: {make_safe(meta.title)}")

    def action_toggle_star(self) -> None:
        meta = self._target()
        if meta is None:
            return
        now = meta.id not in self.query_one(ArticleList).starred
        self._reading_changed(meta.id, starred=now)
        self._reading_write(lambda store: store.set_starred(meta.id, now),
                            lambda: self._reading_changed(meta.id, starred=not now))
        self.set_status(f"{'Starred' if now else 'Unstarred'}: {make_safe(meta.title)}")

    def action_next_unread(self) -> None:
        self._reading_screen()
        lst = self.query_one(ArticleList)
        ids = self._shown_ids()
        if not ids:
            return
        here = lst.cursor
        if self.app.focused is not lst and self.article is not None:
            at = lst.index_of(self.article.id)
            here = at if at is not None else here
        found = next_unread(ids, lst.read, here)
        if found is None:
            self.set_status("No unread article in the list" + (" · U undoes the last mark all read"
                                                               if self._state_store is not None else ""))
            return
        lst.cursor = found
        if found <= here:
            self._reading_note = "Next unread: from the top of the list"  # said once it is open
        self.open_meta(lst.current)

    def action_read_on(self) -> None:
        """``space`` in the article: a page down; at the end of the article, the next unread one."""
        view = self.query_one(ArticleView)
        if view.article is None or view.scroll_offset.y < view.max_scroll_y:
            view.action_page_down()
            return
        if self.article is not None and self.mark_read_on == "end" \
                and self.article.id not in self.query_one(ArticleList).read:
            self._mark_read(self.article.meta)
        self.action_next_unread()

    def action_mark_all_read(self) -> None:
        self._reading_screen()
        lst = self.query_one(ArticleList)
        articles = lst.articles
        if not len(articles):
            self.set_status("No articles to mark read")
            return
        # the version read of each, when the rows are at hand (a LazyMetas would build 50k objects)
        hashes = {m.id: m.content_hash for m in articles} if isinstance(articles, list) else None
        self._reading_generation += 1
        self.set_status(f"Marking {len(articles):,} articles read…")
        self._reading_mark_all(self._shown_ids(), hashes, self._last_write)

    @work(thread=True, exclusive=True, group="reading-mark", exit_on_error=False)
    def _reading_mark_all(self, ids: list[str], hashes: dict[str, str] | None, pending: Future | None) -> None:
        self._after(pending)
        try:
            store = self.reading_store()
            token = store.mark_all_read(ids, hashes)
            states = store.states(ids)
        except Exception as exc:
            log_exception(__name__, "the reading state could not be changed")
            self.call_from_thread(self._reading_failed, exc)
            return
        if token.count:
            message = f"{token.count:,} article{'s' if token.count != 1 else ''} marked read · U undoes it"
        else:
            message = "Every article of the list was already read"
        self.call_from_thread(self._reading_bulk_done, states, message)

    def _reading_bulk_done(self, states: dict, message: str) -> None:
        self._reading_generation += 1
        lst = self.query_one(ArticleList)
        read, starred = set(lst.read), set(lst.starred)
        for i, s in states.items():
            (read.add if s.read else read.discard)(i)
            (starred.add if s.starred else starred.discard)(i)
        self._reading_loaded = True
        lst.set_reading(read, starred)
        self.reading_header()
        self.set_status(message)

    def action_undo_mark(self) -> None:
        self._reading_screen()
        self._reading_generation += 1
        self._reading_undo(self._shown_ids(), self._last_write)

    @work(thread=True, exclusive=True, group="reading-mark", exit_on_error=False)
    def _reading_undo(self, shown: list[str], pending: Future | None) -> None:
        from reader.state.store import StateError

        self._after(pending)
        try:
            store = self.reading_store()
            last = store.last_undo()
            if last is None:
                self.call_from_thread(self.set_status, "Nothing to undo (no mark all read since the last undo)")
                return
            restored = store.undo(last)
            states = store.states(set(restored) | set(shown))
        except StateError as exc:
            self.call_from_thread(self.set_status, f"Cannot undo: {exc}")
            return
        except Exception as exc:
            log_exception(__name__, "the reading state could not be changed")
            self.call_from_thread(self._reading_failed, exc)
            return
        what = {"read": "unread again", "unread": "read again", "star": "unstarred again",
                "unstar": "starred again"}.get(last.action, "back as they were")
        count = len(restored)
        self.call_from_thread(self._reading_bulk_done, states,
                              f"Undone: {count:,} article{'s' if count != 1 else ''} {what}")
