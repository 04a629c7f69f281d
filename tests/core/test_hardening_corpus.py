"""Issue 10, corpus side: one bad file (a bad date, a hostile name, a FIFO, an unreadable folder)
never takes down the scan, the CLI or the UI; sub-folders and .markdown files are articles too."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import ROOT, wait_until, write_article
from reader.corpus import catalogue as corpus_catalogue
from reader.corpus import scan as corpus_scan
from reader.corpus import (ArticleFileError, Catalogue, CorpusFolderError, LoadError, list_articles, load_folder,
                           read_article_file)

# a name that, printed raw, sets the clipboard (OSC 52), the window title (OSC 0) and colours (SGR)
HOSTILE = "a\x1b]52;c;cHduZWQ=\x07b\x1b]0;PWNED\x07c\x1b[31mred\x1b[0m\x9b1m\nreader: fake.md"
ESCAPES = ("\x1b", "\x07", "\x9b")


def _run_cli(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`reader --articles folder list` in a new process (the timeout only stops a hang)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "reader", "--articles", str(folder), "list", *args],
                          capture_output=True, env=env, timeout=timeout)


def _both(folder: Path):
    """The same folder read without and with the catalogue (fresh, then from its cache)."""
    cat = Catalogue(folder)
    return load_folder(folder), cat.refresh(), cat.cached()


# 1. impossible dates in any key ---------------------------------------------------------------------

@pytest.mark.parametrize("line", ["updated: 2023-02-29", "x: 2024-01-01 25:00:00", "x: !!timestamp 2024-02-30",
                                  "created: 2023-13-01T10:00:00Z"])
def test_an_impossible_date_in_another_key_does_not_stop_the_file_or_the_scan(tmp_path, line):
    write_article(tmp_path, "good.md", "good", "Good", "x")
    (tmp_path / "odd.md").write_text(f"---\nid: odd\ntitle: Odd\n{line}\npublished: 2023-04-19\n---\nbody\n")
    for result in _both(tmp_path):
        assert sorted(m.id for m in result.articles) == ["good", "odd"]
        assert result.errors == [] and result.warnings == []
    odd = next(m for m in load_folder(tmp_path).articles if m.id == "odd")
    assert odd.published == dt.date(2023, 4, 19)


def test_an_impossible_published_date_is_named_and_the_article_listed_undated(tmp_path):
    write_article(tmp_path, "good.md", "good", "Good", "x", published="2023-01-01")
    write_article(tmp_path, "feb.md", "feb", "Feb", "x", published="2024-02-30")
    for result in _both(tmp_path):
        assert [m.id for m in result.articles] == ["good", "feb"]
        assert result.errors == []
        assert [(w.name, "not a real date" in w.message) for w in result.warnings] == [("feb.md", True)]
    assert load_folder(tmp_path).articles[1].published is None


def test_cli_lists_the_rest_and_names_the_file_with_an_impossible_date(tmp_path):
    write_article(tmp_path, "good.md", "good", "Good", "x")
    write_article(tmp_path, "feb.md", "feb", "Feb", "x", published="2024-02-30", updated="2023-02-29")
    proc = _run_cli(tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "feb.md" in err and "2024-02-30" in err
    assert sorted(line.split("\t")[0] for line in proc.stdout.decode().splitlines()) == ["feb", "good"]


@pytest.mark.parametrize("value,expected", [
    ("2023-04-19", dt.date(2023, 4, 19)), ("2023-4-9", dt.date(2023, 4, 9)),
    ("2023-04-19T10:30:00Z", dt.date(2023, 4, 19)), ("2023-04-19 10:30:00 +02:00", dt.date(2023, 4, 19)),
    ('"2023-04-19"', dt.date(2023, 4, 19)), ("20230419", dt.date(2023, 4, 19)), ("", None)])
def test_published_is_still_read_as_a_date(tmp_path, value, expected):
    (tmp_path / "a.md").write_text(f"---\nid: a\ntitle: A\npublished: {value}\n---\nbody\n")
    result = load_folder(tmp_path)
    assert [m.published for m in result.articles] == [expected] and result.warnings == []


def test_date_key_is_the_fallback_for_published(tmp_path):
    (tmp_path / "a.md").write_text("---\nid: a\ntitle: A\ndate: 2022-12-31\n---\nbody\n")
    assert load_folder(tmp_path).articles[0].published == dt.date(2022, 12, 31)


def test_a_yaml_constructor_failing_is_an_error_for_that_file_only(tmp_path):
    write_article(tmp_path, "good.md", "good", "Good", "x")
    (tmp_path / "f.md").write_text("---\nid: f\ntitle: F\nx: !!float abc\n---\nbody\n")
    for result in _both(tmp_path)[:2]:
        assert [m.id for m in result.articles] == ["good"]
        assert [e.name for e in result.errors] == ["f.md"] and "front matter" in result.errors[0].message


def test_nested_yaml_aliases_as_a_title_are_refused_not_expanded(tmp_path):
    lines = ["---", "id: bomb", 'a0: &a0 ["xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx","xxxxxxxxxx"]']
    lines += [f"a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]" for i in range(1, 8)]
    (tmp_path / "bomb.md").write_text("\n".join(lines + ["title: *a7", "---", "body"]))
    result = load_folder(tmp_path)
    assert result.articles == [] and "single value" in result.errors[0].message


# 2. an unparsable published ---------------------------------------------------------------------------

def test_an_unparsable_published_lists_the_article_undated_with_a_warning(tmp_path):
    write_article(tmp_path, "fr.md", "fr", "Français", "x", published="mardi 3 octobre 2023")
    for result in _both(tmp_path):
        assert [(m.id, m.published) for m in result.articles] == [("fr", None)]
        assert result.errors == []
        assert [w.name for w in result.warnings] == ["fr.md"]
        assert "'published' is not a date" in result.warnings[0].message and "mardi" in result.warnings[0].message
    again = Catalogue(tmp_path).refresh()  # an unchanged file, from its catalogue row: still warned about
    assert [str(w) for w in again.warnings] == [str(w) for w in load_folder(tmp_path).warnings]


def test_the_cli_prints_the_warning_and_lists_the_article(tmp_path):
    write_article(tmp_path, "fr.md", "fr", "Français", "x", published="mardi 3 octobre 2023")
    proc = _run_cli(tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.decode().startswith("fr\t-\t")
    assert "warning: fr.md: 'published' is not a date" in proc.stderr.decode()


def test_a_catalogue_from_before_reads_its_bad_files_again(tmp_path):
    """A version-3 catalogue holds an error row for a file whose date is now only a warning: the
    upgrade makes the next scan read it again, though its size and time are unchanged."""
    write_article(tmp_path, "fr.md", "fr", "Français", "x", published="mardi 3 octobre 2023")
    cat = Catalogue(tmp_path)
    cat.db_path.parent.mkdir(parents=True, exist_ok=True)
    st = (tmp_path / "fr.md").stat()
    with sqlite3.connect(cat.db_path) as conn:
        conn.executescript(
            "CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, id TEXT, title TEXT, "
            "hash TEXT, language TEXT, published TEXT, published_inferred TEXT, source TEXT, url TEXT, "
            "words INTEGER, error TEXT, sort_title TEXT, pv INTEGER);"
            "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT); INSERT INTO info VALUES ('version', '3');")
        conn.execute("INSERT INTO files VALUES ('fr.md', ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                     "NULL, 'not a date', NULL, 2)", (st.st_size, st.st_mtime_ns))
    result = cat.refresh()
    assert [m.id for m in result.articles] == ["fr"] and result.errors == [] and len(result.warnings) == 1


# 3. names and messages reach the terminal inert --------------------------------------------------------

def test_load_errors_are_inert_text(tmp_path):
    (tmp_path / (HOSTILE + ".md")).write_bytes(b"")
    write_article(tmp_path, "good.md", "good", "Good", "x")
    err = load_folder(tmp_path).errors[0]
    assert err.path.name == HOSTILE + ".md"  # the path itself is kept, to open the file
    shown = str(err)
    assert not any(c in shown for c in ESCAPES) and "\n" not in shown
    assert "␛]52;c;" in shown and "␇" in shown and "empty file" in shown
    # what is stored is shown the same way
    assert str(LoadError(Path("x"), "bad\x1b[2J\nnext", name="d/\x1b]0;t\x07.md")) == "d/␛]0;t␇.md: bad␛[2J␤next"


def test_cli_stderr_has_no_escape_sequence_from_a_file_name(tmp_path):
    (tmp_path / (HOSTILE + ".md")).write_bytes(b"\x00binary")
    (tmp_path / ("w" + HOSTILE + ".md")).write_text("---\nid: w\ntitle: W\npublished: \x1b]0;x\x07\n---\nx\n")
    (tmp_path / (HOSTILE + ".txt")).write_text("not an article")
    proc = _run_cli(tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 0
    assert not any(c in err for c in ESCAPES)
    assert err.count("␛]52;c;") == 3  # the error, the warning and the skipped file's name
    assert len(err.splitlines()) == 3  # the name's newline printed no line of its own
    assert "reader: fake.md" not in err.replace("␤reader: fake.md", "")


async def test_the_could_not_be_read_notice_is_inert(tmp_path, make_app):

    (tmp_path / (HOSTILE + ".md")).write_bytes(b"")
    write_article(tmp_path, "good.md", "good", "Good", "x")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        assert await wait_until(pilot, lambda: any("could not be read" in (n.title or "")
                                                   for n in app._notifications))
        notice = next(n for n in app._notifications if "could not be read" in (n.title or ""))
        assert "␛]52;c;" in notice.message and "empty file" in notice.message
        assert not any(c in notice.message for c in ESCAPES)


async def test_the_cannot_open_notice_is_inert(tmp_path, make_app):
    from reader.corpus import ArticleMeta

    write_article(tmp_path, "good.md", "good", "Good", "x")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        await pilot.app.workers.wait_for_complete()
        app.main.open_meta(ArticleMeta("gone", "Gone", tmp_path / (HOSTILE + ".md"), "h"))
        assert await wait_until(pilot, lambda: any("Cannot open" in (n.title or "") for n in app._notifications))
        notice = next(n for n in app._notifications if "Cannot open" in (n.title or ""))
        assert "␛]0;PWNED␇" in notice.message and not any(c in notice.message for c in ESCAPES)


async def test_notices_that_carry_a_path_never_read_it_as_markup(tmp_path, make_app):
    """A file or folder name like '[b]x[/b]' or '[link=…]' is text in every notice (Textual reads
    markup in notify() unless told not to)."""
    from reader.ui.messages import ScanFailed

    write_article(tmp_path, "good.md", "good", "Good", "x")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.main.post_message(ScanFailed("cannot read [b]x[/b] [link=javascript:alert(1)]y[/link]"))
        assert await wait_until(pilot, lambda: any("Cannot read" in (n.title or "") for n in app._notifications))
        notice = next(n for n in app._notifications if "Cannot read" in (n.title or ""))
        assert not notice.markup and "[link=javascript:alert(1)]" in notice.message


# 4. FIFOs and other non-regular files -------------------------------------------------------------------

@contextmanager
def fifo(path: Path):
    """A FIFO at ``path``, with a writer that unblocks every reader that opens it blocking (the old
    code did), so a regression fails its assertions instead of hanging the test run."""
    os.mkfifo(path)
    done = threading.Event()

    def write():
        while not done.is_set():
            with open(path, "wb"):  # blocks until someone opens the FIFO for reading
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        done.set()
        while writer.is_alive():  # release its pending open ourselves, never blocking
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
            writer.join(0.05)


def test_a_fifo_named_md_is_an_error_not_a_hang(tmp_path):
    write_article(tmp_path, "good.md", "good", "Good", "x")
    with fifo(tmp_path / "pipe.md"):
        for result in _both(tmp_path)[:2]:
            assert [m.id for m in result.articles] == ["good"]
            assert [e.name for e in result.errors] == ["pipe.md"] and "FIFO" in result.errors[0].message
        assert Catalogue(tmp_path).unchanged()


def test_reading_a_fifo_as_an_article_refuses_it_without_blocking(tmp_path):
    with fifo(tmp_path / "pipe.md") as path:
        with pytest.raises(ArticleFileError, match="FIFO"):
            read_article_file(path)


def test_reader_list_does_not_hang_on_a_fifo(tmp_path):
    write_article(tmp_path, "good.md", "good", "Good", "x")
    os.mkfifo(tmp_path / "pipe.md")
    proc = _run_cli(tmp_path, timeout=60)  # the old code never returned
    assert proc.returncode == 0 and proc.stdout.decode().startswith("good\t")
    assert "pipe.md" in proc.stderr.decode() and "FIFO" in proc.stderr.decode()


async def test_the_ui_reports_a_fifo_and_still_quits(tmp_path, make_app):

    write_article(tmp_path, "good.md", "good", "Good", "x")
    with fifo(tmp_path / "pipe.md"):
        app = make_app(tmp_path, ingest=False)
        async with app.run_test() as pilot:
            assert await wait_until(pilot, lambda: bool(app.main.errors))
            assert [e.name for e in app.main.errors] == ["pipe.md"] and "FIFO" in app.main.errors[0].message
            await pilot.press("q")
            assert await wait_until(pilot, lambda: app._exit_renderables is not None or not app.is_running)


# 5. sub-folders and .markdown -------------------------------------------------------------------------------

def _tree(root: Path) -> None:
    write_article(root, "top.md", "top", "Top", "x", published="2023-01-03")
    write_article(root, "other.markdown", "mark", "Markdown", "x", published="2023-01-02")
    (root / "feeds" / "le-monde").mkdir(parents=True)
    write_article(root / "feeds" / "le-monde", "a.md", "lm-a", "LM A", "x", published="2023-01-01")
    write_article(root, "zz.md", "lm-a", "Same id as feeds/le-monde/a.md", "x")
    (root / ".git").mkdir()
    write_article(root / ".git", "hidden.md", "hidden", "Hidden", "x")
    (root / "notes.txt").write_text("a note")
    (root / "feeds" / "state.json").write_text("{}")
    (root / ".DS_Store").write_bytes(b"\x00")


def test_sub_folders_and_markdown_files_are_articles_and_other_files_counted(tmp_path):
    _tree(tmp_path)
    for result in _both(tmp_path):
        assert [m.id for m in result.articles] == ["top", "mark", "lm-a"]
        assert [str(e) for e in result.errors] == [
            "zz.md: duplicate id 'lm-a' (already used by feeds/le-monde/a.md); skipped"]
    fresh = load_folder(tmp_path)
    assert fresh.skipped == ["feeds/state.json", "notes.txt"]
    assert fresh.articles[2].path == tmp_path / "feeds" / "le-monde" / "a.md"
    cached = Catalogue(tmp_path).cached()
    assert [m.to_json() for m in cached.articles] == [m.to_json() for m in fresh.articles]


def test_duplicate_ids_across_sub_folders_keep_the_first_by_relative_name(tmp_path):
    (tmp_path / "b").mkdir()
    write_article(tmp_path / "b", "a.md", "same", "In b/", "x")
    write_article(tmp_path, "b.md", "same", "Top b.md", "x")  # "b.md" < "b/a.md"
    for result in _both(tmp_path):
        assert [m.title for m in result.articles] == ["Top b.md"]
        assert [str(e) for e in result.errors] == ["b/a.md: duplicate id 'same' (already used by b.md); skipped"]


def test_the_cli_says_what_was_skipped_once(tmp_path):
    _tree(tmp_path)
    for i in range(10):
        (tmp_path / f"img{i}.png").write_bytes(b"png")
    proc = _run_cli(tmp_path)
    lines = [ln for ln in proc.stderr.decode().splitlines() if "skipped (articles are" in ln]
    assert len(lines) == 1 and lines[0].startswith("reader: 12 other file(s) skipped") and "…" in lines[0]


def test_change_detection_sees_sub_folders(tmp_path):
    _tree(tmp_path)
    cat = Catalogue(tmp_path)
    cat.refresh()
    assert cat.unchanged()
    sub = tmp_path / "feeds" / "le-monde"
    write_article(sub, "b.md", "lm-b", "LM B", "x")
    assert not cat.unchanged()
    assert cat.refresh().changed == {"lm-b"} and cat.unchanged()
    path = sub / "a.md"
    st = path.stat()
    path.write_text(path.read_text() + "more")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not cat.unchanged()
    assert cat.refresh().changed == {"lm-a"}
    (tmp_path / "feeds" / "new").mkdir()
    write_article(tmp_path / "feeds" / "new", "n.markdown", "n", "N", "x")
    assert not cat.unchanged()
    cat.refresh()
    for p in sub.iterdir():
        p.unlink()
    sub.rmdir()
    assert not cat.unchanged()
    last = cat.refresh()  # lm-b is gone; lm-a is now zz.md's (the duplicate it had), a new text
    assert last.removed == {"lm-b"} and last.changed == {"lm-a"}


def test_a_symlinked_folder_is_read_once_and_a_loop_ends(tmp_path):
    (tmp_path / "real").mkdir()
    write_article(tmp_path / "real", "a.md", "a", "A", "x")
    (tmp_path / "real" / "up").symlink_to(tmp_path)  # a loop back to the articles folder
    (tmp_path / "again").symlink_to(tmp_path / "real")
    (tmp_path / "broken.md").symlink_to(tmp_path / "nowhere.md")
    result = load_folder(tmp_path)
    assert [m.id for m in result.articles] == ["a"]
    assert [(e.name, e.message) for e in result.errors] == [("broken.md", "broken symbolic link; skipped")]


def test_a_folder_named_md_is_a_folder(tmp_path):
    (tmp_path / "x.md").mkdir()
    write_article(tmp_path / "x.md", "in.md", "in", "In", "x")
    result = load_folder(tmp_path)
    assert [m.id for m in result.articles] == ["in"] and result.errors == []


# 6. folders that cannot be read ----------------------------------------------------------------------------

def _deny(monkeypatch, denied: Path):
    """os.scandir raising PermissionError for one folder (tests run as root: chmod would not do)."""
    real = os.scandir

    def scandir(path="."):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(corpus_scan.os, "scandir", scandir)


def test_an_unreadable_sub_folder_is_skipped_with_its_reason(tmp_path, monkeypatch):
    _tree(tmp_path)
    _deny(monkeypatch, tmp_path / "feeds" / "le-monde")
    for result in _both(tmp_path)[:2]:
        assert [m.path.name for m in result.articles] == ["top.md", "other.markdown", "zz.md"]
        assert [str(e) for e in result.errors] == [
            "feeds/le-monde/: cannot read this folder (Permission denied); its articles are skipped"]


def test_an_unreadable_articles_folder_is_a_clean_error(tmp_path, monkeypatch):
    write_article(tmp_path, "a.md", "a", "A", "x")
    cat = Catalogue(tmp_path)
    _deny(monkeypatch, cat.folder)
    for call in (lambda: load_folder(cat.folder), cat.refresh, lambda: list_articles(cat.folder)):
        with pytest.raises(CorpusFolderError, match="cannot read the articles folder .*: Permission denied"):
            call()
    assert not cat.unchanged()


def test_reader_list_on_an_unreadable_folder_prints_one_line(tmp_path, monkeypatch, capsys):
    from reader import cli

    write_article(tmp_path, "a.md", "a", "A", "x")
    _deny(monkeypatch, tmp_path.resolve())
    assert cli.main(["--articles", str(tmp_path), "list"]) == 1  # a fault (1), not bad usage (2)
    err = capsys.readouterr().err
    assert err.startswith("reader: cannot read the articles folder") and err.count("\n") == 1


async def test_the_ui_says_the_folder_cannot_be_read(tmp_path, monkeypatch, make_app):

    write_article(tmp_path, "a.md", "a", "A", "x")
    _deny(monkeypatch, tmp_path.resolve())
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        assert await wait_until(pilot, lambda: any("Cannot read the articles" in (n.title or "")
                                                   for n in app._notifications))
        notice = next(n for n in app._notifications if "Cannot read the articles" in (n.title or ""))
        assert "Permission denied" in notice.message


# scanning never keeps the app from quitting ------------------------------------------------------------------

def _count_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    real = corpus_catalogue._read_entry

    def counting(path, name):
        read.append(name)
        return real(path, name)

    monkeypatch.setattr(corpus_catalogue, "_read_entry", counting)
    return read


def test_a_stopped_refresh_keeps_what_it_read_and_the_next_one_goes_on(tmp_path, monkeypatch):
    from reader.corpus import ScanCancelled

    for i in range(120):
        write_article(tmp_path, f"a{i:03}.md", f"a{i}", f"A {i}", "x")
    read = _count_reads(monkeypatch)
    cat = Catalogue(tmp_path)
    with pytest.raises(ScanCancelled):
        cat.refresh(should_stop=lambda: len(read) >= 10)
    assert len(read) == Catalogue.STOP_EVERY  # it stopped at the first check
    read.clear()
    result = cat.refresh()
    assert len(result.articles) == 120 and len(read) == 120 - Catalogue.STOP_EVERY


async def test_quitting_stops_a_running_scan(tmp_path, monkeypatch, make_app):
    """Workers are cancelled when the app exits, but asyncio.run then waits for their threads: the
    scan must stop reading once its worker is cancelled."""

    for i in range(300):
        write_article(tmp_path, f"a{i:03}.md", f"a{i}", f"A {i}", "x")
    reached, go, ended = threading.Event(), threading.Event(), threading.Event()
    read = []
    real_read, real_refresh = corpus_catalogue._read_entry, Catalogue.refresh

    def slow_read(path, name):
        read.append(name)
        if len(read) == 20:
            reached.set()
            go.wait(10)
        return real_read(path, name)

    def refresh(self, *args, **kwargs):
        try:
            return real_refresh(self, *args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(corpus_catalogue, "_read_entry", slow_read)
    monkeypatch.setattr(Catalogue, "refresh", refresh)
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:
        assert await wait_until(pilot, reached.is_set)
        app.workers.cancel_group(app.main, "scan")  # what the app's exit does
        go.set()
        assert await wait_until(pilot, ended.is_set)
        assert len(read) < 300
        assert len(app.query_one("#list").articles) == 0  # a stopped scan shows nothing


def test_list_json_prints_paths_inert_and_exact(tmp_path):
    import json

    name = "c1\x9b31m\x7f.md"
    write_article(tmp_path, name, "c1", "C1", "x")
    proc = _run_cli(tmp_path, "--json")
    out = proc.stdout.decode()
    assert "\x9b" not in out and "\x7f" not in out and "\\u009b" in out
    assert Path(json.loads(out)[0]["path"]).name == name


def test_a_file_name_that_is_not_utf8_is_named_and_skipped(tmp_path):
    bad = os.fsdecode(b"b\xff.md")
    write_article(tmp_path, bad, "b", "B", "x")
    write_article(tmp_path, "good.md", "good", "Good", "x")
    os.mkdir(tmp_path / os.fsdecode(b"d\xfe"))
    (tmp_path / os.fsdecode(b"n\xfe.txt")).write_text("x")
    for result in _both(tmp_path)[:2]:  # the catalogue could not store the name: the whole scan failed
        assert [m.id for m in result.articles] == ["good"]
        assert [str(e) for e in result.errors] == ["b\\xff.md: the name is not valid UTF-8 (rename it); skipped",
                                                   "d\\xfe: the name is not valid UTF-8 (rename it); skipped"]
    proc = _run_cli(tmp_path, "--json")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr.decode()
    assert "1 other file(s) skipped (articles are .md or .markdown): n\\xfe.txt" in proc.stderr.decode()



async def test_the_ui_says_what_was_skipped(tmp_path, make_app):

    (tmp_path / "notes.txt").write_text("not an article")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:  # no article: the status says why
        assert await wait_until(pilot, lambda: app.main.status_text.startswith("No articles"))
        assert "1 other file(s) skipped (articles are .md or .markdown): notes.txt" in app.main.status_text
    (tmp_path / "bad.md").write_bytes(b"")
    write_article(tmp_path, "good.md", "good", "Good", "x")
    app = make_app(tmp_path, ingest=False)
    async with app.run_test() as pilot:  # a notice about bad files says it too
        assert await wait_until(pilot, lambda: bool(app._notifications))
        notice = next(iter(app._notifications))
        assert notice.message.splitlines() == ["bad.md: empty file", "1 other file(s) skipped (articles are .md or "
                                               ".markdown): notes.txt"]


def test_the_subscriptions_file_is_the_corpus_s_own_not_a_skipped_file(tmp_path):
    from reader.corpus import list_articles

    (tmp_path / "feeds.txt").write_text("https://example.org/feed.xml\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "feeds.txt").write_text("x", encoding="utf-8")  # only the top one is ours
    assert list_articles(tmp_path).skipped == ["notes.txt", "sub/feeds.txt"]
