"""Benchmark: the ingest's ``languages`` stage (issue 14, language detected) and reading its answers.

    .venv/bin/python tests/bench/bench_languages_detect.py [--quick]

On generated French-like articles (tests/bench/gencorpus.py), half of them with ``language:``
removed: the first pass (every article read, title + first paragraph detected, py3langid's model
load included), a second pass (nothing to do: one query), and :func:`reader.languages.effective`
over every article (what ``reader list`` and the index pay per article), beside the catalogue
refresh of the same corpus as the baseline (what any ingest pays anyway).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gencorpus import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller corpus")
    args = ap.parse_args(argv)
    n = 300 if args.quick else 3000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        from reader import languages
        from reader.corpus import Catalogue

        folder = generate(Path(tmp) / "arts", n)
        for k, f in enumerate(sorted(folder.glob("*.md"))):
            if k % 2:
                text = f.read_text(encoding="utf-8")
                f.write_text("\n".join(x for x in text.split("\n") if not x.startswith("language:")), encoding="utf-8")
        t = time.perf_counter()
        metas = Catalogue(folder).refresh().articles
        scan = time.perf_counter() - t
        t = time.perf_counter()
        first = languages.update_languages(metas)
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        second = languages.update_languages(metas)
        t2 = time.perf_counter() - t
        t = time.perf_counter()
        used = [languages.effective(m) for m in metas]
        t3 = time.perf_counter() - t
        t = time.perf_counter()
        rows = languages.stored()
        used = [languages.effective(m, rows) for m in metas]
        t4 = time.perf_counter() - t
    print(f"articles: {n} (half undeclared)")
    print(f"catalogue refresh (baseline)   {scan * 1000:8.1f} ms")
    print(f"languages stage, first pass    {t1 * 1000:8.1f} ms  ({t1 / n * 1000:.2f} ms/article) {first}")
    print(f"languages stage, nothing to do {t2 * 1000:8.1f} ms  {second}")
    print(f"effective() over every article {t3 * 1000:8.1f} ms  ({t3 / n * 1e6:.1f} µs/article); "
          f"fr: {used.count('fr')}, other: {len(used) - used.count('fr')}")
    print(f"effective(m, stored()) loop    {t4 * 1000:8.1f} ms  ({t4 / n * 1e6:.1f} µs/article, the index and list's way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
