"""Precision/recall of predicted entity spans against a gold set, printed with the errors (the gold tests)."""

from __future__ import annotations

from collections import Counter


def score(gold: set[tuple], pred: set[tuple], capsys, title: str) -> tuple[float, float]:
    """(precision, recall) of ``pred`` against ``gold`` (tuples ending with the label), printed."""
    tp = len(gold & pred)
    precision, recall = tp / len(pred), tp / len(gold)
    by_label = Counter(x[-1] for x in gold)
    hit = Counter(x[-1] for x in gold & pred)
    with capsys.disabled():
        print(f"\n{title}: precision {precision:.3f}  recall {recall:.3f}  "
              f"({tp} correct, {len(pred)} predicted, {len(gold)} gold)")
        print("  recall by label: " + ", ".join(f"{k} {hit[k]}/{n}" for k, n in sorted(by_label.items())))
        for x in sorted(pred - gold):
            print("  false positive:", x)
        for x in sorted(gold - pred):
            print("  missed:", x)
    return precision, recall
