"""Passage bookmarks: a precious SQLite store, re-anchoring after edits, exports (see submodules).

- :mod:`reader.bookmarks.store` — :class:`BookmarkStore` / :class:`Bookmark` (SQLite, WAL, migrations).
- :mod:`reader.bookmarks.anchor` — :func:`anchor` a bookmark in the current version of its article.
- :mod:`reader.bookmarks.export` — Markdown, W3C Web Annotation JSON, Readwise CSV; JSON import.
- :mod:`reader.bookmarks.cli` — ``reader bookmarks …``.

None of them imports Textual, spaCy or scikit-learn.
"""

from reader.bookmarks.store import Bookmark, BookmarkError, BookmarkStore

__all__ = ["Bookmark", "BookmarkError", "BookmarkStore"]
