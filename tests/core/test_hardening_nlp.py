"""Issue 10, NLP side: one article's bad value or pathological text costs that article (or that
passage) only, never the annotation batch, the events stage or minutes of the ingest."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import write_article
from reader.entities import cache as annotations
from reader.corpus import Catalogue
from reader.nlp import dates
from reader.nlp.ingest import annotate_missing

LAST = dt.date(9999, 12, 31)
FIRST = dt.date(1, 1, 1)


def _metas(folder):
    return Catalogue(folder).refresh().articles


# --- 1. extreme publication dates ------------------------------------------------------------

@pytest.mark.parametrize("text, published", [
    ("demain", LAST), ("après-demain", LAST), ("hier", FIRST), ("avant-hier", FIRST),
    ("la semaine prochaine", LAST), ("la semaine dernière", FIRST), ("le mois prochain", LAST),
    ("le mois dernier", FIRST), ("l'année prochaine", LAST), ("l'année dernière", FIRST),
    ("fin de l'année", LAST), ("en décembre", LAST), ("en janvier", FIRST), ("ce week-end", LAST),
    ("mercredi prochain", LAST), ("mercredi dernier", FIRST), ("il viendra lundi", LAST),
    ("courant décembre", LAST),
])
def test_a_date_beyond_the_calendar_is_found_but_left_unresolved(text, published):
    found = [f for f in dates.find(text, published) if f.label == "DATE"]
    assert len(found) == 1
    f = found[0]
    assert text[f.start:f.end] == f.text
    if f.value is not None:  # resolvable inside the calendar: then a valid interval
        assert f.date_start < f.date_end
    assert f.value is None or published.year in (f.date_start.year, f.date_end.year)


def test_extreme_dates_in_the_ingest_without_a_model_cost_nothing_else(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "last", "Fin", "Il partira demain, le 25 avril 2023.", language="de",
                  published="9999-12-31")
    write_article(folder, "b.md", "first", "Début", "Il est parti hier.", language="de", published="0001-01-01")
    errors: list[str] = []
    assert annotate_missing(_metas(folder), errors=errors) == 2
    assert errors == []
    anns = {m.id: annotations.load(m.content_hash) for m in _metas(folder)}
    assert [(m.text, m.value) for m in anns["last"].mentions] == [
        ("demain", None), ("25 avril 2023", "2023-04-25/2023-04-26")]
    assert [(m.text, m.value) for m in anns["first"].mentions] == [("hier", None)]


def test_an_article_whose_annotation_raises_is_reported_and_the_others_go_on(tmp_path, monkeypatch):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "ok-1", "Un", "Il est parti hier.", language="de", published="2023-04-19")
    write_article(folder, "b.md", "bad", "Deux", "BOOM hier.", language="de", published="2023-04-19")
    write_article(folder, "c.md", "ok-2", "Trois", "Il revient demain.", language="de", published="2023-04-19")
    real = dates.find

    def find(text, published=None, *args):
        if "BOOM" in text:
            raise RuntimeError("a bug on this text")
        return real(text, published, *args)

    monkeypatch.setattr(dates, "find", find)
    errors: list[str] = []
    annotate_missing(_metas(folder), errors=errors)
    assert len(errors) == 1 and errors[0].startswith("b.md: ") and "a bug on this text" in errors[0]
    anns = {m.id: annotations.load(m.content_hash) for m in _metas(folder)}
    assert anns["bad"] is None
    assert [m.text for m in anns["ok-1"].mentions] == ["hier"]
    assert [m.text for m in anns["ok-2"].mentions] == ["demain"]


def test_an_article_whose_event_extraction_raises_is_reported_and_the_others_go_on(tmp_path, monkeypatch):
    from reader.events import build
    from reader.events.store import load_events

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "ok", "Un", "Il a démissionné le 25 avril 2023.", language="de")
    write_article(folder, "b.md", "bad", "Deux", "Il a démissionné le 26 avril 2023.", language="de")
    metas = _metas(folder)
    annotate_missing(metas)
    real = build.mentions_for

    def mentions_for(meta):
        if meta.id == "bad":
            raise KeyError("broken annotation")
        return real(meta)

    monkeypatch.setattr(build, "mentions_for", mentions_for)
    report = build.update_events(folder, metas)
    assert len(report["errors"]) == 1 and report["errors"][0].startswith("b.md: ")
    events = load_events(folder)
    try:
        assert {m.article_id for e in events.all() for m in e.mentions} == {"ok"}
    finally:
        events.close()


@pytest.mark.slow
def test_ingest_with_extreme_dates_and_a_failing_article_annotates_the_rest(tmp_path, monkeypatch):
    """The issue's case through the real pipeline: every article but the failing one gets entities
    and events; the failure (raised inside spaCy's batch) is one line of the report."""
    from reader.events.store import load_events
    from reader.ingest import run_ingest

    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "last", "Fin", "Elon Musk remettra demain sa démission à Microsoft.",
                  language="fr", published="9999-12-31")
    write_article(folder, "b.md", "first", "Début", "Elon Musk a quitté Microsoft hier.", language="fr",
                  published="0001-01-01")
    write_article(folder, "c.md", "bad", "Panne", "BOOM chez Microsoft le 25 avril 2023.", language="fr",
                  published="2023-04-19")
    write_article(folder, "d.md", "normal", "Normal", "Elon Musk a quitté Microsoft hier. Il remettrait sa "
                  "démission lundi.", language="fr", published="2023-04-19")
    real = dates.detect

    def detect(text, *args):
        if "BOOM" in text:
            raise RuntimeError("a bug on this passage")
        return real(text, *args)

    monkeypatch.setattr(dates, "detect", detect)  # runs inside the spaCy component
    report = run_ingest(folder)
    assert len(report["errors"]) == 1 and report["errors"][0].startswith("c.md: "), report["errors"]
    anns = {m.id: annotations.load(m.content_hash) for m in _metas(folder)}
    assert anns["bad"] is None
    for art in ("last", "first", "normal"):
        assert {e.key for e in anns[art].entities} >= {"PER:elon musk", "ORG:microsoft"}, art
    dated = {m.text: m.value for m in anns["last"].mentions + anns["first"].mentions if m.label == "DATE"}
    assert dated == {"demain": None, "hier": None}
    assert [m.value for m in anns["normal"].mentions if m.label == "DATE"] == [
        "2023-04-18/2023-04-19", "2023-04-24/2023-04-25"]  # hier; lundi with a conditional: the coming one
    events = load_events(folder)
    try:
        assert {m.article_id for e in events.all() for m in e.mentions} >= {"normal"}
    finally:
        events.close()


# --- 2. a weekday with a future verb: the model's morphology when the pipeline has it ------------

@pytest.mark.parametrize("words, pos, morphs, day", [
    # no cue in the endings ("signe"): the morphology decides; an ending cue ("remettra") wins over
    # the morphology (fr_core_news_md tags "remettra" Tense=Pres)
    (["Il", "signe", "lundi", "."], ["PRON", "VERB", "NOUN", "PUNCT"],
     ["", "Mood=Cnd|Tense=Pres|VerbForm=Fin", "", ""], "2023-04-24"),
    (["Il", "remettra", "lundi", "."], ["PRON", "VERB", "NOUN", "PUNCT"],
     ["", "Mood=Ind|Tense=Pres|VerbForm=Fin", "", ""], "2023-04-24"),
    (["Il", "parlait", "et", "signera", "lundi", "."], ["PRON", "VERB", "CCONJ", "VERB", "NOUN", "PUNCT"],
     ["", "Tense=Imp|VerbForm=Fin", "", "Tense=Fut|VerbForm=Fin", "", ""], "2023-04-24"),
    (["Il", "signe", "vite", "lundi", "."], ["PRON", "VERB", "ADV", "NOUN", "PUNCT"],
     ["", "Tense=Past|VerbForm=Fin", "", "", ""], "2023-04-17"),
    (["Il", "a", "signé", "lundi", "."], ["PRON", "AUX", "VERB", "NOUN", "PUNCT"],
     ["", "Tense=Pres|VerbForm=Fin", "Tense=Past|VerbForm=Part", "", ""], "2023-04-17"),
    (["Elle", "est", "prévue", "lundi", "."], ["PRON", "AUX", "VERB", "NOUN", "PUNCT"],
     ["", "Tense=Pres|VerbForm=Fin", "Tense=Past|VerbForm=Part", "", ""], "2023-04-24"),
    (["Il", "va", "signer", "lundi", "."], ["PRON", "AUX", "VERB", "NOUN", "PUNCT"],
     ["", "Tense=Pres|VerbForm=Fin", "VerbForm=Inf", "", ""], "2023-04-24"),
])
def test_weekday_tense_from_the_model_morphology(words, pos, morphs, day):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    from reader.nlp import pipeline

    doc = pipeline._entities(Doc(spacy.blank("fr").vocab, words=words, pos=pos, morphs=morphs))
    (cand,) = doc.user_data[pipeline.RULES_KEY]
    assert cand[3]["tense"] in dates.TENSES  # set from the morphology
    f = dates.resolve(doc.text, cand, dt.date(2023, 4, 19))
    assert (f.text, f.date_start.isoformat()) == ("lundi", day)


# --- 3. pathological text: bounded work per passage --------------------------------------------

def _blank_tokenizer():
    spacy = pytest.importorskip("spacy")
    from reader.nlp.pipeline import LongRunTokenizer

    nlp = spacy.blank("fr")  # the French prefix/suffix rules, no model
    return nlp.tokenizer, LongRunTokenizer(nlp.tokenizer)


def test_a_60kb_run_of_brackets_is_tokenized_at_once_with_the_same_text():
    # spaCy's own tokenizer is quadratic on it: 5,000 "[" took 2.7 s, 60,000 took 570 s
    from reader.nlp.pipeline import LONG_RUNS_KEY

    _inner, tok = _blank_tokenizer()
    text = "Elon Musk chez Microsoft. " + "[" * 60_000 + " Sam Altman dirige OpenAI."
    doc = tok(text)
    assert doc.text == text
    assert doc.user_data[LONG_RUNS_KEY] == [(26, 60_026)]
    assert [t.text for t in doc][:5] == ["Elon", "Musk", "chez", "Microsoft", "."]
    assert "[" * 60_000 in [t.text for t in doc]
    assert [t.text for t in doc][-5:] == ["Sam", "Altman", "dirige", "OpenAI", "."]
    lines = ("[" * 79 + "\n") * 750  # short runs, but all punctuation: also bypassed
    assert tok(lines).text == lines and len(tok(lines)) == 1500


def test_long_run_tokenizer_keeps_ordinary_text_as_spacy_cuts_it_and_every_offset():
    import random

    inner, tok = _blank_tokenizer()
    normal = "« Twitter », a-t-il dit (le 25 avril 2023) : 42 000 $… https://example.com/a?b=c."
    assert [(t.text, t.idx) for t in tok(normal)] == [(t.text, t.idx) for t in inner(normal)]
    rnd = random.Random(5)
    alphabet = ["[", "]", "(", "a", "é", " ", "  ", "\n", "x" * 120, "[" * 150, ",", "Microsoft", "\u00a0", "_",
                "--", "!!!!!!!!!", "\t"]
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40)))
        doc = tok(text)
        assert doc.text == text
        assert all(text[t.idx:t.idx + len(t.text)] == t.text for t in doc)


def test_thousands_of_rule_matches_in_one_passage_keep_the_longest_disjoint():
    # the overlap checks were pairwise (quadratic in matches): now bisections over disjoint intervals
    text = "lundi, le 25 avril 2023, hier et 42 000 dollars ; " * 400
    found = dates.find(text, dt.date(2023, 4, 19))
    assert len(found) == 1600
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert [f.text for f in found[:4]] == ["lundi", "25 avril 2023", "hier", "42 000 dollars"]


def test_disjoint_intervals():
    held = dates.Disjoint([(10, 20), (0, 5), (30, 31)])
    assert [held.overlaps(s, e) for s, e in [(5, 10), (4, 6), (19, 30), (20, 30), (31, 40), (-5, 0), (0, 100)]] == [
        False, True, True, False, False, False, True]
    assert list(held.overlapping(3, 31)) == [0, 1, 2]
    held.add(22, 25)
    assert held.overlaps(24, 26) and list(held.overlapping(21, 26)) == [2]


@pytest.mark.slow
def test_a_file_of_brackets_is_annotated_in_seconds_with_a_note(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "brackets", "Crochets", "Elon Musk chez Microsoft.\n\n" + "[" * 60_000,
                  language="fr", published="2023-04-19")
    assert annotate_missing(_metas(folder)) == 1
    ann = annotations.load(_metas(folder)[0].content_hash)
    assert ann.model
    assert {e.key for e in ann.entities} >= {"PER:elon musk", "ORG:microsoft"}
    assert "passage 1: 60,000 characters without a space" in ann.reason
