"""Named entities: the ingest side (spaCy) and pure-Python helpers.

This package's ``__init__`` imports nothing heavy: the reading path may import
``reader.nlp.dates`` or ``reader.nlp.merge`` (pure Python) without loading spaCy.
Only :mod:`reader.nlp.pipeline` imports spaCy, and only when :func:`reader.nlp.pipeline.load`
is called — in the ingest process (:mod:`reader.nlp.ingest`), never in the UI process.

Modules:

- :mod:`reader.nlp.models` — language → model package and the cached model id (no spaCy).
- :mod:`reader.nlp.dates` — French/English date and money finder and resolver (pure Python).
- :mod:`reader.nlp.pipeline` — spaCy ``fr_core_news_md`` + curated EntityRuler + date/money rules.
- :mod:`reader.nlp.merge` — mentions → entities with keys stable across articles.
- :mod:`reader.nlp.ingest` — ``annotate_missing(metas)``: cache-aware batch annotation.
- :mod:`reader.nlp.cli` — ``reader entities ID [--json]``.
- ``data/entities.tsv`` — the curated list of well-known names (see its header).
"""
