"""The reader's commands in the command palette (``ctrl+p``): a Textual ``Provider`` over the registry.

Each command of :data:`reader.ui.commands.COMMANDS` marked ``palette`` is offered when it can act on
the screen the palette was opened from: its scope is there (``article`` commands on the screen that
holds the panes), and that screen's ``check_action`` lets it act now (no article open: no article
command). Choosing one runs its action, as its key would: Textual parses the action string. The
title shows the keys as the user has them (config.toml's ``[keys]``). Textual's own commands
(theme, keys, quit…) come from its ``SystemCommandsProvider`` beside this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

from reader.ui.commands import COMMANDS, Command, Scope, keys_of
from reader.ui.keys import display_keys
from reader.ui.settings import Settings

PALETTE_SCOPES: tuple[Scope, ...] = ("app", "article")  # article: on the screen with the panes


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # "Bookmark (b)"
    help: str
    callback: Callable[[], None]  # schedules the action (the palette calls it as it closes)


def _target(screen: Screen[Any], action: str) -> tuple[DOMNode, str, tuple[object, ...]]:
    namespace, name, params = parse(action)
    return (screen.app if namespace == "app" else screen), name, params


def can_act(screen: Screen[Any], cmd: Command) -> bool:
    """``cmd`` is offered on ``screen`` now: its scope is there and its target's check_action allows it."""
    if cmd.scope not in PALETTE_SCOPES or (cmd.scope == "article" and not screen.query("#panes")):
        return False
    target, name, params = _target(screen, cmd.action)
    return bool(target.check_action(name, params))


def palette_commands(screen: Screen[Any]) -> Iterator[PaletteCommand]:
    """The registry's commands that can act on ``screen`` (the one the palette was opened from)."""
    app = screen.app
    settings = getattr(app, "settings", None)  # the reader's app has them; another (a test's) may not
    remap = settings.keys if isinstance(settings, Settings) else {}
    for cmd in COMMANDS:
        if not cmd.palette or not can_act(screen, cmd):
            continue

        def run(action: str = cmd.action) -> None:
            app.call_later(app.run_action, action, screen)

        yield PaletteCommand(f"{cmd.title} ({display_keys(keys_of(cmd, remap))})", cmd.help, run)


class ReaderCommands(Provider):
    async def discover(self) -> Hits:
        for command in palette_commands(self.screen):
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands(self.screen):
            if (score := matcher.match(command.title)) > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)
