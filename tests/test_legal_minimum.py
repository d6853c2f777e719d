"""The legal minimum (Awb chapter 9) beside the scan: a check of its own, never averaged with the scores.

The scenario of the issue: kg question for 9:7 at level 1, every other question at 5, requirement 9:7 "nee".
"""

import io

import pytest
import yaml
from openpyxl import load_workbook

from assessment import importing, service
from exports.workbook import build_workbook
from exports.workbook_import import read_workbook
from plan import service as plan
from questionnaires.loader import QuestionnaireFileError, load_questionnaire
from report.service import gather_report
from scoring.engine import score_assessment
from scoring.legal import NO, YES, check_legal_minimum, legal_key, summary_text
from conftest import ME, lookup_for


@pytest.fixture(scope="module")
def v11():
    from questionnaires.loader import DEFAULT_DIR
    return load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")


def breach_answers(questionnaire):
    """Every question at 5, the question that 9:7 touches at 1."""
    item = questionnaire.legal_item("awb-9-7")
    answers = {q.id: 5 for q in questionnaire.questions()}
    answers[item.questions[0]] = 1
    return item, answers


def test_the_shipped_legal_minimum_names_ten_articles_of_chapter_9(v11):
    items = v11.legal_items()
    assert len(items) == 10
    assert [i.article for i in items][:4] == ["9:1, 9:2", "9:6", "9:5", "9:7"]
    assert all(i.article.startswith("9:") for i in items)
    for item in items:
        assert item.text.nl.endswith("?") and item.text.en.endswith("?")
        assert item.action.title.nl and item.action.kpi.en and item.action.kpi_kind in ("people", "activity")
        # every requirement points at the questions whose practice it touches
        assert all(v11.question(q) for q in item.questions)


def test_the_loader_refuses_a_legal_item_without_an_article(v11, tmp_path):
    from questionnaires.loader import DEFAULT_DIR
    data = yaml.safe_load((DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml").read_text(encoding="utf-8"))
    del data["legal_minimum"]["items"][3]["article"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as refused:
        load_questionnaire(path)
    assert refused.value.problem.location == "legal_minimum.items[3].article"
    assert refused.value.problem.code == "missing"


def test_the_loader_refuses_a_legal_item_that_points_at_no_question(v11, tmp_path):
    from questionnaires.loader import DEFAULT_DIR
    data = yaml.safe_load((DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml").read_text(encoding="utf-8"))
    data["legal_minimum"]["items"][0]["questions"] = ["no-such-question"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as refused:
        load_questionnaire(path)
    assert refused.value.problem.code == "unknown_question"
    assert refused.value.problem.location == "legal_minimum.items[0].questions[0]"


def test_a_breach_is_named_in_words_and_marks_every_part_it_touches(v11):
    item, _ = breach_answers(v11)
    values = {i.id: YES for i in v11.legal_items()} | {"awb-9-7": NO}
    check = check_legal_minimum(v11, values)
    assert summary_text(check, "nl") == "9 van 10 wettelijke eisen: ja · 1 nee: 9:7 (" + item.short.nl + ")"
    assert summary_text(check, "en").startswith("9 of 10 legal requirements: yes · 1 no: 9:7 (")
    dimension = v11.dimension_of(item.questions[0]).id
    assert [r.item.id for r in check.not_met_in(dimension)] == ["awb-9-7"]
    assert check.not_met_in_competency(v11, v11.competency_of(dimension).id)
    untouched = next(d.id for d in v11.dimensions() if d.id not in {
        v11.dimension_of(q).id for q in item.questions})
    assert check.not_met_in(untouched) == []
    # weet niet and open are named too
    partly = check_legal_minimum(v11, {"awb-9-7": "weetniet"})
    assert "1 weet niet: 9:7" in summary_text(partly, "nl") and "9 nog open" in summary_text(partly, "nl")


def test_no_answer_to_a_legal_item_changes_any_maturity_score(db, v11):
    org = service.create_organisation(db, actor=ME, name="Gemeente Wet", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
    _, answers = breach_answers(v11)
    for question_id, level in answers.items():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question_id, value=level)

    def scores():
        stored = service.get_answers(db, actor=ME, assessment_id=assessment.id)
        result = score_assessment(v11, service.answer_values(stored))
        return result.score, {d: s.score for d, s in result.dimensions.items()}, {
            c: s.stage for c, s in result.competencies.items()}

    before = scores()
    for value in (YES, NO, "weetniet"):
        for item in v11.legal_items():
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=legal_key(item.id), value=value)
        assert scores() == before
    assert set(service.get_legal_answers(db, actor=ME, assessment_id=assessment.id)) == {
        i.id for i in v11.legal_items()}
    assert not any(k.startswith("legal:") for k in service.get_answers(db, actor=ME, assessment_id=assessment.id))
    # a level is no answer to a legal item, and ja is no answer to a question
    with pytest.raises(service.InputError) as refused:
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=legal_key("awb-9-7"), value=3)
    assert refused.value.code == "invalid_legal_answer"
    with pytest.raises(service.InputError):
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=v11.questions()[0].id, value=YES)


def test_the_plan_puts_the_fix_for_every_nee_first(v11):
    item, answers = breach_answers(v11)
    result = score_assessment(v11, answers)
    legal = check_legal_minimum(v11, {"awb-9-7": NO, "awb-9-6": NO, "awb-9-9": YES})
    suggestions = plan.suggest(v11, result, legal)
    assert [s.kind for s in suggestions[:2]] == ["legal", "legal"]
    assert suggestions[0].action.id == v11.legal_item("awb-9-6").action.id  # in the order of the legal minimum
    assert suggestions[1].action.id == item.action.id
    assert plan.from_suggestion(suggestions[1], "nl")["title"] == item.action.title.nl
    # without a nee, no legal fix
    assert not [s for s in plan.suggest(v11, result, check_legal_minimum(v11, {})) if s.kind == "legal"]


def test_a_weak_question_gets_its_own_action_before_its_dimension(v11):
    """A question at 1 in a dimension otherwise at 5 gets its own action first in the plan."""
    item, answers = breach_answers(v11)
    weak = item.questions[0]
    result = score_assessment(v11, answers)
    suggestions = plan.suggest(v11, result)
    first = suggestions[0]
    assert first.kind == "question" and first.question_id == weak and first.from_level == 1
    assert first.action in v11.question(weak).actions_for_step(1)
    own = [s for s in suggestions if s.question_id == weak]
    assert [s.from_level for s in own] == sorted(s.from_level for s in own)
    dimension_actions = [i for i, s in enumerate(suggestions) if s.kind == "dimension"]
    assert not dimension_actions or max(i for i, s in enumerate(suggestions) if s.kind == "question") < min(
        dimension_actions)
    # a question only one level below its dimension is not weak on its own
    answers = {q.id: 3 for q in v11.questions()} | {weak: 2}
    assert not [s for s in plan.suggest(v11, score_assessment(v11, answers)) if s.kind == "question"]


def test_legal_answers_are_copied_to_next_year_as_to_check(db, v11):
    org = service.create_organisation(db, actor=ME, name="Waterschap Wet", org_type="waterschap",
                                      size_class="fte-250-1000")
    first = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2025", questionnaire=v11)
    service.save_answer(db, actor=ME, assessment_id=first.id, question_id=legal_key("awb-9-7"), value=NO)
    service.save_comment(db, actor=ME, assessment_id=first.id, question_id=legal_key("awb-9-7"),
                         comment="Dossiers 2025: behandelaar was de betrokken medewerker.")
    later = service.start_from_previous(db, actor=ME, previous_id=first.id, period="2026", questionnaire=v11,
                                        previous_questionnaire=v11)
    copied = service.get_legal_answers(db, actor=ME, assessment_id=later.id)["awb-9-7"]
    assert copied.value == NO and copied.carried_from == "2025" and copied.comment.startswith("Dossiers 2025")
    service.confirm_answer(db, actor=ME, assessment_id=later.id, question_id=legal_key("awb-9-7"))
    assert service.get_legal_answers(db, actor=ME, assessment_id=later.id)["awb-9-7"].carried_from is None


def test_the_workbook_shows_the_breach_first_and_reads_legal_answers_back(db, v11):
    org = service.create_organisation(db, actor=ME, name="Gemeente Raad", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
    item, answers = breach_answers(v11)
    for question_id, level in answers.items():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question_id, value=level)
    for other in v11.legal_items():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=legal_key(other.id),
                            value=NO if other.id == "awb-9-7" else YES)
    report = gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(v11))
    data = build_workbook(report, "nl")
    sheet = load_workbook(io.BytesIO(data))["Samenvatting"]
    cells = [str(c.value) for row in sheet.iter_rows(max_row=20) for c in row if c.value is not None]
    summary = f"9 van 10 wettelijke eisen: ja · 1 nee: 9:7 ({item.short.nl})"
    assert summary in cells
    # before the scores, and the competency of 9:7 carries the mark beside its figures
    assert cells.index(summary) < cells.index("Totaalscore")
    competency = v11.competency_of(v11.dimension_of(item.questions[0]).id).title.nl
    row_of = next(r for r in sheet.iter_rows() if r[0].value == competency and not isinstance(r[1].value, str))
    assert "maar wettelijke eis 9:7 niet gehaald" in str(row_of[2].value)
    assert sheet._charts  # the radar is still there, below

    # round trip: the legal rows are in Antwoorden and an edit comes back
    book = load_workbook(io.BytesIO(data))
    answers_ws = book["Antwoorden"]
    legal_row = next(r for r in answers_ws.iter_rows(min_row=2) if r[0].value == legal_key("awb-9-7"))
    assert legal_row[4].value == "Nee"
    legal_row[4].value = "Ja"
    legal_row[6].value = "Nu behandelt een collega van een ander team."
    edited = io.BytesIO()
    book.save(edited)
    workbook = read_workbook(edited.getvalue(), lookup_for(v11))
    assert workbook.answers[legal_key("awb-9-7")].value == YES
    preview = importing.preview_workbook(db, workbook, actor=ME)
    importing.apply_workbook(db, workbook, actor=ME, confirmed=preview)
    stored = service.get_legal_answers(db, actor=ME, assessment_id=assessment.id)["awb-9-7"]
    assert stored.value == YES and stored.comment == "Nu behandelt een collega van een ander team."


@pytest.mark.parametrize("lang, sheet_name, note", [("nl", "Gouden Oor-gebieden", "geen Gouden Oor-beoordeling"),
                                                     ("en", "Gouden Oor areas", "not a Gouden Oor assessment")])
def test_the_workbook_has_the_gouden_oor_view_with_its_radar(db, v11, lang, sheet_name, note):
    from scoring.engine import score_areas
    org = service.create_organisation(db, actor=ME, name="Provincie Oor", org_type="provincie", size_class="fte-250-1000")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
    levels = {}
    for number, question in enumerate(v11.questions()):
        levels[question.id] = 1 + number % 5
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id,
                            value=levels[question.id])
    report = gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(v11))
    book = load_workbook(io.BytesIO(build_workbook(report, lang)))
    sheet = book[sheet_name]
    assert note in str(sheet["A2"].value)
    expected = score_areas(v11, levels)
    area_titles = {i.id: i.title.get(lang) for fw in v11.frameworks if fw.id == "gouden-oor" for i in fw.items}
    rows = {r[0]: r[1:4] for r in sheet.iter_rows(min_row=5, max_row=9, values_only=True)}
    assert set(rows) == set(area_titles.values()) and len(expected) == 5
    for area_id, scored in expected.items():
        score, stage, basis = rows[area_titles[area_id]]
        assert score == pytest.approx(scored.score, abs=0.05) and stage == scored.stage
        assert str(scored.scored) in basis
    assert len(sheet._charts) == 1
