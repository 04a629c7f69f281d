"""Money amounts: per-language number formats, the two money rules, and the normalised value
(``"42000 USD/month"``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from reader.log import DEBUG, log_exception
from reader.nlp.dates.model import CURRENCIES, PERIODS, SCALES, _g, _Groups
from reader.nlp.dates.patterns import _A, _SP

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


def _money(m: _Groups) -> str | None:
    amount = _parse_number(m.group("num"), m.group("thousands") or FR_NUMBERS[0], m.group("decimal") or FR_NUMBERS[1])
    if amount is None:
        return None
    scale = _g(m, "scale")
    if scale:
        factor = SCALES.get(scale.lower()) or SCALES.get(scale)
        if scale == "M":
            factor = 10**6
        amount *= factor or 1
    cur = _g(m, "cur") or _g(m, "pcur") or ""  # (every money pattern has one of them)
    code = CURRENCIES.get(re.sub(r"\s+", " ", cur.lower()), cur.upper())
    if amount == amount.to_integral_value():
        text = str(int(amount))
    else:
        text = format(amount.normalize(), "f")
    per = _g(m, "per") or _g(m, "per2")
    suffix = f"/{PERIODS[per.lower()]}" if per and per.lower() in PERIODS else ""
    return f"{text} {code}{suffix}"
