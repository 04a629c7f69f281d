"""Property tests of re-anchoring (hypothesis) on the bundled articles.

The Markdown body of each bundled article is handled as a list of blocks separated by blank lines (one passage each in the
bundled article), so an edit can be kept *away* from the bookmarked block or sent *through* it.

- Edits away (insert/delete/replace text in other blocks — including short copies of the article's
  own text, to create repeats —, insert/delete whole paragraphs): the bookmark comes back to
  exactly the same passage and characters.
- Edits through the bookmarked block: either the right place (the block's passage, with the
  original quote or a close fuzzy match of it) or orphaned — never another passage.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from reader.bookmarks.anchor import QUOTE_MIN, anchor
from reader.bookmarks.store import BookmarkStore
from reader.corpus import Article, ArticleMeta, content_hash, read_article_file
from reader.passages import parse_passages

from helpers import BUNDLED


class Source:
    """A bundled article as Markdown blocks (one passage per block)."""

    def __init__(self, path: Path):
        self.meta, body = read_article_file(path)
        self.blocks = body.strip("\n").split("\n\n")
        self.article = Article(self.meta, body, parse_passages(body))
        self.plain = self.article.parsed.plain_text
        assert len(self.article.passages) == len(self.blocks), "expects one passage per block"


SOURCES = [Source(path) for path in sorted(BUNDLED.glob("2023-*.md"))]
assert len(SOURCES) == 2

LETTERS = "abcdefghijklmnopqrstuvwxyzéèàçABCDEFGHIJKLMNOPQRSTUVWXYZ"
word = st.text(alphabet=LETTERS, min_size=1, max_size=9)
words = st.lists(word, min_size=1, max_size=12).map(" ".join)
PLAIN = "\n\n".join(src.plain for src in SOURCES)
snippet = st.tuples(st.integers(0, len(PLAIN) - 1), st.integers(1, 24)).map(
    lambda t: " ".join(PLAIN[t[0]:t[0] + t[1]].split()) or "x")  # a short copy of the articles' own text
filler = st.one_of(words, snippet)


def article_of(src: Source, blocks: list[str]) -> Article:
    body = "\n\n".join(blocks) + "\n"
    meta = ArticleMeta(id=src.meta.id, title=src.meta.title, path=Path("x.md"), content_hash=content_hash(body.encode()))
    return Article(meta, body, parse_passages(body))


def passage_index(blocks: list[str], k: int) -> int | None:
    """Index of the passage of block ``k`` (None when the block yields no passage)."""
    before = len(parse_passages("\n\n".join(blocks[:k])).passages) if k else 0
    own = parse_passages(blocks[k]).passages
    return before if len(own) == 1 else None


@st.composite
def bookmark(draw):
    src = draw(st.sampled_from(SOURCES))
    k = draw(st.integers(0, len(src.blocks) - 1))
    text = src.article.passages[k].text
    if draw(st.booleans()):
        return src, k, None, None
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + draw(st.sampled_from([1, 3, 15, 60, 400])))))
    return src, k, start, end


def edit_text(text: str, data, kind: str) -> str:
    """Insert, delete or replace a piece of ``text`` (never adding newlines)."""
    at = data.draw(st.integers(0, len(text)))
    if kind == "insert":
        piece = data.draw(filler)
        return text[:at] + (" " if at else "") + piece + " " + text[at:]
    length = data.draw(st.integers(1, 40))
    rest = text[:at] + text[at + length:]
    if kind == "replace":
        piece = data.draw(filler)
        return text[:at] + piece + text[at + length:]
    return rest


def away_edit(blocks: list[str], k: int, data) -> int:
    """Apply one random edit outside block ``k``; returns the block's new index."""
    kind = data.draw(st.sampled_from(["insert", "delete", "replace", "add_paragraph", "drop_paragraph"]))
    others = [i for i in range(len(blocks)) if i != k]
    if kind == "add_paragraph":
        at = data.draw(st.integers(0, len(blocks)))
        blocks.insert(at, data.draw(words))
        return k + 1 if at <= k else k
    if not others:
        return k
    i = data.draw(st.sampled_from(others))
    if kind == "drop_paragraph":
        del blocks[i]
        return k - 1 if i < k else k
    blocks[i] = edit_text(blocks[i], data, kind)
    return k


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=bookmark(), data=st.data())
def test_edits_away_from_the_passage_keep_the_bookmark_in_place(where, data):
    src, k, start, end = where
    bm = BookmarkStore.make(src.article, k, start, end)
    blocks = list(src.blocks)
    for _ in range(data.draw(st.integers(1, 6))):
        k = away_edit(blocks, k, data)
    new = article_of(src, blocks)
    idx = passage_index(blocks, k)
    assert idx is not None and new.passages[idx].text == src.article.passages[bm.passage].text
    a = anchor(bm, new)
    assert a.status in ("exact", "moved"), (a, bm.quote)
    assert (a.passage, a.start, a.end) == (idx, bm.start, bm.end)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=bookmark(), data=st.data())
def test_edits_through_the_passage_give_the_right_place_or_an_orphan(where, data):
    src, k, start, end = where
    bm = BookmarkStore.make(src.article, k, start, end)
    blocks = list(src.blocks)
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["insert", "delete", "replace", "delete", "replace"]))
        blocks[k] = edit_text(blocks[k], data, kind)
    if data.draw(st.booleans()):  # and maybe edits elsewhere too
        k = away_edit(blocks, k, data)
    new = article_of(src, blocks)
    idx = passage_index(blocks, k)
    a = anchor(bm, new)
    if a.orphaned:
        assert (a.passage, a.start, a.end) == (None, None, None)
        return
    assert idx is not None, f"the passage is gone but the bookmark went to {a}"
    assert a.passage == idx, (a, idx, bm.quote)
    found = new.passages[a.passage].text[a.start:a.end]
    if a.status in ("exact", "moved"):
        assert found == bm.quote
    else:
        assert a.status == "fuzzy" and fuzz.ratio(found, bm.quote) >= QUOTE_MIN * 100
