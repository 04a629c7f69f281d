"""The reader application: styles, the UI state, the main screen, leaving.

The panes and the work behind them are the main screen's (:mod:`reader.ui.screens.main`); the
app starts it as its default screen, keeps the UI state file, and leaves cleanly: on ``q``, on
SIGTERM, and when the terminal goes away (SIGHUP, or a tty that reads EOF).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.theme import Theme

from reader import paths
from reader.passages import make_safe_line
from reader.ui import settings as ui_settings
from reader.ui.commands import bindings, textual_keymap
from reader.ui.providers import ReaderCommands
from reader.ui.screens.main import MainScreen


class ReaderApp(App[None]):
    TITLE = "reader"
    CSS_PATH = str(paths.styles_dir() / "reader.tcss")
    BINDINGS = bindings("app")
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ReaderCommands}  # the registry's commands beside Textual's (reader.ui.providers)

    def __init__(self, folder: Path, *, ingest: bool | None = None, exit_after_paint: bool = False,
                 fetch: bool | None = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.state = self.load_state()
        self.apply_settings(ui_settings.load_settings())
        self._main = MainScreen(self.folder, ingest=ingest, exit_after_paint=exit_after_paint, fetch=fetch,
                                state=self.state)

    def get_default_screen(self) -> MainScreen:
        return self._main

    @property
    def main(self) -> MainScreen:
        """The main screen (the panes), whatever screen is on top of it."""
        return self._main

    if not TYPE_CHECKING:  # for Textual's action lookup only: to mypy an unknown attribute stays an error
        def __getattr__(self, name: str) -> Any:
            """The commands' actions are ``app.<name>`` (they are heard whatever screen is on top);
            those the app has not are the main screen's."""
            main = self.__dict__.get("_main")
            if name.startswith("action_") and main is not None:
                return getattr(main, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def action_back(self) -> None:  # type: ignore[override]  # Textual's is async; it runs either
        """esc in the panes (Textual's own ``back`` would pop a screen)."""
        self.main.action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The commands' ``app.<name>`` actions can act now? The main screen knows (reader.ui.availability)."""
        main = self.__dict__.get("_main")
        return True if main is None else main.check_action(action, parameters)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self.theme_picked)
        self.settings_notice()
        if self.main.exit_after_paint:
            return
        self._watch_terminal()
        self._handle_signals()

    # settings (config.toml) and UI state (reader.ui.settings) ------------------------------------------
    def load_state(self) -> ui_settings.UIState:
        return ui_settings.load_state()

    def save_state(self) -> None:
        try:
            ui_settings.save_state(self.state)
        except OSError as exc:
            self.notify(make_safe_line(f"Could not save UI state: {exc}"), severity="warning", markup=False)

    def apply_settings(self, loaded: ui_settings.Loaded) -> None:
        """The user's keys (Textual's keymap) and theme; what is wrong is kept for :meth:`settings_notice`."""
        from textual.app import InvalidThemeError

        self.settings, self.settings_problems = loaded.settings, list(loaded.problems)
        self.set_keymap(textual_keymap(self.settings.keys))
        theme = ui_settings.theme_to_use(self.settings, self.state)
        if theme:
            try:
                self.theme = theme
            except InvalidThemeError:
                self.settings_problems.append(make_safe_line(f"theme {theme!r} is not a theme (ctrl+p → Theme "
                                                             "lists them); using the default"))

    def settings_notice(self) -> None:
        if self.settings_problems:
            self.notify("\n".join(self.settings_problems), severity="warning", timeout=15, markup=False,
                        title="Problems in config.toml (the defaults are used for them)")

    def theme_picked(self, theme: Theme) -> None:
        """A theme chosen in the app is remembered (until config.toml's theme changes)."""
        if theme.name != self.state.theme:
            self.state.theme, self.state.theme_over = theme.name, self.settings.theme
            self.save_state()

    # leaving ----------------------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        self._leave()
        self.exit()

    def _leave(self) -> None:
        """Stop the background work and remember where the reader was."""
        self.main.leave()

    def _watch_terminal(self) -> None:
        """Leave when the terminal goes away. Closing a terminal sends SIGHUP to its session, but a
        process in between (``make run``: make holds the session) can keep it from the reader, which
        would then spin on a dead tty (Textual's input thread reads EOF forever)."""
        if self.is_headless:
            return
        try:
            fd = sys.__stdin__.fileno()  # type: ignore[union-attr]  # None: the AttributeError below
            if not os.isatty(fd):
                return
        except (AttributeError, ValueError, OSError):
            return
        self._tty_fd = fd
        self.set_interval(1.0, self._check_terminal)

    def _handle_signals(self) -> None:
        """SIGTERM: leave cleanly (terminal restored, place saved). SIGHUP (the terminal closed):
        save the place and go, unless SIGHUP is ignored on purpose (nohup)."""
        import asyncio
        import signal

        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGTERM, self._terminated)
            if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
                loop.add_signal_handler(signal.SIGHUP, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            pass

    def _terminated(self) -> None:
        self._leave()
        self.exit(return_code=128 + 15)

    def _hung_up(self) -> None:
        self._leave()
        os._exit(128 + 1)

    def _check_terminal(self) -> None:
        import termios

        try:
            termios.tcgetattr(self._tty_fd)
        except (termios.error, OSError):  # hung up: EIO
            self._leave()
            os._exit(0)  # nothing left to draw on; state saved, indexer stopped, SQLite commits are durable

    def on_unmount(self) -> None:
        self.main.stop_background()

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.settings.keys))


def run_app(folder: Path) -> int:
    exit_after_paint = os.environ.get("READER_EXIT_AFTER_PAINT") == "1"
    app = ReaderApp(folder, exit_after_paint=exit_after_paint)
    for problem in app.settings_problems:  # said in the app too; this line stays on the terminal after it
        print(f"reader: {problem}", file=sys.stderr)
    app.run(headless=exit_after_paint and os.environ.get("READER_HEADLESS") == "1")
    return app.return_code or 0
