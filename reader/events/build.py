"""The ``events`` ingest stage: extract mentions of changed articles, relink, store.

``update_events(folder, metas, progress)``:

1. for every article, its mentions come from the per-content-hash cache, or are extracted now
   (:func:`reader.events.extract.mentions_for`; an article whose file cannot be read, or whose
   extraction raises, is skipped and reported, never fatal);
2. if nothing changed since the stored result (same article ids and hashes, nothing re-extracted)
   the stored events are kept; otherwise every mention of the corpus is relinked
   (:func:`reader.events.link.link_mentions`, not quadratic: see its docstring);
3. the result is written in one transaction to the SQLite store
   ``paths.corpus_cache_dir(folder)/"events.sqlite"`` (:mod:`reader.events.store`; only events
   whose content changed are rewritten).

Relinking the whole corpus (rather than patching clusters) keeps events identical to a fresh build
(the TF-IDF idf moves with every article, so no cluster is safe from a change elsewhere).
Measured (tests/bench/bench_events.py, generated articles, 2 busy cores): see
:mod:`reader.events.link` for linking (~51 s at 10,000 articles, was ~130-160 s) and
:mod:`reader.events.store` for the store. Unchanged corpora skip the relink entirely.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from reader.events.extract import mentions_for
from reader.events.store import EventSet, load_events, save_events
from reader.log import log_exception


def update_events(folder: Path, metas, progress: Callable[[int, int], None] | None = None) -> dict:
    """Bring the corpus's events up to date; returns a small report (counts, seconds, errors)."""
    t0 = time.perf_counter()
    prog = progress or (lambda done, total: None)
    metas = list(metas)
    total = len(metas)
    mentions = []
    names: dict[str, str] = {}
    extracted = 0
    errors: list[str] = []
    hashes: dict[str, str] = {}
    for n, meta in enumerate(metas, 1):
        try:
            ms, nm, fresh = mentions_for(meta)
        except (OSError, ValueError) as exc:  # ArticleFileError is a ValueError
            errors.append(f"{meta.path.name}: {exc}")
            continue
        except Exception as exc:  # a bug on one article's data costs that article's events only
            log_exception(__name__, "event extraction failed for %s", meta.path)
            errors.append(f"{meta.path.name}: event extraction failed ({type(exc).__name__}: {exc})")
            continue
        extracted += fresh
        hashes[meta.id] = meta.content_hash
        mentions.extend(ms)
        names.update(nm)
        if n % 200 == 0 or n == total:
            prog(n, total + 1)
    report = {"articles": total, "extracted": extracted, "mentions": len(mentions), "errors": errors}
    t1 = time.perf_counter()
    report["extract_s"] = round(t1 - t0, 3)
    old = load_events(folder)
    unchanged = old is not None and not extracted and old.articles == hashes
    if unchanged:  # the counts from the stored stats: listing every event would cost seconds at 10k
        linked = old.stats.get("linked_events")
        report.update(relinked=False, events=len(old), linked=linked if linked is not None else len(old.linked()))
    if old is not None:
        old.close()  # no read snapshot kept open while this process writes
    if unchanged:
        prog(total + 1, total + 1)
        return report
    from reader.events.link import link_mentions

    from reader.languages import base_code, effective, stored

    published = {m.id: m.published.isoformat() if m.published else None for m in metas}
    langs = stored()
    languages = {m.id: base_code(effective(m, langs)) for m in metas}
    events, stats = link_mentions(mentions, published, names, languages=languages)
    t2 = time.perf_counter()
    built = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    save_events(folder, EventSet(events, hashes, stats.to_json(), built))
    report.update(relinked=True, events=stats.events, linked=stats.linked_events,
                  candidate_pairs=stats.candidate_pairs, vetoed_pairs=stats.vetoed_pairs,
                  link_s=round(t2 - t1, 3), save_s=round(time.perf_counter() - t2, 3))
    prog(total + 1, total + 1)
    return report
