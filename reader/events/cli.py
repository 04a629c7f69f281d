"""``reader events [ID] [--json]``: the corpus's events as a timeline, or one article's, or one event.

- no ID: every event of the corpus ordered by date (undated ones at their report date, marked ``~``);
- an article id: the events that article reports, with how many other articles report each;
- an event id (``ev-…``): that event with all its mentions and link explanations.

The events come from the ingest cache; when it is missing or older than the articles, the ingest
(:func:`reader.ingest.run_ingest`, handed in by :mod:`reader.cli`: the ingest runs every stage, so
this package does not import it) runs first. ``--json`` prints one JSON document for scripts:
``{"events": [Event.to_json() …], "stats": {…}}`` (plus ``"article"`` with an article id).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from reader.events.model import Event
from reader.events.store import EventSet, load_events


def _fresh_events(folder: Path, run_ingest: Callable[[Path], object]) -> tuple[EventSet | None, dict[str, str]]:
    """Stored events if up to date with the folder, else after running the ingest."""
    from reader.corpus import Catalogue

    scan = Catalogue(folder).refresh()
    current = {m.id: m.content_hash for m in scan.articles}
    events = load_events(folder)
    if events is None or events.articles != current:
        if sys.stderr.isatty():
            print("reader: computing events (entities, index, events)…", file=sys.stderr)
        run_ingest(folder)
        events = load_events(folder)
    return events, {m.id: m.title for m in scan.articles}


def _when(e: Event) -> str:
    if e.dated:
        return e.date_label
    return f"~{e.reported}" if e.reported else "undated"


def _print_event(e: Event, titles: dict[str, str], article_id: str | None = None, detail: bool = True) -> None:
    n = len(e.articles)
    count = f"{n} articles" if n > 1 else "1 article"
    if article_id is not None:
        others = e.other_articles(article_id)
        count = f"+{others} other article{'s' if others != 1 else ''}" if others else "this article only"
    print(f"{_when(e):<16} {e.label}  [{count}]  {e.id}")
    if not detail:
        return
    if e.participants:
        print(" " * 17 + "with: " + ", ".join(p.name for p in e.participants[:8]))
    if e.linked or article_id is not None:
        for m in e.mentions:
            text = " ".join(m.text.split())
            text = text if len(text) <= 100 else text[:99] + "…"
            print(" " * 17 + f"· {m.article_id} ¶{m.passage} [{m.start}:{m.end}] {text}")
        for lk in e.links:
            a, b = e.mentions[lk.a], e.mentions[lk.b]
            print(" " * 17 + f"link {a.article_id} ↔ {b.article_id}: {lk.explain()}")


def cli_events(args, folder: Path, run_ingest: Callable[[Path], object]) -> int:
    """``reader events``; ``run_ingest(folder)`` brings the events up to date when they are not."""
    events, titles = _fresh_events(folder, run_ingest)
    if events is None:
        print("reader: events could not be computed (see `reader index` for errors)", file=sys.stderr)
        return 1
    target = getattr(args, "id", None)
    as_json = getattr(args, "json", False)
    if target and target.startswith("ev-") and target not in titles:
        ev = events.event(target)
        if ev is None:
            print(f"reader: no event {target!r} (event ids change when their mentions change; "
                  f"list them with `reader events`)", file=sys.stderr)
            return 1
        if as_json:
            print(json.dumps({"events": [ev.to_json()], "stats": events.stats}, ensure_ascii=False, indent=1))
        else:
            _print_event(ev, titles)
        return 0
    if target:
        if target not in titles:
            print(f"reader: no article with id {target!r} (list them with `reader list`)", file=sys.stderr)
            return 1
        selected = events.for_article(target)
        if as_json:
            out = [{**e.to_json(), "other_articles": e.other_articles(target)} for e in selected]
            print(json.dumps({"article": target, "events": out, "stats": events.stats}, ensure_ascii=False,
                             indent=1))
            return 0
        print(f"{titles[target]} — {len(selected)} events, "
              f"{sum(1 for e in selected if e.linked)} reported elsewhere too")
        for e in selected:
            _print_event(e, titles, target)
        return 0
    selected = events.all()
    if as_json:
        print(json.dumps({"events": [e.to_json() for e in selected], "stats": events.stats}, ensure_ascii=False,
                         indent=1))
        return 0
    linked = sum(1 for e in selected if e.linked)
    print(f"{len(selected)} events in {len(titles)} articles, {linked} linked across articles")
    for e in selected:
        _print_event(e, titles, detail=e.linked)
    return 0
