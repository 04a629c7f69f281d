"""Generate a realistic French-like corpus of news articles for benchmarks.

    python tests/bench/gencorpus.py OUT_DIR N [--seed S]

Each article: front matter (id, title, language fr, published in 2020–2024, source, url), 300–800
words in 5–12 paragraphs with headings, a block quote now and then, named people, companies and
places drawn from pools (so entities repeat across articles, as in real news), dates in French
("le 12 mars 2023", "hier", "la semaine prochaine", "en 2019") and amounts ("42 000 dollars par
mois", "2,15 milliards d'euros"). Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

FIRST = ["Élise", "Marc", "Sophie", "Jean", "Camille", "Thomas", "Léa", "Nicolas", "Chloé", "Antoine",
         "Inès", "Hugo", "Manon", "Julien", "Sarah", "Mathieu", "Emma", "Pierre", "Lucie", "François"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]
ORGS = ["Microsoft", "Google", "Apple", "Amazon", "Meta", "Twitter", "OpenAI", "Airbus", "Renault", "TotalEnergies",
        "la SNCF", "EDF", "Orange", "Thales", "Danone", "l'Assemblée nationale", "la Commission européenne",
        "Ubisoft", "Dassault", "Michelin", "le Sénat", "l'Insee", "la BCE", "Mistral AI", "Capgemini"]
PLACES = ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg", "Bruxelles",
          "Genève", "Montréal", "Berlin", "Madrid", "Rome", "Londres", "New York", "Miami", "Tokyo", "Pékin", "Dakar"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
SOURCES = ["Le Quotidien", "Tech Hebdo", "L'Économiste", "Ouest Matin", "Numérama Plus", "Le Journal du Net",
           "Presse Libre", "Actu Monde"]
NOUNS = ["plateforme", "décision", "marché", "entreprise", "gouvernement", "projet", "accord", "réseau", "service",
         "utilisateur", "publicité", "annonceur", "données", "réforme", "budget", "élection", "stratégie",
         "concurrence", "innovation", "tarification", "procédure", "enquête", "partenariat", "investissement",
         "croissance", "inflation", "énergie", "transport", "climat", "sécurité", "santé", "éducation",
         "logiciel", "intelligence artificielle", "abonnement", "régulation", "justice", "rachat", "campagne"]
VERBS = ["annonce", "confirme", "dément", "prépare", "présente", "lance", "retire", "critique", "soutient",
         "finance", "rachète", "abandonne", "négocie", "signe", "conteste", "publie", "révèle", "défend"]
ADJS = ["nouvelle", "importante", "stratégique", "publique", "numérique", "européenne", "financière", "récente",
        "majeure", "controversée", "ambitieuse", "inédite", "prochaine", "coûteuse", "gratuite", "payante"]
CONNECT = ["Par ailleurs,", "En effet,", "Cependant,", "De plus,", "En outre,", "Dans les faits,", "Ainsi,",
           "Pourtant,", "Selon les observateurs,", "D'après nos informations,"]
HEADINGS = ["Une décision stratégique", "Les raisons du changement", "Ce que cela change", "Les réactions",
            "Un marché sous tension", "Et maintenant ?", "Le contexte", "Les chiffres clés"]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.people = [f"{a} {b}" for a in FIRST for b in LAST]

    def person(self) -> str:
        # Zipf-like: a few people are in the news a lot
        return self.people[min(int(self.r.paretovariate(1.2)) - 1, len(self.people) - 1) * 7 % len(self.people)]

    def date_expr(self, pub: dt.date) -> str:
        r = self.r
        kind = r.random()
        if kind < 0.35:
            d = pub + dt.timedelta(days=r.randint(-60, 30))
            return f"le {d.day} {MONTHS[d.month - 1]} {d.year}"
        if kind < 0.5:
            return r.choice(["hier", "mercredi", "lundi dernier", "la semaine prochaine", "ce matin"])
        if kind < 0.65:
            return f"au début du mois de {MONTHS[r.randrange(12)]}"
        if kind < 0.8:
            return f"en {r.randint(1995, pub.year)}"
        return f"à la fin de l'année {pub.year - 1}"

    def amount(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return f"{r.randint(1, 999)} {r.choice(['000 dollars', '000 euros'])} par {r.choice(['mois', 'an'])}"
        return f"{r.randint(1, 99)},{r.randint(10, 99)} milliards {r.choice(['de dollars', 'd’euros'])}"

    def sentence(self, pub: dt.date) -> str:
        r = self.r
        subj = r.choice([self.person(), r.choice(ORGS), f"la {r.choice(ADJS)} {r.choice(NOUNS)}"])
        parts = [subj[0].upper() + subj[1:], r.choice(VERBS), f"une {r.choice(ADJS)} {r.choice(NOUNS)}"]
        x = r.random()
        if x < 0.3:
            parts.append(f"à {r.choice(PLACES)}")
        if r.random() < 0.35:
            parts.append(self.date_expr(pub))
        if r.random() < 0.15:
            parts.append(f"pour {self.amount()}")
        if r.random() < 0.4:
            parts.append(f"avec {r.choice(ORGS)}")
        words = " ".join(parts)
        filler = " ".join(r.choice(NOUNS) if i % 2 else r.choice(["de la", "du", "des", "pour la", "sur le", "et la"])
                          for i in range(r.randint(2, 10)))
        s = f"{words} {filler}."
        if r.random() < 0.3:
            s = f"{r.choice(CONNECT)} {s[0].lower()}{s[1:]}"
        return s

    def article(self, n: int) -> tuple[str, str]:
        r = self.r
        pub = dt.date(2020, 1, 1) + dt.timedelta(days=r.randint(0, 365 * 5))
        target = r.randint(300, 800)
        title = f"{r.choice(ORGS + [self.person()])} {r.choice(VERBS)} une {r.choice(ADJS)} {r.choice(NOUNS)}"
        title = title[0].upper() + title[1:]
        body: list[str] = []
        words = 0
        while words < target:
            if body and r.random() < 0.15:
                body.append("## " + r.choice(HEADINGS))
            para = " ".join(self.sentence(pub) for _ in range(r.randint(2, 5)))
            if r.random() < 0.08:
                para = "> « " + para + " »"
            body.append(para)
            words += len(para.split())
        art_id = f"gen-{n:06d}"
        front = (f"---\nid: {art_id}\ntitle: \"{title}\"\nlanguage: fr\npublished: {pub.isoformat()}\n"
                 f"source: \"{r.choice(SOURCES)}\"\nurl: https://example.org/{art_id}\n---\n\n")
        return art_id, front + "\n\n".join(body) + "\n"


def generate(out_dir: Path, n: int, seed: int = 0) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    g = Gen(seed)
    for i in range(n):
        art_id, text = g.article(i)
        (out_dir / f"{art_id}.md").write_text(text, encoding="utf-8")
    return out_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    generate(a.out_dir, a.n, a.seed)
    print(f"wrote {a.n} articles to {a.out_dir}")


if __name__ == "__main__":
    main()
