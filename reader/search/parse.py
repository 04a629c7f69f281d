"""Parsing a query: syntax checks Whoosh would not make, the parser of each analysis key, the limits,
and a readable form of a parsed query.

Query syntax (default operator AND; words are analysed in each article's language — accents
folded, stop words dropped, stemmed — see :mod:`reader.search.searcher`, *Languages*)::

    twitter microsoft        both words              "elon musk"         phrase
    a OR b, a AND NOT b      operators, (groups)     -word / +word       exclude / require
    retirer~ / retirer~2     fuzzy (edit distance)   plat*               prefix
    title:  person:  org:  place:  other:  source:  language:            fields
    date:2023-04   date:2023-04-19   date:[2023-04-01 to 2023-04-30]   date:>2023-01   date:<2022

Relative dates (``date:yesterday``, English only) count from the newest article, never today.

Malformed queries never raise: :func:`parse` answers ``(None, message for the user)``.

Limits (pathological input stays fast; each limit reached is said, never silent): a query of more
than :data:`MAX_QUERY_CHARS` characters, :data:`MAX_QUERY_TERMS` words or
:data:`MAX_EXPANDING_TERMS` fuzzy/prefix/wildcard words is refused with an error; in one passage
at most :data:`MAX_SPANS` matches are located (snippet, :func:`reader.search.highlight.match_spans`),
which :attr:`SearchResults.notice` / :func:`reader.search.highlight.spans_note` tell; did-you-mean
looks up at most :data:`MAX_SUGGESTED_WORDS` words; phrase checks are bounded in
:mod:`reader.search.engine`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (FieldAliasPlugin, FuzzyTermPlugin, GtLtPlugin, MultifieldParser, PlusMinusPlugin,
                            QueryParser)
from whoosh.fields import Schema
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import Query

from reader.search.analysis import DEFAULT_KEY, analysis_key
from reader.search.index import TEXT_FIELDS, parse_schema
from reader.log import log_exception

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


# Limits on pathological input: each bounds work that otherwise grows without end, and each says
# so when it is reached (an error for the query, a notice next to the results).
MAX_QUERY_CHARS = 1000  # a query longer than this is refused (parsing costs ~0.4 ms a word)
MAX_QUERY_TERMS = 50  # words and phrase words in a query (each one a postings list, a dense pass)
MAX_EXPANDING_TERMS = 10  # fuzzy~, prefix* and wild?card words (each one a scan of the lexicon)
MAX_SPANS = 1000  # matches located in one passage, for its snippet and for match_spans
MAX_SUGGESTED_WORDS = 10  # words looked up for did-you-mean (each one a fuzzy scan of the lexicon)

# what parsing answers: (query, None), or (None, a message for the user)
Parsed = tuple[Query | None, str | None]


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
def _schema(key: str = DEFAULT_KEY) -> Schema:
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


def _find_error(q: Query) -> str | None:
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


def parse(text: str, basedate: dt.datetime | None = None, lang: str | None = None) -> Parsed:
    """(query, error message or None) for a query text, its words analysed for the articles of
    language ``lang`` (default: undetermined, i.e. French); never raises."""
    return parse_key(text, basedate, analysis_key(lang))


def parse_languages(text: str, keys: Iterable[str],
                    basedate: dt.datetime | None = None) -> tuple[dict[str, Query], str | None]:
    """({analysis key: query}, error or None): the query parsed for the articles of each key.

    A key for which the query holds only stop words is left out (``the`` searches nothing in
    English articles); the error is given only when no key is left.
    """
    out: dict[str, Query] = {}
    first_err: str | None = None
    for key in keys:
        q, err = parse_key(text, basedate, key)
        if err:
            if first_err is None:
                first_err = err
            if not err.startswith(NOTHING_PREFIX):  # a syntax error: the same in every language
                return {}, err
            continue
        assert q is not None  # no error: a query
        # equal parses share one object: evaluated once, and their fuzzy/prefix expansions
        # (kept per leaf object) serve the snippets of every language
        out[key] = next((other for other in out.values() if other == q), q)
    return (out, None) if out else ({}, first_err or "type something to search")


NOTHING_PREFIX = "nothing to search for"


@lru_cache(maxsize=64)
def parse_key(text: str, basedate: dt.datetime | None, key: str) -> Parsed:
    """Like :func:`parse` for an analysis key (:func:`reader.search.analysis.analysis_key`), cached."""
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


def _too_many_terms(q: Query) -> str | None:
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


def describe(q: Query, src: str = "", strip: bool = False) -> str:
    """A readable form of a parsed query (the title/body expansion of bare words collapsed)."""
    if isinstance(q, wq.Or):
        out: list[str] = []
        seen: dict[str, int] = {}
        for c in q.children():
            key = describe(c, src, True)
            if key in seen:
                out[seen[key]] = key  # both title:x and x: show x once
                continue
            seen[key] = len(out)
            out.append(describe(c, src, strip))
        return out[0] if len(out) == 1 else "(" + " OR ".join(out) + ")"
    if isinstance(q, wq.And):
        return " AND ".join(describe(c, src, strip) for c in q.children())
    if isinstance(q, wq.AndNot):
        return f"{describe(q.a, src, strip)} AND NOT {describe(q.b, src, strip)}"
    if isinstance(q, wq.AndMaybe):
        return f"{describe(q.a, src, strip)} (maybe {describe(q.b, src, strip)})"
    if isinstance(q, wq.Not):
        return f"NOT {describe(q.query, src, strip)}"
    if isinstance(q, wq.Require):
        return f"{describe(q.a, src, strip)} AND {describe(q.b, src, strip)}"
    text = _leaf_text(q, src)
    fname = getattr(q, "fieldname", None)
    if fname == "body" or (fname == "title" and strip):
        return text
    if fname == "published":
        return f"date:{text}"
    return f"{fname}:{text}" if fname else text


def _leaf_text(q: Query, src: str = "") -> str:
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


def positive_leaves(q: Query) -> Iterator[Query]:
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

