"""The help screen (``?``): every key binding, generated from :mod:`reader.ui.commands`."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.commands import SCOPE_TITLES, bindings, by_scope, keys_of
from reader.ui.keys import display_keys


def help_content(remap: Mapping[str, str] | None = None) -> Content:
    """Every command by scope, with its keys as the user has them (``remap``: config.toml's ``[keys]``)."""
    remap = remap or {}
    parts: list[Content] = []
    for scope, cmds in by_scope().items():
        parts.append(Content(SCOPE_TITLES.get(scope, scope)).stylize("bold $text-primary"))
        for cmd in cmds:
            keys = Content(f"  {display_keys(keys_of(cmd, remap)):<28} ").stylize("bold $text-accent")
            parts.append(keys + Content(f"{cmd.title} — {cmd.help}"))
        parts.append(Content(""))
    parts.append(Content("Mouse: click to select, wheel to scroll, drag to select text.").stylize("$text-muted"))
    return Content("\n").join(parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def __init__(self, remap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.remap = remap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Content("reader — keys").stylize("bold"), id="help-title")
            yield Static(help_content(self.remap), id="help-text")

    def action_scroll_down(self) -> None:
        self.query_one("#help-body").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body").scroll_up()
