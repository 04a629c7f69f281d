"""Opening a URL in the web browser (``o``, ``O``, the links view) without ever blocking the reader.

:mod:`webbrowser` picks the browser (``$BROWSER`` first). A graphical one is started from a thread
worker: a browser command may take its time, or not return until it is closed. One that runs in
the terminal (w3m, lynx: what Python finds when there is no display, or a ``$BROWSER`` command
there) would draw over the reader, so the reader is suspended and hands it the terminal until it
exits. Either way the outcome is said in the status line.
"""

from __future__ import annotations

import os
import sys

from textual import work

from reader.log import log_exception
from reader.passages import make_safe


def in_terminal(browser) -> bool:
    """Whether a :mod:`webbrowser` controller runs in this terminal: a command Python waits for
    (its ``GenericBrowser``, not ``BackgroundBrowser``) where there is no graphical display."""
    import webbrowser

    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return type(browser) is webbrowser.GenericBrowser and not display and sys.platform != "darwin"


def browser_result(browser, url: str, failed: str) -> str:
    try:
        ok = browser.open(url)
    except Exception as exc:  # OSError from a browser command that cannot start
        log_exception(__name__, "the web browser could not be started")
        return f"The web browser could not be started: {exc}"
    return f"Opened {make_safe(url)}" if ok else failed


class BrowserActions:
    """Mixed into ReaderApp through :class:`reader.ui.controllers.reading.ReadingActions` (``self`` is the app)."""

    def open_url(self, url: str) -> None:
        self.set_status(f"Opening {make_safe(url)} in the web browser…")
        self._open_in_browser(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        """In a thread: a browser started through ``$BROWSER`` may take its time (or run until closed).
        A browser that runs in the terminal (w3m, lynx: what Python finds without a display) gets
        the terminal: the reader is suspended until it exits."""
        import webbrowser

        none = "No web browser found: set $BROWSER to a browser command (y copies the URL)"
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.call_from_thread(self.set_status, none)
            return
        if in_terminal(browser):
            self.call_from_thread(self._open_in_terminal, browser, url)
            return
        failed = "The web browser did not open the URL (y copies it)"
        self.call_from_thread(self.set_status, browser_result(browser, url, failed))

    def _open_in_terminal(self, browser, url: str) -> None:
        from textual.app import SuspendNotSupported

        try:
            with self.suspend():
                message = browser_result(browser, url, "The browser found nothing to open")
        except SuspendNotSupported:
            message = "This terminal cannot be handed to a text browser: set $BROWSER to a graphical one " \
                      "(y copies the URL)"
        self.set_status(message)
