"""The searcher: one page of ranked hits with snippets, did-you-mean, and the documents a query
matches (for the list filter). Queries are parsed by :mod:`reader.search.parse`, evaluated by
:mod:`reader.search.engine`, and their hits' passages and snippets made by
:mod:`reader.search.highlight`.

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
:func:`reader.search.highlight.match_spans` given the article's language.

Malformed queries never raise: :attr:`SearchResults.error` holds a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
import time
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.query import Query
from whoosh.searching import Searcher as WhooshSearcher

from reader.search.analysis import DEFAULT_KEY, analyze, term_of
from reader.search.engine import Engine
from reader.search.highlight import TokenTest, best_passage, make_snippet, spans_note
from reader.search.model import Hit, SearchResults, SortOrder, passage_bounds, unpack_passages
from reader.search.index import damaged, index_dir, is_damage, mark_damaged, open_index, read_info
from reader.search.parse import BINARY_OPS, MAX_SUGGESTED_WORDS, describe, normalize, parse_languages
from reader.log import DEBUG, log_exception


# -- searcher -------------------------------------------------------------------------------------

DAMAGED_MESSAGE = ("the search index is damaged; it is being rebuilt (the reader does it in the background, "
                   "or run `reader index`)")


class Searcher:
    """Searches one corpus' index; keep one per corpus (thread-safe, reopens only after a commit)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.directory = index_dir(self.folder)
        self._lock = threading.Lock()
        self._ix: Index | None = None
        self._searcher: WhooshSearcher | None = None
        self._engine: Engine | None = None
        self._basedate: dt.datetime | None = None

    # opening ------------------------------------------------------------------------------------

    def _current(self) -> WhooshSearcher | None:
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

    def search(self, text: str, limit: int = 20, sort: SortOrder = "relevance", page: int = 1) -> SearchResults:
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
            res.understood = describe(next(iter(queries.values())), normalize(text))
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

    def match_docs(self, text: str) -> tuple[np.ndarray, np.ndarray, None] | tuple[None, None, str]:
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

    def doc_ids(self) -> np.ndarray | None:
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
    def _doc_ids(engine: Engine) -> np.ndarray:
        ids = getattr(engine, "doc_ids", None)
        if ids is None:
            ids = np.full(engine.n_all, None, dtype=object)
            for leaf, off in engine.leaves:
                # a unique field: a term's info holds its one document (5x faster than its postings)
                for term, info in leaf.iter_field("id"):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    if info.doc_frequency() == 1 and (first := info.min_id()) is not None:
                        ids[off + first] = text
                    else:
                        for d in leaf.postings("id", term).all_ids():
                            ids[off + d] = text
            engine.doc_ids = ids
        return ids

    def _hits(self, s: WhooshSearcher, queries: dict[str, Query] | Query, ranked: list[tuple[int, float]],
              sort: SortOrder, expansions: dict[int, list[str]]) -> list[Hit]:
        """The page's hits; each one's passage, spans and snippet in the article's own analysis."""
        if not isinstance(queries, dict):  # one query: every article analysed the default way
            queries = {DEFAULT_KEY: queries}
        tests: dict[str, TokenTest] = {}
        fallback = next(iter(queries))
        hits = []
        for docnum, score in ranked:
            stored = s.reader().stored_fields(docnum)
            key = stored.get("analysis") or DEFAULT_KEY
            if key not in queries:
                key = fallback
            test = tests.get(key)
            if test is None:
                test = tests[key] = TokenTest(queries[key], expansions)
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

    def _suggest(self, s: WhooshSearcher, text: str, total: int) -> str | None:
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

    def _surface(self, s: WhooshSearcher, term: str) -> str | None:
        """The commonest word (lowercased) that the index term stands for, from one article using it."""
        ids, _w = self._engine.postings("body", term) if self._engine else ((), ())
        for docnum in list(ids[:3]):
            stored = s.reader().stored_fields(int(docnum))
            plain = unpack_passages(stored["passages"])[0]
            words = Counter(plain[a:b].lower() for t, a, b in analyze(plain, stored.get("analysis")) if t == term)
            if words:
                return words.most_common(1)[0][0]
        return None


def search(folder: Path, text: str, **kwargs: Any) -> SearchResults:
    """One-shot search (opens and closes a searcher): for scripts and tests."""
    searcher = Searcher(folder)
    try:
        return searcher.search(text, **kwargs)
    finally:
        searcher.close()
