"""Bookmarks in and out (issue 10): import of a second note on a quote and of short foreign quotes."""

from __future__ import annotations

import dataclasses
import json
import re

from reader.bookmarks.anchor import anchor
from reader.bookmarks.export import import_json
from reader.bookmarks.store import BookmarkStore
from reader.cli import main
from reader.corpus import load_article, load_folder

from conftest import BUNDLED

ART2 = "twitter-disparait-microsoft-advertising"


def bundled(art_id: str = ART2):
    return load_article(next(m for m in load_folder(BUNDLED).articles if m.id == art_id))


# -- import ------------------------------------------------------------------------------------------


def _annotation(quote: str, note: str = "", uid: str | None = None, **selector) -> dict:
    ann = {"type": "Annotation",
           "target": {"source": f"reader:article/{ART2}",
                      "selector": [{"type": "TextQuoteSelector", "exact": quote, **selector}]}}
    if uid:
        ann["id"] = f"urn:uuid:{uid}"
    if note:
        ann["body"] = {"type": "TextualBody", "value": note}
    return ann


def test_import_keeps_a_second_note_on_the_same_quote(tmp_path):
    store = BookmarkStore()
    quote = bundled().passages[3].text[:80]
    path = tmp_path / "two.json"
    path.write_text(json.dumps([_annotation(quote, "première lecture", "11111111-1111-4111-8111-111111111111"),
                                _annotation(quote, "seconde lecture", "22222222-2222-4222-8222-222222222222")]),
                    encoding="utf-8")
    assert import_json(path, store) == (2, 0)
    assert sorted(b.note for b in store.list()) == ["première lecture", "seconde lecture"]
    assert import_json(path, store) == (0, 2)  # and still nothing twice


def _unique_words(text: str, plain: str) -> list[str]:
    return [w for w in dict.fromkeys(re.findall(r"\w{3,12}", text)) if plain.count(w) == 1]


def test_import_anchors_a_short_quote_found_once_whatever_its_length(tmp_path):
    art = bundled()
    plain = art.parsed.plain_text
    p = art.passages[3].text
    words = _unique_words(p, plain)
    assert len(words) >= 3
    phrase = p[10:40]
    assert plain.count(phrase) == 1
    path = tmp_path / "short.json"
    path.write_text(json.dumps([_annotation(q) for q in [phrase, *words[:3]]]), encoding="utf-8")
    store = BookmarkStore()
    assert import_json(path, store) == (4, 0)
    for bm in store.list():
        a = anchor(bm, art)
        assert a.status == "moved" and a.passage == 3, (bm.quote, a)
        assert art.passages[3].text[a.start:a.end] == bm.quote


def test_an_ambiguous_short_quote_needs_its_context_and_a_contradicted_one_stays_orphaned():
    art = bundled()
    plain = art.parsed.plain_text
    quote = "Microsoft Advertising"
    at = [m.start() for m in re.finditer(quote, plain)]
    assert len(at) >= 2
    bare = BookmarkStore().make(art, 0)  # only to get a Bookmark to vary
    foreign = dataclasses.replace(bare, content_hash="", passage=-1, start=0, end=len(quote), pos_start=-1,
                                  pos_end=-1, quote=quote, prefix="", suffix="")
    assert anchor(foreign, art).orphaned  # twice in the article, nothing to choose by
    second = at[1]
    with_context = dataclasses.replace(foreign, prefix=plain[second - 32:second],
                                       suffix=plain[second + len(quote):second + len(quote) + 32])
    a = anchor(with_context, art)
    assert not a.orphaned and art.passages[a.passage].offset + a.start == second
    # found once but its own context says it is somewhere else: not it
    word = _unique_words(art.passages[3].text, plain)[0]
    contradicted = dataclasses.replace(foreign, quote=word, prefix="Tout autre chose était écrit ici, ",
                                       suffix=" et rien de ce qui suit ne ressemble.")
    assert anchor(contradicted, art).orphaned
    assert not anchor(dataclasses.replace(contradicted, prefix="", suffix=""), art).orphaned


def test_cli_lists_an_imported_short_quote_as_anchored(corpus, tmp_path, capsys):
    art = load_article(next(m for m in load_folder(corpus).articles if m.id == ART2))
    quote = art.passages[3].text[10:40]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(_annotation(quote, "courte")), encoding="utf-8")
    assert main(["--articles", str(corpus), "bookmarks", "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--articles", str(corpus), "bookmarks", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["anchor"]["status"] == "moved" and row["anchor"]["text"] == quote
