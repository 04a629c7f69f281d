"""Full-text search over a corpus (Whoosh): see :mod:`reader.search.index` for the index layout and
:mod:`reader.search.parse` (query syntax), :mod:`reader.search.searcher` (searching) and
:mod:`reader.search.highlight` (snippets and match spans).

Public API (what the UI and the CLI call)::

    from reader.search import Searcher, SearchResults, Hit, match_spans, update_index
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # lazy: importing reader.search stays cheap
    if name in ("SearchResults", "Hit"):
        from reader.search import model

        return getattr(model, name)
    if name == "Searcher":
        from reader.search import searcher

        return searcher.Searcher
    if name == "match_spans":
        from reader.search import highlight

        return highlight.match_spans
    if name in ("update_index", "open_index", "index_dir"):
        from reader.search import index

        return getattr(index, name)
    raise AttributeError(name)
