"""Benchmark of feed fetching on a loopback farm (issue 12's `make bench` figures).

    .venv/bin/python tests/bench/bench_feeds.py [--quick]

Full run: 500 feeds on 50 loopback hosts (each its own server and port: a host to the per-host
limit), every response after 200 ms, 2 % of the feeds slow (1.5 s), 1 % hanging (never answer: each
costs one read timeout, net.READ_TIMEOUT). Timed, wall and CPU, in the same run:
- a sequential fetch (1 worker) — the baseline, newsboat's default — parsing and writing included;
- the work queue (net.WORKERS threads, at most 2 requests per host), cold: every feed new, parsed, written;
- the same again: every feed answers 304 (the slowest of the last run started first);
- fetch to searchable: 200 new articles fetched, then ``reader index`` until ``reader search``
  finds all of them (the index runs its search stage first; the entity stage after it is not waited for).
Prints the ratios and whether each aim is met: first pass ≤ 20 s, conditional pass ≤ read timeout
+ 2 s, never more than 2 requests per host in flight, ≥ 9× faster than sequential.
``--quick``: 60 feeds on 6 hosts, a 3 s read timeout, 40 articles to search.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.feedserver import FeedServer  # noqa: E402

from reader.feeds import net  # noqa: E402
from reader.feeds.net import WORKERS  # noqa: E402

LATENCY, SLOW = 0.2, 1.5


def feed_xml(k: int, items: int, word: str = "") -> str:
    body = "".join(f"<item><title>Feed {k} item {i}</title><guid>f{k}-{i}</guid><link>/a/{k}/{i}</link>"
                   f"<pubDate>Tue, 01 Dec 2026 10:{i % 60:02d}:00 GMT</pubDate>"
                   f"<description>&lt;p&gt;Paragraph {i} of feed {k} {word}, with a &lt;a href='/x'&gt;link&lt;/a&gt;."
                   f"&lt;/p&gt;&lt;p&gt;{'Texte de l’article, assez long pour être entier. ' * 12}&lt;/p&gt;"
                   f"</description></item>" for i in range(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {k}</title>{body}</channel></rss>'


def subscribe(urls: list[str]) -> Path:
    from reader.feeds.subscriptions import FeedsFile, Subscription

    corpus = Path(tempfile.mkdtemp(prefix="reader-bench-feeds-"))
    ff = FeedsFile(corpus)
    for u in urls:
        ff.add(Subscription(u))
    ff.save()
    return corpus


def timed_run(updater, servers) -> dict:
    """One fetch run: wall, CPU, when the last feed that did not fail was done, peak per host."""
    for s in servers:
        s.max_in_flight = 0
    done_at: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()
    report = updater.run(all_feeds=True, progress=lambda r: done_at.append((time.perf_counter() - t0, r)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    answered = [t for t, r in done_at if r.error is None]
    return {"wall": wall, "cpu": cpu, "answered": max(answered, default=wall), "report": report,
            "peak": max(s.max_in_flight for s in servers), "new": report.total()["new"],
            "not_modified": sum(r.not_modified for r in report.feeds),
            "failed": sum(r.error is not None for r in report.feeds)}


def fetch_to_searchable(servers, n_articles: int, read_timeout: float) -> dict:
    """n new articles (10 a feed) fetched, then ``reader index`` until ``reader search`` finds them all."""
    from reader.feeds import net
    from reader.feeds.update import Updater

    word = "zebrafinchword"
    urls = []
    for k in range(n_articles // 10):
        srv = servers[k % len(servers)]
        srv.add(f"/s{k}.xml", feed_xml(10_000 + k, 10, word), delay=LATENCY)
        urls.append(srv.url(f"/s{k}.xml"))
    corpus = subscribe(urls)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    Updater(corpus, net.Settings(workers=WORKERS, read_timeout=read_timeout), interval=0).run(all_feeds=True)
    fetched = time.perf_counter() - t0
    index = subprocess.Popen([sys.executable, "-m", "reader", "--articles", str(corpus), "index", "--progress-lines"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    found, polls = 0, 0
    try:
        while time.perf_counter() - t0 < 300:
            out = subprocess.run([sys.executable, "-m", "reader", "--articles", str(corpus), "search", "--json",
                                  "--limit", "1000", word], capture_output=True, text=True, env=env, timeout=120)
            polls += 1
            try:
                data = json.loads(out.stdout or "[]")
                found = len(data if isinstance(data, list) else data.get("results", []))
            except ValueError:
                found = 0
            if found >= n_articles:
                break
            time.sleep(0.2)
        searchable = time.perf_counter() - t0
    finally:
        index.terminate()  # the entity stage may still run: not waited for
        index.wait(timeout=30)
    return {"fetched": fetched, "searchable": searchable, "found": found, "polls": polls}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n_feeds, n_hosts, read_timeout, n_search = (60, 6, 3.0, 40) if args.quick else (500, 50, net.READ_TIMEOUT, 200)
    items = 10
    # the fetch state goes to the data dir: keep it (and the search index) out of the user's
    scratch = tempfile.mkdtemp(prefix="reader-bench-feeds-home-")
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = os.path.join(scratch, var.lower())

    from reader.feeds.update import Updater

    rng = random.Random(7)
    kinds = ["hang"] * max(1, round(n_feeds * 0.01)) + ["slow"] * max(1, round(n_feeds * 0.02))
    kinds += ["ok"] * (n_feeds - len(kinds))
    rng.shuffle(kinds)
    servers = [FeedServer().__enter__() for _ in range(n_hosts)]
    try:
        urls = []
        for k, kind in enumerate(kinds):
            srv = servers[k % n_hosts]
            srv.add(f"/f{k}.xml", feed_xml(k, items), etag=f'"{k}"', hang=kind == "hang",
                    delay=SLOW if kind == "slow" else LATENCY)
            urls.append(srv.url(f"/f{k}.xml"))
        print(f"feeds: {n_feeds} feeds on {n_hosts} loopback hosts, {items} entries each, {LATENCY * 1000:.0f} ms "
              f"latency, {kinds.count('slow')} slow ({SLOW:g} s), {kinds.count('hang')} hanging "
              f"(read timeout {read_timeout:g} s)")
        seq = timed_run(Updater(subscribe(urls), net.Settings(workers=1, read_timeout=read_timeout), interval=0),
                        servers)
        up = Updater(subscribe(urls), net.Settings(workers=WORKERS, read_timeout=read_timeout), interval=0)
        cold = timed_run(up, servers)
        warm = timed_run(up, servers)
        rows = [("sequential (1 worker), cold", seq, seq["new"]),
                (f"work queue, {WORKERS} workers, ≤2/host, cold", cold, cold["new"]),
                (f"work queue, {WORKERS} workers, ≤2/host, all 304", warm, warm["not_modified"])]
        print(f"  {'run':<44} {'wall s':>7} {'answered s':>10} {'cpu s':>6} {'vs seq':>7} {'count':>6} "
              f"{'failed':>8} {'peak/host':>9}")
        for label, r, count in rows:
            print(f"  {label:<44} {r['wall']:7.2f} {r['answered']:10.2f} {r['cpu']:6.2f} "
                  f"{seq['wall'] / r['wall']:6.1f}× {count:6d} {r['failed']:8d} {r['peak']:9d}")
        print("  (answered: when the last feed that did not fail was written; failed: the hanging ones timing out)")
        s = fetch_to_searchable(servers, n_search, read_timeout)
        print(f"  fetch to searchable, {n_search} new articles: fetched and written in {s['fetched']:.2f} s, "
              f"all {s['found']} found by 'reader search' after {s['searchable']:.2f} s ({s['polls']} searches)")

        def aim(ok: bool) -> str:
            return "met" if ok else "NOT met"

        peak = max(r["peak"] for _, r, _ in rows)
        ratio = seq["wall"] / cold["wall"]
        print(f"  aims: first pass ≤ 20 s: {cold['wall']:.1f} s {aim(cold['wall'] <= 20)} "
              f"(all feeds that answer written by {cold['answered']:.1f} s {aim(cold['answered'] <= 20)}); "
              f"conditional pass ≤ {read_timeout + 2:g} s: {warm['wall']:.1f} s {aim(warm['wall'] <= read_timeout + 2)}; "
              f"≤ 2 per host: {peak} {aim(peak <= 2)}; ≥ 9× sequential: {ratio:.1f}× {aim(ratio >= 9)}")
    finally:
        for srv in servers:
            srv.__exit__(None, None, None)


if __name__ == "__main__":
    main()
