"""The date patterns: regular-expression fragments, the cheap gates, and the ordered list of rules
``(pattern, kind, gate)`` — French and English interleaved as they were written: two rules matching
the same span keep the first, so the order is part of the result. Each ``kind`` has one resolver in
:mod:`reader.nlp.dates.resolvers`."""

from __future__ import annotations

import re

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
