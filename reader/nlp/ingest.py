"""Batch annotation of the articles that have no cached annotations (the ``entities`` stage).

:func:`annotate_missing` (called by :mod:`reader.ingest` in the ingest process):

1. Picks the articles to do without reading them: those the entity index does not hold at their
   current content hash and model id; for those only, a valid cached annotation file (any
   article with the same content) is reused. So a second run does nothing, and changing one
   article re-annotates that one alone.
2. Loads spaCy only if an article to do has a model (French; English if ``en_core_web_sm`` is
   installed). Passages of many articles stream through one ``nlp.pipe`` (``batch_size`` 64;
   2 processes for large jobs on a multi-core machine, which die with this one: see
   :mod:`reader.lifetime`); each article is saved as soon as its last
   passage is back, so an interrupted run keeps its work.
3. Articles in a language without a model get ``model=None``, a ``reason`` for the UI, and still
   their DATE/MONEY mentions from the pure-Python rules.
4. Updates the corpus entity index (:class:`reader.entity_index.EntityIndex`).

Dates resolve against the article's publication date (none: relative dates stay unresolved).
An article that cannot be read any more is skipped (the catalogue reports it), never fatal; a
passage over ``MAX_MODEL_CHARS`` (100 000) gets the date/money rules only (spaCy's memory grows
with the text's length).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from reader import annotations
from reader.annotations import Annotations
from reader.corpus import Article, ArticleFileError, ArticleMeta, load_article
from reader.entity_index import EntityIndex
from reader.nlp import dates
from reader.nlp.merge import Draft, merge
from reader.nlp.models import expected_model_id as _expected_model, language_of

MANY = 400  # from this many articles to annotate, use 2 processes (if the machine has 2 cores)
MAX_MODEL_CHARS = 100_000  # a longer passage (a huge code block…) gets the date/money rules only


def _lang(meta: ArticleMeta) -> str:
    return language_of(meta.language)


def _no_model_reason(lang: str) -> str:
    if lang in ("und", ""):
        return "the article's language is not set (add 'language: fr' to its front matter): no entity model"
    if lang == "en":
        return "no English entity model installed (pip install en_core_web_sm): dates and amounts only"
    return f"no entity model for language '{lang}': dates and amounts only"


def _date_drafts(passage: int, text: str, published) -> list[Draft]:
    return [Draft(passage, f.start, f.end, f.text, f.label, "", f.value,
                  f.date_start.isoformat() if f.date_start else None,
                  f.date_end.isoformat() if f.date_end else None, f.granularity)
            for f in dates.find(text, published)]


def _build(article: Article, model: str | None, drafts: list[Draft], reason: str | None) -> Annotations:
    mentions, entities = merge(drafts)
    meta = article.meta
    return Annotations(meta.id, meta.content_hash, meta.language, model, reason, mentions, entities)


def _load(meta: ArticleMeta) -> Article | None:
    try:
        return load_article(meta)
    except (ArticleFileError, OSError):
        return None


def needs_annotation(metas: list[ArticleMeta], index: EntityIndex | None = None) -> list[ArticleMeta]:
    """The articles whose annotations are missing, invalid or from an older pipeline."""
    indexed = index.indexed() if index is not None else {}
    expected: dict[str, str | None] = {}
    todo = []
    for meta in metas:
        lang = _lang(meta)
        if lang not in expected:
            expected[lang] = _expected_model(lang)
        if indexed.get(meta.id) == (meta.content_hash, expected[lang]):
            continue
        ann = annotations.load(meta.content_hash) if annotations.has(meta.content_hash) else None
        if ann is None or ann.model != expected[lang]:
            todo.append(meta)
    return todo


def annotate_missing(metas: list[ArticleMeta], progress: Callable[[int, int], None] | None = None, *,
                     batch_size: int = 64, n_process: int | None = None, whole_corpus: bool = True) -> int:
    """Annotate every article of ``metas`` lacking up-to-date cached annotations; returns how many.

    ``progress(done, total)`` is called every 10 articles and at the end. ``whole_corpus=False``
    when ``metas`` is a part of the corpus (the entity index then keeps the other articles).
    """
    metas = list(metas)
    by_folder: dict[Path, list[ArticleMeta]] = {}
    for m in metas:
        by_folder.setdefault(Path(m.path).parent, []).append(m)
    todo: list[ArticleMeta] = []
    seen_hashes: set[str] = set()
    for folder, group in by_folder.items():
        for m in needs_annotation(group, EntityIndex(folder)):
            if m.content_hash not in seen_hashes:  # identical files: annotate once
                seen_hashes.add(m.content_hash)
                todo.append(m)
    total = len(todo)
    done = 0
    changed: set[str] = set()

    def tick(meta: ArticleMeta) -> None:
        nonlocal done
        done += 1
        changed.add(meta.id)
        if progress and (done % 10 == 0 or done == total):
            progress(done, total)

    if total and progress:
        progress(0, total)
    with_model: dict[str, list[ArticleMeta]] = {}
    for meta in todo:
        lang = _lang(meta)
        if _expected_model(lang) is not None:
            with_model.setdefault(lang, []).append(meta)
        else:
            article = _load(meta)
            if article is not None:
                drafts = [d for p in article.passages for d in _date_drafts(p.index, p.text, article.meta.published)]
                annotations.save(_build(article, None, drafts, _no_model_reason(lang)))
            tick(meta)
    for lang, group in with_model.items():
        if n_process is None:
            procs = 2 if len(group) >= MANY and (os.cpu_count() or 1) >= 2 else 1
        else:
            procs = n_process
        for article, ann in _annotate_with_model(lang, group, batch_size, procs):
            if ann is not None:
                annotations.save(ann)
            tick(article)
    for folder, group in by_folder.items():
        EntityIndex(folder).update(group, changed=changed, prune=whole_corpus)
    return done


def _annotate_with_model(lang: str, metas: list[ArticleMeta], batch_size: int, n_process: int
                         ) -> Iterator[tuple[ArticleMeta, Annotations | None]]:
    """(meta, annotations or None if unreadable) for each article, streaming passages through spaCy."""
    from reader.nlp import pipeline  # imports spaCy: only here, only when there is work

    nlp = pipeline.load(lang)
    model = pipeline.model_id(nlp)
    # articles whose passages are in flight, in order: [meta, article, passages left, drafts]
    queue: deque[list] = deque()

    def texts():
        for meta in metas:
            article = _load(meta)
            n = len(article.passages) if article is not None else 0
            queue.append([meta, article, n, []])
            if article is not None:
                for p in article.passages:
                    yield p.text if len(p.text) <= MAX_MODEL_CHARS else ""

    def finished():
        while queue and queue[0][2] == 0:
            meta, article, _, drafts = queue.popleft()
            yield meta, (_build(article, model, drafts, None) if article is not None else None)

    passage_texts = texts()
    for doc in _pipe(nlp, passage_texts, batch_size, n_process):
        yield from finished()  # articles with no passages ahead of this one
        entry = queue[0]
        article = entry[1]
        p = article.passages[len(article.passages) - entry[2]]
        if len(p.text) <= MAX_MODEL_CHARS:
            entry[3].extend(_drafts_of(doc, p, article.meta.published))
        else:
            entry[3].extend(_date_drafts(p.index, p.text, article.meta.published))
        entry[2] -= 1
        yield from finished()
    for _ in passage_texts:  # pragma: no cover - exhausted by nlp.pipe
        pass
    yield from finished()


def _pipe(nlp, texts, batch_size: int, n_process: int) -> Iterator:
    """``nlp.pipe``, whose worker processes (n_process > 1) never outlive this one."""
    if n_process <= 1:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    from reader.lifetime import workers_die_with_us

    with workers_die_with_us():
        yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


def _drafts_of(doc, passage, published) -> list[Draft]:
    from reader.nlp.pipeline import doc_mentions

    out = []
    for r in doc_mentions(doc):
        f = dates.resolve(passage.text, r.rule, published) if r.rule else None
        if f is not None:
            out.append(Draft(passage.index, f.start, f.end, f.text, f.label, "", f.value,
                             f.date_start.isoformat() if f.date_start else None,
                             f.date_end.isoformat() if f.date_end else None, f.granularity))
        elif r.rule is None:
            out.append(Draft(passage.index, r.start, r.end, r.text, r.label, r.canonical))
    return out
