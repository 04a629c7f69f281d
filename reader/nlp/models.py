"""Kept for older imports: the language registry lives in :mod:`reader.nlp.registry` (no spaCy import).

The model id stored in annotations is ``<lang>-<weights digest>+reader<PIPELINE_VERSION>`` (see the
registry): cached annotations with another id are redone, so bumping :data:`PIPELINE_VERSION`
(rules or curated list changed) or installing/upgrading a model re-annotates that language's articles.
"""

from __future__ import annotations

from reader.nlp.registry import PIPELINE_VERSION, expected_model_id, language_of  # noqa: F401
