"""The article view's layout without an app: rows, table columns, steps, point ↔ (passage, char)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from helpers.bodies import STRUCTURE
from reader.corpus import Article, ArticleMeta
from reader.passages import CELL_SEPARATOR, parse_passages
from reader.ui.widgets.article_view.layout import BLANK, ArticleLayout, align_table, gutters, header_texts

BODY = STRUCTURE


def article(body: str, title: str = "Titre") -> Article:
    meta = ArticleMeta("a", title, Path("a.md"), "h", language="fr", words=len(body.split()))
    return Article(meta, body, parse_passages(body))


def laid_out(body: str, width: int) -> ArticleLayout:
    doc = ArticleLayout(article(body), width)
    doc.wrap(doc.passage_count)
    return doc


def test_rows_header_then_passages_blank_rows_between_but_not_between_items():
    doc = laid_out(BODY, 40)
    rows = doc.rows
    assert rows[0] is BLANK and rows[1].part == "title" and rows[-1] is BLANK
    assert [r.part for r in rows[:6]] == ["blank", "title", "meta", "blank", "rule", "blank"]
    assert doc.header == header_texts(doc.article) and doc.header[1][1] == f"fr · {len(BODY.split())} words"
    assert doc.complete and doc.partial is None and doc.height == len(rows)
    kinds = [p.kind for p in doc.article.passages]
    assert kinds == ["heading", "paragraph", "quote", "item", "item", "row", "row", "paragraph"]
    spans = doc.passage_rows
    assert spans[4][0] == spans[3][1] and spans[6][0] == spans[5][1]  # items, then table rows, adjacent
    assert spans[2][0] == spans[1][1] + 1 and rows[spans[1][1]] is BLANK  # a blank row between others
    assert spans[1][1] - spans[1][0] > 1  # the long paragraph is wrapped
    for p in doc.article.passages:
        first, end = spans[p.index]
        left, right = gutters(p)
        assert rows[first].first and not any(r.first for r in rows[first + 1:end])
        for r in rows[first:end]:
            assert r.passage == p.index
            if r.part == "text":
                assert cell_len(p.text[r.start:r.end]) <= 40 - left - right


def test_table_columns_are_aligned_when_they_fit_else_wrapped_like_text():
    doc = laid_out(BODY, 60)
    head, row = doc.article.passages[5], doc.article.passages[6]
    assert doc.cells[5][1] == doc.cells[6][1]  # one set of column widths for the table
    bounds, widths = doc.cells[6]
    assert widths == [max(cell_len("Année"), cell_len("2022")), cell_len("2,15 milliards")]
    assert [row.text[a:b] for a, b in bounds] == ["2022", "2,15 milliards"]
    assert [head.text[a:b] for a, b in doc.cells[5][0]] == ["Année", "Chiffre"]
    assert [doc.rows[doc.passage_rows[i][0]].part for i in (5, 6)] == ["cells", "cells"]
    narrow = laid_out(BODY, 18)  # 5 + 3 + 14 cells do not fit in 18 - 5 (gutters): wrapped rows
    assert not narrow.cells
    assert {r.part for r in narrow.rows[narrow.passage_rows[6][0]:narrow.passage_rows[6][1]]} == {"text"}
    small = parse_passages("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert set(align_table(list(small.passages), 0, 100)) == {0, 1}
    assert align_table(list(small.passages), 0, len("a") + len(CELL_SEPARATOR)) == {}


def test_a_point_in_the_header_or_a_blank_row_snaps_into_the_nearest_passage():
    doc = laid_out(BODY, 40)
    assert doc.point(0, 3, False) == (0, 0)  # the header: the first passage's start
    assert doc.point(None, None, False) == (0, 0) and doc.point(-5, 0, False) == (0, 0)
    last = doc.passage_count - 1
    assert doc.point(None, None, True) == (last, len(doc.article.passages[last].text))
    blank = doc.passage_rows[1][1]  # the blank row after the paragraph
    assert doc.point(blank, 0, True) == (1, len(doc.article.passages[1].text))
    assert doc.point(blank, 0, False) == (2, 0)
    assert doc.point(doc.passage_rows[0][0], 10**6, False) == (0, len("Un titre"))  # past a row's end: its end
    assert ArticleLayout(None, 40).point(0, 0, False) is None


def test_selection_text_and_clipping():
    doc = laid_out(BODY, 40)
    texts = [p.text for p in doc.article.passages]
    assert doc.text_between((0, 3), (0, 8)) == "titre"
    assert doc.text_between((0, 3), (2, 3)) == "titre\n\n" + texts[1] + "\n\nUne"
    assert doc.clipped_span((1, 5), (3, 2)) == (1, 5, len(texts[1]))
    assert doc.clipped_span((0, 8), (1, 0)) is None


def test_visible_passages_are_those_with_a_row_on_screen():
    doc = laid_out(BODY, 30)
    for top in range(len(doc.rows)):
        for height in (1, 3, 10):
            expected = [i for i, (a, b) in enumerate(doc.passage_rows) if b > top and a < top + height]
            assert doc.visible_passages(top, top + height) == expected
            assert all(doc.passage_at(r) in (None, *expected) for r in range(top, top + height))


paragraph = st.text(alphabet=st.sampled_from(list("abcdéèM. 日\t")), min_size=1, max_size=150).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=5), st.integers(min_value=8, max_value=50))
def test_every_char_of_a_row_maps_to_a_point_and_back(paras, width):
    body = "\n\n".join(p.strip().replace("\n", " ") for p in paras)
    doc = laid_out(body, width)
    for p in doc.article.passages:
        first, end = doc.passage_rows[p.index]
        for y in range(first, end):
            row = doc.rows[y]
            for c in range(row.start, row.end):
                x, y2 = doc.offset_of(p.index, c, False)
                assert y2 == y and doc.point(y2, x, False) == (p.index, c)
            for c in range(row.start + 1, row.end + 1):
                x, y2 = doc.offset_of(p.index, c, True)
                assert doc.point(y2, x, True) == (p.index, c)
            for x in range(width):  # every cell of the row maps into its slice
                passage, c = doc.point(y, x, False)
                assert passage == p.index and row.start <= c <= row.end


@settings(max_examples=80, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=6), st.integers(min_value=8, max_value=40),
       st.integers(min_value=1, max_value=7))
def test_wrapped_in_steps_the_rows_are_those_of_one_step(paras, width, step):
    body = "\n\n".join(p.strip().replace("\n", " ") for p in paras)
    whole = laid_out(body, width)
    doc = ArticleLayout(article(body), width)
    heights = []
    while not doc.complete:
        assert doc.wrap(doc.passage_count, max_rows=len(doc.rows) + step) is not None
        heights.append(doc.height)
    assert doc.wrap(doc.passage_count) is None  # nothing left to do
    assert doc.rows == whole.rows and doc.passage_rows == whole.passage_rows
    assert heights[-1] == len(whole.rows)
