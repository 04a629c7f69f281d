"""What one article becomes in the search index: its document (pre-analysed title, body, bigrams,
entity names, stored passages) and the version the manifest records for it. Written by
:func:`reader.search.index.update_index`; see :mod:`reader.search.index` for the layout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reader import languages
from reader.corpus import Article, ArticleMeta
from reader.entities.model import Annotations
from reader.search.analysis import analysis_key, terms
from reader.search.model import pack_passages

ENTITY_FIELDS = {"PER": "person", "ORG": "org", "LOC": "place", "MISC": "other"}


def entity_fields(ann: Annotations | None, lang: str | None = None) -> dict[str, str]:
    """The entity fields of a document: the names' terms in the article's language."""
    out: dict[str, list[str]] = {}
    if ann is None:
        return {}
    for ent in ann.entities:
        field = ENTITY_FIELDS.get(ent.label)
        if field and ent.name:
            out.setdefault(field, []).extend(terms(ent.name, lang))
    return {k: " ".join(v) for k, v in out.items() if v}


def doc_version(meta: ArticleMeta, rows: dict | None = None) -> str:
    """What the manifest holds for an indexed article: its content hash, and its language when the
    detector overruled the declared one (:mod:`reader.languages`), so a change of language alone
    re-indexes the article (and articles read in their declared language keep their entries)."""
    lang = languages.effective(meta, rows)
    return meta.content_hash if lang == meta.language else f"{meta.content_hash}+{lang}"


def annotations_match(ann: Annotations | None, lang: str) -> bool:
    """Annotations made for the article's current language (made for another, they wait for the
    entities stage to redo them: the document is marked not annotated meanwhile)."""
    return ann is not None and languages.base_code(ann.language) == languages.base_code(lang)


def make_document(article: Article, ann: Annotations | None, lang: str | None = None) -> dict[str, Any]:
    """The index document of ``article`` read in ``lang`` (default: its effective language)."""
    meta = article.meta
    plain = article.parsed.plain_text
    lang = lang or languages.effective(meta)
    key = analysis_key(lang)
    per_passage = [terms(p.text, key) for p in article.passages]
    words = [t for ts in per_passage for t in ts]  # = terms(plain): the separators hold no word
    doc: dict[str, Any] = {
        "id": meta.id,
        "title": " ".join(terms(meta.title, key)),
        "_stored_title": meta.title,
        "analysis": key,
        "body": " ".join(words),
        "pairs": " ".join(f"{a}_{b}" for a, b in zip(words, words[1:])),
        "language": lang,
        "passages": pack_passages(plain, [p.offset for p in article.passages], per_passage),
    }
    if meta.source:
        doc["source"] = meta.source
    if meta.published:
        doc["published"] = dt.datetime(meta.published.year, meta.published.month, meta.published.day)
    doc.update(entity_fields(ann, key))
    return doc
