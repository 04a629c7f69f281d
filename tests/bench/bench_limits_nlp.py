"""Benchmark: the entity stage on pathological articles against a normal article of the same size.

    .venv/bin/python tests/bench/bench_limits_nlp.py [--quick] [--size CHARS]

Each case is one article file of ``--size`` characters (60,000; 20,000 with --quick), annotated
end to end by ``reader.nlp.ingest.annotate_missing`` (read, parse, spaCy pipeline, rules, merge,
cache) in a fresh cache; the model is loaded once before timing. Cases:

- ``normal``: generated French news paragraphs (tests/bench/gencorpus.py) — the baseline;
- ``normal-1p``: the same prose as a single paragraph (one passage, like most cases below);
- ``brackets``: ``[`` × size (issue 10: "a 60 KB file of brackets stalls the entity stage > 150 s");
- ``pairs``: ``[]`` repeated; ``lines``: lines of 79 ``[``; ``punct``: random punctuation
  in 60-character words;
- ``dates``: "lundi, le 25 avril 2023, hier et 42 000 dollars" repeated (rule matches by thousands);
- ``names``: "Microsoft et Elon Musk à Paris." repeated (entities and curated names by thousands).

Prints seconds per case and the ratio to ``normal``; then, for reference, spaCy's own tokenizer
(unguarded, what ran before :class:`reader.nlp.pipeline.LongRunTokenizer`) on runs of ``[``
against the guarded one: quadratic (60,000 took 570 s here, so only small sizes are timed).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _normal_body(size: int, one_paragraph: bool) -> str:
    import gencorpus

    paragraphs: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        gencorpus.generate(Path(tmp), 40, seed=7)
        for path in sorted(Path(tmp).glob("*.md")):
            body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            paragraphs += [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith(("#", ">"))]
    out, n = [], 0
    for p in paragraphs * 10:
        if n >= size:
            break
        out.append(p)
        n += len(p) + 2
    return (" " if one_paragraph else "\n\n").join(out)[:size]


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def cases(size: int) -> dict[str, str]:
    rnd = random.Random(1)
    punct = "[](){}«»\"'*_#:?!,%$—"
    words = []
    while sum(len(w) + 1 for w in words) < size:
        words.append("".join(rnd.choice(punct) for _ in range(60)))
    return {
        "normal": _normal_body(size, False),
        "normal-1p": _normal_body(size, True),
        "brackets": "[" * size,
        "pairs": _repeat("[]", size),
        "lines": _repeat("[" * 79 + "\n", size),
        "punct": " ".join(words)[:size],
        "dates": _repeat("lundi, le 25 avril 2023, hier et 42 000 dollars ; ", size),
        "names": _repeat("Microsoft et Elon Musk à Paris. ", size),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20,000 characters")
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("--only", nargs="*", default=None, help="case names")
    args = ap.parse_args(argv)
    size = args.size or (20_000 if args.quick else 60_000)

    with tempfile.TemporaryDirectory() as tmp:
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(Path(tmp) / var)
        from reader.corpus import Catalogue
        from reader.nlp import pipeline
        from reader.nlp.ingest import annotate_missing

        t0 = time.perf_counter()
        pipeline.load("fr")
        print(f"model load {time.perf_counter() - t0:.1f} s (not counted); {size:,} characters per article")
        base = None
        for name, body in cases(size).items():
            if args.only and name not in args.only and name != "normal":
                continue
            folder = Path(tmp) / name
            folder.mkdir()
            (folder / "a.md").write_text(f"---\nid: {name}\ntitle: {name}\nlanguage: fr\npublished: 2023-04-19\n---\n\n"
                                         f"{body}\n", encoding="utf-8")
            metas = Catalogue(folder).refresh().articles
            t0 = time.perf_counter()
            annotate_missing(metas, n_process=1)
            secs = time.perf_counter() - t0
            base = base or secs
            print(f"{name:<10} {secs:8.3f} s   x{secs / base:6.1f} normal", flush=True)
        nlp = pipeline.load("fr")
        for n in (1_000, 2_000) if args.quick else (1_000, 2_000, 4_000):
            text = "[" * n
            t0 = time.perf_counter()
            nlp.tokenizer.inner(text)
            raw = time.perf_counter() - t0
            t0 = time.perf_counter()
            nlp.tokenizer(text)
            guarded = time.perf_counter() - t0
            print(f"tokenizer on {n:>5,} '[': spaCy {raw:7.3f} s   guarded {guarded:7.4f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
