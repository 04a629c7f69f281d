"""Search in several languages: the cost of per-language analysis in one index.

    .venv/bin/python tests/bench/bench_lang_search.py [--quick] [--sizes 10000] [--code-before DIR]

At each size, two generated corpora of the same number of articles: French only
(tests/bench/gencorpus.py) and mixed, half of it those French articles and half English ones
(generated here from an English vocabulary). For each: index build time and size, and the median
and p95 of ~200 fixed queries (French and English words, plurals, phrases, fuzzy, prefix, fielded,
dates) including the first page's snippets, second pass (warm). ``--code-before DIR`` also runs
the French-only corpus with the reader package of another checkout (e.g. the main branch before
per-language search) for a before/after figure. Each run is a fresh process with its own cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
BENCH = ROOT / "bench-corpora"

EN_FIRST = ["Emily", "James", "Olivia", "Michael", "Sarah", "David", "Laura", "Daniel", "Rachel", "Peter"]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Walker", "Harris", "Clark", "Lewis", "Young", "Hall"]
EN_ORGS = ["Microsoft", "Google", "Apple", "Amazon", "Meta", "Twitter", "OpenAI", "Boeing", "Tesla", "Netflix",
           "the Federal Reserve", "the European Commission", "Congress", "the Senate"]
EN_PLACES = ["London", "New York", "Chicago", "Boston", "Seattle", "Toronto", "Sydney", "Dublin", "Miami", "Austin"]
EN_NOUNS = ["platform", "platforms", "decision", "market", "markets", "company", "companies", "government",
            "project", "agreement", "network", "service", "users", "advertising", "advertisers", "data", "reform",
            "budget", "election", "elections", "strategy", "competition", "innovation", "pricing", "lawsuit",
            "investigation", "partnership", "investment", "growth", "inflation", "energy", "transport", "climate",
            "security", "health", "education", "software", "subscription", "regulation", "justice", "campaign"]
EN_VERBS = ["announces", "confirms", "denies", "prepares", "presents", "launches", "withdraws", "criticises",
            "supports", "funds", "buys", "abandons", "negotiates", "signs", "disputes", "publishes", "reveals"]
EN_ADJS = ["new", "major", "strategic", "public", "digital", "European", "financial", "recent", "controversial",
           "ambitious", "costly", "free", "paid"]
EN_FILL = ["of the", "for the", "on the", "and the", "with a", "in the"]


def english_article(r: random.Random, n: int) -> str:
    def person():
        return f"{r.choice(EN_FIRST)} {r.choice(EN_LAST)}"

    pub = dt.date(2020, 1, 1) + dt.timedelta(days=r.randint(0, 365 * 5))
    title = f"{r.choice(EN_ORGS + [person()])} {r.choice(EN_VERBS)} a {r.choice(EN_ADJS)} {r.choice(EN_NOUNS)}"
    body, words = [], 0
    target = r.randint(300, 800)
    while words < target:
        sents = []
        for _ in range(r.randint(2, 5)):
            s = f"{r.choice([person(), r.choice(EN_ORGS)])} {r.choice(EN_VERBS)} a {r.choice(EN_ADJS)} {r.choice(EN_NOUNS)}"
            if r.random() < 0.3:
                s += f" in {r.choice(EN_PLACES)}"
            if r.random() < 0.3:
                d = pub + dt.timedelta(days=r.randint(-60, 30))
                s += f" on {d.strftime('%B')} {d.day}, {d.year}"
            s += " " + " ".join(r.choice(EN_NOUNS) if i % 2 else r.choice(EN_FILL) for i in range(r.randint(2, 10)))
            sents.append(s[0].upper() + s[1:] + ".")
        para = " ".join(sents)
        body.append(para)
        words += len(para.split())
    art_id = f"gen-en-{n:06d}"
    return (f"---\nid: {art_id}\ntitle: \"{title[0].upper() + title[1:]}\"\nlanguage: en\n"
            f"published: {pub.isoformat()}\nsource: \"Daily Wire Service\"\n---\n\n" + "\n\n".join(body) + "\n")


def corpora(n: int) -> tuple[Path, Path]:
    """(French-only corpus of n articles, mixed corpus: n//2 of those French articles + n - n//2 English)."""
    import gencorpus

    fr = BENCH / f"langsearch-fr-{n}"
    if not (fr.is_dir() and sum(1 for _ in fr.glob("*.md")) == n):
        shutil.rmtree(fr, ignore_errors=True)
        gencorpus.generate(fr, n, seed=0)
    mixed = BENCH / f"langsearch-mixed-{n}"
    if not (mixed.is_dir() and sum(1 for _ in mixed.glob("*.md")) == n):
        shutil.rmtree(mixed, ignore_errors=True)
        mixed.mkdir(parents=True)
        for p in sorted(fr.glob("*.md"))[: n // 2]:
            shutil.copy(p, mixed / p.name)
        r = random.Random(1)
        for i in range(n - n // 2):
            (mixed / f"gen-en-{i:06d}.md").write_text(english_article(r, i), encoding="utf-8")
    return fr, mixed


def make_queries() -> list[str]:
    import gencorpus as g

    r = random.Random(42)
    fr_nouns = [w for w in g.NOUNS if " " not in w]
    out = []
    for i in range(200):
        k = i % 10
        if k in (0, 1):
            out.append(r.choice(fr_nouns))
        elif k in (2, 3):
            out.append(r.choice(EN_NOUNS))
        elif k == 4:
            out.append(f"{r.choice(fr_nouns)} {r.choice(EN_NOUNS)}")
        elif k == 5:
            out.append(f'"{r.choice(g.FIRST)} {r.choice(g.LAST)}"' if i % 20 < 10
                       else f'"{r.choice(EN_FIRST)} {r.choice(EN_LAST)}"')
        elif k == 6:
            out.append(f"{r.choice(EN_NOUNS + fr_nouns)[:4]}*")
        elif k == 7:
            out.append(f"{r.choice(EN_NOUNS + fr_nouns)}~")
        elif k == 8:
            out.append(f"{r.choice(EN_NOUNS + fr_nouns)} date:{r.randint(2020, 2024)}-{r.randint(1, 12):02d}")
        else:
            out.append(f"{r.choice(EN_ORGS[:10] + g.ORGS[:10]).split()[-1]} -{r.choice(fr_nouns)}")
    return out


def one_run(corpus: Path, cache: Path) -> dict:
    """In this process (its PYTHONPATH picks the reader package): build, size, queries."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from reader.corpus import Catalogue
    from reader.search.index import index_dir, merge_small_segments, update_index
    from reader.search.searcher import Searcher

    metas = Catalogue(corpus).refresh().articles
    d = index_dir(corpus)
    shutil.rmtree(d, ignore_errors=True)
    t = time.perf_counter()
    update_index(corpus, metas)
    build = time.perf_counter() - t
    merge_small_segments(corpus)
    size = sum(f.stat().st_size for f in d.iterdir() if f.is_file()) / 1e6
    s = Searcher(corpus)
    queries = make_queries()
    passes, totals = [], 0
    for _ in range(2):
        times = []
        for q in queries:
            t = time.perf_counter()
            res = s.search(q, limit=20)
            times.append((time.perf_counter() - t) * 1000)
            totals += res.total
        passes.append(times)
    s.close()
    return {"articles": len(metas), "build_s": build, "index_mb": size, "cold": passes[0], "warm": passes[1],
            "hits": totals // 2}


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def run(corpus: Path, code: Path, tag: str) -> dict:
    cache = BENCH / f"langsearch-cache-{tag}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(code))
    proc = subprocess.run([sys.executable, __file__, "--_run", str(corpus), str(cache)],
                          capture_output=True, text=True, env=env)
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"run {tag} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="per-language search: mixed fr/en corpus against French only")
    ap.add_argument("--quick", action="store_true", help="2,000 articles only")
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--code-before", type=Path, help="a checkout whose reader/ runs the French-only corpus too")
    ap.add_argument("--_run", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a._run:
        print(json.dumps(one_run(Path(a._run[0]), Path(a._run[1]))))
        return 0
    sizes = [2000] if a.quick else [int(x) for x in a.sizes.split(",")]
    BENCH.mkdir(exist_ok=True)
    for n in sizes:
        fr, mixed = corpora(n)
        rows = []
        if a.code_before:
            rows.append(("French only, code before", run(fr, a.code_before.resolve(), f"before-{n}")))
        rows.append(("French only", run(fr, ROOT, f"fr-{n}")))
        rows.append(("mixed fr/en", run(mixed, ROOT, f"mixed-{n}")))
        print(f"\n== {n} articles (~200 queries with the first page's snippets; ms)")
        print(f"{'corpus':<28}{'build s':>9}{'index MB':>10}{'cold med':>10}{'cold p95':>10}"
              f"{'warm med':>10}{'warm p95':>10}{'hits':>9}")
        for name, r in rows:
            print(f"{name:<28}{r['build_s']:>9.1f}{r['index_mb']:>10.1f}{statistics.median(r['cold']):>10.2f}"
                  f"{pct(r['cold'], 95):>10.2f}{statistics.median(r['warm']):>10.2f}{pct(r['warm'], 95):>10.2f}"
                  f"{r['hits']:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
