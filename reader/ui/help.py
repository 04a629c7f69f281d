"""The help screen (``?``): every key binding, generated from :mod:`reader.ui.commands`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.commands import SCOPE_TITLES, bindings, by_scope


def help_content() -> Content:
    parts: list[Content] = []
    for scope, cmds in by_scope().items():
        parts.append(Content(SCOPE_TITLES.get(scope, scope)).stylize("bold $text-primary"))
        for cmd in cmds:
            keys = Content(f"  {cmd.display_keys:<28} ").stylize("bold $text-accent")
            parts.append(keys + Content(f"{cmd.title} — {cmd.help}"))
        parts.append(Content(""))
    parts.append(Content("Mouse: click to select, wheel to scroll, drag to select text.").stylize("$text-muted"))
    return Content("\n").join(parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Content("reader — keys").stylize("bold"), id="help-title")
            yield Static(help_content(), id="help-text")

    def action_scroll_down(self) -> None:
        self.query_one("#help-body").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body").scroll_up()
