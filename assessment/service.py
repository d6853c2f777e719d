"""What the pages (and scripts, and tests) can do with organisations, assessments, answers and targets.

Functions take a `Database`, the acting person (`access.Actor`) and plain values, and return plain
dataclasses; no ORM object leaves this module. Every function checks in its own transaction that the
actor may do this in the organisation concerned (`access.require`), and every change is written to the
activity log with the actor. Wrong input raises `InputError` with a code, the field and parameters, so
the UI can say what is wrong in the user's language. Writes to a final assessment raise
`AssessmentIsFinal`; no access (or no such thing) raises `access.AccessDenied`.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from access.service import ANSWER, MANAGE, READ, Actor, AccessDenied, log, organisation_of, require, require_admin
from questionnaires.model import Questionnaire
from rules.input import (MAX_COMMENT, MAX_NAME, ORGANISATION_TYPES, PERIOD_PATTERN, SIZE_CLASSES,  # noqa: F401
                         InputError, clean_text, size_classes_for)
from scoring.engine import DONT_KNOW, NOT_APPLICABLE, AnswerValue
from scoring.legal import LEGAL_PREFIX, NO, YES, is_legal_key, legal_key  # noqa: F401 (pages use them from here)
from storage.db import Database, upsert

from storage.models import AnswerRow, AssessmentRow, MembershipRow, OrganisationRow, PersonRow, TargetRow, utcnow

# Answers to the legal minimum (ja / nee / weet niet) are stored beside the answers to the questions, under
# `legal_key(item id)`, so they are saved, logged, copied and checked for conflicts in the same way, but never
# reach a maturity score: `get_answers` leaves them out, `get_legal_answers` returns them.

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


# --- organisations ---------------------------------------------------------------------------------

def create_organisation(db: Database, *, actor: Actor, name: str, org_type: str, size_class: str,
                        manager_email: str | None = None) -> Organisation:
    """A new organisation (application administrators only), optionally with its first beheerder."""
    from access.service import clean_email

    require_admin(actor)
    name = clean_text(name, "name", MAX_NAME, required=True)
    _check_kind(org_type, size_class)
    manager_email = clean_email(manager_email) if manager_email else None
    name_key = name.casefold()
    try:
        with db.write() as session:
            if session.scalar(select(OrganisationRow.id).where(OrganisationRow.name_key == name_key)) is not None:
                raise InputError("organisation_exists", "name", name=name)
            row = OrganisationRow(name=name, name_key=name_key, org_type=org_type, size_class=size_class)
            session.add(row)
            session.flush()
            log(session, actor, "organisation_created", row.id, name=name)
            if manager_email:
                person = session.scalar(select(PersonRow).where(PersonRow.email == manager_email))
                if person is None:
                    person = PersonRow(email=manager_email, name="")
                    session.add(person)
                    session.flush()
                session.add(MembershipRow(organisation_id=row.id, person_id=person.id, role="beheerder",
                                          created_by=actor.label))
                log(session, actor, "member_added", row.id, email=manager_email, role="beheerder")
            return Organisation(row.id, row.name, row.org_type, row.size_class)
    except IntegrityError:  # a concurrent create of the same name
        raise InputError("organisation_exists", "name", name=name)


def _require_manage_or_admin(session, actor: Actor, organisation_id: int) -> None:
    if not (actor.is_admin and session.get(OrganisationRow, organisation_id) is not None):
        require(session, actor, organisation_id, MANAGE)


def update_organisation(db: Database, *, actor: Actor, organisation_id: int, name: str, org_type: str,
                        size_class: str) -> Organisation:
    """Change the name, type or size class of an organisation (the name stays unique, ignoring case)."""
    name = clean_text(name, "name", MAX_NAME, required=True)
    _check_kind(org_type, size_class)
    name_key = name.casefold()
    try:
        with db.write() as session:
            _require_manage_or_admin(session, actor, organisation_id)
            row = session.get(OrganisationRow, organisation_id)
            if session.scalar(select(OrganisationRow.id).where(OrganisationRow.name_key == name_key,
                                                               OrganisationRow.id != organisation_id)) is not None:
                raise InputError("organisation_exists", "name", name=name)
            log(session, actor, "organisation_changed", organisation_id, before=row.name, name=name,
                org_type=org_type, size_class=size_class)
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


def _visible(actor: Actor):
    """A query of the organisations the actor sees: their own, or (administrator, local user) all."""
    query = select(OrganisationRow)
    if actor.is_local or actor.is_admin:
        return query
    return query.join(MembershipRow, MembershipRow.organisation_id == OrganisationRow.id) \
        .join(PersonRow, PersonRow.id == MembershipRow.person_id).where(PersonRow.email == actor.email)


def list_organisations(db: Database, *, actor: Actor) -> list[Organisation]:
    """The organisations the actor sees: their own (an administrator: all), by name."""
    with db.read() as session:
        rows = session.scalars(_visible(actor).order_by(OrganisationRow.name_key)).all()
        return [Organisation(r.id, r.name, r.org_type, r.size_class) for r in rows]


def search_organisations(db: Database, *, actor: Actor, text: str = "", limit: int = 50) -> tuple[list[Organisation],
                                                                                                  int]:
    """The first `limit` organisations the actor sees whose name contains `text` (case aside), by name, and
    how many match in all: choosing among thousands without listing them all."""
    pattern = "%" + (text or "").strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace(
        "_", "\\_") + "%"
    with db.read() as session:
        query = _visible(actor).where(OrganisationRow.name_key.like(pattern, escape="\\"))
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(OrganisationRow.name_key).limit(limit)).all()
        return [Organisation(r.id, r.name, r.org_type, r.size_class) for r in rows], total


def get_organisation(db: Database, organisation_id: int, *, actor: Actor) -> Organisation:
    with db.read() as session:
        _require_read_or_admin(session, actor, organisation_id)
        row = session.get(OrganisationRow, organisation_id)
        return Organisation(row.id, row.name, row.org_type, row.size_class)


def _require_read_or_admin(session, actor: Actor, organisation_id: int) -> None:
    """Reading the organisation's own details (name, type, size): members, and administrators."""
    if not (actor.is_admin and session.get(OrganisationRow, organisation_id) is not None):
        require(session, actor, organisation_id, READ)


# --- assessments -----------------------------------------------------------------------------------

def _assessment(row: AssessmentRow, organisation_name: str) -> Assessment:
    return Assessment(
        id=row.id, organisation_id=row.organisation_id, organisation_name=organisation_name, year=row.year,
        period=row.period, questionnaire_id=row.questionnaire_id, questionnaire_version=row.questionnaire_version,
        status=row.status, created_at=row.created_at, updated_at=row.updated_at, finalised_at=row.finalised_at,
        finalised_by=row.finalised_by, previous_assessment_id=row.previous_assessment_id,
    )


def create_assessment(db: Database, *, actor: Actor, organisation_id: int, period: str,
                      questionnaire: Questionnaire) -> Assessment:
    """Start a draft assessment. `period` is a year ("2026") or a half/quarter ("2026-H1", "2026-Q3")."""
    with _creating(period) as period:
        with db.write() as session:
            require(session, actor, organisation_id, ANSWER)
            row, name = _new_assessment(session, organisation_id, period, questionnaire)
            log(session, actor, "assessment_created", organisation_id, row.id, period=period,
                questionnaire=questionnaire.key)
            return _assessment(row, name)


def start_from_previous(db: Database, *, actor: Actor, previous_id: str, period: str,
                        questionnaire: Questionnaire, previous_questionnaire: Questionnaire) -> Assessment:
    """Start a draft from an earlier assessment: its answers, comments and targets are copied as a starting
    point, each answer marked as carried over until someone reviews it. The earlier assessment is only read.

    When the questionnaire version changed, answers follow the declared mapping: same and renamed questions
    are copied; merged, split and new questions start empty.
    """
    from scoring.comparison import match_questions

    copied_ids = {m.earlier_ids[0]: m.later_ids[0]
                  for m in match_questions(previous_questionnaire, questionnaire) if m.comparable}
    # the legal minimum: an item with the same id asks the same duty
    later_items = {item.id for item in questionnaire.legal_items()}
    copied_ids |= {legal_key(item.id): legal_key(item.id)
                   for item in previous_questionnaire.legal_items() if item.id in later_items}
    dimension_ids = {d.id for d in questionnaire.dimensions()}
    with _creating(period) as period:
        with db.write() as session:
            require(session, actor, organisation_of(session, assessment_id=previous_id), ANSWER)
            previous = session.get(AssessmentRow, previous_id)
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
            log(session, actor, "assessment_created", previous.organisation_id, row.id, period=period,
                questionnaire=questionnaire.key, copied_from=previous.period)
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


def list_assessments(db: Database, *, actor: Actor, organisation_id: int) -> list[Assessment]:
    """The organisation's assessments, newest first."""
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        rows = session.execute(
            select(AssessmentRow, OrganisationRow.name)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(AssessmentRow.organisation_id == organisation_id)
            .order_by(AssessmentRow.year.desc(), AssessmentRow.period.desc())
        ).all()
        return [_assessment(row, name) for row, name in rows]


def get_assessment(db: Database, assessment_id: str, *, actor: Actor) -> Assessment:
    """The assessment; `AccessDenied` when it does not exist or the actor may not read it."""
    if not isinstance(assessment_id, str) or not re.fullmatch(r"[0-9a-f]{32}", assessment_id):
        raise AccessDenied(READ)
    with db.read() as session:
        require(session, actor, organisation_of(session, assessment_id=assessment_id), READ)
        found = session.execute(
            select(AssessmentRow, OrganisationRow.name)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(AssessmentRow.id == assessment_id)
        ).first()
        return _assessment(*found)


def _checked(session, actor: Actor, assessment_id: str, permission: str) -> int:
    """Check the actor's permission on the assessment's organisation; returns that organisation's id."""
    organisation_id = organisation_of(session, assessment_id=assessment_id)
    require(session, actor, organisation_id, permission)
    return organisation_id


def lock_draft(session, assessment_id: str) -> AssessmentRow:
    """Lock the assessment row for this transaction and check that it may still change."""
    row = session.scalar(select(AssessmentRow).where(AssessmentRow.id == assessment_id).with_for_update())
    if row is None:
        raise NotFound(f"assessment {assessment_id}")
    if row.status == "final":
        raise AssessmentIsFinal(assessment_id)
    row.updated_at = utcnow()
    return row


def finalise_assessment(db: Database, *, actor: Actor, assessment_id: str,
                        questionnaire: Questionnaire | None = None) -> Assessment:
    """Make the assessment final (read-only). With its questionnaire, its scores are stored for peer
    comparisons in the same transaction (`peers.scores`); without it, the first peer comparison that
    needs them scores and stores them."""
    from peers.scores import store_assessment_scores

    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        row = lock_draft(session, assessment_id)
        if questionnaire is not None and (questionnaire.id, questionnaire.version) != (
                row.questionnaire_id, row.questionnaire_version):
            raise ValueError("questionnaire is not the questionnaire of the assessment")
        row.status = "final"
        row.finalised_at = row.updated_at
        row.finalised_by = actor.label
        if questionnaire is not None:
            session.flush()
            store_assessment_scores(session, questionnaire, [assessment_id])
        log(session, actor, "assessment_finalised", organisation_id, assessment_id, period=row.period)
        name = session.scalar(select(OrganisationRow.name).where(OrganisationRow.id == row.organisation_id))
        return _assessment(row, name)


def delete_assessment(db: Database, *, actor: Actor, assessment_id: str) -> None:
    """Delete a draft assessment with its answers, targets, plan and workshops. A final one stays."""
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, MANAGE)
        row = lock_draft(session, assessment_id)
        log(session, actor, "assessment_deleted", organisation_id, assessment_id, period=row.period)
        session.delete(row)


# --- answers -------------------------------------------------------------------------------------

def split_value(value: AnswerValue, question_id: str = "") -> tuple[int | None, str | None]:
    """(level, non-score) as stored. A legal item (`legal_key`) takes ja / nee / weet niet; a question takes a
    level 1-5, n.v.t. or weet niet."""
    if is_legal_key(question_id):
        if value in (YES, NO, DONT_KNOW):
            return None, value
        raise InputError("invalid_legal_answer", "value", value=str(value))
    if value in (NOT_APPLICABLE, DONT_KNOW):
        return None, value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value, None
    raise InputError("invalid_answer", "value", value=str(value))


class AnswerChanged(ValueError):
    """Someone changed this answer since the page showed it: `current` is what is stored now. Nothing was
    written; the page lets the person choose which version to keep."""

    def __init__(self, question_id: str, current: "Answer | None"):
        super().__init__(f"answer {question_id} changed meanwhile")
        self.question_id, self.current = question_id, current


UNSEEN = object()  # the caller does not say what it saw: write without checking


def save_answer(db: Database, *, actor: Actor, assessment_id: str, question_id: str, value: AnswerValue,
                seen=UNSEEN) -> None:
    """Store the level (1-5), "nvt" or "weetniet" for one question; the comment stays as it is. With `seen`
    (the value the page showed, None for none), a value changed meanwhile by someone else raises
    `AnswerChanged` instead of being overwritten."""
    level, non_score = split_value(value, question_id)
    _write_answer(db, actor, assessment_id, question_id, seen=("value", seen), level=level, non_score=non_score)


def clear_answer(db: Database, *, actor: Actor, assessment_id: str, question_id: str, seen=UNSEEN) -> None:
    """Remove the level / n.v.t. / weet niet of a question (its comment stays)."""
    _write_answer(db, actor, assessment_id, question_id, seen=("value", seen), level=None, non_score=None)


def save_comment(db: Database, *, actor: Actor, assessment_id: str, question_id: str, comment: str,
                 seen=UNSEEN) -> None:
    """Store the comment (evidence) of one question; the chosen level stays as it is. With `seen` (the comment
    the page showed), a comment changed meanwhile raises `AnswerChanged`."""
    comment = clean_text(comment, "comment", MAX_COMMENT)
    _write_answer(db, actor, assessment_id, question_id, seen=("comment", seen), comment=comment)


def _write_answer(db: Database, actor: Actor, assessment_id: str, question_id: str, seen=("", UNSEEN),
                  **fields) -> None:
    """Change only `fields` of one answer (insert it when new), in one write transaction on a draft.

    Changing only the given fields is what lets two people work on the same question at once: one
    choosing the level, the other typing the comment, without overwriting each other. `seen` = (field,
    what the page showed): when that field holds something else now, nothing is written.
    """
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        field, shown = seen
        if shown is not UNSEEN:
            lock_draft(session, assessment_id)
            row = session.scalar(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id,
                                                         AnswerRow.question_id == question_id))
            current = _answer(row) if row is not None else None
            now = (current.value if field == "value" else current.comment) if current else (
                None if field == "value" else "")
            if now != shown:
                raise AnswerChanged(question_id, current)
        store_answer(session, actor, organisation_id, assessment_id, question_id, **fields)


def store_answer(session, actor: Actor, organisation_id: int, assessment_id: str, question_id: str,
                 source: str = "app", **fields) -> None:
    """Inside a write transaction whose caller checked the actor's rights: change `fields` of an answer,
    with who and when, and log it. `source` says where the change came from (app, workshop, workbook)."""
    lock_draft(session, assessment_id)
    now = utcnow()
    fields["carried_from"] = None  # a change is a review: the answer is no longer just carried over
    new_row = dict(assessment_id=assessment_id, question_id=question_id, level=None, non_score=None, comment="",
                   answered_by=actor.label, updated_at=now) | fields
    upsert(session, AnswerRow.__table__, new_row, ["assessment_id", "question_id"],
            dict(fields, updated_at=now, answered_by=actor.label))
    changed = {k: v for k, v in fields.items() if k != "carried_from"}
    if "comment" in changed:
        changed["comment"] = len(changed["comment"])  # the log says a comment changed, not what it says
    log(session, actor, "answer_changed", organisation_id, assessment_id, question=question_id, source=source,
        **changed)


def confirm_answer(db: Database, *, actor: Actor, assessment_id: str, question_id: str) -> None:
    """The carried-over answer still holds: keep it and remove the 'check this' mark."""
    confirm_answers(db, actor=actor, assessment_id=assessment_id, question_ids=[question_id])


def confirm_answers(db: Database, *, actor: Actor, assessment_id: str, question_ids: list[str]) -> int:
    """Confirm the carried-over answers of these questions in one transaction; returns how many there were."""
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        lock_draft(session, assessment_id)
        rows = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id,
                                                       AnswerRow.question_id.in_(list(question_ids)),
                                                       AnswerRow.carried_from.is_not(None))).all()
        now = utcnow()
        for row in rows:
            row.carried_from, row.updated_at, row.answered_by = None, now, actor.label
        if rows:
            log(session, actor, "answers_confirmed", organisation_id, assessment_id,
                questions=[row.question_id for row in rows])
        return len(rows)


def _answer(row: AnswerRow) -> Answer:
    return Answer(row.question_id, row.level if row.level is not None else row.non_score, row.comment,
                  row.answered_by, row.updated_at, row.carried_from)


def get_answers(db: Database, *, actor: Actor, assessment_id: str) -> dict[str, Answer]:
    """The answers to the questions (never those to the legal minimum: see `get_legal_answers`)."""
    with db.read() as session:
        _checked(session, actor, assessment_id, READ)
        rows = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id,
                                                       AnswerRow.question_id.not_like(LEGAL_PREFIX + "%"))).all()
        return {r.question_id: _answer(r) for r in rows}


def get_legal_answers(db: Database, *, actor: Actor, assessment_id: str) -> dict[str, Answer]:
    """The answers to the legal minimum, by item id (without the storage prefix): ja / nee / weetniet."""
    with db.read() as session:
        _checked(session, actor, assessment_id, READ)
        rows = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id,
                                                       AnswerRow.question_id.like(LEGAL_PREFIX + "%"))).all()
        return {r.question_id[len(LEGAL_PREFIX):]: _answer(r) for r in rows}


def answer_values(answers: dict[str, Answer]) -> dict[str, AnswerValue]:
    """The answers as scoring wants them: question id -> 1-5 / "nvt" / "weetniet" (None left out)."""
    return {qid: a.value for qid, a in answers.items() if a.value is not None}


def count_answers(db: Database, *, actor: Actor, assessment_id: str) -> int:
    return progress(db, actor=actor, assessment_ids=[assessment_id])[assessment_id].answered


@dataclass(frozen=True)
class Progress:
    answered: int  # questions with a level, n.v.t. or weet niet
    unchecked: int  # of those, copied from an earlier assessment and not yet checked


def progress(db: Database, *, actor: Actor, assessment_ids: list[str]) -> dict[str, Progress]:
    """How far each assessment is, counted in one query (the actor reads each one's organisation)."""
    wanted = list(dict.fromkeys(assessment_ids))
    has_value = (AnswerRow.level.is_not(None)) | (AnswerRow.non_score.is_not(None))
    with db.read() as session:
        owners = dict(session.execute(select(AssessmentRow.id, AssessmentRow.organisation_id)
                                      .where(AssessmentRow.id.in_(wanted))).all())
        if len(owners) != len(wanted):
            raise AccessDenied(READ)
        for organisation_id in set(owners.values()):
            require(session, actor, organisation_id, READ)
        rows = session.execute(
            select(AnswerRow.assessment_id, func.count(), func.count(AnswerRow.carried_from))
            .where(AnswerRow.assessment_id.in_(wanted), has_value, AnswerRow.question_id.not_like(LEGAL_PREFIX + "%"))
            .group_by(AnswerRow.assessment_id)).all()
    found = {assessment_id: Progress(answered, unchecked) for assessment_id, answered, unchecked in rows}
    return {assessment_id: found.get(assessment_id, Progress(0, 0)) for assessment_id in wanted}


def default_source(assessments: list[Assessment]) -> Assessment | None:
    """The assessment a new one starts from by default: the latest final one (newest first in the list)."""
    return next((a for a in assessments if a.is_final), None)


# --- targets -------------------------------------------------------------------------------------

def set_target(db: Database, *, actor: Actor, assessment_id: str, dimension_id: str, level: int | None) -> None:
    """Set the target level (ambitie) of a dimension; None returns to the default (stage + 1)."""
    if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5):
        raise InputError("invalid_target", "level", value=str(level))
    with db.write() as session:
        organisation_id = _checked(session, actor, assessment_id, ANSWER)
        store_target(session, actor, organisation_id, assessment_id, dimension_id, level)


def store_target(session, actor: Actor, organisation_id: int, assessment_id: str, dimension_id: str,
                 level: int | None, source: str = "app") -> None:
    """Inside a write transaction whose caller checked the actor's rights: set (or, with None, remove) a
    target, with who and when, and log it. `source` says where the change came from (app, workbook)."""
    lock_draft(session, assessment_id)
    log(session, actor, "target_set", organisation_id, assessment_id, dimension=dimension_id, level=level,
        source=source)
    if level is None:
        row = session.get(TargetRow, (assessment_id, dimension_id))
        if row is not None:
            session.delete(row)
        return
    now = datetime.now(timezone.utc)
    upsert(session, TargetRow.__table__,
            dict(assessment_id=assessment_id, dimension_id=dimension_id, level=level, set_by=actor.label,
                 updated_at=now),
            ["assessment_id", "dimension_id"], dict(level=level, set_by=actor.label, updated_at=now))


def get_targets(db: Database, *, actor: Actor, assessment_id: str) -> dict[str, int]:
    with db.read() as session:
        _checked(session, actor, assessment_id, READ)
        rows = session.scalars(select(TargetRow).where(TargetRow.assessment_id == assessment_id)).all()
        return {r.dimension_id: r.level for r in rows}
