"""Benchmark: the English pipeline (issue 14) — tok2vec excluded or kept, and the model id's cost.

    .venv/bin/python tests/bench/bench_lang.py [--quick]

- English ``ner`` throughput (words/s) on the hand-written English gold's articles repeated, with
  the registry's ``exclude`` (tok2vec out: en_core_web_sm's ner has its own) against tok2vec kept
  (what reader did before): the note measured 1.3x; the entities must be the same.
- ``registry.resolve("en")``: the weight-hash model id, cold (every model file hashed) and warm
  (a new process: hashes read back from the (size, mtime)-keyed cache), and the in-process cached call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(Path(tmp) / var)
        from reader.nlp import registry

        registry.clear_caches()
        t0 = time.perf_counter()
        res = registry.resolve("en")
        cold = time.perf_counter() - t0
        if res.chosen is None:
            print("no English model installed (pip install '.[en]'): nothing to measure")
            return 0
        registry.clear_caches()
        t0 = time.perf_counter()
        registry.resolve("en")
        warm = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(100):
            registry.resolve("en")
        cached = (time.perf_counter() - t0) / 100
        print(f"model id ({res.chosen.spec}): cold {cold * 1000:.0f} ms, new process {warm * 1000:.1f} ms, "
              f"cached {cached * 1000:.2f} ms")

        import spacy

        gold = json.loads((ROOT / "tests" / "data" / "entities_gold_en.json").read_text(encoding="utf-8"))
        texts = [p for a in gold["articles"].values() for p in a["body"].split("\n\n")] * (20 if args.quick else 100)
        words = sum(len(t.split()) for t in texts)
        nlps = {name: spacy.load(res.chosen.path, exclude=exclude) for name, exclude in (
            ("tok2vec excluded (now)", res.exclude),
            ("tok2vec kept (before)", [c for c in res.exclude if c != "tok2vec"]))}
        best: dict[str, float] = {}
        ents: dict[str, list] = {}
        for nlp in nlps.values():
            list(nlp.pipe(texts[:20]))  # warm-up
        for _ in range(5):  # interleaved, best of 5: the machine is shared
            for name, nlp in nlps.items():
                t0 = time.perf_counter()
                ents[name] = [[(e.start_char, e.end_char, e.label_) for e in d.ents]
                              for d in nlp.pipe(texts, batch_size=64)]
                best[name] = min(best.get(name, 1e9), time.perf_counter() - t0)
        out = {}
        for name, nlp in nlps.items():
            out[name] = (best[name], ents[name])
            print(f"{name:24} {words / best[name]:8,.0f} words/s  ({words:,} words, best of 5, {nlp.pipe_names})")
        (a, ea), (b, eb) = out.values()
        print(f"speed-up {b / a:.2f}x; same entities: {ea == eb}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
