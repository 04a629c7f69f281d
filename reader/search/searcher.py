"""Querying: parser, cached searcher, cheap snippets, match spans, did-you-mean.

Query syntax (default operator AND; words are analysed in each article's language — accents
folded, stop words dropped, stemmed — see *Languages* below)::

    twitter microsoft        both words              "elon musk"         phrase
    a OR b, a AND NOT b      operators, (groups)     -word / +word       exclude / require
    retirer~ / retirer~2     fuzzy (edit distance)   plat*               prefix
    title:  person:  org:  place:  other:  source:  language:            fields
    date:2023-04   date:2023-04-19   date:[2023-04-01 to 2023-04-30]   date:>2023-01   date:<2022

Relative dates (``date:yesterday``, English only) count from the newest article, never today.

Speed (see :mod:`reader.search.index` for the layout): one :class:`Searcher` per corpus keeps
the Whoosh searcher open and reopens it only when a commit changed the index; queries are
evaluated by :class:`reader.search.engine.Engine` (NumPy over postings, cached per term). A page
then costs, for the page's hits only: the stored fields (title, date, compressed passages), the
choice of the passage with the most distinct matched terms (stored per-passage term sets), and
the analysis of that one passage for spans and snippet — Whoosh's highlighter is never used.

Did-you-mean: for a query with fewer than 3 hits, each word whose term is not in the index is
replaced by the word of a close term (edit distance 1, then 2, most frequent first); the
suggestion is kept only if it finds more.

Languages: the index holds each article's terms in its own language
(:mod:`reader.search.analysis`). A query is parsed once per analysis key present in the index
(French, English, German, …, neutral) and each parse is evaluated on that language's articles only
(:meth:`reader.search.engine.Engine.run_languages`): ``elections`` finds "election" in English
articles (stem ``elect``) and ``plateforme`` « plateformes » in French ones; ``the`` is a stop word
for English articles and a word for the others. Fielded queries and dates work the same way in
every language. A hit's passage, snippet and spans use the article's own analysis, and so does
:func:`match_spans` given the article's language.

:func:`match_spans` finds every match of a query in any passage text by analysing that text
(for the article view's highlighting and ``n``/``N``).

Malformed queries never raise: :attr:`SearchResults.error` holds a message for the user.

Limits (pathological input stays fast; each limit reached is said, never silent): a query of more
than :data:`MAX_QUERY_CHARS` characters, :data:`MAX_QUERY_TERMS` words or
:data:`MAX_EXPANDING_TERMS` fuzzy/prefix/wildcard words is refused with an error; in one passage
at most :data:`MAX_SPANS` matches are located (snippet, :func:`match_spans`), which
:attr:`SearchResults.notice` / :func:`spans_note` tell; did-you-mean looks up at most
:data:`MAX_SUGGESTED_WORDS` words; phrase checks are bounded in :mod:`reader.search.engine`.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import threading
from collections import Counter
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.qparser import (FieldAliasPlugin, FuzzyTermPlugin, GtLtPlugin, MultifieldParser, PlusMinusPlugin,
                            QueryParser)
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.support.levenshtein import distance

from reader.search.analysis import DEFAULT_KEY, WORD_RE, analysis_key, analyze, term_of
from reader.search.engine import Engine
from reader.search.model import Hit, SearchResults, passage_bounds
from reader.search.index import (TEXT_FIELDS, damaged, index_dir, is_damage, mark_damaged, open_index,
                                 parse_schema, read_info, unpack_passages)
from reader.log import DEBUG, log_exception

FIELD_ALIASES = {
    "published": ["date"],
    "org": ["organisation", "organization"],
    "place": ["lieu", "loc"],
    "person": ["personne", "per"],
    "other": ["misc"],
    "language": ["lang"],
}
KNOWN_FIELDS = {"title", "body", "source", "language", "published", "person", "org", "place", "other", "id"}
KNOWN_FIELDS |= {a for aliases in FIELD_ALIASES.values() for a in aliases}
BINARY_OPS = {"AND", "OR", "ANDNOT", "ANDMAYBE"}
SNIPPET_CHARS = 180
ELLIPSIS = "…"

# Limits on pathological input: each bounds work that otherwise grows without end, and each says
# so when it is reached (an error for the query, a notice next to the results).
MAX_QUERY_CHARS = 1000  # a query longer than this is refused (parsing costs ~0.4 ms a word)
MAX_QUERY_TERMS = 50  # words and phrase words in a query (each one a postings list, a dense pass)
MAX_EXPANDING_TERMS = 10  # fuzzy~, prefix* and wild?card words (each one a scan of the lexicon)
MAX_SPANS = 1000  # matches located in one passage, for its snippet and for match_spans
MAX_SUGGESTED_WORDS = 10  # words looked up for did-you-mean (each one a fuzzy scan of the lexicon)


# -- parsing --------------------------------------------------------------------------------------


def _precheck(text: str) -> str | None:
    """Errors Whoosh would silently turn into something else: quotes, parentheses, operators, fields."""
    if text.count('"') % 2:
        return 'unclosed quote: a phrase needs a closing "'
    outside = re.sub(r'"[^"]*"', '""', text)
    depth = 0
    for ch in outside:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return "unbalanced parentheses: ')' without '('"
    if depth:
        return "unbalanced parentheses: '(' is never closed"
    if re.search(r"\(\s*\)", outside):
        return "empty parentheses"
    for m in re.finditer(r"(?<![\w:])([A-Za-z_]+):(\S?)", outside):
        name, after = m.group(1), m.group(2)
        if name not in KNOWN_FIELDS:
            fields = ", ".join(sorted({"title", "person", "org", "place", "other", "source", "language", "date"}))
            return f"unknown field '{name}:' (fields: {fields})"
        if after in ("", ")"):
            return f"'{name}:' needs a word, phrase or (group) after it"
    tokens = re.findall(r'\(|\)|""|[^\s()]+', outside)
    prev = None
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok in BINARY_OPS:
            if prev is None or prev in BINARY_OPS or prev in ("(", "NOT"):
                return f"'{tok}' needs a search term before it"
            if nxt is None or nxt in BINARY_OPS or nxt == ")":
                return f"'{tok}' needs a search term after it"
        elif tok == "NOT" and (nxt is None or nxt in BINARY_OPS or nxt == ")"):
            return "'NOT' needs a search term after it"
        prev = tok
    return None


@lru_cache(maxsize=32)
def _schema(key: str = DEFAULT_KEY):
    return parse_schema(key)


@lru_cache(maxsize=32)
def make_parser(basedate: dt.datetime | None = None, key: str = DEFAULT_KEY) -> QueryParser:
    """The query parser of one analysis key (cached: building one costs more than parsing a query)."""
    parser = MultifieldParser(["title", "body"], _schema(key))
    # +/- are operators only at the start of a word: "multi-plateformes" and "2023-04" stay words
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(DateParserPlugin(basedate=basedate or dt.datetime(2000, 1, 1)))
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    return parser


def _find_error(q) -> str | None:
    err = getattr(q, "error", None)
    if err:
        return str(err)
    for child in q.children() if q.is_leaf() is False else ():
        found = _find_error(child)
        if found:
            return found
    return None


def normalize(text: str) -> str:
    return " ".join(text.split())


def parse(text: str, basedate: dt.datetime | None = None, lang: str | None = None):
    """(query, error message or None) for a query text, its words analysed for the articles of
    language ``lang`` (default: undetermined, i.e. French); never raises."""
    return _parse(text, basedate, analysis_key(lang))


def parse_languages(text: str, keys, basedate: dt.datetime | None = None):
    """({analysis key: query}, error or None): the query parsed for the articles of each key.

    A key for which the query holds only stop words is left out (``the`` searches nothing in
    English articles); the error is given only when no key is left.
    """
    out: dict[str, Any] = {}
    first_err: str | None = None
    for key in keys:
        q, err = _parse(text, basedate, key)
        if err:
            if first_err is None:
                first_err = err
            if not err.startswith(NOTHING_PREFIX):  # a syntax error: the same in every language
                return {}, err
            continue
        # equal parses share one object: evaluated once, and their fuzzy/prefix expansions
        # (kept per leaf object) serve the snippets of every language
        out[key] = next((other for other in out.values() if other == q), q)
    return (out, None) if out else ({}, first_err or "type something to search")


NOTHING_PREFIX = "nothing to search for"


@lru_cache(maxsize=64)
def _parse(text: str, basedate: dt.datetime | None, key: str):
    if len(text) > MAX_QUERY_CHARS * 4:  # do not even normalise a pasted book
        return None, _too_long(len(text))
    text = normalize(text)
    if not text:
        return None, "type something to search"
    if len(text) > MAX_QUERY_CHARS:
        return None, _too_long(len(text))
    problem = _precheck(text)
    if problem:
        return None, problem
    try:
        q = make_parser(basedate, key).parse(text)
    except Exception as exc:  # noqa: BLE001 - the parser must never crash the reader
        log_exception(__name__, "the query parser failed on %r", text)
        return None, f"could not understand the query ({exc.__class__.__name__})"
    err = _find_error(q)
    if err:
        m = re.search(r"date:\S+", text)
        where = f" in '{m.group()}'" if m else ""
        return None, f"not a date{where}: use 2023-04, 2023-04-19 or [2023-04-01 to 2023-04-30]"
    q = q.normalize()
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return None, f"{NOTHING_PREFIX}: only common words (le, la, les, de…) or operators"
    err = _too_many_terms(q)
    return (None, err) if err else (q, None)


def _too_long(n: int) -> str:
    return f"query too long: {n:,} characters (at most {MAX_QUERY_CHARS:,})"


def _too_many_terms(q) -> str | None:
    """An error when the query has more words than :data:`MAX_QUERY_TERMS` (a word searched in title
    and body counts once, a phrase counts its words) or more fuzzy/prefix/wildcard words than
    :data:`MAX_EXPANDING_TERMS`."""
    words: set[tuple[Any, ...]] = set()
    expanding: set[tuple[Any, ...]] = set()
    for leaf in q.leaves():
        if isinstance(leaf, wq.Phrase):
            words.update(("phrase", tuple(leaf.words), i) for i in range(len(leaf.words)))
            continue
        key = (type(leaf).__name__, getattr(leaf, "startchar", None), str(getattr(leaf, "text", "")) or repr(leaf))
        words.add(key)
        if isinstance(leaf, (wq.FuzzyTerm, wq.Prefix, wq.Wildcard)):
            expanding.add(key)
    if len(words) > MAX_QUERY_TERMS:
        return f"too many words in the query: {len(words)} (at most {MAX_QUERY_TERMS})"
    if len(expanding) > MAX_EXPANDING_TERMS:
        return (f"too many fuzzy~, prefix* or wildcard words: {len(expanding)} "
                f"(at most {MAX_EXPANDING_TERMS})")
    return None


def _describe(q, src: str = "", strip: bool = False) -> str:
    """A readable form of a parsed query (the title/body expansion of bare words collapsed)."""
    if isinstance(q, wq.Or):
        out: list[str] = []
        seen: dict[str, int] = {}
        for c in q.children():
            key = _describe(c, src, True)
            if key in seen:
                out[seen[key]] = key  # both title:x and x: show x once
                continue
            seen[key] = len(out)
            out.append(_describe(c, src, strip))
        return out[0] if len(out) == 1 else "(" + " OR ".join(out) + ")"
    if isinstance(q, wq.And):
        return " AND ".join(_describe(c, src, strip) for c in q.children())
    if isinstance(q, wq.AndNot):
        return f"{_describe(q.a, src, strip)} AND NOT {_describe(q.b, src, strip)}"
    if isinstance(q, wq.AndMaybe):
        return f"{_describe(q.a, src, strip)} (maybe {_describe(q.b, src, strip)})"
    if isinstance(q, wq.Not):
        return f"NOT {_describe(q.query, src, strip)}"
    if isinstance(q, wq.Require):
        return f"{_describe(q.a, src, strip)} AND {_describe(q.b, src, strip)}"
    text = _leaf_text(q, src)
    fname = getattr(q, "fieldname", None)
    if fname == "body" or (fname == "title" and strip):
        return text
    if fname == "published":
        return f"date:{text}"
    return f"{fname}:{text}" if fname else text


def _leaf_text(q, src: str = "") -> str:
    if isinstance(q, wq.DateRange):
        start = q.startdate.date().isoformat() if q.startdate else None
        end = q.enddate.date().isoformat() if q.enddate else None
        if start is None or end is None:
            return f">={start}" if start else f"<={end}"
        return start if start == end else f"[{start} to {end}]"
    if isinstance(q, wq.Phrase):
        return '"' + " ".join(q.words) + '"'
    sc, ec = getattr(q, "startchar", None), getattr(q, "endchar", None)
    if src and sc is not None and ec is not None and 0 <= sc < ec <= len(src):
        word = src[sc:ec]  # the user's word (the index holds its stem)
        if isinstance(q, wq.FuzzyTerm):
            return word if word.endswith("~") else f"{word}~{q.maxdist if q.maxdist != 1 else ''}"
        if isinstance(q, wq.Term):
            return word
    if isinstance(q, wq.FuzzyTerm):
        return f"{q.text}~{q.maxdist if q.maxdist != 1 else ''}"
    if isinstance(q, wq.Prefix):
        return f"{q.text}*"
    if isinstance(q, (wq.Term, wq.Wildcard)):
        return str(q.text)
    return str(q)


def positive_leaves(q):
    """Leaf queries that must or may match (not those under NOT / the right side of AND NOT)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from positive_leaves(q.a)
        return
    if q.is_leaf():
        if getattr(q, "fieldname", None) in TEXT_FIELDS:
            yield q
        return
    for child in q.children():
        yield from positive_leaves(child)


# -- matching words in a text ---------------------------------------------------------------------


class _TokenTest:
    """Does an indexed term match one of the query's positive leaves? (memoised per term)"""

    def __init__(self, q, expansions: dict[int, list[str]] | None = None):
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.fuzzy: list[tuple[str, int, int]] = []
        self.patterns: list[re.Pattern] = []
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


def spans_in(text: str, test: _TokenTest, limit: int = MAX_SPANS, lang: str | None = None) -> list[tuple[int, int]]:
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
def _query_test(query_text: str, key: str = DEFAULT_KEY) -> _TokenTest | None:
    q, err = _parse(normalize(query_text), None, key)
    return None if err else _TokenTest(q)


def spans_note(spans_by_passage, what: str = "marked") -> str | None:
    """What to tell the reader when some passage had :data:`MAX_SPANS` matches or more (only the
    first ones are located), given the span lists of the passages; None otherwise."""
    full = sum(1 for spans in spans_by_passage if len(spans) >= MAX_SPANS)
    if not full:
        return None
    where = "a passage" if full == 1 else f"each of {full} passages"
    return f"only the first {MAX_SPANS:,} matches in {where} are {what}"


def best_passage(plain: str, offsets: list[int], pterms: list[str], test: _TokenTest, lang: str | None = None):
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


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS):
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


# -- searcher -------------------------------------------------------------------------------------

DAMAGED_MESSAGE = ("the search index is damaged; it is being rebuilt (the reader does it in the background, "
                   "or run `reader index`)")


class Searcher:
    """Searches one corpus' index; keep one per corpus (thread-safe, reopens only after a commit)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.directory = index_dir(self.folder)
        self._lock = threading.Lock()
        self._ix = None
        self._searcher = None
        self._engine: Engine | None = None
        self._basedate: dt.datetime | None = None

    # opening ------------------------------------------------------------------------------------

    def _current(self):
        """The open Whoosh searcher, refreshed if the index changed; None if there is no index."""
        if self._searcher is not None:
            try:
                current = self._searcher.up_to_date()
            except Exception:  # noqa: BLE001 - index wiped/rebuilt under us
                log_exception(__name__, "the search index changed under the searcher", level=DEBUG)
                current = False
            if current:
                return self._searcher
            # Reopen rather than Searcher.refresh(): refresh() reuses segment readers by id and
            # can keep a segment's old deletions after an update.
            self.close()
        self._ix = open_index(self.directory)
        if self._ix is None:
            return None
        try:
            self._searcher = self._ix.searcher()
        except Exception as exc:  # noqa: BLE001
            log_exception(__name__, "cannot open a searcher on %s", self.directory)
            self._ix = None
            if is_damage(exc):
                mark_damaged(self.directory, exc)
            return None
        self._engine = None
        self._load_info()
        return self._searcher

    def _load_info(self) -> None:
        info = read_info(self.directory) or {}
        newest = info.get("newest")
        try:
            d = dt.date.fromisoformat(newest) if newest else None
        except ValueError:
            d = None
        self._basedate = dt.datetime(d.year, d.month, d.day, 12) if d else None

    def close(self) -> None:
        with_searcher, self._searcher, self._ix, self._engine = self._searcher, None, None, None
        if with_searcher is not None:
            try:
                with_searcher.close()
            except Exception:  # noqa: BLE001
                log_exception(__name__, "closing a searcher failed", level=DEBUG)

    @property
    def available(self) -> bool:
        with self._lock:
            return self._current() is not None

    def doc_count(self) -> int:
        with self._lock:
            s = self._current()
            return s.doc_count() if s is not None else 0

    # searching ----------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20, sort: str = "relevance", page: int = 1) -> SearchResults:
        """One page of results; never raises for bad input (see :attr:`SearchResults.error`)."""
        t0 = time.perf_counter()
        limit = max(1, min(int(limit), 1000))
        page = max(1, int(page))
        sort = "date" if sort == "date" else "relevance"
        res = SearchResults(query=text, page=page, limit=limit)
        with self._lock:
            s = self._current()
            if s is None:
                res.error = DAMAGED_MESSAGE if damaged(self.directory) else \
                    "the search index is not built yet: run `reader index`"
                return res
            try:
                if self._engine is None:
                    self._engine = Engine(s)
                engine = self._engine
                keys = engine.analysis_keys() or [DEFAULT_KEY]
            except Exception as exc:  # noqa: BLE001 - reading the languages of a damaged index
                log_exception(__name__, "cannot read the languages of the index %s", self.directory)
                if is_damage(exc):
                    mark_damaged(self.directory, exc)
                    self.close()
                    res.error = DAMAGED_MESSAGE
                else:
                    res.error = f"search failed: {exc.__class__.__name__}: {exc}"[:300]
                return res
            queries, err = parse_languages(text, keys, self._basedate)
            if err:
                res.error = err
                return res
            res.understood = _describe(next(iter(queries.values())), normalize(text))
            try:
                engine.expanded = {}
                engine.approximate = False
                res.total, ranked = engine.run_languages(queries, page * limit, sort)
                res.approximate = engine.approximate
                res.hits = self._hits(s, queries, ranked[(page - 1) * limit :], sort, engine.expanded)
                res.notice = spans_note((h.passage_spans for h in res.hits), "used for the snippet")
                if res.total < 3:
                    res.suggestion = self._suggest(s, text, res.total)
            except Exception as exc:  # noqa: BLE001 - never crash the UI
                log_exception(__name__, "the search for %r failed", text)
                if is_damage(exc):  # a damaged segment: rebuilt by the next update, not retried each query
                    mark_damaged(self.directory, exc)
                    self.close()
                    res.error, res.total = DAMAGED_MESSAGE, 0
                else:
                    res.error = f"search failed: {exc.__class__.__name__}: {exc}"[:300]
                res.hits = []
        res.elapsed_ms = (time.perf_counter() - t0) * 1000
        return res

    def match_docs(self, text: str):
        """Every document a query matches, unranked and without snippets (for the list filter, which
        combines them with other predicates): ``(docnums, doc_ids, None)`` or ``(None, None, error)``.

        ``doc_ids`` maps a document number to its article id (an object array, made once per index
        version by reading the ``id`` field's postings — no stored fields —, and the same object until a
        commit changes the index, so a caller can key its own caches on it). Never raises."""
        with self._lock:
            s = self._current()
            if s is None:
                return None, None, DAMAGED_MESSAGE if damaged(self.directory) else \
                    "the search index is not built yet: run `reader index`"
            try:
                if self._engine is None:
                    self._engine = Engine(s)
                engine = self._engine
                # each article in its own analysis, as in search()
                queries, err = parse_languages(text, engine.analysis_keys() or [DEFAULT_KEY], self._basedate)
                if err:
                    return None, None, err
                mask, _scores = engine.evaluate_languages(queries)
                docs = np.flatnonzero(mask & engine.alive)
                return docs, self._doc_ids(engine), None
            except Exception as exc:  # noqa: BLE001 - never crash the UI
                log_exception(__name__, "matching documents for %r failed", text)
                if is_damage(exc):
                    mark_damaged(self.directory, exc)
                    self.close()
                    return None, None, DAMAGED_MESSAGE
                return None, None, f"search failed: {exc.__class__.__name__}: {exc}"[:300]

    def doc_ids(self):
        """The document number → article id array of the current index (see :meth:`match_docs`), or
        None without an index; made here if not yet (to do it ahead, in a background worker)."""
        with self._lock:
            s = self._current()
            if s is None:
                return None
            try:
                if self._engine is None:
                    self._engine = Engine(s)
                return self._doc_ids(self._engine)
            except Exception as exc:  # noqa: BLE001
                log_exception(__name__, "reading the document ids of %s failed", self.directory)
                if is_damage(exc):
                    mark_damaged(self.directory, exc)
                    self.close()
                return None

    @staticmethod
    def _doc_ids(engine: Engine):
        ids = getattr(engine, "doc_ids", None)
        if ids is None:
            ids = np.full(engine.n_all, None, dtype=object)
            for leaf, off in engine.leaves:
                # a unique field: a term's info holds its one document (5x faster than its postings)
                for term, info in leaf.iter_field("id"):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    if info.doc_frequency() == 1:
                        ids[off + info.min_id()] = text
                    else:
                        for d in leaf.postings("id", term).all_ids():
                            ids[off + d] = text
            engine.doc_ids = ids
        return ids

    def _hits(self, s, queries, ranked, sort: str, expansions) -> list[Hit]:
        """The page's hits; each one's passage, spans and snippet in the article's own analysis."""
        if not isinstance(queries, dict):  # one query: every article analysed the default way
            queries = {DEFAULT_KEY: queries}
        tests: dict[str, _TokenTest] = {}
        fallback = next(iter(queries))
        hits = []
        for docnum, score in ranked:
            stored = s.stored_fields(docnum)
            key = stored.get("analysis") or DEFAULT_KEY
            if key not in queries:
                key = fallback
            test = tests.get(key)
            if test is None:
                test = tests[key] = _TokenTest(queries[key], expansions)
            plain, offsets, pterms = unpack_passages(stored["passages"])
            passage, pspans = best_passage(plain, offsets, pterms, test, key) if offsets and test else (0, [])
            if offsets:
                a, b = passage_bounds(offsets, len(plain), passage)
                ptext = plain[a:b]
            else:
                ptext = ""
            snippet, sspans = make_snippet(ptext, pspans)
            pub = stored.get("published")
            hits.append(
                Hit(
                    article_id=stored["id"],
                    title=stored.get("title", ""),
                    published=pub.date() if isinstance(pub, dt.datetime) else None,
                    score=score if sort != "date" else 0.0,
                    passage=passage,
                    snippet=snippet,
                    snippet_spans=tuple(sspans),
                    passage_spans=tuple(pspans),
                )
            )
        return hits

    def _suggest(self, s, text: str, total: int) -> str | None:
        """Did-you-mean: each plain word whose term is not in the index is replaced by a word of
        the corpus whose term is closest (edit distance 1, then 2; most frequent first). The body
        lexicon holds stems, so the replacement word is read from an article that contains it."""
        reader = s.reader()
        keys = (self._engine.analysis_keys() if self._engine else None) or [DEFAULT_KEY]
        changed = False
        out = []
        looked_up = 0  # each look-up is a fuzzy scan of the lexicon: the first few words only
        for part in re.split(r'(\s+|"|\(|\))', text):
            word = part
            m = re.fullmatch(r"([+-]?)([^\W\d_][\w]*)", part)
            if m and part not in BINARY_OPS and part != "NOT" and looked_up < MAX_SUGGESTED_WORDS:
                # the word's term in each language of the corpus; a suggestion only when none is indexed
                forms = [t for t in dict.fromkeys(term_of(m.group(2), k) for k in keys) if t]
                term = forms[0] if forms else None
                if term and len(term) >= 3 and not any(reader.doc_frequency("body", t) for t in forms):
                    looked_up += 1
                    best = None
                    for dist in (1, 2):
                        cands = [c for c in reader.terms_within("body", term, dist, prefix=1) if c != term]
                        if cands:
                            best = max(cands, key=lambda c: (reader.doc_frequency("body", c), c))
                            break
                    surface = self._surface(s, best) if best else None
                    if surface:
                        word = m.group(1) + surface
                        changed = True
            out.append(word)
        if not changed:
            return None
        suggestion = "".join(out)
        if total:
            qs, err = parse_languages(suggestion, keys, self._basedate)
            if err or self._engine is None or self._engine.run_languages(qs, 1)[0] <= total:
                return None
        return suggestion

    def _surface(self, s, term: str) -> str | None:
        """The commonest word (lowercased) that the index term stands for, from one article using it."""
        ids, _w = self._engine.postings("body", term) if self._engine else ((), ())
        for docnum in list(ids[:3]):
            stored = s.stored_fields(int(docnum))
            plain = unpack_passages(stored["passages"])[0]
            words = Counter(plain[a:b].lower() for t, a, b in analyze(plain, stored.get("analysis")) if t == term)
            if words:
                return words.most_common(1)[0][0]
        return None


def search(folder: Path, text: str, **kwargs) -> SearchResults:
    """One-shot search (opens and closes a searcher): for scripts and tests."""
    searcher = Searcher(folder)
    try:
        return searcher.search(text, **kwargs)
    finally:
        searcher.close()
