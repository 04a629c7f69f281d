"""Benchmark of bookmarks: re-anchoring cost per case and article size, and store operations.

    .venv/bin/python tests/bench/bench_bookmarks.py [--quick]

Articles are bodies of generated French-like articles (tests/bench/gencorpus.py) concatenated to
the target size. For each size it anchors bookmarks after typical edits (unchanged, text inserted
before, passage edited → fuzzy, passage deleted → orphaned, a one-letter quote → thousands of
exact occurrences to weigh; imported without context: a letter, every occurrence weighed, and a word
found once) and prints the median time and its ratio to parsing the article.
Then the store: add, list, for_article, article_ids with N bookmarks.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gencorpus import generate  # noqa: E402

from reader.bookmarks.anchor import anchor  # noqa: E402
from reader.bookmarks.store import BookmarkStore  # noqa: E402
from reader.corpus import Article, content_hash, read_article_file  # noqa: E402
from reader.passages import parse_passages  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def article_of(meta, body: str) -> Article:
    return Article(dataclasses.replace(meta, content_hash=content_hash(body.encode())), body, parse_passages(body))


def make_body(folder: Path, chars: int) -> tuple[object, str]:
    files = sorted(folder.glob("*.md"))
    meta, parts, size = None, [], 0
    for f in files:
        m, body = read_article_file(f)
        meta = meta or m
        parts.append(body.strip())
        size += len(body)
        if size >= chars:
            break
    return meta, "\n\n".join(parts)


def bench_anchor(folder: Path, sizes: list[int], repeat: int) -> None:
    print(f"{'chars':>8} {'case':<28} {'status':<9} {'ms':>7} {'x parse':>8}")
    for chars in sizes:
        meta, body = make_body(folder, chars)
        art = article_of(meta, body)
        parse_ms = median_ms(lambda: parse_passages(body), repeat)
        paras = [p for p in art.passages if p.kind == "paragraph" and len(p.text) > 200]
        target = paras[len(paras) // 2]
        whole = BookmarkStore.make(art, target.index)
        span = BookmarkStore.make(art, target.index, 40, 160)
        letter_at = target.text.index("e", 50)
        letter = BookmarkStore.make(art, target.index, letter_at, letter_at + 1)
        edited_text = target.text[:60] + "XYZ" + target.text[64:150] + target.text[158:]
        # imported from another tool: no article version, position or context, only the quote
        foreign = dataclasses.replace(letter, content_hash="", passage=-1, pos_start=-1, pos_end=-1, prefix="", suffix="")
        once = next(w for w in target.text.split() if len(w) > 4 and art.parsed.plain_text.count(w) == 1)
        cases = [
            ("unchanged (same hash)", span, art),
            ("inserted before", span, article_of(meta, "Un chapeau ajouté.\n\n" + body)),
            ("1-letter quote, inserted", letter, article_of(meta, "Un chapeau ajouté.\n\n" + body)),
            ("passage edited (whole)", whole, article_of(meta, body.replace(target.text, edited_text))),
            ("passage edited (span)", span, article_of(meta, body.replace(target.text, edited_text))),
            ("passage deleted", span, article_of(meta, body.replace(target.text, ""))),
            ("1-letter quote, deleted", letter, article_of(meta, body.replace(target.text, ""))),
            ("imported 1-letter quote", foreign, art),
            ("imported word found once", dataclasses.replace(foreign, quote=once, end=len(once)), art),
        ]
        for name, bm, new in cases:
            status = anchor(bm, new).status
            ms = median_ms(lambda: anchor(bm, new), repeat)
            print(f"{len(art.parsed.plain_text):>8} {name:<28} {status:<9} {ms:>7.2f} {ms / parse_ms:>8.2f}")
        print(f"{len(art.parsed.plain_text):>8} {'(parse_passages)':<28} {'':<9} {parse_ms:>7.2f}")


def bench_store(folder: Path, counts: list[int]) -> None:
    meta, body = make_body(folder, 20_000)
    art = article_of(meta, body)
    arts = [dataclasses.replace(art, meta=dataclasses.replace(meta, id=f"a{i}")) for i in range(50)]
    print(f"\n{'bookmarks':>9} {'add ms':>8} {'list ms':>8} {'for_article ms':>15} {'article_ids ms':>15}")
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            store = BookmarkStore(Path(tmp) / "b.sqlite3")
            prepared = [BookmarkStore.make(arts[i % 50], i % len(art.passages), None, None, uuid=None)
                        for i in range(n)]
            store.insert_new(prepared[:-20])
            t = time.perf_counter()
            for i in range(20):
                store.add(arts[i % 50], (i * 3) % len(art.passages), 0, 1)
            add_ms = (time.perf_counter() - t) * 1000 / 20
            list_ms = median_ms(store.list, 5)
            for_ms = median_ms(lambda: store.for_article("a7"), 5)
            ids_ms = median_ms(store.article_ids, 5)
            print(f"{n:>9} {add_ms:>8.2f} {list_ms:>8.2f} {for_ms:>15.2f} {ids_ms:>15.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate(Path(tmp) / "corpus", 40 if args.quick else 200, seed=1)
        sizes = [6_000, 50_000] if args.quick else [6_000, 50_000, 200_000]
        bench_anchor(folder, sizes, 5 if args.quick else 15)
        bench_store(folder, [100, 1_000] if args.quick else [100, 1_000, 10_000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
