"""Loader, catalogue and bundled-corpus tests."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from helpers import BUNDLED, SEEDS, write_article
from reader.corpus import Catalogue, load_article, load_folder, MAX_BYTES


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("’", "'"))


BOILERPLATE = {
    "Twitter vs Microsoft",  # image caption
    "Crédit 123RF",  # image credit
    "Laisser un commentaire",  # comment form
    "Ce site utilise Akismet pour réduire les indésirables. En savoir plus sur comment les données de vos commentaires sont utilisées.",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed folder ../shared/seeds not present")
@pytest.mark.parametrize("seed_name", ["000_7a0e95e7060c8d17.txt", "001_d6972bb8ecf5bcaf.txt"])
def test_bundled_article_keeps_every_sentence_of_the_seed(seed_name):
    seed_lines = [ln.strip() for ln in (SEEDS / seed_name).read_text(encoding="utf-8").splitlines() if ln.strip()]
    body_lines = [ln for ln in seed_lines if ln not in BOILERPLATE]
    result = load_folder(BUNDLED)
    rendered = {}
    for meta in result.articles:
        art = load_article(meta)
        rendered[meta.id] = [meta.title] + [p.text for p in art.passages]
    # find the article whose text covers this seed, then compare word for word, in order
    expected = _words(" ".join(body_lines))
    matches = [aid for aid, texts in rendered.items() if _words(" ".join(texts[1:]))[:20] == expected[:20]
               or _words(" ".join(texts))[:20] == expected[:20]]
    assert matches, f"no bundled article starts like {seed_name}"
    texts = rendered[matches[0]]
    got = _words(" ".join(texts if _words(" ".join(texts))[:20] == expected[:20] else texts[1:]))
    assert got == expected


def test_bundled_articles_metadata():
    result = load_folder(BUNDLED)
    assert result.errors == []
    assert len(result.articles) == 2
    for meta in result.articles:
        assert meta.language == "fr"
        assert meta.title
        assert meta.published == dt.date(2023, 4, 19)
        assert meta.published_inferred, "the date is inferred from the text and must say so"
        assert meta.source is None and meta.url is None  # unknown: never invented


def test_bundled_quote_and_headings():
    metas = {m.id: m for m in load_folder(BUNDLED).articles}
    art = load_article(metas["microsoft-retire-twitter-advertising"])
    quotes = [p for p in art.passages if p.kind == "quote"]
    assert len(quotes) == 1 and quotes[0].text.startswith("They trained illegally")
    other = load_article(metas["twitter-disparait-microsoft-advertising"])
    assert [p.text for p in other.passages if p.kind == "heading"] == [
        "Une décision stratégique", "Elon Musk réagit dans la foulée",
        "Les raisons de la guerre entre Microsoft et Elon Musk"]


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("latin1.md", "---\nid: a\ntitle: t\n---\ncaf\xe9".encode("latin-1"), "not valid UTF-8"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("empty.md", b"", "empty file"),
        ("blank.md", b"  \n\n", "empty file"),
        ("nofm.md", "# Just a title\n\nText.".encode(), "no front matter"),
        ("unclosed.md", b"---\nid: a\ntitle: t\n\nbody", "no closing"),
        ("badyaml.md", b"---\nid: [a\ntitle: t\n---\nbody", "not valid YAML"),
        ("list.md", b"---\n- a\n- b\n---\nbody", "key: value"),
        ("noid.md", b"---\ntitle: t\n---\nbody", "lacks 'id'"),
        ("notitle.md", b"---\nid: x\n---\nbody", "lacks 'title'"),
        ("badid.md", b"---\nid: a b/c\ntitle: t\n---\nbody", "must be letters"),
    ],
)
def test_bad_files_give_clear_errors_and_others_still_load(tmp_path, name, data, message):
    write_article(tmp_path, "good.md", "good", "Good", "Fine text.")
    (tmp_path / name).write_bytes(data)
    result = load_folder(tmp_path)
    assert [m.id for m in result.articles] == ["good"]
    assert len(result.errors) == 1
    err = result.errors[0]
    assert err.path.name == name and message in err.message, str(err)


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.md"
    with open(big, "wb") as fh:
        fh.write(b"---\nid: big\ntitle: Big\n---\n")
        fh.write(b"x" * (MAX_BYTES + 10))
    result = load_folder(tmp_path)
    assert result.articles == []
    assert "too large" in result.errors[0].message


def test_duplicate_id_keeps_first_file(tmp_path):
    write_article(tmp_path, "a.md", "same", "First", "One.")
    write_article(tmp_path, "b.md", "same", "Second", "Two.")
    result = load_folder(tmp_path)
    assert [m.title for m in result.articles] == ["First"]
    assert "duplicate id 'same'" in result.errors[0].message and "a.md" in result.errors[0].message


def test_catalogue_reads_only_changed_files(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    for i in range(5):
        write_article(folder, f"a{i}.md", f"a{i}", f"Title {i}", f"Body {i}.", published="2023-01-0%d" % (i + 1))
    cat = Catalogue(folder)
    first = cat.refresh()
    assert len(first.articles) == 5 and first.changed == {f"a{i}" for i in range(5)}
    assert [m.id for m in cat.cached().articles] == [m.id for m in first.articles]
    # unchanged files are not re-read: make one unreadable without changing its stat
    again = cat.refresh()
    assert again.changed == set() and again.removed == set()
    path = folder / "a2.md"
    st = path.stat()
    path.write_text(path.read_text().replace("Body 2", "Body two"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    (folder / "a4.md").unlink()
    third = cat.refresh()
    assert third.changed == {"a2"} and third.removed == {"a4"}
    assert len(third.articles) == 4


def test_catalogue_survives_a_corrupt_cache(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "a", "A", "Text.")
    cat = Catalogue(folder)
    cat.refresh()
    cat.db_path.write_bytes(b"this is not sqlite" * 100)
    assert [m.id for m in cat.refresh().articles] == ["a"]


def test_articles_sorted_newest_first_undated_last(tmp_path):
    write_article(tmp_path, "a.md", "old", "Old", "x", published="2020-01-01")
    write_article(tmp_path, "b.md", "new", "New", "x", published="2024-01-01")
    write_article(tmp_path, "c.md", "none", "Undated", "x")
    assert [m.id for m in load_folder(tmp_path).articles] == ["new", "old", "none"]


def test_cached_catalogue_matches_a_fresh_scan(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    write_article(folder, "a.md", "dup", "Zèbre", "x", published="2023-01-01")
    write_article(folder, "b.md", "dup", "Autre", "x")
    write_article(folder, "c.md", "c", "éclair", "x", published="2023-01-01")
    write_article(folder, "d.md", "d", "Undated", "x")
    (folder / "e.md").write_bytes(b"")
    cat = Catalogue(folder)
    fresh = cat.refresh()
    cached = cat.cached()
    assert [m.id for m in cached.articles] == [m.id for m in fresh.articles] == ["c", "dup", "d"]
    assert [m.to_json() for m in cached.articles] == [m.to_json() for m in fresh.articles]
    assert sorted(str(e) for e in cached.errors) == sorted(str(e) for e in fresh.errors)
    assert cached.articles[-1].id == "d" and cached.articles[0:2][1].title == "Zèbre"


def test_cached_order_from_sqlite_equals_the_python_order_on_many_titles(tmp_path):
    """The cached list is sorted by SQLite (sort_title column); it must equal order_key's order."""
    import random

    rnd = random.Random(3)
    letters = "aàâbcçdeéèêëfgiîïoôuùûzAÉÈZŒœæ -'"
    folder = tmp_path / "arts"
    folder.mkdir()
    for i in range(80):
        title = "".join(rnd.choice(letters) for _ in range(rnd.randint(1, 8))).strip() or "x"
        date = rnd.choice(["2023-01-01", "2023-01-02", "2022-12-31", None])
        write_article(folder, f"f{i:02}.md", f"id{rnd.randint(0, 70)}", title.replace('"', ""), "x",
                      **({"published": date} if date else {}))
    cat = Catalogue(folder)
    fresh = cat.refresh()
    cached = cat.cached()
    assert [m.id for m in cached.articles] == [m.id for m in fresh.articles]
    assert [m.path.name for m in cached.articles] == [m.path.name for m in fresh.articles]
    assert sorted(str(e) for e in cached.errors) == sorted(str(e) for e in fresh.errors)


def test_an_older_catalogue_is_upgraded_in_place_and_its_rows_read_again(tmp_path):
    """Version 1 (no sort_title, no pv): the rows are kept, so the list shows at once after an
    upgrade, and the next scan reads the files again (their passages version is unknown)."""
    import sqlite3

    from reader.corpus import content_hash

    write_article(tmp_path, "a.md", "a", "Éclair", "x")
    cat = Catalogue(tmp_path)
    cat.db_path.parent.mkdir(parents=True, exist_ok=True)
    st = (tmp_path / "a.md").stat()
    with sqlite3.connect(cat.db_path) as conn:
        conn.executescript("CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, id TEXT, "
                           "title TEXT, hash TEXT, language TEXT, published TEXT, published_inferred TEXT, "
                           "source TEXT, url TEXT, words INTEGER, error TEXT);"
                           "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT);"
                           "INSERT INTO info VALUES ('version', '1');")
        conn.execute("INSERT INTO files VALUES ('a.md', ?, ?, 'a', 'Éclair', 'oldhash', 'und', NULL, NULL, NULL, "
                     "NULL, 1, NULL)", (st.st_size, st.st_mtime_ns))
    assert [m.title for m in cat.cached().articles] == ["Éclair"]  # kept: no cold list after an upgrade
    fresh = cat.refresh()
    assert [m.id for m in fresh.articles] == ["a"] and fresh.changed == {"a"}  # read again: new hash
    assert fresh.articles[0].content_hash == content_hash((tmp_path / "a.md").read_bytes())
    assert cat.refresh().changed == set()


def test_only_articles_with_a_table_change_hash_with_the_passages_version(tmp_path):
    from reader.corpus import content_hash

    plain = write_article(tmp_path, "p.md", "p", "Sans", "Un paragraphe. | pas une table |")
    table = write_article(tmp_path, "t.md", "t", "Avec", "Intro.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    metas = {m.id: m for m in load_folder(tmp_path).articles}
    assert metas["p"].content_hash == content_hash(plain.read_bytes())
    assert metas["t"].content_hash != content_hash(table.read_bytes())
    passages = load_article(metas["t"]).passages
    assert [(p.kind, p.level, p.text) for p in passages] == [("paragraph", 0, "Intro."), ("row", 0, "A │ B"),
                                                             ("row", 1, "1 │ 2")]


def test_unchanged_detects_edits_additions_and_removals(tmp_path):
    write_article(tmp_path, "a.md", "a", "A", "x")
    cat = Catalogue(tmp_path)
    cat.refresh()
    assert cat.unchanged()
    write_article(tmp_path, "b.md", "b", "B", "y")
    assert not cat.unchanged()
    cat.refresh()
    assert cat.unchanged()
    path = tmp_path / "a.md"
    st = path.stat()
    path.write_text(path.read_text() + "more")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not cat.unchanged()
    cat.refresh()
    (tmp_path / "b.md").unlink()
    assert not cat.unchanged()


def test_lazy_metas_read_rows_by_chunks_and_survive_a_vanished_row(tmp_path):
    from reader.corpus import LazyMetas

    names = [f"a{i:04}.md" for i in range(600)]
    ids = [f"id{i}" for i in range(600)]
    calls = []

    def load(wanted):
        calls.append(None if wanted is None else len(wanted))
        wanted = names if wanted is None else wanted
        return {n: (n, "id" + str(int(n[1:5])), f"T{n}", "h", "fr", "2023-01-01", None, None, None, 3)
                for n in wanted if n != "a0300.md"}  # this one left the catalogue meanwhile

    metas = LazyMetas(tmp_path, names, ids, load)
    assert len(metas) == 600 and calls == []
    assert metas[0].title == "Ta0000.md" and metas[-1].id == "id599"
    assert calls == [256, 600 - 512]  # the first chunk, then the last (a partial one)
    assert metas[300].title == "id300" and metas[300].content_hash == ""  # a stand-in, not a crash
    assert [m.id for m in metas[1:3]] == ["id1", "id2"]
    with pytest.raises(IndexError):
        metas[600]
    calls.clear()
    assert [m.id for m in metas] == ids and calls == []  # every chunk was read already
    fresh = LazyMetas(tmp_path, names, ids, load)
    assert fresh[5].id == "id5" and calls == [256]
    assert [m.id for m in fresh] == ids and calls == [256, None]  # iterating reads the rest at once
