"""Named entities, read side (never imports spaCy; the spaCy side is :mod:`reader.nlp`).

- :mod:`reader.entities.model` — :class:`Annotations`, :class:`Mention`, :class:`EntityInfo`,
  the labels (imports no sibling).
- :mod:`reader.entities.cache` — the per-article-version JSON cache (``load``, ``save``, ``has``).
- :mod:`reader.entities.index` — the corpus-level index, entity key → articles (SQLite).

Importing the package imports none of them.
"""
