"""One resolver per kind of date: ``(kind, groups, publication, year)`` → ``(start, end, granularity)``,
None when unresolvable (no publication date), :class:`~reader.nlp.dates.model._Reject` to drop the
match. :data:`RESOLVERS` maps each rule kind of :mod:`reader.nlp.dates.patterns` to its resolver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from reader.nlp.dates.intervals import (_add_months, _day, _distance, _month, _nearest_month_year, _part,
                                        _part_of_month, _part_of_year, _quarter, _rel, _week, _year)
from reader.nlp.dates.model import EN_MONTHS, EN_WEEKDAYS, FR_MONTHS, FR_WEEKDAYS, Resolved, _g, _Groups, _Reject


def _absolute_day(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A day of a month, with or without its year."""
    month = FR_MONTHS[m.group("month").lower()] if kind == "fr_dmy" else EN_MONTHS[m.group("emonth").lower()]
    day_s = m.group("day")
    day = 1 if day_s == "1er" else int(day_s)
    if year is None:
        if pub is None:
            return None
        cands = []
        for y in (pub.year - 1, pub.year, pub.year + 1):
            try:
                cands.append(dt.date(y, month, day))
            except ValueError:
                pass
        if not cands:
            raise _Reject
        d = min(cands, key=lambda c: abs((c - pub).days))
    else:
        try:
            d = dt.date(year, month, day)
        except ValueError:
            raise _Reject from None
    return (*_day(d), "day")


def _iso_day(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """An ISO date in the text."""
    try:
        return (*_day(dt.date.fromisoformat(m.group("iso"))), "day")
    except ValueError:
        raise _Reject from None


def _month_of_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A month with its year."""
    month = EN_MONTHS[m.group("emonth").lower()] if kind == "en_my" else FR_MONTHS[m.group("month").lower()]
    assert year is not None  # (the pattern has a year)
    return (*_month(year, month), "month")


def _part_month(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A part of a month (début, mi-, fin, courant)."""
    month = FR_MONTHS[m.group("month").lower()]
    part = m.group("part").lower()
    in_year = year if year else (_nearest_month_year(month, pub) if pub else None)
    if part == "courant":
        return (*_month(in_year, month), "month") if in_year else None
    return (*_part_of_month(in_year, month, _part(part)), "part-of-month") if in_year else None


def _cued_month(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A month after a cue word (lowercase only: « en Mars » is the planet)."""
    word = m.group("month")
    if word != word.lower():
        raise _Reject  # "en Mars": the planet
    month = FR_MONTHS[word.lower()]
    cue = (_g(m, "cue") or "").lower()
    if kind == "cue_month" and cue in ("et", "de", "à", "au", "ce") and not _g(m, "mrel"):
        raise _Reject  # too weak a cue alone ("de mars" may be anything)
    if year:
        return (*_month(year, month), "month")
    if pub is None:
        return None
    direction = _rel(_g(m, "mrel"))
    return (*_month(_nearest_month_year(month, pub, direction), month), "month")


def _part_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A part of a given year."""
    part = m.group("part").lower()
    assert year is not None  # (the pattern has a year)
    if part == "courant":
        return (*_year(year), "year")
    return (*_part_of_year(year, _part(part)), "part-of-year")


def _part_this_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A part of the publication's year (or the one before or after)."""
    if pub is None:
        return None
    y = pub.year + _rel(_g(m, "rel"))
    part = m.group("part").lower()
    if part == "courant":
        return (*_year(y), "year")
    return (*_part_of_year(y, _part(part)), "part-of-year")


def _whole_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A year after a cue ("en 2015", "l'année 2022")."""
    assert year is not None  # (the pattern has a year)
    return (*_year(year), "year")


def _relative_day(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """aujourd'hui, hier, demain, today…"""
    if pub is None:
        return None
    w = m.group("rday").lower().replace("’", "'")
    delta = {"aujourd'hui": 0, "today": 0, "hier": -1, "yesterday": -1, "avant-hier": -2, "demain": 1,
             "tomorrow": 1, "après-demain": 2}[w]
    return (*_day(pub + dt.timedelta(days=delta)), "day")


def _weekday(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A weekday, by its direction word or the tense of its sentence."""
    if kind == "weekday":
        wd = FR_WEEKDAYS[m.group("wd").lower()]
        rel = _rel(_g(m, "wrel"))
    else:
        wd = EN_WEEKDAYS[m.group("ewd").lower()]
        erel = (_g(m, "erel") or "").lower()
        rel = -1 if erel == "last" else 1 if erel == "next" else 0
        if erel.startswith(("this", "coming")):  # "this Friday": the one of this week still to come
            if pub is None:
                return None
            return (*_day(pub + dt.timedelta(days=(wd - pub.weekday()) % 7)), "day")
    if pub is None:
        return None
    if rel > 0:
        delta = (wd - pub.weekday()) % 7 or 7
    elif rel < 0:
        delta = -((pub.weekday() - wd) % 7 or 7)
    elif _g(m, "tense") == "fut":  # "remettrait sa démission lundi": on or after publication
        delta = (wd - pub.weekday()) % 7
    else:  # past or present tense, or no verb: on or before publication
        delta = -((pub.weekday() - wd) % 7)
    return (*_day(pub + dt.timedelta(days=delta)), "day")


def _relative_unit(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """This, last or next week, month, year, weekend."""
    unit = m.group("unit").lower()
    if kind == "en_rel_unit":
        rel = {"last": -1, "next": 1, "this": 0}[m.group("erel").lower()]
        unit = {"week": "semaine", "month": "mois", "year": "année", "weekend": "week-end"}[unit]
    else:
        rel = _rel(_g(m, "rel"))
        det = m.group("det").lower()
        if rel == 0 and det not in ("cette", "cet", "ce") and not m.group(0).endswith("-ci"):
            raise _Reject  # "la semaine où…" is no particular week
    if pub is None:
        return None
    if unit == "semaine":
        return (*_week(pub + dt.timedelta(days=7 * rel)), "week")
    if unit == "week-end":
        sat = pub + dt.timedelta(days=(5 - pub.weekday()) % 7 + (7 * rel if rel > 0 else 0))
        if rel < 0:
            sat = pub - dt.timedelta(days=(pub.weekday() - 5) % 7 or 7)
        return sat, sat + dt.timedelta(days=2), "day"
    if unit == "mois":
        y, mo = _add_months(pub.year, pub.month, rel)
        return (*_month(y, mo), "month")
    return (*_year(pub.year + rel), "year")


_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2}
_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _en_part(word: str) -> str:
    w = word.lower()
    if w.startswith(("early", "beginning", "start")):
        return "début"
    if w.startswith(("end", "late")):
        return "fin"
    return "mi"


def _en_month(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """An English month: in a part, after a cue, last/next."""
    month = EN_MONTHS[m.group("emonth").lower()]
    if year is None:
        if pub is None:
            return None
        erel = (_g(m, "erel") or "").lower()
        direction = -1 if erel == "last" else 1 if erel == "next" else 0
        if erel == "this":
            year = pub.year
        else:
            year = _nearest_month_year(month, pub, direction)
    if kind == "en_part_month":
        return (*_part_of_month(year, month, _en_part(m.group("epart"))), "part-of-month")
    return (*_month(year, month), "month")


def _en_part_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A part of a given year (English)."""
    assert year is not None  # (the pattern has a year)
    return (*_part_of_year(year, _en_part(m.group("epart"))), "part-of-year")


def _en_part_this_year(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A part of this, last or next year (English)."""
    if pub is None:
        return None
    erel = m.group("erel").lower()
    return (*_part_of_year(pub.year + (-1 if erel == "last" else 1 if erel == "next" else 0),
                           _en_part(m.group("epart"))), "part-of-year")


def _en_quarter(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A quarter, its year given or nearest to publication."""
    q = int(m.group("q")) if _g(m, "q") else _QUARTERS[m.group("qord").lower()]
    if year is None and _g(m, "yy"):
        year = 2000 + int(m.group("yy"))
    if year is None:
        if pub is None:
            return None
        year = min((pub.year - 1, pub.year, pub.year + 1),
                   key=lambda y: _distance(_quarter(y, q), pub))
    return (*_quarter(year, q), "quarter")


def _en_count(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """n days, weeks, months or years ago, or in n of them"""
    if pub is None:
        return None
    n_s = m.group("n").lower()
    n = int(n_s) if n_s.isdigit() else _EN_NUMBERS[n_s]
    n = -n if kind == "en_ago" else n
    unit = m.group("eunit").lower()
    if unit == "day":
        return (*_day(pub + dt.timedelta(days=n)), "day")
    if unit == "week":
        return (*_week(pub + dt.timedelta(days=7 * n)), "week")
    if unit == "month":
        return (*_month(*_add_months(pub.year, pub.month, n)), "month")
    return (*_year(pub.year + n), "year")


def _en_decade(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """A decade, or its early, mid or late part."""
    start = int(m.group("decade")) if _g(m, "decade") else 1900 + int(m.group("dec2"))
    part = (_g(m, "dpart") or "").lower()
    lo, hi = {"early": (0, 4), "mid": (3, 7), "late": (6, 10)}.get(part, (0, 10))
    return dt.date(start + lo, 1, 1), dt.date(start + hi, 1, 1), "decade"


def _en_relative_day(kind: str, m: _Groups, pub: dt.date | None, year: int | None) -> Resolved | None:
    """The day before yesterday, last night, tonight…"""
    if pub is None:
        return None
    w = m.group("rday").lower()
    delta = -2 if "before" in w else 2 if "after" in w else -1 if w == "last night" else 0
    return (*_day(pub + dt.timedelta(days=delta)), "day")


Resolver = Callable[[str, _Groups, dt.date | None, int | None], Resolved | None]
RESOLVERS: dict[str, Resolver] = {
    "fr_dmy": _absolute_day,
    "en_mdy": _absolute_day,
    "en_dmy": _absolute_day,
    "iso": _iso_day,
    "en_my": _month_of_year,
    "fr_my": _month_of_year,
    "part_month": _part_month,
    "cued_month": _cued_month,
    "cue_month": _cued_month,
    "part_year": _part_year,
    "part_this_year": _part_this_year,
    "year": _whole_year,
    "cue_year": _whole_year,
    "rday": _relative_day,
    "weekday": _weekday,
    "en_weekday": _weekday,
    "en_rel_weekday": _weekday,
    "rel_unit": _relative_unit,
    "rel_unit_pre": _relative_unit,
    "en_rel_unit": _relative_unit,
    "en_part_month": _en_month,
    "en_cue_month": _en_month,
    "en_rel_month": _en_month,
    "en_part_year": _en_part_year,
    "en_part_this_year": _en_part_this_year,
    "en_quarter": _en_quarter,
    "en_ago": _en_count,
    "en_in": _en_count,
    "en_decade": _en_decade,
    "en_rday": _en_relative_day,
}


def _resolve(kind: str, m: _Groups, pub: dt.date | None) -> Resolved | None:
    """(start, end, granularity) or None when unresolvable; raise _Reject to drop the match."""
    year = int(m.group("year")) if _g(m, "year") else None
    resolver = RESOLVERS.get(kind)
    if resolver is None:
        raise AssertionError(kind)  # pragma: no cover
    return resolver(kind, m, pub, year)
