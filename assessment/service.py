"""What the pages (and scripts, and tests) can do with organisations, assessments, answers and targets.

Functions take a `Database` and plain values, and return plain dataclasses; no ORM object leaves this
module. Wrong input raises `InputError` with a code, the field and parameters, so the UI can say what is
wrong in the user's language. Writes to a final assessment raise `AssessmentIsFinal`.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from questionnaires.model import Questionnaire
from scoring.engine import DONT_KNOW, NOT_APPLICABLE, AnswerValue

from .db import Database
from .models import AnswerRow, AssessmentRow, OrganisationRow, TargetRow, utcnow

ORGANISATION_TYPES = ("gemeente", "provincie", "waterschap", "uitvoeringsorganisatie", "anders")
# gemeenten by inhabitants, the others by staff (fte)
SIZE_CLASSES = {
    "gemeente": ("inw-lt-20k", "inw-20-50k", "inw-50-100k", "inw-100-250k", "inw-gt-250k"),
    "other": ("fte-lt-250", "fte-250-1000", "fte-1000-5000", "fte-gt-5000"),
}
MAX_NAME = 200
MAX_COMMENT = 5000
MAX_PERSON = 100
PERIOD_PATTERN = re.compile(r"^(20\d\d)(?:-(H[12]|Q[1-4]))?$")


def size_classes_for(org_type: str) -> tuple[str, ...]:
    return SIZE_CLASSES["gemeente"] if org_type == "gemeente" else SIZE_CLASSES["other"]


class InputError(ValueError):
    """Wrong input; `code` is a translation key, `field` names the input, `params` fill the text."""

    def __init__(self, code: str, field: str, **params):
        super().__init__(f"{field}: {code} {params or ''}".strip())
        self.code = code
        self.field = field
        self.params = params


class NotFound(LookupError):
    pass


class AssessmentIsFinal(PermissionError):
    def __init__(self, assessment_id: str):
        super().__init__(f"assessment {assessment_id} is final and read-only")
        self.assessment_id = assessment_id


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    org_type: str
    size_class: str


@dataclass(frozen=True)
class Assessment:
    id: str
    organisation_id: int
    organisation_name: str
    year: int
    period: str
    questionnaire_id: str
    questionnaire_version: str
    status: str
    created_at: datetime
    updated_at: datetime
    finalised_at: datetime | None
    finalised_by: str | None
    previous_assessment_id: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    @property
    def questionnaire_key(self) -> str:
        return f"{self.questionnaire_id}@{self.questionnaire_version}"


@dataclass(frozen=True)
class Answer:
    question_id: str
    value: AnswerValue
    comment: str
    answered_by: str
    updated_at: datetime
    carried_from: str | None = None  # the period it was copied from, until someone reviews it


def _clean_text(value: str | None, field: str, max_length: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InputError("required", field)
    if len(text) > max_length:
        raise InputError("too_long", field, max=max_length, length=len(text))
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InputError("control_characters", field)
    return text


# --- organisations ---------------------------------------------------------------------------------

def create_organisation(db: Database, *, name: str, org_type: str, size_class: str) -> Organisation:
    name = _clean_text(name, "name", MAX_NAME, required=True)
    _check_kind(org_type, size_class)
    name_key = name.casefold()
    try:
        with db.write() as session:
            if session.scalar(select(OrganisationRow.id).where(OrganisationRow.name_key == name_key)) is not None:
                raise InputError("organisation_exists", "name", name=name)
            row = OrganisationRow(name=name, name_key=name_key, org_type=org_type, size_class=size_class)
            session.add(row)
            session.flush()
            return Organisation(row.id, row.name, row.org_type, row.size_class)
    except IntegrityError:  # a concurrent create of the same name
        raise InputError("organisation_exists", "name", name=name)


def update_organisation(db: Database, *, organisation_id: int, name: str, org_type: str,
                        size_class: str) -> Organisation:
    """Change the name, type or size class of an organisation (the name stays unique, ignoring case)."""
    name = _clean_text(name, "name", MAX_NAME, required=True)
    _check_kind(org_type, size_class)
    name_key = name.casefold()
    try:
        with db.write() as session:
            row = session.get(OrganisationRow, organisation_id)
            if row is None:
                raise NotFound(f"organisation {organisation_id}")
            if session.scalar(select(OrganisationRow.id).where(OrganisationRow.name_key == name_key,
                                                               OrganisationRow.id != organisation_id)) is not None:
                raise InputError("organisation_exists", "name", name=name)
            row.name, row.name_key, row.org_type, row.size_class = name, name_key, org_type, size_class
            session.flush()
            return Organisation(row.id, row.name, row.org_type, row.size_class)
    except IntegrityError:  # a concurrent change to the same name
        raise InputError("organisation_exists", "name", name=name)


def _check_kind(org_type: str, size_class: str) -> None:
    if org_type not in ORGANISATION_TYPES:
        raise InputError("unknown_choice", "org_type", value=org_type)
    if size_class not in size_classes_for(org_type):
        raise InputError("unknown_choice", "size_class", value=size_class)


def list_organisations(db: Database) -> list[Organisation]:
    with db.read() as session:
        rows = session.scalars(select(OrganisationRow).order_by(OrganisationRow.name_key)).all()
        return [Organisation(r.id, r.name, r.org_type, r.size_class) for r in rows]


def get_organisation(db: Database, organisation_id: int) -> Organisation:
    with db.read() as session:
        row = session.get(OrganisationRow, organisation_id)
        if row is None:
            raise NotFound(f"organisation {organisation_id}")
        return Organisation(row.id, row.name, row.org_type, row.size_class)


# --- assessments -----------------------------------------------------------------------------------

def _assessment(row: AssessmentRow, organisation_name: str) -> Assessment:
    return Assessment(
        id=row.id, organisation_id=row.organisation_id, organisation_name=organisation_name, year=row.year,
        period=row.period, questionnaire_id=row.questionnaire_id, questionnaire_version=row.questionnaire_version,
        status=row.status, created_at=row.created_at, updated_at=row.updated_at, finalised_at=row.finalised_at,
        finalised_by=row.finalised_by, previous_assessment_id=row.previous_assessment_id,
    )


def create_assessment(db: Database, *, organisation_id: int, period: str,
                      questionnaire: Questionnaire) -> Assessment:
    """Start a draft assessment. `period` is a year ("2026") or a half/quarter ("2026-H1", "2026-Q3")."""
    with _creating(period) as period:
        with db.write() as session:
            row, name = _new_assessment(session, organisation_id, period, questionnaire)
            return _assessment(row, name)


def start_from_previous(db: Database, *, previous_id: str, period: str, questionnaire: Questionnaire,
                        previous_questionnaire: Questionnaire) -> Assessment:
    """Start a draft from an earlier assessment: its answers, comments and targets are copied as a starting
    point, each answer marked as carried over until someone reviews it. The earlier assessment is only read.

    When the questionnaire version changed, answers follow the declared mapping: same and renamed questions
    are copied; merged, split and new questions start empty.
    """
    from scoring.comparison import match_questions

    copied_ids = {m.earlier_ids[0]: m.later_ids[0]
                  for m in match_questions(previous_questionnaire, questionnaire) if m.comparable}
    dimension_ids = {d.id for d in questionnaire.dimensions()}
    with _creating(period) as period:
        with db.write() as session:
            previous = session.get(AssessmentRow, previous_id)
            if previous is None:
                raise NotFound(f"assessment {previous_id}")
            if (previous.questionnaire_id, previous.questionnaire_version) != (
                    previous_questionnaire.id, previous_questionnaire.version):
                raise ValueError("previous_questionnaire is not the questionnaire of the previous assessment")
            row, name = _new_assessment(session, previous.organisation_id, period, questionnaire)
            row.previous_assessment_id = previous.id
            now = utcnow()
            for answer in session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == previous.id)):
                if answer.question_id in copied_ids:
                    session.add(AnswerRow(
                        assessment_id=row.id, question_id=copied_ids[answer.question_id], level=answer.level,
                        non_score=answer.non_score, comment=answer.comment, answered_by=answer.answered_by,
                        updated_at=now, carried_from=previous.period))
            for target in session.scalars(select(TargetRow).where(TargetRow.assessment_id == previous.id)):
                if target.dimension_id in dimension_ids:
                    session.add(TargetRow(assessment_id=row.id, dimension_id=target.dimension_id, level=target.level,
                                          set_by=target.set_by, updated_at=now))
            session.flush()
            return _assessment(row, name)


@contextmanager
def _creating(period: str):
    """Check the period, and turn a concurrent duplicate into the same clear error."""
    period = (period or "").strip().upper()
    if not period:
        raise InputError("required", "period")
    if not PERIOD_PATTERN.match(period):
        raise InputError("invalid_period", "period", value=period)
    try:
        yield period
    except IntegrityError:
        raise InputError("assessment_exists", "period", period=period)


def _new_assessment(session, organisation_id: int, period: str, questionnaire: Questionnaire):
    organisation = session.get(OrganisationRow, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id}")
    exists = session.scalar(select(AssessmentRow.id).where(
        AssessmentRow.organisation_id == organisation_id, AssessmentRow.period == period,
        AssessmentRow.questionnaire_id == questionnaire.id))
    if exists:
        raise InputError("assessment_exists", "period", period=period)
    row = AssessmentRow(id=uuid.uuid4().hex, organisation_id=organisation_id, year=int(period[:4]), period=period,
                        questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
                        status="draft")
    session.add(row)
    session.flush()
    return row, organisation.name


def list_assessments(db: Database, *, organisation_id: int) -> list[Assessment]:
    with db.read() as session:
        rows = session.execute(
            select(AssessmentRow, OrganisationRow.name)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(AssessmentRow.organisation_id == organisation_id)
            .order_by(AssessmentRow.year.desc(), AssessmentRow.period.desc())
        ).all()
        return [_assessment(row, name) for row, name in rows]


def get_assessment(db: Database, assessment_id: str) -> Assessment | None:
    if not assessment_id or not re.fullmatch(r"[0-9a-f]{32}", assessment_id):
        return None
    with db.read() as session:
        found = session.execute(
            select(AssessmentRow, OrganisationRow.name)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(AssessmentRow.id == assessment_id)
        ).first()
        return _assessment(*found) if found else None


def _lock_draft(session, assessment_id: str) -> AssessmentRow:
    """Lock the assessment row for this transaction and check that it may still change."""
    row = session.scalar(select(AssessmentRow).where(AssessmentRow.id == assessment_id).with_for_update())
    if row is None:
        raise NotFound(f"assessment {assessment_id}")
    if row.status == "final":
        raise AssessmentIsFinal(assessment_id)
    row.updated_at = utcnow()
    return row


def finalise_assessment(db: Database, *, assessment_id: str, finalised_by: str = "") -> Assessment:
    finalised_by = _clean_text(finalised_by, "finalised_by", MAX_PERSON)
    with db.write() as session:
        row = _lock_draft(session, assessment_id)
        row.status = "final"
        row.finalised_at = row.updated_at
        row.finalised_by = finalised_by
        name = session.scalar(select(OrganisationRow.name).where(OrganisationRow.id == row.organisation_id))
        return _assessment(row, name)


def delete_assessment(db: Database, *, assessment_id: str) -> None:
    """Delete a draft assessment with its answers, targets, plan and workshops. A final one stays."""
    with db.write() as session:
        row = _lock_draft(session, assessment_id)
        session.delete(row)


# --- answers -------------------------------------------------------------------------------------

def _upsert(session, table, values: dict, index_elements: list[str], update: dict):
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = insert(table).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=index_elements, set_=update))


def _changed_by(update: dict, person: str) -> dict:
    """Record who changed an answer; a change without a name keeps the name that was there."""
    return dict(update, answered_by=person) if person else update


def _split_value(value: AnswerValue) -> tuple[int | None, str | None]:
    if value in (NOT_APPLICABLE, DONT_KNOW):
        return None, value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value, None
    raise InputError("invalid_answer", "value", value=str(value))


def save_answer(db: Database, *, assessment_id: str, question_id: str, value: AnswerValue,
                answered_by: str = "") -> None:
    """Store the level (1-5), "nvt" or "weetniet" for one question; the comment stays as it is."""
    level, non_score = _split_value(value)
    _write_answer(db, assessment_id, question_id, answered_by, level=level, non_score=non_score)


def clear_answer(db: Database, *, assessment_id: str, question_id: str, answered_by: str = "") -> None:
    """Remove the level / n.v.t. / weet niet of a question (its comment stays)."""
    _write_answer(db, assessment_id, question_id, answered_by, level=None, non_score=None)


def save_comment(db: Database, *, assessment_id: str, question_id: str, comment: str,
                 answered_by: str = "") -> None:
    """Store the comment (evidence) of one question; the chosen level stays as it is."""
    comment = _clean_text(comment, "comment", MAX_COMMENT)
    _write_answer(db, assessment_id, question_id, answered_by, comment=comment)


def _write_answer(db: Database, assessment_id: str, question_id: str, answered_by: str, **fields) -> None:
    """Change only `fields` of one answer (insert it when new), in one write transaction on a draft.

    Changing only the given fields is what lets two people work on the same question at once: one
    choosing the level, the other typing the comment, without overwriting each other.
    """
    answered_by = _clean_text(answered_by, "answered_by", MAX_PERSON)
    now = utcnow()
    fields["carried_from"] = None  # a change is a review: the answer is no longer just carried over
    new_row = dict(assessment_id=assessment_id, question_id=question_id, level=None, non_score=None, comment="",
                   answered_by=answered_by, updated_at=now) | fields
    with db.write() as session:
        _lock_draft(session, assessment_id)
        _upsert(session, AnswerRow.__table__, new_row, ["assessment_id", "question_id"],
                _changed_by(dict(fields, updated_at=now), answered_by))


def confirm_answer(db: Database, *, assessment_id: str, question_id: str, answered_by: str = "") -> None:
    """The carried-over answer still holds: keep it and remove the 'check this' mark."""
    confirm_answers(db, assessment_id=assessment_id, question_ids=[question_id], answered_by=answered_by)


def confirm_answers(db: Database, *, assessment_id: str, question_ids: list[str], answered_by: str = "") -> int:
    """Confirm the carried-over answers of these questions in one transaction; returns how many there were."""
    answered_by = _clean_text(answered_by, "answered_by", MAX_PERSON)
    with db.write() as session:
        _lock_draft(session, assessment_id)
        rows = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id,
                                                       AnswerRow.question_id.in_(list(question_ids)),
                                                       AnswerRow.carried_from.is_not(None))).all()
        now = utcnow()
        for row in rows:
            row.carried_from, row.updated_at = None, now
            row.answered_by = answered_by or row.answered_by
        return len(rows)


def get_answers(db: Database, *, assessment_id: str) -> dict[str, Answer]:
    with db.read() as session:
        rows = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id)).all()
        return {
            r.question_id: Answer(r.question_id, r.level if r.level is not None else r.non_score, r.comment,
                                  r.answered_by, r.updated_at, r.carried_from)
            for r in rows
        }


def answer_values(answers: dict[str, Answer]) -> dict[str, AnswerValue]:
    """The answers as scoring wants them: question id -> 1-5 / "nvt" / "weetniet" (None left out)."""
    return {qid: a.value for qid, a in answers.items() if a.value is not None}


def count_answers(db: Database, *, assessment_id: str) -> int:
    return progress(db, assessment_ids=[assessment_id])[assessment_id].answered


@dataclass(frozen=True)
class Progress:
    answered: int  # questions with a level, n.v.t. or weet niet
    unchecked: int  # of those, copied from an earlier assessment and not yet checked


def progress(db: Database, *, assessment_ids: list[str]) -> dict[str, Progress]:
    """How far each assessment is, counted in one query."""
    has_value = (AnswerRow.level.is_not(None)) | (AnswerRow.non_score.is_not(None))
    with db.read() as session:
        rows = session.execute(
            select(AnswerRow.assessment_id, func.count(),
                   func.count(AnswerRow.carried_from))
            .where(AnswerRow.assessment_id.in_(list(assessment_ids)), has_value)
            .group_by(AnswerRow.assessment_id)).all()
    found = {assessment_id: Progress(answered, unchecked) for assessment_id, answered, unchecked in rows}
    return {assessment_id: found.get(assessment_id, Progress(0, 0)) for assessment_id in assessment_ids}


def default_source(assessments: list[Assessment]) -> Assessment | None:
    """The assessment a new one starts from by default: the latest final one (newest first in the list)."""
    return next((a for a in assessments if a.is_final), None)


# --- targets -------------------------------------------------------------------------------------

def set_target(db: Database, *, assessment_id: str, dimension_id: str, level: int | None,
               set_by: str = "") -> None:
    """Set the target level (ambitie) of a dimension; None returns to the default (stage + 1)."""
    if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5):
        raise InputError("invalid_target", "level", value=str(level))
    set_by = _clean_text(set_by, "set_by", MAX_PERSON)
    with db.write() as session:
        _lock_draft(session, assessment_id)
        if level is None:
            row = session.get(TargetRow, (assessment_id, dimension_id))
            if row is not None:
                session.delete(row)
            return
        now = datetime.now(timezone.utc)
        _upsert(session, TargetRow.__table__,
                dict(assessment_id=assessment_id, dimension_id=dimension_id, level=level, set_by=set_by,
                     updated_at=now),
                ["assessment_id", "dimension_id"], dict(level=level, set_by=set_by, updated_at=now))


def get_targets(db: Database, *, assessment_id: str) -> dict[str, int]:
    with db.read() as session:
        rows = session.scalars(select(TargetRow).where(TargetRow.assessment_id == assessment_id)).all()
        return {r.dimension_id: r.level for r in rows}
