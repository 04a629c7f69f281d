"""Merging mentions into entities (pure Python)."""

from __future__ import annotations

from reader.nlp.merge import Draft, clean_name, entity_key, merge


def d(passage, start, text, label, canonical="", **kw):
    return Draft(passage, start, start + len(text), text, label, canonical, **kw)


def keys_by_text(mentions):
    return {(m.text, m.passage, m.start): m.entity for m in mentions}


def test_surname_and_title_join_the_full_name():
    mentions, entities = merge([
        d(0, 0, "Elon Musk", "PER"), d(1, 0, "Musk", "PER"), d(2, 5, "M. Musk", "PER"),
        d(3, 0, "Elon Musk", "PER"), d(3, 12, "@elonmusk", "PER"),
    ])
    assert {m.entity for m in mentions} == {"PER:elon musk"}
    assert entities == [entities[0]] and entities[0].name == "Elon Musk" and entities[0].mentions == 5


def test_surname_alone_without_full_name_keeps_its_own_key():
    mentions, _ = merge([d(0, 0, "Musk", "PER")])
    assert mentions[0].entity == "PER:musk"


def test_two_people_with_same_surname_go_to_the_most_mentioned():
    mentions, _ = merge([d(0, 0, "Jean Martin", "PER"), d(0, 20, "Jean Martin", "PER"),
                         d(1, 0, "Sophie Martin", "PER"), d(2, 0, "Martin", "PER")])
    assert mentions[-1].entity == "PER:jean martin"


def test_organisation_spellings_are_one_entity():
    mentions, entities = merge([d(0, 0, "Open AI", "ORG"), d(1, 0, "OpenAI", "ORG"), d(2, 0, "Open-AI", "ORG")])
    assert {m.entity for m in mentions} == {"ORG:openai"}
    assert len(entities) == 1 and entities[0].mentions == 3


def test_curated_canonical_name_wins_and_key_is_stable_across_articles():
    a, ea = merge([d(0, 0, "Open AI", "ORG", "OpenAI")])
    b, eb = merge([d(0, 0, "OpenAI", "ORG")])
    assert a[0].entity == b[0].entity == entity_key("ORG", "OpenAI") == "ORG:openai"
    assert ea[0].name == "OpenAI"


def test_accents_and_case_fold():
    assert entity_key("ORG", "Société Générale") == entity_key("ORG", "societe generale")
    assert entity_key("PER", "Élise  Dubois") == "PER:elise dubois"


def test_majority_label_for_model_mentions():
    mentions, entities = merge([d(0, 0, "Microsoft Advertising", "MISC"), d(1, 0, "Microsoft Advertising", "ORG"),
                                d(2, 0, "Microsoft Advertising", "MISC")])
    assert {m.label for m in mentions} == {"MISC"}
    assert len(entities) == 1


def test_clean_name():
    assert clean_name("Elon Musk (@elonmusk)", "PER") == "Elon Musk"
    assert clean_name("Mme Dupont", "PER") == "Dupont"
    assert clean_name("d’Elon Musk", "PER") == "Elon Musk"


def test_dates_and_money_keyed_by_value():
    mentions, entities = merge([
        d(0, 0, "hier", "DATE", value="2023-04-18/2023-04-19"),
        d(1, 0, "18 avril 2023", "DATE", value="2023-04-18/2023-04-19"),
        d(2, 0, "42 000 dollars par mois", "MONEY", value="42000 USD/month"),
    ])
    assert [m.entity for m in mentions] == ["DATE:2023-04-18/2023-04-19"] * 2 + ["MONEY:42000 USD/month"]
    assert {e.key: e.mentions for e in entities}["DATE:2023-04-18/2023-04-19"] == 2
