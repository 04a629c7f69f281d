"""The list filter's AST (the leaf of :mod:`reader.listfilter`): its limits, field names and flags,
:class:`FilterError`, the nodes, :class:`Filter` and how it describes itself, and :func:`fold`.
:mod:`reader.listfilter.syntax` parses the language into it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Union

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
