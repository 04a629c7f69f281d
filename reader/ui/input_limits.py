"""Typed input that cannot freeze the UI: fields with a length cap, and work run after a pause.

A paste into a terminal that does not bracket pastes arrives as one key event per character
(30,000 of them for a long text). Two things then cost per key: the work a screen does on each
change (a search, a filter), and the field's own redraw of an ever longer value. So:

- :class:`LimitedInput` keeps at most ``limit`` characters: what goes past is dropped (from a
  key or a paste alike; the built-in ``max_length`` refuses a whole paste that would go past and
  rings the bell for every dropped key) and it posts :class:`LimitedInput.Truncated` once, for a
  message saying so.
- :class:`Debounce` runs the work once the keys pause: one pending timer, pushed back by every
  key, never one run per key. (Starting a worker per key and cancelling the previous one is not
  enough: each cancellation walks every worker still alive, which made a 30,000-key paste take
  minutes.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar, cast

from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer
from textual.widgets import Input

T = TypeVar("T")
FILTER_MAX_CHARS = 200  # a list filter (bookmarks, timeline): longer matches nothing anyway


class Debounce(Generic[T]):
    """``debounce(value)`` runs ``callback(value)`` with the last value, ``delay`` s after the calls stop."""

    def __init__(self, owner: MessagePump, delay: float, callback: Callable[[T], object]) -> None:
        self.owner = owner  # the widget or screen whose timer it is (stopped with it)
        self.delay = delay
        self.callback = callback
        self.calls = 0  # how many times the callback ran (tests and bench count them)
        self._timer: Timer | None = None
        self._value: T | None = None

    def __call__(self, value: T) -> None:
        self._value = value
        if self._timer is None:
            self._timer = self.owner.set_timer(self.delay, self._fire)
        else:
            self._timer.reset()  # one pending timer, pushed back: no new task per key

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def flush(self) -> None:
        """Run now what is pending (e.g. on enter), instead of after the pause."""
        if self._timer is not None:
            self._timer.stop()
            self._fire()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self.calls += 1
        self.callback(cast(T, self._value))


class LimitedInput(Input):
    """An Input keeping at most ``limit`` characters; posts :class:`Truncated` when text is dropped."""

    @dataclass
    class Truncated(Message):
        input: LimitedInput
        limit: int

        @property
        def control(self) -> LimitedInput:
            return self.input

    def __init__(self, value: str | None = None, *, limit: int, **kwargs: Any) -> None:
        self.limit = max(1, limit)
        self._cut_value = value is not None and len(value) > self.limit
        super().__init__(value=value[: self.limit] if value else value, **kwargs)
        self.truncated = False  # some text was dropped since the field was last short enough

    def on_mount(self) -> None:
        if self._cut_value:
            self._dropped()

    def replace(self, text: str, start: int, end: int) -> None:
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        room = self.limit - (len(value) - (end - start))
        if len(text) > room:
            text = text[: max(0, room)]
            self._dropped()
            if not text and start == end:
                return
        elif self.truncated and len(value) - (end - start) + len(text) < self.limit:
            self.truncated = False
        super().replace(text, start, end)

    def _dropped(self) -> None:
        if not self.truncated:
            self.truncated = True
            self.post_message(self.Truncated(self, self.limit))

    def restricted(self) -> None:
        pass  # no bell per refused key (a long paste would ring thousands of times)


def too_long_message(what: str, limit: int) -> str:
    return f"{what} too long: the first {limit:,} characters are used"
