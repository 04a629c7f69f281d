"""Full text of feed entries (reader.feeds.fulltext) and the language of an article (reader.feeds.langdetect).

The pages are ours (tests/data/fulltext/): a news article inside its site's navigation, ads, related
links, comments and footer. The Markdown the writer makes is read back by the article loader
(reader.passages.parse_passages): structure kept, the page's text never turned into markup.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.feeds import convert, markdown_escape
from reader.feeds.convert import first_paragraph, html_fragment_to_markdown, xml_to_markdown
from reader.feeds.extract import Extracted, extract_article, extract_text
from reader.feeds.fulltext import is_teaser, shingle_f1, teaser_reason
from reader.feeds.langdetect import detect_language, normalise_code
from reader.passages import parse_passages

PAGES = Path(__file__).resolve().parents[1] / "data" / "fulltext"
PAGE_NAMES = ("news_en", "news_fr", "blog_de", "news_es")
CHROME = ("kevin77", "Great article", "I disagree", "Related stories", "Tram strike", "ADVERTISEMENT", "Copyright",
          "Log in", "Cookie", "Partager sur", "Kategorien")


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def url(name: str) -> str:
    return f"https://news.example/2026/{name}"


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extracted]:
    return {name: extract_article(page(name), url(name)) for name in PAGE_NAMES}


def kinds(markdown: str) -> list[str]:
    return [p.kind for p in parse_passages(markdown).passages]


# --- pages ----------------------------------------------------------------------------------------

def test_news_page_passages_in_order(extracted):
    ex = extracted["news_en"]
    assert kinds(ex.markdown) == (["paragraph", "paragraph", "heading", "paragraph"] + ["item"] * 3
                                  + ["quote", "paragraph"] + ["row"] * 4
                                  + ["paragraph", "code", "paragraph", "paragraph", "paragraph"])
    passages = parse_passages(ex.markdown).passages
    assert passages[2].text == "What the budget contains" and passages[2].level == 2
    assert passages[7].text.startswith("This budget is the most ambitious")
    rows = [p for p in passages if p.kind == "row"]
    assert [r.level for r in rows] == [0, 1, 1, 1]
    assert rows[0].text == "Department │ 2025 │ 2026"
    assert rows[3].text == "Parks | gardens │ 5 │ 5"  # a pipe in a cell stays in its cell
    code = next(p for p in passages if p.kind == "code")
    assert code.text == "def total(items):\n    return sum(i.cost for i in items)  # *not* emphasis"
    assert "[image: The council in session]" in [p.text for p in passages]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_navigation_ads_or_comments(extracted, name):
    ex = extracted[name]
    assert ex.markdown and ex.text_length > 1000
    for chrome in CHROME:
        assert chrome not in ex.markdown, chrome


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_text_length_is_the_plain_text_length(extracted, name):
    assert extracted[name].text_length == len(parse_passages(extracted[name].markdown).plain_text)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_nothing_dropped_against_trafilaturas_own_text(extracted, name):
    """Word 4-gram F1 between our passages (and title) and trafilatura's plain-text output ≥ 0.95."""
    ex = extracted[name]
    ours = (ex.title or "") + "\n\n" + parse_passages(ex.markdown).plain_text
    assert shingle_f1(ours, extract_text(page(name), url(name))) >= 0.95


def test_metadata(extracted):
    en = extracted["news_en"]
    assert (en.language, en.published, en.author) == ("en", "2026-03-14", "Jane Doe")
    assert extracted["news_es"].language == "es-ES"  # from <meta http-equiv="content-language">
    assert extracted["blog_de"].published == "2025-11-20"


def test_markup_in_the_page_stays_text(extracted):
    ex = extracted["news_en"]
    para = next(p for p in parse_passages(ex.markdown).passages if "starred" in p.text)
    assert "*starred*" in para.text
    assert "[x](javascript:alert(1))" in para.text
    assert "<b>bold</b>" in para.text
    assert "# not a heading" in para.text
    assert para.spans == ()
    assert "javascript" not in "".join(str(s.href) for p in parse_passages(ex.markdown).passages for s in p.spans)


def test_escape_sequences_never_survive(extracted):
    # the project's rule for untrusted text (reader.passages.make_safe): controls made visible, inert
    ex = extracted["news_en"]
    for text in (ex.markdown, ex.title):
        assert "\x1b" not in text and "\x07" not in text
    assert ex.title.replace("␛[31m", "").replace("␛[0m", "") == "City council *votes* <b>budget</b> after six hours"
    assert "and that ␛[2Jthe screen stays as it is" in parse_passages(ex.markdown).plain_text


def test_links_resolved_and_unsafe_ones_dropped(extracted):
    passages = parse_passages(extracted["news_en"].markdown).passages
    para = next(p for p in passages if p.text.startswith("The budget contains"))
    links = [(para.text[s.start:s.end], s.href) for s in para.spans if s.style == "link"]
    assert links == [("the official document", "https://news.example/doc/budget.pdf")]
    assert "published by the city services this week" in para.text  # the javascript: link's text
    assert {s.style for s in para.spans} == {"strong", "em", "link"}


def test_pre_is_code_and_inline_code_stays_inline(extracted):
    de = parse_passages(extracted["blog_de"].markdown).passages
    code = next(p for p in de if p.kind == "code")  # a bare <pre>: trafilatura alone takes it for a quote
    assert code.text.splitlines()[0] == "* 3 * * * find /var/tmp -name '*' -mtime +1 -delete"
    assert "```Backticks```" in code.text
    assert not [p for p in de if p.kind == "quote"]
    fr = parse_passages(extracted["news_fr"].markdown).passages
    para = next(p for p in fr if "cout_total" in p.text)
    assert para.kind == "paragraph" and para.text.endswith("cout_total = km * 1.2 selon le document.")
    assert [para.text[s.start:s.end] for s in para.spans if s.style == "code"] == ["cout_total = km * 1.2"]


def test_nested_lists_quotes_and_headerless_table(extracted):
    fr = parse_passages(extracted["news_fr"].markdown).passages
    items = [(p.level, p.text) for p in fr if p.kind == "item"]
    assert items[1:4] == [(1, "Moderniser la signalisation sur l’axe principal :"),
                          (2, "entre la préfecture et le port ;"), (2, "entre le port et la frontière.")]
    assert [p.text for p in fr if p.kind == "quote"][1] == "Les habitants attendent ces lignes depuis trop longtemps."
    rows = [p for p in fr if p.kind == "row"]
    assert [r.text for r in rows][0] == "Ligne │ Longueur │ Réouverture" and len(rows) == 3
    de = parse_passages(extracted["blog_de"].markdown).passages
    last = de[-1]
    assert last.kind == "paragraph" and last.text.startswith("1. Fazit:")  # not an ordered list


def test_title_heading_left_to_the_front_matter():
    ex = extract_article(page("news_fr"), url("news_fr"))
    assert ex.title == "Le conseil régional adopte son plan pour le rail"
    assert kinds(ex.markdown)[0] == "paragraph"
    kept = extract_article(page("news_fr"), url("news_fr"), keep_title_heading=True)
    first = parse_passages(kept.markdown).passages[0]
    assert (first.kind, first.text) == ("heading", ex.title)


def test_page_without_article_or_not_html():
    assert extract_article(b"", "https://x.example/").markdown == ""
    ex = extract_article(b"<html><head><title>x</title></head><body><script>x()</script></body></html>",
                         "https://x.example/")
    assert ex.markdown == "" and ex.text_length == 0
    assert extract_article(b"\x00\xff\xfe binary junk \x1b[2J", None).markdown == ""


def test_extraction_problems_are_not_printed(capfd):
    """trafilatura logs parse failures at ERROR: without a handler Python would print them on stderr."""
    extract_article(b"", "https://x.example/")
    assert capfd.readouterr().err == ""


def test_bytes_decoded_with_the_http_charset():
    html = page("news_fr").decode("utf-8").replace('<meta charset="utf-8">', "").encode("cp1252", "replace")
    ex = extract_article(html, url("news_fr"), encoding="cp1252")
    assert "rénovation des petites lignes" in ex.markdown


# --- the writer on hostile text ------------------------------------------------------------------

METACHARS = "*_`[]()<>!#+-=|~\\&;:.1) \n\t\x1b\x07\x9b"
hostile_text = st.text(alphabet=st.sampled_from(list(METACHARS) + list("ab é")), max_size=40)


def _collapsed(text: str) -> str:
    return " ".join(markdown_escape.clean_text(text).split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text, st.sampled_from(["p", "head", "item", "quote", "cell"]))
def test_any_text_reads_back_as_itself_in_its_block(text, where):
    main = ET.Element("main")
    if where == "p":
        ET.SubElement(main, "p").text = text
        kind = "paragraph"
    elif where == "head":
        ET.SubElement(main, "head", rend="h2").text = text
        kind = "heading"
    elif where == "item":
        ET.SubElement(ET.SubElement(main, "list", rend="ol"), "item").text = text
        kind = "item"
    elif where == "quote":
        ET.SubElement(ET.SubElement(main, "quote"), "p").text = text
        kind = "quote"
    else:
        row = ET.SubElement(ET.SubElement(main, "table"), "row")
        ET.SubElement(row, "cell").text = text
        kind = "row"
    md, _ = xml_to_markdown(main)
    passages = parse_passages(md).passages
    if not _collapsed(text):
        assert passages == ()
        return
    assert [(p.kind, _collapsed(p.text)) for p in passages] == [(kind, _collapsed(text))], md


inline_tree = st.recursive(
    hostile_text,
    lambda children: st.tuples(st.sampled_from(["#b", "#i", "#t", "del", "ref", "lb"]), st.lists(children, max_size=3)),
    max_leaves=8)


def _build(parent, node):
    if isinstance(node, str):
        convert._append_text(parent, node)
        return
    kind, children = node
    if kind == "del":
        el = ET.SubElement(parent, "del")
    elif kind == "ref":
        el = ET.SubElement(parent, "ref", target="/a path(1)")
    elif kind == "lb":
        ET.SubElement(parent, "lb")
        return
    else:
        el = ET.SubElement(parent, "hi", rend=kind)
    for child in children:
        _build(el, child)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(inline_tree, min_size=1, max_size=4), st.sampled_from(["paragraph", "item", "quote"]))
def test_inline_markup_never_adds_or_drops_text(nodes, kind):
    """Emphasis, code, links and breaks nested any way around hostile text, in a paragraph, a list
    item or a quote: it reads back with the page's words, whatever markup the writer could keep."""
    main = ET.Element("main")
    if kind == "item":
        p = ET.SubElement(ET.SubElement(main, "list", rend="ul"), "item")
    elif kind == "quote":
        p = ET.SubElement(ET.SubElement(main, "quote"), "p")
    else:
        p = ET.SubElement(main, "p")
    for node in nodes:
        _build(p, node)
    md, _ = xml_to_markdown(main, "https://site.example/dir/")
    expected = " ".join(" ".join(_texts(p)).split())
    got = " ".join(" ".join(p.text for p in parse_passages(md).passages).split())
    assert got.replace(" ", "") == expected.replace(" ", ""), md
    for passage in parse_passages(md).passages:
        assert passage.kind == kind
        for span in passage.spans:
            assert span.href in (None, "https://site.example/a%20path%281%29")


def _texts(el):
    """The text of an inline tree, each text node cleaned of controls as the writer does."""
    if el.text:
        yield markdown_escape.clean_text(el.text)
    for child in el:
        if child.tag == "lb":
            yield " "
        yield from _texts(child)
        if child.tail:
            yield markdown_escape.clean_text(child.tail)


def test_emphasis_that_would_not_parse_is_dropped_not_shown():
    md = html_fragment_to_markdown('<p>a <b>"quoted"</b>x and <em> spaced </em>word</p>')
    (p,) = parse_passages(md).passages
    assert p.text == 'a "quoted"x and spaced word'


def test_inline_quotation_stays_in_its_paragraph():
    sentence = ("The council met again on Tuesday evening and the mayor said <q>no way</q> loudly to everyone in "
                "the room, before leaving the old town hall by the back door.")
    page_md = extract_article(f"<html><body><article><p>{sentence}</p></article></body></html>").markdown
    fragment_md = html_fragment_to_markdown(f"<p>{sentence}</p>")
    for md in (page_md, fragment_md):
        (p,) = parse_passages(md).passages
        assert p.kind == "paragraph" and "the mayor said “no way” loudly" in p.text


# --- entry HTML ----------------------------------------------------------------------------------

def test_fragment_structure_links_and_dropped_elements():
    html = """<p>Intro with <a href="/rel">a link</a>, <a href="javascript:x()">js</a>, <a href="mailto:a@b.example">mail</a>
    and <a href="ftp://f.example/x">ftp</a>.<br>Second line</p>
    <script>alert('no')</script><style>p { color: red }</style><iframe src="https://ads.example">frame</iframe>
    <form><input name="q"><button>Search</button>form text</form>
    <h3>Sub</h3><ul><li>one</li><li>two <strong>bold</strong></li></ul><blockquote>Said.</blockquote>
    <pre>a  =  1
b = 2</pre><table><tr><th>k</th><th>v</th></tr><tr><td>x</td><td>1</td></tr></table>
    <p><img src="/i.png" alt="A [cat]"> <img src="data:image/png;base64,xx"></p>"""
    md = html_fragment_to_markdown(html, "https://blog.example/posts/1")
    passages = parse_passages(md).passages
    assert [p.kind for p in passages] == ["paragraph", "heading", "item", "item", "quote", "code", "row", "row",
                                          "paragraph"]
    first = passages[0]
    assert first.text == "Intro with a link, js, mail and ftp.\nSecond line"
    assert [s.href for s in first.spans] == ["https://blog.example/rel", "mailto:a@b.example"]
    for dropped in ("alert", "color", "frame", "form text", "Search"):
        assert dropped not in md
    assert passages[5].text == "a  =  1\nb = 2"
    assert passages[-1].text == "[image: A (cat)] [image]"


def test_fragment_plain_text_and_empty():
    assert html_fragment_to_markdown(None) == html_fragment_to_markdown("") == html_fragment_to_markdown("<p> </p>") == ""
    md = html_fragment_to_markdown("# just *text* with [a](b) & &amp;amp;")
    assert [p.text for p in parse_passages(md).passages] == ["# just *text* with [a](b) & &amp;"]


def test_fragment_controls_removed():
    md = html_fragment_to_markdown("<p>\x1b[31mred\x1b[0m, \x1b]0;title\x07bell\x07 and \x9b2Jc1 \x00nul</p>")
    # made visible and inert (reader.passages.make_safe), never interpreted
    assert parse_passages(md).passages[0].text == "␛[31mred␛[0m, ␛]0;title␇bell␇ and \ufffd2Jc1 ␀nul"


@pytest.mark.parametrize("tag", ["blockquote", "div", "ul><li", "b", "table><tr><td"])
@pytest.mark.parametrize("depth", [30, 600, 5000])
def test_deep_nesting_keeps_the_text(tag, depth):
    close = tag.split(">")[0]
    html = f"<{tag}>" * depth + "deep text" + f"</{close}>" * depth
    md = html_fragment_to_markdown(html)
    assert parse_passages(md).plain_text.split()[-2:] == ["deep", "text"]


# --- teasers -------------------------------------------------------------------------------------

LONG = " ".join(["The council met for hours and argued about everything in the budget."] * 10)


@pytest.mark.parametrize("entry", [
    "", "<p></p>", "The council voted the budget on Tuesday.",
    LONG + " …", LONG + " [...]", LONG + " [&#8230;]", f"<p>{LONG}</p><p><a href='/x'>Read more</a></p>",
    LONG + " Continue reading →", LONG + " Lire la suite", LONG + " Weiterlesen »", LONG + " Leer más",
])
def test_teasers(entry):
    assert is_teaser(entry)


@pytest.mark.parametrize("entry", [LONG, f"<p>{LONG}</p><p>There is more.</p>", LONG + " That is all."])
def test_whole_entries(entry):
    assert not is_teaser(entry)


def test_teaser_against_the_page_text():
    page_text = LONG * 3
    assert teaser_reason(LONG, page_text) == "120 words, the page has 360"
    assert not is_teaser(LONG, LONG + " And one more sentence.")
    short = "Brief: the bridge is closed today."
    assert is_teaser(short) and not is_teaser(short, short)  # a short news brief, whole on its page


# --- language ------------------------------------------------------------------------------------

SAMPLES = {
    "en": ("City council votes the budget", "The city council voted on Tuesday evening for the new budget, "
           "after a debate that lasted more than six hours."),
    "fr": ("Le conseil régional adopte son plan", "Le conseil régional a adopté jeudi un plan de rénovation "
           "des petites lignes ferroviaires, après plusieurs mois de négociations."),
    "de": ("Warum unser Server abstürzte", "Seit dem letzten Update stürzte unser Server dreimal am Tag ab, "
           "und niemand im Team konnte sich erklären, woran das lag."),
    "es": ("La sequía obliga a restringir el riego", "La confederación hidrográfica anunció el martes nuevas "
           "restricciones al riego en todo el valle, después de un invierno sin lluvias."),
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_detects_language(lang):
    got = detect_language(*SAMPLES[lang])
    assert got.lang == lang and got.source == "detected" and got.confidence >= 0.9
    assert detect_language(*SAMPLES[lang], declared=lang.upper() + "-XX") == (lang, got.confidence,
                                                                              "declared+detected")


def test_wrong_declared_language_is_overridden_and_recorded():
    lang, conf, source = detect_language(*SAMPLES["fr"], declared="en-US")
    assert lang == "fr" and conf >= 0.9
    assert source == f"declared en, detected fr ({conf:.2f})"


@pytest.mark.parametrize("title, para", [("Budget", None), ("OK", "Merci !"), ("", ""), ("2026", "12 345 — 67")])
def test_too_short_or_unsure_keeps_the_declared_language(title, para):
    got = detect_language(title, para, declared="de")
    assert got.lang == "de" and got.source == "declared"
    nothing = detect_language(title, para)
    assert nothing.lang is None and nothing.source == "unknown"


def test_a_pages_wrong_declared_language_is_caught(extracted):
    fr = extracted["news_fr"]  # <html lang="en"> on a French article
    assert fr.language == "en"
    lang, conf, source = detect_language(fr.title, first_paragraph(fr.markdown), declared=fr.language)
    assert (lang, source) == ("fr", f"declared en, detected fr ({conf:.2f})")
    de = extracted["blog_de"]
    assert detect_language(de.title, first_paragraph(de.markdown), de.language).source == "declared+detected"


def test_first_paragraph_skips_headings_and_images():
    assert first_paragraph("# T\n\n![x](y)\n\nText *here*.\n") == "Text here."
    assert first_paragraph("> quoted\n") == "quoted"
    assert first_paragraph("# only a heading\n") is None


def test_language_codes_normalised():
    assert [normalise_code(c) for c in ("en-US", "fr_FR", " DE ", "", None, "english!", "x")] == [
        "en", "fr", "de", None, None, None, None]


# --- import cost ---------------------------------------------------------------------------------

def test_importing_the_modules_loads_no_extractor():
    code = ("import sys, reader.feeds.fulltext, reader.feeds.extract, reader.feeds.convert, reader.feeds.langdetect; "
            "print(sorted(m for m in ('trafilatura', 'py3langid', 'lxml', 'numpy', 'textual', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
