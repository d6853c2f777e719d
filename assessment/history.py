"""An organisation's assessments over time, and the comparison of two of them (for pages and exports).

`lookup(questionnaire_id, version)` returns the questionnaire (for example `Catalog.get`); an assessment
whose questionnaire is missing is listed without scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from questionnaires.model import Questionnaire
from scoring.comparison import Comparison, compare
from scoring.engine import AnswerValue, AssessmentResult, score_assessment
from scoring.legal import LegalCheck, check_legal_minimum

from access.service import Actor

from . import service
from storage.db import Database

Lookup = Callable[[str, str], "Questionnaire | None"]


@dataclass(frozen=True)
class HistoryEntry:
    assessment: service.Assessment
    questionnaire: Questionnaire | None
    answers: dict[str, AnswerValue]
    result: AssessmentResult | None
    legal: LegalCheck | None = None  # the legal minimum, when the questionnaire has one


def _entry(db: Database, actor: Actor, assessment: service.Assessment, lookup: Lookup) -> HistoryEntry:
    questionnaire = lookup(assessment.questionnaire_id, assessment.questionnaire_version)
    answers = service.answer_values(service.get_answers(db, actor=actor, assessment_id=assessment.id))
    result, legal = None, None
    if questionnaire is not None:
        result = score_assessment(questionnaire, answers,
                                  service.get_targets(db, actor=actor, assessment_id=assessment.id))
        if questionnaire.legal_minimum is not None:
            legal = check_legal_minimum(questionnaire, service.answer_values(
                service.get_legal_answers(db, actor=actor, assessment_id=assessment.id)))
    return HistoryEntry(assessment, questionnaire, answers, result, legal)


def organisation_history(db: Database, *, actor: Actor, organisation_id: int, lookup: Lookup) -> list[HistoryEntry]:
    """Every assessment of the organisation with its scores, oldest first."""
    assessments = service.list_assessments(db, actor=actor, organisation_id=organisation_id)
    return [_entry(db, actor, a, lookup) for a in sorted(assessments, key=lambda a: (a.year, a.period, a.created_at))]


def default_pair(entries: list[HistoryEntry]) -> tuple[HistoryEntry, HistoryEntry] | None:
    """The latest final assessment and the one before it (or the two latest, when fewer are final)."""
    scored = [e for e in entries if e.result is not None]
    if len(scored) < 2:
        return None
    finals = [i for i, e in enumerate(scored) if e.assessment.is_final and i > 0]
    later = finals[-1] if finals else len(scored) - 1
    return scored[later - 1], scored[later]


def compare_entries(earlier: HistoryEntry, later: HistoryEntry) -> Comparison:
    if earlier.result is None or later.result is None:
        raise ValueError("both assessments need a known questionnaire")
    return compare(earlier.questionnaire, earlier.answers, earlier.result,
                   later.questionnaire, later.answers, later.result)


def compare_assessments(db: Database, *, actor: Actor, earlier_id: str, later_id: str,
                        lookup: Lookup) -> Comparison:
    """The year-over-year comparison of two assessments (for the history page and the Excel export)."""
    earlier = service.get_assessment(db, earlier_id, actor=actor)
    later = service.get_assessment(db, later_id, actor=actor)
    return compare_entries(_entry(db, actor, earlier, lookup), _entry(db, actor, later, lookup))
