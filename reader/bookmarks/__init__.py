"""Passage bookmarks: a precious SQLite store, re-anchoring after edits, exports (see submodules).

- :mod:`reader.bookmarks.model` — the types: :class:`Bookmark`, :class:`Anchor`, :class:`BookmarkError` (imports no sibling).
- :mod:`reader.bookmarks.store` — :class:`BookmarkStore` (SQLite, WAL, migrations).
- :mod:`reader.bookmarks.anchor` — :func:`anchor` a bookmark in the current version of its article.
- :mod:`reader.bookmarks.export` — Markdown, W3C Web Annotation JSON, Readwise CSV; JSON import.
- :mod:`reader.bookmarks.cli` — ``reader bookmarks …``.

None of them imports Textual, spaCy or scikit-learn.
"""

from reader.bookmarks.model import Bookmark, BookmarkError
from reader.bookmarks.store import BookmarkStore

__all__ = ["Bookmark", "BookmarkError", "BookmarkStore"]
