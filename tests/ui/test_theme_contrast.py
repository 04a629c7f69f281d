"""Entity labels: six colours apart and readable in every theme the app offers, at every colour
depth (truecolor, 256, 16 colours), as the article view paints them and the terminal shows them."""

from __future__ import annotations

from rich._palettes import EIGHT_BIT_PALETTE, STANDARD_PALETTE
from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType

from helpers import reader_open, write_article
from reader.entities import cache as ann_store
from reader.entities.model import LABEL_NAMES, Annotations, EntityInfo, Mention
from reader.corpus import load_article, load_folder
from reader.ui.article_view import ArticleView

WORDS = {"PER": "Alice", "ORG": "Acme", "LOC": "Paris", "DATE": "lundi", "MONEY": "cent euros", "MISC": "Linux"}
BODY = ("Alice de Acme part pour Paris lundi avec cent euros et Linux.\n\n"
        "Un second paragraphe où Alice revient.\n\nUn troisième.")
SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "16": ColorSystem.STANDARD}


def annotated(folder):
    write_article(folder, "a.md", "a", "Six étiquettes", BODY, language="fr", published="2023-04-19")
    meta = load_folder(folder).articles[0]
    art = load_article(meta)
    mentions = []
    for p in art.passages:
        for label, word in WORDS.items():
            at = p.text.find(word)
            if at >= 0:
                mentions.append(Mention(p.index, at, at + len(word), word, label, f"{label}:{word.lower()}"))
    ann_store.save(Annotations(meta.id, meta.content_hash, "fr", "test-model", None, mentions,
                               [EntityInfo(f"{lb}:{w.lower()}", lb, w, 1) for lb, w in WORDS.items()]))
    assert {m.label for m in mentions} == set(LABEL_NAMES), "every label of the real label set"
    return mentions


def label_segments(view: ArticleView, passage: int):
    """label → the rich Style its text is painted with in ``passage``."""
    by_word = {word: label for label, word in WORDS.items()}
    text_at = {}
    for row in range(*view.passage_row_range(passage)):
        for seg in view.row_strip(row):
            if seg.text in by_word:
                text_at.setdefault(by_word[seg.text], seg.style)
    return text_at


def _rgb(color, system, default):
    """The RGB a terminal of that colour system shows for a rich colour."""
    if color is None or color.is_default:
        return default
    c = color.downgrade(system)
    if c.triplet is not None:
        return tuple(c.triplet)
    return tuple(EIGHT_BIT_PALETTE[c.number] if c.type == ColorType.EIGHT_BIT else STANDARD_PALETTE[c.number])


def _luminance(rgb) -> float:
    def channel(x: int) -> float:
        x /= 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])


def _contrast(a, b) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _distance(a, b) -> float:  # Rich's redmean distance, the one its palette matching uses
    mean = (a[0] + b[0]) // 2
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return (((512 + mean) * dr * dr >> 8) + 4 * dg * dg + ((767 - mean) * db * db >> 8)) ** 0.5


async def test_six_labels_stay_apart_and_readable_in_every_theme_and_colour_depth(tmp_path, monkeypatch):
    annotated(tmp_path)
    async with reader_open(tmp_path, (100, 30)) as (app, pilot, view):
        view.set_cursor(2)  # the labelled passage is off the cursor row
        await pilot.pause()
        themes = sorted(app.available_themes)
        assert len(themes) >= 20
        checked = 0
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            ansi = app.current_theme.ansi
            for depth, system in SYSTEMS.items():
                monkeypatch.setenv("READER_COLOR_DEPTH", depth)
                view.refresh_highlights()
                styles = label_segments(view, 0)
                assert set(styles) == set(WORDS), (theme, depth, styles)
                page_style = view.get_visual_style().rich_style  # the article's page, with focus
                page = _rgb(page_style.bgcolor, system, (0, 0, 0))
                unfocused = page if ansi else _rgb(RichColor.parse(app.theme_variables["background"]), system, page)
                text = _rgb(page_style.color, system, (255, 255, 255))
                baseline = _contrast(text, page)
                shown = {}
                for label, style in styles.items():
                    bg, fg = _rgb(style.bgcolor, system, page), _rgb(style.color, system, text)
                    flags = (style.bold, style.italic, style.underline, style.reverse)
                    shown[label] = (bg, fg, flags)
                    where = (theme, depth, label)
                    # readable: WCAG AA, or 70% of the theme's own text contrast where that is lower
                    assert _contrast(fg, bg) >= min(4.5, 0.7 * baseline), where
                    if not ansi:  # (an ANSI theme's page is the terminal's default colour: unknown)
                        assert min(_distance(bg, page), _distance(bg, unfocused)) >= 40, (
                            "the label's colour shows on the page",) + where
                    assert not style.reverse, where  # reverse is the selection's cue
                labels = list(shown)
                for i, a in enumerate(labels):
                    for b in labels[i + 1:]:
                        assert shown[a] != shown[b], (theme, depth, a, b)
                        assert _distance(shown[a][0], shown[b][0]) >= 40, (theme, depth, a, b, shown[a], shown[b])
                checked += 1
        assert checked == 3 * len(themes)
