"""Benchmark of feed fetching on a loopback farm: many feeds on a few hosts, with latency.

    .venv/bin/python tests/bench/bench_feeds.py [--quick]

Each host is a loopback server (its own port: a host to the per-host limit); every response waits
a latency drawn between 50 and 250 ms, 2 % of feeds are slow (1.5 s). Timed, wall and CPU:
- a sequential fetch (1 worker) — the baseline, what newsboat does by default;
- the work queue (16 workers, at most 2 requests per host), cold: every feed new, parsed, written;
- the same again: every feed answers 304;
and the busiest host's most simultaneous requests (must be ≤ 2).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from feedserver import FeedServer  # noqa: E402

from reader.feeds import net  # noqa: E402
from reader.feeds.subscriptions import FeedsFile, Subscription  # noqa: E402
from reader.feeds.update import Updater  # noqa: E402


def feed_xml(k: int, items: int = 20) -> str:
    body = "".join(f"<item><title>Feed {k} item {i}</title><guid>f{k}-{i}</guid>"
                   f"<pubDate>Tue, 01 Dec 2026 10:{i % 60:02d}:00 GMT</pubDate>"
                   f"<description>&lt;p&gt;Paragraph {i} of feed {k}, with a &lt;a href='/x'&gt;link&lt;/a&gt;."
                   f"&lt;/p&gt;&lt;p&gt;{'Texte de l’article. ' * 30}&lt;/p&gt;</description></item>"
                   for i in range(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {k}</title>{body}</channel></rss>'


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n_feeds, n_hosts = (60, 6) if args.quick else (300, 30)
    rng = random.Random(7)
    servers = [FeedServer().__enter__() for _ in range(n_hosts)]
    try:
        urls = []
        for k in range(n_feeds):
            srv = servers[k % n_hosts]
            delay = 1.5 if rng.random() < 0.02 else rng.uniform(0.05, 0.25)
            srv.add(f"/f{k}.xml", feed_xml(k), etag=f'"{k}"', delay=delay)
            urls.append(srv.url(f"/f{k}.xml"))
        print(f"feeds: {n_feeds} feeds on {n_hosts} loopback hosts, 20 entries each, 50–250 ms latency, 2 % at 1.5 s")
        rows = []
        for label, workers in (("sequential (1 worker)", 1), ("work queue, 16 workers, ≤2/host", 16)):
            corpus = Path(tempfile.mkdtemp(prefix="reader-bench-feeds-"))
            ff = FeedsFile(corpus)
            for u in urls:
                ff.add(Subscription(u))
            ff.save()
            for s in servers:
                s.max_in_flight = 0
            settings = net.Settings(workers=workers, read_timeout=10)
            up = Updater(corpus, settings, interval=0)
            rep, wall, cpu = timed(lambda: up.run(all_feeds=True))
            peak = max(s.max_in_flight for s in servers)
            rows.append((label + ", cold", wall, cpu, rep.total()["new"], peak))
            if workers > 1:
                rep, wall, cpu = timed(lambda: up.run(all_feeds=True))
                rows.append((label + ", all 304", wall, cpu, sum(r.not_modified for r in rep.feeds), peak))
        base = rows[0][1]
        print(f"  {'run':<48} {'wall s':>8} {'cpu s':>7} {'vs seq':>7} {'count':>6} {'peak/host':>9}")
        for label, wall, cpu, count, peak in rows:
            print(f"  {label:<48} {wall:8.2f} {cpu:7.2f} {base / wall:6.1f}× {count:6d} {peak:9d}")
    finally:
        for s in servers:
            s.__exit__(None, None, None)


if __name__ == "__main__":
    main()
