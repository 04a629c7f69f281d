"""The corpus's data: an article's metadata (:class:`ArticleMeta`, as listed), an article read
(:class:`Article`, body and passages), the errors and results of a scan, and the list order."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.passages import Passage, ParsedArticle, make_safe_line


@dataclass(frozen=True)
class ArticleMeta:
    id: str
    title: str
    path: Path
    content_hash: str
    language: str = "und"
    published: dt.date | None = None
    published_inferred: str | None = None
    source: str | None = None
    url: str | None = None
    words: int = 0
    feed: str | None = None  # front matter ``feed:``: the URL of the feed it was fetched from

    @property
    def date_label(self) -> str:
        if not self.published:
            return ""
        return self.published.isoformat() + ("~" if self.published_inferred else "")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "published": self.published.isoformat() if self.published else None,
            "published_inferred": self.published_inferred,
            "source": self.source,
            "url": self.url,
            "path": str(self.path),
            "content_hash": self.content_hash,
            "words": self.words,
            "feed": self.feed,
        }


@dataclass(frozen=True)
class LoadError:
    """A file (or sub-folder) that could not be read, or read with a warning. ``name`` is its path
    relative to the articles folder (the file name when not given).

    ``str()`` is the one form shown to the user (CLI stderr, the UI's notices, the ingest report):
    name and message go through :func:`reader.passages.make_safe_line`, so a file named with
    terminal escape sequences prints inert pictures, never an escape."""

    path: Path
    message: str
    name: str = ""

    def __str__(self) -> str:
        return f"{make_safe_line(self.name or self.path.name)}: {make_safe_line(self.message)}"


class ScanCancelled(Exception):
    """:meth:`Catalogue.refresh` stopped when asked to (the files read so far are kept)."""


class CorpusFolderError(OSError):
    """The articles folder itself cannot be listed; the message (safe to print) is for the user."""


@dataclass(frozen=True)
class Article:
    meta: ArticleMeta
    body: str
    parsed: ParsedArticle = field(repr=False)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.parsed.passages


class ArticleFileError(ValueError):
    """A file that cannot be read as an article; the message is meant for the user."""


def title_key(title: str) -> str:
    """Case- and accent-insensitive key, so « Éclair » sorts with the e's, not after z."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def order_key(published: dt.date | None, title: str, art_id: str) -> tuple[int, str, str]:
    """The list order: newest first, undated last, then by title (accents ignored), then id."""
    return (-(published.toordinal() if published else 0), title_key(title), art_id)


def sort_key(meta: ArticleMeta) -> tuple[int, str, str]:
    return order_key(meta.published, meta.title, meta.id)

@dataclass
class ScanResult:
    articles: Sequence[ArticleMeta]  # a list, or the catalogue's LazyMetas
    errors: list[LoadError]
    changed: set[str] = field(default_factory=set)  # ids new or with a new content hash
    removed: set[str] = field(default_factory=set)  # ids gone since the last scan
    warnings: list[LoadError] = field(default_factory=list)  # files listed, but with a problem
    skipped: list[str] = field(default_factory=list)  # other files (not articles), relative names

