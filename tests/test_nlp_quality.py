"""Precision and recall of the real pipeline against the hand-made gold of the bundled articles."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reader import annotations
from reader.corpus import Catalogue

GOLD = Path(__file__).parent / "data" / "entities_gold.json"


@pytest.mark.slow
def test_precision_recall_against_gold(corpus, capsys):
    from reader.nlp.ingest import annotate_missing

    gold_data = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    metas = Catalogue(corpus).refresh().articles
    assert {m.id for m in metas} == set(gold_data)
    annotate_missing(metas)
    gold: set[tuple] = set()
    pred: set[tuple] = set()
    for meta in metas:
        g = gold_data[meta.id]
        assert g["content_hash"] == meta.content_hash, "bundled article changed: redo the gold file"
        gold |= {(meta.id, e["passage"], e["start"], e["end"], e["label"]) for e in g["entities"]}
        ann = annotations.load(meta.content_hash)
        assert ann is not None and ann.model
        pred |= {(meta.id, m.passage, m.start, m.end, m.label) for m in ann.mentions}
    tp = len(gold & pred)
    precision, recall = tp / len(pred), tp / len(gold)
    by_label = Counter(x[4] for x in gold)
    hit = Counter(x[4] for x in gold & pred)
    with capsys.disabled():
        print(f"\nentities vs gold: precision {precision:.3f}  recall {recall:.3f}  "
              f"({tp} correct, {len(pred)} predicted, {len(gold)} gold)")
        print("  recall by label: " + ", ".join(f"{k} {hit[k]}/{n}" for k, n in sorted(by_label.items())))
        for x in sorted(pred - gold):
            print("  false positive:", x)
        for x in sorted(gold - pred):
            print("  missed:", x)
    assert precision >= 0.9
    assert recall >= 0.9
