"""The date package's table: every date rule's kind has its resolver (reader.nlp.dates.resolvers)."""

from reader.nlp.dates import RESOLVERS
from reader.nlp.dates.patterns import _GATES, _RULES


def test_every_date_rule_kind_has_one_resolver_and_none_is_left_over():
    kinds = {kind for _pattern, kind, _gate in _RULES}
    assert kinds == set(RESOLVERS)
    assert {gate for _pattern, _kind, gate in _RULES} <= set(_GATES)
