"""Dated events found in the articles and linked across articles.

- :mod:`reader.events.model` — EventMention, Event, Link, Participant (pure data).
- :mod:`reader.events.extract` — sentences with a date or a trigger → mentions (cached per hash).
- :mod:`reader.events.link` — candidate blocking, pair scores, average-linkage clustering per
  strong component (sklearn, scipy).
- :mod:`reader.events.build` — ``update_events(folder, metas, progress)``: the ingest stage.
- :mod:`reader.events.store` — SQLite store; ``load_events(folder) -> EventSet | None``: the lazy
  read side for the UI.
- :mod:`reader.events.cli` — ``reader events [ID] [--json]``.

The read side (model, store) never imports scikit-learn or spaCy.
"""
