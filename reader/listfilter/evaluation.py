"""One evaluation of a filter's AST over the columns: a boolean mask per node (AND / OR / NOT as
``&`` / ``|`` / ``~``), per field (``lang:``, ``source:``, ``feed:``, ``tag:``), the reading state
and text through the :class:`~reader.listfilter.evaluate.FilterContext` that made it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from reader.listfilter.columns import _Columns
from reader.listfilter.feedinfo import Feeds, _url_key
from reader.listfilter.model import And, DateRange, Everything, Field, Flag, Node, Not, Or, Text, fold

if TYPE_CHECKING:
    from reader.state.store import ArticleState

    States = Mapping[str, ArticleState]  # id → reading state (the store's, or the caller's)


class _Sources(Protocol):
    """What an evaluation reads of its :class:`~reader.listfilter.evaluate.FilterContext`."""

    feeds: Feeds | None
    last_opened: float | None

    def _state_arrays(self, ids: Sequence[str], cols: _Columns,
                      given: States | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def _text_mask(self, query: str, cols: _Columns, ev: _Evaluation) -> np.ndarray: ...


class _Evaluation:
    """One evaluation's lazily read sources (the states of the ids asked about, text matches)."""

    def __init__(self, ctx: _Sources, cols: _Columns, rows: np.ndarray, ids: Sequence[str],
                 states: States | None = None) -> None:
        self.ctx, self.cols, self.rows, self.ids = ctx, cols, rows, ids
        self.given_states = states
        self._state: tuple[np.ndarray, np.ndarray] | None = None
        self.notice: str | None = None

    def state(self) -> tuple[np.ndarray, np.ndarray]:
        if self._state is None:
            self._state = self.ctx._state_arrays(self.ids, self.cols, self.given_states)
        return self._state

    def mask(self, node: Node) -> np.ndarray:
        cols = self.cols
        if isinstance(node, And):
            out = self.mask(node.parts[0]).copy()
            for p in node.parts[1:]:
                out &= self.mask(p)
            return out
        if isinstance(node, Or):
            out = self.mask(node.parts[0]).copy()
            for p in node.parts[1:]:
                out |= self.mask(p)
            return out
        if isinstance(node, Not):
            return ~self.mask(node.part)
        if isinstance(node, Everything):
            return np.ones(cols.n, dtype=bool)
        if isinstance(node, Flag):
            if node.name == "new":
                since = self.ctx.last_opened
                return np.ones(cols.n, dtype=bool) if since is None else cols.first_seen > since
            read, starred = self.state()
            return {"unread": ~read, "read": read, "starred": starred, "unstarred": ~starred}[node.name]
        if isinstance(node, DateRange):
            pub = cols.published
            out = pub > 0
            if node.start is not None:
                out &= pub >= node.start.toordinal()
            if node.end is not None:
                out &= pub <= node.end.toordinal()
            return out
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Text):
            return self.ctx._text_mask(node.query, cols, self)
        raise TypeError(node)  # pragma: no cover - every node kind is handled above

    def field(self, node: Field) -> np.ndarray:
        cols, value = self.cols, node.value
        if node.name == "lang":
            wanted = [k for k, lang in enumerate(cols.languages)
                      if lang == value or lang.startswith((value + "-", value + "_"))]
            return cols.mask_of_codes(cols.language, wanted)
        if node.name == "source":
            wanted = [k for k, s in enumerate(cols.sources) if s and value in fold(s)]
            return cols.mask_of_codes(cols.source, wanted)
        feeds = self.ctx.feeds
        if node.name == "feed":
            titles = {_url_key(u): t for u, t in (feeds.titles.items() if feeds else ())}
            wanted = [k for k, url in enumerate(cols.feed_urls)
                      if url and (value in url.casefold() or value in fold(titles.get(_url_key(url)) or ""))]
            return cols.mask_of_codes(cols.feed, wanted)
        # tag: the feeds whose tags have it
        tagged = {_url_key(u) for u, tags in (feeds.tags.items() if feeds else ()) if any(fold(t) == value for t in tags)}
        wanted = [k for k, url in enumerate(cols.feed_urls) if url and _url_key(url) in tagged]
        return cols.mask_of_codes(cols.feed, wanted)
