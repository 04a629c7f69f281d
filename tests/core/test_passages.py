"""The passage coordinate system."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.passages import SEPARATOR, make_safe, parse_passages

DOC = """# Titre principal

Un paragraphe avec *emphase*, **gras**, un [lien](https://exemple.fr) et du `code`.
Suite du même paragraphe.

> Une citation
> sur deux lignes.

- premier point
- second point
  1. imbriqué

```
code brut [bold]x[/]
```

## Sous-titre
"""


def test_kinds_levels_and_text():
    parsed = parse_passages(DOC)
    kinds = [(p.kind, p.level) for p in parsed.passages]
    assert kinds == [("heading", 1), ("paragraph", 0), ("quote", 1), ("item", 1), ("item", 1), ("item", 2),
                     ("code", 0), ("heading", 2)]
    para = parsed.passages[1]
    assert para.text == ("Un paragraphe avec emphase, gras, un lien et du code. Suite du même paragraphe.")
    styles = {(para.text[s.start:s.end], s.style) for s in para.spans}
    assert styles == {("emphase", "em"), ("gras", "strong"), ("lien", "link"), ("code", "code")}
    assert [s.href for s in para.spans if s.style == "link"] == ["https://exemple.fr"]
    assert parsed.passages[2].text == "Une citation sur deux lignes."
    assert parsed.passages[6].text == "code brut [bold]x[/]"


def test_offsets_index_the_plain_text():
    parsed = parse_passages(DOC)
    for p in parsed.passages:
        assert parsed.plain_text[p.offset:p.end_offset] == p.text
        assert parsed.locate(p.offset + 3) == (p.index, 3)
    assert parsed.plain_text == SEPARATOR.join(p.text for p in parsed.passages)


def test_control_characters_become_visible_and_inert():
    parsed = parse_passages("Alerte \x1b[31mrouge\x1b[0m et \x07 cloche\x9b2J")
    text = parsed.passages[0].text
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "␛[31mrouge␛[0m" in text and "␇" in text


def test_raw_html_is_text():
    parsed = parse_passages("<script>alert(1)</script>\n\nDu <b>gras</b> ?")
    assert parsed.passages[0].text == "<script>alert(1)</script>"
    assert parsed.passages[1].text == "Du <b>gras</b> ?"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_parses_and_offsets_hold(text):
    parsed = parse_passages(text)
    for p in parsed.passages:
        assert parsed.plain_text[p.offset:p.end_offset] == p.text
        assert all(0 <= s.start <= s.end <= len(p.text) for s in p.spans)
        assert not any(ord(c) < 32 and c not in "\n\t" for c in p.text)


def test_make_safe_normalises_newlines():
    assert make_safe("a\r\nb\rc") == "a\nb\nc"


def test_images_show_as_marked_text_and_change_the_hash_version():
    from reader.corpus import content_hash
    from reader.passages import parses_differently

    body = "Avant ![Elon  Musk à Paris](http://x/y.jpg) après.\n\n![](seule.png)\n"
    passages = parse_passages(body).passages
    assert [p.text for p in passages] == ["Avant [image: Elon Musk à Paris] après.", "[image]"]
    assert passages[0].spans[0].style == "image" and passages[0].text[slice(6, 32)] == "[image: Elon Musk à Paris]"
    assert parses_differently(body) and not parses_differently("Un texte sans image ni table.")
    assert content_hash(body.encode(), body) != content_hash(body.encode())
