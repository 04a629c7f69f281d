"""Search benchmark: Whoosh index (reader.search) against SQLite FTS5 on the same corpus.

    .venv/bin/python tests/bench/bench_search.py [--quick] [--sizes 10000,50000] [--reuse-index]

For each size: a generated corpus under ``bench-corpora/search-<N>/`` (reused when present), an
isolated cache under ``bench-corpora/search-cache-<N>/``. Measures index build time and size,
open-searcher memory (RSS delta, in a fresh process), latency (median, p95) of ~200 fixed queries
(words, phrases, fuzzy, prefix, fielded, dates) *including the first page's snippets*, the first
pass and a second pass, the same queries on FTS5 (``snippet()``, total count) as a ratio, and an
incremental update of 10 articles. Goals at 50k: p95 ≤ 50 ms, median ≤ 20 ms, searcher ≤ 200 MB,
10 updates ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCH = ROOT / "bench-corpora"
GOALS = {"p95_ms": 50, "median_ms": 20, "memory_mb": 200, "update10_s": 1.0}


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def corpus_for(n: int) -> Path:
    import gencorpus

    out = BENCH / f"search-{n}"
    if out.is_dir() and sum(1 for _ in out.glob("*.md")) == n:
        return out
    t = time.perf_counter()
    gencorpus.generate(out, n, seed=0)
    print(f"  generated {n} articles in {time.perf_counter() - t:.1f}s", flush=True)
    return out


def make_queries(n: int = 200) -> list[str]:
    """A fixed, deterministic mix of query kinds (vocabulary of tests/bench/gencorpus.py)."""
    import gencorpus as g

    r = random.Random(42)
    nouns = [w for w in g.NOUNS if " " not in w]
    people = [f"{a} {b}" for a in g.FIRST[:8] for b in g.LAST[:8]]
    orgs = [o for o in g.ORGS if " " not in o and "'" not in o]
    qs: list[str] = []

    def typo(w: str) -> str:
        i = r.randrange(1, len(w) - 1)
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]

    kinds = [
        lambda: r.choice(nouns),
        lambda: f"{r.choice(nouns)} {r.choice(g.VERBS)}",
        lambda: f"{r.choice(orgs)} {r.choice(nouns)} {r.choice(g.ADJS)}",
        lambda: f'"{r.choice(people)}"',
        lambda: f'"{r.choice(g.ADJS)} {r.choice(nouns)}"',
        lambda: f"{typo(r.choice([w for w in nouns if len(w) > 6]))}~",
        lambda: f"{r.choice(nouns)[:4]}*",
        lambda: f"title:{r.choice(nouns)}",
        lambda: f"{r.choice(g.PLACES).split()[0]} date:{r.randint(2020, 2024)}-{r.randint(1, 12):02d}",
        lambda: f"{r.choice(orgs)} -{r.choice(nouns)}",
        lambda: f"{r.choice(nouns)} OR {r.choice(nouns)}",
        lambda: f'source:"{r.choice(g.SOURCES)}" {r.choice(nouns)}',
        lambda: f"{r.choice(nouns)} date:[{r.randint(2020, 2023)}-01-01 to {r.randint(2023, 2024)}-06-30]",
    ]
    while len(qs) < n:
        qs.append(kinds[len(qs) % len(kinds)]())
    return qs


# -- FTS5 -----------------------------------------------------------------------------------------


def fts5_build(metas, db: Path) -> float:
    from reader.corpus import load_article

    if db.exists():
        db.unlink()
    t = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, source, published UNINDEXED,"
                 " tokenize='unicode61 remove_diacritics 2')")
    rows = []
    for m in metas:
        a = load_article(m)
        rows.append((m.id, m.title, a.parsed.plain_text, m.source or "", m.published.isoformat() if m.published else ""))
    conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - t


def fts5_translate(q: str) -> tuple[str, str]:
    """Whoosh-syntax query → (FTS5 MATCH, extra SQL condition). Fuzzy has no FTS5 equivalent: plain word."""
    cond = ""
    m = re.search(r"date:\[(\S+) to (\S+)\]", q)
    if m:
        cond = f" AND published BETWEEN '{m.group(1)}' AND '{m.group(2)}'"
        q = q.replace(m.group(0), "")
    m = re.search(r"date:(\d{4}-\d\d)", q)
    if m:
        cond = f" AND published LIKE '{m.group(1)}%'"
        q = q.replace(m.group(0), "")
    q = q.replace("~", "")
    q = re.sub(r'source:("[^"]*")', r"source:\1", q)
    q = re.sub(r"\s-(\w+)", r" NOT \1", q)
    return q.strip(), cond


def fts5_queries(db: Path, queries: list[str]) -> list[float]:
    conn = sqlite3.connect(db)
    times = []
    for q in queries:
        match, cond = fts5_translate(q)
        t = time.perf_counter()
        try:
            conn.execute(f"SELECT count(*) FROM docs WHERE docs MATCH ?{cond}", (match,)).fetchone()
            conn.execute(f"SELECT id, title, snippet(docs, 2, '[', ']', '…', 24) FROM docs WHERE docs MATCH ?{cond}"
                         " ORDER BY rank LIMIT 20", (match,)).fetchall()
        except sqlite3.OperationalError:
            pass
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return times


# -- query phase (run in a fresh process for a clean RSS) -----------------------------------------


def query_phase(corpus: Path, queries: list[str]) -> dict:
    import whoosh  # noqa: F401

    from reader.search.searcher import Searcher

    base = rss_mb()
    t = time.perf_counter()
    s = Searcher(corpus)
    first = s.search("plateforme")
    open_ms = (time.perf_counter() - t) * 1000
    after_open = rss_mb()
    passes = []
    totals = []
    errors = 0
    for _ in range(2):
        times = []
        for q in queries:
            t = time.perf_counter()
            r = s.search(q, limit=20)
            times.append((time.perf_counter() - t) * 1000)
            if r.error:
                errors += 1
                print(f"  query error {q!r}: {r.error}", file=sys.stderr)
            totals.append(r.total)
        passes.append(times)
    date_times = []
    for q in queries[:50]:
        t = time.perf_counter()
        s.search(q, limit=20, sort="date")
        date_times.append((time.perf_counter() - t) * 1000)
    after_queries = rss_mb() - base  # before the phrase part below (it reads some catalogue rows)
    # phrases of 3+ indexed words, taken from article titles: their candidates (every adjacent pair
    # present) are checked word by word, the costly case of a phrase query
    import random

    from reader.corpus import Catalogue
    from reader.search.analysis import terms

    rnd = random.Random(5)
    metas = Catalogue(corpus).cached().articles
    titles = [metas[i].title for i in rnd.sample(range(len(metas)), min(400, len(metas)))]
    phrases = [f'"{t}"' for t in titles if len(terms(t)) >= 3][:40]
    phrase_times, approx = [], 0
    for q in phrases:
        t = time.perf_counter()
        r = s.search(q, limit=20)
        phrase_times.append((time.perf_counter() - t) * 1000)
        approx += r.approximate
    return {
        "phrase": phrase_times,
        "phrase_approximate": approx,
        "open_first_query_ms": open_ms,
        "first_total": first.total,
        "rss_open_mb": after_open - base,
        "rss_after_queries_mb": after_queries,
        "pass1": passes[0],
        "pass2": passes[1],
        "date_sort": date_times,
        "hits_avg": statistics.mean(totals),
        "errors": errors,
    }


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def bench_size(n: int, reuse: bool) -> dict:
    print(f"\n== {n} articles", flush=True)
    corpus = corpus_for(n)
    cache = BENCH / f"search-cache-{n}"
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from reader.corpus import Catalogue
    from reader.search.index import index_dir, merge_small_segments, update_index

    metas = Catalogue(corpus).refresh().articles
    d = index_dir(corpus)
    out: dict = {"articles": len(metas)}
    if not reuse:
        shutil.rmtree(d, ignore_errors=True)
    t = time.perf_counter()
    rep = update_index(corpus, metas)
    out["build_s"] = time.perf_counter() - t
    out["build_report"] = rep
    out["merge"] = merge_small_segments(corpus)  # what every ingest ends with
    print(f"  segments merged: {out['merge']}", flush=True)
    out["index_mb"] = sum(f.stat().st_size for f in d.iterdir()) / 1e6
    print(f"  build {out['build_s']:.1f}s, index {out['index_mb']:.0f} MB", flush=True)

    queries = make_queries()
    qfile = cache / "queries.json"
    qfile.write_text(json.dumps(queries), encoding="utf-8")
    proc = subprocess.run([sys.executable, __file__, "--_query-phase", str(corpus), str(qfile)],
                          capture_output=True, text=True, env=dict(os.environ))
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit("query phase failed")
    if proc.stderr.strip():
        print(proc.stderr.strip()[:2000], file=sys.stderr)
    qp = json.loads(proc.stdout.strip().splitlines()[-1])
    out.update({k: v for k, v in qp.items() if k not in ("pass1", "pass2", "date_sort", "phrase")})
    for name in ("pass1", "pass2", "date_sort", "phrase"):
        out[f"{name}_median_ms"] = statistics.median(qp[name])
        out[f"{name}_p95_ms"] = pct(qp[name], 95)
    out["slowest"] = sorted(zip(qp["pass1"], queries), reverse=True)[:5]

    db = cache / "fts5.sqlite3"
    out["fts5_build_s"] = fts5_build(metas, db)
    out["fts5_mb"] = db.stat().st_size / 1e6
    ft = fts5_queries(db, queries)
    ft2 = fts5_queries(db, queries)
    out["fts5_median_ms"] = statistics.median(ft2)
    out["fts5_p95_ms"] = pct(ft2, 95)
    out["fts5_pass1_median_ms"] = statistics.median(ft)

    # incremental update of 10 articles (then restore them)
    victims = metas[:: max(1, len(metas) // 10)][:10]
    saved = {m.path: m.path.read_bytes() for m in victims}
    try:
        for p in saved:
            p.write_bytes(saved[p] + "\nUne phrase ajoutée pour le banc d'essai de recherche.\n".encode())
        metas2 = Catalogue(corpus).refresh().articles
        t = time.perf_counter()
        rep = update_index(corpus, metas2)
        out["update10_s"] = time.perf_counter() - t
        out["update10_report"] = rep
    finally:
        for p, data in saved.items():
            p.write_bytes(data)
        update_index(corpus, Catalogue(corpus).refresh().articles)
    return out


def report(n: int, r: dict) -> None:
    ratio = r["pass1_median_ms"] / r["fts5_median_ms"] if r["fts5_median_ms"] else float("nan")
    ratio95 = r["pass1_p95_ms"] / r["fts5_p95_ms"] if r["fts5_p95_ms"] else float("nan")
    print(f"\n-- results at {n} articles")
    rows = [
        ("index build, s", f"{r['build_s']:.1f}", f"{r['fts5_build_s']:.1f}"),
        ("index size, MB", f"{r['index_mb']:.0f}", f"{r['fts5_mb']:.0f}"),
        ("page (20 hits + snippets), median ms, 1st pass", f"{r['pass1_median_ms']:.1f}", f"{r['fts5_pass1_median_ms']:.1f}"),
        ("page, p95 ms, 1st pass", f"{r['pass1_p95_ms']:.1f}", ""),
        ("page, median / p95 ms, 2nd pass", f"{r['pass2_median_ms']:.1f} / {r['pass2_p95_ms']:.1f}",
         f"{r['fts5_median_ms']:.1f} / {r['fts5_p95_ms']:.1f}"),
        ("sorted by date, median / p95 ms", f"{r['date_sort_median_ms']:.1f} / {r['date_sort_p95_ms']:.1f}", ""),
        ("3+-word phrases (checked in a row), median / p95 ms",
         f"{r['phrase_median_ms']:.1f} / {r['phrase_p95_ms']:.1f} ({r['phrase_approximate']} approx.)", ""),
        ("searcher open + first query, ms", f"{r['open_first_query_ms']:.0f}", ""),
        ("searcher memory (RSS delta), MB", f"{r['rss_open_mb']:.0f} open, {r['rss_after_queries_mb']:.0f} after queries", ""),
        ("update 10 articles, s", f"{r['update10_s']:.2f}", ""),
    ]
    print(f"{'':48} {'Whoosh':>28} {'FTS5':>14}")
    for name, a, b in rows:
        print(f"{name:48} {a:>28} {b:>14}")
    print(f"ratio Whoosh/FTS5 (page median, p95): {ratio:.1f}x, {ratio95:.1f}x; avg hits {r['hits_avg']:.0f};"
          f" queries with an error: {r['errors']}")
    print("slowest (1st pass): " + "; ".join(f"{q!r} {t:.0f} ms" for t, q in r["slowest"]))
    if n >= 50000:
        ok = {
            "p95": r["pass1_p95_ms"] <= GOALS["p95_ms"],
            "median": r["pass1_median_ms"] <= GOALS["median_ms"],
            "memory": r["rss_after_queries_mb"] <= GOALS["memory_mb"],
            "update": r["update10_s"] <= GOALS["update10_s"],
        }
        print("goals at 50k: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in ok.items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="search benchmark (Whoosh vs SQLite FTS5)")
    ap.add_argument("--quick", action="store_true", help="2,000 articles only")
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--reuse-index", action="store_true", help="do not rebuild an existing index")
    ap.add_argument("--_query-phase", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a._query_phase:
        corpus, qfile = a._query_phase
        res = query_phase(Path(corpus), json.loads(Path(qfile).read_text(encoding="utf-8")))
        print(json.dumps(res))
        return 0
    sizes = [2000] if a.quick else [int(x) for x in a.sizes.split(",")]
    BENCH.mkdir(exist_ok=True)
    for n in sizes:
        r = bench_size(n, a.reuse_index)
        report(n, r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
