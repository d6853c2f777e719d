"""Respondents: colleagues answer an assessment on their own, each through a personal link.

Who may do what:
- a beheerder (access.MANAGE) creates links, revokes them and sets the deadline; only they see the links;
- a beheerder may instead invite members of the organisation: such an invitation is bound to the member's
  e-mail address, works only for that member when signed in (and while they are a member), and is listed on
  their Start page (`my_invitations`); nobody else can use it, even with its address;
- a respondent acts by the link alone (the assessment id and a random token, like a workshop seat): they
  choose a role (front office, back office, management, other) and may leave a name, then read and save
  only their own answers, one at a time. A revoked or unknown link, a link of another assessment, an answer
  after the deadline or on a final assessment is refused with a `RespondentError` and nothing is written;
- members who read the assessment (READ) see the overview: counts per role, per question the distribution,
  median and agreement, per dimension and competency the figures per role and the perception gaps
  (`scoring.respondents`); roles with fewer than three respondents are only counted in "all";
- an invuller (ANSWER) merges: per question the chosen value becomes the assessment's answer, with its
  provenance ("samengesteld uit 9 antwoorden, mediaan 3, overeenstemming 0,62") as the comment and in a
  record of its own.
Answers of revoked links do not count anywhere.

The legal minimum: a respondent answers its legal items like the questions, ja / nee / weet niet, under their
`legal_key` ("legal:awb-9-7"). The overview shows per item the number of ja, nee and weet niet, only from at
least MIN_GROUP answers to it (`scoring.respondents.legal_figures`), and never per role. The merge suggests the
answer most people gave, weet niet on a tie (the provenance says so), and needs at least MIN_GROUP answers; the
chosen answer becomes the assessment's legal answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from access.service import (ANSWER, MANAGE, READ, AccessDenied, Actor, clean_email, log, organisation_of,
                            require)
from i18n import format_number, t
from questionnaires.model import Questionnaire
from scoring.agreement import VoteSummary
from scoring.legal import LEGAL_PREFIX, LEGAL_VALUES, LegalVoteSummary, is_legal_key, legal_key
from scoring.respondents import MIN_GROUP, ROLES, Response, RoleFigures, role_figures

from assessment import service
from rules.input import clean_text
from storage.db import Database, upsert
from storage.models import (AssessmentRow, MembershipRow, OrganisationRow, PersonRow, RespondentAnswerRow,
                     RespondentMergeRow, RespondentRow, RespondentSurveyRow, utcnow)

VALUES = ("1", "2", "3", "4", "5", "nvt", "weetniet")  # a question; a legal item takes LEGAL_VALUES
MAX_LINKS = 200  # links made at once
MAX_NAME = 100
LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
UNSET = object()


def values_for(question_id: str) -> tuple[str, ...]:
    """The answers a question takes (a level, n.v.t., weet niet), or a legal item (ja, nee, weet niet)."""
    return LEGAL_VALUES if is_legal_key(question_id) else VALUES


def _known(questionnaire: Questionnaire) -> set[str]:
    """What a respondent can answer: the questions and the legal items (by their `legal_key`)."""
    return {q.id for q in questionnaire.questions()} | {legal_key(item.id) for item in questionnaire.legal_items()}


class RespondentError(ValueError):
    """`code` is a translation key under "respondents.": unknown_link, revoked, other_assessment,
    after_deadline, final, unknown_role, choose_role_first, unknown_question, invalid_answer, too_many,
    member_only (an invitation of a member, opened by someone else or signed out), not_a_member,
    too_few_to_merge (fewer than MIN_GROUP people answered)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Link:
    id: int
    token: str
    role: str | None
    name: str
    revoked: bool
    answered: int
    created_at: datetime
    member_email: str | None = None  # an invitation of a signed-in member; None for a link


@dataclass(frozen=True)
class Invitation:
    """An open invitation of the signed-in member, for their Start page."""

    assessment_id: str
    token: str
    organisation_name: str
    period: str
    answered: int
    total: int
    deadline: date | None
    invited_by: str


@dataclass(frozen=True)
class Survey:
    """The links of an assessment and its deadline, for its beheerder."""

    deadline: date | None
    links: list[Link]


@dataclass(frozen=True)
class RespondentState:
    """What a respondent's own page needs: never anything of other respondents."""

    assessment_id: str
    questionnaire: tuple[str, str]  # (id, version)
    organisation_name: str
    period: str
    role: str | None
    name: str
    answers: dict[str, object]  # question id -> 1-5 / nvt / weetniet; legal_key(item id) -> ja / nee / weetniet
    comments: dict[str, str]
    deadline: date | None
    closed: str | None  # None while answers are taken; else "after_deadline" or "final"


@dataclass(frozen=True)
class Merge:
    question_id: str
    value: str
    suggested: str | None
    answers: int
    median: float | None
    agreement: float | None
    rationale: str
    provenance: str
    merged_by: str
    merged_at: datetime


@dataclass(frozen=True)
class Overview:
    invited: int  # links that are not revoked
    started: int  # of those, with a role chosen
    figures: RoleFigures
    comments: dict[str, list[str]]  # question id -> comments, without names or roles
    merges: dict[str, Merge]
    deadline: date | None
    min_group: int = MIN_GROUP


def today_here() -> date:
    return datetime.now(LOCAL_TIMEZONE).date()


# --- the beheerder ------------------------------------------------------------------------------------

def _managed(session, actor: Actor, assessment_id: str, permission: str = MANAGE) -> int:
    organisation_id = organisation_of(session, assessment_id=assessment_id)
    require(session, actor, organisation_id, permission)
    return organisation_id


def _links(session, assessment_id: str) -> list[Link]:
    answered = dict(session.execute(
        select(RespondentAnswerRow.respondent_id, func.count())
        .join(RespondentRow, RespondentRow.id == RespondentAnswerRow.respondent_id)
        .where(RespondentRow.assessment_id == assessment_id,
               (RespondentAnswerRow.level.is_not(None)) | (RespondentAnswerRow.non_score.is_not(None)))
        .group_by(RespondentAnswerRow.respondent_id)).all())
    rows = session.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id)
                           .order_by(RespondentRow.id)).all()
    return [Link(r.id, r.token, r.role, r.name, r.revoked, answered.get(r.id, 0), r.created_at, r.member_email)
            for r in rows]


def create_links(db: Database, *, actor: Actor, assessment_id: str, count: int) -> list[Link]:
    """`count` new personal links for a draft assessment (beheerder)."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_LINKS:
        raise RespondentError("too_many", max=MAX_LINKS)
    with db.write() as session:
        organisation_id = _managed(session, actor, assessment_id)
        service.lock_draft(session, assessment_id)
        rows = [RespondentRow(assessment_id=assessment_id, token=secrets.token_urlsafe(24), name="", revoked=False,
                              created_by=actor.label) for _ in range(count)]
        session.add_all(rows)
        session.flush()
        log(session, actor, "respondent_links_created", organisation_id, assessment_id, count=count)
        ids = {r.id for r in rows}
        return [link for link in _links(session, assessment_id) if link.id in ids]


def invite_members(db: Database, *, actor: Actor, assessment_id: str, emails: list[str]) -> list[Link]:
    """Invitations of members of the organisation (beheerder), one per member; a member who already has an
    open invitation keeps it. Each is bound to the member's address: see the module text."""
    cleaned = list(dict.fromkeys(clean_email(e) for e in emails))
    if not 1 <= len(cleaned) <= MAX_LINKS:
        raise RespondentError("too_many", max=MAX_LINKS)
    with db.write() as session:
        organisation_id = _managed(session, actor, assessment_id)
        service.lock_draft(session, assessment_id)
        members = set(session.scalars(
            select(PersonRow.email).join(MembershipRow, MembershipRow.person_id == PersonRow.id)
            .where(MembershipRow.organisation_id == organisation_id)))
        for email in cleaned:
            if email not in members:
                raise RespondentError("not_a_member", email=email)
        open_ = set(session.scalars(select(RespondentRow.member_email).where(
            RespondentRow.assessment_id == assessment_id, RespondentRow.member_email.in_(cleaned),
            RespondentRow.revoked.is_(False))))
        new = [RespondentRow(assessment_id=assessment_id, token=secrets.token_urlsafe(24), name="", revoked=False,
                             created_by=actor.label, member_email=email) for email in cleaned if email not in open_]
        session.add_all(new)
        session.flush()
        if new:
            log(session, actor, "respondent_members_invited", organisation_id, assessment_id, count=len(new))
        return [link for link in _links(session, assessment_id)
                if link.member_email in cleaned and not link.revoked]


def my_invitations(db: Database, *, actor: Actor, questionnaire_sizes: dict[tuple[str, str], int] | None = None
                   ) -> list[Invitation]:
    """The signed-in member's open invitations to answer a scan on their own (draft scans of organisations
    they are still a member of), newest first. `questionnaire_sizes` gives the number of questions per
    questionnaire (id, version) for the progress."""
    if actor.is_local or not actor.email:
        return []
    with db.read() as session:
        rows = session.execute(
            select(RespondentRow, AssessmentRow, OrganisationRow.name)
            .join(AssessmentRow, AssessmentRow.id == RespondentRow.assessment_id)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .join(MembershipRow, MembershipRow.organisation_id == OrganisationRow.id)
            .join(PersonRow, (PersonRow.id == MembershipRow.person_id) & (PersonRow.email == actor.email))
            .where(RespondentRow.member_email == actor.email, RespondentRow.revoked.is_(False),
                   AssessmentRow.status != "final")
            .order_by(RespondentRow.created_at.desc(), RespondentRow.id.desc())).all()
        if not rows:
            return []
        answered = dict(session.execute(
            select(RespondentAnswerRow.respondent_id, func.count())
            .where(RespondentAnswerRow.respondent_id.in_([r.id for r, _, _ in rows]),
                   RespondentAnswerRow.question_id.not_like(LEGAL_PREFIX + "%"),  # the progress counts questions
                   (RespondentAnswerRow.level.is_not(None)) | (RespondentAnswerRow.non_score.is_not(None)))
            .group_by(RespondentAnswerRow.respondent_id)).all())
        deadlines = dict(session.execute(
            select(RespondentSurveyRow.assessment_id, RespondentSurveyRow.deadline)
            .where(RespondentSurveyRow.assessment_id.in_([a.id for _, a, _ in rows]))).all())
        sizes = questionnaire_sizes or {}
        return [Invitation(a.id, r.token, name, a.period, answered.get(r.id, 0),
                           sizes.get((a.questionnaire_id, a.questionnaire_version), 0), deadlines.get(a.id),
                           r.created_by) for r, a, name in rows]


def revoke_link(db: Database, *, actor: Actor, assessment_id: str, link_id: int) -> None:
    """The link stops working at once; its answers no longer count (beheerder)."""
    with db.write() as session:
        organisation_id = _managed(session, actor, assessment_id)
        row = session.get(RespondentRow, link_id) if isinstance(link_id, int) else None
        if row is None or row.assessment_id != assessment_id:  # as for any id: unknown or not yours, one answer
            raise AccessDenied(MANAGE)
        if not row.revoked:
            row.revoked = True
            log(session, actor, "respondent_link_revoked", organisation_id, assessment_id, link=link_id)


def set_deadline(db: Database, *, actor: Actor, assessment_id: str, deadline: date | None) -> None:
    """The last day on which respondents can answer (None: no deadline) (beheerder)."""
    if deadline is not None and not isinstance(deadline, date):
        raise service.InputError("invalid_date", "deadline", value=str(deadline))
    with db.write() as session:
        organisation_id = _managed(session, actor, assessment_id)
        row = session.get(RespondentSurveyRow, assessment_id)
        if row is None:
            session.add(RespondentSurveyRow(assessment_id=assessment_id, deadline=deadline, updated_at=utcnow()))
        else:
            row.deadline, row.updated_at = deadline, utcnow()
        log(session, actor, "respondent_deadline_set", organisation_id, assessment_id,
            deadline=deadline.isoformat() if deadline else None)


def get_survey(db: Database, *, actor: Actor, assessment_id: str) -> Survey:
    """The links (with their secret tokens) and the deadline (beheerder)."""
    with db.read() as session:
        _managed(session, actor, assessment_id)
        return Survey(_deadline(session, assessment_id), _links(session, assessment_id))


def _deadline(session, assessment_id: str) -> date | None:
    return session.scalar(select(RespondentSurveyRow.deadline).where(
        RespondentSurveyRow.assessment_id == assessment_id))


# --- the respondent, by link ----------------------------------------------------------------------------

def _by_link(session, assessment_id: str, token: str, *, actor: Actor | None = None,
             lock: bool = False) -> tuple[RespondentRow, AssessmentRow]:
    """The respondent of a valid link: unknown or tampered, of another assessment, or revoked is refused; a
    member's invitation only for that member, signed in, while still a member."""
    if not isinstance(token, str) or not token or len(token) > 64:
        raise RespondentError("unknown_link")
    row = session.scalar(select(RespondentRow).where(RespondentRow.token == token))
    if row is None or not secrets.compare_digest(row.token, token):
        raise RespondentError("unknown_link")
    if row.assessment_id != assessment_id:
        raise RespondentError("other_assessment")
    if row.revoked:
        raise RespondentError("revoked")
    if row.member_email is not None:
        if actor is None or actor.is_local or actor.email != row.member_email:
            raise RespondentError("member_only")
        still_member = session.scalar(
            select(MembershipRow.role).join(PersonRow, PersonRow.id == MembershipRow.person_id)
            .join(AssessmentRow, AssessmentRow.organisation_id == MembershipRow.organisation_id)
            .where(AssessmentRow.id == row.assessment_id, PersonRow.email == actor.email))
        if still_member is None:
            raise RespondentError("revoked")
    query = select(AssessmentRow).where(AssessmentRow.id == row.assessment_id)
    assessment = session.scalar(query.with_for_update() if lock else query)
    return row, assessment


def _closed(session, assessment: AssessmentRow, today: date) -> str | None:
    if assessment.status == "final":
        return "final"
    deadline = _deadline(session, assessment.id)
    if deadline is not None and today > deadline:
        return "after_deadline"
    return None


def respondent_state(db: Database, *, assessment_id: str, token: str, today: date | None = None,
                     actor: Actor | None = None) -> RespondentState:
    """The respondent's own questionnaire: their role, name and answers, and whether answers are still taken.
    `actor`: who is signed in (None when nobody); only a member's invitation needs it."""
    with db.read() as session:
        row, assessment = _by_link(session, assessment_id, token, actor=actor)
        answers, comments = {}, {}
        for answer in session.scalars(select(RespondentAnswerRow).where(RespondentAnswerRow.respondent_id == row.id)):
            value = answer.level if answer.level is not None else answer.non_score
            if value is not None:
                answers[answer.question_id] = value
            if answer.comment:
                comments[answer.question_id] = answer.comment
        organisation = session.get(OrganisationRow, assessment.organisation_id)
        return RespondentState(assessment.id, (assessment.questionnaire_id, assessment.questionnaire_version),
                               organisation.name, assessment.period, row.role, row.name, answers, comments,
                               _deadline(session, assessment.id), _closed(session, assessment, today or today_here()))


def _writable(session, assessment_id: str, token: str, today: date | None, actor: Actor | None) -> RespondentRow:
    row, assessment = _by_link(session, assessment_id, token, actor=actor, lock=True)
    closed = _closed(session, assessment, today or today_here())
    if closed:
        raise RespondentError(closed)
    return row


def choose_role(db: Database, *, assessment_id: str, token: str, role: str, name: str = "",
                today: date | None = None, actor: Actor | None = None) -> None:
    """The respondent's role (required) and name (optional); may be changed while answers are taken."""
    if role not in ROLES:
        raise RespondentError("unknown_role")
    name = clean_text(name, "respondent_name", MAX_NAME)
    with db.write() as session:
        row = _writable(session, assessment_id, token, today, actor)
        row.role, row.name = role, name


def save_respondent_answer(db: Database, *, assessment_id: str, token: str, questionnaire: Questionnaire,
                           question_id: str, value=UNSET, comment=UNSET, today: date | None = None,
                           actor: Actor | None = None) -> None:
    """Store the respondent's level (1-5, "nvt", "weetniet", or None to clear) and/or comment of one question;
    for a legal item (`legal_key`) ja / nee / weetniet."""
    fields: dict = {}
    if value is not UNSET:
        if value is None:
            fields.update(level=None, non_score=None)
        else:
            if not isinstance(question_id, str) or str(value) not in values_for(question_id) \
                    or isinstance(value, bool):
                raise RespondentError("invalid_answer")
            fields.update(level=int(value), non_score=None) if str(value).isdigit() else \
                fields.update(level=None, non_score=str(value))
    if comment is not UNSET:
        fields["comment"] = clean_text(comment, "comment", service.MAX_COMMENT)
    with db.write() as session:
        row = _writable(session, assessment_id, token, today, actor)
        assessment = session.get(AssessmentRow, assessment_id)
        if (assessment.questionnaire_id, assessment.questionnaire_version) != (questionnaire.id,
                                                                               questionnaire.version) \
                or question_id not in _known(questionnaire):
            raise RespondentError("unknown_question")
        if row.role is None:
            raise RespondentError("choose_role_first")
        if not fields:
            return
        now = utcnow()
        new_row = dict(respondent_id=row.id, question_id=question_id, level=None, non_score=None, comment="",
                       updated_at=now) | fields
        upsert(session, RespondentAnswerRow.__table__, new_row, ["respondent_id", "question_id"],
                        dict(fields, updated_at=now))


# --- the overview and the merge -------------------------------------------------------------------------

def _responses(session, assessment_id: str) -> tuple[list[Response], dict[str, list[str]], int, int]:
    links = session.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id,
                                                        RespondentRow.revoked.is_(False))).all()
    roles = {r.id: r.role for r in links}
    answers: dict[int, dict[str, object]] = {r.id: {} for r in links if r.role}
    comments: dict[str, list[str]] = {}
    rows = session.scalars(select(RespondentAnswerRow).where(RespondentAnswerRow.respondent_id.in_(list(roles)))
                           .order_by(RespondentAnswerRow.question_id, RespondentAnswerRow.id)).all()
    for answer in rows:
        if roles.get(answer.respondent_id) is None:
            continue
        value = answer.level if answer.level is not None else answer.non_score
        if value is not None:
            answers[answer.respondent_id][answer.question_id] = value
        if answer.comment:
            comments.setdefault(answer.question_id, []).append(answer.comment)
    responses = [Response(roles[rid], found) for rid, found in answers.items()]
    return responses, comments, len(links), len(answers)


def _merge(row: RespondentMergeRow) -> Merge:
    return Merge(row.question_id, row.value, row.suggested, row.answers, row.median, row.agreement, row.rationale,
                 row.provenance, row.merged_by, row.merged_at)


def overview(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire) -> Overview:
    """The respondents' answers taken together (no individual answers, no names): see the module text."""
    with db.read() as session:
        _managed(session, actor, assessment_id, READ)
        responses, comments, invited, started = _responses(session, assessment_id)
        merges = {r.question_id: _merge(r) for r in session.scalars(
            select(RespondentMergeRow).where(RespondentMergeRow.assessment_id == assessment_id))}
        figures = role_figures(questionnaire, responses)
        if not figures.everyone_shown:  # too few people: not even their comments (one rule: scoring.respondents)
            comments = {}
        return Overview(invited, started, figures, comments, merges, _deadline(session, assessment_id))


def provenance_text(summary: VoteSummary, language: str) -> str:
    """ "samengesteld uit 9 antwoorden, mediaan 3, overeenstemming 0,62" (in the user's language)."""
    none = t("respondents.none", language)
    median = none if summary.median is None else (
        str(int(summary.median)) if float(summary.median).is_integer() else format_number(summary.median, language))
    agreement = none if summary.agreement is None else format_number(summary.agreement, language, 2)
    return t("respondents.provenance", language, count=summary.voted, median=median, agreement=agreement)


def legal_provenance_text(summary: LegalVoteSummary, language: str) -> str:
    """ "samengesteld uit 5 antwoorden: 3 ja, 1 nee, 1 weet niet; de meeste zeiden nee", or on a tie "...; even vaak
    ja als nee, dus weet niet" (in the user's language)."""
    counts = t("respondents.legal_counts", language, yes=summary.counts["ja"], no=summary.counts["nee"],
               dont_know=summary.counts["weetniet"])
    if summary.tied:
        tied = t("respondents.legal_or", language).join(t(f"respondents.legal_{v}", language) for v in summary.largest)
        outcome = t("respondents.legal_tie", language, answers=tied)
    else:
        outcome = t("respondents.legal_most", language, answer=t(f"respondents.legal_{summary.largest[0]}", language))
    return t("respondents.legal_provenance", language, count=summary.voted, counts=counts, outcome=outcome)


def merge_answer(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire, question_id: str,
                 value: str, rationale: str = "", language: str = "nl") -> Merge:
    """The chosen value becomes the assessment's answer, with its provenance as the comment (and the rationale
    after it). A value other than the suggestion, or a choice without a suggestion, needs a rationale. A legal
    item (`legal_key`): ja / nee / weet niet, the suggestion the answer most gave (weet niet on a tie), and only
    from at least MIN_GROUP answers; it becomes the assessment's legal answer."""
    if not isinstance(question_id, str) or value not in values_for(question_id):
        raise service.InputError("invalid_answer", "value", value=str(value))
    rationale = clean_text(rationale, "rationale", service.MAX_COMMENT)
    with db.write() as session:
        organisation_id = _managed(session, actor, assessment_id, ANSWER)
        assessment = session.get(AssessmentRow, assessment_id)
        if (assessment.questionnaire_id, assessment.questionnaire_version) != (questionnaire.id,
                                                                               questionnaire.version) \
                or question_id not in _known(questionnaire):
            raise RespondentError("unknown_question")
        responses, _, _, _ = _responses(session, assessment_id)
        all_figures = role_figures(questionnaire, responses)
        if not all_figures.everyone_shown:  # the merged answer would be one or two people's own answer
            raise RespondentError("too_few_to_merge", min=MIN_GROUP)
        if is_legal_key(question_id):
            figures = all_figures.legal[question_id[len(LEGAL_PREFIX):]]
            if figures.answers == 0:
                raise RespondentError("no_answers")
            if figures.summary is None:  # one or two answers: not shown, so not merged either
                raise RespondentError("too_few_legal", min=MIN_GROUP)
        else:
            figures = all_figures.questions[question_id]
            if figures.answers == 0:
                raise RespondentError("no_answers")
        suggested = None if figures.suggested is None else str(figures.suggested)
        if value != suggested and not rationale:
            raise service.InputError("rationale_required", "rationale")
        provenance = (legal_provenance_text(figures.summary, language) if is_legal_key(question_id)
                      else provenance_text(figures.summary, language))
        comment = provenance + (f". {rationale}" if rationale else "")
        level, non_score = service.split_value(int(value) if value.isdigit() else value, question_id)
        service.store_answer(session, actor, organisation_id, assessment_id, question_id, source="respondents",
                             level=level, non_score=non_score, comment=comment[:service.MAX_COMMENT])
        now = utcnow()
        record = dict(value=value, suggested=suggested, answers=figures.answers, median=figures.summary.median,
                      agreement=figures.summary.agreement, rationale=rationale, provenance=provenance,
                      merged_by=actor.label, merged_at=now)
        upsert(session, RespondentMergeRow.__table__,
                        dict(assessment_id=assessment_id, question_id=question_id) | record,
                        ["assessment_id", "question_id"], record)
        log(session, actor, "respondents_merged", organisation_id, assessment_id, question=question_id, value=value,
            suggested=suggested, answers=figures.answers)
        return Merge(question_id, value, suggested, figures.answers, figures.summary.median,
                     figures.summary.agreement, rationale, provenance, actor.label, now)
