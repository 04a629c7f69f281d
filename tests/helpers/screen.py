"""What a Pilot-driven reader shows, as text: for snapshot tests that must wait for a state and
check that the picture they pin is the one their name says.

``screen_text(app)`` reads the app's own screenshot (``App.export_screenshot``, the SVG the
snapshots store) back into lines of text; ``wait_for_text`` lets the app run until every given
text is on screen; ``quiet`` lets timers (debounces), the workers they start and the messages
those post finish."""

from __future__ import annotations

import html
import re

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                   r'clip-path="url\(#[\w-]*line-(\d+)\)">(.*?)</text>')
_CELL = 12.2  # the width of a cell in Rich's SVG export (font size 20 × 0.61)


def svg_text(svg: str) -> str:
    """The lines of text of a Rich/Textual SVG screenshot (a stored snapshot or a fresh export)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for m in _TEXT.finditer(svg):
        rows.setdefault(int(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3)).replace("\xa0", " ")))
    lines = []
    for n in range(max(rows, default=-1) + 1):
        line = ""
        for x, text in sorted(rows.get(n, [])):
            line += " " * max(0, round(x / _CELL) - len(line)) + text
        lines.append(line.rstrip())
    return "\n".join(lines)


def screen_text(app) -> str:
    """What the terminal shows now (every screen of the stack that is painted), as lines of text."""
    return svg_text(app.export_screenshot())


async def quiet(pilot, rounds: int = 2) -> None:
    """``helpers.settle`` with time for timers: a debounce (the search's, the filter's: 0.15 s)
    fires, the worker it starts ends and the message that one posts is handled."""
    from helpers import settle

    for _ in range(rounds):
        await settle(pilot)
        await pilot.pause(0.2)
    await settle(pilot)


async def wait_for_text(pilot, *texts: str, tries: int = 200, step: float = 0.05) -> str:
    """Let the app run until the screen shows every one of ``texts``; returns the screen's text
    (raises AssertionError with the screen when it never does)."""
    shown = ""
    for _ in range(tries):
        await pilot.pause(step)
        shown = screen_text(pilot.app)
        if all(t in shown for t in texts):
            return shown
    missing = [t for t in texts if t not in shown]
    raise AssertionError(f"never shown: {missing!r}; the screen:\n{shown}")
