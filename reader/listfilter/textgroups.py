"""Text groups: the parsed filter's text parts merged into one :class:`~reader.listfilter.model.Text`
per group (one search-engine call), and the search parser's verdict on each."""

from __future__ import annotations

import re

from reader.listfilter.model import And, FilterError, Node, Not, Or, Text

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
