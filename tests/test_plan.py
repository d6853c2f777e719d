"""The improvement plan: suggestions in priority order, and storing the plan's actions."""

from datetime import date

import pytest

from plan import service as plan
from assessment import service
from scoring.engine import score_assessment
from conftest import ME


def answers_for(questionnaire, levels: dict[str, int]):
    return {q.id: levels[c.id] for c in questionnaire.competencies for d in c.dimensions for q in d.questions}


def test_suggestions_weakest_competency_first_then_weighted_gap(zelfscan):
    answers = answers_for(zelfscan, {"ontvankelijk": 2, "klantgevoelig": 3, "lerend": 2})
    result = score_assessment(zelfscan, answers, targets={"ont-toegang": 5})
    suggestions = plan.suggest(zelfscan, result)
    # ont-toegang: stage 2, target 5 -> steps 2, 3 and 4, two actions each, gap 3 x weight 3.5 = 10.5
    assert [s.from_level for s in suggestions[:6]] == [2, 2, 3, 3, 4, 4]
    assert {s.dimension_id for s in suggestions[:6]} == {"ont-toegang"}
    assert suggestions[0].priority == pytest.approx(3 * 3.5)
    # the competencies with score 2 come before klantgevoelig (score 3)
    competencies = [s.competency_id for s in suggestions]
    assert competencies.index("klantgevoelig") > max(i for i, c in enumerate(competencies) if c != "klantgevoelig")
    # within a competency: higher weighted gap first (3.5 before 3.0 at the same gap)
    lerend = [s for s in suggestions if s.competency_id == "lerend"]
    assert [s.priority for s in lerend] == sorted((s.priority for s in lerend), reverse=True)
    # a dimension at or above its target gets no suggestion
    assert "ont-signalen" not in {s.dimension_id for s in plan.suggest(
        zelfscan, score_assessment(zelfscan, answers, targets={"ont-signalen": 2}))}


def test_from_suggestion_uses_the_language(zelfscan):
    answers = answers_for(zelfscan, {"ontvankelijk": 1, "klantgevoelig": 1, "lerend": 1})
    first = plan.suggest(zelfscan, score_assessment(zelfscan, answers))[0]
    nl, en = plan.from_suggestion(first, "nl"), plan.from_suggestion(first, "en")
    assert nl["title"] == first.action.title.nl and en["kpi"] == first.action.kpi.en
    assert nl["library_action_id"] == first.action.id and nl["dimension_id"] == first.dimension_id


@pytest.fixture
def assessment(db, zelfscan):
    org = service.create_organisation(db, actor=ME, name="Provincie Plan", org_type="provincie", size_class="fte-250-1000")
    return service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=zelfscan)


def test_plan_actions_are_stored_changed_and_removed(db, zelfscan, assessment):
    first, second = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=zelfscan, actions=[
        dict(dimension_id="kg-terugkoppeling", title="Afsluitend belletje", owner="Team Klantcontact",
             start_date=date(2026, 1, 1), due_date=date(2026, 3, 31), kpi="Klagers voelen zich gehoord",
             kpi_target="80%"),
        dict(dimension_id="le-leercirkels", title="Eerste leercirkel"),
    ])
    actions = plan.list_actions(db, actor=ME, assessment_id=assessment.id)
    assert [a.title for a in actions] == ["Afsluitend belletje", "Eerste leercirkel"]
    assert actions[0].status == "planned" and actions[0].kpi_target == "80%" and actions[1].expected_gain == 1.0
    updated = plan.update_action(db, actor=ME, assessment_id=assessment.id, action_id=first, questionnaire=zelfscan,
                                 status="in_progress", expected_gain=0.5)
    assert updated.status == "in_progress" and updated.expected_gain == 0.5 and updated.owner == "Team Klantcontact"
    # the plan of a final assessment can still move on
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
    plan.update_action(db, actor=ME, assessment_id=assessment.id, action_id=first, questionnaire=zelfscan, status="done")
    plan.delete_action(db, actor=ME, assessment_id=assessment.id, action_id=second)
    assert [(a.title, a.status) for a in plan.list_actions(db, actor=ME, assessment_id=assessment.id)] == [
        ("Afsluitend belletje", "done")]


@pytest.mark.parametrize("bad, code, field", [
    (dict(title=""), "required", "title"),
    (dict(dimension_id="bestaat-niet"), "unknown_choice", "dimension_id"),
    (dict(status="bijna"), "unknown_choice", "status"),
    (dict(expected_gain="veel"), "invalid_gain", "expected_gain"),
    (dict(expected_gain=7), "invalid_gain", "expected_gain"),
    (dict(start_date=date(2026, 5, 1), due_date=date(2026, 4, 1)), "due_before_start", "due_date"),
    (dict(owner="x" * 101), "too_long", "owner"),
])
def test_bad_actions_are_refused_and_nothing_is_written(db, zelfscan, assessment, bad, code, field):
    good = dict(dimension_id="le-analyse", title="Goede actie")
    with pytest.raises(service.InputError) as error:
        plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=zelfscan, actions=[good, dict(good, **bad)])
    assert (error.value.code, error.value.field) == (code, field)
    assert plan.list_actions(db, actor=ME, assessment_id=assessment.id) == []


def test_editor_record_becomes_plan_changes_in_one_transaction(db, zelfscan, assessment):
    from ui.plan_table import cell_to_field, editor_changes
    first, second = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=zelfscan, actions=[
        dict(dimension_id="le-analyse", title="Eerste"), dict(dimension_id="le-analyse", title="Tweede")])
    field_of_label = {"Actie": "title", "Status": "status", "Deadline": "due_date", "Onderdeel": "dimension_id",
                      "Verwachte winst": "expected_gain"}
    convert = lambda name, value: cell_to_field(  # noqa: E731
        name, value, {"Signalen analyseren": "le-analyse", "Sturen op de bedoeling": "le-sturing"},
        {"gepland": "planned", "afgerond": "done"})
    # what st.data_editor records: positions in the shown table, column labels, text dates
    edits = {"edited_rows": {1: {"Status": "afgerond", "Deadline": "2026-06-30T00:00:00"}},
             "added_rows": [{"Actie": "Nieuw", "Onderdeel": "Sturen op de bedoeling", "Verwachte winst": None},
                            {"Actie": None}],
             "deleted_rows": [0]}
    updates, additions, deletions = editor_changes(edits, [first, second], field_of_label, convert)
    assert updates == {second: {"status": "done", "due_date": date(2026, 6, 30)}}
    assert additions == [{"title": "Nieuw", "dimension_id": "le-sturing"}]  # the empty row is ignored
    assert deletions == [first]
    plan.apply_changes(db, actor=ME, assessment_id=assessment.id, questionnaire=zelfscan, updates=updates,
                       additions=additions, deletions=deletions)
    assert [(a.title, a.status, a.due_date) for a in plan.list_actions(db, actor=ME, assessment_id=assessment.id)] == [
        ("Tweede", "done", date(2026, 6, 30)), ("Nieuw", "planned", None)]
    # one wrong value: nothing at all changes
    before = plan.list_actions(db, actor=ME, assessment_id=assessment.id)
    with pytest.raises(service.InputError):
        plan.apply_changes(db, actor=ME, assessment_id=assessment.id, questionnaire=zelfscan,
                           updates={second: {"status": "planned"}}, additions=[dict(dimension_id="x", title="y")],
                           deletions=[second])
    assert plan.list_actions(db, actor=ME, assessment_id=assessment.id) == before


def test_a_library_action_nobody_changed_is_shown_in_the_readers_language(mini):
    from plan.service import PlanAction, in_language
    library = mini.action("d1-a12")
    added_in_dutch = PlanAction(1, "d1", library.title.get("nl"), library.description.get("nl"), kpi=library.kpi.get("nl"),
                                library_action_id="d1-a12")
    english = in_language(added_in_dutch, mini, "en")
    assert (english.title, english.description, english.kpi) == (
        library.title.get("en"), library.description.get("en"), library.kpi.get("en"))
    # a text someone changed stays as typed; the others still follow the language
    edited = in_language(PlanAction(1, "d1", "Onze eigen titel", library.description.get("en"),
                                    library_action_id="d1-a12"), mini, "nl")
    assert (edited.title, edited.description) == ("Onze eigen titel", library.description.get("nl"))
    own = PlanAction(2, "d1", "Eigen actie")
    assert in_language(own, mini, "en") == own


def test_the_timeline_speaks_the_users_language_and_shows_titles_as_text():
    from datetime import date

    from plan.service import PlanAction
    from ui.plan_table import _month_ticks, plan_timeline
    assert _month_ticks(date(2026, 10, 15), date(2027, 2, 1)) == [
        date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert _month_ticks(date(2026, 1, 1), date(2029, 6, 1))[:3] == [date(2026, 1, 1), date(2027, 1, 1),
                                                                   date(2028, 1, 1)]
    months = "jan feb mrt apr mei jun jul aug sep okt nov dec".split()
    actions = [PlanAction(1, "d1", "<b>Vet</b> <a href='x'>link</a>", start_date=date(2026, 10, 1),
                          due_date=date(2026, 12, 31), status="in_progress"),
               PlanAction(2, "d1", "Zelfde", start_date=date(2026, 11, 1), due_date=date(2027, 1, 31)),
               PlanAction(3, "d1", "Zelfde", start_date=date(2026, 11, 1), due_date=date(2027, 1, 31))]
    figure = plan_timeline(actions, {"planned": "gepland", "in_progress": "lopend", "done": "afgerond",
                                     "dropped": "vervallen"}, lambda d: d.isoformat(), months)
    assert list(figure.layout.xaxis.ticktext[:3]) == ["okt 2026", "nov 2026", "dec 2026"]
    labels = [label for trace in figure.data for label in trace.y]
    assert "&lt;b&gt;Vet&lt;/b&gt; &lt;a href=&#x27;x&#x27;&gt;link&lt;/a&gt;" in labels  # text, not markup
    assert sorted(label for label in labels if "Zelfde" in label) == ["Zelfde", "Zelfde (2)"]  # two rows
