"""The improvement plan of an assessment: suggestions from the questionnaire's action library, and the
actions the organisation keeps (stored with the assessment; still editable after it is final, because
the status of actions moves on during the year).

Priority of suggestions:
1. the fix for every legal requirement that is not met ("nee"), in the order of the legal minimum: the law
   comes before any maturity step;
2. the actions of weak questions: a question two or more levels below its dimension's score is weak on its
   own, and gets its own actions for the steps up to its dimension's stage (the furthest below first);
3. the dimensions' actions: the weakest competency first; within it, the dimension with the largest gap to
   its target, weighted by the total question weight of the dimension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import select

from i18n import LANGUAGES
from typing import Literal

from questionnaires.model import ImprovementAction, LegalAction, Questionnaire
from scoring.engine import AssessmentResult
from scoring.legal import LegalCheck

from access.service import ANSWER, READ, AccessDenied, Actor, log, organisation_of, require

from storage.db import Database
from storage.models import AssessmentRow, KpiEntryRow, PlanActionRow, utcnow
from rules.input import InputError
from rules.plan import (EDITABLE, MAX_DESCRIPTION, MAX_KPI, MAX_KPI_TARGET, MAX_OWNER,  # noqa: F401
                        MAX_TITLE, STATUSES, check_dates, clean_addition, validated)



WEAK_QUESTION_DISTANCE = 2  # levels below its dimension's score


@dataclass(frozen=True)
class Suggestion:
    dimension_id: str
    competency_id: str
    action: ImprovementAction | LegalAction
    from_level: int | None  # None for the fix of a legal requirement
    gap: float  # the dimension's gap to its target; for a question, how far it is below its dimension
    priority: float  # gap x dimension weight
    kind: Literal["legal", "question", "dimension"] = "dimension"
    question_id: str | None = None
    legal_item_id: str | None = None


@dataclass(frozen=True)
class PlanAction:
    id: int
    dimension_id: str
    title: str
    description: str = ""
    owner: str = ""
    start_date: date | None = None
    due_date: date | None = None
    status: str = "planned"
    expected_gain: float = 1.0
    kpi: str = ""
    kpi_target: str = ""
    library_action_id: str | None = None
    kpi_entry_id: int | None = None  # a KPI of the organisation's register, to follow the action's effect


# the fields a plan action can change (`rules.plan.EDITABLE`) are the fields of `PlanAction` but its id and origin
assert EDITABLE == tuple(f.name for f in fields(PlanAction) if f.name not in ("id", "library_action_id"))


def suggest(questionnaire: Questionnaire, result: AssessmentResult,
            legal: LegalCheck | None = None) -> list[Suggestion]:
    """In priority order (see the module): the fixes of legal requirements not met, the actions of weak
    questions, then library actions for every dimension below its target, for each level step from its stage
    up to the target."""
    return _legal_fixes(questionnaire, legal) + _weak_questions(questionnaire, result) + _dimension_steps(
        questionnaire, result)


def _legal_fixes(questionnaire: Questionnaire, legal: LegalCheck | None) -> list[Suggestion]:
    suggestions = []
    for outcome in legal.not_met if legal else []:
        dimension_id = outcome.dimension_ids[0]
        suggestions.append(Suggestion(dimension_id, questionnaire.competency_of(dimension_id).id, outcome.item.action,
                                      None, 0.0, math.inf, "legal", legal_item_id=outcome.item.id))
    return suggestions


def _weak_questions(questionnaire: Questionnaire, result: AssessmentResult) -> list[Suggestion]:
    suggestions = []
    for dimension in questionnaire.dimensions():
        scored = result.dimensions[dimension.id]
        if scored.score is None:
            continue
        levels = {c.question_id: c.value for c in scored.contributions if c.status == "scored"}
        for question in dimension.questions:
            level = levels.get(question.id)
            if level is None or scored.score - level < WEAK_QUESTION_DISTANCE - 1e-9:
                continue
            distance = scored.score - level
            for step in range(level, max(level + 1, scored.stage)):
                for action in question.actions_for_step(step):
                    suggestions.append(Suggestion(dimension.id, scored.competency_id, action, step, distance,
                                                  distance * question.weight, "question", question_id=question.id))
    return sorted(suggestions, key=lambda s: (-s.gap, s.from_level))


def _dimension_steps(questionnaire: Questionnaire, result: AssessmentResult) -> list[Suggestion]:
    competency_rank = {cid: (c.score if c.score is not None else math.inf) for cid, c in result.competencies.items()}
    suggestions = []
    for dimension in questionnaire.dimensions():
        scored = result.dimensions[dimension.id]
        if scored.score is None or scored.target is None or scored.gap is None or scored.gap <= 0:
            continue
        weight = sum(q.weight for q in dimension.questions)
        for step in range(scored.stage, scored.target):
            for action in dimension.actions_for_step(step):
                suggestions.append(Suggestion(dimension.id, scored.competency_id, action, step, scored.gap,
                                              scored.gap * weight))
    return sorted(suggestions, key=lambda s: (competency_rank[s.competency_id], -s.priority, s.from_level))


def from_suggestion(suggestion: Suggestion, lang: str) -> dict:
    """The fields of a new plan action made from a library action, in the user's language."""
    action = suggestion.action
    return dict(dimension_id=suggestion.dimension_id, title=action.title.get(lang),
                description=action.description.get(lang), kpi=action.kpi.get(lang), expected_gain=1.0,
                library_action_id=action.id)


LIBRARY_TEXTS = ("title", "description", "kpi")


def in_language(action: PlanAction, questionnaire: Questionnaire | None, lang: str) -> PlanAction:
    """The action as a reader in `lang` sees it: a text that still is the library's own text (in any
    language) is shown in `lang`; a text someone changed is shown as it was typed."""
    library = questionnaire.action(action.library_action_id) if questionnaire and action.library_action_id else None
    if library is None:
        return action
    untouched = {name: getattr(library, name).get(lang) for name in LIBRARY_TEXTS
                 if getattr(action, name) in {getattr(library, name).get(other) for other in LANGUAGES}}
    return replace(action, **untouched)


def view(row: PlanActionRow) -> PlanAction:
    return PlanAction(row.id, row.dimension_id, row.title, row.description, row.owner, row.start_date, row.due_date,
                      row.status, row.expected_gain, row.kpi, row.kpi_target, row.library_action_id,
                      row.kpi_entry_id)


def _check_kpi_links(session, organisation_id: int, cleaned: list[dict]) -> None:
    """A register KPI named by an action belongs to the same organisation (another one's is as unknown as one
    that does not exist)."""
    for clean in cleaned:
        entry_id = clean.get("kpi_entry_id")
        if entry_id is not None and session.scalar(
                select(KpiEntryRow.organisation_id).where(KpiEntryRow.id == entry_id)) != organisation_id:
            raise InputError("unknown_choice", "kpi_entry_id", value=str(entry_id))


def _checked(session, actor: Actor, assessment_id: str, permission: str) -> int:
    organisation_id = organisation_of(session, assessment_id=assessment_id)
    require(session, actor, organisation_id, permission)
    return organisation_id


def add_actions(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire,
                actions: list[dict]) -> list[int]:
    """Add actions (all or nothing); each needs at least a dimension and a title."""
    cleaned = [clean_addition(values, questionnaire) for values in actions]
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        _check_kpi_links(session, organisation_id, cleaned)
        rows = [PlanActionRow(assessment_id=assessment_id, **clean) for clean in cleaned]
        session.add_all(rows)
        session.flush()
        for row in rows:
            log(session, actor, "action_added", organisation_id, assessment_id, action_id=row.id, title=row.title)
        return [row.id for row in rows]


def update_action(db: Database, *, actor: Actor, assessment_id: str, action_id: int, questionnaire: Questionnaire,
                  **changes) -> PlanAction:
    apply_changes(db, actor=actor, assessment_id=assessment_id, questionnaire=questionnaire,
                  updates={action_id: changes})
    return next(a for a in list_actions(db, actor=actor, assessment_id=assessment_id) if a.id == action_id)


def delete_action(db: Database, *, actor: Actor, assessment_id: str, action_id: int) -> None:
    apply_changes(db, actor=actor, assessment_id=assessment_id, questionnaire=None, deletions=[action_id])


def list_actions(db: Database, *, actor: Actor, assessment_id: str) -> list[PlanAction]:
    with db.read() as session:
        _checked(session, actor, assessment_id, READ)
        rows = session.scalars(select(PlanActionRow).where(PlanActionRow.assessment_id == assessment_id)
                               .order_by(PlanActionRow.id)).all()
        return [view(row) for row in rows]


def apply_changes(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire | None,
                  updates: dict[int, dict] | None = None, additions: list[dict] | None = None,
                  deletions: list[int] | None = None, source: str = "app") -> None:
    """Change, add and remove actions in one transaction: every change is checked, and one wrong value
    means nothing at all is written. The plan stays editable when the assessment is final."""
    updates, additions, deletions = updates or {}, additions or [], deletions or []
    cleaned_updates = {action_id: validated(changes, questionnaire) for action_id, changes in updates.items()}
    cleaned_additions = [clean_addition(values, questionnaire) for values in additions]
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        _check_kpi_links(session, organisation_id, list(cleaned_updates.values()) + cleaned_additions)
        # one writer per assessment at a time (a workbook import compares and writes under the same lock)
        session.scalar(select(AssessmentRow.id).where(AssessmentRow.id == assessment_id).with_for_update())
        store_changes(session, actor, organisation_id, assessment_id, cleaned_updates, cleaned_additions, deletions,
                      source)


def store_changes(session, actor: Actor, organisation_id: int, assessment_id: str, updates: dict[int, dict],
                  additions: list[dict], deletions: list[int], source: str = "app") -> list[int]:
    """Inside a write transaction whose caller checked the actor's rights: write changes that `rules.plan.validated`
    (and `rules.plan.clean_addition`) checked, and log each with its source (app, workbook). Returns the new ids."""
    for action_id, clean in updates.items():
        row = _own_action(session, assessment_id, action_id)
        check_dates(clean.get("start_date", row.start_date), clean.get("due_date", row.due_date))
        changed = {name: value for name, value in clean.items() if getattr(row, name) != value}
        for name, value in changed.items():
            setattr(row, name, value)
        if changed:
            row.updated_at = utcnow()
            log(session, actor, "action_changed", organisation_id, assessment_id, action_id=action_id,
                fields=sorted(changed), source=source)
    added = [PlanActionRow(assessment_id=assessment_id, **clean) for clean in additions]
    session.add_all(added)
    session.flush()
    for row in added:
        log(session, actor, "action_added", organisation_id, assessment_id, action_id=row.id, title=row.title,
            source=source)
    for action_id in deletions:
        row = _own_action(session, assessment_id, action_id)
        log(session, actor, "action_removed", organisation_id, assessment_id, action_id=action_id, title=row.title,
            source=source)
        session.delete(row)
    return [row.id for row in added]


def _own_action(session, assessment_id: str, action_id: int) -> PlanActionRow:
    row = session.get(PlanActionRow, action_id)
    if row is None or row.assessment_id != assessment_id:
        raise AccessDenied(ANSWER)  # an action of another assessment is as unknown as one that does not exist
    return row
