"""When a feed is fetched again: the per-feed interval (:data:`MIN_INTERVAL`, or longer when
``Cache-Control: max-age``, ``Expires`` or ``<ttl>`` ask for it, capped at :data:`MAX_INTERVAL`),
with up to :data:`JITTER` of it added so feeds of one host spread out; ``Retry-After`` (seconds or
an HTTP date) capped at :data:`MAX_RETRY_AFTER`."""

from __future__ import annotations

import datetime as dt
import email.utils
import random

MIN_INTERVAL = 30 * 60          # seconds between two fetches of one feed
MAX_INTERVAL = 24 * 3600        # what max-age / Expires / ttl may stretch it to
MAX_RETRY_AFTER = 7 * 24 * 3600
JITTER = 0.1


def _parse_http_date(value: str) -> float | None:
    try:
        d = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if d is None:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return d.timestamp()


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    when = _parse_http_date(value)
    return None if when is None else max(0.0, min(when - now, MAX_RETRY_AFTER))


def cache_lifetime(headers: dict[str, str], now: float) -> float | None:
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"'))
    if headers.get("expires"):
        when = _parse_http_date(headers["expires"])
        if when is not None:
            return max(0.0, when - now)
    return None


def next_check(now: float, interval: float, *extra: float | None) -> float:
    wait = max([interval] + [min(x, MAX_INTERVAL) for x in extra if x])
    return now + wait * (1 + random.uniform(0, JITTER))
