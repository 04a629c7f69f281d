"""Table-driven tests of the pure-Python date and money finder/resolver (reader.nlp.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.nlp.dates import find

PUB = dt.date(2023, 4, 19)  # a Wednesday

# (text, expected span text, value, granularity) — resolved against PUB, never today
DATES = [
    ("A partir du 25 avril 2023, les campagnes", "25 avril 2023", "2023-04-25/2023-04-26", "day"),
    ("— Elon Musk (@elonmusk) April 19, 2023", "April 19, 2023", "2023-04-19/2023-04-20", "day"),
    ("le 19 April 2023 déjà", "19 April 2023", "2023-04-19/2023-04-20", "day"),
    ("il est intervenu hier sur le sujet", "hier", "2023-04-18/2023-04-19", "day"),
    ("Hier, il a parlé", "Hier", "2023-04-18/2023-04-19", "day"),
    ("avant-hier encore", "avant-hier", "2023-04-17/2023-04-18", "day"),
    ("Aujourd’hui, c’est Microsoft", "Aujourd’hui", "2023-04-19/2023-04-20", "day"),
    ("il sera là demain", "demain", "2023-04-20/2023-04-21", "day"),
    ("Elon Musk a tweeté lundi soir", "lundi", "2023-04-17/2023-04-18", "day"),
    ("il a tweeté mercredi", "mercredi", "2023-04-19/2023-04-20", "day"),
    ("il a tweeté jeudi", "jeudi", "2023-04-13/2023-04-14", "day"),
    ("rendez-vous mercredi prochain", "mercredi prochain", "2023-04-26/2023-04-27", "day"),
    ("c'était mercredi dernier", "mercredi dernier", "2023-04-12/2023-04-13", "day"),
    ("dès la semaine prochaine.", "la semaine prochaine", "2023-04-24/2023-05-01", "week"),
    ("la semaine dernière, rien", "la semaine dernière", "2023-04-10/2023-04-17", "week"),
    ("cette semaine encore", "cette semaine", "2023-04-17/2023-04-24", "week"),
    ("au début du mois de mars.", "début du mois de mars", "2023-03-01/2023-03-11", "part-of-month"),
    ("fin mars 2022", "fin mars 2022", "2022-03-21/2022-04-01", "part-of-month"),
    ("vers la mi-avril", "mi-avril", "2023-04-11/2023-04-21", "part-of-month"),
    ("fin février", "fin février", "2023-02-21/2023-03-01", "part-of-month"),
    ("à la fin de l’année 2022. Microsoft", "fin de l’année 2022", "2022-10-01/2023-01-01", "part-of-year"),
    ("au début de l'année", "début de l'année", "2023-01-01/2023-04-01", "part-of-year"),
    ("fin 2021", "fin 2021", "2021-10-01/2022-01-01", "part-of-year"),
    ("cofondateur d’Open AI en 2015, mais", "2015", "2015-01-01/2016-01-01", "year"),
    ("depuis 2019 il", "2019", "2019-01-01/2020-01-01", "year"),
    ("l'année dernière", "l'année dernière", "2022-01-01/2023-01-01", "year"),
    ("en mars dernier", "mars dernier", "2023-03-01/2023-04-01", "month"),
    ("prévu en décembre", "décembre", "2022-12-01/2023-01-01", "month"),
    ("en septembre", "septembre", "2023-09-01/2023-10-01", "month"),
    ("avril 2024", "avril 2024", "2024-04-01/2024-05-01", "month"),
    ("le mois prochain", "le mois prochain", "2023-05-01/2023-06-01", "month"),
    ("le 1er mai", "1er mai", "2023-05-01/2023-05-02", "day"),
    ("le 12 décembre", "12 décembre", "2022-12-12/2022-12-13", "day"),
    ("publié le 2023-04-02.", "2023-04-02", "2023-04-02/2023-04-03", "day"),
]

MONEY = [
    ("facturée à 42000 dollars par mois.", "42000 dollars par mois", "42000 USD/month"),
    ("facturée à 42 000 dollars par mois", "42 000 dollars par mois", "42000 USD/month"),
    ("facturée à 42\u00a0000 dollars par mois", "42\u00a0000 dollars par mois", "42000 USD/month"),
    ("facturée à 42\u202f000 dollars par mois", "42\u202f000 dollars par mois", "42000 USD/month"),
    ("vaut 2,15 milliards de dollars en bourse", "2,15 milliards de dollars", "2150000000 USD"),
    ("disposait de 100 milliards de dollars de liquidités", "100 milliards de dollars", "100000000000 USD"),
    ("un budget de 3,5 millions d'euros", "3,5 millions d'euros", "3500000 EUR"),
    ("pour 10 € par an", "10 € par an", "10 EUR/year"),
    ("raised $5 million", "$5 million", "5000000 USD"),
    ("un prix de 1 299 €", "1 299 €", "1299 EUR"),
]

# text → nothing at all
NOTHING = [
    "la planète Mars est rouge",
    "une mission vers Mars",
    "il a 2,15 de moyenne",
    "sa plateforme Advertising",
    "les 1000 meilleurs annonceurs",
    "investi des milliards de dollars",
    "la semaine où il est parti",
    "il ne se passe pas une semaine sans",
    "le fichier est là",
    "en 42 minutes",
    "samedis et dimanches",
    "sa maison",
]


@pytest.mark.parametrize("text, span, value, granularity", DATES)
def test_date_resolution(text, span, value, granularity):
    found = [f for f in find(text, PUB) if f.label == "DATE"]
    assert [f.text for f in found] == [span]
    f = found[0]
    assert text[f.start:f.end] == span
    assert (f.value, f.granularity) == (value, granularity)
    assert f.date_start.isoformat() + "/" + f.date_end.isoformat() == value
    assert f.date_start < f.date_end


@pytest.mark.parametrize("text, span, value", MONEY)
def test_money(text, span, value):
    found = find(text, PUB)
    assert [(f.label, f.text, f.value) for f in found] == [("MONEY", span, value)]
    assert text[found[0].start:found[0].end] == span


@pytest.mark.parametrize("text", NOTHING)
def test_no_false_positive(text):
    assert find(text, PUB) == []


def test_resolution_uses_publication_date_not_today():
    a = find("il est parti hier", dt.date(2001, 1, 1))[0]
    assert a.value == "2000-12-31/2001-01-01"
    b = find("la semaine prochaine", dt.date(2010, 12, 29))[0]
    assert b.value == "2011-01-03/2011-01-10"


def test_unresolved_without_publication_date():
    found = find("hier et le 25 avril 2023", None)
    assert [(f.text, f.value) for f in found] == [("hier", None), ("25 avril 2023", "2023-04-25/2023-04-26")]


def test_several_expressions_sorted_and_disjoint():
    text = ("Dès la semaine prochaine, soit le 25 avril 2023, l'API coûtera 42 000 dollars par mois ; "
            "l'entreprise valait 2,15 milliards de dollars fin 2022.")
    found = find(text, PUB)
    assert [f.label for f in found] == ["DATE", "DATE", "MONEY", "MONEY", "DATE"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert all(text[f.start:f.end] == f.text for f in found)


def test_invalid_calendar_day_falls_back_to_the_month():
    found = find("le 31 février 2023", PUB)
    assert [(f.text, f.granularity) for f in found] == [("février 2023", "month")]


# A bare weekday reads the tense of the verb nearest to it in its sentence (future or conditional:
# on or after publication; past or present: on or before). (sentence, published, expected day)
SAT = dt.date(2023, 4, 22)  # a Saturday
WEEKDAY_TENSE = [
    ("Il remettrait sa démission lundi.", PUB, "2023-04-24"),
    ("Les trains circuleront vendredi et samedi.", PUB, "2023-04-21"),
    ("Le ministre remettra sa démission lundi au président.", PUB, "2023-04-24"),
    ("Lundi, il remettra sa démission.", PUB, "2023-04-24"),
    ("Il va présenter son plan jeudi.", PUB, "2023-04-20"),
    ("La réunion est prévue jeudi.", PUB, "2023-04-20"),
    ("Le sommet devrait se tenir mardi.", PUB, "2023-04-25"),
    ("Les résultats seront publiés mercredi.", PUB, "2023-04-19"),  # future, the same day: that day
    ("Il a démissionné lundi.", PUB, "2023-04-17"),
    ("Elon Musk a tweeté jeudi soir", PUB, "2023-04-13"),
    ("Le patron était à Paris mardi.", PUB, "2023-04-18"),
    ("Il est parti vendredi.", SAT, "2023-04-21"),
    ("Jeudi, le retrait du produit a été annoncé.", PUB, "2023-04-13"),
    ("Il parle jeudi devant la presse.", PUB, "2023-04-13"),  # present: the most recent (nlp.md)
    ("Il a démissionné lundi et partira vendredi.", PUB, "2023-04-17"),
    ("He will speak on Friday.", PUB, "2023-04-21"),
    ("He spoke on Friday.", PUB, "2023-04-14"),
    ("Il remettra sa démission lundi dernier.", PUB, "2023-04-17"),  # explicit "dernier" wins
    ("Il avait parlé dimanche prochain.", PUB, "2023-04-23"),  # explicit "prochain" wins
]


@pytest.mark.parametrize("text, published, day", WEEKDAY_TENSE)
def test_weekday_follows_the_tense_of_its_verb(text, published, day):
    found = [f for f in find(text, published) if f.label == "DATE"]
    assert found, text
    f = found[0]
    assert (f.date_start.isoformat(), f.granularity) == (day, "day")
    assert (f.date_end - f.date_start).days == 1


def test_sunday_alone_is_a_weekday():
    # the rule's cheap gate looked for "...di" and "...day" only: a lone "dimanche" was never found
    assert [(f.text, f.value) for f in find("Il est parti dimanche.", PUB)] == [("dimanche", "2023-04-16/2023-04-17")]
