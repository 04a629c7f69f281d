"""Unit tests of event extraction, linking, store and CLI, on hand-made Annotations (no spaCy)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.entities import cache as ann_store
from reader.entities.model import Annotations, EntityInfo, Mention
from reader.events import extract
from reader.events.extract import extract_mentions, find_trigger, split_clauses, split_sentences
from reader.events.link import average_linkage, candidate_pairs, date_agreement, link_mentions
from reader.events.model import Event, EventMention
from reader.events.store import EventSet, events_file, load_events
from reader.passages import parse_passages

ROOT = Path(__file__).resolve().parents[2]


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# --- sentences -----------------------------------------------------------------------------------

def test_split_keeps_french_abbreviations_and_initials():
    text = "M. Dupont a rencontré Mme. Durand hier. J. Martin était là. Le Dr. Roux aussi, cf. le compte rendu."
    assert _texts(text) == ["M. Dupont a rencontré Mme. Durand hier.", "J. Martin était là.",
                            "Le Dr. Roux aussi, cf. le compte rendu."]


def test_split_does_not_cut_inside_quotes_and_keeps_closing_quote():
    text = ("Il a écrit : « Ils ont triché. C’est l’heure du procès. » Puis il est parti. "
            "“Nous verrons. Rien n’est fait”, a-t-il tweeté.")
    assert _texts(text) == ["Il a écrit : « Ils ont triché. C’est l’heure du procès. »",
                            "Puis il est parti.", "“Nous verrons. Rien n’est fait”, a-t-il tweeté."]


def test_split_joins_short_fragments_and_dash_attributions():
    text = "They trained illegally using Twitter data. Lawsuit time. — Elon Musk (@elonmusk) April 19, 2023"
    assert _texts(text) == [text]


def test_split_spans_index_the_passage_text():
    text = "  Première phrase ici. Deuxième phrase là !  Troisième phrase enfin ?"
    for s, e in split_sentences(text):
        assert text[s:e] == text[s:e].strip() and text[s:e]
    assert len(split_sentences(text)) == 3


def test_clauses_cut_coordinated_clauses_of_six_words_or_more():
    text = "Microsoft n’a pas donné de raison précise à ce retrait, mais il intervient alors que Twitter fait payer son API."
    parts = [text[s:e] for s, e in split_clauses(text, 0, len(text))]
    assert parts == ["Microsoft n’a pas donné de raison précise à ce retrait,",
                     "mais il intervient alors que Twitter fait payer son API."]
    short = "Il est venu, mais il est reparti aussitôt sans rien dire."
    assert split_clauses(short, 0, len(short)) == [(0, len(short))]


def test_triggers_ignore_nouns_that_look_like_verbs():
    assert find_trigger("Microsoft va retirer Twitter.") == "retirer"
    assert find_trigger("Lawsuit time.") == "Lawsuit"
    assert find_trigger("Les annonceurs sont partis avec les annonces publicitaires.") is None
    assert find_trigger("Le ciel est bleu.") is None


# --- extraction ------------------------------------------------------------------------------------

BODY = ("Microsoft retire Twitter de sa plateforme le 25 avril 2023. Le ciel est bleu sur Redmond.\n\n"
        "Elon Musk a parlé hier à Miami.")


def _annotations(body: str = BODY, article_id: str = "a1") -> Annotations:
    parsed = parse_passages(body)
    p0, p1 = parsed.passages[0].text, parsed.passages[1].text

    def m(passage, text, needle, label, key, ds=None, de=None, g=None):
        start = text.index(needle)
        return Mention(passage, start, start + len(needle), needle, label, key, None, ds, de, g)

    mentions = [
        m(0, p0, "Microsoft", "ORG", "ORG:microsoft"),
        m(0, p0, "Twitter", "ORG", "ORG:twitter"),
        m(0, p0, "25 avril 2023", "DATE", "DATE:x", "2023-04-25", "2023-04-26", "day"),
        m(0, p0, "Redmond", "LOC", "LOC:redmond"),
        m(1, p1, "Elon Musk", "PER", "PER:elon musk"),
        m(1, p1, "hier", "DATE", "DATE:y", "2023-04-18", "2023-04-19", "day"),
        m(1, p1, "Miami", "LOC", "LOC:miami"),
    ]
    ents = [EntityInfo("ORG:microsoft", "ORG", "Microsoft", 1), EntityInfo("ORG:twitter", "ORG", "Twitter", 1),
            EntityInfo("LOC:redmond", "LOC", "Redmond", 1), EntityInfo("PER:elon musk", "PER", "Elon Musk", 1),
            EntityInfo("LOC:miami", "LOC", "Miami", 1)]
    return Annotations(article_id, "h" * 24, "fr", "test", None, mentions, ents)


def test_extract_keeps_dated_or_triggered_sentences_with_participants():
    parsed = parse_passages(BODY)
    ms = extract_mentions("a1", parsed.passages, _annotations())
    assert [m.text for m in ms] == ["Microsoft retire Twitter de sa plateforme le 25 avril 2023.",
                                    "Elon Musk a parlé hier à Miami."]
    first, second = ms
    assert (first.passage, first.date_start, first.date_end, first.granularity) == (0, "2023-04-25", "2023-04-26", "day")
    assert first.participants == ("ORG:microsoft", "ORG:twitter")  # Redmond is in the other sentence
    assert first.trigger == "retire" and "remove" in first.actions
    assert "25 avril" not in first.content and "Microsoft" not in first.content
    assert parsed.passages[first.passage].text[first.start:first.end] == first.text
    assert second.trigger is None and second.date_text == "hier" and second.participants == ("PER:elon musk", "LOC:miami")


def test_extract_without_annotations_still_finds_triggered_sentences():
    ms = extract_mentions("a1", parse_passages(BODY).passages, None)
    assert [m.trigger for m in ms] == ["retire"] and ms[0].participants == () and ms[0].date_start is None


def test_most_specific_date_wins():
    text = "En 2023, le 25 avril, Microsoft a changé d’avis."
    y, d = text.index("2023"), text.index("25 avril")
    ann = Annotations("a", "h" * 24, "fr", "t", None, [
        Mention(0, y, y + 4, "2023", "DATE", "D:1", None, "2023-01-01", "2024-01-01", "year"),
        Mention(0, d, d + 8, "25 avril", "DATE", "D:2", None, "2023-04-25", "2023-04-26", "day"),
    ])
    (m,) = extract_mentions("a", parse_passages(text).passages, ann)
    assert (m.date_start, m.granularity) == ("2023-04-25", "day") and len(m.dates) == 2


def test_cache_per_hash_is_atomic_versioned_and_rebuilt_when_corrupt(corpus):
    from reader.corpus import Catalogue

    meta = Catalogue(corpus).refresh().articles[0]
    ms, names, fresh = extract.mentions_for(meta)
    assert fresh and ms
    assert extract.mentions_for(meta)[2] is False  # from the cache now
    path = extract.events_cache_dir() / f"{meta.content_hash}.json"
    assert not list(path.parent.glob("*.tmp"))
    path.write_text("{not json", encoding="utf-8")
    ms2, _, fresh2 = extract.mentions_for(meta)
    assert fresh2 and ms2 == ms
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = -1
    path.write_text(json.dumps(data), encoding="utf-8")
    assert extract.mentions_for(meta)[2] is True


def test_cached_without_annotations_is_redone_once_annotations_exist(corpus):
    from reader.corpus import Catalogue, load_article

    meta = Catalogue(corpus).refresh().articles[0]
    ms, _, _ = extract.mentions_for(meta)
    assert all(not m.participants for m in ms)
    art = load_article(meta)
    p = art.passages[0]
    i = p.text.index("Twitter") if "Twitter" in p.text else 0
    ann_store.save(Annotations(meta.id, meta.content_hash, "fr", "t", None,
                               [Mention(0, i, i + 7, "Twitter", "ORG", "ORG:twitter")],
                               [EntityInfo("ORG:twitter", "ORG", "Twitter", 1)]))
    ms2, names, fresh = extract.mentions_for(meta)
    assert fresh and names.get("ORG:twitter") == "Twitter"


# --- linking -----------------------------------------------------------------------------------------

def em(article, text, participants=(), date=None, gran="day", passage=0, start=0, actions=()):
    dates = ()
    ds = de = None
    if date:
        ds, de = date
        dates = ((ds, de, gran),)
    return EventMention(article, passage, start, start + len(text), text, ds, de, gran if date else None, None,
                        dates, tuple(participants), "x", tuple(actions), text)


PUB = {"a": "2023-04-19", "b": "2023-04-19", "c": "2023-04-20", "d": "2023-04-20"}


def test_label_trimming():
    from reader.events.link import _trim

    long = "En effet, " + "Microsoft retire Twitter de sa plateforme publicitaire " * 3
    label = _trim(long)
    assert label.startswith("Microsoft") and label.endswith("…") and len(label) <= 81 and "  " not in label
    assert _trim("mais il intervient alors que Twitter fait payer son API,") == (
        "Il intervient alors que Twitter fait payer son API")


def test_date_agreement_and_veto():
    day25 = em("a", "x", date=("2023-04-25", "2023-04-26"))
    day25b = em("b", "y", date=("2023-04-25", "2023-04-26"))
    day18 = em("b", "y", date=("2023-04-18", "2023-04-19"))
    week = em("b", "y", date=("2023-04-24", "2023-05-01"), gran="week")
    year = em("b", "y", date=("2015-01-01", "2016-01-01"), gran="year")
    undated = em("b", "y")
    assert date_agreement(day25, day25b)[:2] == (1.0, False)
    assert date_agreement(day25, week)[:2] == (0.7, False)
    assert date_agreement(day25, day18)[1] is True
    assert date_agreement(day25, year)[1] is True
    assert date_agreement(day25, undated)[1] is False


def test_different_explicit_dates_veto_a_link_despite_identical_text():
    text = "Elon Musk a donné une interview à Miami sur la publicité"
    a = em("a", text, ["PER:musk", "LOC:miami"], ("2023-04-18", "2023-04-19"))
    b = em("b", text, ["PER:musk", "LOC:miami"], ("2023-04-19", "2023-04-20"))
    events, stats = link_mentions([a, b], PUB, {})
    assert stats.vetoed_pairs == 1 and len(events) == 2 and not any(e.linked for e in events)
    b2 = em("b", text, ["PER:musk", "LOC:miami"], ("2023-04-18", "2023-04-19"))
    events, _ = link_mentions([a, b2], PUB, {"PER:musk": "Elon Musk"})
    assert len(events) == 1 and events[0].linked
    (lk,) = events[0].links
    assert "Elon Musk" in lk.shared and "same date 2023-04-18" in lk.explain() and lk.similarity > 0.9


def test_average_linkage_does_not_chain():
    # A~B and B~C strongly, A and C unrelated: single linkage / connected components would join all three
    sims = {(0, 1): 0.9, (1, 2): 0.4}
    clusters = average_linkage(3, sims, set(), threshold=0.3, groups=["a", "b", "c"])
    assert sorted(map(sorted, clusters)) == [[0, 1], [2]]
    # with A~C too, C joins
    sims[(0, 2)] = 0.4
    clusters = average_linkage(3, sims, set(), threshold=0.3, groups=["a", "b", "c"])
    assert sorted(map(sorted, clusters)) == [[0, 1, 2]]


def test_no_chaining_end_to_end_on_mentions():
    a = em("a", "Airbus signe un contrat géant avec Qantas pour des avions", ["ORG:airbus", "ORG:qantas"])
    b = em("b", "Airbus signe un contrat géant avec Qantas, puis Renault annonce une usine électrique",
           ["ORG:airbus", "ORG:qantas", "ORG:renault"])
    c = em("c", "Renault annonce une usine électrique à Douai", ["ORG:renault", "LOC:douai"])
    events, _ = link_mentions([a, b, c], PUB, {})
    groups = sorted(sorted(m.article_id for m in e.mentions) for e in events)
    assert ["a", "b", "c"] not in groups
    assert ["a", "b"] in groups


def test_a_cluster_never_absorbs_a_vetoed_mention():
    clusters = average_linkage(3, {(0, 1): 0.9, (0, 2): 0.9}, {(1, 2)}, threshold=0.3, groups=["a", "b", "c"])
    assert sorted(map(sorted, clusters)) in ([[0, 1], [2]], [[0, 2], [1]])


def test_clustering_per_strong_component_equals_global_average_linkage():
    import random

    import numpy as np

    from reader.events.link import EDGE_FLOOR, THRESHOLD, cluster_components

    for seed in range(25):
        r = random.Random(seed)
        n = r.randrange(5, 80)
        groups = [f"art{r.randrange(max(2, n // 3))}" for _ in range(n)]
        pairs = {(i, j) for i in range(n) for j in range(i + 1, n) if groups[i] != groups[j] and r.random() < 0.15}
        pairs = sorted(pairs)
        score = np.array([r.choice([r.uniform(0.0, 0.2), r.uniform(0.2, 0.6)]) for _ in pairs], dtype=np.float64)
        veto = np.array([r.random() < 0.1 for _ in pairs], dtype=bool)
        I = np.array([p[0] for p in pairs], dtype=np.int64)
        J = np.array([p[1] for p in pairs], dtype=np.int64)
        sims = {p: s for p, s, v in zip(pairs, score.tolist(), veto.tolist()) if not v and s >= EDGE_FLOOR}
        vetoed = {p for p, v in zip(pairs, veto.tolist()) if v}
        expected = sorted(average_linkage(n, sims, vetoed, THRESHOLD, groups))
        got = sorted(sorted(c) for c in cluster_components(n, I, J, score, veto, THRESHOLD, groups))
        assert got == expected, seed
        assert sorted(i for c in got for i in c) == list(range(n))


def test_same_article_mentions_are_not_candidates():
    a1 = em("a", "Microsoft retire Twitter", ["ORG:microsoft"])
    a2 = em("a", "Microsoft retire Twitter encore", ["ORG:microsoft"], start=50)
    assert len(candidate_pairs([a1, a2], PUB)) == 0


def test_blocking_keeps_candidate_pairs_far_below_n_squared():
    import datetime as dt
    import random

    r = random.Random(1)
    ms = []
    base = dt.date(2022, 1, 1)
    pub = {}
    for i in range(3000):
        art = f"art{i // 3}"
        day = base + dt.timedelta(days=r.randrange(700))
        pub[art] = day.isoformat()
        ents = [f"ORG:o{r.randrange(40)}", f"PER:p{r.randrange(400)}"]
        ms.append(em(art, f"phrase {i}", ents, (day.isoformat(), (day + dt.timedelta(days=1)).isoformat())))
    pairs = candidate_pairs(ms, pub)
    n2 = len(ms) * (len(ms) - 1) // 2
    assert 0 < len(pairs) < n2 / 50
    assert all(ms[i].article_id != ms[j].article_id for i, j in pairs)
    # the window is honoured: every pair is within 7 days (+1 day interval)
    for i, j in pairs[:500].tolist():
        gap = abs(dt.date.fromisoformat(ms[i].date_start) - dt.date.fromisoformat(ms[j].date_start)).days
        assert gap <= 8


def test_max_neighbours_bounds_pairs_in_a_huge_block():
    ms = [em(f"a{i}", "même phrase", ["ORG:microsoft"], ("2023-04-25", "2023-04-26")) for i in range(500)]
    pairs = candidate_pairs(ms, {}, max_neighbours=10)
    assert len(pairs) <= 500 * 10 * 2


def test_event_fields_id_date_label_participants_are_derived_from_mentions():
    a = em("a", "Microsoft retire Twitter de sa plateforme publicitaire dès la semaine prochaine",
           ["ORG:microsoft", "ORG:twitter"], ("2023-04-24", "2023-05-01"), gran="week")
    b = em("b", "Microsoft retire Twitter de sa plateforme publicitaire le 25 avril 2023, annonce la firme de Redmond",
           ["ORG:microsoft", "ORG:twitter", "LOC:redmond"], ("2023-04-25", "2023-04-26"))
    events, _ = link_mentions([a, b], PUB, {"ORG:microsoft": "Microsoft", "ORG:twitter": "Twitter"})
    (ev,) = events
    assert (ev.date_start, ev.granularity, ev.date_label) == ("2023-04-25", "day", "2023-04-25")
    assert [p.name for p in ev.participants][:2] == ["Microsoft", "Twitter"] and ev.participants[2].name == "redmond"
    assert len(ev.label) <= 81 and ev.label.rstrip("…") in " ".join((a.text, b.text))
    again, _ = link_mentions([b, a], PUB, {})
    assert again[0].id == ev.id and ev.id.startswith("ev-")
    assert ev.other_articles("a") == 1 and ev.other_articles("zzz") == 2
    assert "within" in ev.links[0].date_note


# --- store ---------------------------------------------------------------------------------------------

def _set() -> EventSet:
    x = Event("ev-x", "2023-04-25", "2023-04-26", "day", "X", [], [em("a", "s", passage=3), em("b", "t")])
    from reader.events.model import Participant

    y = Event("ev-y", "2015-01-01", "2016-01-01", "year", "Y", [Participant("ORG:openai", "OpenAI", 1)],
              [em("a", "u", passage=9)])
    z = Event("ev-z", None, None, None, "Z", [], [em("a", "v", passage=1)], reported="2023-04-19")
    return EventSet([x, y, z], {"a": "h1", "b": "h2"}, {"events": 3})


def test_event_set_queries():
    es = _set()
    assert [e.id for e in es.all()] == ["ev-y", "ev-z", "ev-x"]
    assert [e.id for e in es.for_article("a")] == ["ev-y", "ev-z", "ev-x"]
    assert [e.id for e in es.for_article("b")] == ["ev-x"] and es.for_article("nope") == []
    assert es.event("ev-x").other_articles("a") == 1 and es.event("missing") is None
    assert [e.id for e in es.by_entity("ORG:openai")] == ["ev-y"] and es.by_entity("ORG:none") == []
    assert es.nearest("a", 3).id == "ev-x" and es.nearest("a", 8).id == "ev-y" and es.nearest("b", 0).id == "ev-x"
    assert es.nearest("nope", 0) is None
    assert es.nearest("a", 8, among={"ev-x"}).id == "ev-x"  # only among the events the panel lists
    assert es.nearest("a", 3, among=set()) is None
    assert es.entities()[0].name == "OpenAI"


def test_store_roundtrip_and_corrupt_file(tmp_path):
    from reader.events.store import save_events

    folder = tmp_path / "arts"
    folder.mkdir()
    assert load_events(folder) is None
    save_events(folder, _set())
    es = load_events(folder)
    assert es is not None and [e.id for e in es.all()] == ["ev-y", "ev-z", "ev-x"]
    assert es.event("ev-x").mentions[0].passage == 3 and es.articles == {"a": "h1", "b": "h2"}
    events_file(folder).write_text("[1, 2", encoding="utf-8")
    assert load_events(folder) is None
    events_file(folder).write_text(json.dumps({"version": 999, "events": []}), encoding="utf-8")
    assert load_events(folder) is None


def test_corrupt_or_old_store_is_rebuilt_by_the_next_save(tmp_path):
    import sqlite3

    from reader.events.store import save_events

    folder = tmp_path / "arts"
    folder.mkdir()
    events_file(folder).parent.mkdir(parents=True, exist_ok=True)
    events_file(folder).write_bytes(b"garbage" * 1000)
    assert load_events(folder) is None
    save_events(folder, _set())
    assert [e.id for e in load_events(folder).all()] == ["ev-y", "ev-z", "ev-x"]
    with sqlite3.connect(events_file(folder)) as conn:
        conn.execute("PRAGMA user_version = 1")
    assert load_events(folder) is None
    save_events(folder, _set())
    assert len(load_events(folder)) == 3
    # our version number on an older layout (a development build's file): read as absent, replaced
    with sqlite3.connect(events_file(folder)) as conn:
        conn.execute("DROP INDEX events_order")
        conn.execute("ALTER TABLE events DROP COLUMN sort_rank")
    assert load_events(folder) is None
    save_events(folder, _set())
    assert [e.id for e in load_events(folder).all()] == ["ev-y", "ev-z", "ev-x"]


def test_loading_creates_nothing_and_a_save_drops_the_old_json_store(tmp_path):
    from reader import paths
    from reader.events.store import save_events

    assert load_events(tmp_path) is None and not events_file(tmp_path).exists()
    legacy = paths.corpus_cache_dir(tmp_path) / "events.json"
    legacy.write_text(json.dumps({"version": 1, "events": []}), encoding="utf-8")
    save_events(tmp_path, _set())
    assert not legacy.exists() and load_events(tmp_path) is not None


def test_stored_set_is_lazy_and_equal_to_the_built_one(tmp_path):
    from reader.events.store import StoredEventSet, save_events

    folder = tmp_path / "arts"
    folder.mkdir()
    built = _set()
    save_events(folder, built)
    es = load_events(folder)
    assert isinstance(es, StoredEventSet) and len(es) == 3
    evs = es.all()
    assert all(e._mentions is None for e in evs), "all() reads no mention"
    assert [e.articles for e in evs] == [e.articles for e in built.all()]
    assert evs == built.all()  # Event equality compares every field, mentions and links included
    assert [e.id for e in es.linked()] == ["ev-x"] and es.event("ev-x") is evs[2]
    assert es.for_article("a")[0] is evs[0]
    assert [(p.key, p.mentions) for p in es.entities()] == [("ORG:openai", 1)]
    assert es.by_entity("ORG:openai") == [evs[0]]
    assert es.articles == {"a": "h1", "b": "h2"} and es.stats == {"events": 3}


def test_links_roundtrip_through_the_store(tmp_path):
    from reader.events.store import save_events

    text = "Elon Musk a donné une interview à Miami sur la publicité"
    a = em("a", text, ["PER:musk", "LOC:miami"], ("2023-04-18", "2023-04-19"))
    b = em("b", text, ["PER:musk", "LOC:miami"], ("2023-04-18", "2023-04-19"), passage=2, start=7)
    events, _ = link_mentions([a, b], PUB, {"PER:musk": "Elon Musk"})
    save_events(tmp_path, EventSet(events, {"a": "1", "b": "2"}))
    (ev,) = load_events(tmp_path).all()
    assert ev.links == events[0].links and ev.links[0].explain() == events[0].links[0].explain()
    assert ev.mentions == [a, b] or [m.key for m in ev.mentions] == [m.key for m in events[0].mentions]
    assert load_events(tmp_path).nearest("b", 2, 10) == ev


def test_a_loaded_set_keeps_its_snapshot_while_the_ingest_rewrites_the_store(tmp_path):
    import threading

    from reader.events.store import save_events

    save_events(tmp_path, _set())
    old = load_events(tmp_path)
    w = Event("ev-w", "2024-01-01", "2024-01-02", "day", "W", [], [em("a", "w", passage=5)])
    save_events(tmp_path, EventSet([w], {"a": "h9"}))
    new = load_events(tmp_path)
    assert [e.id for e in new.all()] == ["ev-w"] and new.event("ev-x") is None
    # the old set still answers from its own build, mentions included, from another thread too
    out = []
    t = threading.Thread(target=lambda: out.append([m.passage for m in old.event("ev-x").mentions]))
    t.start()
    t.join()
    assert out == [[3, 0]] and [e.id for e in old.for_article("a")] == ["ev-y", "ev-z", "ev-x"]
    assert old.articles == {"a": "h1", "b": "h2"}


def test_a_save_rewrites_only_the_events_that_changed(tmp_path):
    import sqlite3

    from reader.events.store import save_events

    save_events(tmp_path, _set())
    with sqlite3.connect(events_file(tmp_path)) as conn:
        before = dict(conn.execute("SELECT id, rowid FROM events"))
    es = _set()
    es.event("ev-z").label = "Z changed"
    save_events(tmp_path, es)
    with sqlite3.connect(events_file(tmp_path)) as conn:
        after = dict(conn.execute("SELECT id, rowid FROM events"))
    assert after["ev-x"] == before["ev-x"] and after["ev-y"] == before["ev-y"] and after["ev-z"] != before["ev-z"]
    assert load_events(tmp_path).event("ev-z").label == "Z changed"


def test_for_article_orders_by_date_dated_first_and_says_which_are_dated():
    from reader.events.model import Participant  # noqa: F401

    undated = Event("ev-u", None, None, None, "U", [], [em("a", "u", passage=0)], reported="2023-04-19")
    same_day = Event("ev-d", "2023-04-19", "2023-04-20", "day", "D", [], [em("a", "d", passage=4)])
    before = Event("ev-b", "2023-04-01", "2023-05-01", "month", "B", [], [em("a", "b", passage=7)])
    es = EventSet([undated, same_day, before])
    assert [e.id for e in es.for_article("a")] == ["ev-b", "ev-d", "ev-u"]
    assert [e.dated for e in es.for_article("a")] == [True, True, False]
    assert es.event("ev-u").when == "2023-04-19"


def test_read_side_imports_neither_sklearn_nor_spacy():
    code = ("import sys; import reader.events.store, reader.events.model; "
            "bad = [m for m in ('sklearn', 'spacy', 'textual') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# --- build + CLI (no spaCy: annotations are hand-made so the entity stage has nothing to do) -----------

def test_update_events_is_incremental(corpus):
    from reader.corpus import Catalogue
    from reader.events.build import update_events

    metas = Catalogue(corpus).refresh().articles
    r1 = update_events(corpus, metas)
    assert r1["relinked"] and r1["extracted"] == 2 and r1["mentions"] > 5 and not r1["errors"]
    r2 = update_events(corpus, metas)
    assert not r2["relinked"] and r2["extracted"] == 0
    es = load_events(corpus)
    assert es is not None and set(es.articles) == {m.id for m in metas}


def test_update_events_reports_an_unreadable_file_and_goes_on(corpus):
    from reader.corpus import Catalogue
    from reader.events.build import update_events

    metas = Catalogue(corpus).refresh().articles
    metas[0].path.unlink()
    report = update_events(corpus, metas)
    assert len(report["errors"]) == 1 and report["relinked"]


def test_cli_unknown_ids_fail_clearly(corpus, capsys, monkeypatch):
    from types import SimpleNamespace

    from reader.events import cli
    from reader.ingest import run_ingest

    monkeypatch.setattr("reader.ingest._stages", lambda: [("events", _events_stage)])
    assert cli.cli_events(SimpleNamespace(id="nope", json=False), corpus, run_ingest) == 1
    assert "no article with id 'nope'" in capsys.readouterr().err
    assert cli.cli_events(SimpleNamespace(id="ev-000", json=False), corpus, run_ingest) == 1
    assert "no event 'ev-000'" in capsys.readouterr().err


def _events_stage(folder, metas, p):
    from reader.events.build import update_events

    return update_events(folder, metas, progress=p)


def test_cli_json_and_text(corpus, capsys, monkeypatch):
    from types import SimpleNamespace

    from reader.events import cli
    from reader.ingest import run_ingest

    monkeypatch.setattr("reader.ingest._stages", lambda: [("events", _events_stage)])
    assert cli.cli_events(SimpleNamespace(id=None, json=True), corpus, run_ingest) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"] and {"id", "date_start", "label", "mentions", "links", "linked"} <= set(data["events"][0])
    art = "microsoft-retire-twitter-advertising"
    assert cli.cli_events(SimpleNamespace(id=art, json=True), corpus, run_ingest) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["article"] == art and all("other_articles" in e for e in data["events"])
    assert cli.cli_events(SimpleNamespace(id=art, json=False), corpus, run_ingest) == 0
    out = capsys.readouterr().out
    assert out.startswith("Microsoft se retire de Twitter") and "ev-" in out
    ev_id = data["events"][0]["id"]
    assert cli.cli_events(SimpleNamespace(id=ev_id, json=False), corpus, run_ingest) == 0
    assert ev_id in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["", "   ", "...", "« »", "« jamais fermé. Puis. Encore"])
def test_degenerate_input_does_not_crash(bad):
    assert isinstance(split_sentences(bad), list)
    assert isinstance(extract_mentions("a", parse_passages(bad).passages, None), list)


def test_linking_nothing_or_only_stop_words():
    events, stats = link_mentions([], {}, {})
    assert events == [] and stats.candidate_pairs == 0
    a = em("a", "le la les de", ["ORG:x"], ("2023-04-25", "2023-04-26"))
    b = em("b", "de la le", ["ORG:x"], ("2023-04-25", "2023-04-26"))
    events, stats = link_mentions([a, b], PUB, {})
    assert stats.candidate_pairs == 1 and len(events) in (1, 2)


def test_invalid_dates_in_annotations_are_ignored():
    text = "Microsoft retire Twitter le 25 avril 2023."
    d = text.index("25 avril")
    bad = [Mention(0, d, d + 13, "25 avril 2023", "DATE", "D:1", None, "2023-13-45", "2023-04-26", "day"),
           Mention(0, d, d + 13, "25 avril 2023", "DATE", "D:2", None, "2023-04-26", "2023-04-25", "day")]
    (m,) = extract_mentions("a", parse_passages(text).passages, Annotations("a", "h", "fr", "t", None, bad))
    assert m.date_start is None and m.trigger == "retire"
