"""Entry HTML → our Markdown, read back by reader.passages: structure kept, text kept as text."""

from __future__ import annotations

import pytest

from reader.feeds.convert import html_fragment_to_markdown as html_to_markdown
from reader.feeds.convert import html_to_line as html_to_text
from reader.feeds.convert import text_to_markdown
from reader.passages import parse_passages


def passages(html: str, base: str | None = "https://ex.example/dir/page"):
    return [(p.kind, p.level, p.text) for p in parse_passages(html_to_markdown(html, base)).passages]


def test_structure_survives():
    html = ("<h1>Title</h1><p>Para <b>bold</b> <i>it</i></p><blockquote><p>q1</p><blockquote>q2</blockquote>"
            "</blockquote><ul><li>a<ul><li>a.1</li></ul></li><li>b</li></ul><ol start='4'><li>four</li></ol>"
            "<table><thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
            "<pre><code>x = 1\n\n    y = 2</code></pre><hr><h3>End</h3>")
    assert passages(html) == [
        ("heading", 1, "Title"), ("paragraph", 0, "Para bold it"), ("quote", 1, "q1"), ("quote", 2, "q2"),
        ("item", 1, "a"), ("item", 2, "a.1"), ("item", 1, "b"), ("item", 1, "four"),
        ("row", 0, "h1 │ h2"), ("row", 1, "1 │ "), ("code", 0, "x = 1\n\n    y = 2"), ("heading", 3, "End")]


def test_table_without_header_row_and_cells_with_pipes():
    # one writer for entries and pages: a table without <th> takes its first row as the header (as
    # tests/core/test_feeds_fulltext.py::test_nested_lists_quotes_and_headerless_table has it for pages)
    assert passages("<table><tr><td>a|b</td><td>c</td></tr><tr><td>d</td><td>e</td></tr></table>") == [
        ("row", 0, "a|b │ c"), ("row", 1, "d │ e")]


def test_spans_links_images_code():
    md = html_to_markdown('<p>See <a href="../x?a=1&amp;b=(2)">the <em>doc</em></a>, <code>a`b</code> and '
                          '<img src="/i.png" alt="A [cat]"> <a href="javascript:alert(1)">bad</a></p>',
                          "https://ex.example/dir/page")
    p = parse_passages(md).passages[0]
    assert p.text == "See the doc, a`b and [image: A (cat)] bad"
    links = [s.href for s in p.spans if s.style == "link"]
    assert links == ["https://ex.example/x?a=1&b=%282%29"]  # javascript: dropped, text kept
    assert {s.style for s in p.spans} >= {"link", "em", "code", "image"}


@pytest.mark.parametrize("text", ["*not em*", "_nor this_", "# not a heading", "> not a quote", "- not an item",
                                  "1. not a list", "[not](a link)", "![no](image)", "`not code`", "a | b",
                                  "&amp; stays", "\\ backslash", "<b>tag</b> as text", "===", "~~no strike~~"])
def test_markdown_in_text_stays_text(text):
    import html

    assert passages(f"<p>{html.escape(text)}</p>") == [("paragraph", 0, text)]
    assert [p.text for p in parse_passages(text_to_markdown(text)).passages] == [text]


def test_scripts_styles_and_forms_dropped_control_characters_inert():
    got = passages("<style>p{}</style><script>alert('x')</script><p>a\x1b[31mb\x07</p>"
                   "<form><input value=secret>text in form</form><iframe src=x>frame</iframe><p>end</p>")
    assert got == [("paragraph", 0, "a␛[31mb␇"), ("paragraph", 0, "end")]


def test_broken_and_hostile_html_is_bounded():
    deep = "<div>" * 20000 + "deep" + "</div>" * 20000
    assert passages(deep)[-1][2] == "deep"
    nested_lists = "<ul><li>" * 3000 + "x"
    assert "x" in html_to_markdown(nested_lists)
    assert passages("<p>unclosed <b>bold <i>both") == [("paragraph", 0, "unclosed bold both")]
    assert passages("") == [] and passages("<p> </p>") == []


def test_line_breaks_and_whitespace():
    assert passages("<p>one<br>two<br/>  three\n  four</p>") == [("paragraph", 0, "one\ntwo\nthree four")]


def test_title_html_to_text():
    assert html_to_text("A &lt;b&gt; <b>bold</b> &amp; \x1b[0m") == "A <b> bold & ␛[0m"
