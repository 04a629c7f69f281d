"""Search hardening (issue 10): empty fields at any place in the index, pathological input
bounded with a clear message, and the README's examples on the bundled articles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from whoosh.filedb.filestore import RamStorage

from conftest import write_article
from reader.cli import main
from reader.corpus import Catalogue
from reader.search.analysis import term_of
from reader.search.engine import Engine
from reader.search.index import build_schema, update_index
from reader.search.query import Searcher, parse

TW = term_of("twitter")  # body and pairs arrive pre-analysed
FIELDS = ("title", "body", "pairs", "source", "person", "org", "place", "other")


def index(folder):
    return update_index(folder, Catalogue(folder).refresh().articles)


# -- 1. empty fields: the length and date columns are shorter than the segment -------------------

def _full_doc(i: int) -> dict:
    return {
        "id": f"d{i}", "title": f"Titre numéro {i} twitter", "body": f"{TW} mot{i}", "pairs": f"{TW}_mot{i}",
        "source": "Tech Hebdo", "language": "fr", "person": "Elon Musk", "org": "Microsoft",
        "place": "Redmond", "other": "Bing", "published": dt.datetime(2023, 4, 1) + dt.timedelta(days=i),
        "passages": b"",
    }


def _empty_doc(i: int) -> dict:
    # a stop-word-only title ("À la une"), no source, no entities, no date: only the id and a body
    return {"id": f"d{i}", "title": "À la une", "body": TW, "pairs": "", "language": "fr", "passages": b""}


def _build(sizes_and_empties: list[tuple[int, set[int]]]):
    """A RAM index with one segment per (size, indexes of empty documents) entry."""
    ix = RamStorage().create_index(build_schema())
    n = 0
    for size, empty in sizes_and_empties:
        writer = ix.writer()
        for k in range(size):
            writer.add_document(**(_empty_doc(n) if k in empty else _full_doc(n)))
            n += 1
        writer.commit(merge=False)
    return ix


def _positions(size: int) -> dict[str, set[int]]:
    return {
        "none": set(),
        "start": {0},
        "middle": {size // 2},
        "end": {size - 1},
        "last-three": set(range(max(0, size - 3), size)),
        "start-and-end": {0, size - 1},
        "all": set(range(size)),
    }


SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 127, 128, 129, 300]


def _check_engine(ix):
    with ix.searcher() as s:
        engine = Engine(s)
        expected_lengths = {f: [] for f in FIELDS}
        expected_dates = []
        for leaf, _off in engine.leaves:
            for d in range(leaf.doc_count_all()):
                for f in FIELDS:
                    expected_lengths[f].append(leaf.doc_field_length(d, f) or 0)
                pub = leaf.stored_fields(d).get("published")
                expected_dates.append(pub is not None)
        for f in FIELDS:
            got = engine.lengths(f)
            assert got.shape == (engine.n_all,), f
            assert got.tolist() == expected_lengths[f], f
        dates = engine.dates()
        assert dates.shape == (engine.n_all,)
        assert ((dates > 0) == np.array(expected_dates, dtype=bool)).all()
        assert np.all(np.diff(dates[dates > 0]) > 0)  # increasing days, in document order
        total, ranked = engine.run(_parse("twitter"), 1000)
        assert total == engine.n_all  # every document has "twitter" in its body
        assert all(np.isfinite(score) for _d, score in ranked)


def _parse(text):
    q, err = parse(text)
    assert err is None
    return q


@pytest.mark.parametrize("size", SIZES)
def test_lengths_and_dates_with_empty_fields_anywhere(size):
    for where, empty in _positions(size).items():
        _check_engine(_build([(size, empty)]))


@pytest.mark.parametrize("where", ["start", "middle", "end", "last-three"])
def test_lengths_with_empty_fields_in_several_segments(where):
    # offsets of later segments must stay right when an earlier segment's columns are short
    _check_engine(_build([(16, _positions(16)[where]), (31, _positions(31)[where]), (9, set())]))


def _fifteen_and_a_brief(folder):
    for i in range(1, 16):
        write_article(folder, f"a{i:02d}.md", f"art{i:02d}", f"Article numéro {i} sur Twitter",
                      f"Twitter et Microsoft, paragraphe {i}.", published=f"2023-04-{i:02d}")
    write_article(folder, "zz.md", "brief", "À la une", "Les brèves du jour.")


def test_issue_repro_undated_stop_word_brief_last(tmp_path, capsys):
    _fifteen_and_a_brief(tmp_path)
    assert main(["--articles", str(tmp_path), "search", "twitter"]) == 0
    out = capsys.readouterr()
    assert "15 results for: twitter" in out.out
    assert "search failed" not in out.err
    for sort in ("relevance", "date"):
        s = Searcher(tmp_path)
        try:
            res = s.search("twitter OR brèves", limit=50, sort=sort)
            assert res.error is None and res.total == 16
            if sort == "date":
                assert res.hits[-1].article_id == "brief"  # undated last
            assert s.search("brèves date:2023-04").total == 0
            assert s.search("twitter date:2023-04-03").total == 1
        finally:
            s.close()
