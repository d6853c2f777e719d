"""Questions to discuss in a workshop: a list per assessment.

Anyone who may answer the scan or lead its workshops (access.ANSWER or access.WORKSHOP) puts questions on
the list, for example the questions on which colleagues who answered on their own disagree (source
"respondents"), and takes them off again. The Workshop page offers the list as the set of questions to start
a workshop with. A question leaves the list by itself when a workshop records the organisation's answer to it
(`workshop.record_agreed`, in the same transaction). Only a draft assessment has a list that can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from access.service import ANSWER, READ, WORKSHOP, AccessDenied, Actor, log, organisation_of, permissions, require
from questionnaires.model import Questionnaire

from assessment import service
from rules.input import clean_text
from storage.db import Database
from storage.models import AssessmentRow, DiscussionItemRow, utcnow

SOURCES = ("respondents", "manual")


@dataclass(frozen=True)
class DiscussionItem:
    question_id: str
    source: str
    note: str
    added_by: str
    added_at: datetime


def _may_change(session, actor: Actor, assessment_id: str) -> int:
    """The organisation of a draft assessment on which the actor may answer or lead workshops."""
    organisation_id = organisation_of(session, assessment_id=assessment_id)
    if organisation_id is None or not permissions(session, actor, organisation_id) & {ANSWER, WORKSHOP}:
        raise AccessDenied(ANSWER)
    if session.scalar(select(AssessmentRow.status).where(AssessmentRow.id == assessment_id)) == "final":
        raise service.AssessmentIsFinal(assessment_id)
    return organisation_id


def send_to_workshop(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire,
                     question_ids: list[str], source: str = "manual", note: str = "") -> list[str]:
    """Put questions on the assessment's list for a workshop; returns the ones that were not on it yet."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    note = clean_text(note, "comment", service.MAX_COMMENT)
    known = {q.id for q in questionnaire.questions()}
    wanted = list(dict.fromkeys(question_ids))
    if not wanted or any(qid not in known for qid in wanted):
        raise service.InputError("unknown_choice", "question")
    with db.write() as session:
        organisation_id = _may_change(session, actor, assessment_id)
        assessment = session.get(AssessmentRow, assessment_id)
        if (assessment.questionnaire_id, assessment.questionnaire_version) != (questionnaire.id,
                                                                               questionnaire.version):
            raise service.InputError("unknown_choice", "question")
        present = set(session.scalars(select(DiscussionItemRow.question_id).where(
            DiscussionItemRow.assessment_id == assessment_id)))
        added = [qid for qid in wanted if qid not in present]
        now = utcnow()
        session.add_all(DiscussionItemRow(assessment_id=assessment_id, question_id=qid, source=source, note=note,
                                          added_by=actor.label, added_at=now) for qid in added)
        if added:
            log(session, actor, "sent_to_workshop", organisation_id, assessment_id, questions=added, source=source)
        return added


def discussion_items(db: Database, *, actor: Actor, assessment_id: str) -> list[DiscussionItem]:
    """The questions on the list, in the order they were added."""
    with db.read() as session:
        require(session, actor, organisation_of(session, assessment_id=assessment_id), READ)
        rows = session.scalars(select(DiscussionItemRow).where(DiscussionItemRow.assessment_id == assessment_id)
                               .order_by(DiscussionItemRow.added_at, DiscussionItemRow.question_id)).all()
        return [DiscussionItem(r.question_id, r.source, r.note, r.added_by, r.added_at) for r in rows]


def remove_item(db: Database, *, actor: Actor, assessment_id: str, question_id: str) -> None:
    with db.write() as session:
        organisation_id = _may_change(session, actor, assessment_id)
        removed = session.execute(delete(DiscussionItemRow).where(
            DiscussionItemRow.assessment_id == assessment_id, DiscussionItemRow.question_id == question_id))
        if removed.rowcount:
            log(session, actor, "removed_from_workshop_list", organisation_id, assessment_id, question=question_id)


def discussed(session, assessment_id: str, question_id: str) -> None:
    """Within a workshop's transaction: the organisation's answer to the question was agreed on."""
    session.execute(delete(DiscussionItemRow).where(DiscussionItemRow.assessment_id == assessment_id,
                                                    DiscussionItemRow.question_id == question_id))
