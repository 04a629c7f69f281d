"""Matches in a text: which indexed terms a query matches, where they are in a passage (match
spans), the passage of a hit and its one-line snippet.

:func:`match_spans` finds every match of a query in any passage text by analysing that text
(for the article view's highlighting and ``n``/``N``); a hit's passage and snippet
(:func:`best_passage`, :func:`make_snippet`) cost set work on the stored per-passage term sets and
the analysis of the one chosen passage — Whoosh's highlighter is never used. At most
:data:`reader.search.parse.MAX_SPANS` matches are located in one passage (:func:`spans_note`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from whoosh import query as wq
from whoosh.query import Query
from whoosh.support.levenshtein import distance

from reader.search.analysis import DEFAULT_KEY, WORD_RE, analysis_key, term_of
from reader.search.model import passage_bounds
from reader.search.parse import MAX_SPANS, normalize, parse_key, positive_leaves

SNIPPET_CHARS = 180
ELLIPSIS = "…"


# -- matching words in a text ---------------------------------------------------------------------


class TokenTest:
    """Does an indexed term match one of the query's positive leaves? (memoised per term)"""

    def __init__(self, q: Query | None, expansions: dict[int, list[str]] | None = None) -> None:
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.fuzzy: list[tuple[str, int, int]] = []
        self.patterns: list[re.Pattern[str]] = []
        self._memo: dict[str, bool] = {}
        for leaf in positive_leaves(q) if q is not None else ():
            if expansions is not None and id(leaf) in expansions:
                self.exact.update(expansions[id(leaf)])
            elif isinstance(leaf, wq.FuzzyTerm):
                self.fuzzy.append((leaf.text, leaf.maxdist, leaf.prefixlength))
            elif isinstance(leaf, wq.Prefix):
                self.prefixes.append(leaf.text)
            elif isinstance(leaf, wq.Wildcard):
                self.patterns.append(re.compile(fnmatch.translate(leaf.text)))
            elif isinstance(leaf, wq.Phrase):
                self.exact.update(leaf.words)
            elif isinstance(leaf, wq.Term):
                self.exact.add(leaf.text)
        self.simple = not (self.prefixes or self.fuzzy or self.patterns)

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes or self.fuzzy or self.patterns)

    def __call__(self, term: str) -> bool:
        if term in self.exact:
            return True
        if self.simple:
            return False
        hit = self._memo.get(term)
        if hit is None:
            hit = (
                any(term.startswith(p) for p in self.prefixes)
                or any(p.match(term) for p in self.patterns)
                or any(term[:pl] == text[:pl] and distance(term, text, limit=d + 1) <= d for text, d, pl in self.fuzzy)
            )
            self._memo[term] = hit
        return hit


def spans_in(text: str, test: TokenTest, limit: int = MAX_SPANS, lang: str | None = None) -> list[tuple[int, int]]:
    """Spans of the first ``limit`` words of ``text`` whose term (in language ``lang``) passes
    ``test``, as the analyzer cuts tokens.

    C-level ``findall`` gives the distinct words; only the (few) matching words are then located
    with ``str.find``, checking that each occurrence is a whole token. Each word is located at most
    ``limit`` times, which is enough for the first ``limit`` matches overall: a passage of one word
    repeated 100,000 times costs a ``findall``, not 100,000 steps in Python.
    """
    key = analysis_key(lang)
    words = {w for w in set(WORD_RE.findall(text)) if (t := term_of(w, key)) is not None and test(t)}
    spans = []
    n = len(text)
    for w in words:
        start, found = 0, 0
        while found < limit and (i := text.find(w, start)) >= 0:
            j = start = i + len(w)
            if _token_edge(text, i - 1, -1) and _token_edge(text, j, 1):
                spans.append((i, j))
                found += 1
            if j >= n:
                break
    spans.sort()
    return spans[:limit]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _token_edge(text: str, k: int, step: int) -> bool:
    """Is text[k] (just outside a candidate) a token boundary for WORD_RE (``\\w+(\\.?\\w+)*``)?"""
    if k < 0 or k >= len(text):
        return True
    ch = text[k]
    if _is_word(ch):
        return False
    if ch == ".":
        nxt = k + step
        return not (0 <= nxt < len(text) and _is_word(text[nxt]))
    return True


def match_spans(query_text: str, passage_text: str, limit: int = MAX_SPANS,
                lang: str | None = None) -> list[tuple[int, int]]:
    """Every (start, end) in ``passage_text`` of a word the query matches (sorted, disjoint), the
    first ``limit`` of them (see :func:`spans_note`).

    Uses the same analysis as the index for an article of language ``lang`` (its front matter
    ``language:``; default undetermined, i.e. French), so ``plateformes`` marks "plateforme" and
    "Plateformes" in French text and ``elections`` "election" in English text.
    Returns [] for a malformed query or when nothing matches. The parsed query is cached: the
    article view calls this once per passage.
    """
    key = analysis_key(lang)
    test = _query_test(query_text, key)
    return spans_in(passage_text, test, limit, key) if test else []


@lru_cache(maxsize=16)
def _query_test(query_text: str, key: str = DEFAULT_KEY) -> TokenTest | None:
    q, err = parse_key(normalize(query_text), None, key)
    return None if err else TokenTest(q)


def spans_note(spans_by_passage: Iterable[Sequence[tuple[int, int]]], what: str = "marked") -> str | None:
    """What to tell the reader when some passage had :data:`MAX_SPANS` matches or more (only the
    first ones are located), given the span lists of the passages; None otherwise."""
    full = sum(1 for spans in spans_by_passage if len(spans) >= MAX_SPANS)
    if not full:
        return None
    where = "a passage" if full == 1 else f"each of {full} passages"
    return f"only the first {MAX_SPANS:,} matches in {where} are {what}"


def best_passage(plain: str, offsets: list[int], pterms: list[str], test: TokenTest,
                 lang: str | None = None) -> tuple[int, list[tuple[int, int]]]:
    """(passage with the most distinct matched terms — the first of equals —, its match spans).

    Cheap: the index stores each passage's distinct terms, so choosing is set work; only the
    chosen passage is analysed for spans. (0, []) when no passage matches (e.g. a title hit).
    """
    best, best_n = 0, 0
    exact = test.exact
    for i, line in enumerate(pterms):
        ts = set(line.split())
        n = len(ts & exact) if test.simple else sum(1 for t in ts if test(t))
        if n > best_n:
            best, best_n = i, n
    if not best_n:
        return 0, []
    a, b = passage_bounds(offsets, len(plain), best)
    return best, spans_in(plain[a:b], test, MAX_SPANS, lang)


# -- snippets -------------------------------------------------------------------------------------


def densest_start(spans: list[tuple[int, int]], reach: int) -> int:
    """The start of the match from which ``reach`` characters hold the most matches (the first of
    equals). The spans are sorted and disjoint, so a window's matches are a run of them: one pass
    with two indexes, linear in the number of matches."""
    best, best_n, j = spans[0][0], -1, 0
    for i, (s, _e) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + reach:
            j += 1
        if j - i > best_n:
            best, best_n = s, j - i
    return best


def make_snippet(text: str, spans: list[tuple[int, int]],
                 width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(one-line snippet of ``text`` around its densest matches, spans shifted into the snippet)."""
    flat = text.replace("\n", " ").replace("\t", " ")
    if len(flat) <= width:
        return flat, tuple(spans)
    if spans:
        spans = sorted(spans)
        start = max(0, densest_start(spans, width - 40) - 40)
    else:
        start = 0
    if start:
        cut = flat.rfind(" ", 0, start + 1)
        start = cut + 1 if cut >= 0 and start - cut < 25 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        cut = flat.rfind(" ", start + width // 2, end)
        end = cut if cut > 0 else end
    pre = ELLIPSIS if start > 0 else ""
    post = ELLIPSIS if end < len(flat) else ""
    shift = len(pre) - start
    out = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return pre + flat[start:end] + post, out

