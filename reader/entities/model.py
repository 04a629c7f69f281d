"""Entity annotations: the data model (the leaf of :mod:`reader.entities`; imports no sibling).

Annotations are computed by the ingest pipeline (``reader.nlp``, which does import spaCy, in a
background process) once per article *content hash*, and stored by :mod:`reader.entities.cache`.

Coordinates follow :mod:`reader.passages`: a mention is ``(passage, start, end)`` in the passage's
plain text of the article version whose hash the annotations carry.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

LABELS = ("PER", "ORG", "LOC", "DATE", "MONEY", "MISC")
LABEL_NAMES = {
    "PER": "person",
    "ORG": "organisation",
    "LOC": "place",
    "DATE": "date",
    "MONEY": "money",
    "MISC": "other",
}
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Mention:
    passage: int
    start: int
    end: int
    text: str
    label: str  # one of LABELS
    entity: str  # key of the merged entity, e.g. "PER:elon musk"; same key across articles
    value: str | None = None  # normalised: a date interval "2023-04-19/2023-04-20", an amount "42000 USD/month"
    date_start: str | None = None  # ISO date, inclusive (DATE only)
    date_end: str | None = None  # ISO date, exclusive (DATE only)
    granularity: str | None = None  # day | week | month | part-of-month | year | part-of-year (DATE only)


@dataclass(frozen=True)
class EntityInfo:
    key: str
    label: str
    name: str  # canonical display name ("Elon Musk")
    mentions: int = 0


@dataclass
class Annotations:
    article_id: str
    content_hash: str
    language: str
    model: str | None  # e.g. "fr-6f1c…+reader3"; "rules+reader3" (or None, older) when no model covers the language
    reason: str | None = None  # why there are no entities (no model for the language, …) or what was limited
    mentions: list[Mention] = field(default_factory=list)
    entities: list[EntityInfo] = field(default_factory=list)
    schema: int = SCHEMA_VERSION

    def to_json(self) -> dict:
        # built by hand: dataclasses.asdict deep-copies recursively and cost 4 ms per article
        return {
            "article_id": self.article_id,
            "content_hash": self.content_hash,
            "language": self.language,
            "model": self.model,
            "reason": self.reason,
            "mentions": [dict(m.__dict__) for m in self.mentions],
            "entities": [{"key": e.key, "label": e.label, "name": e.name, "mentions": e.mentions}
                         for e in self.entities],
            "schema": self.schema,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Annotations":
        return cls(
            article_id=data["article_id"],
            content_hash=data["content_hash"],
            language=data.get("language", "und"),
            model=data.get("model"),
            reason=data.get("reason"),
            mentions=[Mention(**m) for m in data.get("mentions", [])],
            entities=[EntityInfo(**e) for e in data.get("entities", [])],
            schema=data.get("schema", 0),
        )

    @property
    def has_model(self) -> bool:
        """Were the entities found by a language model (not by the rules and curated list alone)?"""
        return self.model is not None and not self.model.startswith("rules+")

    def by_passage(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {}
        for m in self.mentions:
            out.setdefault(m.passage, []).append(m)
        for lst in out.values():
            lst.sort(key=lambda m: (m.start, m.end))
        return out


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()
