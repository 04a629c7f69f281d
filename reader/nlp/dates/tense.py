"""The tense of a bare weekday's sentence, read from French verb endings or English auxiliaries."""

from __future__ import annotations

import re

from reader.nlp.dates.model import FR_WEEKDAYS

# tense of a bare weekday's sentence: "remettrait sa démission lundi" is the coming Monday

TENSES = ("fut", "past", "pres")  # groups["tense"] of a weekday candidate: read here from verb endings,
# else from the model's morphology when the spaCy pipeline has some (it sets groups["tense"])
SCHEDULED = ("prévu", "programmé", "attendu", "fixé", "planifié")  # "est prévue lundi": to come
_SENTENCE_END = re.compile(r"[.;!?\n]")
_W = r"[a-zàâäçéèêëîïôöùûüœ'’-]"
_FR_TENSE_CUES = re.compile(
    # future and conditional (Mood=Cnd): remettra, circuleront, serait, pourrait, remettrait
    rf"(?P<fut>(?<!{_W})(?:"
    rf"{_W}+(?:rai|ra|ront)"
    rf"|{_W}*(?:er|ir|rr|dr|ttr|evr|uivr|vivr|clur)(?:ais|ait|ions|iez|aient)"
    rf"|(?:aur|saur)(?:ais|ait|ions|iez|aient)"
    # futur proche and scheduled: va remettre, vont circuler, doit rendre, est prévu(e)
    rf"|(?:va|vont|vais|allons|doit|doivent)[ \u00a0]+(?:(?:se|le|la|les)[ \u00a0]+|[sl]['’])?"
    rf"{_W}+(?:er|ir|re|oir)"
    rf"|(?:est|sont|sera|seront)[ \u00a0]+(?:{'|'.join(w + 'e?s?' for w in SCHEDULED)})"
    rf")(?!{_W}))"
    # passé composé (auxiliary, at most two little words, a participle), imparfait, passé simple
    rf"|(?P<past>(?<!{_W})(?:"
    rf"(?:a|ont|ai|avons|avez|est|sont|suis|sommes)(?:[ \u00a0]+(?:ne|n['’]|pas|déjà|bien|aussi|encore|"
    rf"été|{_W}+ment|-t-il|-t-elle|-t-on))*[ \u00a0]+{_W}+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|û|it|ite|its|"
    rf"ites|ert|erte|erts|ertes|int|inte|ints|intes|ort|orte|orts|ortes)"
    rf"|{_W}+(?:ait|aient|èrent)|fut|furent|eut|eurent"
    rf")(?!{_W}))",
    re.IGNORECASE)
_EN_TENSE_CUES = re.compile(r"(?P<fut>\b(?:will|would|shall|'ll|’ll|going to|(?:is|are|was|were)(?: also| now)?"
                            r" (?:expected|scheduled|set|due|slated|poised|going) to|plans? to|intends? to)\b)"
                            r"|(?P<past>\b(?:was|were|had|did|\w+ed)\b)", re.IGNORECASE)
# words with those endings that are no verbs in that tense (nouns, adjectives, imparfait of -irer)
_NOT_A_TENSE = {
    "vrai", "extra", "caméra", "opéra", "ultra", "cobra", "mantra", "sierra", "tiara", "sahara", "agora", "front",
    "affront", "fait", "lait", "trait", "portrait", "retrait", "extrait", "attrait", "souhait", "parfait", "forfait",
    "bienfait", "méfait", "distrait", "abstrait", "soustrait", "satisfait", "contrefait", "surfait", "refait",
    "plait", "tirait", "retirait", "attirait", "virait", "admirait", "inspirait", "aspirait", "soupirait",
    "expirait", "désirait", "tiraient", "retiraient", "attiraient", "lui", "qui", "aussi", "ici", "parmi", "celui",
    "ceci", "midi", "jeudi", "lundi", "mardi", "mercredi", "vendredi", "samedi", "dimanche", "sous", "plus",
    "tous", "nous", "vous", "dessus", "jusqu", "vu", "su", "lu", "du", "tu", "début", "salut", "statut", "but",
    "institut", "tribut", "attribut", "substitut", "bout", "tout", "surtout", "partout", "avant", "après",
}


def sentence_bounds(text: str, start: int, end: int, reach: int = 500) -> tuple[int, int]:
    """``[lo, hi)`` of the sentence holding ``text[start:end]`` (cut at . ; ! ? and newlines),
    at most ``reach`` characters each side (bounded work, however long the passage)."""
    lo = max(0, start - reach)
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    nxt = _SENTENCE_END.search(text, end, min(len(text), end + reach))
    return lo, nxt.start() if nxt else min(len(text), end + reach)


def text_tense(text: str, start: int, end: int, english: bool = False) -> str | None:
    """Tense of the verb nearest to ``text[start:end]`` in its sentence, read from French verb
    endings (or English auxiliaries): "fut" (future, conditional, "va/doit + infinitive", "est
    prévu"), "past" (passé composé, imparfait, passé simple) or None (no cue: a present tense or no
    verb). Future and conditional endings are regular in French, so this light rule comes before
    the model's morphology (see :func:`resolve`)."""
    lo, hi = sentence_bounds(text, start, end)
    best = None
    for m in (_EN_TENSE_CUES if english else _FR_TENSE_CUES).finditer(text, lo, hi):
        word = m.group().lower().replace("’", "'")
        last = word.split()[-1] if " " in word else word
        if m.start() < end and start < m.end():
            continue  # the weekday itself ("mardi" ends in -i)
        if not english and (last in _NOT_A_TENSE or word in _NOT_A_TENSE or last in FR_WEEKDAYS):
            continue
        dist = start - m.end() if m.end() <= start else m.start() - end
        tense = "fut" if m.group("fut") else "past"
        if best is None or dist < best[0]:
            best = (dist, tense)
    return best[1] if best else None
