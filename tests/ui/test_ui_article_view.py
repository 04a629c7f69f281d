"""Pilot tests of the line-API article view: structure, clicks, resizing, restyling, copying."""

from __future__ import annotations

from contextlib import asynccontextmanager

from helpers import open_article, reader_open, write_article
from reader.ui.article_view import BULLET, ArticleView

BODY = """# Un titre

Premier paragraphe assez long pour être coupé en plusieurs lignes dans une vue étroite, avec des mots.

> Une citation de quelqu'un.

- premier point
- second point

| Année | Chiffre |
|---|---|
| 2022 | 2,15 milliards |

Dernier paragraphe.
"""


@asynccontextmanager
async def reading(tmp_path, title: str, body: str, size: tuple[int, int] = (100, 30)):
    """The reader on a folder of one article, opened: (app, pilot, view)."""
    write_article(tmp_path, "a.md", "a", title, body)
    async with reader_open(tmp_path, size) as opened:
        yield opened


def _strip_styles(view: ArticleView, row: int):
    return [seg.style for seg in view.row_strip(row)]


async def test_structure_is_drawn_bullets_indents_and_no_blank_between_items(tmp_path):
    async with reading(tmp_path, "Structure", BODY) as (app, pilot, view):
        kinds = [p.kind for p in view.article.passages]
        assert kinds == ["heading", "paragraph", "quote", "item", "item", "row", "row", "paragraph"]
        assert view.passage_lines(3) == [BULLET + "premier point"]
        # list items follow each other without a blank row; other passages are separated by one
        assert view.passage_row_range(4)[0] == view.passage_row_range(3)[1]
        assert view.passage_row_range(2)[0] == view.passage_row_range(1)[1] + 1
        # a table: one row a passage, columns aligned, no blank row between rows, its header in bold
        assert view.passage_lines(5) == ["Année │ Chiffre"] and view.passage_lines(6) == ["2022  │ 2,15 milliards"]
        assert view.passage_row_range(6)[0] == view.passage_row_range(5)[1]
        head = view.row_strip(view.passage_row_range(5)[0])
        assert any(seg.style and seg.style.bold and "Année" in seg.text for seg in head)
        # a quote is indented further than a paragraph
        quote_row = view.row_strip(view.passage_row_range(2)[0]).text
        para_row = view.row_strip(view.passage_row_range(7)[0]).text
        assert len(quote_row) - len(quote_row.lstrip("▌ ")) > len(para_row) - len(para_row.lstrip("▌ "))
        # the heading is bold (from the theme's component style)
        heading = view.row_strip(view.passage_row_range(0)[0])
        assert any(seg.style and seg.style.bold and "titre" in seg.text for seg in heading)


async def test_click_moves_the_cursor_to_the_passage_clicked(tmp_path):
    async with reading(tmp_path, "Clics", BODY) as (app, pilot, view):
        first, _end = view.passage_row_range(7)
        await pilot.click(view, offset=(6, first - int(view.scroll_offset.y)))
        await pilot.pause()
        assert view.cursor == 7 and view.has_cursor_bar(7) and not view.has_cursor_bar(0)


async def test_narrowing_rewraps_and_keeps_the_reading_place(tmp_path):
    paras = "\n\n".join(f"Paragraphe {i} : " + "mot " * 60 for i in range(40))
    async with reading(tmp_path, "Long", paras, size=(120, 30)) as (app, pilot, view):
        view.set_cursor(20, top=True)
        await pilot.pause()
        rows_wide = view.passage_row_range(20)
        await pilot.resize_terminal(80, 30)
        await pilot.pause()
        await pilot.pause()
        rows_narrow = view.passage_row_range(20)
        assert rows_narrow[1] - rows_narrow[0] > rows_wide[1] - rows_wide[0]  # rewrapped: more rows
        assert 20 in view._visible_passages()
        lines = view.passage_lines(20)
        assert all(len(line) <= view.scrollable_content_region.width for line in lines)
        assert " ".join(lines) == view.article.passages[20].text.strip()


async def test_theme_and_focus_changes_repaint_cached_rows(tmp_path):
    async with reading(tmp_path, "Couleurs", BODY) as (app, pilot, view):
        row = view.passage_row_range(1)[0]
        y = row - int(view.scroll_offset.y)
        before = [seg.style for seg in view.render_line(y)]
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        after = [seg.style for seg in view.render_line(y)]
        assert after != before
        assert after == _strip_styles(view, row)  # what is shown is what a fresh paint gives
        await pilot.press("escape")  # focus leaves the article: its tint goes
        await pilot.pause()
        assert [seg.style for seg in view.render_line(y)] == _strip_styles(view, row)


async def test_copy_of_a_selection_across_passages_gives_their_text(tmp_path):
    async with reading(tmp_path, "Copie", BODY) as (app, pilot, view):
        passages = view.article.passages
        sel = view.selection_for(1, 0, 0)
        end = view.selection_for(3, 0, len("premier"))
        app.screen.selections = {view: type(sel)(sel.start, end.end)}
        await pilot.pause()
        copied = app.screen.get_selected_text()
        assert copied == "\n\n".join([passages[1].text, passages[2].text, "premier"])
        # a selection spanning passages bookmarks the part in the passage where it starts, and says so
        assert app.main._selection_in_view() == (1, 0, len(passages[1].text))
        await pilot.press("b")
        await pilot.pause()
        assert "up to the end of its first passage" in app.main.status_text
        from reader.bookmarks.store import BookmarkStore

        bm = BookmarkStore().list()[0]
        assert (bm.passage, bm.start, bm.end) == (1, 0, len(passages[1].text))


ODD = (
    "# 標題 with 🎉 emoji and a very long title that will not fit in a narrow terminal at all\n\n"
    "https://example.com/" + "a" * 300 + " suivi de texte.\n\n"
    "日本語のテキストは二つのセルを使います。" * 4 + "\n\n"
    "Accents combinés : e\u0301te\u0301, zero\u200bwidth, famille 👨\u200d👩\u200d👧 et עברית mêlés.\n\n"
    "```\n\tcode\tavec\ttabulations\n  indenté\n```\n\n"
    "> > citation imbriquée très longue " + "mot " * 40 + "\n\n"
    "1. premier\n   - sous-point " + "long " * 30 + "\n"
)


async def test_odd_text_at_narrow_widths_paints_rows_that_fit(tmp_path):
    """Wide, combining and zero-width chars, tabs, a 300-char URL, nested lists and quotes: every
    painted row is exactly as wide as the view, at several widths, while moving around."""
    from rich.cells import cell_len

    async with reading(tmp_path, "Bizarre", ODD, size=(60, 24)) as (app, pilot, view):
        for width in (60, 34, 70):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            await pilot.pause()
            for keys in (("G",), ("k", "k"), ("space",), ("g",), ("j", "j", "j")):
                await pilot.press(*keys)
                await pilot.pause()
                for y in range(view.scrollable_content_region.height):
                    strip = view.render_line(y)
                    assert cell_len(strip.text) == view.scrollable_content_region.width, (width, y, strip.text)
            # every passage's text is on screen somewhere, nothing lost to wrapping
            for p in view.article.passages:
                shown = "".join("".join(line.split()) for line in view.passage_lines(p.index))
                assert shown.replace("•", "") == "".join(p.text.replace("\t", " ").split())


async def test_a_long_article_is_wrapped_in_two_steps_to_the_same_rows(tmp_path, monkeypatch, make_app):
    """Past LAZY_CHARS the first screens are wrapped before the first paint, the rest right after:
    the rows end up exactly those of a one-step layout, and jumping far ahead works at any time."""
    paras = "\n\n".join(f"Paragraphe {i} : " + "mot " * 150 for i in range(120))
    write_article(tmp_path, "long.md", "long", "Long", paras)
    layouts = []
    for lazy in (True, False):
        if not lazy:
            monkeypatch.setattr(ArticleView, "LAZY_CHARS", 10**9)
        app = make_app(tmp_path, ingest=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await open_article(pilot)
            view = app.query_one(ArticleView)
            await view.show_article(view.article, 0)
            if lazy:
                assert view._wrapped < view.passage_count, "only the first screens are wrapped before painting"
                view.set_cursor(100, top=True)  # far ahead at once: the rest is wrapped first
                assert view.cursor == 100 and 100 in view._visible_passages()
            await pilot.pause()
            await pilot.pause()
            assert view._wrapped == view.passage_count
            assert view.virtual_size.height == len(view._rows)
            layouts.append(list(view._rows))
    assert layouts[0] == layouts[1]


async def test_table_columns_align_when_they_fit_and_selection_maps_through_the_padding(tmp_path):
    body = ("| Trimestre | Chiffre d'affaires |\n|---|---|\n| T1 | 51,7 milliards de dollars |\n"
            "| Quatrième | 3 |\n")
    async with reading(tmp_path, "Table", body) as (app, pilot, view):
        lines = [view.passage_lines(i)[0] for i in range(3)]
        assert [line.index("│") for line in lines] == [10, 10, 10]  # one column edge for every row
        assert lines[1] == "T1".ljust(len("Trimestre")) + " │ 51,7 milliards de dollars"
        # a drag from "T1" to the padding after it selects just "T1" (the padding maps to the cell's end)
        first, _ = view.passage_row_range(1)
        text = view.row_strip(first).text
        x0 = view.styles.padding.left + text.index("T1")
        y = first - int(view.scroll_offset.y)
        await pilot.mouse_down(view, offset=(x0, y))
        await pilot.hover(view, offset=(x0 + 6, y))
        await pilot.mouse_up(view, offset=(x0 + 6, y))
        await pilot.pause()
        assert app.screen.get_selected_text() == "T1"
        assert app.main._selection_in_view() == (1, 0, 2)
        # too wide for the view: the rows wrap like text again
        await pilot.resize_terminal(30, 30)
        await pilot.pause()
        await pilot.pause()
        assert len(view.passage_lines(1)) > 1
        assert " ".join(view.passage_lines(1)) == view.article.passages[1].text


async def test_table_cells_follow_the_markdown_alignment(tmp_path):
    body = "| Pays | Montant | Note |\n|:--|--:|:-:|\n| France | 3 | A |\n| Allemagne | 1 250 | BBB |\n"
    async with reading(tmp_path, "Alignement", body) as (app, pilot, view):
        assert view.article.passages[1].align == ("left", "right", "center")
        assert view.passage_lines(1) == ["France    │       3 │  A"]
        assert view.passage_lines(2) == ["Allemagne │   1 250 │ BBB"]
