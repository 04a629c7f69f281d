"""Mentions → entities, with a key stable across articles (pure Python, no spaCy).

Key: ``LABEL:normalised name``. Normalisation folds case and accents; for people it keeps single
spaces between words ("PER:elon musk"); for other labels it also drops spaces, hyphens, dots and
apostrophes, so "Open AI", "OpenAI" and "Open-AI" are one "ORG:openai". A curated name (from the
EntityRuler) uses its canonical form. DATE and MONEY keys use the normalised value
("DATE:2023-04-25/2023-04-26", "MONEY:42000 USD/month").

Within one article:

- People: honorifics ("M.", "Mme", "Dr"…) and elided articles ("d'") are ignored; a one-word
  mention ("Musk") joins the full name seen in the same article whose last (or, failing that,
  first) word it is — the most mentioned one if several; an ``@handle`` right after a person
  ("Elon Musk (@elonmusk)") joins that person.
- Labels: the model may tag the same name ORG here and MISC there; model mentions with the same
  key text take the label of the curated list if any, else the majority label (ties: first seen).
- :class:`~reader.entities.model.EntityInfo` ``name`` is the curated canonical name, else the most
  frequent full form (longest on ties); ``mentions`` counts the article's mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from reader.entities.model import EntityInfo, Mention, fold

_HONORIFIC = re.compile(r"^(?:M\.|MM\.|Mme|Mmes|Mlle|Mlles|Me|Dr|Pr|Mr\.?|Mrs\.?|Ms\.?|Sir|Dame)\s+")
_ELISION = re.compile(r"^(?:[dlDL]['’]|de\s+|du\s+)(?=[A-ZÀ-Ý@])")
_HANDLE_SUFFIX = re.compile(r"\s*\(@\w+\)$")
_POSSESSIVE = re.compile(r"['’]s$")
_SQUASH = re.compile(r"[\s\-_.'’·]+")


@dataclass
class Draft:
    """A mention before merging (what the pipeline found)."""

    passage: int
    start: int
    end: int
    text: str
    label: str
    canonical: str = ""  # curated canonical name, "" for model mentions
    value: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    granularity: str | None = None


def clean_name(text: str, label: str) -> str:
    """The name a mention refers to, without titles, elisions or a trailing handle."""
    name = " ".join(text.split())
    name = _HANDLE_SUFFIX.sub("", name)
    name = _POSSESSIVE.sub("", name)
    name = _ELISION.sub("", name)
    if label == "PER":
        name = _HONORIFIC.sub("", name)
    return name.strip() or " ".join(text.split())


def key_text(label: str, name: str) -> str:
    folded = fold(name)
    if label == "PER":
        return " ".join(folded.replace("-", " ").split())
    return _SQUASH.sub("", folded)


def entity_key(label: str, name: str) -> str:
    """The cross-article key of a name, e.g. ``entity_key("ORG", "Open AI") == "ORG:openai"``."""
    return f"{label}:{key_text(label, name)}"


def merge(drafts: list[Draft]) -> tuple[list[Mention], list[EntityInfo]]:
    """One article's drafts → (mentions with entity keys, entities sorted by mentions)."""
    drafts = sorted(drafts, key=lambda d: (d.passage, d.start, d.end))
    names = [clean_name(d.text, d.label) if d.label not in ("DATE", "MONEY") else d.text for d in drafts]

    # 1. one label per name: curated label wins, else majority among model mentions
    votes: dict[str, Counter] = {}
    curated_label: dict[str, str] = {}
    for d, name in zip(drafts, names):
        if d.label in ("DATE", "MONEY"):
            continue
        kt = _SQUASH.sub("", fold(d.canonical or name))
        if d.canonical:
            curated_label[kt] = d.label
        votes.setdefault(kt, Counter())[d.label] += 1
    labels = []
    for d, name in zip(drafts, names):
        if d.label in ("DATE", "MONEY") or d.canonical:
            labels.append(d.label)
            continue
        kt = _SQUASH.sub("", fold(name))
        labels.append(curated_label.get(kt) or votes[kt].most_common(1)[0][0])

    # 2. keys
    keys: list[str] = []
    for d, name, label in zip(drafts, names, labels):
        if label in ("DATE", "MONEY"):
            keys.append(f"{label}:{d.value}" if d.value else f"{label}:{' '.join(fold(d.text).split())}")
        else:
            keys.append(entity_key(label, d.canonical or name))

    # 3. people: one-word names and handles join a full name of the same article
    full: Counter = Counter(k for k, lab in zip(keys, labels) if lab == "PER" and " " in k[4:])
    for i, (d, label) in enumerate(zip(drafts, labels)):
        if label != "PER":
            continue
        word = keys[i][4:]
        if d.text.startswith("@"):
            prev = _person_before(drafts, labels, keys, i)
            if prev is not None:
                keys[i] = prev
            continue
        if " " in word or not full:
            continue
        for pos in (-1, 0):
            cands = [(n, k) for k, n in full.items() if k[4:].split()[pos] == word]
            if cands:
                keys[i] = max(cands)[1]
                break

    # 4. entities
    forms: dict[str, Counter] = {}
    canon: dict[str, str] = {}
    elabel: dict[str, str] = {}
    for d, name, label, key in zip(drafts, names, labels, keys):
        elabel.setdefault(key, label)
        if d.canonical:
            canon.setdefault(key, d.canonical)
        if not d.text.startswith("@"):
            forms.setdefault(key, Counter())[name] += 1
    mentions = [
        Mention(d.passage, d.start, d.end, d.text, label, key, d.value, d.date_start, d.date_end, d.granularity)
        for d, label, key in zip(drafts, labels, keys)
    ]
    counts = Counter(keys)
    entities = []
    for key, n in counts.items():
        name = canon.get(key) or _best_form(forms.get(key)) or key.split(":", 1)[1]
        entities.append(EntityInfo(key, elabel[key], name, n))
    entities.sort(key=lambda e: (-e.mentions, e.key))
    return mentions, entities


def _best_form(forms: Counter | None) -> str | None:
    if not forms:
        return None
    # multi-word forms first (a full name over a surname), then frequency, then length
    return max(forms.items(), key=lambda kv: (" " in kv[0], kv[1], len(kv[0])))[0]


def _person_before(drafts: list[Draft], labels: list[str], keys: list[str], i: int) -> str | None:
    d = drafts[i]
    for j in range(i - 1, -1, -1):
        o = drafts[j]
        if o.passage != d.passage:
            return None
        if labels[j] == "PER" and not o.text.startswith("@") and 0 <= d.start - o.end <= 3:
            return keys[j]
        if o.end <= d.start - 3:
            return None
    return None
