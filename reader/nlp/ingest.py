"""Batch annotation of the articles that have no cached annotations (the ``entities`` stage).

:func:`annotate_missing` (called by :mod:`reader.ingest` in the ingest process):

1. Picks the articles to do without reading them: those the entity index does not hold at their
   current content hash and model id; for those only, a valid cached annotation file (any
   article with the same content) is reused. So a second run does nothing, and changing one
   article re-annotates that one alone.
2. Loads spaCy only if an article to do has a model (:func:`reader.nlp.registry.resolve`: French;
   English if ``en_core_web_sm`` or the ``reader[en]`` extra is installed). Passages of many articles
   stream through one ``nlp.pipe`` (``batch_size`` 64; 2 processes for large jobs on a multi-core
   machine, which die with this one: see :mod:`reader.lifetime`); each article is saved as soon as its last
   passage is back, so an interrupted run keeps its work.
3. Articles in a language without a model get ``model="rules+reader<N>"``
   (:data:`reader.nlp.registry.RULES_ONLY`: redone when the rules change), a ``reason`` for the
   UI (the language, what still works, the install commands), and still their DATE/MONEY mentions
   from the pure-Python rules, in the language's number format, and the curated names
   (:mod:`reader.nlp.curated`).
4. Updates the corpus entity index (:class:`reader.entities.index.EntityIndex`).

Dates resolve against the article's publication date (none: relative dates stay unresolved).
An article that cannot be read any more is skipped (the catalogue reports it), never fatal; an
article whose processing raises is reported in ``errors`` and left without annotations, the
batch goes on. Limits, each noted in the article's ``reason`` (shown by ``reader entities``): a
passage over ``MAX_MODEL_CHARS`` (100 000) gets the date/money rules only (spaCy's memory grows
with the text's length); a run of more than 100 characters without a space is cut at
punctuation rather than by spaCy's tokenizer, which is quadratic on it
(:class:`reader.nlp.pipeline.LongRunTokenizer`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from reader import languages
from reader.entities import cache as annotations
from reader.entities.model import Annotations
from reader.corpus import Article, ArticleFileError, ArticleMeta, load_article
from reader.entities.index import EntityIndex
from reader.nlp import dates
from reader.nlp.merge import Draft, merge
from reader.nlp import curated, registry
from reader.nlp.registry import annotation_id, language_of
from reader.nlp.registry import expected_model_id as _expected_model
from reader.log import DEBUG, log_exception

MANY = 400  # from this many articles to annotate, use 2 processes (if the machine has 2 cores)
MAX_MODEL_CHARS = 100_000  # a longer passage (a huge code block…) gets the date/money rules only


def _lang(meta: ArticleMeta, rows: dict | None = None) -> str:
    """The article's language code: its declared one, or the one detected (:mod:`reader.languages`)."""
    return language_of(languages.effective(meta, rows))


def _no_model_reason(lang: str) -> str:
    """The note of an article without a model: its language, what still works, how to get one."""
    return registry.resolve(lang).reason()


def _rule_draft(passage: int, f: dates.Found) -> Draft:
    return Draft(passage, f.start, f.end, f.text, f.label, "", f.value,
                 f.date_start.isoformat() if f.date_start else None,
                 f.date_end.isoformat() if f.date_end else None, f.granularity)


def _date_drafts(passage: int, text: str, published, lang: str = "fr") -> list[Draft]:
    return [_rule_draft(passage, f) for f in dates.find(text, published, lang)]


def _rules_drafts(passage: int, text: str, published, lang: str) -> list[Draft]:
    """Without a model: dates, amounts, and the curated names that overlap none of them."""
    out = _date_drafts(passage, text, published, lang)
    taken = dates.Disjoint((d.start, d.end) for d in out)
    for start, end, label, canonical in curated.find(text):
        if not taken.overlaps(start, end):
            out.append(Draft(passage, start, end, text[start:end], label, canonical))
    return out


def _build(article: Article, model: str | None, drafts: list[Draft], reason: str | None) -> Annotations:
    mentions, entities = merge(drafts)
    meta = article.meta
    return Annotations(meta.id, meta.content_hash, languages.effective(meta), model, reason, mentions, entities)


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
    rows = languages.stored()
    for meta in metas:
        lang = _lang(meta, rows)
        if lang not in expected:
            expected[lang] = annotation_id(lang)
        # the fast path holds no language: an article read in a detected language checks its file
        if indexed.get(meta.id) == (meta.content_hash, expected[lang]) and lang == language_of(meta.language):
            continue
        ann = annotations.load(meta.content_hash) if annotations.has(meta.content_hash) else None
        if ann is None or ann.model != expected[lang] or language_of(ann.language) != lang:
            todo.append(meta)
    return todo


def annotate_missing(metas: list[ArticleMeta], progress: Callable[[int, int], None] | None = None, *,
                     batch_size: int = 64, n_process: int | None = None, whole_corpus: bool = True,
                     errors: list[str] | None = None) -> int:
    """Annotate every article of ``metas`` lacking up-to-date cached annotations; returns how many.

    ``progress(done, total)`` is called every 10 articles and at the end. ``whole_corpus=False``
    when ``metas`` is a part of the corpus (the entity index then keeps the other articles).
    An article whose annotation fails (an exception anywhere in its processing) is left without
    annotations and reported in ``errors`` (one line each); the other articles go on. A problem
    with the user's ``languages.toml`` is one more line of ``errors`` (the defaults are used).
    """
    errors = errors if errors is not None else []
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

    if total:
        errors.extend(registry.config_problems())  # a bad languages.toml: said, and the defaults used
    if total and progress:
        progress(0, total)
    with_model: dict[str, list[ArticleMeta]] = {}

    def rules_only(meta: ArticleMeta, lang: str, reason: str) -> None:
        article = _load(meta)
        if article is not None:
            try:
                drafts = [d for p in article.passages
                          for d in _rules_drafts(p.index, p.text, article.meta.published, lang)]
                annotations.save(_build(article, registry.RULES_ONLY, drafts, reason))
            except Exception as exc:  # one article's failure is that article's, never the batch's
                log_exception(__name__, "annotating %s failed", meta.path)
                errors.append(_failed(meta, exc))
        tick(meta)

    for meta in todo:
        lang = _lang(meta)
        if _expected_model(lang) is not None:
            with_model.setdefault(lang, []).append(meta)
        else:
            rules_only(meta, lang, _no_model_reason(lang))
    for lang, group in with_model.items():
        if n_process is None:
            procs = 2 if len(group) >= MANY and (os.cpu_count() or 1) >= 2 else 1
        else:
            procs = n_process
        try:
            nlp = _load_pipeline(lang)
        except Exception as exc:  # a broken model folder or package: said, and the rules still run
            log_exception(__name__, "the entity model for %r could not be loaded", lang)
            res = registry.resolve(lang)
            problem = (f"{res.name} ('{lang}'): the entity model {res.chosen.spec if res.chosen else '?'} could not "
                       f"be loaded ({type(exc).__name__}: {' '.join(str(exc).split())[:300]})")
            errors.append(problem)
            for meta in group:
                rules_only(meta, lang, f"{problem} — dates, amounts and well-known names are still found")
            continue
        for article, ann, error in _annotate_with_model(nlp, group, batch_size, procs):
            if error:
                errors.append(error)
            elif ann is not None:
                annotations.save(ann)
            tick(article)
    for folder, group in by_folder.items():
        EntityIndex(folder).update(group, changed=changed, prune=whole_corpus)
    return done


def _failed(meta: ArticleMeta, exc: BaseException) -> str:
    return f"{Path(meta.path).name}: entity annotation failed ({type(exc).__name__}: {exc})"


Result = tuple[ArticleMeta, "Annotations | None", "str | None"]  # (meta, annotations, error line)


def _load_pipeline(lang: str):
    from reader.nlp import pipeline  # imports spaCy: only here, only when there is work

    return pipeline.load(lang)


def _annotate_with_model(nlp, metas: list[ArticleMeta], batch_size: int, n_process: int) -> Iterator[Result]:
    """(meta, annotations or None if unreadable, error) for each article, streaming passages through spaCy.

    If the pipeline itself raises (it processes batches of passages, so the culprit is not known),
    the articles not finished yet are redone one at a time and only the failing one is reported.
    """
    from reader.nlp import pipeline

    model = pipeline.model_id(nlp)
    finished: set[int] = set()
    try:
        for meta, ann, error in _stream(nlp, model, metas, batch_size, n_process):
            finished.add(id(meta))
            yield meta, ann, error
        return
    except Exception:  # noqa: BLE001 - redone below, article by article
        log_exception(__name__, "a batch failed: redone article by article", level=DEBUG)
    for meta in metas:
        if id(meta) in finished:
            continue
        try:
            results = list(_stream(nlp, model, [meta], batch_size, 1))
        except Exception as exc:
            log_exception(__name__, "annotating %s failed", meta.path)
            results = [(meta, None, _failed(meta, exc))]
        yield from results


def _stream(nlp, model: str, metas: list[ArticleMeta], batch_size: int, n_process: int) -> Iterator[Result]:
    # articles whose passages are in flight, in order: [meta, article, passages left, drafts, error, notes]
    queue: deque[list] = deque()

    def texts():
        for meta in metas:
            article = _load(meta)
            n = len(article.passages) if article is not None else 0
            queue.append([meta, article, n, [], None, []])
            if article is not None:
                for p in article.passages:
                    yield p.text if len(p.text) <= MAX_MODEL_CHARS else ""

    def finished():
        while queue and queue[0][2] == 0:
            meta, article, _, drafts, error, notes = queue.popleft()
            if article is not None and error is None:
                try:
                    yield meta, _build(article, model, drafts, "; ".join(notes) or None), None
                except Exception as exc:
                    log_exception(__name__, "annotating %s failed", meta.path)
                    yield meta, None, _failed(meta, exc)
            else:
                yield meta, None, error

    passage_texts = texts()
    for doc in _pipe(nlp, passage_texts, batch_size, n_process):
        yield from finished()  # articles with no passages ahead of this one
        entry = queue[0]
        article = entry[1]
        p = article.passages[len(article.passages) - entry[2]]
        if entry[4] is None:
            try:
                if len(p.text) <= MAX_MODEL_CHARS:
                    entry[3].extend(_drafts_of(doc, p, article.meta.published))
                    entry[5].extend(_long_run_notes(p.index, doc))
                else:
                    entry[3].extend(_date_drafts(p.index, p.text, article.meta.published, _lang(article.meta)))
                    entry[5].append(f"passage {p.index} too long for entity detection ({len(p.text):,} characters, "
                                    f"limit {MAX_MODEL_CHARS:,}): dates and amounts only")
            except Exception as exc:  # this article fails, the batch goes on
                log_exception(__name__, "annotating %s failed", entry[0].path)
                entry[4] = _failed(entry[0], exc)
        entry[2] -= 1
        yield from finished()
    for _ in passage_texts:  # pragma: no cover - exhausted by nlp.pipe
        pass
    yield from finished()


def _long_run_notes(index: int, doc) -> list[str]:
    from reader.nlp.pipeline import LONG_RUNS_KEY

    runs = doc.user_data.get(LONG_RUNS_KEY)
    if not runs:
        return []
    longest = max(end - start for start, end in runs)
    what = f"{longest:,} characters without a space" if len(runs) == 1 else \
        f"{len(runs)} runs without a space (the longest {longest:,} characters)"
    return [f"passage {index}: {what} cut at punctuation for entity detection, not by the model's tokenizer"]


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
            out.append(_rule_draft(passage.index, f))
        elif r.rule is None:
            out.append(Draft(passage.index, r.start, r.end, r.text, r.label, r.canonical))
    return out
