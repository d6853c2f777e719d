"""An organisation's history and the comparison service (used by the history page and, later, the export)."""

import pytest

from assessment import service
from assessment.history import compare_assessments, default_pair, organisation_history
from access import AccessDenied
from conftest import FIXTURES, lookup_for, ME
from questionnaires.loader import load_questionnaire

V11 = FIXTURES / "versions" / "klantbewustzijn-zelfscan-1.1.yaml"


def test_history_across_a_version_change(db, zelfscan):
    v11 = load_questionnaire(V11)
    org = service.create_organisation(db, actor=ME, name="UWV-achtig", org_type="uitvoeringsorganisatie",
                                      size_class="fte-gt-5000")
    first = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2024", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=ME, assessment_id=first.id, question_id=question.id, value=2)
    service.finalise_assessment(db, actor=ME, assessment_id=first.id)
    second = service.start_from_previous(db, actor=ME, previous_id=first.id, period="2025", questionnaire=v11,
                                         previous_questionnaire=zelfscan)
    for question in v11.questions():
        service.save_answer(db, actor=ME, assessment_id=second.id, question_id=question.id, value=3)
    service.finalise_assessment(db, actor=ME, assessment_id=second.id)
    unknown = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026",
                                        questionnaire=load_questionnaire(FIXTURES / "mini.yaml"))

    entries = organisation_history(db, actor=ME, organisation_id=org.id, lookup=lookup_for(zelfscan, v11))
    assert [e.assessment.period for e in entries] == ["2024", "2025", "2026"]
    assert entries[2].result is None  # its questionnaire is not known to the lookup: listed without scores
    earlier, later = default_pair(entries)
    assert (earlier.assessment.id, later.assessment.id) == (first.id, second.id)

    comparison = compare_assessments(db, actor=ME, earlier_id=first.id, later_id=second.id, lookup=lookup_for(zelfscan, v11))
    assert comparison.overall.delta == pytest.approx(1)
    assert comparison.comparability == pytest.approx(32 / 37)
    assert len(comparison.most_improved(5)) == 5 and comparison.most_declined(5) == []
    assert comparison.targets_achieved == 12  # default targets of 2024 were stage 2 + 1 = 3
    with pytest.raises(AccessDenied):
        compare_assessments(db, actor=ME, earlier_id=first.id, later_id="f" * 32, lookup=lookup_for(zelfscan, v11))
    assert unknown.status == "draft"


def test_a_tie_with_the_last_question_shown_is_kept_apart_never_dropped(db, zelfscan):
    from scoring.comparison import top_with_ties
    assert top_with_ties([5, 4, 4, 4, 3], 2, lambda x: x) == ([5, 4], [4, 4])
    assert top_with_ties([5, 4, 3], 2, lambda x: x) == ([5, 4], [])
    assert top_with_ties([], 5, lambda x: x) == ([], [])
    org = service.create_organisation(db, actor=ME, name="Gelijk", org_type="gemeente", size_class="inw-lt-20k")
    ids = []
    for period, rise in (("2025", 0), ("2026", 2)):
        assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=period,
                                               questionnaire=zelfscan)
        for i, question in enumerate(zelfscan.questions()):
            value = 2 + (rise if i < 8 else 0) + (1 if period == "2026" and i == 8 else 0)
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=value)
        ids.append(assessment.id)
    comparison = compare_assessments(db, actor=ME, earlier_id=ids[0], later_id=ids[1], lookup=lookup_for(zelfscan))
    shown, tied = comparison.improved_with_ties(5)
    assert [d.delta for d in shown] == [2] * 5 and [d.delta for d in tied] == [2] * 3  # eight rose by two
    assert {d.later_id for d in shown + tied} == {q.id for q in zelfscan.questions()[:8]}
    shown, tied = comparison.improved_with_ties(9)
    assert [d.delta for d in shown] == [2] * 8 + [1] and tied == []
    assert comparison.declined_with_ties(5) == ([], [])
