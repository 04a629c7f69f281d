"""The search results' types and the stored passages' bounds (the leaf of the package).

:class:`Hit` and :class:`SearchResults` are what :mod:`reader.search.searcher` answers;
:func:`passage_bounds` is shared by the snippets (:mod:`reader.search.highlight`) and :mod:`reader.search.engine` (phrase
checks), which therefore no longer import each other. This module imports no sibling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# the orders of search results: by relevance (BM25F), or newest first
SortOrder = Literal["relevance", "date"]


@dataclass(frozen=True)
class Hit:
    article_id: str
    title: str
    published: dt.date | None
    score: float
    passage: int  # index into the article's passages (reader.passages)
    snippet: str  # plain text, one line
    snippet_spans: tuple[tuple[int, int], ...]  # matched words in `snippet`
    passage_spans: tuple[tuple[int, int], ...]  # matched words in the passage's text

    def to_json(self) -> dict:
        return {
            "id": self.article_id,
            "title": self.title,
            "score": round(self.score, 4),
            "passage": self.passage,
            "snippet": self.snippet,
            "published": self.published.isoformat() if self.published else None,
        }


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    limit: int = 20
    understood: str = ""
    error: str | None = None
    suggestion: str | None = None
    elapsed_ms: float = 0.0
    approximate: bool = False  # a phrase of 3+ words had too many candidates to check word by word
    notice: str | None = None  # a limit was reached: the results are right but not complete

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1


def passage_bounds(offsets: list[int], plain_len: int, index: int) -> tuple[int, int]:
    """(start, end) of passage ``index`` in the plain text of stored passages (offsets from
    :func:`reader.search.index.unpack_passages`; passages are joined by a two-character separator)."""
    start = offsets[index]
    end = offsets[index + 1] - 2 if index + 1 < len(offsets) else plain_len
    return start, end
