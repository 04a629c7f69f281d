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
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Union, cast

MAX_FILTER_CHARS = 1000
MAX_DEPTH = 32  # nested parentheses and NOTs

FlagName = Literal["unread", "read", "starred", "unstarred", "new"]
FLAGS: tuple[FlagName, ...] = ("unread", "read", "starred", "unstarred", "new")
KEYWORDS = ("unread", "starred", "new")  # bare words that are predicates (the others via is:)
FieldName = Literal["feed", "source", "tag", "lang"]  # a Field's; date: and is: make other nodes
FILTER_FIELDS: dict[str, FieldName | Literal["date", "is"]] = {"feed": "feed", "source": "source", "tag": "tag", "tags": "tag", "lang": "lang",
                 "language": "lang", "date": "date", "published": "date", "is": "is"}
DATE_HELP = "use 2023, 2023-04, 2023-04-19, [2023-04-01 to 2023-04-30], >2023-01 or <2022"


class FilterError(ValueError):
    """A filter that cannot be understood; ``str()`` is the message for the user."""


# -- the AST --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Everything:
    """The empty filter: every article."""


@dataclass(frozen=True)
class Flag:
    name: FlagName


@dataclass(frozen=True)
class Field:
    name: FieldName
    value: str  # folded (see fold())


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None  # inclusive; None: open
    end: dt.date | None


@dataclass(frozen=True)
class Text:
    query: str  # in the search language, for reader.search


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node = Union[Everything, Flag, Field, DateRange, Text, Not, And, Or]


@dataclass(frozen=True)
class Filter:
    """A parsed filter: ``root`` is the AST; the flags say which sources its evaluation reads."""

    text: str
    root: Node

    @property
    def empty(self) -> bool:
        return isinstance(self.root, Everything)

    def nodes(self) -> Iterator[Node]:
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, (And, Or)):
                stack.extend(node.parts)
            elif isinstance(node, Not):
                stack.append(node.part)

    @property
    def needs_text(self) -> bool:
        return any(isinstance(n, Text) for n in self.nodes())

    @property
    def needs_state(self) -> bool:
        return any(isinstance(n, Flag) and n.name != "new" for n in self.nodes())

    def describe(self) -> str:
        """The filter as understood, e.g. ``unread AND feed:lemonde AND text(twitter OR x)``."""
        return _describe(self.root)


def _describe(node: Node, top: bool = True) -> str:
    if isinstance(node, Everything):
        return "everything"
    if isinstance(node, Flag):
        return node.name
    if isinstance(node, Field):
        return f"{node.name}:{_quoted(node.value)}"
    if isinstance(node, DateRange):
        start, end = node.start, node.end
        if start is None:  # (parse_date never makes a range open at both ends: it says so instead)
            return f"date:<={end.isoformat()}" if end is not None else "date:any"
        if start == end:
            return f"date:{start.isoformat()}"
        if end is None:
            return f"date:>={start.isoformat()}"
        return f"date:[{start.isoformat()} to {end.isoformat()}]"
    if isinstance(node, Text):
        return f"text({node.query})"
    if isinstance(node, Not):
        return f"NOT {_describe(node.part, False)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    inner = joiner.join(_describe(p, False) for p in node.parts)
    return inner if top else f"({inner})"


def _quoted(value: str) -> str:
    return f'"{value}"' if re.search(r"[\s()\"]", value) or not value else value


def fold(text: str) -> str:
    """Case- and accent-insensitive form (as the list's title key)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


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


# -- dates ----------------------------------------------------------------------------------------

_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _span(text: str, whole: str) -> tuple[dt.date, dt.date]:
    """First and last day of 2023, 2023-04 or 2023-04-19."""
    m = _DAY.fullmatch(text.strip())
    if not m:
        raise FilterError(f"not a date in 'date:{whole}': {DATE_HELP}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        month = int(month)
        if day is None:
            first = dt.date(year, month, 1)
            if month == 12:
                return first, dt.date(year, 12, 31)
            return first, dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        d = dt.date(year, month, int(day))
        return d, d
    except ValueError:
        raise FilterError(f"not a date in 'date:{whole}': no such day or month ({DATE_HELP})") from None


def parse_date(value: str) -> DateRange:
    """A ``date:`` value as an inclusive range of days (see the module docstring)."""
    if value.startswith("["):
        inner = value[1:-1] if value.endswith("]") else value[1:]
        parts = re.split(r"\s+to\s+|\s+to$|^to\s+|^to$", inner.strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise FilterError(f"not a date range in 'date:{value}': write [2023-04-01 to 2023-04-30], [2023 to] "
                              "or [to 2022]")
        start = _span(parts[0], value)[0] if parts[0].strip() else None
        end = _span(parts[1], value)[1] if parts[1].strip() else None
        if start is None and end is None:
            raise FilterError(f"'date:{value}' has no date on either side of 'to'")
        if start and end and start > end:
            raise FilterError(f"'date:{value}' starts after it ends")
        return DateRange(start, end)
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            first, last = _span(value[len(op):], value)
            if op == ">=":
                return DateRange(first, None)
            if op == "<=":
                return DateRange(None, last)
            if op == ">":
                return DateRange(last + dt.timedelta(days=1) if last < dt.date.max else last, None)
            return DateRange(None, first - dt.timedelta(days=1) if first > dt.date.min else first)
    first, last = _span(value, value)
    return DateRange(first, last)


# -- text groups ----------------------------------------------------------------------------------


def _pure_text(node: Node) -> bool:
    if isinstance(node, Text):
        return True
    if isinstance(node, Not):
        return _pure_text(node.part)
    if isinstance(node, (And, Or)):
        return all(_pure_text(p) for p in node.parts)
    return False


_ONE_TOKEN = re.compile(r'[^\s()"]+|(?:[A-Za-z_]+:)?"[^"]*"(?:~\d*)?')


def _render(node: Node) -> str:
    """A pure-text subtree back in the search language."""
    if isinstance(node, Text):
        return node.query
    if isinstance(node, Not):
        inner = _render(node.part)
        return f"NOT {inner}" if _ONE_TOKEN.fullmatch(inner) else f"NOT ({inner})"
    assert isinstance(node, (And, Or)), node  # a pure-text subtree (_pure_text): nothing else
    joiner = " " if isinstance(node, And) else " OR "
    rendered = []
    for p in node.parts:
        r = _render(p)
        rendered.append(r if _ONE_TOKEN.fullmatch(r) or isinstance(p, Not) and isinstance(node, And) else f"({r})")
    return joiner.join(rendered)


def _collapse(node: Node) -> Node:
    """Subtrees of text only become one :class:`Text` (one engine call), as do the text parts of an
    AND or an OR that also has other predicates."""
    if _pure_text(node):
        return Text(_render(node)) if not isinstance(node, Text) else node
    if isinstance(node, Not):
        return Not(_collapse(node.part))
    if isinstance(node, (And, Or)):
        parts = [_collapse(p) for p in node.parts]
        texts = [p for p in parts if _pure_text(p)]
        others = [p for p in parts if not _pure_text(p)]
        if len(texts) > 1:
            others.insert(0, Text(_render(type(node)(tuple(texts)))))
        else:
            others = parts
        return others[0] if len(others) == 1 else type(node)(tuple(others))
    return node


def _check_text(query: str) -> None:
    """The search parser's verdict on a text part (its messages: unknown field, bad fuzzy, stop words…)."""
    from reader.search.parse import parse

    _q, err = parse(query)
    if err:
        raise FilterError(err)
