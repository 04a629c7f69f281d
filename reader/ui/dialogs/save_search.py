"""The save-search dialog (``s`` in the feeds screen): asks for a name for the list's filter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.passages import make_safe
from reader.ui.commands import bindings
from reader.ui.input_limits import LimitedInput


class SaveSearchDialog(ModalScreen[str | None]):
    """Ask for a name to save the current filter under; returns it, or None when cancelled."""

    BINDINGS = bindings("dialog")

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Save the filter as a search").stylize("bold"), classes="dialog-title")
            yield Static(Content(make_safe(self.query_text)).stylize("italic $text-muted"))
            yield LimitedInput(limit=80, id="search-name", placeholder="A name (enter saves, esc cancels)")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#search-name")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
