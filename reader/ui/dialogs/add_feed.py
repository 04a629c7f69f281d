"""The add-feed dialog (``a`` in the feeds screen): asks for a feed's or a web page's URL."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.ui.commands import bindings


class AddFeedDialog(ModalScreen[str | None]):
    """Ask for a feed or web page URL; returns it, or None when cancelled."""

    BINDINGS = bindings("dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Add a feed").stylize("bold"), classes="dialog-title")
            yield Static(Content("A feed's URL, or a web page that links its feed").stylize("$text-muted"))
            yield Input(placeholder="https://… (enter adds, esc cancels)", id="feed-url")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#feed-url")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
