"""Benchmark: event extraction and linking on generated corpora.

    .venv/bin/python tests/bench/bench_events.py [--quick] [--sizes 1000 10000]

Generated articles (tests/bench/gencorpus.py) have no cached entity annotations and spaCy would
take ~1 h for 10,000 articles, so their annotations are derived here without spaCy: dates and
amounts from the pure-Python finder ``reader.nlp.dates.find`` (resolved against the publication
date) plus a capitalised-name heuristic for entities (:func:`heuristic_annotations`). The output
says so. Figures: extraction time (cold: articles read, parsed, extracted and cached; warm: from
the per-hash cache), linking time, mentions, candidate pairs against n² (n = mentions), events.
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

from reader.annotations import Annotations, EntityInfo, Mention  # noqa: E402

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
    from reader import annotations as store
    from reader.corpus import Catalogue, load_article

    metas = Catalogue(folder).refresh().articles
    for meta in metas:
        art = load_article(meta)
        store.save(heuristic_annotations(meta.id, meta.content_hash, art.passages, meta.published))
    return metas


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
    m = stats.mentions
    return {
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
