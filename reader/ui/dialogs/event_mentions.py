"""The mentions dialog (``enter`` on an event): every mention of one event, in every article,
with why they were linked; ``enter`` opens an article at the mention's passage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static
from textual.widgets.option_list import Option

from reader.ui.dialogs.base import ListDialog
from reader.ui.event_format import event_date
from reader.ui.messages import GoTo

if TYPE_CHECKING:
    from reader.events.model import Event


class EventMentionsScreen(ListDialog[GoTo | None]):
    """Every mention of one event, in every article, with why they were linked."""

    LIST_ID = "event-mentions"

    def __init__(self, event: Event, titles: dict[str, str]) -> None:
        super().__init__()
        self.event = event
        self.titles = titles

    def compose_head(self) -> ComposeResult:
        e = self.event
        head = Content.assemble(Content(event_date(e) + "  ").stylize("bold $text-warning"),
                                Content(e.label).stylize("bold"))
        people = ", ".join(p.name for p in e.participants[:8])
        yield Static(head, classes="dialog-title")
        if people:
            yield Static(Content(f"Participants: {people}").stylize("$text-muted"))

    def list_options(self) -> Iterable[Option]:
        for i, m in enumerate(self.event.mentions):
            title = self.titles.get(m.article_id, m.article_id)
            yield Option(Content.assemble(Content(title).stylize("bold"),
                                          Content(f"  passage {m.passage + 1}").stylize("$text-muted"),
                                          "\n", Content(m.text)), id=str(i))

    def compose_foot(self) -> ComposeResult:
        why = [lk.explain() for lk in self.event.links[:4]]
        text = ("Linked because: " + " | ".join(why)) if why else "Reported by one article only."
        yield Static(Content(text).stylize("$text-muted"), id="event-why")
        yield Static(Content("enter open at passage · esc close").stylize("$text-muted"))

    def choose(self, index: int) -> None:
        m = self.event.mentions[index]
        self.dismiss(GoTo(m.article_id, m.passage))
