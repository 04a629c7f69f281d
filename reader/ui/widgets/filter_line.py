"""The article list's filter line (``l``): typed text goes to the app's list filter once the keys pause.

What the filter means and how it is evaluated is :mod:`reader.ui.controllers.list_filter` (the app's side);
this widget only debounces the text, applies it on ``enter`` and clears it on ``esc``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.widgets import Input

from reader.ui.commands import bindings
from reader.ui.input_limits import Debounce, LimitedInput, too_long_message

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen

FILTER_DEBOUNCE_S = 0.15  # as the search screen
FILTER_LINE_MAX = 1000  # reader.listfilter.model.MAX_FILTER_CHARS


class FilterLine(LimitedInput):
    """The list's filter line (hidden until ``l``)."""

    BINDINGS = bindings("filter")
    DEFAULT_CSS = """
    FilterLine { display: none; height: 1; border: none; padding: 0 1; background: $panel; }
    FilterLine:focus { border: none; }
    FilterLine.-shown { display: block; }
    """

    @property
    def main(self) -> MainScreen:
        """The screen the filter line is on: the main screen, whose list it filters."""
        return cast("MainScreen", self.screen)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(limit=FILTER_LINE_MAX, placeholder="filter: words, unread, starred, new, tag:, feed:, "
                         "lang:, date:… (enter keeps it, esc clears)", select_on_focus=False, **kwargs)
        # select_on_focus off: the focus event comes after the keys typed right after l, which it would select
        self.debounce: Debounce[str] = Debounce(self, FILTER_DEBOUNCE_S, lambda text: self.main.list_filter_set(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.debounce(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_limited_input_truncated(self, event: LimitedInput.Truncated) -> None:
        self.app.notify(too_long_message("Filter", event.limit), severity="warning")

    def action_apply(self) -> None:
        self.debounce.flush()
        self.remove_class("-shown")
        self.main.action_focus_list()

    def action_clear(self) -> None:
        self.debounce.cancel()
        self.value = ""
        self.debounce.cancel()  # the Changed the line above posts is handled later: no run for it
        self.main.list_filter_set("")
        self.remove_class("-shown")
        self.main.action_focus_list()
