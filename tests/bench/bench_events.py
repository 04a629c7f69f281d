"""Benchmark: event extraction and linking on generated corpora.

    .venv/bin/python tests/bench/bench_events.py [--quick] [--sizes 1000 10000]

Generated articles (tests/bench/gencorpus.py) have no cached entity annotations and spaCy would
take ~1 h for 10,000 articles, so their annotations are derived here without spaCy: dates and
amounts from the pure-Python finder ``reader.nlp.dates.find`` (resolved against the publication
date) plus a capitalised-name heuristic for entities (:func:`heuristic_annotations`). The output
says so. Figures: extraction time (cold: articles read, parsed, extracted and cached; warm: from
the per-hash cache), linking time, store write, mentions, candidate pairs against n² (n = mentions),
events; then the read side the UI pays: ``load_events`` time and Python memory (tracemalloc peak),
``for_article`` and ``nearest`` latency (first call for an article), one event's mentions, ``all()``
(timeline) time and memory, store size. The machine may be busy: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from reader.entities.model import Annotations, EntityInfo, Mention  # noqa: E402

_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w’'-]+(?:\s+(?:de\s+|d['’])?[A-ZÀ-ÖØ-Þ][\w’'-]+)*")
_NOT_NAMES = {
    "La", "Le", "Les", "L", "Un", "Une", "Des", "De", "Du", "Ce", "Cette", "Ces", "Il", "Elle", "Ils", "Elles",
    "On", "Nous", "Vous", "Je", "Dans", "Par", "Pour", "Sur", "Avec", "Selon", "En", "Et", "Mais", "Ou",
    "Ainsi", "Pourtant", "Cependant", "Ensuite", "Enfin", "Depuis", "Comme", "Quoi", "Reste", "Difficile",
    "Aujourd", "Hier", "Demain", "Par ailleurs", "En effet", "De plus", "En outre", "Dans les faits",
    "D'après", "C'est", "Cela", "Ces", "Musk", "Lawsuit", "They", "The", "A", "À", "Au", "Aux",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def heuristic_annotations(article_id: str, content_hash: str, passages, published) -> Annotations:
    """Annotations without spaCy: the date/money finder plus capitalised word runs as entities."""
    from reader.nlp.dates import find

    mentions: list[Mention] = []
    names: dict[str, tuple[str, int]] = {}
    for p in passages:
        found = find(p.text, published)
        taken = [(f.start, f.end) for f in found]
        for f in found:
            mentions.append(Mention(p.index, f.start, f.end, f.text, f.label, f"{f.label}:{f.value or f.text}",
                                    f.value, f.date_start.isoformat() if f.date_start else None,
                                    f.date_end.isoformat() if f.date_end else None, f.granularity))
        for m in _NAME.finditer(p.text):
            text = m.group()
            start = m.start()
            first, _, rest = text.partition(" ")
            if first.rstrip("'’") in _NOT_NAMES or first in _NOT_NAMES:
                if not rest or not rest[0].isupper():
                    continue
                start += len(first) + 1
                text = rest
            if len(text) < 3 or any(start < e and s < start + len(text) for s, e in taken):
                continue
            key = "MISC:" + _fold(text)
            mentions.append(Mention(p.index, start, start + len(text), text, "MISC", key))
            name, n = names.get(key, (text, 0))
            names[key] = (name, n + 1)
    mentions.sort(key=lambda m: (m.passage, m.start))
    ents = [EntityInfo(k, "MISC", name, n) for k, (name, n) in names.items()]
    return Annotations(article_id, content_hash, "fr", "heuristic", None, mentions, ents)


def annotate_folder_heuristically(folder: Path) -> list:
    """Catalogue a folder and cache heuristic annotations for each article; returns the metas."""
    from reader.entities import cache as store
    from reader.corpus import Catalogue, load_article

    metas = Catalogue(folder).refresh().articles
    for meta in metas:
        art = load_article(meta)
        store.save(heuristic_annotations(meta.id, meta.content_hash, art.passages, meta.published))
    return metas


def read_side(folder: Path, article_ids: list[str], probes: int = 300) -> dict:
    """What the UI pays: load_events (time, Python memory), for_article and nearest per article
    (first call for that article), all() for the timeline, one event's mentions."""
    import random
    import tracemalloc

    from reader.events.store import events_file, load_events

    tracemalloc.start()
    t0 = time.perf_counter()
    es = load_events(folder)
    t_load = time.perf_counter() - t0
    load_mem = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ids = random.Random(0).sample(article_ids, min(probes, len(article_ids)))
    t0 = time.perf_counter()
    shown = [es.for_article(a) for a in ids]
    t_for = (time.perf_counter() - t0) / len(ids)
    t0 = time.perf_counter()
    for a in ids:
        for p in range(0, 12, 3):
            es.nearest(a, p)
    t_near = (time.perf_counter() - t0) / (len(ids) * 4)
    t0 = time.perf_counter()
    for evs in shown:
        if evs:
            _ = evs[0].mentions
    t_ment = (time.perf_counter() - t0) / len(ids)
    t0 = time.perf_counter()
    everything = es.all()
    t_all = time.perf_counter() - t0
    fresh = load_events(folder)
    tracemalloc.start()
    fresh.all()
    all_mem = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = sum(p.stat().st_size for p in events_file(folder).parent.glob(events_file(folder).name + "*"))
    return {"load_ms": t_load * 1e3, "load_kb": load_mem / 1024, "for_article_ms": t_for * 1e3,
            "nearest_ms": t_near * 1e3, "mentions_ms": t_ment * 1e3, "all_s": t_all, "all_mb": all_mem / 2**20,
            "all_n": len(everything), "store_mb": size / 2**20,
            "per_article": sum(map(len, shown)) / max(len(shown), 1)}


def bench(n: int, work: Path) -> dict:
    from gencorpus import generate

    from reader.events import extract
    from reader.events.build import update_events
    from reader.events.link import link_mentions

    folder = work / f"corpus-{n}"
    generate(folder, n, seed=0)
    t0 = time.perf_counter()
    metas = annotate_folder_heuristically(folder)
    t_ann = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = update_events(folder, metas)
    t_cold = time.perf_counter() - t0
    # warm: mentions from the per-hash cache; time the extraction read and the linking apart
    t0 = time.perf_counter()
    mentions, names = [], {}
    for meta in metas:
        ms, nm, _ = extract.mentions_for(meta)
        mentions.extend(ms)
        names.update(nm)
    t_warm = time.perf_counter() - t0
    published = {m.id: m.published.isoformat() if m.published else None for m in metas}
    t0 = time.perf_counter()
    events, stats = link_mentions(mentions, published, names)
    t_link = time.perf_counter() - t0
    # store: a save of an unchanged result rewrites nothing; one changed article rewrites its events
    from reader.events.store import EventSet, save_events

    es = EventSet(events, {m.id: m.content_hash for m in metas}, stats.to_json())
    t0 = time.perf_counter()
    save_events(folder, es)
    t_resave = time.perf_counter() - t0
    read = read_side(folder, [m.id for m in metas])
    m = stats.mentions
    return {**read, "resave_s": t_resave, "save_s": report.get("save_s", 0.0),
        "articles": n, "annotate_s": t_ann, "ingest_cold_s": t_cold, "extract_cold_s": report["extract_s"],
        "extract_warm_s": t_warm, "link_s": t_link, "mentions": m, "pairs": stats.candidate_pairs,
        "n2": m * (m - 1) // 2, "vetoed": stats.vetoed_pairs, "events": stats.events, "linked": stats.linked_events,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="event extraction and linking benchmark")
    ap.add_argument("--quick", action="store_true", help="1,000 articles only")
    ap.add_argument("--sizes", type=int, nargs="+", default=None)
    args = ap.parse_args(argv)
    sizes = args.sizes or ([1000] if args.quick else [1000, 10000])
    print("annotations: reader.nlp.dates.find (dates, money) + capitalised-name heuristic (no spaCy)")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(work / var)
        for n in sizes:
            r = bench(n, work)
            rows.append(r)
            print(f"{n:>6} articles: annotate {r['annotate_s']:.1f}s | ingest stage cold {r['ingest_cold_s']:.1f}s "
                  f"(extract {r['extract_cold_s']:.1f}s) | extract warm {r['extract_warm_s']:.2f}s | "
                  f"link {r['link_s']:.1f}s")
            print(f"        store {r['store_mb']:.1f} MB, first save {r['save_s']:.1f}s, unchanged re-save "
                  f"{r['resave_s']:.2f}s | load_events {r['load_ms']:.1f} ms, {r['load_kb']:.0f} KB | for_article "
                  f"{r['for_article_ms']:.2f} ms ({r['per_article']:.1f} events) | nearest {r['nearest_ms']:.3f} ms | "
                  f"mentions of an event {r['mentions_ms']:.2f} ms | all() {r['all_n']:,} events "
                  f"{r['all_s']:.2f}s, {r['all_mb']:.0f} MB")
            print(f"        mentions {r['mentions']:,} | candidate pairs {r['pairs']:,} = "
                  f"{r['pairs'] / max(r['n2'], 1):.2e} of n²/2 ({r['n2']:,}) | {r['pairs'] / max(r['mentions'], 1):.1f} "
                  f"pairs per mention | vetoed {r['vetoed']:,} | events {r['events']:,}, linked {r['linked']:,}")
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        k = b["articles"] / a["articles"]
        print(f"x{k:.0f} articles: link time x{b['link_s'] / max(a['link_s'], 1e-9):.1f}, "
              f"candidate pairs x{b['pairs'] / max(a['pairs'], 1):.1f} (quadratic would be x{k * k:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
