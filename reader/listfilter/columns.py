"""The catalogue's columns as NumPy arrays (one row per article): publication day ordinals, first
seen, language, source and feed codes, and the ranks the list orders sort by."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np

from reader.listfilter.feedinfo import Feeds
from reader.listfilter.model import fold


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _ordinals(dates: list[str | None]) -> np.ndarray:
    """ISO dates as day ordinals (0: none), parsed by NumPy at once (10x a loop of fromisoformat)."""
    try:
        days = np.array([d or "NaT" for d in dates], dtype="datetime64[D]")
        out = days.astype(np.int64) + _EPOCH
        out[np.isnat(days)] = 0
        return out
    except ValueError:  # a value NumPy does not read: one at a time
        return np.fromiter((_ordinal(d) for d in dates), dtype=np.int64, count=len(dates))


def _ordinal(date: str | None) -> int:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal() if date else 0
    except ValueError:
        return 0


class _Columns:
    """The catalogue's columns as arrays (one row per article id, in catalogue order)."""

    def __init__(self, rows: list[tuple], feeds: Feeds | None):
        self.ids = [r[0] for r in rows]
        self.pos = {i: k for k, i in enumerate(self.ids)}
        n = len(rows)
        self.n = n
        self.id_array = np.array(self.ids, dtype=object)
        self.published = _ordinals([r[3] for r in rows])
        self.first_seen = np.fromiter((r[6] if r[6] is not None else 0.0 for r in rows), dtype=np.float64, count=n)
        from reader.languages import stored, used_of  # the language each article is read in (detected or declared)

        known = stored()
        self.language, self.languages = self._codes([used_of(r[7] if len(r) > 7 else None, r[2], known).lang.lower()
                                                     for r in rows])
        self.source, self.sources = self._codes([r[4] or "" for r in rows])
        feed_of = {k: v for k, v in (feeds.feed_of.items() if feeds else ())}
        self.feed, self.feed_urls = self._codes([r[5] or feed_of.get(r[0]) or "" for r in rows])
        self._ranks: dict[str, np.ndarray] = {}
        self._last_rows: tuple | None = None
        self._titles = [r[1] or "" for r in rows]

    def rows_of(self, ids: Sequence[str]) -> np.ndarray:
        """Each id's row (-1: not in the columns); the last answer is kept for the same list of ids (a
        filter typed over one list maps it once)."""
        last = self._last_rows
        if last is not None and last[0] is ids and len(ids) == last[1] and (not ids or ids[-1] == last[2]):
            return last[3]
        rows = np.fromiter(map(self.pos.get, ids, itertools.repeat(-1)), dtype=np.int64, count=len(ids))
        self._last_rows = (ids, len(ids), ids[-1] if len(ids) else None, rows)
        return rows

    @staticmethod
    def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
        uniques: dict[str, int] = {}
        codes = np.fromiter((uniques.setdefault(v, len(uniques)) for v in values), dtype=np.int32, count=len(values))
        return codes, list(uniques)

    def rank(self, what: str) -> np.ndarray:
        """Each row's rank in ``what`` order (ints, for np.lexsort): 'id', 'title', 'source' (none last),
        and the list orders 'by date', 'by title', 'by source' (all their keys in one rank)."""
        r = self._ranks.get(what)
        if r is None and what.startswith("by "):
            pub = self.published
            date_keys = [self.rank("id"), self.rank("title"), -pub, pub == 0]  # lexsort: last key first
            keys = {"by date": date_keys, "by title": [self.rank("id"), -pub, pub == 0, self.rank("title")],
                    "by source": date_keys + [self.rank("source")]}[what]
            r = np.empty(self.n, dtype=np.int64)
            r[np.lexsort(keys)] = np.arange(self.n)
            self._ranks[what] = r
        elif r is None:
            if what == "id":
                keys = self.ids
            elif what == "title":
                keys = self._titles
            else:
                folded = [fold(s) if s else "\uffff" for s in self.sources]
                keys = [folded[c] for c in self.source]
            order = sorted(range(self.n), key=keys.__getitem__)
            r = np.empty(self.n, dtype=np.int64)
            r[order] = np.arange(self.n)
            self._ranks[what] = r
        return r

    def mask_of_codes(self, codes: np.ndarray, wanted: list[int]) -> np.ndarray:
        if not wanted:
            return np.zeros(self.n, dtype=bool)
        return np.isin(codes, np.array(wanted, dtype=np.int32))
