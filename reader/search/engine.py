"""Query evaluation with NumPy over Whoosh's postings (replaces Whoosh's per-document collector).

Why: Whoosh scores matches one document at a time in Python (~15 µs each). A common word is in
most articles of a news corpus, so at 50k articles a two-word query costs hundreds of ms. Here a
term's postings are read **a block at a time** (ids and weights arrays, 128 postings a block,
straight from the W3 codec) into NumPy arrays, cached per term (LRU, bounded in bytes), and
queries are set algebra on sorted id arrays with vectorised BM25F:

    score(term, doc) = idf · w·(k1+1) / (w + k1·(1 − b + b·len/avglen)),  idf = ln(N/(df+1)) + 1

(Whoosh's BM25F formula; ``w`` is the term frequency times the field boost).

- Results are dense ``(mask, scores)`` arrays over all document numbers: Term → its postings
  scattered; Or → ``|``, scores added; And → ``&``, scores added; AND NOT / NOT / ``-word`` →
  ``& ~``; AndMaybe adds the optional side's scores. Element-wise work on n documents costs tens
  of µs at 50k, far less than sorted-set merges.
- Phrases on ``body`` → the ``pairs`` field (adjacent-term bigrams indexed per article): a
  two-word phrase is one term lookup, a longer one an intersection of its bigrams, then each
  candidate's stored passages are checked for the words in a row (up to ``PHRASE_CHECK_MAX``
  candidates and ``PHRASE_CHECK_CHARS`` characters of passages in all: past that, having every
  pair is taken as a match and ``approximate`` is set).
- Fuzzy, prefix, wildcard → expanded against the lexicon (capped, most frequent first).
- Dates → a mask on the ``published`` column (loaded once per searcher).
- A phrase in a short field (title, source, entity names) → all its words in that field (word
  order is not checked there).
- Anything else (ranges on text, …) → Whoosh's own ``query.docs()``.
- Languages: :meth:`Engine.run_languages` takes the query parsed once per analysis key (the
  ``analysis`` field) and evaluates each distinct parse once, masked to the articles of the keys
  that share it; with one key in the index there is no mask at all (the single-language cost).
- Deleted documents are masked at the end; the total is exact; the page is an ``argpartition``.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Protocol, cast

import numpy as np
from whoosh import query as wq
from whoosh.query import Query
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from reader.search.columns import field_lengths, published_dates
from reader.search.model import SortOrder, passage_bounds, unpack_passages
from reader.log import log_exception

K1 = 1.2
B = 0.75
MAX_EXPANSIONS = 64
SCORED_FIELDS = {"title", "body", "pairs", "source", "person", "org", "place", "other"}
CACHE_BYTES = 48 * 1024 * 1024
PHRASE_CHECK_MAX = 300  # candidates of a 3+-word phrase checked against their text (~0.2 ms each)
PHRASE_CHECK_CHARS = 2_000_000  # characters analysed again for one phrase (~0.15 s a million)
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))

# (mask, scores): which documents match and how well, one value per document number
Dense = tuple[np.ndarray, np.ndarray]


class _BlockMatcher(Protocol):
    """The private side of Whoosh's W3 block postings matcher that :meth:`Engine.postings` reads a
    block at a time (used only when the matcher has ``_goto`` and ``_read_data``)."""

    _data: Any
    _lastblock: bool
    _nextoffset: int

    def _read_data(self) -> None: ...

    def _goto(self, position: int) -> None: ...


class Engine:
    """Evaluates parsed queries on one open Whoosh searcher (make a new one after ``refresh()``)."""

    doc_ids: np.ndarray | None = None  # the article id of each docnum, filled by the Searcher on first use

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.reader = reader
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self.leaves = leaves or [(reader, 0)]
        self.n_all = reader.doc_count_all()
        self.n = max(1, reader.doc_count())
        alive = np.ones(self.n_all, dtype=bool)
        for leaf, off in self.leaves:
            if leaf.has_deletions():
                count = leaf.doc_count_all()
                dels = np.fromiter((d for d in range(count) if leaf.is_deleted(d)), dtype=np.int64)
                if len(dels):
                    alive[dels + off] = False
        self.alive = alive
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self._dates: np.ndarray | None = None
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_bytes = 0
        self.expanded: dict[int, list[str]] = {}  # id(leaf query) -> expanded terms (for snippets)
        self.approximate = False  # a long phrase had too many candidates to check them all
        self._keys: dict[str, np.ndarray] | None = None

    # -- languages --------------------------------------------------------------------------------

    def analysis_keys(self) -> list[str]:
        """The analysis keys of the indexed articles, most articles first."""
        return list(self._key_masks())

    def _key_masks(self) -> dict[str, np.ndarray]:
        if self._keys is None:
            found = []
            for b in self.reader.lexicon("analysis"):
                key = b.decode("utf-8") if isinstance(b, bytes) else b
                ids, _w = self.postings("analysis", key)
                mask = np.zeros(self.n_all, dtype=bool)
                mask[ids] = True
                found.append((-int((mask & self.alive).sum()), key, mask))
            self._keys = {key: mask for _n, key, mask in sorted(found, key=lambda f: (f[0], f[1]))}
        return self._keys

    # -- per-field data ---------------------------------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        arr = self._lengths.get(field)
        if arr is None:
            arr = np.zeros(self.n_all, dtype=np.float32)
            for leaf, off in self.leaves:
                count = leaf.doc_count_all()
                arr[off : off + count] = field_lengths(leaf, field, count)
            self._lengths[field] = arr
            total = self.reader.field_length(field)
            self._avg[field] = (total / self.n_all) if self.n_all and total else 1.0
        return arr

    def dates(self) -> np.ndarray:
        """``published`` as datetime_to_long ints; 0 for undated articles."""
        if self._dates is None:
            arr = np.zeros(self.n_all, dtype=np.int64)
            for leaf, off in self.leaves:
                count = leaf.doc_count_all()
                arr[off : off + count] = published_dates(leaf, count)
            arr[arr < 0] = 0
            self._dates = arr
        return self._dates

    # -- postings ---------------------------------------------------------------------------------

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, text)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        ids_parts, w_parts = [], []
        btext = text.encode("utf-8") if isinstance(text, str) else text
        for leaf, off in self.leaves:
            try:
                m = leaf.postings(field, btext)
            except (TermNotFound, KeyError):  # not in this segment (damage propagates: the index is rebuilt)
                continue
            while hasattr(m, "child"):
                m = m.child  # drop the deleted-docs filter: deletions are masked at the end
            if hasattr(m, "_goto") and hasattr(m, "_read_data"):
                bm = cast(_BlockMatcher, m)
                while True:
                    if bm._data is None:
                        bm._read_data()
                    raw_ids, raw_w = bm._data[0], bm._data[1]
                    ids = np.cumsum(np.asarray(raw_ids, dtype=np.int64))
                    if raw_w is None:
                        w = np.ones(len(ids), dtype=np.float32)
                    elif isinstance(raw_w, float):
                        w = np.full(len(ids), raw_w, dtype=np.float32)
                    else:
                        w = np.asarray(raw_w, dtype=np.float32)
                    ids_parts.append(ids + off)
                    w_parts.append(w)
                    if bm._lastblock:
                        break
                    bm._goto(bm._nextoffset)
            else:  # inlined postings (a term in one document) or another matcher type
                one_ids: list[int] = []
                one_w: list[float] = []
                while m.is_active():
                    one_ids.append(m.id())
                    one_w.append(m.weight())
                    m.next()
                ids_parts.append(np.asarray(one_ids, dtype=np.int64) + off)
                w_parts.append(np.asarray(one_w, dtype=np.float32))
        if ids_parts:
            result = (np.concatenate(ids_parts), np.concatenate(w_parts))
        else:
            result = _EMPTY
        size = result[0].nbytes + result[1].nbytes + 100
        self._cache[key] = result
        self._cache_bytes += size
        while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            _k, (a, b) = self._cache.popitem(last=False)
            self._cache_bytes -= a.nbytes + b.nbytes + 100
        return result

    def term(self, field: str, text: str, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        ids, w = self.postings(field, text)
        if not len(ids):
            return _EMPTY
        if field not in SCORED_FIELDS:  # id, language: a filter, no length column
            return ids, np.full(len(ids), boost, dtype=np.float32)
        lengths = self.lengths(field)
        avg = self._avg.get(field) or 1.0
        idf = math.log(self.n / (len(ids) + 1)) + 1.0
        dl = lengths[ids]
        scores = idf * boost * (w * (K1 + 1)) / (w + K1 * ((1 - B) + B * dl / avg))
        return ids, scores.astype(np.float32)

    # -- evaluation -------------------------------------------------------------------------------

    # Results are dense: (mask, scores) over every document number — And/Or/Not are then
    # element-wise operations on arrays of n documents (tens of µs at 50k), never sorts.

    def dense(self, ids: np.ndarray, scores: np.ndarray) -> Dense:
        mask = np.zeros(self.n_all, dtype=bool)
        dense = np.zeros(self.n_all, dtype=np.float32)
        if len(ids):
            mask[ids] = True
            dense[ids] = scores
        return mask, dense

    def nothing(self) -> Dense:
        return np.zeros(self.n_all, dtype=bool), np.zeros(self.n_all, dtype=np.float32)

    def everything(self) -> Dense:
        return self.alive.copy(), np.zeros(self.n_all, dtype=np.float32)

    def expand(self, q: wq.FuzzyTerm | wq.Prefix | wq.Wildcard) -> list[str]:
        """Lexicon terms a fuzzy/prefix/wildcard leaf stands for (most frequent first, capped)."""
        key = id(q)
        if key in self.expanded:
            return self.expanded[key]
        reader, field = self.reader, q.fieldname
        found: set[str] = set()
        try:
            if isinstance(q, wq.FuzzyTerm):
                prefix = max(1, q.prefixlength)
                found.update(reader.terms_within(field, q.text, q.maxdist, prefix=prefix))
            elif isinstance(q, wq.Prefix):
                for i, b in enumerate(reader.expand_prefix(field, q.text)):
                    found.add(b.decode("utf-8") if isinstance(b, bytes) else b)
                    if i > 2000:
                        break
            else:
                for fname, b in q.existing_terms(reader, expand=True):
                    if fname == field:
                        found.add(b.decode("utf-8") if isinstance(b, bytes) else b)
        except Exception:  # noqa: BLE001
            log_exception(__name__, "expanding a term of %r failed (fewer expansions)", field)
        terms = sorted(found, key=lambda t: (-reader.doc_frequency(field, t), t))[:MAX_EXPANSIONS]
        self.expanded[key] = terms
        return terms

    def evaluate(self, q: Query) -> Dense:
        """(mask, scores) of a query: which documents match and how well."""
        boost = getattr(q, "boost", 1.0) or 1.0
        if type(q) is wq.Term:
            return self.dense(*self.term(q.fieldname, q.text, boost))
        if isinstance(q, (wq.FuzzyTerm, wq.Prefix, wq.Wildcard)):
            return self._any([self.dense(*self.term(q.fieldname, t, boost)) for t in self.expand(q)])
        if isinstance(q, wq.Phrase):
            words = list(q.words)
            if not words:
                return self.nothing()
            if q.fieldname == "body" and len(words) > 1:
                # adjacent-term bigrams: a two-word phrase is one lookup
                parts = [self.term("pairs", f"{a}_{b}", boost) for a, b in zip(words, words[1:])]
                mask, scores = self._all([self.dense(*p) for p in parts])
                return (self._in_a_row(mask, words) if len(words) > 2 else mask), scores
            # one word, or a short field (title, source, entity names): all the words
            # (word order is not checked there)
            parts = [self.term(q.fieldname, w, boost) for w in words]
            return self._all([self.dense(*p) for p in parts])
        if isinstance(q, wq.DateRange):
            dates = self.dates()
            mask = dates > 0
            if q.startdate is not None:
                mask &= dates >= datetime_to_long(q.startdate)
            if q.enddate is not None:
                mask &= dates <= datetime_to_long(q.enddate)
            return mask, np.zeros(self.n_all, dtype=np.float32)
        if isinstance(q, wq.Or):
            return self._any([self.evaluate(c) for c in q.children()])
        if isinstance(q, wq.And):
            pos: list[Query] = []
            neg: list[wq.Not] = []
            for c in q.children():
                if isinstance(c, wq.Not):
                    neg.append(c)
                else:
                    pos.append(c)
            out = self._all([self.evaluate(c) for c in pos]) if pos else self.everything()
            for c in neg:
                out = (out[0] & ~self.evaluate(c.query)[0], out[1])
            return out
        if isinstance(q, wq.AndNot):
            a = self.evaluate(q.a)
            return a[0] & ~self.evaluate(q.b)[0], a[1]
        if isinstance(q, wq.AndMaybe):
            a, b = self.evaluate(q.a), self.evaluate(q.b)
            return a[0], a[1] + b[1] * b[0]
        if isinstance(q, wq.Require):
            a, b = self.evaluate(q.a), self.evaluate(q.b)
            return a[0] & b[0], a[1]
        if isinstance(q, wq.Not):
            return self.alive & ~self.evaluate(q.query)[0], np.zeros(self.n_all, dtype=np.float32)
        if isinstance(q, wq.Every):
            return self.everything()
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self.nothing()
        return self._fallback(q)

    def _any(self, parts: list[Dense]) -> Dense:
        if not parts:
            return self.nothing()
        mask, scores = parts[0][0].copy(), parts[0][1].copy()
        for m, sc in parts[1:]:
            mask |= m
            scores += sc * m
        return mask, scores

    def _all(self, parts: list[Dense]) -> Dense:
        if not parts:
            return self.nothing()
        mask, scores = parts[0][0].copy(), parts[0][1].copy()
        for m, sc in parts[1:]:
            mask &= m
            scores += sc
        return mask, scores

    def _fallback(self, q: Query) -> Dense:
        try:
            ids = np.fromiter(q.docs(self.searcher), dtype=np.int64)
        except Exception:  # noqa: BLE001
            log_exception(__name__, "the fallback evaluation of %r failed (no documents)", q)
            ids = np.zeros(0, np.int64)
        return self.dense(ids, np.ones(len(ids), dtype=np.float32))

    def _in_a_row(self, mask: np.ndarray, words: list[str]) -> np.ndarray:
        """Keep the candidates with ``words`` one after the other inside one passage (as indexed:
        stop words left out, so they do not break a run). Only the passages whose stored term set
        holds every word are analysed again (~0.2 ms a candidate)."""
        from reader.search.analysis import terms

        ids = np.flatnonzero(mask & self.alive)
        if len(ids) > PHRASE_CHECK_MAX:
            self.approximate = True
            return mask
        mask = mask.copy()
        n, need = len(words), set(words)
        budget = PHRASE_CHECK_CHARS
        for docnum in ids:
            stored = self.reader.stored_fields(int(docnum))
            plain, offsets, lines = unpack_passages(stored["passages"])
            key = stored.get("analysis")  # the passage analysed as it was indexed
            found = False
            for k, line in enumerate(lines):
                if not need.issubset(line.split()):
                    continue
                a, b = passage_bounds(offsets, len(plain), k)
                budget -= b - a
                if budget < 0:  # huge passages: the rest is taken on trust (pairs all present)
                    self.approximate = True
                    return mask
                seq = terms(plain[a:b], key)
                if any(seq[i:i + n] == words for i, t in enumerate(seq) if t == words[0]):
                    found = True
                    break
            if not found:
                mask[docnum] = False
        return mask

    def evaluate_languages(self, queries: Mapping[str, Query]) -> Dense:
        """(mask, scores) of a query parsed per analysis key ({key: query}): each distinct parse
        evaluated once, on the articles of the keys that share it."""
        masks = self._key_masks()
        present = [k for k in queries if k in masks]
        if not present:  # an empty index, or keys the caller made up: evaluate on everything
            return self.evaluate(next(iter(queries.values()))) if queries else self.nothing()
        groups: list[tuple[Query, list[str]]] = []
        for key in present:
            q = queries[key]
            for gq, gkeys in groups:
                if gq is q or gq == q:
                    gkeys.append(key)
                    break
            else:
                groups.append((q, [key]))
        if len(groups) == 1 and len(present) == len(masks):  # one parse for every article: no mask
            return self.evaluate(groups[0][0])
        parts = []
        for q, gkeys in groups:
            mask, scores = self.evaluate(q)
            keep = masks[gkeys[0]].copy()
            for k in gkeys[1:]:
                keep |= masks[k]
            parts.append((mask & keep, scores * keep))
        return self._any(parts)

    def run_languages(self, queries: Mapping[str, Query], count: int, sort: SortOrder = "relevance") -> tuple[int, list[tuple[int, float]]]:
        """Like :meth:`run` for a query parsed per analysis key ({key: query})."""
        mask, dense = self.evaluate_languages(queries)
        return self._rank(mask, dense, count, sort)

    def run(self, q: Query, count: int, sort: SortOrder = "relevance") -> tuple[int, list[tuple[int, float]]]:
        """(total matches, the first ``count`` (docnum, score) in order)."""
        mask, dense = self.evaluate(q)
        return self._rank(mask, dense, count, sort)

    def _rank(self, mask: np.ndarray, dense: np.ndarray, count: int, sort: SortOrder) -> tuple[int, list[tuple[int, float]]]:
        ids = np.flatnonzero(mask & self.alive)
        scores = dense[ids]
        total = len(ids)
        if not total:
            return 0, []
        count = min(count, total)
        if sort == "date":
            dates = self.dates()[ids]
            order = np.lexsort((-scores, -dates))[:count]
        else:
            if count < total:
                part = np.argpartition(-scores, count - 1)[:count]
            else:
                part = np.arange(total)
            order = part[np.lexsort((ids[part], -scores[part]))]
        return total, [(int(ids[i]), float(scores[i])) for i in order]
