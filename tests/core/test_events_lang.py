"""Events in any language: English triggers and abbreviations, stop words of both languages, and an
English article linked to the two bundled French ones on shared participants and the same date,
the link saying it crosses languages (``reader events``, the panel's ``Link.explain()``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from reader.events.extract import find_actions, find_trigger, split_sentences
from reader.events.link import link_mentions, stop_words
from reader.events.model import EventMention
from reader.events.store import EventSet, load_events, save_events

ROOT = Path(__file__).resolve().parents[2]
EN_ARTICLE = ROOT / "tests" / "data" / "events_en" / "2023-04-twitter-leaves-microsoft-advertising.md"
EN_ID = "twitter-leaves-microsoft-advertising"
FR_IDS = {"microsoft-retire-twitter-advertising", "twitter-disparait-microsoft-advertising"}


def test_english_triggers_share_the_french_action_classes():
    assert find_actions("Microsoft will remove Twitter from its platform.") == ("remove",)
    assert find_actions("Microsoft va retirer Twitter de sa plateforme.") == ("remove",)
    assert "remove" in find_actions("Twitter withdrew from the deal")
    assert "legal" in find_actions("Musk said he would sue Microsoft")
    assert "pay" in find_actions("Twitter now charges for access to its API")
    assert "acquire" in find_actions("Microsoft acquired the startup")
    assert find_trigger("The weather was fine.") is None
    # French words that look like the English triggers are not read as them
    assert "pay" not in find_actions("La plateforme ne prendra plus en charge Twitter.")


def test_english_abbreviations_do_not_end_sentences():
    text = "Mr. Smith met officials in the U.S. on Jan. 5. Then he left."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["Mr. Smith met officials in the U.S. on Jan. 5.", "Then he left."]


def test_tfidf_stop_words_cover_both_languages():
    words = set(stop_words())
    assert {"les", "dans", "the", "would", "their"} <= words


def _em(article, text, participants, date):
    return EventMention(article, 0, 0, len(text), text, date[0], date[1], "day", None, ((date[0], date[1], "day"),),
                        tuple(participants), "x", ("remove",), text)


def test_a_link_across_languages_says_so_and_survives_the_store(tmp_path):
    day = ("2023-04-25", "2023-04-26")
    en = _em("en", "Microsoft will remove Twitter from its advertising platform", ["ORG:microsoft", "ORG:twitter"], day)
    fr = _em("fr", "Microsoft retirera Twitter de sa plateforme publicitaire", ["ORG:microsoft", "ORG:twitter"], day)
    pub = {"en": "2023-04-20", "fr": "2023-04-19"}
    names = {"ORG:microsoft": "Microsoft", "ORG:twitter": "Twitter"}
    (ev,), _ = link_mentions([en, fr], pub, names, languages={"en": "en", "fr": "fr"})
    (lk,) = ev.links
    assert lk.languages in ("en ↔ fr", "fr ↔ en")
    assert "across languages" in lk.explain() and "linked on shared names and the same date" in lk.explain()
    save_events(tmp_path, EventSet([ev], {"en": "1", "fr": "2"}))
    (back,) = load_events(tmp_path).all()
    assert back.links == ev.links
    # one language (or an undetermined one): no such note
    (ev2,), _ = link_mentions([en, fr], pub, names, languages={"en": "fr", "fr": "fr"})
    assert ev2.links[0].languages == "" and "across" not in ev2.links[0].explain()
    (ev3,), _ = link_mentions([en, fr], pub, names)
    assert ev3.links[0].languages == ""


@pytest.fixture(scope="module")
def three_articles(tmp_path_factory):
    if importlib.util.find_spec("reader.nlp.ingest") is None:
        pytest.skip("entity pipeline not available")
    from helpers.events_ingest import ingested_events

    with ingested_events(tmp_path_factory.mktemp("events_lang"), (EN_ARTICLE,)) as found:
        yield found


def test_english_and_french_reports_of_the_25_april_withdrawal_are_one_event(three_articles):
    _folder, events = three_articles
    ev = next(e for e in events.all()
              if any(m.article_id == EN_ID and "April 25, 2023" in m.text for m in e.mentions))
    assert (ev.date_start, ev.granularity) == ("2023-04-25", "day")
    assert {m.article_id for m in ev.mentions} == FR_IDS | {EN_ID}
    across = [lk for lk in ev.links if EN_ID in (ev.mentions[lk.a].article_id, ev.mentions[lk.b].article_id)]
    assert len(across) == 2
    for lk in across:
        assert lk.date_note == "same date 2023-04-25" and lk.shared
        assert lk.languages in ("en ↔ fr", "fr ↔ en")
        assert "linked on shared names and the same date" in lk.explain()
    # the two French articles' own link says nothing about languages
    (same,) = [lk for lk in ev.links if lk not in across]
    assert same.languages == ""


def test_reader_events_prints_the_cross_language_explanation(three_articles, capsys):
    import argparse

    from reader.events.cli import cli_events
    from reader.ingest import run_ingest

    folder, _events = three_articles
    assert cli_events(argparse.Namespace(id=EN_ID, json=False), folder, run_ingest) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if "link" in ln and EN_ID in ln and "same date 2023-04-25" in ln]
    assert len(lines) == 2, out
    assert all("across languages (en ↔ fr): linked on shared names and the same date" in ln for ln in lines)
