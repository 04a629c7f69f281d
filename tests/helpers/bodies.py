"""Article bodies more than one test reads."""

# one passage of every kind the article view draws its own way: heading, paragraph long enough to
# wrap, quote, list items, a table, paragraph
STRUCTURE = """# Un titre

Premier paragraphe assez long pour être coupé en plusieurs lignes dans une vue étroite, avec des mots.

> Une citation de quelqu'un.

- premier point
- second point

| Année | Chiffre |
|---|---|
| 2022 | 2,15 milliards |

Dernier paragraphe.
"""
