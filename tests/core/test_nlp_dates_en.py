"""Table-driven tests of English dates and amounts (reader.nlp.dates, lang="en"), as for French."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.nlp.dates import find

PUB = dt.date(2023, 4, 19)  # a Wednesday

# (text, expected span text, value, granularity) — resolved against PUB, never today
DATES = [
    ("The deal was signed yesterday.", "yesterday", "2023-04-18/2023-04-19", "day"),
    ("Talks resume tomorrow.", "tomorrow", "2023-04-20/2023-04-21", "day"),
    ("Shares fell sharply today.", "today", "2023-04-19/2023-04-20", "day"),
    ("Police said last night that", "last night", "2023-04-18/2023-04-19", "day"),
    ("It was announced last Wednesday.", "last Wednesday", "2023-04-12/2023-04-13", "day"),
    ("The vote is next Wednesday.", "next Wednesday", "2023-04-26/2023-04-27", "day"),
    ("They meet this Friday.", "this Friday", "2023-04-21/2023-04-22", "day"),
    ("The board met on Monday.", "Monday", "2023-04-17/2023-04-18", "day"),
    ("The company said Friday it had hired", "Friday", "2023-04-14/2023-04-15", "day"),
    ("The company will report results on Friday.", "Friday", "2023-04-21/2023-04-22", "day"),
    ("The minister is expected to resign on Friday.", "Friday", "2023-04-21/2023-04-22", "day"),
    ("The strike ended on Friday.", "Friday", "2023-04-14/2023-04-15", "day"),
    ("Prices rose this week.", "this week", "2023-04-17/2023-04-24", "week"),
    ("Prices rose last week.", "last week", "2023-04-10/2023-04-17", "week"),
    ("The law takes effect next month.", "next month", "2023-05-01/2023-06-01", "month"),
    ("Sales fell last year.", "last year", "2022-01-01/2023-01-01", "year"),
    ("They travelled last weekend.", "last weekend", "2023-04-15/2023-04-17", "day"),
    ("The plant closes at the end of June.", "end of June", "2023-06-21/2023-07-01", "part-of-month"),
    ("It opened in early March.", "early March", "2023-03-01/2023-03-11", "part-of-month"),
    ("Expected by mid-May 2024.", "mid-May 2024", "2024-05-11/2024-05-21", "part-of-month"),
    ("Launched in late February.", "late February", "2023-02-21/2023-03-01", "part-of-month"),
    ("Revenue in Q1 2023 doubled.", "Q1 2023", "2023-01-01/2023-04-01", "quarter"),
    ("Q4 revenue fell.", "Q4", "2022-10-01/2023-01-01", "quarter"),
    ("in the third quarter of 2022", "third quarter of 2022", "2022-07-01/2022-10-01", "quarter"),
    ("It happened two weeks ago.", "two weeks ago", "2023-04-03/2023-04-10", "week"),
    ("It happened 3 days ago.", "3 days ago", "2023-04-16/2023-04-17", "day"),
    ("He left a year ago.", "a year ago", "2022-01-01/2023-01-01", "year"),
    ("The results come in three days.", "in three days", "2023-04-22/2023-04-23", "day"),
    ("A decision is due in two weeks.", "in two weeks", "2023-05-01/2023-05-08", "week"),
    ("Popular in the 1990s.", "1990s", "1990-01-01/2000-01-01", "decade"),
    ("Founded in the late 1980s.", "late 1980s", "1986-01-01/1990-01-01", "decade"),
    ("A hit of the '90s.", "'90s", "1990-01-01/2000-01-01", "decade"),
    ("Expected in early 2024.", "early 2024", "2024-01-01/2024-04-01", "part-of-year"),
    ("Until mid-2021 it grew.", "mid-2021", "2021-05-01/2021-09-01", "part-of-year"),
    ("by the end of the year", "end of the year", "2023-10-01/2024-01-01", "part-of-year"),
    ("early next year", "early next year", "2024-01-01/2024-04-01", "part-of-year"),
    ("Prices rose in March.", "March", "2023-03-01/2023-04-01", "month"),
    ("The rule applies since January.", "January", "2023-01-01/2023-02-01", "month"),
    ("It was presented last September.", "last September", "2022-09-01/2022-10-01", "month"),
    ("It happened on April 19, 2023.", "April 19, 2023", "2023-04-19/2023-04-20", "day"),
    ("It happened on 12 March 2022.", "12 March 2022", "2022-03-12/2022-03-13", "day"),
    ("Planned for June 2024.", "June 2024", "2024-06-01/2024-07-01", "month"),
    ("He joined in 2015.", "2015", "2015-01-01/2016-01-01", "year"),
]

MONEY = [
    ("It costs $42,000 a month.", "$42,000 a month", "42000 USD/month"),
    ("She paid $1,500 for it.", "$1,500", "1500 USD"),
    ("worth $2.15 billion", "$2.15 billion", "2150000000 USD"),
    ("a $1,250,000.50 fine", "$1,250,000.50", "1250000.5 USD"),
    ("It raised £3.2bn last year.", "£3.2bn", "3200000000 GBP"),
    ("a budget of 42,000 euros", "42,000 euros", "42000 EUR"),
    ("it charges €10 per year", "€10 per year", "10 EUR/year"),
    ("it made $5 million", "$5 million", "5000000 USD"),
]

NOT_DATES = [
    "Black Friday sales were strong.",  # a named day, not a date
    "She is in her 90s.",  # an age, not a decade
    "They may come.",  # the modal, not the month
    "Visit monday.com for details.",
]


@pytest.mark.parametrize("text,span,value,granularity", DATES)
def test_english_dates_resolve_against_publication(text, span, value, granularity):
    found = [f for f in find(text, PUB, "en") if f.label == "DATE"]
    assert [(f.text, f.value, f.granularity) for f in found] == [(span, value, granularity)]


@pytest.mark.parametrize("text,span,value", MONEY)
def test_english_amounts_use_the_english_number_format(text, span, value):
    found = [f for f in find(text, PUB, "en") if f.label == "MONEY"]
    assert [(f.text, f.value) for f in found] == [(span, value)]


@pytest.mark.parametrize("text", NOT_DATES)
def test_english_non_dates(text):
    assert [f.text for f in find(text, PUB, "en") if f.label == "DATE"] == []


def test_the_number_format_is_the_language_s():
    # the same characters, two languages: a thousands comma in English, a decimal comma in French
    assert [f.value for f in find("$1,500", PUB, "en")] == ["1500 USD"]
    assert [f.value for f in find("1,5 million de dollars", PUB, "fr")] == ["1500000 USD"]
    assert [f.value for f in find("42 000 dollars par mois", PUB, "fr")] == ["42000 USD/month"]
    assert [f.value for f in find("2,15 milliards de dollars", PUB, "fr")] == ["2150000000 USD"]
    assert [f.value for f in find("$42,000 a month", PUB, "en")] == ["42000 USD/month"]


def test_without_publication_date_relative_english_dates_stay_unresolved():
    found = find("It happened two weeks ago, last Wednesday, in Q1 2023.", None, "en")
    assert [(f.text, f.value) for f in found] == [
        ("two weeks ago", None), ("last Wednesday", None), ("Q1 2023", "2023-01-01/2023-04-01")]
