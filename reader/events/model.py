"""Event data model (read side: pure Python, no scikit-learn, no spaCy).

An :class:`EventMention` is one sentence of one article (``(article, passage, start, end)`` in the
coordinates of :mod:`reader.passages`) that carries a resolved date or an event trigger, with its
participants (entity keys of :mod:`reader.entities`). An :class:`Event` is a cluster of mentions
judged to report the same happening; it is *linked* when its mentions come from two or more
articles. Every cross-article link carries a :class:`Link` explaining it (shared entities, date
agreement, text similarity, total score).

Dates are half-open ISO intervals ``[date_start, date_end)`` with a granularity (``day``, ``week``,
``part-of-month``, ``month``, ``part-of-year``, ``year``), as in the annotations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GRANULARITY_RANK = {"day": 0, "week": 1, "part-of-month": 2, "month": 3, "part-of-year": 4, "year": 5}


def granularity_rank(granularity: str | None) -> int:
    return GRANULARITY_RANK.get(granularity or "", 9)


def date_label(date_start: str | None, date_end: str | None, granularity: str | None) -> str:
    """A compact, sortable label: ``2023-04-25``, ``2023-04``, ``2015``, ``2023-04-24+7d``…"""
    if not date_start:
        return ""
    if granularity == "day":
        return date_start
    if granularity == "month":
        return date_start[:7]
    if granularity == "year":
        return date_start[:4]
    if date_end:
        try:
            days = (dt.date.fromisoformat(date_end) - dt.date.fromisoformat(date_start)).days
            return f"{date_start}+{days}d"
        except ValueError:
            pass
    return date_start


@dataclass(frozen=True)
class EventMention:
    article_id: str
    passage: int
    start: int  # sentence span in Passage.text (end exclusive)
    end: int
    text: str
    date_start: str | None = None  # most specific resolved date of the sentence
    date_end: str | None = None
    granularity: str | None = None
    date_text: str | None = None  # the date expression as written ("hier", "25 avril 2023")
    dates: tuple[tuple[str, str, str], ...] = ()  # every resolved date of the sentence (start, end, granularity)
    participants: tuple[str, ...] = ()  # entity keys, in order of first appearance
    trigger: str | None = None  # the first trigger found, if any ("retirer", "procès"…)
    actions: tuple[str, ...] = ()  # action classes of the triggers: remove, legal, pay, acquire…
    content: str = ""  # the text without entity and date mentions (what the linker's TF-IDF compares)

    @property
    def key(self) -> str:
        return f"{self.article_id}:{self.passage}:{self.start}"

    @property
    def dated(self) -> bool:
        return self.date_start is not None

    def to_json(self, content: bool = True) -> dict:
        """JSON dict; ``content=False`` leaves out the linker's masked text (not needed to read events)."""
        d = {
            "article_id": self.article_id, "passage": self.passage, "start": self.start, "end": self.end,
            "text": self.text, "date_start": self.date_start, "date_end": self.date_end,
            "granularity": self.granularity, "date_text": self.date_text, "dates": [list(x) for x in self.dates],
            "participants": list(self.participants), "trigger": self.trigger, "actions": list(self.actions),
        }
        if content:
            d["content"] = self.content
        return d

    @classmethod
    def from_json(cls, d: dict) -> "EventMention":
        d = dict(d)
        d["dates"] = tuple(tuple(x) for x in d.get("dates", ()))
        d["participants"] = tuple(d.get("participants", ()))
        d["actions"] = tuple(d.get("actions", ()))
        return cls(**d)


@dataclass(frozen=True)
class Participant:
    key: str  # "PER:elon musk"
    name: str  # "Elon Musk"
    mentions: int = 0  # how many of the event's mentions name it


@dataclass(frozen=True)
class Link:
    """Why two mentions (indexes into :attr:`Event.mentions`) of different articles were joined."""

    a: int
    b: int
    score: float  # 0.5·similarity + 0.3·jaccard + 0.2·date agreement
    similarity: float  # TF-IDF cosine of the two sentences
    jaccard: float  # participants' smoothed Jaccard index |A∩B| / (|A∪B| + 1)
    date_agreement: float  # 1 same date, 0.7 one inside the other, 0.3 undated, 0.2 near
    shared: tuple[str, ...] = ()  # names of the shared participants
    date_note: str = ""  # "same date 2023-04-25", "2023-04-25 within 2023-04-24+7d", "no date on one side"
    languages: str = ""  # "en ↔ fr" when the two articles are in different languages, else ""

    def explain(self) -> str:
        parts = []
        if self.shared:
            parts.append("shared: " + ", ".join(self.shared))
        if self.date_note:
            parts.append(self.date_note)
        parts.append(f"text similarity {self.similarity:.2f}")
        if self.languages:  # their words can hardly be compared: say what the link rests on
            basis = [what for what, ok in (("shared names", self.shared), ("the same date", self.date_agreement >= 0.7),
                                           ("common words", self.similarity >= 0.1)) if ok]
            parts.append(f"across languages ({self.languages}): "
                         + ("linked on " + " and ".join(basis) if basis else "weak link"))
        return f"score {self.score:.2f} — " + "; ".join(parts)


def _link_of(lk: list[Any]) -> Link:
    """A link as the store writes it (a JSON list; ``languages`` absent from older files)."""
    return Link(lk[0], lk[1], lk[2], lk[3], lk[4], lk[5], tuple(lk[6]), lk[7], *lk[8:9])


class Event:
    """One event: a cluster of mentions. Same API whether built in memory (the linker) or read from
    the store (:mod:`reader.events.store`), where ``mentions``, ``links``, ``participants`` and
    ``articles`` are fetched or decoded on first access (``loader``: a callable returning the
    mention list of an event id; the others are raw strings decoded by :mod:`reader.events.store`)."""

    __slots__ = ("id", "date_start", "date_end", "granularity", "label", "reported", "_participants",
                 "_mentions", "_links", "_articles", "_raw", "_loader")

    def __init__(self, id: str, date_start: str | None, date_end: str | None, granularity: str | None,
                 label: str, participants: list[Participant] | None = None,
                 mentions: list[EventMention] | None = None, links: list[Link] | None = None,
                 reported: str | None = None, *, articles: list[str] | None = None,
                 raw: tuple[str, str] | None = None,
                 loader: Callable[[str], list[EventMention]] | None = None) -> None:
        self.id = id
        self.date_start = date_start
        self.date_end = date_end
        self.granularity = granularity
        self.label = label  # the most central sentence, trimmed to ~80 characters (plain text)
        self.reported = reported  # earliest publication date of its articles (to place undated events)
        self._participants = participants if participants is not None or raw else []
        self._mentions = mentions
        self._links = links if links is not None or raw else []
        self._articles = articles
        self._raw = raw  # (participants JSON, links JSON) when read from the store
        self._loader = loader
        if mentions is None and loader is None:
            self._mentions = []

    @property
    def participants(self) -> list[Participant]:
        if self._participants is None:
            self._participants = [Participant(*p) for p in json.loads(self._raw[0])] if self._raw else []
        return self._participants

    @participants.setter
    def participants(self, value: list[Participant]) -> None:
        self._participants = value

    @property
    def mentions(self) -> list[EventMention]:
        if self._mentions is None:
            assert self._loader is not None  # (without a loader, mentions start as [])
            self._mentions = self._loader(self.id)
        return self._mentions

    @mentions.setter
    def mentions(self, value: list[EventMention]) -> None:
        self._mentions = value
        self._articles = None

    @property
    def links(self) -> list[Link]:
        if self._links is None:
            self._links = [_link_of(lk) for lk in json.loads(self._raw[1])] if self._raw else []
        return self._links

    @links.setter
    def links(self, value: list[Link]) -> None:
        self._links = value

    @property
    def dated(self) -> bool:
        """Has the event a date of its own? (Else :attr:`when` is the date it was reported.)"""
        return self.date_start is not None

    def __repr__(self) -> str:
        return f"Event({self.id!r}, {self.date_label or '~' + str(self.reported)}, {self.label!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable: not hashable

    @property
    def articles(self) -> list[str]:
        """Its articles, in the order of its mentions."""
        if self._articles is None:
            seen: dict[str, None] = {}
            for m in self.mentions:
                seen.setdefault(m.article_id, None)
            self._articles = list(seen)
        return self._articles

    @property
    def linked(self) -> bool:
        return len(self.articles) > 1

    def other_articles(self, article_id: str | None) -> int:
        """How many articles other than ``article_id`` report this event (None: all of them)."""
        return sum(1 for a in self.articles if a != article_id)

    def mentions_in(self, article_id: str) -> list[EventMention]:
        return [m for m in self.mentions if m.article_id == article_id]

    @property
    def date_label(self) -> str:
        return date_label(self.date_start, self.date_end, self.granularity)

    @property
    def when(self) -> str | None:
        """The date that places the event on a time axis: its own, else when it was reported."""
        return self.date_start or self.reported

    def sort_key(self) -> tuple:
        return (self.when or "9999", granularity_rank(self.granularity), self.id)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "granularity": self.granularity,
            "date_label": self.date_label,
            "label": self.label,
            "reported": self.reported,
            "linked": self.linked,
            "articles": self.articles,
            "participants": [dict(vars(p)) for p in self.participants],
            "mentions": [m.to_json(content=False) for m in self.mentions],
            "links": [{**vars(lk), "shared": list(lk.shared)} for lk in self.links],
        }

    @classmethod
    def from_json(cls, d: dict) -> "Event":
        return cls(
            d["id"],
            d.get("date_start"),
            d.get("date_end"),
            d.get("granularity"),
            d.get("label", ""),
            [Participant(**p) for p in d.get("participants", [])],
            [EventMention.from_json(m) for m in d.get("mentions", [])],
            [Link(**{**lk, "shared": tuple(lk.get("shared", ()))}) for lk in d.get("links", [])],
            d.get("reported"),
        )
