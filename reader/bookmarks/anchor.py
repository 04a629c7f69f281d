"""Re-anchoring: find a bookmark's text in the current version of its article, or say it is lost.

:func:`anchor` returns an :class:`Anchor` ``(passage, start, end, status)`` in
:attr:`Passage.text` coordinates of the *current* article:

``exact``
    same article version, or the quote is at its recorded article-level position (with context);
``moved``
    the exact quote is elsewhere (see "exact search" below);
``fuzzy``
    the quote was edited: a bounded fuzzy alignment (rapidfuzz) inside a few candidate passages,
    scored 50/20/20/2 on quote, prefix, suffix and position similarity (as Hypothesis does);
``orphaned``
    nothing is placed (passage/start/end are None). The bookmark itself is never touched.

Exact search. Occurrences of the quote with at least :data:`PLAUSIBLE` characters of quote +
intact adjacent context (every occurrence, for an imported annotation, see below) are ranked by context *similarity* to the stored prefix/suffix (one edited
character next to the quote costs little there); occurrences within :data:`SIMILARITY_MARGIN` of
the best are a tie, won by the nearest to the recorded position. Then the winner alone is judged —
if it fails, the exact stage gives up (rather than fall back to a worse occurrence) and the fuzzy
stage decides. A quote of :data:`LONG_QUOTE` characters or more is its own evidence; a shorter one
must bring its context:

- *a passage edge is context*: when the text between the quote and its passage's start (or end)
  is intact and the edge is there, that side earns :data:`BOUNDARY_BONUS`, so a short quote near
  an edge survives edits to the neighbouring passages;
- quote + intact context (+ edges) ≥ :data:`MIN_EVIDENCE`; the part inside its own passage ≥
  :data:`MIN_LOCAL_EVIDENCE` (context from a neighbour only says "comes after that passage", also
  true of whatever replaced a deleted passage); each side ≥ :data:`SIDE_EVIDENCE` and, unless
  intact to the edge, similar ≥ :data:`SIDE_SIMILARITY` (a phrase repeated elsewhere matches on
  one side only).

An imported annotation whose article version is unknown (no ``contentHash``: made by another tool,
its context — if any — from another rendering of the text) is different: when its quote occurs
*once* in the article, that occurrence anchors whatever the quote's length, unless a context side it
brought contradicts it (neither intact to the passage edge nor similar ≥ :data:`SIDE_SIMILARITY`).
A quote occurring several times still needs the evidence above to choose.

Never a wrong place — "how much it changed" and "how far it moved" have separate thresholds:

- changed: a fuzzy candidate needs quote similarity ≥ :data:`QUOTE_MIN`; quotes shorter than
  :data:`FUZZY_SHORT` also need their context inside their passage similar on each side
  (≥ :data:`SIDE_SIMILARITY`) and overall (≥ :data:`CONTEXT_MIN`), and their whole stored context
  similar ≥ :data:`WIDE_CONTEXT_MIN`; quotes shorter than
  :data:`FUZZY_MIN_QUOTE` are only ever found exactly.
- moved: a short exact quote found more than :data:`NEAR_EXACT` characters from where it was needs
  :data:`STRONG_SIDE` intact characters (or the edge) on *each* side; a fuzzy candidate farther than
  :func:`near_limit` must be nearly unchanged (≥ :data:`QUOTE_MIN_FAR`). Two fuzzy candidates in
  different passages with nearly equal scores → orphaned (unsure).

Bounded work: exact search scans at most :data:`MAX_EXACT_CANDIDATES` occurrences, those within
:data:`NEAR_WINDOW` of the recorded position first (and stops there on a perfect match); fuzzy search
aligns the quote (or its head and tail, :data:`ALIGN_MAX` characters, for long quotes) against at
most :data:`FUZZY_PASSAGES` passages chosen by word overlap plus the passages at the recorded
position — never the whole article at once. Candidates never cross a passage boundary.

:func:`anchor_article` anchors all bookmarks of an article and remembers the results in the store
per article version, so re-anchoring happens once per version.
"""

from __future__ import annotations

import heapq
import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from reader.bookmarks.model import CONTEXT, ORPHANED, Anchor, Bookmark, BookmarkError
from reader.passages import SEPARATOR

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Mapping

    from reader.bookmarks.store import BookmarkStore
    from reader.corpus import Article, ArticleMeta
    from reader.passages import ParsedArticle

ANCHOR_VERSION = 2  # bump when the algorithm changes: remembered anchors are then recomputed

# exact search (characters unless said otherwise; see the module docstring)
PLAUSIBLE = 8
SIMILARITY_MARGIN = 0.1  # on a 0..2 scale (prefix + suffix similarity)
LONG_QUOTE = 64
MIN_EVIDENCE = 32
MIN_LOCAL_EVIDENCE = 20
SIDE_EVIDENCE = 8
SIDE_SIMILARITY = 0.6
BOUNDARY_BONUS = 8
NEAR_EXACT = 256
STRONG_SIDE = 24
MAX_EXACT_CANDIDATES = 5000
NEAR_WINDOW = 4096  # exact search looks here first (around the recorded position)
FUZZY_MIN_QUOTE = 12  # shorter quotes are only ever found exactly
# fuzzy search
QUOTE_MIN = 0.75
QUOTE_MIN_FAR = 0.90
CONTEXT_MIN = 0.70
WIDE_CONTEXT_MIN = 0.50
FUZZY_SHORT = 64  # fuzzy matches of quotes shorter than this also need their context
FUZZY_PASSAGES = 6
ALIGN_MAX = 256
SNAP = 24  # how far a fuzzy boundary may be moved onto the quote's exact head/tail or a passage edge
AMBIGUOUS = 0.02

_WORD = re.compile(r"\w{3,}")


def near_limit(plain_len: int) -> int:
    """How far (characters) a fuzzy match may sit from the recorded position and still count as near."""
    return max(2000, plain_len // 5)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _in_passage(parsed: ParsedArticle, pos: int, length: int) -> tuple[int, int] | None:
    """(passage, start) when ``plain[pos:pos+length]`` lies inside one passage, else None."""
    idx, off = parsed.locate(pos)
    p = parsed.passages[idx]
    if p.offset + off != pos or off + length > len(p.text):
        return None
    return idx, off


def _local(context: str, before: bool) -> int | None:
    """Length of the part of a stored prefix (``before``) or suffix inside the quote's own passage,
    or None when the passage boundary lies beyond the stored context."""
    if before:
        k = context.rfind(SEPARATOR)
        if k >= 0:
            return len(context) - k - len(SEPARATOR)
    else:
        k = context.find(SEPARATOR)
        if k >= 0:
            return k
    return len(context) if len(context) < CONTEXT else None  # shorter context: the article's edge


def _edge(plain: str, b: int, before: bool) -> bool:
    """Is there a passage edge (or the text's edge) at ``b``, before or after it?"""
    if before:
        return b == 0 or plain[b - len(SEPARATOR):b] == SEPARATOR
    return b == len(plain) or plain[b:b + len(SEPARATOR)] == SEPARATOR


def _evident(n: int, left: int, right: int, total: int) -> bool:
    """Enough evidence that a short exact occurrence is the bookmarked one: ``left``/``right`` are
    the evidence each side inside the passage (intact characters, + the edge), ``total`` the quote
    and all intact context (see the module docstring)."""
    return min(left, right) >= SIDE_EVIDENCE and n + left + right >= MIN_LOCAL_EVIDENCE and total >= MIN_EVIDENCE


def _sides(bm: Bookmark, plain: str, pos: int, n: int, local_pre: int | None, local_suf: int | None):
    """Intact context characters before/after an occurrence, and whether each side is intact up to
    a passage edge that sits where the stored context puts it."""
    j = pos + n
    pre = _common_suffix(bm.prefix, plain[max(0, pos - len(bm.prefix)):pos])
    suf = _common_prefix(bm.suffix, plain[j:j + len(bm.suffix)])
    edge_pre = local_pre is not None and pre >= local_pre and _edge(plain, pos - local_pre, True)
    edge_suf = local_suf is not None and suf >= local_suf and _edge(plain, j + local_suf, False)
    return pre, suf, edge_pre, edge_suf


def _exact(bm: Bookmark, parsed: ParsedArticle) -> Anchor | None:
    plain, quote = parsed.plain_text, bm.quote
    n, size = len(quote), len(parsed.plain_text)
    lp, ls = len(bm.prefix), len(bm.suffix)
    local_pre, local_suf = _local(bm.prefix, True), _local(bm.suffix, False)
    most = lp + ls
    found: list[tuple[int, int]] = []  # (intact context, position) of plausible occurrences
    seen = 0
    # the region around the recorded position first: a perfect match there cannot be beaten
    lo, hi = max(0, bm.pos_start - NEAR_WINDOW), min(size, bm.pos_end + NEAR_WINDOW)
    for region_lo, region_hi, skip in ((lo, hi, None), (0, size, (lo, hi))):
        i = plain.find(quote, region_lo, region_hi)
        while i != -1 and seen < MAX_EXACT_CANDIDATES:
            if skip and skip[0] <= i and i + n <= skip[1]:
                i = plain.find(quote, skip[1] - n + 1, region_hi)
                continue
            seen += 1
            j = i + n
            pre = _common_suffix(bm.prefix, plain[max(0, i - lp):i])
            suf = _common_prefix(bm.suffix, plain[j:j + ls])
            if n + pre + suf >= PLAUSIBLE or not bm.content_hash:  # a foreign quote may be its own evidence
                found.append((pre + suf, i))
            i = plain.find(quote, i + 1, region_hi)
        if found and max(found)[0] >= most:
            break
    # rank the plausible occurrences by context *similarity* (one edited character next to the
    # quote costs little, unlike in the intact-character count; a side intact up to the passage
    # edge is perfect); near-ties go to the nearest
    ranked = []
    for _, pos in found:
        where = _in_passage(parsed, pos, n)
        if where is not None:
            pre, suf, edge_pre, edge_suf = _sides(bm, plain, pos, n, local_pre, local_suf)
            sim = (1.0 if edge_pre else _ratio(bm.prefix, plain[max(0, pos - CONTEXT):pos])) + \
                (1.0 if edge_suf else _ratio(bm.suffix, plain[pos + n:pos + n + CONTEXT]))
            ranked.append((sim, pos, where, (pre, suf, edge_pre, edge_suf)))
    if not ranked:
        return None
    top = max(r[0] for r in ranked)
    sim, pos, (idx, off), (pre, suf, edge_pre, edge_suf) = min(
        (r for r in ranked if r[0] >= top - SIMILARITY_MARGIN), key=lambda r: (abs(r[1] - bm.pos_start), -r[0]))
    if n < LONG_QUOTE and not _sole_foreign(bm, plain, pos, edge_pre, edge_suf):
        # the winner must also bring enough intact context, or nothing is sure
        j = pos + n
        if not _evident(n, min(pre, lp if local_pre is None else local_pre) + BOUNDARY_BONUS * edge_pre,
                        min(suf, ls if local_suf is None else local_suf) + BOUNDARY_BONUS * edge_suf,
                        n + pre + suf + BOUNDARY_BONUS * (edge_pre + edge_suf)):
            return None
        # and neither side may contradict it (unless that side is intact up to the passage edge);
        # far from where it was, each side must be intact for STRONG_SIDE characters or to the edge
        if abs(pos - bm.pos_start) > NEAR_EXACT:
            if not (edge_pre or pre >= STRONG_SIDE) or not (edge_suf or suf >= STRONG_SIDE):
                return None
        if not edge_pre and _ratio(bm.prefix, plain[max(0, pos - CONTEXT):pos]) < SIDE_SIMILARITY:
            return None
        if not edge_suf and _ratio(bm.suffix, plain[j:j + CONTEXT]) < SIDE_SIMILARITY:
            return None
    return Anchor(idx, off, off + n, "exact" if pos == bm.pos_start else "moved")


def _sole_foreign(bm: Bookmark, plain: str, pos: int, edge_pre: bool, edge_suf: bool) -> bool:
    """Is ``pos`` the only occurrence of an imported annotation's quote (article version unknown),
    with no context side of its own contradicting it? (See the module docstring.)"""
    quote = bm.quote
    if bm.content_hash or plain.find(quote) != pos or plain.find(quote, pos + 1) != -1:
        return False
    j = pos + len(quote)
    before, after = plain[max(0, pos - len(bm.prefix)):pos], plain[j:j + len(bm.suffix)]
    return (not bm.prefix or edge_pre or _ratio(bm.prefix, before) >= SIDE_SIMILARITY) and \
        (not bm.suffix or edge_suf or _ratio(bm.suffix, after) >= SIDE_SIMILARITY)


def _align(quote: str, text: str) -> tuple[int, int] | None:
    if len(text) <= len(quote):
        return 0, len(text)
    if len(quote) <= ALIGN_MAX:
        a = fuzz.partial_ratio_alignment(quote, text)
        return a.dest_start, a.dest_end
    half = ALIGN_MAX // 2
    head = fuzz.partial_ratio_alignment(quote[:half], text)
    tail = fuzz.partial_ratio_alignment(quote[-half:], text)
    if tail.dest_end <= head.dest_start:
        return None
    return head.dest_start, tail.dest_end


def _refine(bm: Bookmark, text: str, s: int, e: int) -> tuple[int, int]:
    """Move fuzzy boundaries onto the quote's exact head/tail, or onto the passage edges it had."""
    k = min(8, len(bm.quote))
    head, tail = bm.quote[:k], bm.quote[-k:]
    spots = [m for m in _finds(text, head, max(0, s - SNAP), s + SNAP + k)]
    if spots:
        s = min(spots, key=lambda m: abs(m - s))
    spots = [m + k for m in _finds(text, tail, max(0, e - SNAP - k), e + SNAP)]
    if spots:
        e = min(spots, key=lambda m: abs(m - e))
    if bm.at_passage_start and s <= SNAP:
        s = 0
    if bm.whole_passage and len(text) - e <= SNAP:
        e = len(text)
    return (s, e) if s < e else (0, 0)


def _finds(text: str, needle: str, lo: int, hi: int):
    i = text.find(needle, lo, hi)
    while i != -1:
        yield i
        i = text.find(needle, i + 1, hi)


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def _fuzzy(bm: Bookmark, parsed: ParsedArticle) -> Anchor:
    quote = bm.quote
    n = len(quote)
    passages, plain = parsed.passages, parsed.plain_text
    if n < FUZZY_MIN_QUOTE or not passages:
        return ORPHANED
    here, _ = parsed.locate(min(max(bm.pos_start, 0), len(plain)))
    candidates = {here - 1, here, here + 1, bm.passage}
    words = set(_WORD.findall(quote.casefold()))
    if words:
        overlap = ((len(words.intersection(_WORD.findall(p.text.casefold()))), p.index) for p in passages)
        candidates.update(i for score, i in heapq.nlargest(FUZZY_PASSAGES, overlap) if score)
    near = near_limit(len(plain))
    local_prefix = bm.prefix.rsplit(SEPARATOR, 1)[-1]
    local_suffix = bm.suffix.split(SEPARATOR, 1)[0]
    scored: list[tuple[float, int, int, int]] = []
    for idx in candidates:
        if not 0 <= idx < len(passages) or not passages[idx].text:
            continue
        p = passages[idx]
        span = _align(quote, p.text)
        if span is None:
            continue
        s, e = _refine(bm, p.text, *span)
        if s >= e:
            continue
        found = p.text[s:e]
        q = _ratio(quote, found)
        if q < QUOTE_MIN:
            continue
        ps, pe = p.offset + s, p.offset + e
        # full-size context: a stored context cut short by the article's edge only matches that edge
        before, after = plain[max(0, ps - CONTEXT):ps], plain[pe:pe + CONTEXT]
        if n < FUZZY_SHORT:
            # a short quote needs its own passage's context (up to the passage edges) to match, and
            # the wider context not to contradict it
            left, right = p.text[max(0, s - CONTEXT):s], p.text[e:e + CONTEXT]
            if _ratio(local_prefix, left) < SIDE_SIMILARITY or _ratio(local_suffix, right) < SIDE_SIMILARITY:
                continue  # each side must agree: a repeated phrase matches on one side only
            if _ratio(local_prefix + "\n" + local_suffix, left + "\n" + right) < CONTEXT_MIN or \
                    _ratio(bm.prefix + "\n" + bm.suffix, before + "\n" + after) < WIDE_CONTEXT_MIN:
                continue
        distance = abs(ps - bm.pos_start)
        if distance > near and q < QUOTE_MIN_FAR:
            continue
        position = max(0.0, 1.0 - distance / max(1, len(plain)))
        score = (50 * q + 20 * _ratio(bm.prefix, before) + 20 * _ratio(bm.suffix, after) + 2 * position) / 92
        scored.append((score, idx, s, e))
    if not scored:
        return ORPHANED
    scored.sort(reverse=True)
    score, idx, s, e = scored[0]
    if len(scored) > 1 and scored[1][1] != idx and scored[1][0] >= score - AMBIGUOUS:
        return ORPHANED
    return Anchor(idx, s, e, "fuzzy")


def anchor(bookmark: Bookmark, article: Article) -> Anchor:
    """Where ``bookmark`` sits in ``article`` (its current version); see the module docstring."""
    parsed = article.parsed
    if not bookmark.quote or not parsed.passages:
        return ORPHANED
    passages = parsed.passages
    if bookmark.content_hash and bookmark.content_hash == article.meta.content_hash:
        if 0 <= bookmark.passage < len(passages) and \
                passages[bookmark.passage].text[bookmark.start:bookmark.end] == bookmark.quote:
            return Anchor(bookmark.passage, bookmark.start, bookmark.end, "exact")
    return _exact(bookmark, parsed) or _fuzzy(bookmark, parsed)


def anchor_article(store: BookmarkStore, article: Article) -> list[tuple[Bookmark, Anchor]]:
    """Anchor every live bookmark of ``article``, reusing and remembering results per article version.

    Returns (bookmark, anchor) pairs in reading order (orphans last).
    """
    bookmarks = store.for_article(article.id)
    if not bookmarks:
        return []
    key = f"{article.meta.content_hash}:{ANCHOR_VERSION}"
    remembered = store.cached_anchors(key)
    fresh: dict[str, Anchor] = {}
    pairs = []
    for bm in bookmarks:
        a = remembered.get(bm.uuid)
        if a is None:
            a = fresh[bm.uuid] = anchor(bm, article)
        pairs.append((bm, a))
    try:
        store.remember_anchors(key, fresh)
    except BookmarkError:
        pass  # remembering is an optimisation; a busy database must not stop the reader
    pairs.sort(key=lambda pa: (pa[1].orphaned, pa[1].passage or 0, pa[1].start or 0))
    return pairs


def anchor_bookmarks(store: BookmarkStore, bookmarks: Iterable[Bookmark], metas: Mapping[str, ArticleMeta],
                     on_error: Callable[[ArticleMeta, str], None] | None = None,
                     load: Callable[[ArticleMeta], Article] | None = None,
                     ) -> dict[str, tuple[Anchor, str | None]]:
    """Anchor many bookmarks against the current article files (each article read once).

    Returns ``{uuid: (anchor, current text at the anchor or None)}``; a bookmark whose article is
    not in ``metas`` or cannot be read is orphaned (``on_error(meta, message)`` hears about the
    latter). ``load`` reads an article (default :func:`reader.corpus.load_article`). The one rule
    for ``reader bookmarks`` and the bookmarks screen. Reads files: run it off the UI thread.
    """
    from reader.corpus import ArticleFileError, load_article

    load = load or load_article

    out: dict[str, tuple[Anchor, str | None]] = {}
    wanted = list(bookmarks)
    for art_id in sorted({b.article_id for b in wanted}):
        meta = metas.get(art_id)
        if meta is None:
            continue
        try:
            article = load(meta)
        except ArticleFileError as exc:
            if on_error:
                on_error(meta, str(exc))
            continue
        for bm, a in anchor_article(store, article):
            out[bm.uuid] = (a, None if a.orphaned else article.passages[a.passage].text[a.start:a.end])
    for bm in wanted:
        out.setdefault(bm.uuid, (ORPHANED, None))
    return out
