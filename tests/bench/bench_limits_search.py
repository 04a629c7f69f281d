"""Search on pathological input (issue 10): what the limits cost and what they prevent.

    .venv/bin/python tests/bench/bench_limits_search.py [--quick] [--full]

A generated corpus (300 articles by default, 2,000 with ``--full``) plus two articles of one 1 MB
paragraph each (one word 125,000 times; five words in random order) and one of 40,000 short
paragraphs. Median time of a page of
20 results with snippets, in one warm searcher, for: a normal word and a normal phrase (the
baselines, on the same index), a word and a phrase matching inside the 1 MB paragraphs; the
article view's match marking of the 1 MB paragraph with and without the per-passage limit, and of
the 40,000 paragraphs with the query parsed once or (as before) for each paragraph; and
queries at and beyond the limits (refused at once) against the same queries with the limits
lifted. Before the limits, a word in a 1 MB paragraph took 30–120 s and a 100,000-character query
more than 120 s and 718 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCH = ROOT / "bench-corpora"
HUGE_WORDS = ["twitter", "plateforme", "marché", "données", "réseau"]


def corpus_for(n: int) -> Path:
    import gencorpus

    out = BENCH / f"limits-search-{n}"
    if out.is_dir() and sum(1 for _ in out.glob("gen-*.md")) == n and (out / "huge-passages.md").exists():
        return out
    gencorpus.generate(out, n, seed=0)
    r = random.Random(0)
    front = '---\nid: {id}\ntitle: "{title}"\nlanguage: fr\npublished: 2023-04-01\n---\n\n'
    (out / "huge-repeated.md").write_text(front.format(id="huge-repeated", title="Un mot répété")
                                          + "twitter " * 125_000 + "\n", encoding="utf-8")
    mixed = " ".join(r.choice(HUGE_WORDS) for _ in range(120_000))
    (out / "huge-mixed.md").write_text(front.format(id="huge-mixed", title="Cinq mots mêlés") + mixed + "\n",
                                       encoding="utf-8")
    (out / "huge-passages.md").write_text(front.format(id="huge-passages", title="Quarante mille paragraphes")
                                          + "Un paragraphe court sur twitter.\n\n" * 40_000, encoding="utf-8")
    return out


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


@contextmanager
def limits_lifted():
    from reader.search import highlight
    from reader.search import parse

    saved = parse.MAX_QUERY_CHARS, parse.MAX_QUERY_TERMS, parse.MAX_EXPANDING_TERMS
    parse.MAX_QUERY_CHARS = parse.MAX_QUERY_TERMS = parse.MAX_EXPANDING_TERMS = 10**9
    highlight._query_test.cache_clear()
    try:
        yield
    finally:
        parse.MAX_QUERY_CHARS, parse.MAX_QUERY_TERMS, parse.MAX_EXPANDING_TERMS = saved
        highlight._query_test.cache_clear()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="search limits on pathological input")
    ap.add_argument("--quick", action="store_true", help="the default: 300 articles")
    ap.add_argument("--full", action="store_true", help="2,000 articles, more runs")
    a = ap.parse_args(argv)
    n, runs = (2000, 7) if a.full else (300, 3)
    BENCH.mkdir(exist_ok=True)
    folder = corpus_for(n)
    cache = tempfile.mkdtemp(prefix="reader-bench-limits-")
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[var] = cache

    from reader.corpus import Catalogue, load_article
    from reader.search import highlight, model, parse, searcher
    from reader.search.index import update_index

    metas = Catalogue(folder).refresh().articles
    t = time.perf_counter()
    update_index(folder, metas)
    print(f"{len(metas)} articles (two of one 1 MB paragraph, one of 40,000 paragraphs), index built in {time.perf_counter() - t:.1f} s")
    s = searcher.Searcher(folder)
    rows: list[tuple[str, str, str]] = []

    def page(q: str) -> model.SearchResults:
        res = s.search(q, limit=20)
        assert res.error is None, (q[:60], res.error)
        return res

    def row(label: str, q: str, note: str = "") -> float:
        res = page(q)
        ms = median_ms(lambda: page(q), runs)
        rows.append((label, f"{ms:.1f} ms", note or f"{res.total} hits" + (" · notice" if res.notice else "")))
        return ms

    page("plateforme")  # warm the searcher
    base = row("baseline: normal word (inflation)", "inflation")
    row("a word 125,000 times in a 1 MB paragraph (twitter)", "twitter")
    base_phrase = row('baseline: normal phrase "annonce une nouvelle plateforme"', '"annonce une nouvelle plateforme"')
    row('a phrase inside the 1 MB paragraphs "twitter plateforme marché"', '"twitter plateforme marché"')

    many = load_article(next(m for m in metas if m.id == "huge-passages"))
    ms = median_ms(lambda: [highlight.match_spans("twitter", p.text) for p in many.passages], runs)
    rows.append(("article view: mark twitter in 40,000 short passages", f"{ms:.0f} ms", "query parsed once"))

    def parse_each_time():  # on 2,000 of the passages, times 20
        for p in many.passages[:2000]:
            highlight._query_test.cache_clear()
            highlight.match_spans("twitter", p.text)

    ms = median_ms(parse_each_time, 1) * len(many.passages) / 2000
    rows.append(("  the same, parsing the query for each passage (before)", f"{ms:.0f} ms", "from 2,000 of them"))
    huge = load_article(next(m for m in metas if m.id == "huge-repeated"))
    for label, limit in (("limit", parse.MAX_SPANS), ("no limit", 10**9)):
        ms = median_ms(lambda: [highlight.match_spans("twitter", p.text, limit=limit) for p in huge.passages], runs)
        rows.append((f"article view: mark twitter in the 1 MB paragraph ({label})", f"{ms:.1f} ms",
                     f"{len(highlight.match_spans('twitter', huge.passages[0].text, limit=limit)):,} spans"))

    r = random.Random(1)
    vocab = ["plateforme", "marché", "réseau", "données", "annonceur", "stratégie", "budget", "élection"]
    words = " ".join(f"{r.choice(vocab)}{i}" for i in range(parse.MAX_QUERY_TERMS))
    fuzzy = " ".join(f"{r.choice(vocab)}~" for _ in range(parse.MAX_EXPANDING_TERMS))
    row(f"{parse.MAX_QUERY_TERMS} words (the limit)", words)
    row(f"{parse.MAX_EXPANDING_TERMS} fuzzy words (the limit)", fuzzy)
    long_query = " ".join(r.choice(vocab) for _ in range(20_000))[:100_000]
    ms = median_ms(lambda: s.search(long_query), runs)
    rows.append(("100,000-character query: refused", f"{ms:.2f} ms", s.search(long_query).error or ""))
    with limits_lifted():
        mid = long_query[:10_000]
        ms = median_ms(lambda: s.search(mid), 1)
        rows.append(("10,000-character query, limits lifted", f"{ms:.0f} ms", "what the limit prevents"))
        many_fuzzy = " ".join(f"{r.choice(vocab)}~" for _ in range(40))
        ms = median_ms(lambda: s.search(many_fuzzy), 1)
        rows.append(("40 fuzzy words, limits lifted", f"{ms:.0f} ms", "what the limit prevents"))
    s.close()
    width = max(len(x[0]) for x in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>12}  {note}")
    print(f"(baselines: word {base:.1f} ms, phrase {base_phrase:.1f} ms; before the limits a word in a 1 MB "
          f"paragraph took 30–120 s, a 100,000-character query > 120 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
