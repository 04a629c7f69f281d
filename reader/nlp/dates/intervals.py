"""Calendar intervals ``[start, end)`` the resolvers return: a day, an ISO week, a month, a part of a
month or year, a quarter; the nearest year of a month; the part and direction words."""

from __future__ import annotations

import calendar
import datetime as dt

def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    ny, nm = _add_months(year, month, 1)
    return dt.date(year, month, 1), dt.date(ny, nm, 1)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _day(d: dt.date) -> tuple[dt.date, dt.date]:
    return d, d + dt.timedelta(days=1)


def _week(d: dt.date) -> tuple[dt.date, dt.date]:
    monday = d - dt.timedelta(days=d.weekday())
    return monday, monday + dt.timedelta(days=7)


def _part_of_month(year: int, month: int, part: str) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    if part == "début":
        return dt.date(year, month, 1), dt.date(year, month, 11)
    if part == "mi":
        return dt.date(year, month, 11), dt.date(year, month, 21)
    return dt.date(year, month, 21), dt.date(year, month, last) + dt.timedelta(days=1)


def _part_of_year(year: int, part: str) -> tuple[dt.date, dt.date]:
    if part == "début":
        return dt.date(year, 1, 1), dt.date(year, 4, 1)
    if part == "mi":
        return dt.date(year, 5, 1), dt.date(year, 9, 1)
    return dt.date(year, 10, 1), dt.date(year + 1, 1, 1)


def _nearest_month_year(month: int, pub: dt.date, direction: int = 0) -> int:
    """Year of ``month``'s occurrence nearest to ``pub`` (direction -1: not after, +1: after)."""
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        start, end = _month(y, month)
        if direction < 0 and start > pub:
            continue
        if direction > 0 and start <= pub:
            continue
        dist = 0 if start <= pub < end else min(abs((start - pub).days), abs((end - pub).days))
        if best is None or dist < best[0]:
            best = (dist, y)
    return best[1] if best else pub.year


def _part(word: str) -> str:
    w = word.lower()
    if w.startswith("d") or w in ("early", "beginning"):
        return "début"
    if w.startswith("f") or w in ("end", "late"):
        return "fin"
    return "mi"


def _rel(word: str | None) -> int:
    """-1 for dernier/passé/last, +1 for prochain/next, 0 otherwise."""
    if not word:
        return 0
    w = word.lower()
    if w.startswith(("prochain", "next", "suivant")):
        return 1
    if w.startswith(("dernier", "dernière", "derniere", "passé", "passe", "last", "précédent", "precedent")):
        return -1
    return 0


# ---------------------------------------------------------------------------------------------


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    ny, nm = _add_months(year, 3 * (q - 1) + 1, 3)
    return dt.date(year, 3 * (q - 1) + 1, 1), dt.date(ny, nm, 1)


def _distance(interval: tuple[dt.date, dt.date], pub: dt.date) -> int:
    start, end = interval
    return 0 if start <= pub < end else min(abs((start - pub).days), abs((end - pub).days))
