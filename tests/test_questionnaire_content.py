"""The shipped questionnaire, Klantbewustzijn zelfscan v1.0, meets what the product promises."""

import re

from questionnaires.loader import DEFAULT_DIR, discover


def test_it_is_the_only_questionnaire_shipped_and_loads_cleanly():
    catalog = discover(DEFAULT_DIR)
    assert catalog.problems == []
    assert list(catalog.questionnaires) == ["klantbewustzijn-zelfscan@1.0"]


def test_structure(zelfscan):
    assert zelfscan.title.nl == "Klantbewustzijn zelfscan"
    assert [c.id for c in zelfscan.competencies] == ["ontvankelijk", "klantgevoelig", "lerend"]
    assert [c.title.nl for c in zelfscan.competencies] == ["Ontvankelijk", "Klantgevoelig", "Lerend"]
    assert all(len(c.dimensions) == 4 for c in zelfscan.competencies)
    assert all(len(d.questions) >= 3 for d in zelfscan.dimensions())
    assert len(zelfscan.questions()) >= 36


def test_at_least_two_actions_per_level_step_per_dimension(zelfscan):
    for dimension in zelfscan.dimensions():
        for step in (1, 2, 3, 4):
            assert len(dimension.actions_for_step(step)) >= 2, (dimension.id, step)


def test_dimensions_cover_every_framework_item(zelfscan):
    """Gouden Oor organisation areas, ISO 10002 principles and the themes of the model are all covered."""
    used = {tag for question in zelfscan.questions() for tag in question.tags}
    for framework in zelfscan.frameworks:
        for item in framework.items:
            assert f"{framework.id}:{item.id}" in used, f"{framework.id}:{item.id} is not covered"
    assert {fw.id for fw in zelfscan.frameworks} == {"gouden-oor", "iso10002", "thema"}


def test_it_says_it_is_based_on_principles_and_never_claims_certification(zelfscan):
    assert "gebaseerd op" in zelfscan.basis.nl.lower() and "based on" in zelfscan.basis.en.lower()
    assert "geen certificering" in zelfscan.basis.nl.lower()
    texts = [zelfscan.description.nl, zelfscan.description.en]
    for question in zelfscan.questions():
        texts += [question.text.nl, question.text.en, question.help.nl, question.help.en]
    for text in texts:
        assert not re.search(r"gecertificeerd|certified|keurmerk behaald", text, re.I), text


def test_level_descriptors_are_distinct_and_short_enough_to_choose_from(zelfscan):
    for question in zelfscan.questions():
        for lang in ("nl", "en"):
            descriptors = [level.get(lang) for level in question.levels]
            assert len(set(descriptors)) == 5, (question.id, lang)
            assert all(len(d) <= 260 for d in descriptors), (question.id, lang)


def test_dutch_sentences_are_short(zelfscan):
    """B1: short sentences. On average at most 15 words per sentence, none longer than 25."""
    sentences = []
    for question in zelfscan.questions():
        for text in [question.text.nl, question.help.nl] + [level.nl for level in question.levels]:
            sentences += [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    lengths = [len(s.split()) for s in sentences]
    assert sum(lengths) / len(lengths) <= 15
    assert max(lengths) <= 25, [s for s in sentences if len(s.split()) > 25][:3]
