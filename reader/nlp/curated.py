"""The curated list of well-known names (``data/entities.tsv``), read and matched without spaCy.

The spaCy pipelines match it with a ``span_ruler`` (:mod:`reader.nlp.pipeline`, every language);
an article in a language without a model gets its names from :func:`find` here — exact,
case-sensitive, whole words (the ruler matches whole tokens), longest first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "entities.tsv"


def read_curated(path: Path = DATA) -> list[tuple[str, str, list[str]]]:
    """(label, canonical, aliases) of the curated list; bad lines are skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or cols[0] not in ("PER", "ORG", "LOC", "MISC") or not cols[1].strip():
            continue
        aliases = [a.strip() for a in cols[2].split("|")] if len(cols) > 2 else []
        out.append((cols[0], cols[1].strip(), [a for a in aliases if a]))
    return out


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    forms: dict[str, tuple[str, str]] = {}
    for label, canonical, aliases in read_curated():
        for form in (canonical, *aliases):
            forms.setdefault(form, (label, canonical))
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w@#])(?:{alternation})(?![\w])"), forms


def find(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, label, canonical)`` of the curated names in ``text``, non-overlapping."""
    pattern, forms = _matcher()
    return [(m.start(), m.end(), *forms[m.group()]) for m in pattern.finditer(text)]
