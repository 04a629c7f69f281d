"""The search results' types and the stored passages' format (the leaf of the package).

:class:`Hit` and :class:`SearchResults` are what :mod:`reader.search.searcher` answers;
:func:`passage_bounds` is shared by the snippets (:mod:`reader.search.highlight`) and :mod:`reader.search.engine` (phrase
checks), which therefore no longer import each other; :func:`pack_passages` / :func:`unpack_passages` are
the stored ``passages`` field (written by :mod:`reader.search.documents`, read for snippets and phrase
checks). This module imports no sibling.
"""

from __future__ import annotations

import datetime as dt
import zlib
from array import array
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
    :func:`unpack_passages`; passages are joined by a two-character separator)."""
    start = offsets[index]
    end = offsets[index + 1] - 2 if index + 1 < len(offsets) else plain_len
    return start, end


def pack_passages(plain: str, offsets: list[int], passage_terms: list[list[str]]) -> bytes:
    """Offsets (uint32, after a 4-byte count), then zlib of the plain text, NUL, and each
    passage's distinct indexed terms (space-joined, one passage a line)."""
    offs = array("I", offsets)
    lines = "\n".join(" ".join(sorted(set(t))) for t in passage_terms)
    data = (plain + "\x00" + lines).encode("utf-8")
    return len(offsets).to_bytes(4, "little") + offs.tobytes() + zlib.compress(data, 6)


def unpack_passages(blob: bytes) -> tuple[str, list[int], list[str]]:
    """(plain text, passage offsets, each passage's terms as one space-joined string)."""
    n = int.from_bytes(blob[:4], "little")
    offs = array("I")
    offs.frombytes(blob[4 : 4 + 4 * n])
    plain, _, lines = zlib.decompress(blob[4 + 4 * n :]).decode("utf-8").partition("\x00")
    return plain, offs.tolist(), lines.split("\n") if n else []
