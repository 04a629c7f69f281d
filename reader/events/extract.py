"""Event mentions of one article: dated or triggered sentences with their participants.

Pipeline for one article version (pure Python, ~0.1 ms a passage):

1. **Sentences** — :func:`split_sentences` cuts a passage's text with a regex: a sentence ends at
   ``. ! ? …`` (plus closing quotes/brackets) followed by a space and an upper-case letter, a digit,
   an opening quote or a dash. It does not cut after French abbreviations (``M.``, ``Mme.``,
   ``Dr.``, ``cf.``, ``n°.``, initials like ``J.``) nor after English ones (``Mr.``, ``U.S.``, ``Jan.``) nor *inside* quotes « » “ ” (a quoted tweet of
   two sentences stays with its "a-t-il tweeté"), unless the quote runs past 400 characters.
   Fragments of fewer than 3 words, or starting with a dash (``— Elon Musk (@elonmusk) …``), join
   the sentence before them. :func:`split_clauses` then cuts coordinated clauses ("; ", ", mais ",
   ", tandis que ") of 6+ words each: one clause, one happening.
2. **Selection** — headings and code are skipped; a sentence is kept when it holds a DATE mention
   resolved by the entity pipeline in the article's language (relative dates such as
   "aujourd'hui", "hier" or "on Wednesday" are resolved against the article's publication date,
   so they count) or an event trigger (:data:`ACTIONS`: annonce, retire, lance, rachète, accuse,
   poursuite, procès, tweet, …, and their English counterparts — remove, withdraw, launch,
   acquire, sue, charge, … —, in action classes shared by the languages: an English "remove" and a
   French « retirer » both give the linker the token ``action_remove``).
3. **Mention** — span (of the sentence, or of the clause), text, the sentence's most specific date (smallest granularity, then the
   first), every date of the sentence (used for the date veto), participants = the PER/ORG/LOC/MISC
   entity keys whose mentions lie in the sentence, the first trigger, the action classes, and the
   ``content`` the linker's TF-IDF compares: the sentence without its entity and date mentions
   (those are scored apart, by Jaccard and by date agreement, not counted twice).

Results are cached per article content hash as JSON under ``<cache>/events/<hash>.json`` (atomic
write, versioned; a corrupt or old file is recomputed). The cache records whether entity
annotations existed, so an article extracted before its entities were ready is redone later.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_left
from pathlib import Path

from reader.entities import cache as ann_store
from reader import paths
from reader.entities.model import Annotations
from reader.fileio import write_json_atomic
from reader.events.model import EventMention, granularity_rank

EXTRACT_VERSION = 5  # 5: English triggers and abbreviations
PARTICIPANT_LABELS = ("PER", "ORG", "LOC", "MISC")
MAX_QUOTE = 400

_ABBREV = {
    "m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "mgr", "st", "ste", "cf", "etc.", "p", "pp",
    "av", "apr", "j.-c", "n°", "no", "vol", "chap", "fig", "ex", "env", "art", "al", "éd", "coll", "min", "max",
    "mr", "mrs", "ms", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "bd", "av", "réf", "tél",
    # English: titles, months, "U.S." and the like (the initials rule covers "J.")
    "prof", "gen", "gov", "sen", "rep", "rev", "lt", "col", "capt", "sgt", "u.s", "u.k", "e.g", "i.e", "approx",
    "jan", "feb", "mar", "aug", "sept", "oct", "nov", "dec", "dept",
}
_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]*[»”])?[\"')\]]*")
_NEXT = re.compile(r"\s+(?=[A-ZÀ-ÖØ-Þ0-9«“\"'(\[—–-])")
_OPEN_Q = "«“"
_CLOSE_Q = "»”"

# Event triggers, grouped in action classes (in the spirit of GDELT's action codes). A sentence's
# specific classes (all but "say") are added as tokens to the text the linker compares, so
# "fait payer son API" and "sera facturée" share something although no word is common.
ACTIONS = {
    "remove": r"retir\w*|retrait\w*|suppr\w*|dispar\w*|ne (?:prendra|prendront|sera|seront|pourra|pourront) plus"
              r"|remov(?:e|es|ed|ing|al)\b|withdr[ae]w\w*|drop(?:s|ped|ping)?\b|pull(?:s|ed|ing)? out|no longer",
    "legal": r"accus\w*|poursuite\w*|poursuivr\w*|procès|procédure\w*|plainte\w*|justice|illégal\w*|illegal\w*"
             r"|lawsuit\w*|sued|condamn\w*|attaqu\w*|su(?:e|es|ing)\b",
    "pay": r"pay(?:er|ant|ante|ants|antes|é|ée|és|ées)\b|factur\w*|tarif\w*|charg(?:es|ed|ing)\b|fees?\b",
    "acquire": r"rach[eè]t\w*|rachat\w*|acquisition\w*|acqui[eè]r\w*|fusion\w*|acquir(?:e|es|ed|ing)\b"
               r"|bought\b|merg(?:e|es|ed|er)\b",
    "invest": r"investi\w*|financ(?:e|é|er|ement)\w*|invest(?:s|ed|ing|ment)?\b|fund(?:s|ed|ing)\b",
    "launch": r"lanc(?:e|é|er|ement)\w*|inaugur\w*|dévoil\w*|sortie|launch\w*|unveil\w*|releas(?:e|es|ed)\b",
    "people": r"démission\w*|nomm[ée]\w*|licenci\w*|cofond\w*|quitt\w*|rejoin\w*|resign\w*|appoint\w*"
              r"|fired\b|laid off|co-?found\w*",
    "ban": r"interdi\w*|bloqu\w*|censur\w*|bann(?:ed|ing)\b|bans?\b|block(?:s|ed|ing)\b",
    "say": r"annon[cç]\w*|officialis\w*|déclar\w*|réagi\w*|répon[dsu]\w*|tweet\w*|announc\w*|menac\w*|trained"
           r"|react(?:s|ed)\b|said\b|threaten\w*",
}
_ACTION_RE = {k: re.compile(r"\b(?:" + v + r")", re.IGNORECASE) for k, v in ACTIONS.items()}
_TRIGGER_RE = re.compile(r"\b(?:" + "|".join(ACTIONS.values()) + r")", re.IGNORECASE)
# nouns that look like a trigger but name no happening
_NOT_TRIGGERS = re.compile(r"annonceu|annonces? publicitaire", re.IGNORECASE)


def _is_abbrev(text: str, dot: int) -> bool:
    """Is the period at ``dot`` the end of an abbreviation or an initial?"""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "«“(\"'":
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Dupont"


def _quote_depth_at(text: str) -> list[int] | None:
    """Quote nesting depth before each character (« » and “ ” only: straight quotes are ambiguous);
    None when the text has no opening quote (depth 0 everywhere)."""
    if "«" not in text and "“" not in text:
        return None
    depth = 0
    out = []
    for ch in text:
        out.append(depth)
        if ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q and depth > 0:
            depth -= 1
    out.append(depth)
    return out


def split_sentences(text: str, depth: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of a passage's text (stripped, end exclusive)."""
    if depth is None:
        depth = _quote_depth_at(text)
    cuts: list[int] = []
    quote_open_at = None
    for m in _END.finditer(text):
        nxt = _NEXT.match(text, m.end())
        if not nxt and m.end() != len(text):
            continue
        if _is_abbrev(text, m.start()) and m.group() == ".":
            continue
        d = depth[m.end()] if depth else 0
        if d > 0:
            # inside a quote: cut only if the quote is very long
            if quote_open_at is None:
                k = m.start()
                while k > 0 and depth[k] > 0:
                    k -= 1
                quote_open_at = k
            if m.end() - quote_open_at < MAX_QUOTE:
                continue
        else:
            quote_open_at = None
        cuts.append(m.end())
    spans: list[tuple[int, int]] = []
    pos = 0
    for c in cuts + [len(text)]:
        seg = text[pos:c]
        lead = len(seg) - len(seg.lstrip())
        s, e = pos + lead, pos + len(seg.rstrip())
        if e > s:
            spans.append((s, e))
        pos = c
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        piece = text[s:e]
        if merged and (len(piece.split()) < 3 or piece[0] in "—–"):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if len(merged) > 1 and len(text[merged[0][0]:merged[0][1]].split()) < 3:
        merged[0:2] = [(merged[0][0], merged[1][1])]
    return merged


_CLAUSE = re.compile(r";\s+|,\s+(?=mais\s|tandis\s+que\s)")
MIN_CLAUSE_WORDS = 6


def split_clauses(text: str, start: int, end: int, depth: list[int] | None = None) -> list[tuple[int, int]]:
    """Cut a sentence ``text[start:end]`` into coordinated clauses ("…; …", "…, mais …",
    "…, tandis que …") when each part has at least 6 words: a sentence such as "Microsoft n'a pas
    donné de raison à ce retrait, mais il intervient alors que Twitter fait payer son API" reports
    two happenings. Never cuts inside quotes (``depth``: :func:`_quote_depth_at` of ``text``)."""
    if depth is None:
        depth = _quote_depth_at(text)
    cuts = [start]
    for m in _CLAUSE.finditer(text, start, end):
        if depth and depth[m.start()] > 0:
            continue
        left = text[cuts[-1]:m.start()]
        right = text[m.end():end]
        if len(left.split()) >= MIN_CLAUSE_WORDS and len(right.split()) >= MIN_CLAUSE_WORDS:
            cuts.append(m.start() + 1)  # the comma/semicolon stays with the left clause
    cuts.append(end)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        out.append((a + lead, a + len(seg.rstrip())))
    return [(a, b) for a, b in out if b > a]


def find_trigger(sentence: str) -> str | None:
    """The first event trigger of a sentence, or None."""
    for m in _TRIGGER_RE.finditer(sentence):
        if not _NOT_TRIGGERS.match(sentence, m.start()):
            return m.group(0)
    return None


def find_actions(sentence: str) -> tuple[str, ...]:
    """The action classes of a sentence's triggers (see :data:`ACTIONS`)."""
    out = []
    for name, rx in _ACTION_RE.items():
        if any(not _NOT_TRIGGERS.match(sentence, m.start()) for m in rx.finditer(sentence)):
            out.append(name)
    return tuple(out)


def _valid_interval(start: str | None, end: str | None) -> bool:
    """Both ends are ISO dates and start < end (annotations are data: never trust them blindly)."""
    try:
        return bool(start and end) and dt.date.fromisoformat(start) < dt.date.fromisoformat(end)
    except (TypeError, ValueError):
        return False


def _masked(text: str, s: int, e: int, spans) -> str:
    """The sentence without its entity and date mentions (they are compared apart: Jaccard, dates)."""
    out, pos = [], s
    for m in sorted(spans, key=lambda m: m.start):
        if m.start >= pos:
            out.append(text[pos:m.start])
            pos = m.end
    out.append(text[pos:e])
    return " ".join("".join(out).split())


def extract_mentions(article_id: str, passages, ann: Annotations | None) -> list[EventMention]:
    """Event mentions of one article (``passages``: its :class:`reader.passages.Passage` tuple)."""
    by_passage = ann.by_passage() if ann else {}
    out: list[EventMention] = []
    for p in passages:
        if p.kind in ("heading", "code"):
            continue
        ments = by_passage.get(p.index, [])  # sorted by start
        starts = [m.start for m in ments]
        depth = _quote_depth_at(p.text)
        spans = [c for ss, se in split_sentences(p.text, depth) for c in split_clauses(p.text, ss, se, depth)]
        for s, e in spans:
            lo, hi = bisect_left(starts, s), bisect_left(starts, e)
            inside = [m for m in ments[lo:hi] if m.end <= e]
            dates = [m for m in inside if m.label == "DATE" and _valid_interval(m.date_start, m.date_end)]
            sentence = p.text[s:e]
            trigger = find_trigger(sentence)
            if not dates and not trigger:
                continue
            best = min(dates, key=lambda m: (granularity_rank(m.granularity), m.start)) if dates else None
            parts: dict[str, None] = {}
            for m in inside:
                if m.label in PARTICIPANT_LABELS and m.entity:
                    parts.setdefault(m.entity, None)
            content = _masked(p.text, s, e, [m for m in inside if m.label in PARTICIPANT_LABELS or m.label == "DATE"])
            out.append(EventMention(
                article_id=article_id,
                passage=p.index,
                start=s,
                end=e,
                text=sentence,
                date_start=best.date_start if best else None,
                date_end=best.date_end if best else None,
                granularity=(best.granularity or "day") if best else None,
                date_text=best.text if best else None,
                dates=tuple((m.date_start, m.date_end, m.granularity or "day") for m in dates),
                participants=tuple(parts),
                trigger=trigger,
                actions=find_actions(sentence) if trigger else (),
                content=content,
            ))
    return out


# --- cache --------------------------------------------------------------------------------------

def events_cache_dir() -> Path:
    return paths.cache_subdir("events")


def _cache_file(content_hash: str) -> Path:
    return events_cache_dir() / f"{content_hash}.json"


def load_cached(content_hash: str) -> tuple[list[EventMention], dict[str, str], bool] | None:
    """(mentions, names, annotated) from the cache, or None when missing, corrupt or of an old version."""
    try:
        data = json.loads(_cache_file(content_hash).read_text(encoding="utf-8"))
        if data.get("version") != EXTRACT_VERSION:
            return None
        names = {str(k): str(v) for k, v in data.get("names", {}).items()}
        return [EventMention.from_json(m) for m in data["mentions"]], names, bool(data.get("annotated"))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def participant_names(mentions: list[EventMention], ann: Annotations | None) -> dict[str, str]:
    """Display names of the participants (entity key → canonical name)."""
    info = {e.key: e.name for e in ann.entities} if ann else {}
    out = {}
    for m in mentions:
        for key in m.participants:
            out[key] = info.get(key) or key.split(":", 1)[-1]
    return out


def save_cached(content_hash: str, mentions: list[EventMention], names: dict[str, str], annotated: bool) -> None:
    write_json_atomic(_cache_file(content_hash), {"version": EXTRACT_VERSION, "annotated": annotated, "names": names,
                                                  "mentions": [m.to_json() for m in mentions]})


def _annotated_since(content_hash: str) -> bool:
    """Were the article's annotations written again after its mentions were cached (another model,
    or another language: :mod:`reader.languages`)?"""
    try:
        return ann_store._file(content_hash).stat().st_mtime_ns > _cache_file(content_hash).stat().st_mtime_ns
    except OSError:
        return False


def mentions_for(meta) -> tuple[list[EventMention], dict[str, str], bool]:
    """Cached or freshly extracted mentions of one article version (see the module docstring).

    Returns (mentions, participant names, extracted now?). Raises
    :class:`reader.corpus.ArticleFileError` for an unreadable file.
    """
    cached = load_cached(meta.content_hash)
    if cached is not None:
        mentions, names, annotated = cached
        if (annotated and not _annotated_since(meta.content_hash)) or not ann_store.has(meta.content_hash):
            return mentions, names, False
    from reader.corpus import load_article

    article = load_article(meta)
    ann = ann_store.load(article.meta.content_hash)
    mentions = extract_mentions(article.meta.id, article.passages, ann)
    names = participant_names(mentions, ann)
    save_cached(article.meta.content_hash, mentions, names, ann is not None)
    return mentions, names, True
