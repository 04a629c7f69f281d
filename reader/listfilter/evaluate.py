"""Evaluating a list filter, and sorting the list: :class:`FilterContext`.

How a filter is evaluated (parsed once, :mod:`reader.listfilter.syntax`), at 50,000 articles:

- **metadata** (``feed:``, ``source:``, ``tag:``, ``lang:``, ``date:``, ``new``): NumPy over columns
  read from the catalogue in one query (:meth:`reader.corpus.Catalogue.filter_rows`) and kept until
  :meth:`FilterContext.invalidate` (after a rescan) or an id they do not know; a string predicate is
  tested once per distinct value (a few hundred sources or feeds), then spread to the rows by code.
- **reading state** (``unread``, ``starred``…): one ``states(ids)`` call per evaluation, for the ids
  asked about only.
- **text** (words, phrases, ``title:``, ``person:``…): one search-engine call per text group
  (:meth:`reader.search.searcher.Searcher.match_docs`: a set of documents, no ranking, no snippets),
  mapped to list rows through an array kept per index version. No index: an error for text filters
  only (the others work). An index that lacks some articles (still being built) gives a ``notice``.

Then AND / OR / NOT are ``&`` / ``|`` / ``~`` on boolean arrays. ``tests/bench/bench_filter.py``
measures it against a bare pass over the ids.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from reader.listfilter.columns import _Columns
from reader.listfilter.evaluation import _Evaluation
from reader.listfilter.feedinfo import Feeds
from reader.listfilter.model import And, Filter, FilterError, Flag, fold
from reader.listfilter.syntax import parse_filter

from reader.listfilter import SORTS, SortName  # noqa: E402,F401  (the list's orders; re-exported)
from reader.log import DEBUG, log_exception

if TYPE_CHECKING:
    from reader.corpus import ArticleMeta, Catalogue
    from reader.search.searcher import Searcher
    from reader.state.store import ArticleState, StateStore

    States = Mapping[str, ArticleState]  # id → reading state (the store's, or the caller's)


@dataclass
class FilterResult:
    """``ids``: the matching ids, in the order asked (empty when ``error``: keep showing the previous
    list and the message); ``notice``: right but maybe incomplete (the index is still being built)."""

    ids: Sequence[str]  # a list, or the tuple given
    error: str | None = None
    notice: str | None = None
    elapsed_ms: float = 0.0

    @property
    def total(self) -> int:
        return len(self.ids)


class FilterContext:
    """Evaluates filters and sorts the list of one corpus. Keep one per corpus (the UI: one for the
    session); not thread-safe (use it from one thread, or one per thread).

    ``catalogue``: a :class:`reader.corpus.Catalogue` (default: the folder's); ``searcher``: a
    :class:`reader.search.searcher.Searcher` (default: opened on the first text filter, closed by
    :meth:`close`); ``states``: ids → {id: state with ``.read``, ``.starred``} (default:
    :meth:`reader.state.store.StateStore.states`; the UI may pass its own); ``feeds``: a
    :class:`Feeds`; ``last_opened``: Unix time the reader was last opened on this corpus, for
    ``new`` (None: never, so every article is new; see :mod:`reader.listfilter.saved`); ``metas``: the
    list's :class:`reader.corpus.ArticleMeta` objects, read only for ids the catalogue lacks (a catalogue
    that cannot be written lists nothing: the filter then works from them; their ``new`` is unknown,
    so false).
    """

    def __init__(self, folder: Path, *, catalogue: Catalogue | None = None, searcher: Searcher | None = None,
                 states: Callable[[Sequence[str]], States] | None = None, feeds: Feeds | None = None,
                 last_opened: float | None = None, metas: Sequence[ArticleMeta] | None = None) -> None:
        self.folder = Path(folder)
        self._catalogue = catalogue
        self._searcher = searcher
        self._own_searcher = searcher is None
        self._states = states
        self.feeds = feeds
        self.last_opened = last_opened
        self.metas = metas
        self._store: StateStore | None = None
        self._version_conn: sqlite3.Connection | None = None
        self._state_cache: tuple | None = None
        self._arrays_cache: tuple | None = None
        self._cols: _Columns | None = None
        self._filters: OrderedDict[str, Filter | FilterError] = OrderedDict()
        self._doc_rows: tuple | None = None  # (doc_ids, columns, rows of docs, indexed rows count)

    # -- sources ----------------------------------------------------------------------------------

    def _state_arrays(self, ids: Sequence[str], cols: _Columns,
                      given: States | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(read, starred) boolean arrays over the columns' rows for ``ids``; kept with the states."""
        if given is None:
            cached = self._arrays_cache
            states = self._read_states(ids)
            if cached is not None and cached[0] is states and cached[1] is cols:
                return cached[2]
        else:
            states = given
        read = np.zeros(cols.n, dtype=bool)
        starred = np.zeros(cols.n, dtype=bool)
        pos = cols.pos  # only ids with a state of their own are looked at
        marked = [(pos.get(i, -1), s.read, s.starred) for i, s in states.items() if s and (s.read or s.starred)]
        if marked:
            rows, r, st = (np.array(x) for x in zip(*marked))
            ok = rows >= 0
            read[rows[ok]] = r[ok].astype(bool)
            starred[rows[ok]] = st[ok].astype(bool)
        if given is None:
            self._arrays_cache = (states, cols, (read, starred))
        return read, starred

    def _read_states(self, ids: Sequence[str]) -> States:
        try:
            return self.states(ids)
        except Exception as exc:  # noqa: BLE001 - a StateError (unusable database) is a message
            log_exception(__name__, "the reading state cannot be read")
            raise FilterError(f"the reading state cannot be read: {exc}") from None

    def states(self, ids: Sequence[str]) -> States:
        """The reading state of ``ids``: the ``states`` given, else the store's — read again only when
        its database changed (its files' size and time: a filter typed over the same list reads it
        once) or after :meth:`invalidate_states`."""
        if self._states is not None:
            return self._states(ids)
        if self._store is None:
            from reader.state.store import StateStore

            self._store = StateStore()
        store = self._store
        key = (self._state_signature(), len(ids), ids[-1] if len(ids) else None)
        cached = self._state_cache
        if cached is not None and cached[0] is ids and cached[1] == key:
            return cached[2]
        found = store.states(ids)
        self._state_cache = (ids, key, found)
        return found

    def invalidate_states(self) -> None:
        """Read the reading state again next time (call after marking articles, when it matters that
        a filter sees it within the same few milliseconds)."""
        self._state_cache = None

    def _state_signature(self) -> object:
        """What changes when any connection commits to the state database: SQLite's ``data_version``
        on a read-only connection kept for it (exact, ~20 µs); None (no caching) without the file."""
        try:
            if self._version_conn is None:
                from reader import sqlitedb

                assert self._store is not None  # (asked by states(), once it has the store)
                self._version_conn = sqlitedb.connect(self._store.path, mode="ro", check_same_thread=False)
            return self._version_conn.execute("PRAGMA data_version").fetchone()[0]
        except (sqlite3.Error, OSError):
            self.close_state_watch()
            return object()  # never equal: read the store, which says what is wrong

    def close_state_watch(self) -> None:
        conn, self._version_conn = self._version_conn, None
        if conn is not None:
            conn.close()

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from reader.corpus import Catalogue

            self._catalogue = Catalogue(self.folder)
        return self._catalogue

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            from reader.search.searcher import Searcher

            self._searcher = Searcher(self.folder)
        return self._searcher

    def close(self) -> None:
        self.close_state_watch()
        if self._own_searcher and self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def invalidate(self) -> None:
        """Forget the cached columns and text matches (call after a rescan changed the catalogue)."""
        self._cols = None
        self._doc_rows = None

    def set_feeds(self, feeds: Feeds | None) -> None:
        self.feeds = feeds
        self._cols = None
        self._doc_rows = None

    def _columns(self, ids: Sequence[str] | None = None) -> _Columns:
        if self._cols is None or (ids is not None and any(i not in self._cols.pos for i in ids[:1])):
            rows = self.catalogue.filter_rows()
            if self.metas is not None and ids is not None:
                known = {r[0] for r in rows}
                wanted = set(ids) - known
                if wanted:
                    from reader.corpus import title_key

                    rows += [(m.id, title_key(m.title), m.language, m.published.isoformat() if m.published else None,
                              m.source, getattr(m, "feed", None), None, m.content_hash)
                             for m in self.metas if m.id in wanted]
            self._cols = _Columns(rows, self.feeds)
            self._doc_rows = None
        return self._cols

    def warm(self, ids: Sequence[str] | None = None) -> None:
        """Do ahead what the first filter and sort of a session pay — the catalogue's columns, the sort
        keys, the search index's document map, the states and rows of ``ids`` (the list the filter will be
        typed over): for a background worker at start-up. Never raises."""
        try:
            cols = self._columns(ids)
            for by in SORTS[:3]:
                cols.rank(f"by {by}")
            doc_ids = self.searcher.doc_ids()
            if doc_ids is not None:
                self._rows_of_docs(doc_ids, cols)
            if ids is not None:
                self._state_arrays(ids, cols)
                cols.rows_of(ids)
        except Exception:  # noqa: BLE001 - warming is an optimisation: the filter says what is wrong
            log_exception(__name__, "warming the filter columns failed", level=DEBUG)

    # -- filtering --------------------------------------------------------------------------------

    def compile(self, text: str) -> Filter:
        """The parsed filter of ``text`` (memoised: typing back and forth parses each text once);
        raises :class:`FilterError`."""
        found = self._filters.get(text)
        if found is None:
            try:
                found = parse_filter(text)
            except FilterError as exc:
                found = exc
            self._filters[text] = found
            if len(self._filters) > 64:
                self._filters.popitem(last=False)
        if isinstance(found, FilterError):
            raise found
        return found

    def apply(self, flt: Filter | str, ids: Sequence[str] | None = None, states: States | None = None) -> FilterResult:
        """The ids of ``ids`` (default: every article, in list order) that ``flt`` keeps, in their
        order. Never raises: a bad filter, or a text filter without an index, is ``error``.
        ``states``: id → state to use instead of reading them (a caller filtering many times at once)."""
        t0 = time.perf_counter()
        try:
            flt = self.compile(flt) if isinstance(flt, str) else flt
            if ids is None:
                ids = self.sort(None)
            if not isinstance(ids, (list, tuple)):
                ids = list(ids)
            if flt.empty:
                return FilterResult(ids, elapsed_ms=(time.perf_counter() - t0) * 1000)
            ev = self._evaluation(ids, states)
            mask = ev.mask(flt.root)
            known = ev.rows >= 0
            keep = np.zeros(len(ids), dtype=bool)
            keep[known] = mask[ev.rows[known]]
            kept = list(itertools.compress(ids, keep.tolist()))
            return FilterResult(kept, notice=ev.notice, elapsed_ms=(time.perf_counter() - t0) * 1000)
        except FilterError as exc:
            return FilterResult([], error=str(exc), elapsed_ms=(time.perf_counter() - t0) * 1000)

    def count(self, flt: Filter | str, ids: Sequence[str] | None = None, unread: bool = False,
              states: States | None = None) -> tuple[int, str | None]:
        """(how many articles ``flt`` keeps — only unread ones with ``unread`` —, error or None)."""
        try:
            flt = self.compile(flt) if isinstance(flt, str) else flt
        except FilterError as exc:
            return 0, str(exc)
        if unread:
            flt = and_unread(flt)
        res = self.apply(flt, ids if ids is not None else self._columns().ids, states)
        return res.total, res.error

    def count_many(self, filters: Sequence[Filter], ids: Sequence[str] | None = None
                   ) -> list[tuple[int | None, int | None, str | None]]:
        """(total, unread, error) of each filter over ``ids`` (default: every article) in one evaluation:
        the reading state read once, each filter's mask ANDed with 'unread' (saved-search counts)."""
        ids = self._columns().ids if ids is None else ids
        ev = self._evaluation(ids)
        known = ev.rows[ev.rows >= 0]
        out: list[tuple[int | None, int | None, str | None]] = []
        for flt in filters:
            try:
                mask = ev.mask(flt.root)[known]
            except FilterError as exc:
                out.append((None, None, str(exc)))
                continue
            try:
                out.append((int(mask.sum()), int((mask & ~ev.state()[0][known]).sum()), None))
            except FilterError as exc:  # the reading state cannot be read: the total still can
                out.append((int(mask.sum()), None, str(exc)))
        return out

    def _evaluation(self, ids: Sequence[str], states: States | None = None) -> _Evaluation:
        cols = self._columns(ids)
        rows = cols.rows_of(ids)
        if len(ids) and (rows < 0).any():  # ids the cached columns do not know: a rescan since
            self._cols = None
            cols = self._columns(ids)
            rows = cols.rows_of(ids)
        return _Evaluation(self, cols, rows, ids, states)

    def _text_mask(self, query: str, cols: _Columns, ev: _Evaluation) -> np.ndarray:
        # not cached here: the engine keeps each term's postings, and asking it each time sees a new
        # index version (a background build committing) at once
        docs, doc_ids, err = self.searcher.match_docs(query)
        if err is not None:
            if "not built yet" in err:
                err = ("text needs the search index, which is not built yet (run `reader index`, or wait for "
                       "the reader to build it); unread, starred, feed:, source:, tag:, lang:, date: and new "
                       "work meanwhile")
            raise FilterError(err)
        assert docs is not None and doc_ids is not None  # no error: the documents and their ids
        rows_of_doc, indexed = self._rows_of_docs(doc_ids, cols)
        if indexed < cols.n and ev.notice is None:
            ev.notice = (f"the search index is still being built: {indexed:,} of {cols.n:,} articles are indexed, "
                         "text matches only those")
        mask = np.zeros(cols.n, dtype=bool)
        r = rows_of_doc[docs] if len(docs) else np.zeros(0, dtype=np.int64)
        mask[r[r >= 0]] = True
        return mask

    def _rows_of_docs(self, doc_ids: np.ndarray, cols: _Columns) -> tuple[np.ndarray, int]:
        """Each index document's list row (-1: not listed), and how many rows are indexed; kept while
        the index version (``doc_ids``) and the columns stay the same."""
        cached = self._doc_rows
        if cached is None or cached[0] is not doc_ids or cached[1] is not cols:
            pos = cols.pos
            rows = np.fromiter((pos.get(i, -1) if i is not None else -1 for i in doc_ids), dtype=np.int64,
                               count=len(doc_ids))
            indexed = int(np.unique(rows[rows >= 0]).size)
            cached = self._doc_rows = (doc_ids, cols, rows, indexed)
        return cached[2], cached[3]

    # -- sorting ----------------------------------------------------------------------------------

    def sort(self, ids: Sequence[str] | None, by: SortName = "date", states: States | None = None) -> list[str]:
        """``ids`` (default: every article) in the list order ``by``: 'date' (newest first, undated last,
        then title), 'title' (accents and case ignored, then date), 'source' (then date; no source
        last) or 'unread' (unread first, then date). ``states`` for 'unread' (default: read here).
        Ids the catalogue does not know come last, in their order."""
        if by not in SORTS:
            raise ValueError(f"unknown sort {by!r} (one of {', '.join(SORTS)})")
        cols = self._columns(ids)
        ids = cols.ids if ids is None else ids if isinstance(ids, (list, tuple)) else list(ids)
        rows = cols.rows_of(ids)
        known = np.flatnonzero(rows >= 0)
        r = rows[known]
        if by == "unread":
            read = self._state_arrays(ids, cols, states)[0]
            order = known[np.lexsort((cols.rank("by date")[r], read[r]))]
        else:
            order = known[np.argsort(cols.rank(f"by {by}")[r])]
        out = [ids[k] for k in order]
        if len(known) < len(ids):
            out += [ids[k] for k in np.flatnonzero(rows < 0)]
        return out


def and_unread(flt: Filter) -> Filter:
    """``flt`` AND unread."""
    return Filter(flt.text, Flag("unread") if flt.empty else And((flt.root, Flag("unread"))))


def sort_metas(metas: Iterable[ArticleMeta], by: SortName = "date", states: States | None = None) -> list[ArticleMeta]:
    """:class:`reader.corpus.ArticleMeta` objects in the list order ``by`` (see :meth:`FilterContext.sort`),
    without the catalogue (for a list already in memory). ``states``: id → state, for 'unread'."""
    from reader.corpus import order_key

    if by not in SORTS:
        raise ValueError(f"unknown sort {by!r} (one of {', '.join(SORTS)})")
    metas = list(metas)
    if by == "date":
        return sorted(metas, key=lambda m: order_key(m.published, m.title, m.id))
    if by == "title":
        return sorted(metas, key=lambda m: (fold(m.title), -(m.published.toordinal() if m.published else 0),
                                            m.id))
    if by == "source":
        return sorted(metas, key=lambda m: (not m.source, fold(m.source or ""), order_key(m.published, m.title, m.id)))
    states = states or {}
    return sorted(metas, key=lambda m: (bool((s := states.get(m.id)) and s.read),
                                        order_key(m.published, m.title, m.id)))
