"""The list filter's language, parsed once into a small AST (:func:`parse_filter`).

It is the search language (:mod:`reader.search.parse`: words, "phrases", OR / AND / NOT / ``-word``,
``prefix*``, ``fuzzy~``, ``title:`` ``person:`` ``org:`` ``place:`` ``other:``) with predicates of its
own, evaluated without the search index::

    unread  starred  new            reading state; 'new': arrived since the reader was last opened
    is:read  is:unstarred  is:…     the same, and their opposites (or write -unread, NOT starred)
    feed:lemonde   feed:"https://…"  the article's feed (part of its URL, or of the feed's title)
    source:"Tech Hebdo"             part of the source's name (case and accents ignored)
    tag:tech                        a tag of the article's feed
    lang:fr   language:en           the article's language (fr also matches fr-CA)
    date:2023  date:2023-04  date:2023-04-19  date:[2023-04-01 to 2023-04-30]  date:[2023 to]
    date:>2023-01  date:>=2023-01  date:<2022  date:<=2022-06

Parts are ANDed; ``OR``, ``AND``, ``NOT`` (upper case), ``-`` before a part and (parentheses) combine
them. The keywords are lower case and whole: ``New York`` and ``"new"`` are words searched in the text.

Text parts go to the search engine as one query per group (an AND of words is one query, not one per
word), so a filter costs one engine call however many words it has. A malformed filter is a
:class:`FilterError` whose message is meant for the user, never a traceback.

The AST is :mod:`reader.listfilter.model`'s; ``date:`` values are read by :mod:`reader.listfilter.datespec`
and text parts merged by :mod:`reader.listfilter.textgroups`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal, cast

from reader.listfilter.datespec import parse_date
from reader.listfilter.model import (FILTER_FIELDS, FLAGS, KEYWORDS, MAX_DEPTH, MAX_FILTER_CHARS, And, DateRange,
                                     Everything, Field, FieldName, Filter, FilterError, FlagName, Flag, Node, Not, Or,
                                     Text, fold)
from reader.listfilter.textgroups import _check_text, _collapse

# -- tokens ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<lp>[+-]?\()
  | (?P<rp>\))
  | (?P<phrase>[+-]?(?:[A-Za-z_]+:)?"[^"]*"(?:~\d*)?)
  | (?P<range>[+-]?[A-Za-z_]+:\[[^\]]*\])
  | (?P<group>[+-]?[A-Za-z_]+:(?=\())
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)
_FIELD = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
_OPS = ("AND", "OR", "NOT")


@dataclass
class _Tok:
    kind: str
    text: str
    start: int
    end: int
    sign: str = ""  # '+' or '-' before the token


def _tokens(text: str) -> list[_Tok]:
    if text.count('"') % 2:
        raise FilterError('unclosed quote: a phrase needs a closing "')
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None or kind == "ws":  # (every alternative is a named group)
            continue
        tok = m.group()
        sign = ""
        if kind != "rp" and tok[:1] in "+-" and len(tok) > 1:
            sign, tok = tok[0], tok[1:]
        out.append(_Tok(kind, tok, m.start(), m.end(), sign))
    return out


# -- parsing --------------------------------------------------------------------------------------


def parse_filter(text: str) -> Filter:
    """The :class:`Filter` of a filter text (an empty text: every article); raises :class:`FilterError`."""
    if len(text) > MAX_FILTER_CHARS * 4:
        raise FilterError(f"filter too long: {len(text):,} characters (at most {MAX_FILTER_CHARS:,})")
    text = " ".join(text.split())
    if len(text) > MAX_FILTER_CHARS:
        raise FilterError(f"filter too long: {len(text):,} characters (at most {MAX_FILTER_CHARS:,})")
    if not text:
        return Filter("", Everything())
    parser = _Parser(text, _tokens(text))
    root = parser.expression(0)
    if parser.i < len(parser.toks):  # only a stray ')' stops an expression early
        raise FilterError("unbalanced parentheses: ')' without '('")
    root = _collapse(root)
    for node in Filter(text, root).nodes():
        if isinstance(node, Text):
            _check_text(node.query)
    return Filter(text, root)


def try_parse(text: str) -> tuple[Filter | None, str | None]:
    """(filter, None) or (None, message): for callers that show the message as the user types."""
    try:
        return parse_filter(text), None
    except FilterError as exc:
        return None, str(exc)


class _Parser:
    def __init__(self, src: str, toks: list[_Tok]):
        self.src, self.toks, self.i = src, toks, 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _is_op(self, tok: _Tok | None, *ops: str) -> bool:
        return tok is not None and tok.kind == "word" and not tok.sign and tok.text in ops

    def expression(self, depth: int) -> Node:
        parts = [self.conjunction(depth)]
        while self._is_op(self.peek(), "OR"):
            self.i += 1
            parts.append(self.conjunction(depth, after="OR"))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self, depth: int, after: str | None = None) -> Node:
        parts: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "rp" or self._is_op(tok, "OR"):
                break
            if self._is_op(tok, "AND"):
                if not parts:
                    raise FilterError("'AND' needs a part before it")
                self.i += 1
                after_and = self.peek()
                if after_and is None or after_and.kind == "rp" or self._is_op(after_and, "AND", "OR"):
                    raise FilterError("'AND' needs a part after it")
                continue
            parts.append(self.unary(depth))
        if not parts:
            if after:
                raise FilterError(f"'{after}' needs a part after it")
            tok = self.peek()
            if tok is None:
                raise FilterError("unbalanced parentheses: '(' is never closed")
            if self._is_op(tok, "OR"):
                raise FilterError("'OR' needs a part before it")
            raise FilterError("empty parentheses" if tok is not None and tok.kind == "rp" and self.i
                              and self.toks[self.i - 1].kind == "lp" else "unbalanced parentheses: ')' without '('")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FilterError(f"filter nested too deeply (at most {MAX_DEPTH} parentheses or NOTs)")
        tok = self.peek()
        if self._is_op(tok, "NOT"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind == "rp" or self._is_op(nxt, "AND", "OR"):
                raise FilterError("'NOT' needs a part after it")
            return Not(self.unary(depth + 1))
        node = self.atom(depth)
        return Not(node) if tok is not None and tok.sign == "-" else node

    def atom(self, depth: int) -> Node:
        tok = self.toks[self.i]
        self.i += 1
        if tok.kind == "lp":
            nxt = self.peek()
            if nxt is not None and nxt.kind == "rp":
                raise FilterError("empty parentheses")
            node = self.expression(depth + 1)
            if self.peek() is None:
                raise FilterError("unbalanced parentheses: '(' is never closed")
            self.i += 1  # the ')'
            return node
        if tok.kind == "group":
            return self.group(tok, depth)
        if tok.kind == "phrase":
            m = _FIELD.fullmatch(tok.text)
            if m and not tok.text.startswith('"'):
                return self.field(m.group(1), m.group(2), tok)
            return Text(tok.text)
        if tok.kind == "range":  # name:[…]: always matches _FIELD
            m = _FIELD.fullmatch(tok.text)
            assert m is not None
            return self.field(m.group(1), m.group(2), tok)
        m = _FIELD.fullmatch(tok.text)
        if m:
            return self.field(m.group(1), m.group(2), tok)
        if tok.text in KEYWORDS:
            return Flag(cast(FlagName, tok.text))
        return Text(tok.text)

    def group(self, tok: _Tok, depth: int) -> Text:
        """``title:(a OR b)``: the group goes to the search engine whole."""
        name = tok.text[:-1]
        kind = _field_kind(name)
        if kind != "text":
            raise FilterError(f"'{name}:' takes one value (a word or \"phrase\"); for several, write "
                              f"({name}:a OR {name}:b)")
        level, j = 0, self.i
        while j < len(self.toks):
            level += self.toks[j].kind == "lp"
            level -= self.toks[j].kind == "rp"
            j += 1
            if level == 0:
                break
        if level:
            raise FilterError("unbalanced parentheses: '(' is never closed")
        if j - self.i == 2:
            raise FilterError("empty parentheses")
        if depth > MAX_DEPTH:
            raise FilterError(f"filter nested too deeply (at most {MAX_DEPTH} parentheses or NOTs)")
        text = self.src[tok.start + len(tok.sign):self.toks[j - 1].end]
        self.i = j
        return Text(text)

    def field(self, name: str, value: str, tok: _Tok) -> Text | Flag | DateRange | Field:
        kind = _field_kind(name)
        if kind == "text":
            if not value:
                raise FilterError(f"'{name}:' needs a word or \"phrase\" after it")
            return Text(tok.text)
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        value = value.strip()
        if not value:
            raise FilterError(f"'{name}:' needs a value after it")
        if kind == "is":
            flag = value.lower()
            if flag not in FLAGS:
                raise FilterError(f"'is:{value}' is not a state: use is:" + ", is:".join(FLAGS))
            return Flag(flag)
        if kind == "date":
            return parse_date(value)
        return Field(kind, fold(value))


def _field_kind(name: str) -> FieldName | Literal["date", "is", "text"]:
    """'text' for a search field, a filter field's canonical name, or FilterError for an unknown one."""
    lower = name.lower()
    if lower in FILTER_FIELDS:
        return FILTER_FIELDS[lower]
    from reader.search.parse import KNOWN_FIELDS

    text_fields = KNOWN_FIELDS - set(FILTER_FIELDS)
    if name in text_fields or lower in text_fields:
        return "text"
    known = sorted(set(FILTER_FIELDS) | text_fields)
    close = difflib.get_close_matches(lower, known, n=1, cutoff=0.6)
    if close:
        raise FilterError(f"unknown field '{name}:' (did you mean {close[0]}:?)")
    shown = ", ".join(f"{f}:" for f in ("title", "person", "org", "place", "other", "feed", "source", "tag",
                                        "lang", "date", "is"))
    raise FilterError(f"unknown field '{name}:' (fields: {shown})")
