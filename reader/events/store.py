"""The corpus's events on disk and their read API (pure Python: no scikit-learn, no spaCy).

The ingest stage (:mod:`reader.events.build`) writes one JSON file per corpus,
``paths.corpus_cache_dir(folder) / "events.json"``, atomically (temp file + rename)::

    {"version": 1, "built": "<UTC ISO time>", "articles": {"<id>": "<content hash>", …},
     "stats": {…}, "events": [Event.to_json(), …]}

:func:`load_events` returns an :class:`EventSet`, or None when the file is missing, corrupt or of
another version (the next ingest rebuilds it).
"""

from __future__ import annotations

import json
from pathlib import Path

from reader import paths
from reader.events.fileio import write_json_atomic
from reader.events.model import Event, Participant

STORE_VERSION = 1


def events_file(folder: Path) -> Path:
    return paths.corpus_cache_dir(folder) / "events.json"


class EventSet:
    """All events of a corpus, with indexes by id, article and entity."""

    def __init__(self, events: list[Event], articles: dict[str, str] | None = None,
                 stats: dict | None = None, built: str | None = None):
        self._events = sorted(events, key=Event.sort_key)
        self.articles = dict(articles or {})  # article id → content hash the events were built from
        self.stats = dict(stats or {})
        self.built = built
        self._by_id = {e.id: e for e in self._events}
        self._by_article: dict[str, list[Event]] = {}
        self._by_entity: dict[str, list[Event]] = {}
        for e in self._events:
            for a in e.articles:
                self._by_article.setdefault(a, []).append(e)
            for p in e.participants:
                self._by_entity.setdefault(p.key, []).append(e)

    def __len__(self) -> int:
        return len(self._events)

    def all(self) -> list[Event]:
        """Every event, ordered by date (undated ones placed at their report date)."""
        return list(self._events)

    def linked(self) -> list[Event]:
        return [e for e in self._events if e.linked]

    def event(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    def for_article(self, article_id: str) -> list[Event]:
        """The events an article reports, ordered by date, then by where the article first mentions them."""
        def key(e: Event):
            first = min((m.passage, m.start) for m in e.mentions if m.article_id == article_id)
            return (e.when or "9999", first)

        return sorted(self._by_article.get(article_id, []), key=key)

    def by_entity(self, entity_key: str) -> list[Event]:
        """Events with this participant (entity key such as ``"PER:elon musk"``), ordered by date."""
        return list(self._by_entity.get(entity_key, []))

    def entities(self) -> list[Participant]:
        """Participants over all events (``mentions`` = number of events), most frequent first."""
        out = []
        for key, evs in self._by_entity.items():
            name = next(p.name for p in evs[0].participants if p.key == key)
            out.append(Participant(key, name, len(evs)))
        out.sort(key=lambda p: (-p.mentions, p.name.casefold()))
        return out

    def nearest(self, article_id: str, passage: int, offset: int = 0) -> Event | None:
        """The article's event whose mention is nearest to (passage, offset): for the panel's marker."""
        best, best_d = None, None
        for e in self._by_article.get(article_id, []):
            for m in e.mentions_in(article_id):
                if m.passage == passage and m.start <= offset <= m.end:
                    d = (0, 0)
                else:
                    d = (abs(m.passage - passage), abs(m.start - offset))
                if best_d is None or d < best_d:
                    best, best_d = e, d
        return best

    def to_json(self) -> dict:
        return {"version": STORE_VERSION, "built": self.built, "articles": self.articles, "stats": self.stats,
                "events": [e.to_json() for e in self._events]}

    @classmethod
    def from_json(cls, data: dict) -> "EventSet":
        if data.get("version") != STORE_VERSION:
            raise ValueError("events file of another version")
        return cls([Event.from_json(e) for e in data["events"]], data.get("articles"), data.get("stats"),
                   data.get("built"))


def load_events(folder: Path) -> EventSet | None:
    """The events of a corpus folder, or None if not computed yet (or unreadable: rebuilt at next ingest)."""
    try:
        data = json.loads(events_file(folder).read_text(encoding="utf-8"))
        return EventSet.from_json(data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def save_events(folder: Path, events: EventSet) -> Path:
    return write_json_atomic(events_file(folder), events.to_json())
