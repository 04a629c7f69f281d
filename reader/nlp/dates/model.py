"""The date finder's shared vocabulary and plain types (the leaf of :mod:`reader.nlp.dates`): month,
weekday, currency, scale and period words; :class:`Found`; a candidate's groups; :class:`Disjoint`."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

# ---------------------------------------------------------------------------------------------
# vocabulary

FR_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "aug.": 8, "sept.": 9, "sep.": 9, "oct.": 10, "nov.": 11,
    "dec.": 12,
}
FR_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
EN_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

CURRENCIES = {
    "dollar": "USD", "dollars": "USD", "$": "USD", "usd": "USD", "us$": "USD",
    "euro": "EUR", "euros": "EUR", "€": "EUR", "eur": "EUR",
    "livre": "GBP", "livres": "GBP", "livres sterling": "GBP", "livre sterling": "GBP", "£": "GBP",
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "franc suisse": "CHF", "francs suisses": "CHF", "chf": "CHF",
    "yen": "JPY", "yens": "JPY", "¥": "JPY", "jpy": "JPY",
    "yuan": "CNY", "yuans": "CNY", "cny": "CNY",
    "dollar canadien": "CAD", "dollars canadiens": "CAD", "cad": "CAD",
    "bitcoin": "BTC", "bitcoins": "BTC", "btc": "BTC",
}
SCALES = {
    "mille": 10**3, "k": 10**3, "thousand": 10**3,
    "million": 10**6, "millions": 10**6, "m": 10**6, "mn": 10**6,
    "milliard": 10**9, "milliards": 10**9, "md": 10**9, "mds": 10**9, "mrd": 10**9, "mrds": 10**9,
    "billion": 10**9, "billions": 10**9, "bn": 10**9,  # English billion (French "billion" is rare in news)
    "trillion": 10**12, "trillions": 10**12,
}
PERIODS = {
    "mois": "month", "month": "month", "an": "year", "année": "year", "annee": "year", "year": "year",
    "jour": "day", "day": "day", "semaine": "week", "week": "week", "heure": "hour", "hour": "hour",
    "mensuels": "month", "mensuel": "month", "annuels": "year", "annuel": "year",
}

Granularity = Literal["day", "week", "month", "part-of-month", "quarter", "year", "part-of-year", "decade"]
GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month", "part-of-month", "quarter", "year", "part-of-year",
                                          "decade")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    label: str  # "DATE" | "MONEY"
    text: str
    value: str | None = None  # "2023-04-19/2023-04-20" or "42000 USD/month"
    date_start: dt.date | None = None  # inclusive
    date_end: dt.date | None = None  # exclusive
    granularity: str | None = None


def _g(m: re.Match[str] | _Groups, name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


Resolved = tuple[dt.date, dt.date, Granularity]


class _Reject(Exception):
    pass


class _Groups:
    """What :func:`_resolve` reads of a match, rebuilt from plain data (see :func:`detect`)."""

    __slots__ = ("text", "groups")

    def __init__(self, text: str, groups: dict[str, Any]) -> None:
        self.text, self.groups = text, groups

    def group(self, name: str | int) -> Any:
        return self.text if name == 0 else self.groups.get(str(name))


Candidate = tuple  # (start, end, kind, groups): plain data, msgpack/pickle-friendly


class Disjoint:
    """Disjoint half-open intervals ``[start, end)``, kept sorted: which of them overlap a given
    interval is two bisections (a passage may hold thousands of matches: no pairwise checks)."""

    def __init__(self, intervals: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(intervals):
            self.add(start, end)

    def overlapping(self, start: int, end: int) -> range:
        """Positions (in sorted order) of the intervals overlapping ``[start, end)``."""
        return range(bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end))

    def overlaps(self, start: int, end: int) -> bool:
        return len(self.overlapping(start, end)) > 0

    def add(self, start: int, end: int) -> None:
        """Add an interval overlapping none of those held."""
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
