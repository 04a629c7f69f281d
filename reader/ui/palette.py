"""Entity label colours that stay apart in every theme and at every colour depth.

Theme variables cannot colour six labels: many themes give two of them one colour (textual-dark's
accent is its warning, monokai's secondary is its error), and a pale tint that reads well in
truecolor falls onto one 256-colour cell with its neighbour, or onto black at 16 colours. So each
label has a hue of its own, and its background is chosen for the theme *and* the terminal's colour
depth, as the terminal will show it (Rich downgrades every colour to the console's colour system):

* truecolor and 256 colours: a tint of the hue over the theme's background (the article keeps the
  theme's text colour), the first of a few strengths that, once downgraded, differs from the page
  and from the labels already placed and keeps the text readable;
* 16 colours, and the ANSI themes (the terminal's own palette): the hue's ANSI colour as
  background with black or white text, whichever reads better.

Every label background is opaque, so a label looks the same on the passage cursor's row (whose
tint is a background of its own), in the legend and in the status line.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from rich.color import EIGHT_BIT_PALETTE, STANDARD_PALETTE, ColorSystem  # the palettes its downgrade matches
from rich.color import Color as RichColor
from textual.color import Color
from textual.style import Style

if TYPE_CHECKING:
    from textual.app import App

# label → (hue for the tints, ANSI colour number 1–6: red, green, yellow, blue, magenta, cyan)
HUES: dict[str, tuple[str, int]] = {
    "PER": ("#c83cdc", 5),
    "ORG": ("#285aff", 4),
    "LOC": ("#00bec8", 6),
    "DATE": ("#e6be00", 3),
    "MONEY": ("#28b428", 2),
    "MISC": ("#f05a28", 1),
}
ANSI_NAMES = {1: "red", 2: "green", 3: "yellow", 4: "blue", 5: "magenta", 6: "cyan"}
Depth = Literal["truecolor", "256", "16"]
DEPTHS: tuple[Depth, ...] = ("truecolor", "256", "16")
_SYSTEMS: dict[Depth, ColorSystem] = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
                                      "16": ColorSystem.STANDARD}
TINTS = (0.3, 0.25, 0.35, 0.2, 0.4, 0.45, 0.5, 0.55, 0.6)  # tried in this order
MIN_CONTRAST = 4.5  # WCAG AA body text, or 70% of the theme's own text contrast where that is lower
MIN_DISTANCE = 40  # between two colours as shown (Rich's "redmean" distance, 0–765)
FOCUS_TINT = 0.02  # of the foreground over the article's background when it has focus (styles/reader.tcss)


def colour_depth(color_system: str | None) -> Depth:
    """"truecolor" | "256" | "16" for a Rich console's colour system (READER_COLOR_DEPTH overrides)."""
    wanted = os.environ.get("READER_COLOR_DEPTH", "")
    for depth in DEPTHS:
        if wanted == depth:
            return depth
    return "truecolor" if color_system == "truecolor" else "256" if color_system == "256" else "16"


def shown(color: Color, depth: Depth) -> tuple[int, int, int]:
    """The RGB a terminal of that depth shows for an opaque colour (Rich's downgrade, its palettes)."""
    rich = RichColor.from_rgb(color.r, color.g, color.b).downgrade(_SYSTEMS[depth])
    if depth in ("256", "16") and rich.number is not None:
        palette = EIGHT_BIT_PALETTE if depth == "256" else STANDARD_PALETTE
        red, green, blue = palette[rich.number]
        return red, green, blue
    return color.r, color.g, color.b


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        x = value / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Rich's colour distance (the one its palette matching uses)."""
    red_mean = (a[0] + b[0]) // 2
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return (((512 + red_mean) * dr * dr >> 8) + 4 * dg * dg + ((767 - red_mean) * db * db >> 8)) ** 0.5


def label_styles(background: str, foreground: str, depth: Depth, ansi: bool = False) -> dict[str, Style]:
    """Each label's style for a theme (its background and foreground colours) at a colour depth."""
    return dict(_label_styles(background, foreground, depth, ansi))


@lru_cache(maxsize=64)
def _label_styles(background: str, foreground: str, depth: Depth, ansi: bool) -> tuple[tuple[str, Style], ...]:
    if ansi:  # the terminal's palette: ANSI colours, emitted as such
        return tuple((label, _ansi_style(n, ansi=True)) for label, (_hue, n) in HUES.items())
    bg, fg = Color.parse(background), Color.parse(foreground)
    if depth == "16":
        return tuple((label, _ansi_style(n, ansi=False)) for label, (_hue, n) in HUES.items())
    page, text = shown(bg, depth), shown(fg, depth)
    need = min(MIN_CONTRAST, 0.7 * contrast(text, page))
    placed: list[tuple[int, int, int]] = [page, shown(bg.blend(fg, FOCUS_TINT), depth)]  # the page, focused or not
    styles = []
    for label, (hue, n) in HUES.items():
        for alpha in TINTS:
            tint = bg.blend(Color.parse(hue), alpha)
            seen = shown(tint, depth)
            if contrast(text, seen) >= need and all(distance(seen, c) >= MIN_DISTANCE for c in placed):
                placed.append(seen)
                styles.append((label, Style(background=tint, foreground=fg)))
                break
        else:  # no tint fits this theme at this depth: the ANSI block, distinct by its hue
            styles.append((label, _ansi_style(n, ansi=False)))
    return tuple(styles)


def _ansi_style(n: int, ansi: bool) -> Style:
    """ANSI colour ``n`` as background, with black or white text (whichever contrasts more)."""
    red, green, blue = STANDARD_PALETTE[n]
    block = (red, green, blue)
    dark_text = contrast((0, 0, 0), block) >= contrast((255, 255, 255), block)
    if ansi:
        return Style(background=Color.parse(f"ansi_{ANSI_NAMES[n]}"),
                     foreground=Color.parse("ansi_black" if dark_text else "ansi_bright_white"))
    return Style(background=Color(*block), foreground=Color(0, 0, 0) if dark_text else Color(255, 255, 255))


def app_label_styles(app: App[Any]) -> dict[str, Style]:
    """The label styles for an app's current theme and its terminal's colour depth."""
    variables = app.theme_variables
    return label_styles(variables["background"], variables["foreground"], colour_depth(app.console.color_system),
                        bool(app.current_theme.ansi))
