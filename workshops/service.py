"""Workshop mode, service layer: a group votes on questions, the facilitator leads and records the answer.

Who may do what: the facilitator is a member with the workshop right in the assessment's organisation
(access.WORKSHOP) who also holds the workshop's facilitator token (in the facilitator's link). Each
participant holds a participant token (their seat, in their link); the projector holds the projector
token (its link). These tokens are the only key for phones and the projector: a seat reaches only its
own ballot, the projector only its own screen, and neither opens facilitator actions.
Votes are anonymous: a vote row knows the seat and its role, never a name.

A question's life is a state machine, kept here and not in the buttons (TRANSITIONS):
waiting -> voting -> closed -> revealed -> agreed, with a second round revealed -> voting (round 2) -> closed
-> revealed that keeps round 1's votes and then says how many people changed their vote. Voting that was
closed before the reveal may be opened again (nobody has seen an outcome yet); once revealed, voting again is
only possible as the second round. Any question can be parked (voting stops) and resumed later. Every action
locks the question's row and checks its state in the same write transaction (BEGIN IMMEDIATE on SQLite,
SELECT ... FOR UPDATE on PostgreSQL), so two facilitator tabs or two app servers pressing at once leave one
outcome; the other press is refused with a message and changes nothing. A vote holds a share lock on its
question (PostgreSQL), so no vote lands after its round was closed.

The legal minimum: a legal item of the questionnaire takes part like a question, under its `legal_key`
("legal:awb-9-7") in the same list of questions, and is voted ja / nee / weet niet (`values_for`): a level on a
legal item and a ja on a question are refused. Its outcome has no median: the counts, the answer most people
gave and the agreement in words from that answer's share (`scoring.legal.summarise_legal`). The agreed ja / nee /
weet niet becomes the assessment's legal answer through the same path as a level (`record_agreed`). The summary
per dimension leaves legal items out (no means over ja and nee).

Anonymity in the room: per role only the median (for a legal item: the answer most of the role gave), and only for a role with at least `MIN_GROUP` voters (the
respondents' rule, `scoring.respondents.shown_roles`); never counts per role.

Presence: a seat is present while its phone asks for its ballot (every 2 seconds; `last_seen` is written at
most every `seen_every()`); a seat not seen for `away_after()` (30 s, or KLANTBEWUST_WORKSHOP_AWAY_SECONDS) is away
and is not counted in "7 van 9 aanwezigen gestemd"; a phone that comes back is present again on its seat.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from questionnaires.model import Questionnaire
from scoring.agreement import VoteSummary, summarise
from scoring.legal import LEGAL_VALUES, LegalVoteSummary, is_legal_key, legal_key, summarise_legal
from scoring.respondents import shown_roles

from access.service import READ, WORKSHOP, Actor, log, organisation_of, require

from assessment import service
from rules.input import clean_text

from . import discussion
from storage.db import Database
from storage.models import AssessmentRow, ParticipantRow, VoteRow, WorkshopQuestionRow, WorkshopRow, utcnow

ROLES = ("frontoffice", "backoffice", "management", "other")
VALUES = ("1", "2", "3", "4", "5", "nvt", "weetniet")  # a question; a legal item takes LEGAL_VALUES
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and type
CODE_LENGTH = 6
LIFETIME = timedelta(days=2)
ENV_AWAY_SECONDS = "KLANTBEWUST_WORKSHOP_AWAY_SECONDS"


def away_after() -> timedelta:
    """How long a seat may go unseen before it is away (read when used, like every setting of the app)."""
    return timedelta(seconds=float(os.environ.get(ENV_AWAY_SECONDS) or 30))


def seen_every() -> timedelta:
    """How often a polling phone writes its `last_seen`."""
    return min(timedelta(seconds=10), away_after() / 3)


# action -> {phase it may start from: the state it leads to}; a phase is the state, or "parked"
STATES = ("waiting", "voting", "closed", "revealed", "agreed")
PHASES = (*STATES, "parked")
TRANSITIONS: dict[str, dict[str, str]] = {
    "open": {"waiting": "voting", "closed": "voting"},  # closed before the reveal: nobody saw an outcome yet
    "close": {"voting": "closed"},
    "reveal": {"closed": "revealed"},
    "second_round": {"revealed": "voting"},  # round 1 only; keeps round 1's votes
    "agree": {"revealed": "agreed", "agreed": "agreed"},  # agreed again: the answer or rationale corrected
    "park": {state: "parked" for state in STATES},  # voting stops; resume returns to the state (closed if voting)
    "resume": {"parked": "(the state it was parked in)"},
}
ACTIONS = tuple(TRANSITIONS)
# the message for an action in a phase it may not start from
REFUSALS = {"open": "cannot_open", "close": "cannot_close", "reveal": "cannot_reveal",
            "second_round": "cannot_second_round", "agree": "cannot_agree", "park": "cannot_park",
            "resume": "cannot_resume"}


def values_for(question_id: str) -> tuple[str, ...]:
    """The votes (and agreed answers) a question takes: a level, n.v.t. or weet niet; a legal item ja / nee /
    weet niet."""
    return LEGAL_VALUES if is_legal_key(question_id) else VALUES


def _summary(question_id: str, values: list[str]) -> VoteSummary | LegalVoteSummary:
    """The votes on one question taken together, by its kind."""
    if is_legal_key(question_id):
        return summarise_legal(values)
    return summarise([_value(v) for v in values])


def _role_line(summary: VoteSummary | LegalVoteSummary) -> float | str | None:
    """What the room sees of one role: its median, or for a legal item the answer most of the role gave (None
    on a tie). Never a count."""
    if isinstance(summary, LegalVoteSummary):
        return None if summary.tied else (summary.largest or (None,))[0]
    return summary.median


class WorkshopError(ValueError):
    """`code` is a translation key under "workshop.": unknown_code, expired, not_facilitator, ..."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Workshop:
    id: str
    assessment_id: str
    join_code: str
    question_ids: tuple[str, ...]
    current_question_id: str | None
    closed: bool
    projector_token: str = ""
    questionnaire: tuple[str, str] = ("", "")  # (id, version): which questions to draw


@dataclass(frozen=True)
class QuestionState:
    question_id: str
    round: int
    state: str
    parked: bool
    agreed_value: str | None
    rationale: str

    @property
    def phase(self) -> str:
        """Where the question is in its life: its state, or "parked"."""
        return "parked" if self.parked else self.state

    def can(self, action: str) -> bool:
        """Whether `action` is allowed now (the service decides; buttons only follow)."""
        return self.phase in TRANSITIONS[action] and not (action == "second_round" and self.round >= 2)


@dataclass(frozen=True)
class Results:
    question_id: str
    round: int
    participants: int  # seats present now
    summary: VoteSummary | LegalVoteSummary  # by the question's kind (a legal item: no median, no A)
    # per role with at least MIN_GROUP voters: its median (a legal item: the answer most of it gave, None on a
    # tie); never counts
    by_role: dict[str, float | str | None]
    changed: int | None  # round 2: how many people voted differently from round 1
    hidden_roles: tuple[str, ...] = ()  # roles with 1 or 2 voters: only counted in the whole


def _value(value: object) -> object:
    return int(value) if value in ("1", "2", "3", "4", "5") else value


def _view(session, row: WorkshopRow, *, for_facilitator: bool = False) -> Workshop:
    """The workshop as a plain value, with the questionnaire to draw its questions from; only its facilitator
    gets the projector's link token."""
    questionnaire = session.execute(select(AssessmentRow.questionnaire_id, AssessmentRow.questionnaire_version)
                                    .where(AssessmentRow.id == row.assessment_id)).first()
    return Workshop(row.id, row.assessment_id, row.join_code, tuple(json.loads(row.question_ids)),
                    row.current_question_id, row.closed, row.projector_token if for_facilitator else "",
                    tuple(questionnaire))


def start_workshop(db: Database, *, actor: Actor, assessment_id: str, questionnaire: Questionnaire,
                   question_ids: list[str]) -> tuple[Workshop, str]:
    """Start a workshop on some questions of a draft assessment. Returns it with the facilitator token. The
    legal items of the questionnaire can be among them (by `legal_key`); they come after the questions."""
    known = [q.id for q in questionnaire.questions()] + [legal_key(item.id) for item in questionnaire.legal_items()]
    chosen = [qid for qid in known if qid in set(question_ids)]
    if not chosen or len(chosen) != len(set(question_ids)):
        raise WorkshopError("no_questions")
    token = secrets.token_urlsafe(24)
    with db.write() as session:
        organisation_id = organisation_of(session, assessment_id=assessment_id)
        require(session, actor, organisation_id, WORKSHOP)
        assessment = session.get(AssessmentRow, assessment_id)
        if assessment.status == "final":
            raise service.AssessmentIsFinal(assessment_id)
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if session.scalar(select(WorkshopRow.id).where(WorkshopRow.join_code == code)) is None:
                break
        now = utcnow()
        row = WorkshopRow(id=uuid.uuid4().hex, assessment_id=assessment_id, join_code=code, facilitator_token=token,
                          projector_token=secrets.token_urlsafe(24), question_ids=json.dumps(chosen), closed=False,
                          created_at=now, expires_at=now + LIFETIME)
        session.add(row)
        session.flush()  # the workshop row first: its questions refer to it
        session.add_all(WorkshopQuestionRow(workshop_id=row.id, question_id=qid, round=1, state="waiting",
                                            parked=False, rationale="") for qid in chosen)
        session.flush()
        log(session, actor, "workshop_started", organisation_id, assessment_id, workshop=row.id,
            questions=len(chosen))
        return _view(session, row, for_facilitator=True), token


def _open_workshop(session, code_or_id: str, *, by_code: bool) -> WorkshopRow:
    column = WorkshopRow.join_code if by_code else WorkshopRow.id
    key = code_or_id.strip().upper() if by_code else code_or_id
    row = session.scalar(select(WorkshopRow).where(column == key))
    if row is None:
        raise WorkshopError("unknown_code")
    if row.closed or row.expires_at < utcnow():
        raise WorkshopError("expired")
    return row


def _as_facilitator(session, actor: Actor, workshop_id: str, token: str, *, also_ended: bool = False) -> WorkshopRow:
    """The workshop, when `actor` leads workshops in its organisation and holds its facilitator token."""
    require(session, actor, organisation_of(session, workshop_id=workshop_id), WORKSHOP)
    if also_ended:
        row = session.get(WorkshopRow, workshop_id)
    else:
        row = _open_workshop(session, workshop_id, by_code=False)
    if not isinstance(token, str) or not token or not secrets.compare_digest(row.facilitator_token, token):
        raise WorkshopError("not_facilitator")
    return row


def _question(session, workshop_id: str, question_id: str, *, lock: bool = False) -> WorkshopQuestionRow:
    """The question's row; with `lock`, locked for this write transaction (FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already makes this the only writer)."""
    row = session.get(WorkshopQuestionRow, (workshop_id, question_id), with_for_update=lock or None,
                      populate_existing=lock)
    if row is None:
        raise WorkshopError("unknown_question")
    return row


def _phase(row: WorkshopQuestionRow) -> str:
    return "parked" if row.parked else row.state


def _transition(session, workshop_id: str, question_id: str, action: str) -> WorkshopQuestionRow:
    """Move the question by `action`, after checking its state on the locked row; refuse anything else."""
    question = _question(session, workshop_id, question_id, lock=True)
    phase = _phase(question)
    if action == "second_round" and phase == "revealed" and question.round >= 2:
        raise WorkshopError("no_third_round")
    if phase not in TRANSITIONS[action]:
        if action == "open" and phase in ("revealed", "agreed"):
            raise WorkshopError("reopen_refused")
        raise WorkshopError(REFUSALS[action], state=phase)
    if action == "park":
        question.parked = True
        if question.state == "voting":
            question.state = "closed"
    elif action == "resume":
        question.parked = False
    else:
        question.state = TRANSITIONS[action][phase]
        if action == "second_round":
            question.round = 2
    return question


def join(db: Database, *, code: str, role: str, existing_seat: str | None = None) -> tuple[Workshop, str]:
    """Take a seat with a role; returns the workshop and the participant's token. A browser that already has
    a seat in this workshop (`existing_seat`, remembered by the browser) gets that seat back, so one person
    never counts twice."""
    if role not in ROLES:
        raise WorkshopError("unknown_role")
    if not isinstance(code, str):
        raise WorkshopError("unknown_code")
    with db.write() as session:
        workshop = _open_workshop(session, code, by_code=True)
        if isinstance(existing_seat, str) and existing_seat:
            known = session.get(ParticipantRow, existing_seat)
            if known is not None and known.workshop_id == workshop.id:
                known.last_seen = utcnow()
                return _view(session, workshop), known.id
        token = secrets.token_urlsafe(24)
        session.add(ParticipantRow(id=token, workshop_id=workshop.id, role=role, last_seen=utcnow()))
        return _view(session, workshop), token


def seat(db: Database, *, participant_token: str) -> tuple[Workshop, str]:
    """Rejoin the same seat after a refresh: the workshop and the participant's role."""
    with db.read() as session:
        participant = session.get(ParticipantRow, participant_token or "")
        if participant is None:
            raise WorkshopError("unknown_seat")
        workshop = _open_workshop(session, participant.workshop_id, by_code=False)
        return _view(session, workshop), participant.role


def get_workshop(db: Database, *, actor: Actor, workshop_id: str, token: str) -> Workshop:
    """The workshop for its facilitator (also after it ended, for the summary)."""
    with db.read() as session:
        row = _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        return _view(session, row, for_facilitator=True)


def _states(session, workshop_id: str) -> dict[str, QuestionState]:
    rows = session.scalars(select(WorkshopQuestionRow).where(WorkshopQuestionRow.workshop_id == workshop_id))
    return {r.question_id: QuestionState(r.question_id, r.round, r.state, r.parked, r.agreed_value, r.rationale)
            for r in rows}


def question_states(db: Database, *, actor: Actor, workshop_id: str, token: str) -> dict[str, QuestionState]:
    with db.read() as session:
        _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        return _states(session, workshop_id)


_SEEN = (update(ParticipantRow.__table__)
         .where(ParticipantRow.id == bindparam("token"),
                (ParticipantRow.last_seen.is_(None)) | (ParticipantRow.last_seen < bindparam("stale")))
         .values(last_seen=bindparam("now")))


def ballot(db: Database, *, participant_token: str) -> tuple[Workshop, dict[str, QuestionState]]:
    """What a participant's phone needs: the workshop and the state of its questions (no outcomes). The phone
    asks every 2 seconds, which keeps its seat present: `last_seen` is written at most every `seen_every()`, with
    the room's votes (`Database.write_grouped`)."""
    with db.read() as session:
        participant = session.get(ParticipantRow, participant_token) if isinstance(participant_token, str) else None
        if participant is None:
            raise WorkshopError("unknown_seat")
        row = _open_workshop(session, participant.workshop_id, by_code=False)
        found = _view(session, row), _states(session, row.id)
        last_seen = participant.last_seen
    now = utcnow()
    if last_seen is None or last_seen < now - seen_every():
        db.write_grouped(lambda connection: connection.execute(
            _SEEN, {"token": participant_token, "stale": now - seen_every(), "now": now}))
    return found


@dataclass(frozen=True)
class Screen:
    """What the projector shows: never more than the room may see."""

    workshop: Workshop
    question: QuestionState | None
    voted: int  # seats present now that voted in the current round
    participants: int  # seats present now
    results: Results | None  # only once revealed
    started: bool = False  # some question has been opened: until then the room sees how to join, large

    @property
    def everyone_voted(self) -> bool:
        return self.participants > 0 and self.voted >= self.participants


def screen(db: Database, *, projector_token: str) -> Screen:
    """The projector's view of its workshop, by the projector token alone."""
    with db.read() as session:
        row = session.scalar(select(WorkshopRow).where(WorkshopRow.projector_token == projector_token)) \
            if isinstance(projector_token, str) and projector_token else None
        if row is None:
            raise WorkshopError("unknown_screen")
        if row.closed or row.expires_at < utcnow():
            raise WorkshopError("expired")
        states = _states(session, row.id)
        question = states.get(row.current_question_id) if row.current_question_id else None
        voted = participants = 0
        outcome = None
        if question is not None:
            voted, participants = _vote_count(session, row.id, question.question_id)
            if question.state in ("revealed", "agreed"):
                outcome = _results(session, row.id, question.question_id)
        else:
            participants = _participants(session, row.id)
        started = any(state.state != "waiting" for state in states.values())
        return Screen(_view(session, row), question, voted, participants, outcome, started)


def open_voting(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Open voting on a question that waits (or was closed before its reveal), and put it on the screen. A
    revealed question is refused: voting again is only possible as a second round."""
    with db.write() as session:
        workshop = _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "open")
        workshop.current_question_id = question_id


def open_voting_many(db: Database, *, actor: Actor, workshop_id: str, token: str, question_ids: list[str]) -> None:
    """Open several questions at once (for example a whole dimension); participants see them all. Questions
    that cannot be opened now (revealed, parked, ...) stay as they are; refused when none can be opened."""
    with db.write() as session:
        workshop = _as_facilitator(session, actor, workshop_id, token)
        opened = []
        for question_id in question_ids:
            question = _question(session, workshop_id, question_id, lock=True)
            if _phase(question) in TRANSITIONS["open"]:
                _transition(session, workshop_id, question_id, "open")
                opened.append(question_id)
        if not opened:
            raise WorkshopError("cannot_open")
        workshop.current_question_id = opened[0]


def go_to_question(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Put another question on the screen (without opening the voting yet)."""
    with db.write() as session:
        workshop = _as_facilitator(session, actor, workshop_id, token)
        _question(session, workshop_id, question_id)
        workshop.current_question_id = question_id


def end_workshop(db: Database, *, actor: Actor, workshop_id: str, token: str) -> None:
    """End the workshop now: seats, the projector and voting stop; the facilitator keeps the summary."""
    with db.write() as session:
        workshop = _as_facilitator(session, actor, workshop_id, token)
        workshop.closed = True
        log(session, actor, "workshop_ended", organisation_of(session, workshop_id=workshop_id),
            workshop.assessment_id, workshop=workshop_id)


def close_voting(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "close")


def reveal(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Show the results; only after voting closed, so nobody anchors on the others' votes."""
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "reveal")


def second_round(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Vote again after the reveal of round 1, as round 2: round 1's votes stay as they were."""
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "second_round")


def resume(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Take a parked question up again, in the state it was parked in."""
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "resume")


# A vote's statements, built once: a room of phones votes within the same few seconds
_VOTE_LOOKUP = (
    select(ParticipantRow.workshop_id, WorkshopRow.closed, WorkshopRow.expires_at, WorkshopQuestionRow.state,
           WorkshopQuestionRow.round, WorkshopQuestionRow.parked)
    .join(WorkshopRow, WorkshopRow.id == ParticipantRow.workshop_id)
    .join(WorkshopQuestionRow, (WorkshopQuestionRow.workshop_id == ParticipantRow.workshop_id)
          & (WorkshopQuestionRow.question_id == bindparam("question")))
    .where(ParticipantRow.id == bindparam("token")))
_SEAT_LOOKUP = (select(WorkshopRow.closed, WorkshopRow.expires_at)
                .join(ParticipantRow, WorkshopRow.id == ParticipantRow.workshop_id)
                .where(ParticipantRow.id == bindparam("token")))


@functools.cache
def _vote_lookup(dialect: str):
    """On PostgreSQL the vote holds a share lock on its question's row until it commits: closing the round
    (FOR UPDATE) waits for votes under way, and a vote that comes later sees the round closed."""
    if dialect == "postgresql":
        return _VOTE_LOOKUP.with_for_update(read=True, of=WorkshopQuestionRow.__table__)
    return _VOTE_LOOKUP


@functools.cache
def _vote_upsert(dialect: str):
    """Insert a vote, or change it when this seat already voted in this round (SQLite or PostgreSQL)."""
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = insert(VoteRow.__table__)
    return statement.on_conflict_do_update(
        index_elements=["workshop_id", "question_id", "round", "participant_id"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})


def cast_vote(db: Database, *, participant_token: str, question_id: str, value: str) -> None:
    """Store or change a vote; only while voting on that question is open. Two statements: one look-up of the
    seat with its workshop and question, one insert-or-update of the vote. A room of phones votes within the
    same few seconds: votes that arrive together are committed together (`Database.write_grouped`)."""
    if not isinstance(question_id, str) or value not in values_for(question_id):
        raise WorkshopError("invalid_vote")
    if not isinstance(participant_token, str) or not participant_token:
        raise WorkshopError("unknown_seat")

    def store(connection) -> None:
        found = connection.execute(_vote_lookup(connection.dialect.name),
                                   {"token": participant_token, "question": question_id}).first()
        if found is None:
            seat_found = connection.execute(_SEAT_LOOKUP, {"token": participant_token}).first()
            if seat_found is None:
                raise WorkshopError("unknown_seat")
            if seat_found.closed or seat_found.expires_at < utcnow():
                raise WorkshopError("expired")
            raise WorkshopError("unknown_question")
        workshop_id, closed, expires_at, state, round_, parked = found
        if closed or expires_at < utcnow():
            raise WorkshopError("expired")
        if state != "voting" or parked:
            raise WorkshopError("voting_closed")
        connection.execute(_vote_upsert(connection.dialect.name),
                           dict(workshop_id=workshop_id, question_id=question_id, round=round_,
                                participant_id=participant_token, value=value, updated_at=utcnow()))

    db.write_grouped(store)


def my_vote(db: Database, *, participant_token: str, question_id: str) -> str | None:
    with db.read() as session:
        participant = session.get(ParticipantRow, participant_token or "")
        if participant is None:
            return None
        question = session.get(WorkshopQuestionRow, (participant.workshop_id, question_id))
        if question is None:
            return None
        return session.scalar(select(VoteRow.value).where(
            VoteRow.workshop_id == participant.workshop_id, VoteRow.question_id == question_id,
            VoteRow.round == question.round, VoteRow.participant_id == participant.id))


def _present(workshop_id: str):
    """The condition for a seat of this workshop that is present now (seen within `away_after()`)."""
    return (ParticipantRow.workshop_id == workshop_id) & (ParticipantRow.last_seen >= utcnow() - away_after())


def _participants(session, workshop_id: str) -> int:
    """Seats present now."""
    return session.scalar(select(func.count()).select_from(ParticipantRow).where(_present(workshop_id))) or 0


def _vote_count(session, workshop_id: str, question_id: str) -> tuple[int, int]:
    """(seats present now that voted in the current round, seats present now)."""
    question = _question(session, workshop_id, question_id)
    present = _present(workshop_id)
    voted = session.scalar(select(func.count()).select_from(ParticipantRow).where(present, select(VoteRow.id).where(
        VoteRow.workshop_id == workshop_id, VoteRow.question_id == question_id, VoteRow.round == question.round,
        VoteRow.participant_id == ParticipantRow.id).exists())) or 0
    return voted, _participants(session, workshop_id)


def vote_count(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> tuple[int, int]:
    """(present seats that voted in the current round, present seats): safe to show before the reveal."""
    with db.read() as session:
        _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        return _vote_count(session, workshop_id, question_id)


def _results(session, workshop_id: str, question_id: str) -> Results:
    question = _question(session, workshop_id, question_id)
    rows = session.execute(select(VoteRow.round, VoteRow.participant_id, VoteRow.value, ParticipantRow.role)
                           .join(ParticipantRow, ParticipantRow.id == VoteRow.participant_id)
                           .where(VoteRow.workshop_id == workshop_id, VoteRow.question_id == question_id)).all()
    participants = _participants(session, workshop_id)
    current = [r for r in rows if r.round == question.round]
    shown, hidden = shown_roles({role: sum(1 for r in current if r.role == role) for role in ROLES})
    by_role = {role: _role_line(_summary(question_id, [r.value for r in current if r.role == role]))
               for role in shown}
    changed = None
    if question.round == 2:
        first = {r.participant_id: r.value for r in rows if r.round == 1}
        changed = sum(1 for r in current if r.participant_id in first and first[r.participant_id] != r.value)
    return Results(question_id, question.round, participants, _summary(question_id, [r.value for r in current]),
                   by_role, changed, hidden)


def results(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> Results:
    """The distribution of the current round, for the facilitator (also before the reveal: the page shows it
    only when asked, for a facilitator whose laptop is not on the wall)."""
    with db.read() as session:
        _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        return _results(session, workshop_id, question_id)


def record_agreed(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str, value: str,
                  rationale: str = "") -> None:
    """The level the group agreed on (after the reveal) becomes the assessment's answer and the rationale its
    comment, in one transaction: on a final assessment nothing at all is written. There is no default: a value
    must be given. For a legal item the agreed ja / nee / weet niet becomes the assessment's legal answer."""
    if not isinstance(question_id, str) or value not in values_for(question_id):
        raise WorkshopError("no_agreed_value" if value in (None, "") else "invalid_vote")
    rationale = clean_text(rationale, "comment", service.MAX_COMMENT)
    with db.write() as session:
        workshop = _as_facilitator(session, actor, workshop_id, token)
        question = _transition(session, workshop_id, question_id, "agree")
        question.agreed_value, question.rationale = value, rationale
        level, non_score = service.split_value(_value(value), question_id)
        fields = dict(level=level, non_score=non_score) | ({"comment": rationale} if rationale else {})
        organisation_id = organisation_of(session, assessment_id=workshop.assessment_id)
        service.store_answer(session, actor, organisation_id, workshop.assessment_id, question_id,
                             source="workshop", **fields)
        discussion.discussed(session, workshop.assessment_id, question_id)


def park(db: Database, *, actor: Actor, workshop_id: str, token: str, question_id: str) -> None:
    """Put the question aside (voting on it stops); `resume` takes it up again."""
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token)
        _transition(session, workshop_id, question_id, "park")


def delete_raw_votes(db: Database, *, actor: Actor, workshop_id: str, token: str) -> None:
    """Privacy: keep only the aggregates per question and round (the counts per value of everyone, and the
    median of each role with enough voters, as shown in the room), drop every vote. Also possible after the
    workshop has ended."""
    with db.write() as session:
        _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        questions = session.scalars(select(WorkshopQuestionRow).where(WorkshopQuestionRow.workshop_id == workshop_id))
        rows = session.execute(select(VoteRow.question_id, VoteRow.round, VoteRow.value, ParticipantRow.role)
                               .join(ParticipantRow, ParticipantRow.id == VoteRow.participant_id)
                               .where(VoteRow.workshop_id == workshop_id)).all()
        for question in questions:
            kept: dict = {}
            for round_ in sorted({r.round for r in rows if r.question_id == question.question_id}):
                votes = [r for r in rows if r.question_id == question.question_id and r.round == round_]
                counts: dict[str, int] = {}
                for r in votes:
                    counts[r.value] = counts.get(r.value, 0) + 1
                shown, _ = shown_roles({role: sum(1 for r in votes if r.role == role) for role in ROLES})
                by_role = {role: _role_line(_summary(question.question_id, [r.value for r in votes if r.role == role]))
                           for role in shown}
                kept[f"round{round_}"] = {"all": counts, (
                    "answer_by_role" if is_legal_key(question.question_id) else "median_by_role"): by_role}
            question.aggregates = json.dumps(kept, sort_keys=True)
        session.execute(delete(VoteRow).where(VoteRow.workshop_id == workshop_id))
        log(session, actor, "workshop_votes_deleted", organisation_of(session, workshop_id=workshop_id),
            session.get(WorkshopRow, workshop_id).assessment_id, workshop=workshop_id)


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    state: QuestionState
    results: Results | None  # None when nobody voted


def workshop_summary(db: Database, *, actor: Actor, workshop_id: str, token: str) -> list[QuestionSummary]:
    """For the end of the session (facilitator only): per question the agreed answer and the votes."""
    with db.read() as session:
        row = _as_facilitator(session, actor, workshop_id, token, also_ended=True)
        states = _states(session, workshop_id)
        summaries = []
        for question_id in json.loads(row.question_ids):
            outcome = _results(session, workshop_id, question_id)
            summaries.append(QuestionSummary(question_id, states[question_id],
                                             outcome if outcome.summary.voted else None))
        return summaries


def most_disagreement(summaries: list[QuestionSummary], n: int = 3) -> list[QuestionSummary]:
    with_agreement = [s for s in summaries if s.results and s.results.summary.agreement is not None]
    return sorted(with_agreement, key=lambda s: s.results.summary.agreement)[:n]


def per_dimension(summaries: list[QuestionSummary], questionnaire: Questionnaire) -> dict[str, dict[str, float]]:
    """Mean per dimension of the agreed levels ("agreed") and of each role's median vote (perception gaps).
    Legal items are left out: ja and nee have no mean."""
    lines: dict[str, dict[str, list[float]]] = {}
    dimension_of = {q.id: d.id for d in questionnaire.dimensions() for q in d.questions}
    for item in summaries:
        if is_legal_key(item.question_id):
            continue
        dimension = dimension_of[item.question_id]
        if item.state.agreed_value and item.state.agreed_value.isdigit():
            lines.setdefault("agreed", {}).setdefault(dimension, []).append(int(item.state.agreed_value))
        for role, median in (item.results.by_role.items() if item.results else []):
            if median is not None:
                lines.setdefault(role, {}).setdefault(dimension, []).append(median)
    return {line: {d: sum(v) / len(v) for d, v in values.items()} for line, values in lines.items()}


@dataclass(frozen=True)
class WorkshopCount:
    """How a workshop helped make an assessment (for the report): its seats and its agreed answers."""

    participants: int  # every seat that joined, also those that left
    agreed: int  # questions whose agreed level became the assessment's answer


def workshop_counts(db: Database, *, actor: Actor, assessment_id: str) -> list[WorkshopCount]:
    """Per workshop of the assessment that agreed at least one answer, oldest first (read permission: only counts,
    no votes and no tokens)."""
    with db.read() as session:
        require(session, actor, organisation_of(session, assessment_id=assessment_id), READ)
        rows = session.scalars(select(WorkshopRow).where(WorkshopRow.assessment_id == assessment_id)
                               .order_by(WorkshopRow.created_at)).all()
        counts = []
        for row in rows:
            agreed = session.scalar(select(func.count()).select_from(WorkshopQuestionRow).where(
                WorkshopQuestionRow.workshop_id == row.id, WorkshopQuestionRow.agreed_value.is_not(None))) or 0
            if agreed:
                seats = session.scalar(select(func.count()).select_from(ParticipantRow).where(
                    ParticipantRow.workshop_id == row.id)) or 0
                counts.append(WorkshopCount(seats, agreed))
        return counts
