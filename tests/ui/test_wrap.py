"""The article view's own word wrap: rows are exact slices of the passage text (the coordinates)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.ui.widgets.article_view.wrap import wrap_offsets


def test_wraps_at_spaces_and_keeps_indentation():
    assert wrap_offsets("ab cd ef", 5) == [(0, 5), (6, 8)]
    assert wrap_offsets("  code line", 20) == [(0, 11)]
    assert wrap_offsets("a\n\nb", 10) == [(0, 1), (2, 2), (3, 4)]


def test_a_word_wider_than_the_row_is_cut_by_cells():
    assert wrap_offsets("abcdefghij", 4) == [(0, 4), (4, 8), (8, 10)]
    # wide characters take two cells each
    assert wrap_offsets("日本語テキスト", 4) == [(0, 2), (2, 4), (4, 6), (6, 7)]


words = st.text(alphabet=st.sampled_from(list("abcdéè日 \n")), min_size=0, max_size=120)


@settings(max_examples=300, deadline=None)
@given(words, st.integers(min_value=2, max_value=30))
def test_rows_cover_every_visible_char_once_and_fit(text, width):
    rows = wrap_offsets(text, width)
    covered = [0] * len(text)
    last = 0
    for start, end in rows:
        assert last <= start <= end <= len(text)
        assert cell_len(text[start:end]) <= width or end - start == 1
        assert "\n" not in text[start:end]
        for k in range(start, end):
            covered[k] += 1
        last = end
    for k, ch in enumerate(text):
        if not ch.isspace():
            assert covered[k] == 1, (k, text, rows)
    # read in order, the rows give back every visible char of the text
    assert "".join("".join(text[a:b].split()) for a, b in rows) == "".join(text.split())
