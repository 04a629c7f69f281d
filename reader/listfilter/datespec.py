"""``date:`` values of the list filter (2023, 2023-04, 2023-04-19, ranges, > and <) as a
:class:`~reader.listfilter.model.DateRange` of days."""

from __future__ import annotations

import datetime as dt
import re

from reader.listfilter.model import DATE_HELP, DateRange, FilterError

_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _span(text: str, whole: str) -> tuple[dt.date, dt.date]:
    """First and last day of 2023, 2023-04 or 2023-04-19."""
    m = _DAY.fullmatch(text.strip())
    if not m:
        raise FilterError(f"not a date in 'date:{whole}': {DATE_HELP}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        month = int(month)
        if day is None:
            first = dt.date(year, month, 1)
            if month == 12:
                return first, dt.date(year, 12, 31)
            return first, dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        d = dt.date(year, month, int(day))
        return d, d
    except ValueError:
        raise FilterError(f"not a date in 'date:{whole}': no such day or month ({DATE_HELP})") from None


def parse_date(value: str) -> DateRange:
    """A ``date:`` value as an inclusive range of days (see the module docstring)."""
    if value.startswith("["):
        inner = value[1:-1] if value.endswith("]") else value[1:]
        parts = re.split(r"\s+to\s+|\s+to$|^to\s+|^to$", inner.strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise FilterError(f"not a date range in 'date:{value}': write [2023-04-01 to 2023-04-30], [2023 to] "
                              "or [to 2022]")
        start = _span(parts[0], value)[0] if parts[0].strip() else None
        end = _span(parts[1], value)[1] if parts[1].strip() else None
        if start is None and end is None:
            raise FilterError(f"'date:{value}' has no date on either side of 'to'")
        if start and end and start > end:
            raise FilterError(f"'date:{value}' starts after it ends")
        return DateRange(start, end)
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            first, last = _span(value[len(op):], value)
            if op == ">=":
                return DateRange(first, None)
            if op == "<=":
                return DateRange(None, last)
            if op == ">":
                return DateRange(last + dt.timedelta(days=1) if last < dt.date.max else last, None)
            return DateRange(None, first - dt.timedelta(days=1) if first > dt.date.min else first)
    first, last = _span(value, value)
    return DateRange(first, last)
