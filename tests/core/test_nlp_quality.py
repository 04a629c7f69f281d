"""Precision and recall of the real pipeline against the hand-made gold of the bundled articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.gold_score import score
from reader.entities import cache as annotations
from reader.corpus import Catalogue

GOLD = Path(__file__).resolve().parents[1] / "data" / "entities_gold.json"


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
    precision, recall = score(gold, pred, capsys, "entities vs gold")
    assert precision >= 0.9
    assert recall >= 0.9
