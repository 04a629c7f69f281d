"""The bookmarks' types: what a bookmark is and where it sits now (the leaf of the package).

:class:`Bookmark` (a row of :mod:`reader.bookmarks.store`), :class:`Anchor` (the result of
:mod:`reader.bookmarks.anchor`), :class:`BookmarkError` and :data:`CONTEXT`. Both the store and the
anchoring import them from here, so neither imports the other for a type; this module imports no
sibling (the shape of lemon24/reader's ``_types.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32  # characters of context kept on each side of a quote

STATUSES = ("exact", "moved", "fuzzy", "orphaned")


class BookmarkError(Exception):
    """A problem the user should read (unusable database, bad coordinates…); ``kind`` is
    :func:`reader.sqlitedb.classify`'s word for a database error (None otherwise)."""

    kind: str | None = None


@dataclass(frozen=True)
class Bookmark:
    uuid: str
    article_id: str
    title: str
    content_hash: str  # article version the coordinates refer to ("" when unknown, e.g. imported)
    passage: int  # passage index in that version (-1 when unknown)
    start: int  # in Passage.text
    end: int
    pos_start: int  # in ParsedArticle.plain_text (W3C TextPositionSelector)
    pos_end: int
    quote: str  # W3C TextQuoteSelector exact / prefix / suffix
    prefix: str
    suffix: str
    note: str
    created: str  # ISO 8601 UTC
    updated: str
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def date(self) -> str:
        """``YYYY-MM-DD`` of creation (UTC)."""
        return self.created[:10]

    @property
    def whole_passage(self) -> bool:
        """True when the bookmark covers a whole passage (judged from its context: nothing of the
        passage before or after it)."""
        return self.at_passage_start and (self.suffix == "" or self.suffix.startswith("\n\n"))

    @property
    def at_passage_start(self) -> bool:
        return self.prefix == "" or self.prefix.endswith("\n\n")


@dataclass(frozen=True)
class Anchor:
    passage: int | None
    start: int | None
    end: int | None
    status: str  # one of STATUSES

    @property
    def orphaned(self) -> bool:
        return self.status == "orphaned"


ORPHANED = Anchor(None, None, None, "orphaned")
