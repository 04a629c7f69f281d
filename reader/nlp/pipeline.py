"""The spaCy pipeline (ingest process only: importing this module imports spaCy).

:func:`load` builds, once per process and language, from the model :mod:`reader.nlp.registry`
chose for the language (``fr_core_news_md``; ``en_core_web_sm`` or its hash-checked PyPI re-upload
for English; a folder named in the user's ``languages.toml`` — nothing is downloaded)::

    ner  →  curated_ruler  →  reader_entities

- ``ner`` is the model's recogniser. Only what it needs is loaded: in the French md model it has
  its own embedding layer, so ``tok2vec``, ``morphologizer``, ``parser``, ``attribute_ruler`` and
  ``lemmatizer`` are excluded (1.7 s load instead of 6 s, and faster per word); the same in
  ``en_core_web_sm``, whose ``ner`` does not listen to the shared ``tok2vec`` (1.3x faster).
  The registry's ``exclude`` list says what is left out, per language.
- ``curated_ruler`` (a ``span_ruler``) matches the curated names of ``data/entities.tsv`` into
  ``doc.spans["curated"]`` (each pattern's ``id`` is the canonical name).
- ``reader_entities`` (one component: ``doc.ents`` is read and written once, each costs a pass
  over the tokens):

  1. reconciles curated names with the model: same span → the curated label wins (Twitter MISC →
     ORG, Redmond PER → LOC); a model span extending a curated name with capitalised words is
     kept ("Twitter Blue", "Microsoft Advertising", "Twitter Daily News"); any other overlapping
     model span is dropped; curated names the model missed are added.
     Why not an ``entity_ruler`` *before* ``ner``: measured on the gold file, the model then never
     extends a preset name, so "Twitter Blue" came out as "Twitter" (5 of 90 gold mentions lost).
  2. drops model junk: entities without a capital letter or digit, English function words
     ("They"), and, in English passages (quoted tweets), model spans holding lowercase words
     ("Lawsuit time"). In an English pipeline (French-tuned steps off): a leading "the" is
     trimmed instead of dropping the span ("the United States"), lowercase name particles (bin,
     al-, von, van, de) stay inside names, an all-capital stop word is an acronym ("US"), and an
     abbreviation keeps its final dot ("U.S.", "Inc.");
  3. adds a ``PER`` span for an ``(@handle)`` right after a person (merged with that person by
     :mod:`reader.nlp.merge`);
  4. adds DATE and MONEY spans from :func:`reader.nlp.dates.detect` (the language's number format)
     (``doc.char_span(..., alignment_mode="expand")``); rule spans win over overlapping model
     spans (the model reads "April" in "April 19, 2023" as ORG). The candidates go to
     ``doc.user_data["reader_dates"]`` (plain data: it survives ``n_process=2``) so the ingest
     resolves them against the publication date without scanning the text again.

:func:`extract` runs the pipeline over passage texts (the coordinate system) with ``nlp.pipe``
and returns plain :class:`RawMention` tuples.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Span
from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP
from spacy.util import filter_spans

from reader.nlp import dates
from reader.nlp import registry
from reader.nlp.curated import DATA, read_curated  # noqa: F401
from reader.nlp.registry import PIPELINE_VERSION, expected_model_id, language_of  # noqa: F401

if TYPE_CHECKING:
    from spacy.tokens import Doc

CURATED_KEY = "curated"
_MODEL_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
                 "MISC": "MISC", "PRODUCT": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "NORP": "MISC",
                 "DATE": "DATE", "MONEY": "MONEY"}


class RawMention(NamedTuple):
    start: int
    end: int
    text: str
    label: str  # PER ORG LOC MISC DATE MONEY
    canonical: str  # curated canonical name ("" when the model found it)
    rule: tuple | None = None  # DATE/MONEY: the dates.detect candidate, for dates.resolve


# --- the rules component ---------------------------------------------------------------------------

_CONNECT = {"de", "du", "des", "la", "le", "et", "&", "-", "of", "the", "and", "for", "'s"}
_EN_ONLY = {w for w in _EN_STOP if w not in _FR_STOP} - {"me", "on", "plus", "six"}
_FR_ONLY = {w for w in _FR_STOP if w not in _EN_STOP}
_SEGMENT = re.compile(r"[^.!?;:—«»“”\"\n]+")
_WORD = re.compile(r"[A-Za-z']+")
_HANDLE = re.compile(r"[ \u00a0]?\((@\w{1,30})\)")
RULES_KEY = "reader_dates"  # Doc.user_data key: the dates.detect candidates kept as entities
ENTS_KEY = "reader_ents"  # Doc.user_data key: (start_char, end_char, label, id) of the other entities


def _extends(doc: Doc, ent: Span, inside: list[Span]) -> bool:
    """Does the model's ``ent`` extend the curated spans ``inside`` it with name-like tokens only?"""
    covered = {i for c in inside for i in range(c.start, c.end)}
    extra = [t for t in doc[ent.start:ent.end] if t.i not in covered]
    return bool(extra) and all(t.is_title or t.is_upper or t.is_digit or t.lower_ in _CONNECT for t in extra)


def _reconcile(doc: Doc, model: list[Span], curated: list[Span]) -> list[Span]:
    """Model spans + curated spans (see the module docstring, ``reader_entities`` step 1)."""
    if not curated:
        return model
    out: list[Span] = []
    used: set[tuple[int, int]] = set()
    held = dates.Disjoint((c.start, c.end) for c in curated)  # curated: filter_spans'd, sorted, disjoint
    for e in model:
        overlap = [curated[k] for k in held.overlapping(e.start, e.end)]
        if not overlap:
            out.append(e)
            continue
        inside = [c for c in overlap if e.start <= c.start and c.end <= e.end]
        if len(overlap) == 1 and (overlap[0].start, overlap[0].end) == (e.start, e.end):
            continue  # same span: the curated label and id win (added below)
        if len(inside) == len(overlap) and _extends(doc, e, inside):
            out.append(e)  # a longer name holding a curated one: "Twitter Blue", "Microsoft Advertising"
            used.update((c.start, c.end) for c in inside)
        # otherwise the model span is dropped: the curated one wins ("They trained … Twitter data")
    for c in curated:
        if (c.start, c.end) not in used:
            out.append(Span(doc, c.start, c.end, label=c.label_, span_id=c.id_))
    return out


def _english(text: str) -> int:
    """>0 English-looking, <0 French-looking, 0 unknown (stop-word vote)."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN_ONLY for w in words)
    fr = sum(w in _FR_ONLY for w in words)
    return 0 if en + fr < 2 else (1 if en > fr else -1)


def _is_english_at(doc: Doc, pos: int, cache: dict[str, Any]) -> bool:
    if "passage" not in cache:
        cache["passage"] = _english(doc.text)
        cache["segments"] = [(m.start(), m.end(), _english(m.group())) for m in _SEGMENT.finditer(doc.text)]
        cache["starts"] = [s for s, _e, _v in cache["segments"]]
    k = bisect.bisect_right(cache["starts"], pos) - 1  # the segments are disjoint and sorted
    if k >= 0:
        s, e, vote = cache["segments"][k]
        if s <= pos < e and vote:
            return vote > 0
    return cache["passage"] > 0


# lowercase particles inside names: "Mohammed bin Salman", "Ursula von der Leyen", "Bashar al-Assad"
PARTICLES = {"bin", "bint", "ibn", "al", "el", "abu", "von", "van", "der", "den", "de", "da", "di", "del", "della",
             "dos", "das", "du", "la", "le", "ter", "zu", "y"}
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|Bros|St|Mt)\.$")


def _junk(ent: Span, cache: dict[str, Any], english: bool = False) -> bool:
    """Model output that is no name. In an English pipeline (``english``): a lowercase name
    particle is part of a name, an all-capital stop word is an acronym ("US"); the French pipeline's
    stop-word vote for quoted English passages does not apply (everything is English)."""
    text = ent.text
    if len(text.strip()) < 2 or not any(c.isupper() or c.isdigit() for c in text):
        return True
    first = ent[0].lower_
    if english:
        if len(ent) == 1 and first in _EN_STOP and not ent[0].is_upper:
            return True
        return any(t.is_alpha and t.is_lower and t.lower_ not in _CONNECT and t.lower_ not in PARTICLES
                   for t in ent[1:])
    if len(ent) == 1 and first in _EN_ONLY:
        return True
    lowercase = [t for t in ent[1:] if t.is_alpha and t.is_lower and t.lower_ not in _CONNECT]
    if (lowercase or first in _EN_ONLY) and _is_english_at(ent.doc, ent.start_char, cache):
        return True
    return False


_EN_TITLES = {"president", "prime", "minister", "crown", "prince", "princess", "king", "queen", "chancellor",
              "senator", "sen.", "rep.", "governor", "gov.", "mayor", "general", "gen.", "chairman", "ceo", "pope",
              "sheikh", "emir", "dr.", "mr.", "mrs.", "ms.", "sir", "lord", "judge", "secretary"}


def _trim_the(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "the United States" → "United States" (the model includes the article; dropping the
    whole span lost 157 correct places on held-out news); a person's leading titles are left out
    ("Crown Prince Mohammed bin Salman" → "Mohammed bin Salman"); a person cut after a lowercase
    particle takes the capitalised words that follow ("Ursula von der" + "Leyen")."""
    out = []
    ents = sorted(ents, key=lambda e: e.start)
    skip_until = -1
    for e in ents:
        if e.start < skip_until:
            continue
        start, end = e.start, e.end
        if end - start > 1 and doc[start].lower_ == "the" and not e.id_:
            start += 1
        if e.label_ in ("PERSON", "PER") and not e.id_:
            while end - start > 1 and doc[start].lower_ in _EN_TITLES and doc[start + 1].is_title:
                start += 1
            if doc[end - 1].lower_ in PARTICLES:
                j = end
                while j < len(doc) and doc[j].lower_ in PARTICLES:
                    j += 1
                if j < len(doc) and doc[j].is_title:
                    end = j + 1
                    skip_until = end  # the model's piece after the particle ("Leyen" as a place) goes
        if (start, end) != (e.start, e.end):
            e = Span(doc, start, end, label=e.label_)
        out.append(e)
    return out


_ALLER_DEVOIR = {"va", "vont", "vais", "vas", "allons", "allez", "doit", "doivent", "dois", "devons", "devez"}


def morph_tense(doc: Doc, start: int, end: int) -> str | None:
    """Tense ("fut", "past", "pres", see :data:`reader.nlp.dates.TENSES`) of the verb nearest to the
    characters ``[start, end)`` in their sentence, from the model's morphology, when the pipeline
    has a morphologizer (not ours by default: on every passage it costs 1.6x the ``ner`` alone, and
    measured on "remettrait"/"remettra" md tags Imp/Pres where the verb endings are right;
    :func:`reader.nlp.dates.resolve` reads the endings first). ``Tense=Fut`` or
    ``Mood=Cnd``: "fut"; ``Tense=Imp``/``Past``: "past"; an auxiliary takes its participle's
    tense, "va/doit" + infinitive is "fut", a scheduled participle "est prévue" is "fut")."""
    lo, hi = dates.sentence_bounds(doc.text, start, end)
    span = doc.char_span(lo, hi, alignment_mode="expand")
    if span is None:
        return None
    toks = list(span)
    best = None
    for k, t in enumerate(toks):
        if t.pos_ not in ("VERB", "AUX") or (start <= t.idx < end):
            continue
        morph = t.morph
        nxt = next((u for u in toks[k + 1:k + 4] if u.pos_ in ("VERB", "AUX")), None)
        if "Cnd" in morph.get("Mood", []) or "Fut" in morph.get("Tense", []):
            tense = "fut"
        elif t.lower_ in _ALLER_DEVOIR and nxt is not None and "Inf" in nxt.morph.get("VerbForm", []):
            tense = "fut"
        elif t.pos_ == "AUX" and nxt is not None and "Part" in nxt.morph.get("VerbForm", []):
            tense = "fut" if nxt.lower_.startswith(dates.SCHEDULED) else "past"
            t = nxt  # the distance from the participle: "a démissionné lundi et partira vendredi"
        elif "Part" in morph.get("VerbForm", []) and k and toks[k - 1].pos_ == "AUX":
            continue  # read with its auxiliary
        elif {"Imp", "Past"} & set(morph.get("Tense", [])):
            tense = "past"
        elif "Pres" in morph.get("Tense", []):
            tense = "pres"
        else:
            continue
        dist = start - (t.idx + len(t)) if t.idx < start else t.idx - end
        if best is None or dist < best[0]:
            best = (dist, tense)
    return best[1] if best else None


class ReaderEntities:
    """The ``reader_entities`` component (a class: it pickles for ``n_process=2``)."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        return _entities(doc, self.lang)


@Language.factory("reader_entities", default_config={"lang": "fr"})
def _make_reader_entities(nlp: Language, name: str, lang: str) -> ReaderEntities:
    return ReaderEntities(lang)


def _entities(doc: Doc, lang: str = "fr") -> Doc:
    """Curated names, junk filter, handles, then dates and amounts (in ``lang``'s number format) —
    one read and one write of ``doc.ents`` (each costs a pass over the tokens)."""
    english = lang == "en"
    model = list(doc.ents)
    if english:
        model = _trim_the(doc, model)
    curated = filter_spans(doc.spans[CURATED_KEY]) if CURATED_KEY in doc.spans else []
    cache: dict[str, Any] = {}
    ents = [e for e in _reconcile(doc, model, curated) if e.id_ or not _junk(e, cache, english)]
    if "(@" in doc.text:
        persons_end = {e.end_char for e in ents if e.label_ in ("PER", "PERSON")}
        for m in _HANDLE.finditer(doc.text):
            if m.start() in persons_end:
                span = doc.char_span(m.start(1), m.end(1), label="PER", alignment_mode="expand")
                if span is not None:
                    ents.append(span)
    rule, kept_cands = [], []
    ruled = dates.Disjoint()
    for cand in dates.detect(doc.text, lang):
        start, end, kind, _groups = cand
        span = doc.char_span(start, end, label="MONEY" if kind.startswith("money") else "DATE",
                             alignment_mode="expand")
        if span is not None and not ruled.overlaps(span.start, span.end):
            ruled.add(span.start, span.end)
            rule.append(span)
            kept_cands.append(cand)
    if rule:
        ents = [e for e in ents if not ruled.overlaps(e.start, e.end)] + rule
        if doc.has_annotation("MORPH"):
            for cand in kept_cands:
                if cand[2] == "weekday" and not cand[3].get("wrel"):
                    tense = morph_tense(doc, cand[0], cand[1])
                    if tense:
                        cand[3]["tense"] = tense  # dates.resolve reads it instead of the verb endings
        doc.user_data[RULES_KEY] = kept_cands
    final = filter_spans(ents)
    doc.ents = final
    # plain copy for doc_mentions: reading doc.ents again would cost another pass over the tokens
    doc.user_data[ENTS_KEY] = [(e.start_char, e.end_char, e.label_, e.id_) for e in final
                               if e.label_ not in ("DATE", "MONEY")]
    return doc


# --- the tokenizer guard ---------------------------------------------------------------------------

LONG_RUN = 100  # characters without whitespace above which spaCy's tokenizer is bypassed
PUNCT_RUN = 8  # … or this many punctuation characters in a row
LONG_RUNS_KEY = "reader_long_runs"  # Doc.user_data key: [start, end) of each run longer than LONG_RUN
_SUSPECT = re.compile(r"(?:[^\w\s]|_){%d}|\S{%d}" % (PUNCT_RUN, LONG_RUN + 1))
_PUNCT_RUN = re.compile(r"(?:[^\w\s]|_){%d}" % PUNCT_RUN)
_WORDS = re.compile(r"\S+")
_PIECE = re.compile(r"[^\W_]+|[\W_]+")  # letters/digits, or everything else


class LongRunTokenizer:
    """spaCy's tokenizer, except on runs without whitespace longer than :data:`LONG_RUN` or
    holding :data:`PUNCT_RUN` punctuation characters in a row: those are cut here into pieces of
    letters/digits and pieces of everything else.

    spaCy strips a run's prefixes and suffixes one at a time, each time searching the rest of the
    run again: quadratic in the run's length (measured: 5,000 ``[`` in 2.7 s, 60,000 in 570 s — the
    "60 KB file of brackets" that stalled the ingest — and 750 lines of 79 ``[`` in 2 s). The Doc's
    text is the passage's text, character for character, so every offset is unchanged; runs longer
    than :data:`LONG_RUN` are listed in ``doc.user_data[LONG_RUNS_KEY]`` for the article's note."""

    def __init__(self, inner: Any) -> None:  # spaCy's Tokenizer (a Cython class without a stub)
        self.inner = inner
        self.vocab = inner.vocab

    def __call__(self, text: str) -> Doc:
        if _SUSPECT.search(text) is None:
            return self.inner(text)  # the common case: spaCy as usual
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        runs = []
        pos = 0

        def add_text(segment: str) -> None:
            for t in self.inner(segment):
                words.append(t.text)
                spaces.append(bool(t.whitespace_))

        for m in _WORDS.finditer(text):
            if len(m.group()) <= LONG_RUN and _PUNCT_RUN.search(m.group()) is None:
                continue
            if m.start() > pos:
                add_text(text[pos:m.start()])
            if len(m.group()) > LONG_RUN:
                runs.append((m.start(), m.end()))
            for piece in _PIECE.finditer(m.group()):
                words.append(piece.group())
                spaces.append(False)
            pos = m.end()
            if text.startswith(" ", pos):  # one space after the run: its last piece's whitespace
                spaces[-1] = True
                pos += 1
        if pos < len(text):
            add_text(text[pos:])
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if runs:
            doc.user_data[LONG_RUNS_KEY] = runs
        return doc

    # spaCy serialises the tokenizer with the pipeline: delegate to the real one
    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.inner.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs: Any) -> LongRunTokenizer:
        self.inner.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.inner.to_disk(path, **kwargs)

    def from_disk(self, path: str | Path, **kwargs: Any) -> LongRunTokenizer:
        self.inner.from_disk(path, **kwargs)
        return self


# --- loading ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load(lang: str = "fr") -> Language:
    """The full pipeline for ``lang`` (cached per process), from the model
    :func:`reader.nlp.registry.resolve` chose (hash-checked). Raises OSError, with the note an
    article gets, when no usable model is installed."""
    resolved = registry.resolve(lang)
    if resolved.chosen is None or resolved.model_id is None or resolved.chosen.path is None:
        raise OSError(resolved.reason())
    nlp = spacy.load(resolved.chosen.path, exclude=resolved.exclude)
    nlp.tokenizer = LongRunTokenizer(nlp.tokenizer)
    where = {"after": "ner"} if "ner" in nlp.pipe_names else {"last": True}
    ruler = nlp.add_pipe("span_ruler", name="curated_ruler", config={"spans_key": CURATED_KEY, "validate": False},
                         **where)
    patterns: list[dict[str, Any]] = []
    for label, canonical, aliases in read_curated():
        for form in (canonical, *aliases):
            patterns.append({"label": label, "pattern": form, "id": canonical})
    assert isinstance(ruler, SpanRuler)
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(patterns)
    nlp.add_pipe("reader_entities", last=True, config={"lang": resolved.lang})
    nlp.meta["reader_model"] = resolved.model_id
    nlp.meta["reader_package"] = f"{resolved.chosen.spec} {resolved.chosen.version}"
    return nlp


def model_id(nlp: Language) -> str:
    """The ``model`` string stored in annotations, e.g. ``fr_core_news_md-3.8.0+reader1``."""
    return nlp.meta["reader_model"]


def extract(nlp: Language, texts: Iterable[str], batch_size: int = 64, n_process: int = 1) -> Iterator[list[RawMention]]:
    """Mentions of each text (in order), with exact character spans in that text."""
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield doc_mentions(doc)


def doc_mentions(doc: Doc) -> list[RawMention]:
    """The mentions of a processed doc; DATE/MONEY keep the rule's exact span and candidate."""
    text = doc.text
    english = doc.lang_ == "en"
    out = []
    for cand in doc.user_data.get(RULES_KEY, ()):
        start, end, kind = cand[0], cand[1], cand[2]
        out.append(RawMention(start, end, text[start:end], "MONEY" if kind.startswith("money") else "DATE", "",
                              tuple(cand)))
    ents = doc.user_data.get(ENTS_KEY)
    if ents is None:  # a doc not processed by reader_entities
        ents = [(e.start_char, e.end_char, e.label_, e.id_) for e in doc.ents]
    for start, end, model_label, canonical in ents:
        label = _MODEL_LABELS.get(model_label)
        if label is None or label in ("DATE", "MONEY"):
            continue
        # trim what token expansion or the model left around the name
        while end > start and text[end - 1] in " \u00a0,.;:!?»)\"'’”":
            if text[end - 1] == "." and english and _ABBREV_END.search(text, start, end):
                break  # "U.S.", "Apple Inc.": the dot is the name's
            end -= 1
        while start < end and text[start] in " \u00a0«(\"'“":
            start += 1
        if start < end:
            out.append(RawMention(start, end, text[start:end], label, canonical or ""))
    out.sort(key=lambda r: (r.start, r.end))
    return out
