"""The shipped questionnaires, Klantbewustzijn zelfscan 1.0 and 1.1, meet what the product promises."""

import re
from collections import Counter

import pytest

from questionnaires.loader import DEFAULT_DIR, discover, load_questionnaire
from scoring.comparison import match_questions


@pytest.fixture(scope="module")
def v11():
    return load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")


def test_the_two_versions_are_shipped_and_load_cleanly():
    catalog = discover(DEFAULT_DIR)
    assert catalog.problems == []
    assert list(catalog.questionnaires) == ["klantbewustzijn-zelfscan@1.0", "klantbewustzijn-zelfscan@1.1"]


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


# --- version 1.1 ------------------------------------------------------------------------------------------
def texts_of(questionnaire, lang):
    """Every level descriptor and every action text (question, dimension and legal fixes)."""
    for question in questionnaire.questions():
        for level in question.levels:
            yield question.id, level.get(lang)
    actions = [a for d in questionnaire.dimensions() for a in d.actions]
    actions += [a for q in questionnaire.questions() for a in q.actions]
    actions += [i.action for i in questionnaire.legal_items()]
    for action in actions:
        for text in (action.title, action.description, action.kpi):
            yield action.id, text.get(lang)


def test_no_text_conflicts_with_awb_chapter_9(v11):
    """A hearing only on request (9:10), a 'formeel besluit' as the outcome of a complaint (it is a written
    notification, 9:12), 95% as the norm for the legal term (9:11 asks every complaint), and keeping a complaint
    open until the customer agrees (9:11, 9:12) appear nowhere."""
    conflicts = [r"op verzoek", r"on request", r"formee?le? (besluit|beslissing)", r"formal decision", r"\b95\s?%",
                 r"tot (de )?klant (akkoord|tevreden)", r"until the customer (agrees|is satisfied)"]
    found = [(where, text) for lang in ("nl", "en") for where, text in texts_of(v11, lang)
             if any(re.search(pattern, text, re.I) for pattern in conflicts)]
    assert found == []
    # and the 1.0 file did have them: the check reads what it should
    old = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    assert [where for lang in ("nl", "en") for where, text in texts_of(old, lang)
            if any(re.search(pattern, text, re.I) for pattern in conflicts)]


def test_levels_are_written_per_question_not_as_templates(v11):
    """No level-4 or level-5 text is shared by more than three questions, and the chain is no template."""
    for level in (4, 5):
        for lang in ("nl", "en"):
            counts = Counter(q.levels[level - 1].get(lang).lower() for q in v11.questions())
            assert max(counts.values()) <= 3, counts.most_common(1)
    chain = [q.id for q in v11.questions() if re.search(r"keten", q.levels[3].nl, re.I)]
    assert len(chain) <= 3, chain  # 33 of 36 in 1.0


def test_every_question_has_one_gouden_oor_area_and_its_own_first_steps(v11):
    areas = {item.id for fw in v11.frameworks if fw.id == "gouden-oor" for item in fw.items}
    for question in v11.questions():
        assert len(question.tag_of("gouden-oor")) == 1 and question.tag_of("gouden-oor")[0] in areas, question.id
        assert question.actions_for_step(1) and question.actions_for_step(2), question.id
    assert v11.area_view is not None and v11.area_view.framework == "gouden-oor"
    assert "geen gouden oor-beoordeling" in v11.area_view.note.nl.lower()
    result_areas = {t for q in v11.questions() for t in q.tag_of("gouden-oor-resultaat")}
    assert result_areas  # the result areas are a framework of their own, and questions give evidence of them
    assert {item.id for fw in v11.frameworks if fw.id == "gouden-oor-resultaat" for item in fw.items} == {
        "vertrouwen-reputatie", "procesverbetering", "verbonden-medewerkers", "retentie-meerwaarde"}


def test_every_action_says_what_its_kpi_measures(v11, zelfscan):
    """People-centred (measured from the customer's side) or activity: in both versions, from the data."""
    for questionnaire in (v11, zelfscan):
        actions = [a for d in questionnaire.dimensions() for a in d.actions]
        actions += [a for q in questionnaire.questions() for a in q.actions]
        assert all(a.kpi_kind in ("people", "activity") for a in actions)
        kinds = Counter(a.kpi_kind for a in actions)
        assert kinds["people"] and kinds["activity"] > kinds["people"]  # most count what the organisation does


def test_the_missing_topics_and_the_splits_are_there(v11, zelfscan):
    matches = match_questions(zelfscan, v11)
    split = {m.earlier_ids[0] for m in matches if m.status == "split"}
    assert {"kg-afhandeling-2", "ont-toegang-2", "ont-luisteren-2", "ont-houding-2", "ont-houding-3",
            "le-sturing-2", "le-sturing-3", "le-klantreizen-1", "kg-persoonlijk-1", "kg-persoonlijk-2"} <= split
    assert not [m for m in matches if m.status == "removed"]
    new = [q for m in matches if m.status == "new" for q in m.later_ids]
    texts = " ".join(v11.question(q).text.nl.lower() + " " + v11.question(q).help.nl.lower() for q in new)
    for topic in ("excuses", "ombudsman", "visie", "dossier"):
        assert topic in texts, topic
    # every 1.0 question has a place in 1.1
    assert {q for m in matches for q in m.earlier_ids} == {q.id for q in zelfscan.questions()}


def test_language_has_no_calques_and_stays_b1(v11):
    calques = [r"u zei,? wij deden", r"pijnpunt", r"sluiten we de cirkel", r"de cirkel rond", r"eigenaarschap"]
    texts = [text for _, text in texts_of(v11, "nl")] + [q.text.nl for q in v11.questions()]
    assert not [t for t in texts if any(re.search(c, t, re.I) for c in calques)]
    sentences = []
    for question in v11.questions():
        for text in [question.text.nl, question.help.nl] + [level.nl for level in question.levels]:
            sentences += [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    lengths = [len(s.split()) for s in sentences]
    assert sum(lengths) / len(lengths) <= 15
    assert max(lengths) <= 25


def test_the_basis_names_what_the_scan_rests_on(v11):
    basis = v11.basis.nl
    for source in ("ISO 10002:2018", "Algemene wet bestuursrecht", "Behoorlijkheidswijzer",
                   "Posseth, Van der Velde en De Haan", "geen certificering", "geen juridisch advies"):
        assert source in basis, source
    assert "Kies het hoogste niveau" in v11.instruction.nl
