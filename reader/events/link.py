"""Linking event mentions across articles into events (ingest side: imports scikit-learn).

Recipe (measured in /work/shared/notes/nlp.md, "Linking events"), as implemented:

* **Candidates (blocking)** — two mentions *of different articles* are compared only if they share
  a block and their anchor intervals, widened by ``window_days`` (7), overlap. Blocks: one per
  participant (entity key) and one per short date interval (≤ 7 days: "25 avril 2023" in two
  articles naming different companies). A mention's anchor is its date interval, else its
  article's publication day. Inside a block the mentions are sorted by anchor start and each is
  paired with at most ``max_neighbours`` (20) following ones in the window, so the number of pairs
  is at most n·(blocks per mention)·20: linear, never n². Vectorised (:func:`candidate_pairs`):
  one sort of all block memberships, then numpy passes over offsets 1, 2, … (no Python loop per
  mention).
* **Score** = 0.5·TF-IDF cosine + 0.3·participant Jaccard + 0.2·date agreement, vectorised over
  all candidate pairs (:class:`Scorer`).
  TF-IDF: word 1–2-grams, French and English stop words removed, sublinear tf, fitted on the mention texts
  *without their entity and date mentions* (those count in the Jaccard and the date agreement,
  not twice), plus one token per specific action class of the triggers (``action_pay`` for both
  "payer" and "facturée"). Jaccard is smoothed, |A∩B| / (|A∪B| + 1), so two sentences naming only
  "Elon Musk" are no perfect match. Date agreement: 1 same interval, 0.7 one inside the other,
  0.3 no date on one or both sides, 0.2 fuzzy dates (week, part of month/year) ≤ 3 days apart.
  **Veto**: mentions whose explicit dates are all disjoint (2023-04-18 vs 2023-04-19, 2015 vs
  2023-04-25) are a cannot-link pair.
* **Across languages** — an English and a French sentence share almost no words, so their
  cosine is ~0 but for the action tokens (``action_remove`` from "remove" and « retirer »): such
  a pair links on shared participants (entity keys are the same in both languages: "ORG:microsoft")
  and the same resolved date (each article's dates resolved by its language's rules): one shared
  name out of three and the same day score ~0.30, over the threshold; a shared name alone
  (0.1 + 0.06) does not. ``reader events`` names the two languages beside such a link.
* **Clustering** — average linkage over the sparse candidate graph (a missing pair counts as 0;
  pairs under ``EDGE_FLOOR`` are dropped), merging while the best average ≥ ``THRESHOLD`` (0.24:
  one shared name and no date score ~0.21, so a link needs some common wording or date on top);
  a cluster never absorbs a mention it holds a veto against. Average linkage does not chain: A~B
  and B~C do not pull A and C together unless A–C is similar too. Averages are taken over pairs
  from *different articles* only: sentences of one article share its topic and names whatever
  happening they report, and seldom repeat each other's wording when they report the same one,
  so within-article similarity is no evidence either way; two mentions of one article end in one
  event only through mentions of other articles. A lazy heap over per-cluster neighbour sums
  (scikit-learn's implementation needs a dense n×n matrix), run separately on each connected
  component of the graph of pairs scoring ≥ the threshold (:func:`cluster_components`: exactly the
  global result, see there); components of two mentions are merged without the heap.
* **Events** — a cluster; its date is the most specific date among its mentions (then the most
  frequent), its label the most central mention (highest summed score to the others) trimmed to
  ~80 characters, its id ``ev-`` + a hash of its sorted mention keys (stable while its mentions
  are), and one :class:`Link` per pair of its articles: the best-scoring cross-article pair, with
  its explanation (shared names, date note, similarity).

On the bundled articles (tests/data/events_gold.json, real spaCy annotations) cross-article links
have precision 1.0 (5/5 judged pairs) and recall 1.0 (3/3 gold pairs); the margin is thin (gold
links score 0.25–0.36, the best wrong candidate 0.23), so re-measure before changing a weight.

Cost at 10,000 generated articles (223k mentions, 5.7M candidate pairs, 2 cores, load ~1.5):
candidates 1.8 s, TF-IDF 7 s, pair scores 5 s, clustering 26 s (one strong component holds 116k
mentions: its heap is the floor), events 6 s — ~51 s in all, peak RSS 1.5 GB (was 162 s and
3.1 GB with one global heap over a 5M-entry dict, Python candidate loops and a per-link
``intersect1d``; same events). Relinking stays global: the TF-IDF idf and so every score depend on
the whole corpus, and only a global relink gives the events of a fresh build; the store then
rewrites only the events that changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from reader.events.model import Event, EventMention, Link, Participant, date_label, granularity_rank

W_SIM, W_JACCARD, W_DATE = 0.5, 0.3, 0.2
THRESHOLD = 0.24
WINDOW_DAYS = 7
MAX_NEIGHBOURS = 20
EDGE_FLOOR = 0.12  # pairs below half the threshold are dropped: they can hardly lift an average
DATE_BLOCK_MAX_DAYS = 7
UNDATED = 0.3  # date agreement when one or both sides have no date
FUZZY = {"week", "part-of-month", "part-of-year"}
LABEL_CHARS = 80

FRENCH_STOP = sorted(set("""
a à au aux avec ce ces cet cette c d de des du dans en et est il ils elle elles je j l la le les leur
leurs lui ma mais me même mes mon n ne nos notre nous on ont ou où par pas pour qu que qui s sa se ses
son sont sur ta te tes toi ton tu un une vos votre vous y été être avait avoir a-t-il ainsi alors aussi
bien car comme donc encore entre était fait faire plus peu sans si sous tout tous très via déjà
the of to and in a is it that for on with as by
""".split()))


@dataclass
class LinkStats:
    mentions: int = 0
    candidate_pairs: int = 0
    vetoed_pairs: int = 0
    events: int = 0
    linked_events: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Pair:
    score: float
    similarity: float
    jaccard: float
    date: float
    note: str
    shared: tuple[str, ...] = field(default=())


@lru_cache(maxsize=65536)
def _ord(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


def date_agreement(a: EventMention, b: EventMention) -> tuple[float, bool, str]:
    """(agreement in [0, 1], veto, note) of two mentions' dates."""
    if not a.dates or not b.dates:
        side = "either side" if not a.dates and not b.dates else "one side"
        return UNDATED, False, f"no date on {side}"
    best = (-1.0, "")
    min_gap = None
    fuzzy_pair = False
    for sa, ea, ga in a.dates:
        for sb, eb, gb in b.dates:
            if (sa, ea) == (sb, eb):
                return 1.0, False, f"same date {date_label(sa, ea, ga)}"
            s1, e1, s2, e2 = _ord(sa), _ord(ea), _ord(sb), _ord(eb)
            if s1 < e2 and s2 < e1:
                inner, outer = ((sa, ea, ga), (sb, eb, gb)) if e1 - s1 <= e2 - s2 else ((sb, eb, gb), (sa, ea, ga))
                note = f"{date_label(*inner)} within {date_label(*outer)}"
                if best[0] < 0.7:
                    best = (0.7, note)
            else:
                gap = max(s2 - e1, s1 - e2)
                if min_gap is None or gap < min_gap:
                    min_gap = gap
                    fuzzy_pair = ga in FUZZY or gb in FUZZY
    if best[0] >= 0:
        return best[0], False, best[1]
    if fuzzy_pair and min_gap is not None and min_gap <= 3:
        days = min_gap + 1
        return 0.2, False, f"dates {days} day{'s' if days > 1 else ''} apart (fuzzy)"
    return 0.0, True, "different dates"


def _anchors(mentions: list[EventMention], published: dict[str, str | None]) -> np.ndarray:
    out = np.zeros((len(mentions), 2), dtype=np.int64)
    for i, m in enumerate(mentions):
        if m.date_start and m.date_end:
            out[i] = (_ord(m.date_start), _ord(m.date_end))
        else:
            pub = published.get(m.article_id)
            if pub:
                o = _ord(pub)
                out[i] = (o, o + 1)
            else:
                out[i] = (0, 1)
    return out


def _blocks(mentions: list[EventMention]) -> tuple[np.ndarray, np.ndarray]:
    """(block number, mention index) of every block membership: one block per participant and one
    per short date interval (see the module docstring)."""
    ids: dict[str, int] = {}
    blk: list[int] = []
    idx: list[int] = []
    for i, m in enumerate(mentions):
        for key in m.participants:
            blk.append(ids.setdefault(key, len(ids)))
            idx.append(i)
        for ds, de, _g in m.dates:  # same short date interval: a block even without a shared entity
            if _ord(de) - _ord(ds) <= DATE_BLOCK_MAX_DAYS:
                blk.append(ids.setdefault(f"@date:{ds}/{de}", len(ids)))
                idx.append(i)
    return np.array(blk, dtype=np.int64), np.array(idx, dtype=np.int64)


def candidate_pairs(mentions: list[EventMention], published: dict[str, str | None],
                    window_days: int = WINDOW_DAYS, max_neighbours: int = MAX_NEIGHBOURS) -> np.ndarray:
    """Index pairs (k×2 array, i < j, sorted, unique) sharing a block and close in time (see the
    module docstring). Vectorised: the block memberships are sorted by (block, anchor start, index)
    and every membership is compared with the one k places further, k = 1, 2, … while some are
    still in their block and window with fewer than ``max_neighbours`` pairs taken."""
    n = len(mentions)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    anchors = _anchors(mentions, published)
    art_ids: dict[str, int] = {}
    art = np.array([art_ids.setdefault(m.article_id, len(art_ids)) for m in mentions], dtype=np.int64)
    blk, idx = _blocks(mentions)
    order = np.lexsort((idx, anchors[idx, 0], blk))
    blk, idx = blk[order], idx[order]
    start, limit, a = anchors[idx, 0], anchors[idx, 1] + window_days, art[idx]
    total = len(idx)
    active = np.arange(total, dtype=np.int64)
    taken = np.zeros(total, dtype=np.int64)
    found = []
    k = 1
    while len(active):
        q = active + k
        ok = q < total
        active, q = active[ok], q[ok]
        ok = (blk[q] == blk[active]) & (start[q] <= limit[active])
        active, q = active[ok], q[ok]
        cross = a[q] != a[active]
        p_, q_ = idx[active[cross]], idx[q[cross]]
        found.append(np.minimum(p_, q_) * n + np.maximum(p_, q_))
        taken[active[cross]] += 1
        active = active[taken[active] < max_neighbours]
        k += 1
    codes = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
    return np.stack([codes // n, codes % n], axis=1)


@lru_cache(maxsize=1)
def stop_words() -> list[str]:
    """The TF-IDF stop words: French and English (one vectoriser for every language of the corpus;
    a stop word of one language is seldom a content word of the other)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(set(FRENCH_STOP) | set(ENGLISH_STOP_WORDS))


def _tfidf(texts: list[str]) -> Any:  # a scipy CSR matrix, or None (scipy ships no types)
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), stop_words=stop_words(), sublinear_tf=True, dtype=np.float32,
                          token_pattern=r"(?u)\b\w\w+\b")
    try:
        return vec.fit_transform(texts)
    except ValueError:  # empty vocabulary (only stop words)
        return None


def _dot(X: Any, i: int, j: int) -> float:
    """Dot product of two rows of a CSR matrix (no scipy indexing overhead)."""
    if X is None:
        return 0.0
    a0, a1, b0, b1 = X.indptr[i], X.indptr[i + 1], X.indptr[j], X.indptr[j + 1]
    _common, ia, ib = np.intersect1d(X.indices[a0:a1], X.indices[b0:b1], assume_unique=True, return_indices=True)
    return float(np.dot(X.data[a0:a1][ia], X.data[b0:b1][ib]))


def _rowdots(X: Any, idx: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Dot products of the row pairs ``idx`` (k×2) of a sparse matrix (cosines when rows are unit)."""
    out = np.zeros(len(idx), dtype=np.float32)
    if X is None or not len(idx):
        return out
    for s in range(0, len(idx), chunk):
        a, b = idx[s:s + chunk, 0], idx[s:s + chunk, 1]
        out[s:s + chunk] = np.asarray(X[a].multiply(X[b]).sum(axis=1)).ravel()
    return out


def _text_for_similarity(m: EventMention) -> str:
    """The sentence plus one token per specific action class ("say" is too common to tell events apart)."""
    extra = " ".join(f"action_{a}" for a in m.actions if a != "say")
    base = m.content or m.text
    return f"{base} {extra}" if extra else base


class Scorer:
    """Pair scores of a set of mentions: vectorised over all candidate pairs, or one pair with its
    explanation (for the few pairs an event shows)."""

    def __init__(self, mentions: list[EventMention], names: dict[str, str]):
        from scipy.sparse import csr_matrix

        self.mentions = mentions
        self.names = names
        self.cos = np.zeros(0, dtype=np.float32)
        n = len(mentions)
        self.X = _tfidf([_text_for_similarity(m) for m in mentions]) if mentions else None
        keys: dict[str, int] = {}
        rows, cols = [], []
        for i, m in enumerate(mentions):
            for k in set(m.participants):
                rows.append(i)
                cols.append(keys.setdefault(k, len(keys)))
        self.P = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(len(keys), 1)))
        self.psize = np.diff(self.P.indptr).astype(np.float32)
        self.ndates = np.array([len(m.dates) for m in mentions], dtype=np.int64)
        self.ds = np.array([_ord(m.dates[0][0]) if m.dates else 0 for m in mentions], dtype=np.int64)
        self.de = np.array([_ord(m.dates[0][1]) if m.dates else 0 for m in mentions], dtype=np.int64)
        self.fuzzy = np.array([bool(m.dates) and m.dates[0][2] in FUZZY for m in mentions], dtype=bool)

    def score_all(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(I, J, score, veto) arrays over the candidate pairs (k×2 array of indexes)."""
        idx = np.asarray(idx, dtype=np.int64).reshape(-1, 2)
        I, J = idx[:, 0], idx[:, 1]
        cos = np.clip(_rowdots(self.X, idx), 0.0, 1.0)
        inter = _rowdots(self.P, idx)
        jac = inter / (self.psize[I] + self.psize[J] - inter + 1.0)
        agree = np.full(len(idx), UNDATED, dtype=np.float32)
        veto = np.zeros(len(idx), dtype=bool)
        both = (self.ndates[I] > 0) & (self.ndates[J] > 0)
        simple = both & (self.ndates[I] == 1) & (self.ndates[J] == 1)
        dsI, deI, dsJ, deJ = self.ds[I], self.de[I], self.ds[J], self.de[J]
        same = simple & (dsI == dsJ) & (deI == deJ)
        overlap = simple & ~same & (dsI < deJ) & (dsJ < deI)
        disjoint = simple & ~same & ~overlap
        near = disjoint & (self.fuzzy[I] | self.fuzzy[J]) & (np.maximum(dsJ - deI, dsI - deJ) <= 3)
        agree[same], agree[overlap], agree[near] = 1.0, 0.7, 0.2
        veto[disjoint & ~near] = True
        agree[disjoint & ~near] = 0.0
        for k in np.nonzero(both & ~simple)[0].tolist():  # several dates in a sentence: the exact rule
            value, v, _note = date_agreement(self.mentions[I[k]], self.mentions[J[k]])
            agree[k], veto[k] = value, v
        score = W_SIM * cos + W_JACCARD * jac + W_DATE * agree
        self.cos = cos  # kept for the explanations of the pairs that become links
        return I, J, score, veto

    def detail(self, i: int, j: int, cos: float | None = None) -> _Pair:
        """One pair's score and explanation (``cos``: its TF-IDF cosine when already known)."""
        a, b = self.mentions[i], self.mentions[j]
        c = min(max(_dot(self.X, i, j), 0.0), 1.0) if cos is None else cos
        pa, pb = set(a.participants), set(b.participants)
        inter = pa & pb
        jac = len(inter) / (len(pa | pb) + 1)  # smoothed: one shared name of one is not a match
        agree, _veto, note = date_agreement(a, b)
        shared = tuple(sorted((self.names.get(k, k.split(":", 1)[-1]) for k in inter), key=str.casefold))
        return _Pair(W_SIM * c + W_JACCARD * jac + W_DATE * agree, c, jac, agree, note, shared)


def average_linkage(n: int, sims: dict[tuple[int, int], float], vetoed: set[tuple[int, int]],
                    threshold: float = THRESHOLD, groups: Sequence[Hashable] | None = None) -> list[list[int]]:
    """Clusters (lists of indexes) by average linkage on a sparse similarity graph with cannot-links
    (see :func:`_average_linkage`)."""
    return _average_linkage(n, [(i, j, s) for (i, j), s in sims.items()], vetoed, threshold, groups)


def _average_linkage(n: int, edges: list[tuple[int, int, float]], vetoed: Iterable[tuple[int, int]],
                     threshold: float = THRESHOLD, groups: Sequence[Hashable] | None = None) -> list[list[int]]:
    """Clusters (lists of indexes) by average linkage on a sparse similarity graph with cannot-links.

    ``groups`` (the article of each item): the average between two clusters is taken over their
    pairs *from different groups* only (pairs inside one article are neither evidence for nor
    against: see the module docstring); a pair absent from ``edges`` ((i, j, score) triples) counts as 0.
    """
    groups = list(groups) if groups is not None else list(range(n))
    arts: list[dict] = [{groups[i]: 1} for i in range(n)]  # cluster → {article: mentions}
    size = [1] * n

    def cross(a: int, b: int) -> int:
        """Pairs of mentions from different articles between clusters a and b."""
        if arts[a].keys().isdisjoint(arts[b]):
            return size[a] * size[b]
        small, big = (arts[a], arts[b]) if len(arts[a]) <= len(arts[b]) else (arts[b], arts[a])
        return size[a] * size[b] - sum(c * big.get(g, 0) for g, c in small.items())

    nb: list[dict[int, float]] = [{} for _ in range(n)]
    veto: list[set[int]] = [set() for _ in range(n)]
    for i, j, s in edges:
        nb[i][j] = nb[i].get(j, 0.0) + s
        nb[j][i] = nb[j].get(i, 0.0) + s
    for i, j in vetoed:
        veto[i].add(j)
        veto[j].add(i)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    ver = [0] * n
    heap = [(-s, i, j, 0, 0) for i, j, s in edges if s >= threshold and j not in veto[i]]
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        _neg, i, j, vi, vj = pop(heap)
        if not (alive[i] and alive[j]) or ver[i] != vi or ver[j] != vj or j in veto[i]:
            continue
        if size[i] < size[j]:
            i, j = j, i
        alive[j] = False
        nbi = nb[i]
        nbi.pop(j, None)
        for k, s in nb[j].items():
            if k == i:
                continue
            v = nbi.get(k, 0.0) + s
            nbi[k] = v
            nk = nb[k]
            del nk[j]
            nk[i] = v
        nb[j] = {}
        vi_set = veto[i]
        for k in veto[j]:
            vk = veto[k]
            vk.discard(j)
            if k != i:
                vk.add(i)
                vi_set.add(k)
        veto[j] = set()
        size[i] += size[j]
        ai = arts[i]
        for g, c in arts[j].items():
            ai[g] = ai.get(g, 0) + c
        arts[j] = {}
        members[i].extend(members[j])
        members[j] = []
        ver[i] += 1
        for k, s in nbi.items():
            if s < threshold or k in vi_set:  # an average is at most the sum: no need to count pairs
                continue
            pairs = cross(i, k)
            avg = s / pairs if pairs else 0.0
            if avg >= threshold:
                a, b = (i, k) if i < k else (k, i)
                push(heap, (-avg, a, b, ver[a], ver[b]))
    return [sorted(m) for i, m in enumerate(members) if alive[i]]


def cluster_components(n: int, I: np.ndarray, J: np.ndarray, score: np.ndarray, veto: np.ndarray,
                       threshold: float = THRESHOLD, groups: Sequence[Hashable] | None = None) -> list[list[int]]:
    """:func:`average_linkage` over the whole candidate graph, run as a union of small problems.

    Two clusters merge only when their average ≥ ``threshold``, which needs one pair between them
    scoring ≥ ``threshold``; so every final cluster lies inside one connected component of the
    graph of such *strong* pairs, and the clustering inside a component depends only on the pairs
    and vetoes among its own mentions. Components are found with scipy (C); those of two mentions
    are one merge; only the larger ones run the Python heap, each on its own few pairs. The result
    is the global average linkage's, without its 5M-entry dicts.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keep = ~veto & (score >= EDGE_FLOOR)
    strong = keep & (score >= threshold)
    if not strong.any():
        return [[i] for i in range(n)]
    graph = coo_matrix((np.ones(int(strong.sum()), dtype=np.int8), (I[strong], J[strong])), shape=(n, n))
    _ncomp, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp)
    clusters: list[list[int]] = [[i] for i in np.nonzero(sizes[comp] == 1)[0].tolist()]
    pair_nodes = np.nonzero(sizes[comp] == 2)[0]
    order = np.argsort(comp[pair_nodes], kind="stable")
    pn = pair_nodes[order].tolist()
    clusters.extend([pn[k], pn[k + 1]] for k in range(0, len(pn), 2))  # its one strong pair: merged
    big = sizes[comp] > 2
    if not big.any():
        return clusters
    groups = list(groups) if groups is not None else list(range(n))

    def by_component(mask: np.ndarray) -> dict[int, np.ndarray]:
        sel = np.nonzero(mask & big[I] & (comp[I] == comp[J]))[0]
        sel = sel[np.argsort(comp[I[sel]], kind="stable")]
        c = comp[I[sel]]
        cuts = np.flatnonzero(np.diff(c)) + 1
        return {int(comp[I[part[0]]]): part for part in np.split(sel, cuts) if len(part)}

    edges, vetoes = by_component(keep), by_component(veto)
    nodes = np.nonzero(big)[0]
    nodes = nodes[np.argsort(comp[nodes], kind="stable")]
    cuts = np.flatnonzero(np.diff(comp[nodes])) + 1
    for members in np.split(nodes, cuts):
        c = int(comp[members[0]])
        e = edges.get(c, np.zeros(0, dtype=np.int64))
        v = vetoes.get(c, np.zeros(0, dtype=np.int64))
        local = list(zip(np.searchsorted(members, I[e]).tolist(), np.searchsorted(members, J[e]).tolist(),
                         score[e].tolist()))
        vetoed = zip(np.searchsorted(members, I[v]).tolist(), np.searchsorted(members, J[v]).tolist())
        members = members.tolist()
        for part in _average_linkage(len(members), local, vetoed, threshold, [groups[g] for g in members]):
            clusters.append([members[k] for k in part])
    return clusters


_CONNECTOR = re.compile(r"^(?:mais|et|or|donc|tandis que|en effet|de plus|par ailleurs|en outre|ensuite|ainsi|"
                        r"cependant|pourtant|dans les faits|par contre)\b[,\s]*", re.IGNORECASE)


def _trim(text: str, limit: int = LABEL_CHARS) -> str:
    """A one-line label: leading connector dropped ("Mais", "En effet,"), ~``limit`` characters."""
    text = " ".join(text.split())
    rest = _CONNECTOR.sub("", text)
    if len(rest) >= 12:
        text = rest[0].upper() + rest[1:]
    text = text.rstrip(" ,;:")
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:") + "…"


def event_id(mentions: list[EventMention]) -> str:
    return "ev-" + hashlib.sha1("|".join(sorted(m.key for m in mentions)).encode()).hexdigest()[:12]


def _single_event(m: EventMention, published: dict[str, str | None], names: dict[str, str]) -> Event:
    """The event of a mention linked to nothing (most events: the fast path of :func:`_build_event`)."""
    pub = published.get(m.article_id)
    return Event(event_id([m]), m.date_start, m.date_end, m.granularity if m.date_start else None, _trim(m.text),
                 [Participant(key, names.get(key, key.split(":", 1)[-1]), 1) for key in dict.fromkeys(m.participants)],
                 [m], [], pub or None)


def _build_event(idx: list[int], mentions: list[EventMention], pairs: list[tuple[int, int, float, float]],
                 scorer: Scorer, published: dict[str, str | None], names: dict[str, str],
                 languages: dict[str, str] | None = None) -> Event:
    """``pairs``: the scored candidate pairs (i, j, score, cosine) inside the cluster."""
    if len(idx) == 1:
        return _single_event(mentions[idx[0]], published, names)

    def order(i: int) -> tuple[str, str, int, int]:
        m = mentions[i]
        return (published.get(m.article_id) or "9999", m.article_id, m.passage, m.start)

    idx = sorted(idx, key=order)
    ms = [mentions[i] for i in idx]
    pos = {i: k for k, i in enumerate(idx)}
    # date: most specific, then most frequent, then earliest
    dated = [(m.date_start, m.date_end, m.granularity) for m in ms if m.date_start]
    date: tuple[str | None, str | None, str | None] = (None, None, None)
    if dated:
        counts = Counter(dated)
        date = min(counts, key=lambda d: (granularity_rank(d[2]), -counts[d], d[0]))
    # label: most central mention
    central = {i: 0.0 for i in idx}
    pair_list = sorted(pairs)
    for a, b, sc, _c in pair_list:
        central[a] += sc
        central[b] += sc
    label_i = max(idx, key=lambda i: (central[i], mentions[i].dated, -order(i)[2]))
    # participants by frequency
    freq: Counter[str] = Counter()
    first: dict[str, int] = {}
    for k, m in enumerate(ms):
        for key in m.participants:
            freq[key] += 1
            first.setdefault(key, k)
    parts = [Participant(key, names.get(key, key.split(":", 1)[-1]), freq[key])
             for key in sorted(freq, key=lambda x: (-freq[x], first[x]))]
    # one link per article pair: its best-scoring mention pair
    best: dict[tuple[str, str], tuple[int, int, float, float]] = {}  # article pair → (a, b, score, cosine)
    for a, b, sc, c in pair_list:
        x, y = mentions[a].article_id, mentions[b].article_id
        arts = (x, y) if x <= y else (y, x)
        if arts not in best or sc > best[arts][2]:
            best[arts] = (a, b, sc, c)
    links = []
    for a, b, _sc, c in sorted(best.values(), key=lambda t: -t[2]):
        p = scorer.detail(a, b, c)
        la, lb = (languages or {}).get(mentions[a].article_id, "und"), (languages or {}).get(mentions[b].article_id, "und")
        across = f"{la} ↔ {lb}" if la != lb and "und" not in (la, lb) else ""
        links.append(Link(pos[a], pos[b], round(p.score, 3), round(p.similarity, 3), round(p.jaccard, 3), p.date,
                          p.shared, p.note, across))
    pubs = [pub for m in ms if (pub := published.get(m.article_id))]
    return Event(
        id=event_id(ms),
        date_start=date[0], date_end=date[1], granularity=date[2],
        label=_trim(mentions[label_i].text),
        participants=parts,
        mentions=ms,
        links=links,
        reported=min(pubs) if pubs else None,
    )


def link_mentions(mentions: list[EventMention], published: dict[str, str | None], names: dict[str, str],
                  threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS,
                  max_neighbours: int = MAX_NEIGHBOURS,
                  languages: dict[str, str] | None = None) -> tuple[list[Event], LinkStats]:
    """Cluster mentions into events (see the module docstring). ``published``: article id → ISO date;
    ``languages``: article id → language code (a link between two languages says so)."""
    stats = LinkStats(mentions=len(mentions))
    pairs = candidate_pairs(mentions, published, window_days, max_neighbours)
    stats.candidate_pairs = len(pairs)
    scorer = Scorer(mentions, names)
    I, J, score, veto = scorer.score_all(pairs)
    stats.vetoed_pairs = int(veto.sum())
    clusters = cluster_components(len(mentions), I, J, score, veto, threshold, [m.article_id for m in mentions])
    label = np.empty(len(mentions), dtype=np.int64)
    label[np.fromiter((i for c in clusters for i in c), dtype=np.int64, count=len(mentions))] = np.repeat(
        np.arange(len(clusters)), [len(c) for c in clusters])
    inside = np.nonzero(~veto & (score >= EDGE_FLOOR) & (label[I] == label[J]))[0]
    pairs_of: dict[int, list[tuple[int, int, float, float]]] = {}
    for i, j, sc, c, lab in zip(I[inside].tolist(), J[inside].tolist(), score[inside].tolist(),
                                scorer.cos[inside].tolist(), label[I[inside]].tolist()):
        pairs_of.setdefault(lab, []).append((i, j, sc, c))
    events = [_build_event(c, mentions, pairs_of.get(k, []), scorer, published, names, languages)
              for k, c in enumerate(clusters)]
    events.sort(key=Event.sort_key)
    stats.events = len(events)
    stats.linked_events = sum(1 for e in events if e.linked)
    return events, stats
