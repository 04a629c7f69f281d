"""Snapshots of the linked events: the panel beside the article (its undated events hidden, then
listed with u), the mentions of an event in both articles, the timeline (all, filtered by an
entity, zoomed). The events are made by hand on the bundled articles' sentences and saved in the
events store, as the ingest (spaCy, never in the UI process) would leave them."""

from __future__ import annotations

import pytest
from helpers.screen import quiet, wait_for_text

from reader.corpus import load_article, load_folder
from reader.events.model import Event, EventMention, Link, Participant
from reader.events.store import EventSet, save_events
from reader.ui.dialogs.event_mentions import EventMentionsScreen
from reader.ui.screens.timeline import TimelineScreen

ART1, ART2 = "microsoft-retire-twitter-advertising", "twitter-disparait-microsoft-advertising"
KEYS = {"Elon Musk": "PER:elon musk", "Microsoft": "ORG:microsoft", "Twitter": "ORG:twitter",
        "Open AI": "ORG:open ai", "Miami": "LOC:miami"}
# (id, start, end, granularity, participants, [(article, words of its sentence)])
EVENTS = (
    ("ev-april-25", "2023-04-25", "2023-04-26", "day", ("Microsoft", "Twitter"),
     [(ART1, "A partir du 25 avril 2023"), (ART2, "effectifs à partir du 25 avril 2023")]),
    ("ev-lawsuit", "2023-04-19", "2023-04-20", "day", ("Elon Musk", "Microsoft"),
     [(ART1, "Lawsuit time"), (ART2, "Elon Musk n’a pas tardé à réagir")]),
    ("ev-miami", "2023-04-18", "2023-04-19", "day", ("Elon Musk", "Miami"),
     [(ART2, "interview à Miami")]),
    ("ev-pricing", "2023-03-01", "2023-03-11", "part-of-month", ("Twitter",),
     [(ART2, "au début du mois de mars")]),
    ("ev-open-ai", "2015-01-01", "2016-01-01", "year", ("Elon Musk", "Open AI"),
     [(ART2, "le cofondateur d’Open AI en 2015")]),
    ("ev-data", None, None, None, ("Elon Musk", "Microsoft", "Twitter"),
     [(ART1, "Musk reproche à Microsoft")]),
)


def _sentence(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    start = max(text.rfind(". ", 0, at) + 2, 0) if text.rfind(". ", 0, at) >= 0 else 0
    end = text.find(". ", at)
    return start, len(text) if end < 0 else end + 1


@pytest.fixture
def events(corpus):
    """The six events above in the events store of a copy of the bundled articles."""
    arts = {m.id: load_article(m) for m in load_folder(corpus).articles}
    out = []
    for event_id, start, end, granularity, names, places in EVENTS:
        mentions = []
        for article_id, words in places:
            p = next(p for p in arts[article_id].passages if words in p.text)
            s, e = _sentence(p.text, words)
            mentions.append(EventMention(article_id, p.index, s, e, p.text[s:e], start, end, granularity,
                                         participants=tuple(KEYS[n] for n in names)))
        links = [Link(0, 1, 0.71, 0.42, 0.67, 1.0, names, f"same date {start}")] if len(mentions) > 1 else []
        out.append(Event(event_id, start, end, granularity, mentions[0].text[:80],
                         [Participant(KEYS[n], n, len(mentions)) for n in names], mentions, links,
                         reported="2023-04-19"))
    save_events(corpus, EventSet(out, {i: a.meta.content_hash for i, a in arts.items()}))
    return corpus


async def opened(pilot, down: int = 0) -> None:
    """The article ``down`` rows below the first opened, the events panel showing its events."""
    await pilot.press(*["j"] * down, "enter")
    await wait_for_text(pilot, "t: timeline")  # the panel's note, once its events are listed
    await quiet(pilot)


class TestEventsPanel:
    def test_events_beside_the_article(self, snap, make_app, events):
        async def run_before(pilot):
            await opened(pilot, down=1)
            assert pilot.app.screen.query_one("#events").display

        assert snap(make_app(events, ingest=False), (150, 36), run_before,
                    shows=("25 Apr 2023 · +1 article", "early Mar 2023", "2015", "5 events, 2 linked"))

    def test_undated_events_listed_with_u(self, snap, make_app, events):
        async def run_before(pilot):
            await opened(pilot)
            await wait_for_text(pilot, "1 undated")
            await pilot.press("u")
            await wait_for_text(pilot, "~19 Apr 2023")  # the undated one, at its publication date

        assert snap(make_app(events, ingest=False), (150, 36), run_before, shows=("Musk reproche à Microsoft",))

    def test_mentions_of_a_linked_event(self, snap, make_app, events):
        async def run_before(pilot):
            await opened(pilot)
            await pilot.press("tab")  # the article → the events list
            await quiet(pilot)
            assert pilot.app.screen.focused is pilot.app.screen.query_one("#events-list")
            await pilot.press("g", "down", "enter")  # the second event: the lawsuit, reported by both
            await quiet(pilot)
            assert isinstance(pilot.app.screen, EventMentionsScreen)

        assert snap(make_app(events, ingest=False), (150, 36), run_before,
                    shows=("Participants: Elon Musk, Microsoft", "passage 6", "passage 8"))


class TestTimeline:
    def test_timeline_of_every_event(self, snap, make_app, events):
        async def run_before(pilot):
            await pilot.press("t")
            await wait_for_text(pilot, "6 of 6 events")
            assert isinstance(pilot.app.screen, TimelineScreen)

        assert snap(make_app(events, ingest=False), (120, 36), run_before,
                    shows=("Timeline of events", "2015", "2 articles"))

    def test_timeline_filtered_by_an_entity(self, snap, make_app, events):
        async def run_before(pilot):
            await pilot.press("t")
            await wait_for_text(pilot, "6 of 6 events")
            await pilot.press(*"miami")
            await wait_for_text(pilot, "1 of 6 events")
            assert isinstance(pilot.app.screen, TimelineScreen)

        assert snap(make_app(events, ingest=False), (120, 36), run_before, shows=("18 Apr 2023",))

    def test_timeline_only_linked_and_zoomed(self, snap, make_app, events):
        async def run_before(pilot):
            await pilot.press("t")
            await wait_for_text(pilot, "6 of 6 events")
            await pilot.press("ctrl+l")
            await wait_for_text(pilot, "2 of 6 events")
            await pilot.press("ctrl+o", "ctrl+o")  # ±45 days around the highlighted event
            await wait_for_text(pilot, "Timeline: 2023-03-05 → 2023-06-03")
            pilot.app.clear_notifications()  # they go after 2 s: not in the picture

        assert snap(make_app(events, ingest=False), (120, 36), run_before)
