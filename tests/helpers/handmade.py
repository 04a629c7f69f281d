"""Entities and events made by hand, in the caches the ingest would fill (the real ones need the
spaCy ingest, which the UI tests never run)."""

from __future__ import annotations

from pathlib import Path

# one word of each label, as they appear in the bundled articles
WORDS = (("Elon Musk", "PER"), ("Microsoft", "ORG"), ("Redmond", "LOC"), ("25 avril 2023", "DATE"),
         ("42000 dollars", "MONEY"), ("Advertising", "MISC"))


def annotate(folder: Path, words: tuple[tuple[str, str], ...] = WORDS) -> None:
    """Every article of ``folder`` annotated with the first occurrence in each passage of each
    (word, label) of ``words``, saved in the annotations cache."""
    from reader.corpus import load_article, load_folder
    from reader.entities import cache as ann_store
    from reader.entities.model import Annotations, EntityInfo, Mention

    for meta in load_folder(folder).articles:
        art = load_article(meta)
        mentions = []
        for p in art.passages:
            for word, label in words:
                at = p.text.find(word)
                if at >= 0:
                    mentions.append(Mention(p.index, at, at + len(word), word, label, f"{label}:{word.lower()}"))
        ann_store.save(Annotations(meta.id, meta.content_hash, "fr", "test-model", None, mentions,
                                   [EntityInfo(f"{lb}:{w.lower()}", lb, w, 1) for w, lb in words]))


def numbered_events(article_id: str, passages: int):
    """Four dated events on one article, 20 to 23 April 2023 (an EventSet: show it or save it)."""
    from reader.events.model import Event, EventMention
    from reader.events.store import EventSet

    events = []
    for k in range(4):
        day = f"2023-04-{20 + k}"
        mention = EventMention(article_id, min(k, passages - 1), 0, 10, f"Événement numéro {k}", day,
                               f"2023-04-{21 + k}", "day")
        events.append(Event(f"ev-{k}", day, f"2023-04-{21 + k}", "day", f"Événement numéro {k}", [], [mention]))
    return EventSet(events, {article_id: "x"})
