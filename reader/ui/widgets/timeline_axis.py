"""The timeline's axis: event markers over a date axis with ticks, zoomable around the selection."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.content import Content
from textual.widget import Widget


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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dates: list[dt.date] = []
        self.linked: list[bool] = []
        self.selected: int | None = None
        self.zoom = 0

    def set_events(self, dates: list[dt.date], linked: list[bool], selected: int | None = None) -> None:
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
