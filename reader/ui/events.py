"""Linked events: the side panel beside the article, the mentions dialog, and the timeline screen.

Events are computed by the ingest pipeline (``reader.events``) and only *read* here
(``reader.events.store.load_events`` imports no scikit-learn).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.commands import bindings
from reader.ui.input_limits import FILTER_MAX_CHARS, Debounce, LimitedInput, too_long_message
from reader.ui.messages import GoTo


def load_event_set(folder: Path):
    try:
        from reader.events.store import load_events
    except ModuleNotFoundError:
        return None
    try:
        return load_events(folder)
    except Exception:
        return None


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def human_date(start: str | None, end: str | None, granularity: str | None) -> str:
    """A readable date for an interval [start, end) with its granularity ("25 Apr 2023", "early Mar 2023")."""
    d0 = _parse(start)
    if d0 is None:
        return ""
    d1 = _parse(end)
    last = d1 - dt.timedelta(days=1) if d1 and d1 > d0 else d0
    month = f"{_MONTHS[d0.month - 1]} {d0.year}"
    if granularity == "day" or last == d0:
        return f"{d0.day} {month}"
    if granularity == "month":
        return month
    if granularity == "year":
        return str(d0.year)
    if granularity == "part-of-month":
        part = "early" if d0.day <= 10 and last.day <= 11 else ("late" if d0.day >= 20 else "mid")
        return f"{part} {month}"
    if granularity == "part-of-year":
        part = "early" if last.month <= 4 else ("late" if d0.month >= 9 else "mid")
        return f"{part} {d0.year}"
    if granularity == "week":
        return f"week of {d0.day} {month}"
    return f"{d0.day} {month} – {last.day} {_MONTHS[last.month - 1]} {last.year}"


def _date(event) -> str:
    label = human_date(event.date_start, event.date_end, event.granularity)
    if label:
        return label
    reported = _parse(event.reported)
    # undated: placed at the date the article was published, marked with ~
    return f"~{reported.day} {_MONTHS[reported.month - 1]} {reported.year}" if reported else "undated"


def event_row(event, article_id: str | None, marked: bool) -> Content:
    others = event.other_articles(article_id) if article_id else len(event.articles)
    marker = Content("▶ " if marked else "  ").stylize("bold $accent")
    date = Content(_date(event)).stylize("bold $text-warning")
    label = event.label
    if article_id:  # in the side panel, quote this article's own words
        own = event.mentions_in(article_id)
        if own:
            label = own[0].text if len(own[0].text) <= 90 else own[0].text[:89] + "…"
    if article_id:
        count = Content(f" · +{others} article{'s' if others != 1 else ''}" if others else "")
    else:
        count = Content(f" · {others} article{'s' if others != 1 else ''}")
    count = count.stylize("$text-success" if (others and article_id) or others > 1 else "$text-muted")
    return Content.assemble(marker, date, count, "\n  ", Content(label))


class EventsPanel(Vertical, can_focus=False):
    """The current article's events, ordered by date; the one nearest the passage cursor is marked."""


    @dataclass
    class Chosen(Message):
        event_id: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.events = []  # the events listed (see show_undated)
        self.hidden = 0  # the article's events left out of the list
        self.show_undated = False  # list events with neither a date nor another article too
        self.article_id: str | None = None
        self.marked: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Events").stylize("bold"), id="events-title")
        yield OptionList(id="events-list")
        yield Static(id="events-note", markup=False)

    def show(self, event_set, article_id: str | None, state: str) -> None:
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


class EventMentionsScreen(ModalScreen[GoTo | None]):
    """Every mention of one event, in every article, with why they were linked."""

    BINDINGS = bindings("list-dialog")

    def __init__(self, event, titles: dict[str, str]) -> None:
        super().__init__()
        self.event = event
        self.titles = titles

    def compose(self) -> ComposeResult:
        e = self.event
        head = Content.assemble(Content(_date(e) + "  ").stylize("bold $text-warning"), Content(e.label).stylize("bold"))
        people = ", ".join(p.name for p in e.participants[:8])
        with Vertical(classes="dialog"):
            yield Static(head, classes="dialog-title")
            if people:
                yield Static(Content(f"Participants: {people}").stylize("$text-muted"))
            options = []
            for i, m in enumerate(e.mentions):
                title = self.titles.get(m.article_id, m.article_id)
                options.append(Option(Content.assemble(Content(title).stylize("bold"),
                                                       Content(f"  passage {m.passage + 1}").stylize("$text-muted"),
                                                       "\n", Content(m.text)), id=str(i)))
            yield OptionList(*options, id="event-mentions")
            why = [lk.explain() for lk in e.links[:4]]
            text = ("Linked because: " + " | ".join(why)) if why else "Reported by one article only."
            yield Static(Content(text).stylize("$text-muted"), id="event-why")
            yield Static(Content("enter open at passage · esc close").stylize("$text-muted"))

    @on(OptionList.OptionSelected, "#event-mentions")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        m = self.event.mentions[int(event.option.id)]
        self.dismiss(GoTo(m.article_id, m.passage))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()


# -- timeline -------------------------------------------------------------------------------------

def _parse(d: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(d) if d else None
    except ValueError:
        return None


ZOOMS = (None, 400, 45, 10)  # half-width of the window around the selected event, in days (None: all)


def axis_lines(dates: list[dt.date], width: int, linked: list[bool], selected: int | None = None,
               window: tuple[dt.date, dt.date] | None = None) -> list[str]:
    """Three lines: event markers, the axis with ticks, and tick labels. Pure function (tested).

    ``window`` zooms on [start, end]: events outside it are counted at the edges as ◀ / ▶.
    """
    width = max(20, width)
    if not dates:
        return [" " * width, "─" * width, "(no dated events)".ljust(width)]
    if window is not None:
        lo, hi = window
        span = max(1, (hi - lo).days)
    else:
        lo, hi = min(dates), max(dates)
        span = max(1, (hi - lo).days)
        lo, hi = lo - dt.timedelta(days=max(1, span // 20)), hi + dt.timedelta(days=max(1, span // 20))
        span = (hi - lo).days
    outside = [d for d in dates if d < lo or d > hi]
    keep = [k for k, d in enumerate(dates) if lo <= d <= hi]
    if window is not None:
        dates, linked = [dates[k] for k in keep], [linked[k] for k in keep]
        selected = keep.index(selected) if selected in keep else None

    def x(d: dt.date) -> int:
        return min(width - 1, max(0, round((d - lo).days / span * (width - 1))))

    counts: dict[int, int] = {}
    is_linked: dict[int, bool] = {}
    for d, lk in zip(dates, linked):
        counts[x(d)] = counts.get(x(d), 0) + 1
        is_linked[x(d)] = is_linked.get(x(d), False) or lk
    marks = [" "] * width
    for col, n in counts.items():
        marks[col] = str(n) if 1 < n < 10 else ("+" if n >= 10 else ("◆" if is_linked[col] else "●"))
    if selected is not None and 0 <= selected < len(dates):
        marks[x(dates[selected])] = "▼"
    if window is not None and outside:
        if any(d < lo for d in outside):
            marks[0] = "◀"
        if any(d > hi for d in outside):
            marks[-1] = "▶"
    axis = ["─"] * width
    labels = [" "] * width
    # ticks: years, months or days depending on the span
    ticks: list[tuple[dt.date, str]] = []
    if span > 3 * 365:
        ticks = [(dt.date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1)]
    elif span > 75:
        d = dt.date(lo.year, lo.month, 1)
        while d <= hi:
            if d >= lo:
                ticks.append((d, d.strftime("%Y-%m") if d.month == 1 or not ticks else d.strftime("%m")))
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    else:
        step = 1 if span <= 20 else 7
        d = lo
        while d <= hi:
            ticks.append((d, d.strftime("%m-%d")))
            d += dt.timedelta(days=step)
    last_end = -1
    for d, label in ticks:
        col = x(d)
        axis[col] = "┼"
        if col > last_end and col + len(label) <= width:
            labels[col:col + len(label)] = list(label)
            last_end = col + len(label)
    return ["".join(marks), "".join(axis), "".join(labels)]


class TimelineAxis(Widget):
    DEFAULT_CSS = "TimelineAxis { height: 3; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.dates: list[dt.date] = []
        self.linked: list[bool] = []
        self.selected: int | None = None
        self.zoom = 0

    def set_events(self, dates, linked, selected=None) -> None:
        self.dates, self.linked, self.selected = dates, linked, selected
        self.refresh()

    def window(self) -> tuple[dt.date, dt.date] | None:
        days = ZOOMS[self.zoom]
        if days is None or not self.dates:
            return None
        centre = self.dates[self.selected] if self.selected is not None else max(self.dates)
        return centre - dt.timedelta(days=days), centre + dt.timedelta(days=days)

    def render(self) -> Content:
        lines = axis_lines(self.dates, self.size.width, self.linked, self.selected, self.window())
        return Content.assemble(Content(lines[0]).stylize("bold $text-warning"), "\n",
                                Content(lines[1]).stylize("$text-muted"), "\n", Content(lines[2]))


class TimelineScreen(Screen[GoTo | None]):
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

    @work(thread=True, exclusive=True, group="timeline")
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
        dated = [(i, _parse(e.when)) for i, e in enumerate(events)]
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
