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

The package, one module per room: :mod:`~reader.nlp.dates.model` (vocabulary and plain types, the
leaf), :mod:`~reader.nlp.dates.intervals` (calendar intervals), :mod:`~reader.nlp.dates.patterns`
(the ordered date rules), :mod:`~reader.nlp.dates.resolvers` (one resolver per kind),
:mod:`~reader.nlp.dates.tense` (a weekday's tense), :mod:`~reader.nlp.dates.money` (amounts and
number formats) and :mod:`~reader.nlp.dates.finder` (:func:`detect`, :func:`resolve`, :func:`find`).
Callers reach them here, as ``dates.find`` (tests patch ``dates.find`` and ``dates.detect``).
"""

from __future__ import annotations

from reader.nlp.dates.finder import detect, find, resolve
from reader.nlp.dates.model import (CURRENCIES, EN_MONTHS, EN_WEEKDAYS, FR_MONTHS, FR_WEEKDAYS, GRANULARITIES, PERIODS,
                                    SCALES, Candidate, Disjoint, Found, Granularity, Resolved)
from reader.nlp.dates.money import EN_NUMBERS, FR_NUMBERS, numbers_of
from reader.nlp.dates.resolvers import RESOLVERS
from reader.nlp.dates.tense import SCHEDULED, TENSES, sentence_bounds, text_tense

__all__ = [
    "CURRENCIES", "EN_MONTHS", "EN_NUMBERS", "EN_WEEKDAYS", "FR_MONTHS", "FR_NUMBERS", "FR_WEEKDAYS", "GRANULARITIES",
    "PERIODS", "RESOLVERS", "SCALES", "SCHEDULED", "TENSES", "Candidate", "Disjoint", "Found", "Granularity",
    "Resolved", "detect", "find", "numbers_of", "resolve", "sentence_bounds", "text_tense",
]
