"""``reader entities ID [--json]``: an article's entity mentions, annotating it first if needed.

Text output: one mention a line, tab-separated ``text label passage start end value``
(value: the normalised date interval or amount, ``-`` otherwise). ``--json``: a list of objects
with the keys ``text, label, passage, start, end, value`` (plus ``entity``, the merged key).
An unknown id prints a clear message and exits 1.

``reader models [--json]``: per language (the registry's and the articles'), the number of articles,
the configured packages (installed version or missing, hash check, the one used) and how to install one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.entities import cache as annotations


def cli_entities(args, folder: Path) -> int:
    from reader.corpus import Catalogue

    scan = Catalogue(folder).refresh()
    meta = next((m for m in scan.articles if m.id == args.id), None)
    if meta is None:
        print(f"reader: no article with id {args.id!r} in {folder} (see 'reader list')", file=sys.stderr)
        return 1
    from reader.languages import update_languages
    from reader.nlp.ingest import annotate_missing, needs_annotation

    update_languages([meta])  # read in its language, as the ingest would (checked once per version)
    if needs_annotation([meta]):
        print(f"reader: annotating {meta.id} (loading the language model, a few seconds)…", file=sys.stderr)
        problems: list[str] = []
        annotate_missing([meta], whole_corpus=False, errors=problems)
        for problem in problems:
            print(f"reader: {problem}", file=sys.stderr)
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


def models_report(folder: Path) -> list[dict]:
    """Per language (the registry's and the articles'): articles, packages and their state, install hint."""
    from reader.corpus import Catalogue
    from reader.languages import effective
    from reader.nlp import registry

    counts: dict[str, int] = {}
    for meta in Catalogue(folder).refresh().articles:
        lang = registry.language_of(effective(meta))
        counts[lang] = counts.get(lang, 0) + 1
    rows = []
    for lang in sorted(set(registry.languages()) | set(counts)):
        res = registry.resolve(lang)
        s = registry.settings(lang)
        rows.append({
            "language": lang, "name": res.name, "articles": counts.get(lang, 0),
            "packages": [{"package": c.spec, "installed": c.path is not None, "version": c.version,
                          "path": str(c.path) if c.path else None, "hash_check": c.check, "refused": c.refused,
                          "used": c is res.chosen} for c in res.candidates],
            "model_id": res.model_id, "exclude": list(res.exclude),
            "number_format": {"thousands": s["thousands"], "decimal": s["decimal"]},
            "install": list(s["install"]),
            "note": None if res.model_id else res.reason(),
        })
    return rows


def cli_models(args, folder: Path) -> int:
    """``reader models [--json]``: which entity model serves each language, and how to install one."""
    from reader.nlp import registry
    from reader.passages import make_safe

    for problem in registry.config_problems():
        print(f"reader: {problem}", file=sys.stderr)
    rows = models_report(folder)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for r in rows:
        used = next((p for p in r["packages"] if p["used"]), None)
        state = f"{used['package']} {used['version']}" if used else "no model"
        print(f"{r['language']}\t{r['name']}\t{r['articles']} article{'s' if r['articles'] != 1 else ''}\t{state}")
        for p in r["packages"]:
            what = f"{p['version']}, hash {p['hash_check']}" if p["installed"] else "missing"
            if p["refused"]:
                what += f" — refused: {p['refused']}"
            print(f"  {make_safe(p['package'])}: {make_safe(what)}{'  (used)' if p['used'] else ''}")
        if not used:
            print(f"  {make_safe(r['note'])}")
    return 0
