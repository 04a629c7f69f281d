"""``reader entities ID [--json]``: an article's entity mentions, annotating it first if needed.

Text output: one mention a line, tab-separated ``text label passage start end value``
(value: the normalised date interval or amount, ``-`` otherwise). ``--json``: a list of objects
with the keys ``text, label, passage, start, end, value`` (plus ``entity``, the merged key).
An unknown id prints a clear message and exits 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader import annotations


def cli_entities(args, folder: Path) -> int:
    from reader.corpus import Catalogue

    scan = Catalogue(folder).refresh()
    meta = next((m for m in scan.articles if m.id == args.id), None)
    if meta is None:
        print(f"reader: no article with id {args.id!r} in {folder} (see 'reader list')", file=sys.stderr)
        return 1
    from reader.nlp.ingest import annotate_missing, needs_annotation

    if needs_annotation([meta]):
        print(f"reader: annotating {meta.id} (loading the language model, a few seconds)…", file=sys.stderr)
        annotate_missing([meta], whole_corpus=False)
    ann = annotations.load(meta.content_hash)
    if ann is None:
        print(f"reader: could not annotate {meta.id!r} (is the file still readable?)", file=sys.stderr)
        return 1
    if ann.reason:
        print(f"reader: {ann.reason}", file=sys.stderr)
    rows = [
        {"text": m.text, "label": m.label, "passage": m.passage, "start": m.start, "end": m.end,
         "value": m.value, "entity": m.entity}
        for m in sorted(ann.mentions, key=lambda m: (m.passage, m.start, m.end))
    ]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for r in rows:
            text = " ".join(r["text"].split())
            print(f"{text}\t{r['label']}\t{r['passage']}\t{r['start']}\t{r['end']}\t{r['value'] or '-'}")
    return 0
