"""Every message and screen result of the UI, in one place.

Messages (``textual.message.Message``) are what the background work posts to the main screen
(:mod:`reader.ui.background`): a scan's, an ingest's, a fetch's progress and end. Screen results
are the plain values a pushed screen hands back to the main screen (``dismiss(result)``). The
widgets' own messages (``ArticleList.Selected``, ``ArticleView.CursorMoved``, ``EventsPanel.Chosen``)
stay nested in their widget, as Textual's do. Data only: no widget is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from reader.corpus import ScanResult

if TYPE_CHECKING:
    from reader.feeds.status import FeedRow
    from reader.ui.dialogs.links import Link


# background work → main screen ------------------------------------------------------------------
@dataclass
class ScanDone(Message):
    result: ScanResult


@dataclass
class ScanProgress(Message):
    done: int
    total: int


@dataclass
class ScanFailed(Message):
    message: str


@dataclass
class IngestProgress(Message):
    stage: str
    done: int
    total: int


@dataclass
class IngestDone(Message):
    ok: bool
    message: str = ""


@dataclass
class FetchProgress(Message):
    done: int
    total: int
    feed: str = ""


@dataclass
class FetchDone(Message):
    ok: bool
    totals: dict[str, Any] = field(default_factory=dict)  # feeds, new, updated, failed… (``reader fetch --json``)
    message: str = ""                            # why it failed, or that another fetch was running


# screen results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenHit:
    """The search screen's result: open ``article_id`` at ``passage``, its matches of ``query`` marked."""

    article_id: str
    passage: int
    query: str


@dataclass(frozen=True)
class GoTo:
    """Open ``article_id`` at ``passage`` (from an event mention, the timeline or a bookmark)."""

    article_id: str
    passage: int


@dataclass(frozen=True)
class ApplySearch:
    """The feeds screen's result: use this saved search's query as the list filter."""

    name: str
    query: str


@dataclass(frozen=True)
class ShowFeed:
    """The feeds screen's result: show this feed's articles in the list (``row`` None: all articles)."""

    row: FeedRow | None


@dataclass(frozen=True)
class LinkChosen:
    """The links dialog's result: open this link."""

    link: Link
