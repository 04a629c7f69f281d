"""The events panel beside the article: the current article's events, ordered by date.

Events are computed by the ingest pipeline (``reader.events``) and only *read* here
(``reader.events.store.load_events`` imports no scikit-learn).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.log import log_exception
from reader.ui.event_format import event_row

if TYPE_CHECKING:
    from reader.events.model import Event
    from reader.events.store import EventSet

# the background work's state (idle, running, done, failed), or linking while it is at the events stage
EventsState = Literal["idle", "running", "done", "failed", "linking"]


def load_event_set(folder: Path) -> EventSet | None:
    """The corpus's events, or None while the ingest has not linked them (or they cannot be read)."""
    from reader.events.store import load_events

    try:
        return load_events(folder)
    except Exception:  # load_events answers None for what it knows; anything else: logged, no panel
        log_exception(__name__, "cannot read the events of %s", folder)
        return None


class EventsPanel(Vertical, can_focus=False):
    """The current article's events, ordered by date; the one nearest the passage cursor is marked."""


    @dataclass
    class Chosen(Message):
        event_id: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.events: list[Event] = []  # the events listed (see show_undated)
        self.hidden = 0  # the article's events left out of the list
        self.show_undated = False  # list events with neither a date nor another article too
        self.article_id: str | None = None
        self.marked: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Events").stylize("bold"), id="events-title")
        yield OptionList(id="events-list")
        yield Static(id="events-note", markup=False)

    def show(self, event_set: EventSet | None, article_id: str | None, state: EventsState) -> None:
        self.article_id = article_id
        every = event_set.for_article(article_id) if (event_set and article_id) else []
        # an event with no date of its own, reported by this article only, is mostly a sentence with
        # an action verb: listed on request (u), so the dated and linked ones stand out
        self.events = [e for e in every if self.show_undated or e.dated or e.other_articles(article_id)]
        self.hidden = len(every) - len(self.events)
        self.marked = None
        note = self.query_one("#events-note", Static)
        if event_set is None:
            note.update(Content({"linking": "Linking events…",
                                 "running": "Events come after the search index and the entities "
                                            "(background work: see the status line)",
                                 "failed": "Events not computed: the background work failed"}
                                .get(state, "Events are not computed yet")).stylize("$text-muted"))
        elif not self.events:
            more = f" · u: show {self.hidden} undated" if self.hidden else ""
            note.update(Content(f"No dated or linked event in this article{more}").stylize("$text-muted"))
        else:
            linked = sum(1 for e in self.events if e.other_articles(article_id))
            hidden = f" · {self.hidden} undated hidden (u)" if self.hidden else ""
            undated = " · u: hide undated" if self.show_undated and any(not e.dated for e in self.events) else ""
            note.update(Content(f"{len(self.events)} events, {linked} linked{hidden}{undated} · enter: mentions "
                                "· t: timeline").stylize("$text-muted"))
        self._render_options()

    def _render_options(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(event_row(e, self.article_id, e.id == self.marked), id=e.id)
                             for e in self.events])
        if self.events:
            options.highlighted = min(highlighted or 0, len(self.events) - 1)

    def mark(self, event_id: str | None) -> None:
        if event_id == self.marked:
            return
        self.marked = event_id
        options = self.query_one(OptionList)
        for i, e in enumerate(self.events):
            options.replace_option_prompt_at_index(i, event_row(e, self.article_id, e.id == event_id))
        if event_id is not None and not options.has_focus:
            ids = [e.id for e in self.events]
            if event_id in ids:
                options.highlighted = ids.index(event_id)

    @on(OptionList.OptionSelected, "#events-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
