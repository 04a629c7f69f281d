"""Full text of feed entries: our Markdown writer against trafilatura's own outputs.

    .venv/bin/python tests/bench/bench_fulltext.py [--quick]

On the pages of tests/data/fulltext/ (ours: a news article inside navigation, ads, comments), per
page: the word 4-gram F1 between our passages' text (title included) and trafilatura's plain text
(``output_format="txt"``, the baseline: 1.0 means nothing dropped, nothing added), the same F1 for
trafilatura's Markdown output read by our loader, the quotes and table rows each keeps, and the
median milliseconds of ``extract_article`` against ``trafilatura.extract(..., output_format="txt")``
(our cost over the baseline is the XML output, its parse and the writer). Then the entry-HTML writer
(``html_fragment_to_markdown``) on each page's article HTML, and one 40× longer page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PAGES = ROOT / "tests" / "data" / "fulltext"


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    runs = 5 if args.quick else 21

    t0 = time.perf_counter()
    import trafilatura
    from reader.feeds.convert import html_fragment_to_markdown
    from reader.feeds.extract import extract_article, extract_text
    from reader.feeds.fulltext import shingle_f1
    from reader.passages import parse_passages
    import_ms = (time.perf_counter() - t0) * 1000

    pages = {p.stem: p.read_bytes() for p in sorted(PAGES.glob("*.html"))}
    long_page = pages["news_en"].decode("utf-8")
    body = re.search(r"<article>(.*)</article>", long_page, re.S).group(1)
    pages["news_en ×40"] = long_page.replace(body, body * 40).encode("utf-8")

    print(f"import trafilatura + reader.feeds.extract: {import_ms:.0f} ms")
    head = (f"{'page':<12} {'F1 ours':>8} {'F1 traf md':>10} {'quotes':>7} {'rows':>9} "
            f"{'ours ms':>8} {'txt ms':>7} {'fragment ms':>11}")
    print(head)
    f1s = []
    for name, html in pages.items():
        url = f"https://news.example/2026/{name.split()[0]}"
        ex = extract_article(html, url)
        txt = extract_text(html, url)
        ours = parse_passages(ex.markdown)
        traf_md = trafilatura.extract(html, url=url, output_format="markdown", include_formatting=True,
                                      include_links=True, include_images=True, include_tables=True,
                                      include_comments=False) or ""
        theirs = parse_passages(traf_md)
        f1 = shingle_f1((ex.title or "") + "\n\n" + ours.plain_text, txt)
        f1_md = shingle_f1((ex.title or "") + "\n\n" + theirs.plain_text, txt)
        f1s.append(f1)

        def count(parsed, kind):
            return sum(p.kind == kind for p in parsed.passages)

        ms_ours = median_ms(lambda: extract_article(html, url), runs)
        ms_txt = median_ms(lambda: extract_text(html, url), runs)
        article = re.search(rb"<article[^>]*>(.*)</article>", html, re.S)
        fragment = (article.group(1) if article else html).decode("utf-8")
        ms_frag = median_ms(lambda: html_fragment_to_markdown(fragment, url), runs)
        print(f"{name:<12} {f1:>8.3f} {f1_md:>10.3f} {count(ours, 'quote'):>3}/{count(theirs, 'quote'):<3} "
              f"{count(ours, 'row'):>4}/{count(theirs, 'row'):<4} {ms_ours:>8.1f} {ms_txt:>7.1f} {ms_frag:>11.1f}")
    print(f"(quotes, rows: ours/trafilatura's Markdown; mean F1 ours {statistics.mean(f1s):.3f}; "
          f"baseline = trafilatura txt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
