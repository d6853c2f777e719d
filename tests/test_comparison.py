"""Year-over-year comparison on hand-made histories, including a questionnaire version change."""

import pytest

from conftest import FIXTURES, ME
from questionnaires.loader import load_questionnaire
from scoring.comparison import compare, headline_facts, match_questions
from scoring.engine import score_assessment

V11 = FIXTURES / "versions" / "klantbewustzijn-zelfscan-1.1.yaml"


def run(earlier_q, earlier, later_q, later, earlier_targets=None):
    return compare(earlier_q, earlier, score_assessment(earlier_q, earlier, earlier_targets),
                   later_q, later, score_assessment(later_q, later))


EARLIER = {"d1-1": 2, "d1-2": 2, "d1-3": 2, "d1-4": 2, "d2-1": 3, "d2-2": 3, "d3-1": 2, "d3-2": 2, "d3-3": 2}
LATER = {"d1-1": 4, "d1-2": 3, "d1-3": 2, "d1-4": 2, "d2-1": 4, "d2-2": 4, "d3-1": 1, "d3-2": 2, "d3-3": 2}


def test_deltas_same_version(mini):
    comparison = run(mini, EARLIER, mini, LATER)
    assert comparison.comparability == 1 and comparison.not_comparable == []
    deltas = {d.unit_id: d.delta for d in comparison.dimensions}
    # d1: (4 + 2*3 + 2 + 2) / 5 = 2.8 vs 2; d2: 4 vs 3; d3: 5/3 vs 2
    assert deltas == pytest.approx({"d1": 0.8, "d2": 1.0, "d3": 5 / 3 - 2})
    competencies = {c.unit_id: c.delta for c in comparison.competencies}
    assert competencies == pytest.approx({"c1": (2.8 + 4) / 2 - 2.5, "c2": 5 / 3 - 2})
    assert comparison.overall.earlier == pytest.approx(2.25)
    assert [(d.later_id, d.delta) for d in comparison.most_improved()] == [
        ("d1-1", 2), ("d1-2", 1), ("d2-1", 1), ("d2-2", 1)]
    assert [(d.later_id, d.delta) for d in comparison.most_declined()] == [("d3-1", -1)]


def test_target_attainment_uses_the_earlier_targets(mini):
    # default targets of the earlier assessment: d1 3, d2 4, d3 3 -> only d2 (4.0) is reached
    comparison = run(mini, EARLIER, mini, LATER)
    assert [(t.dimension_id, t.target, t.achieved) for t in comparison.targets] == [
        ("d1", 3, False), ("d2", 4, True), ("d3", 3, False)]
    assert comparison.targets_achieved == 1
    # a lower target that was set explicitly is reached
    assert run(mini, EARLIER, mini, LATER, earlier_targets={"d1": 2}).targets_achieved == 2


def test_headline_facts(mini):
    facts = dict(headline_facts(run(mini, EARLIER, mini, LATER)))
    assert facts["overall_up"]["earlier"] == pytest.approx(2.25)
    assert facts["competency_up"]["unit"] == "c1"
    assert facts["dimension_down"]["unit"] == "d3"
    assert facts["targets"] == {"achieved": 1, "total": 3}
    assert "comparability" not in facts


def test_version_change_with_rename_merge_split_removal_and_new_question(zelfscan):
    v11 = load_questionnaire(V11)
    matches = {m.status: m for m in match_questions(zelfscan, v11) if m.status != "same"}
    assert matches["renamed"].earlier_ids == ("ont-toegang-2",) and matches["renamed"].comparable
    assert matches["merged"].earlier_ids == ("kg-afhandeling-2", "kg-afhandeling-3")
    assert matches["split"].later_ids == ("le-sturing-3-tijd", "le-sturing-3-geld")
    assert matches["removed"].earlier_ids == ("ont-luisteren-3",)
    assert matches["new"].later_ids == ("le-analyse-4",)
    assert not any(matches[s].comparable for s in ("merged", "split", "removed", "new"))

    earlier = {q.id: 3 for q in zelfscan.questions()}
    later = {q.id: 4 for q in v11.questions()}
    comparison = run(zelfscan, earlier, v11, later)
    # 36 later questions + 1 removed earlier question; 31 same + 1 renamed are comparable
    assert comparison.comparability == pytest.approx(32 / 37)
    by_dimension = {d.unit_id: d for d in comparison.dimensions}
    assert by_dimension["ont-toegang"].comparability == 1  # the rename is comparable
    assert by_dimension["kg-afhandeling"].comparability == pytest.approx(1 / 2)  # merged
    assert by_dimension["le-sturing"].comparability == pytest.approx(2 / 4)  # split
    assert by_dimension["ont-luisteren"].comparability == pytest.approx(2 / 3)  # removed
    assert by_dimension["le-analyse"].comparability == pytest.approx(3 / 4)  # new
    assert by_dimension["ont-toegang"].delta == pytest.approx(1)
    # only comparable pairs give question deltas, the renamed one under both ids
    assert len(comparison.question_deltas) == 32
    assert ("ont-toegang-2", "ont-toegang-2-web") in {(d.earlier_id, d.later_id) for d in comparison.question_deltas}
    assert dict(headline_facts(comparison))["comparability"]["percent"] == pytest.approx(32 / 37)


def test_without_a_declared_mapping_questions_match_by_id_only(zelfscan):
    v11 = load_questionnaire(V11).model_copy(update={"mappings": []})
    statuses = [m.status for m in match_questions(zelfscan, v11)]
    assert statuses.count("renamed") == 0
    assert statuses.count("new") == 5 and statuses.count("removed") == 5  # the renamed one counts as both


def with_typos():
    """Version 1.1 whose mapping names old questions that 1.0 does not have, in every kind of change, loaded
    alone (so the loader cannot check it against 1.0)."""
    import yaml
    from questionnaires.model import Questionnaire
    data = yaml.safe_load(V11.read_text(encoding="utf-8"))
    changes = data["mappings"][0]["changes"]
    changes[0]["old"] = ["ont-toegang-9"]  # renamed
    changes[1]["old"] = ["kg-afhandeling-2", "kg-afhandeling-9"]  # merged: one of two exists
    changes[2]["old"] = ["le-sturing-9"]  # split
    changes[3]["old"] = ["ont-luisteren-9"]  # removed
    return Questionnaire.model_validate(data)


def test_a_mapping_with_unknown_old_ids_does_not_crash_the_comparison(zelfscan):
    v11 = with_typos()
    matches = match_questions(zelfscan, v11)
    by_later = {later: m for m in matches for later in m.later_ids}
    by_earlier = {earlier: m for m in matches for earlier in m.earlier_ids}
    # a change without any existing old question is no change: its questions count as new and removed
    assert by_later["ont-toegang-2-web"].status == "new" and by_earlier["ont-toegang-2"].status == "removed"
    assert by_later["le-sturing-3-tijd"].status == "new" and by_earlier["le-sturing-3"].status == "removed"
    assert by_earlier["ont-luisteren-3"].status == "removed"
    assert by_later["kg-afhandeling-eerlijk"].earlier_ids == ("kg-afhandeling-2",)
    assert all(m.earlier_ids and m.later_ids for m in matches if m.comparable)
    answers = {q.id: 3 for q in zelfscan.questions()}
    later = {q.id: 4 for q in v11.questions()}
    comparison = run(zelfscan, answers, v11, later)
    assert 0 < comparison.comparability < 1
    assert comparison.overall.delta == pytest.approx(1.0)


def test_starting_from_the_previous_scan_with_a_mapping_typo_copies_what_matches(db, zelfscan):
    from assessment import service
    v11 = with_typos()
    org = service.create_organisation(db, actor=ME, name="Gemeente Typfout", org_type="gemeente", size_class="inw-lt-20k")
    earlier = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2025", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=ME, assessment_id=earlier.id, question_id=question.id, value=2)
    later = service.start_from_previous(db, actor=ME, previous_id=earlier.id, period="2026", questionnaire=v11,
                                        previous_questionnaire=zelfscan)
    copied = service.get_answers(db, actor=ME, assessment_id=later.id)
    assert copied["ont-toegang-1"].value == 2 and copied["ont-toegang-1"].carried_from == "2025"
    assert "ont-toegang-2-web" not in copied  # its mapping names no existing question: starts empty
    assert set(copied) == {q.id for q in v11.questions()} & {q.id for q in zelfscan.questions()}
