"""Database tables (SQLAlchemy 2.x declarative). Only `storage.db` and `assessment.service` use them."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String,
                        Text, UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)  # casefolded, for uniqueness
    org_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_class: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # explicit opt-in: final assessments may be used, anonymously, as peers of others (migration 0004)
    share_anonymously: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                    server_default=false())


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("organisation_id", "period", "questionnaire_id", name="uq_assessment_period"),
        CheckConstraint("status IN ('draft', 'final')", name="ck_assessment_status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[str] = mapped_column(String(40), nullable=False)
    questionnaire_id: Mapped[str] = mapped_column(String(100), nullable=False)
    questionnaire_version: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finalised_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # the assessment whose answers were copied as a starting point (migration 0002)
    previous_assessment_id: Mapped[str | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL", name="fk_assessments_previous"), nullable=True)


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id", name="uq_answer_question"),
        CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_answer_level"),
        # ja / nee only for the legal minimum, stored under "legal:<item id>" (migration 0014)
        CheckConstraint("non_score IS NULL OR non_score IN ('nvt', 'weetniet') "
                        "OR (non_score IN ('ja', 'nee') AND question_id LIKE 'legal:%')", name="ck_answer_non_score"),
        CheckConstraint("level IS NULL OR non_score IS NULL", name="ck_answer_one_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    question_id: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    non_score: Mapped[str | None] = mapped_column(String(10), nullable=True)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    answered_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # period of the assessment this answer was copied from, until someone reviews it (migration 0002)
    carried_from: Mapped[str | None] = mapped_column(String(40), nullable=True)


class TargetRow(Base):
    __tablename__ = "targets"
    __table_args__ = (CheckConstraint("level >= 1 AND level <= 5", name="ck_target_level"),)

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    dimension_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    set_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class AssessmentScoreRow(Base):
    """The scores of a final assessment, stored when it is finalised, for peer comparisons (migration 0011):
    one 8-byte float per unit (dimensions, competencies, overall; NaN for no score) and the scoring key of the
    questionnaire they were computed with (see peers/scores.py)."""

    __tablename__ = "assessment_scores"
    # read by its key only: on SQLite without a separate rowid, one B-tree lookup per row instead of two
    __table_args__ = {"sqlite_with_rowid": False}

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100), nullable=False)
    questionnaire_version: Mapped[str] = mapped_column(String(20), nullable=False)
    scoring_key: Mapped[str] = mapped_column(String(32), nullable=False)
    scores: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class PlanActionRow(Base):
    """One action of an assessment's improvement plan (migration 0003)."""

    __tablename__ = "plan_actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="ck_plan_action_status"),
        CheckConstraint("expected_gain >= 0 AND expected_gain <= 4", name="ck_plan_action_gain"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    dimension_id: Mapped[str] = mapped_column(String(100), nullable=False)
    library_action_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # from the questionnaire
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    owner: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="planned")
    expected_gain: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    kpi: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    kpi_target: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # the KPI of the organisation's register whose figures show this action's effect (migration 0008)
    kpi_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("kpi_register.id", ondelete="SET NULL", name="fk_plan_actions_kpi_entry"), nullable=True)


class DataVersionRow(Base):
    """A stamp the database changes itself (triggers, migration 0012) whenever the data behind a kind of figure
    changes; "peers": everything a peer comparison reads. Read to know whether figures kept in memory are
    still current, also after a change through another app server."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32), nullable=False)


class PeerSetRow(Base):
    """Peer data that did not come from this database: an imported benchmark file or the demo set."""

    __tablename__ = "peer_sets"
    __table_args__ = (CheckConstraint("source IN ('import', 'demo')", name="ck_peer_set_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    questionnaire_id: Mapped[str] = mapped_column(String(100), nullable=False)
    questionnaire_version: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # whose peer data this is: only that organisation compares with it; None = for everyone, managed by an
    # application administrator (sets stored before migration 0007)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE", name="fk_peer_sets_organisation"), nullable=True,
        index=True)


class PeerRecordRow(Base):
    """One peer organisation-year: type, size class, year, and either its answers (JSON: question id -> 1-5 /
    "nvt" / "weetniet") or, when a benchmark file gave only those, its dimension scores (JSON).

    `organisation_key` is an opaque key of the organisation (never its name), so that the anonymity minimum
    counts organisations, not organisation-years (migration 0006)."""

    __tablename__ = "peer_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_set_id: Mapped[int] = mapped_column(ForeignKey("peer_sets.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    org_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_class: Mapped[str] = mapped_column(String(40), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[str] = mapped_column(Text, nullable=False)
    scores: Mapped[str | None] = mapped_column(Text, nullable=True)
    # its scores per unit as a peer comparison reads them, and the scoring key they were computed with
    # (migration 0011; see peers/scores.py)
    unit_scores: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    scoring_key: Mapped[str | None] = mapped_column(String(32), nullable=True)
    organisation_key: Mapped[str] = mapped_column(String(80), nullable=False)


class WorkshopRow(Base):
    """A group session that answers (part of) an assessment together (migration 0005)."""

    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("projector_token", name="uq_workshops_projector_token"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    join_code: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    facilitator_token: Mapped[str] = mapped_column(String(64), nullable=False)
    # the projector's link: shows the workshop's screen and nothing else (migration 0007)
    projector_token: Mapped[str] = mapped_column(String(64), nullable=False)
    question_ids: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list, in order
    current_question_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    closed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class WorkshopQuestionRow(Base):
    """A question's life in a workshop (workshops/service.py, TRANSITIONS); "agreed" since migration 0013.
    `parked` puts the question aside in whatever state it is in."""

    __tablename__ = "workshop_questions"
    __table_args__ = (CheckConstraint("state IN ('waiting', 'voting', 'closed', 'revealed', 'agreed')",
                                      name="ck_workshop_question_state"),)

    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="waiting")
    parked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    agreed_value: Mapped[str | None] = mapped_column(String(10), nullable=True)
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    aggregates: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON, kept when raw votes are deleted


class ParticipantRow(Base):
    __tablename__ = "workshop_participants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the participant's secret token
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # when the seat's phone last asked for its ballot: present while recent (migration 0013)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VoteRow(Base):
    __tablename__ = "workshop_votes"
    __table_args__ = (UniqueConstraint("workshop_id", "question_id", "round", "participant_id", name="uq_vote"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False)
    question_id: Mapped[str] = mapped_column(String(100), nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    participant_id: Mapped[str] = mapped_column(ForeignKey("workshop_participants.id", ondelete="CASCADE"),
                                                nullable=False)
    value: Mapped[str] = mapped_column(String(10), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class PersonRow(Base):
    """Someone who signed in (or was added as a member before signing in), known by the e-mail address of
    their identity (migration 0007)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # every session of this person that began before this moment has ended (migration 0015)
    sessions_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EndedSessionRow(Base):
    """A session that was signed out: its key (a hash of the ID token's claims), so that a copy of its cookie no
    longer signs in (migration 0015)."""

    __tablename__ = "ended_sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class MembershipRow(Base):
    """A person's role in an organisation: beheerder, invuller, facilitator or lezer (migration 0007)."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint("role IN ('beheerder', 'invuller', 'facilitator', 'lezer')",
                                      name="ck_membership_role"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")


class ActivityRow(Base):
    """Who did what, when: one row per change (migration 0007). The assessment id is kept as text, so the
    record of a deleted draft stays."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    assessment_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(254), nullable=False)  # e-mail address, or "local"
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class KpiEntryRow(Base):
    """One KPI in an organisation's register (migration 0008): a KPI of the library, known by its id (`code`;
    its definition is the library's), or the organisation's own KPI with its definition in these columns."""

    __tablename__ = "kpi_register"
    __table_args__ = (
        UniqueConstraint("organisation_id", "code", name="uq_kpi_register_code"),
        CheckConstraint("unit IS NULL OR unit IN ('percentage', 'per_1000', 'days', 'count')",
                        name="ck_kpi_register_unit"),
        CheckConstraint("direction IS NULL OR direction IN ('higher', 'lower', 'context')",
                        name="ck_kpi_register_direction"),  # context: migration 0014
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    code: Mapped[str] = mapped_column(String(60), nullable=False)  # the library id, or the own KPI's id
    from_library: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    definition: Mapped[str] = mapped_column(Text, nullable=False, default="")
    unit: Mapped[str | None] = mapped_column(String(12), nullable=True)
    numerator: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    denominator: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    direction: Mapped[str | None] = mapped_column(String(10), nullable=True)  # higher, lower or context
    competency: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    people_centred: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    target: Mapped[float | None] = mapped_column(Float, nullable=True)  # in the KPI's unit (a percentage 0-100)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class KpiValueRow(Base):
    """A measured value of a register KPI for one period: a year, quarter or month (migration 0008). A ratio
    keeps its numerator and denominator (so periods add up); any other KPI its value."""

    __tablename__ = "kpi_values"
    __table_args__ = (
        UniqueConstraint("entry_id", "period", name="uq_kpi_value_period"),
        CheckConstraint("months IN (1, 3, 12)", name="ck_kpi_value_months"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kpi_register.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    period: Mapped[str] = mapped_column(String(7), nullable=False)  # 2026, 2026-Q3, 2026-03
    first_month: Mapped[int] = mapped_column(Integer, nullable=False)  # year * 12 + month - 1
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    entered_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="app")  # app or file
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class RespondentSurveyRow(Base):
    """Colleagues answering an assessment on their own (migration 0009): the deadline for all its links."""

    __tablename__ = "respondent_surveys"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)  # the last day answers are taken
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class RespondentRow(Base):
    """One personal link of an assessment (migration 0009). The token is the respondent's only key; the role
    and the (optional) name are chosen by the respondent."""

    __tablename__ = "respondents"
    __table_args__ = (
        UniqueConstraint("token", name="uq_respondents_token"),
        CheckConstraint("role IS NULL OR role IN ('frontoffice', 'backoffice', 'management', 'other')",
                        name="ck_respondent_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    token: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # migration 0010: an invitation of a signed-in member; only that member (signed in) can use it
    member_email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)


class RespondentAnswerRow(Base):
    """A respondent's answer to one question or legal requirement (migrations 0009, 0017): saved the moment it is
    given."""

    __tablename__ = "respondent_answers"
    __table_args__ = (
        UniqueConstraint("respondent_id", "question_id", name="uq_respondent_answer_question"),
        CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_respondent_answer_level"),
        # ja / nee only for the legal minimum, stored under "legal:<item id>" (migration 0017)
        CheckConstraint("non_score IS NULL OR non_score IN ('nvt', 'weetniet') "
                        "OR (non_score IN ('ja', 'nee') AND question_id LIKE 'legal:%')",
                        name="ck_respondent_answer_non_score"),
        CheckConstraint("level IS NULL OR non_score IS NULL", name="ck_respondent_answer_one_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    question_id: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    non_score: Mapped[str | None] = mapped_column(String(10), nullable=True)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class RespondentMergeRow(Base):
    """How a question's answer was put together from the respondents' answers (migration 0009): what was
    suggested, what was chosen, why, and the figures it rested on."""

    __tablename__ = "respondent_merges"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(10), nullable=False)  # 1-5, nvt, weetniet
    suggested: Mapped[str | None] = mapped_column(String(10), nullable=True)
    answers: Mapped[int] = mapped_column(Integer, nullable=False)
    median: Mapped[float | None] = mapped_column(Float, nullable=True)
    agreement: Mapped[float | None] = mapped_column(Float, nullable=True)
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    provenance: Mapped[str] = mapped_column(Text, nullable=False, default="")
    merged_by: Mapped[str] = mapped_column(String(254), nullable=False)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class DiscussionItemRow(Base):
    """A question sent to a workshop for discussion (migration 0010), for example because the respondents
    disagree. It leaves the list when a workshop records the organisation's answer to it."""

    __tablename__ = "discussion_items"

    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    added_by: Mapped[str] = mapped_column(String(254), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
