"""The timeline screen (``t``): all events of the corpus on a time axis, filterable by entity.

Filtering runs in a thread worker once typing pauses; ``enter`` opens an event's mentions
(:mod:`reader.ui.dialogs.event_mentions`), whose choice closes the timeline too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.commands import bindings
from reader.ui.dialogs.event_mentions import EventMentionsScreen
from reader.ui.event_format import event_row, parse_date
from reader.ui.input_limits import FILTER_MAX_CHARS, Debounce, LimitedInput, too_long_message
from reader.ui.messages import GoTo
from reader.ui.widgets.timeline_axis import ZOOMS, TimelineAxis
from reader.ui.background import ReportsFailedWorkers


class TimelineScreen(ReportsFailedWorkers, Screen[GoTo | None]):
    """All events of the corpus on a time axis, filterable by entity."""
    AUTO_FOCUS = "#timeline-filter"  # typing right after the key that opened the screen goes into the field

    BINDINGS = bindings("timeline")

    def __init__(self, event_set, titles: dict[str, str]) -> None:
        super().__init__()
        self.event_set = event_set
        self.titles = titles
        self.only_linked = False
        self.shown = []

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Static(Content("Timeline of events").stylize("bold"), id="timeline-title")
            yield TimelineAxis(id="timeline-axis")
            yield LimitedInput(limit=FILTER_MAX_CHARS, placeholder="Filter by entity (person, organisation, place…)",
                               id="timeline-filter")
            yield Static(id="timeline-info", markup=False)
            yield OptionList(id="timeline-list")
        yield Footer()

    MAX_ROWS = 400  # the list shows the first rows; the axis shows every matching event

    @dataclass
    class Filtered(Message):
        events: list
        total: int
        generation: int

    def on_mount(self) -> None:
        self.all_events: list | None = None
        self.generation = 0
        self.debounce = Debounce(self, 0.12, self.refilter)  # filtering runs once typing pauses
        self.query_one(Input).focus()
        self.query_one("#timeline-info", Static).update(Content("Loading events…").stylize("$text-muted"))
        self.refilter("")

    @on(Input.Changed, "#timeline-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.generation += 1  # a list still on its way is for an older text
        self.debounce(event.value)

    @on(LimitedInput.Truncated, "#timeline-filter")
    def filter_truncated(self, event: LimitedInput.Truncated) -> None:
        self.notify(too_long_message("Filter", event.limit), severity="warning")

    def refilter(self, text: str) -> None:
        self.generation += 1
        self.debounce.cancel()
        self._filter(text, self.only_linked, self.generation)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _filter(self, text: str, only_linked: bool, generation: int) -> None:
        """Filtering 100k+ events happens here (after the typing pause), never on the UI thread."""
        from textual.worker import get_current_worker

        from reader.corpus import title_key

        if self.all_events is None:
            events = self.event_set.all() if self.event_set else []
            self.all_events = sorted(events, key=lambda e: e.sort_key())
        events = self.all_events
        needle = title_key(text.strip())
        if needle:
            events = [e for e in events if any(needle in title_key(p.name) for p in e.participants)]
        if only_linked:
            events = [e for e in events if e.linked]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Filtered(events, len(self.all_events), generation))

    def on_timeline_screen_filtered(self, message: Filtered) -> None:
        if message.generation != self.generation:
            return
        events = message.events
        self.shown = events[: self.MAX_ROWS]
        options = self.query_one("#timeline-list", OptionList)
        options.clear_options()
        options.add_options([Option(event_row(e, None, False), id=e.id) for e in self.shown])
        dated = [(i, parse_date(e.when)) for i, e in enumerate(events)]
        self._dated = [(i, d) for i, d in dated if d]
        self.query_one(TimelineAxis).set_events([d for _, d in self._dated],
                                                [events[i].linked for i, _ in self._dated])
        more = f" (list shows the first {self.MAX_ROWS}: type to narrow)" if len(events) > self.MAX_ROWS else ""
        self.query_one("#timeline-info", Static).update(
            Content(f"{len(events)} of {message.total} events{more} · ◆ linked across articles · ● one article · ~ undated: "
                    f"placed at publication · "
                    f"digits/+: several · enter: mentions · ctrl+o: zoom · ctrl+l: only linked")
            .stylize("$text-muted"))
        if self.shown:
            options.highlighted = 0

    @on(Input.Submitted, "#timeline-filter")
    def submitted(self) -> None:
        options = self.query_one("#timeline-list", OptionList)
        if options.highlighted is not None and self.shown:
            options.action_select()

    @on(OptionList.OptionHighlighted, "#timeline-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        pos = [k for k, (i, _) in enumerate(self._dated) if i == event.option_index]
        axis = self.query_one(TimelineAxis)
        axis.set_events(axis.dates, axis.linked, pos[0] if pos else None)

    @on(OptionList.OptionSelected, "#timeline-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        chosen = self.event_set.event(event.option.id)

        def done(goto: GoTo | None) -> None:
            if goto is not None:
                self.dismiss(goto)

        self.app.push_screen(EventMentionsScreen(chosen, self.titles), done)

    def action_down(self) -> None:
        self.query_one("#timeline-list", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#timeline-list", OptionList).action_cursor_up()

    def action_zoom(self) -> None:
        axis = self.query_one(TimelineAxis)
        axis.zoom = (axis.zoom + 1) % len(ZOOMS)
        axis.refresh()
        window = axis.window()
        self.notify(f"Timeline: {window[0]} → {window[1]}" if window else "Timeline: all events", timeout=2)

    def action_linked(self) -> None:
        self.only_linked = not self.only_linked
        self.refilter(self.query_one(Input).value)

    def action_close(self) -> None:
        self.dismiss(None)
