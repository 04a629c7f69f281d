"""Screen results: what a screen or dialog hands back through ``dismiss`` for the app to act on.

Plain frozen dataclasses (no Textual import), so a screen module and the app share them without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.feeds.status import FeedRow
    from reader.ui.dialogs.links import Link


@dataclass(frozen=True)
class GoTo:
    """Open ``article_id`` at ``passage`` (from an event mention, the timeline or a bookmark)."""

    article_id: str
    passage: int


@dataclass(frozen=True)
class OpenHit:
    """The search screen's result: open the hit's article at its passage, highlighting ``query``."""

    article_id: str
    passage: int
    query: str


@dataclass(frozen=True)
class ShowFeed:
    """The feeds screen's result: show this feed's articles in the list (``row`` None: all articles)."""

    row: FeedRow | None


@dataclass(frozen=True)
class ApplySearch:
    """The feeds screen's result: use this saved search's query as the list filter."""

    name: str
    query: str


@dataclass(frozen=True)
class LinkChosen:
    """The links dialog's result: open this link."""

    link: Link
