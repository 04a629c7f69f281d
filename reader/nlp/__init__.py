"""Named entities: the ingest side (spaCy) and pure-Python helpers.

This package's ``__init__`` imports nothing heavy: the reading path may import
``reader.nlp.dates`` or ``reader.nlp.merge`` (pure Python) without loading spaCy.
Only :mod:`reader.nlp.pipeline` imports spaCy, and only when :func:`reader.nlp.pipeline.load`
is called — in the ingest process (:mod:`reader.nlp.ingest`), never in the UI process.

Modules:

- :mod:`reader.nlp.registry` — language → pipeline (packages tried in order, hash checks, components
  excluded, number format, install hint; overridable in ``languages.toml``) and the model id (no spaCy).
- :mod:`reader.nlp.models` — older import path of the registry's model id.
- :mod:`reader.nlp.dates` — French/English date and money finder and resolver, per-language number
  format (pure Python).
- :mod:`reader.nlp.curated` — the curated list read and matched without spaCy (articles without a model).
- :mod:`reader.nlp.pipeline` — the language's spaCy model + curated span ruler + date/money rules.
- :mod:`reader.nlp.merge` — mentions → entities with keys stable across articles.
- :mod:`reader.nlp.ingest` — ``annotate_missing(metas)``: cache-aware batch annotation.
- :mod:`reader.nlp.cli` — ``reader entities ID [--json]``, ``reader models [--json]``.
- ``data/entities.tsv`` — the curated list of well-known names (see its header).
"""
