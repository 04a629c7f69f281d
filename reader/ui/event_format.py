"""How an event reads in the UI: its date in words ("25 Apr 2023", "early Mar 2023") and its row.

Shared by the events panel, the mentions dialog, the timeline and the entity legend (a DATE
mention's resolved interval). Pure: no widget here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from reader.events.model import Event


def parse_date(d: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(d) if d else None
    except ValueError:
        return None


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def human_date(start: str | None, end: str | None, granularity: str | None) -> str:
    """A readable date for an interval [start, end) with its granularity ("25 Apr 2023", "early Mar 2023")."""
    d0 = parse_date(start)
    if d0 is None:
        return ""
    d1 = parse_date(end)
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


def event_date(event: Event) -> str:
    label = human_date(event.date_start, event.date_end, event.granularity)
    if label:
        return label
    reported = parse_date(event.reported)
    # undated: placed at the date the article was published, marked with ~
    return f"~{reported.day} {_MONTHS[reported.month - 1]} {reported.year}" if reported else "undated"


def event_row(event: Event, article_id: str | None, marked: bool) -> Content:
    others = event.other_articles(article_id) if article_id else len(event.articles)
    marker = Content("▶ " if marked else "  ").stylize("bold $accent")
    date = Content(event_date(event)).stylize("bold $text-warning")
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
