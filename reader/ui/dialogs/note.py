"""The note dialog: edit a bookmark's note (``a`` in the reader and in the bookmarks screen)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.ui.commands import bindings
from reader.ui.input_limits import LimitedInput, too_long_message

NOTE_MAX_CHARS = 2_000


class NoteDialog(ModalScreen[str | None]):
    """Edit a bookmark's note; returns the new note, or None when cancelled."""

    BINDINGS = bindings("dialog")

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self.quote = quote
        self.note = note

    def compose(self) -> ComposeResult:
        quote = self.quote if len(self.quote) <= 240 else self.quote[:239] + "…"
        with Vertical(classes="dialog"):
            yield Static(Content("Note for the bookmark").stylize("bold"), classes="dialog-title")
            yield Static(Content(f"“{quote}”").stylize("italic $text-muted"))
            yield LimitedInput(value=self.note, limit=NOTE_MAX_CHARS, id="note-input",
                               placeholder="Your note (enter saves, esc cancels)")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#note-input")
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    @on(LimitedInput.Truncated, "#note-input")
    def truncated(self, event: LimitedInput.Truncated) -> None:
        self.notify(too_long_message("Note", event.limit), severity="warning")
