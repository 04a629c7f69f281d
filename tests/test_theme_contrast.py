"""Entity colours come from the theme and stay readable on dark and light themes (WCAG contrast)."""

from __future__ import annotations

import pytest
from textual.color import Color

from conftest import BUNDLED
from reader.ui.app import ReaderApp
from reader.ui.article_view import LABEL_STYLES


def _luminance(c: Color) -> float:
    def channel(x: int) -> float:
        x /= 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def _contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-latte",
                                   "solarized-light", "monokai"])
async def test_entity_tints_keep_text_readable(theme):
    app = ReaderApp(BUNDLED, ingest=False)
    async with app.run_test() as pilot:
        app.theme = theme
        await pilot.pause()
        v = app.theme_variables
        bg, fg = Color.parse(v["background"]), Color.parse(v["foreground"])
        baseline = _contrast(fg, bg)
        for label, style in LABEL_STYLES.items():
            _on, var, pct = style.split()
            tinted = bg.blend(Color.parse(v[var[1:]]), int(pct.rstrip("%")) / 100)
            ratio = _contrast(fg, tinted)
            # WCAG AA for body text (4.5) wherever the theme's own text reaches it on plain background
            assert ratio >= min(4.5, 0.7 * baseline), (theme, label, ratio, baseline)
            # and the tint is visible: the highlighted background differs from the page
            assert _contrast(tinted, bg) > 1.05, (theme, label)
