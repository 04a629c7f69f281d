"""Full-text search over a corpus (Whoosh): see :mod:`reader.search.index` for the index layout and
:mod:`reader.search.searcher` for querying, snippets and match spans.

Public API (what the UI and the CLI call)::

    from reader.search import Searcher, SearchResults, Hit, match_spans, update_index
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # lazy: importing reader.search stays cheap
    if name in ("SearchResults", "Hit"):
        from reader.search import model

        return getattr(model, name)
    if name in ("Searcher", "match_spans"):
        from reader.search import searcher as query

        return getattr(query, name)
    if name in ("update_index", "open_index", "index_dir"):
        from reader.search import index

        return getattr(index, name)
    raise AttributeError(name)
