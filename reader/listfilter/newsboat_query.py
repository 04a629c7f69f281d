"""newsboat ``query:`` lines (query feeds) as saved searches.

A newsboat ``urls`` file may hold ``"query:Name:expression"`` lines; ``reader feeds import`` keeps
them (:class:`reader.feeds.subscriptions.Special`) and :func:`import_queries` turns each one whose
expression it can translate into a saved search (:mod:`reader.listfilter.saved`):

    unread = "yes"        →  unread          unread = "no"       →  -unread
    flags # "s"           →  starred         tags # "tech"        →  tag:tech
    title =~ "rust"       →  title:rust      feedtitle =~ "le monde" → feed:"le monde"
    author =~ "x"         →  source:x        … and / or / ( )    →  AND / OR / ( )

Anything else (``age``, ``!=``, regular expressions that are not plain words…) is reported, not
guessed at: a saved search that shows other articles than the newsboat one would mislead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.listfilter.saved import SavedSearches

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|(=~|!~|!=|==|=|#|!#|<=|>=|<|>)|([A-Za-z_][\w-]*))')
_PLAIN = re.compile(r"^[^\\^$.*+?()\[\]{}|]+$")  # a regex that is a plain string: part-of-text match


class Untranslatable(ValueError):
    """An expression this translation does not handle; ``str()`` says which part."""


def _tokens(expr: str) -> list[tuple[str, str]]:
    out, i = [], 0
    expr = expr.strip()
    while i < len(expr):
        m = _TOKEN.match(expr, i)
        if m is None or m.end() == i:
            if expr[i:].strip() == "":
                break
            raise Untranslatable(f"cannot read {expr[i:i + 30]!r}")
        i = m.end()
        if m.group(1):
            out.append(("(", "("))
        elif m.group(2):
            out.append((")", ")"))
        elif m.group(3) is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group(3))))
        elif m.group(4):
            out.append(("op", m.group(4)))
        else:
            out.append(("word", m.group(5)))
    return out


def _value(text: str) -> str:
    if not text or '"' in text:
        raise Untranslatable(f"value {text!r}")
    return f'"{text}"' if any(c.isspace() or c in "():" for c in text) else text


def _comparison(attr: str, op: str, value: str) -> str:
    attr = attr.lower()
    if attr == "unread" and op in ("=", "==", "!="):
        yes = value.lower() in ("yes", "true", "1")
        if value.lower() not in ("yes", "no", "true", "false", "1", "0"):
            raise Untranslatable(f"unread = {value!r}")
        return "unread" if yes == (op != "!=") else "-unread"
    if attr == "flags" and op in ("#", "!#") and value == "s":
        return "starred" if op == "#" else "-starred"
    if attr == "tags" and op in ("#", "!#"):
        return ("" if op == "#" else "-") + f"tag:{_value(value)}"
    fields = {"title": "title", "feedtitle": "feed", "feedurl": "feed", "author": "source"}
    if attr in fields and op in ("=~", "!~") and _PLAIN.match(value):
        return ("" if op == "=~" else "-") + f"{fields[attr]}:{_value(value)}"
    raise Untranslatable(f"{attr} {op} \"{value}\"")


def translate(expr: str) -> str:
    """The list filter (:mod:`reader.listfilter.syntax`) of newsboat filter ``expr``, or
    :class:`Untranslatable`."""
    tokens = _tokens(expr)
    parts, i = [], 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind in ("(", ")"):
            parts.append(text)
            i += 1
        elif kind == "word" and text.lower() in ("and", "or"):
            parts.append(text.upper())
            i += 1
        elif kind == "word" and i + 2 < len(tokens) and tokens[i + 1][0] == "op" and tokens[i + 2][0] == "str":
            parts.append(_comparison(text, tokens[i + 1][1], tokens[i + 2][1]))
            i += 3
        else:
            raise Untranslatable(f"cannot read {text!r}")
    if not parts:
        raise Untranslatable("empty expression")
    out = " ".join(parts).replace("( ", "(").replace(" )", ")")
    from reader.listfilter.model import FilterError
    from reader.listfilter.syntax import parse_filter

    try:
        parse_filter(out)
    except FilterError as exc:
        raise Untranslatable(str(exc)) from None
    return out


def split_query_line(text: str) -> tuple[str, str]:
    """(name, expression) of a ``query:Name:expression`` line (its first token, quotes removed)."""
    from reader.feeds.subscriptions import tokenize

    tokens = tokenize(text)
    first = tokens[0] if tokens else ""
    if not first.startswith("query:") or first.count(":") < 2:
        raise Untranslatable(f"not a query line: {text[:60]!r}")
    _, name, expr = first.split(":", 2)
    return name.strip(), expr


@dataclass
class QueryImport:
    saved: list[tuple[str, str]] = field(default_factory=list)  # (name, filter)
    skipped: list[str] = field(default_factory=list)  # messages for the user


def import_queries(lines: Iterable[str], store: SavedSearches | None = None) -> QueryImport:
    """Save each translatable ``query:`` line as a saved search (an existing name is replaced only
    when it holds the same filter; otherwise reported)."""
    from reader.listfilter.saved import SavedSearchError, SavedSearches
    from reader.passages import make_safe

    store = store or SavedSearches()
    report = QueryImport()
    for text in lines:
        try:
            name, expr = split_query_line(text)
            query = translate(expr)
        except Untranslatable as exc:
            report.skipped.append(make_safe(f"{text[:80]}: cannot translate ({exc})"))
            continue
        try:
            existing = store.get(name)
            if existing is not None and existing.query == query:
                continue
            store.save(name, query)
            report.saved.append((name, query))
        except (SavedSearchError, ValueError) as exc:
            report.skipped.append(make_safe(f"{text[:80]}: {exc}"))
    return report


def report_lines(report: QueryImport) -> list[str]:
    """What ``reader feeds import`` prints about the query lines."""
    from reader.passages import make_safe

    out = [make_safe(f"saved search {name!r}: {query}") for name, query in report.saved]
    return out + [f"query line not imported: {msg}" for msg in report.skipped]


def import_specials(specials: Iterable) -> list[str]:
    """The import command's hook: the ``query:`` Specials of an import as saved searches; the lines to print."""
    return report_lines(import_queries(s.text for s in specials if getattr(s, "kind", "") == "query"))
