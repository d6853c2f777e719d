"""Workshop mode through the service layer: the whole flow, the rules, and 100 people voting at once."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from assessment import service
from workshops import service as workshop
from storage.models import WorkshopRow, utcnow
from scoring.agreement import agreement
from conftest import ME


@pytest.fixture
def session(db, mini):
    org = service.create_organisation(db, actor=ME, name="Gemeente Workshop", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2", "d2-1"])
    return assessment, started, token


def test_join_code_is_short_unambiguous_and_unknown_codes_are_refused(db, session):
    _, started, _ = session
    assert len(started.join_code) == 6 and set(started.join_code) <= set(workshop.CODE_ALPHABET)
    assert not set(started.join_code) & set("0O1IL2Z5S8B")
    joined, seat_token = workshop.join(db, code=started.join_code.lower(), role="frontoffice")
    assert joined.id == started.id and workshop.seat(db, participant_token=seat_token) == (joined, "frontoffice")
    for code, expected in (("XXXXXX", "unknown_code"),):
        with pytest.raises(workshop.WorkshopError) as error:
            workshop.join(db, code=code, role="frontoffice")
        assert error.value.code == expected
    with pytest.raises(workshop.WorkshopError) as error:
        workshop.join(db, code=started.join_code, role="wethouder")
    assert error.value.code == "unknown_role"
    with db.write() as s:
        s.execute(update(WorkshopRow).values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(workshop.WorkshopError) as error:
        workshop.join(db, code=started.join_code, role="frontoffice")
    assert error.value.code == "expired"


def test_the_whole_flow_with_reveal_rules_second_round_and_agreed_answer(db, session):
    assessment, started, token = session
    seats = [workshop.join(db, code=started.join_code, role=role)[1]
             for role in ("frontoffice", "frontoffice", "backoffice", "management")]
    with pytest.raises(workshop.WorkshopError) as closed:
        workshop.cast_vote(db, participant_token=seats[0], question_id="d1-1", value="3")
    assert closed.value.code == "voting_closed"  # not opened yet
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for seat_token, value in zip(seats, ["2", "2", "4", "5"]):
        workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value=value)
    workshop.cast_vote(db, participant_token=seats[3], question_id="d1-1", value="4")  # changed before closing
    assert workshop.my_vote(db, participant_token=seats[3], question_id="d1-1") == "4"
    assert workshop.vote_count(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1") == (4, 4)
    # hidden until revealed: the projector shows who voted, never the outcome
    screen = workshop.screen(db, projector_token=started.projector_token)
    assert (screen.question.question_id, screen.voted, screen.participants, screen.results) == ("d1-1", 4, 4, None)
    assert workshop.results(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1").summary.voted == 4
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    with pytest.raises(workshop.WorkshopError):
        workshop.cast_vote(db, participant_token=seats[0], question_id="d1-1", value="3")
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    first = workshop.screen(db, projector_token=started.projector_token).results
    assert first.summary.counts[2] == 2 and first.summary.counts[4] == 2 and first.summary.median == 3.0
    assert first.summary.agreement == pytest.approx(agreement([0, 2, 0, 2, 0]))
    # two front office, one back office, one manager: no role has the 3 voters it needs to be shown apart
    assert first.by_role == {} and first.hidden_roles == ("frontoffice", "backoffice", "management")
    assert first.round == 1 and first.changed is None
    # second round: two people move to 3
    workshop.second_round(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for seat_token, value in zip(seats, ["3", "2", "3", "4"]):
        workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value=value)
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    second = workshop.screen(db, projector_token=started.projector_token).results
    assert second.round == 2 and second.changed == 2 and second.summary.median == 3.0
    with pytest.raises(workshop.WorkshopError):
        workshop.second_round(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    # the agreed level becomes the assessment's answer, the rationale its comment
    workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1", value="3",
                           rationale="Balie en backoffice zien het verschillend; we kiezen 3.")
    answer = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert answer.value == 3 and answer.comment.startswith("Balie en backoffice")
    workshop.park(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-2")
    states = workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)
    assert states["d1-1"].agreed_value == "3" and states["d1-2"].parked and states["d2-1"].state == "waiting"


def test_participants_cannot_use_facilitator_controls_or_other_workshops(db, session, mini):
    assessment, started, token = session
    _, seat_token = workshop.join(db, code=started.join_code, role="other")
    for action in (workshop.open_voting, workshop.reveal, workshop.close_voting, workshop.park):
        with pytest.raises(workshop.WorkshopError) as error:
            action(db, actor=ME, workshop_id=started.id, token=seat_token, question_id="d1-1")
        assert error.value.code == "not_facilitator"
    with pytest.raises(workshop.WorkshopError) as error:  # a seat is no projector either
        workshop.screen(db, projector_token=seat_token)
    assert error.value.code == "unknown_screen"
    other, other_token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                                 question_ids=["d3-1"])
    with pytest.raises(workshop.WorkshopError):
        workshop.open_voting(db, actor=ME, workshop_id=other.id, token=token, question_id="d3-1")  # a token of another one
    workshop.open_voting(db, actor=ME, workshop_id=other.id, token=other_token, question_id="d3-1")
    with pytest.raises(workshop.WorkshopError) as error:
        workshop.cast_vote(db, participant_token=seat_token, question_id="d3-1", value="3")
    assert error.value.code == "unknown_question"  # a seat only votes in its own workshop
    with pytest.raises(workshop.WorkshopError):
        workshop.cast_vote(db, participant_token="geraden", question_id="d1-1", value="3")


def test_raw_votes_can_be_deleted_keeping_the_aggregates(db, session):
    _, started, token = session
    seats = [workshop.join(db, code=started.join_code, role="backoffice")[1] for _ in range(3)]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d2-1")
    for seat_token in seats:
        workshop.cast_vote(db, participant_token=seat_token, question_id="d2-1", value="4")
    with db.write() as s:  # after the workshop has ended, the votes can still be deleted
        s.execute(update(WorkshopRow).values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(workshop.WorkshopError):
        workshop.delete_raw_votes(db, actor=ME, workshop_id=started.id, token=seats[0])
    workshop.delete_raw_votes(db, actor=ME, workshop_id=started.id, token=token)
    assert workshop.vote_count(db, actor=ME, workshop_id=started.id, token=token, question_id="d2-1")[0] == 0
    with db.read() as s:
        from storage.models import WorkshopQuestionRow
        kept = s.get(WorkshopQuestionRow, (started.id, "d2-1")).aggregates
    assert kept == '{"round1": {"all": {"4": 3}, "median_by_role": {"backoffice": 4.0}}}'


def test_a_hundred_participants_voting_at_the_same_moment_lose_nothing(db, session):
    _, started, token = session
    seats = [workshop.join(db, code=started.join_code, role=workshop.ROLES[i % 4])[1] for i in range(100)]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-2")
    barrier = threading.Barrier(100)
    errors = []

    def vote(index, seat_token):
        try:
            barrier.wait()
            workshop.cast_vote(db, participant_token=seat_token, question_id="d1-2", value=str(1 + index % 5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=vote, args=(i, s)) for i, s in enumerate(seats)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert workshop.vote_count(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-2") == (100, 100)
    summary = workshop.results(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-2").summary
    assert [summary.counts[level] for level in (1, 2, 3, 4, 5)] == [20] * 5


def test_every_workshop_error_has_a_message():
    import re
    from pathlib import Path

    from i18n import has
    source = Path(workshop.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'WorkshopError\("(\w+)"', source))
    codes |= set(workshop.REFUSALS.values())  # an action refused in the state it finds
    assert len(codes) >= 10 and [c for c in codes if not has(f"workshop.{c}")] == []


def test_summary_lists_agreed_answers_disagreement_and_perception_gaps(db, session, mini):
    _, started, token = session
    front = [workshop.join(db, code=started.join_code, role="frontoffice")[1] for _ in range(3)]
    managers = [workshop.join(db, code=started.join_code, role="management")[1] for _ in range(3)]
    other = workshop.join(db, code=started.join_code, role="other")[1]  # alone: never a line of its own
    for question_id, votes in (("d1-1", ["2", "2", "3", "5", "5", "4", "1"]),
                               ("d1-2", ["3", "3", "3", "3", "3", "3", "1"])):
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
        for seat_token, value in zip(front + managers + [other], votes):
            workshop.cast_vote(db, participant_token=seat_token, question_id=question_id, value=value)
        workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
        workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
    workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1", value="3")
    workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-2", value="4")
    summaries = workshop.workshop_summary(db, actor=ME, workshop_id=started.id, token=token)
    assert [s.question_id for s in summaries] == ["d1-1", "d1-2", "d2-1"] and summaries[2].results is None
    assert [s.question_id for s in workshop.most_disagreement(summaries)] == ["d1-1", "d1-2"]
    lines = workshop.per_dimension(summaries, mini)
    # agreed: d1 = (3 + 4) / 2; front office medians 2 and 3 -> 2.5; management 5 and 3 -> 4; "other" is hidden
    assert lines == {"agreed": {"d1": 3.5}, "frontoffice": {"d1": 2.5}, "management": {"d1": 4.0}}
    with pytest.raises(workshop.WorkshopError):
        workshop.workshop_summary(db, actor=ME, workshop_id=started.id, token=front[0])


def test_a_whole_dimension_can_be_opened_at_once(db, session):
    _, started, token = session
    seat_token = workshop.join(db, code=started.join_code, role="other")[1]
    workshop.open_voting_many(db, actor=ME, workshop_id=started.id, token=token, question_ids=["d1-1", "d1-2"])
    for question_id in ("d1-1", "d1-2"):
        workshop.cast_vote(db, participant_token=seat_token, question_id=question_id, value="3")
    states = workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)
    assert states["d1-1"].state == states["d1-2"].state == "voting" and states["d2-1"].state == "waiting"
    with pytest.raises(workshop.WorkshopError):
        workshop.open_voting_many(db, actor=ME, workshop_id=started.id, token=seat_token, question_ids=["d2-1"])


def test_an_agreed_answer_cannot_change_a_final_assessment(db, session):
    assessment, started, token = session
    for action in (workshop.open_voting, workshop.close_voting, workshop.reveal):
        action(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
    with pytest.raises(service.AssessmentIsFinal):
        workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1", value="3")
    assert workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)["d1-1"].agreed_value is None
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id) == {}


def test_votes_arriving_together_are_stored_or_refused_one_by_one(db, session):
    """Votes that arrive at the same moment share one transaction on SQLite (group commit): a refused vote
    still raises for its own voter and leaves nothing, and every other vote of the group is stored."""
    _, started, token = session
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(60)]
    refused, go = [], threading.Barrier(len(seats))

    def vote(number: int, seat: str) -> None:
        go.wait()
        question = "d1-1" if number % 2 == 0 else "d1-2"  # d1-2 is not open: refused
        try:
            workshop.cast_vote(db, participant_token=seat if number % 10 else "nep-stoel", question_id=question,
                               value=str(1 + number % 5))
        except workshop.WorkshopError as error:
            refused.append((number, error.code))

    threads = [threading.Thread(target=vote, args=(i, s)) for i, s in enumerate(seats)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected_refused = {(i, "unknown_seat" if i % 10 == 0 else "voting_closed")
                        for i in range(60) if i % 10 == 0 or i % 2}
    assert set(refused) == expected_refused
    stored = {(i, workshop.my_vote(db, participant_token=s, question_id="d1-1")) for i, s in enumerate(seats)}
    assert stored == {(i, str(1 + i % 5) if i % 2 == 0 and i % 10 else None) for i in range(60)}
    assert workshop.my_vote(db, participant_token=seats[1], question_id="d1-2") is None


# --- a question's life: every action in every state ---------------------------------------------------------

# How to bring a question into a phase, from "waiting", with one vote in every round
PATHS = {
    "waiting": [],
    "voting": ["open"],
    "closed": ["open", "close"],
    "revealed": ["open", "close", "reveal"],
    "voting round 2": ["open", "close", "reveal", "second_round"],
    "closed round 2": ["open", "close", "reveal", "second_round", "close"],
    "revealed round 2": ["open", "close", "reveal", "second_round", "close", "reveal"],
    "agreed": ["open", "close", "reveal", "agree"],
    "parked while waiting": ["park"],
    "parked while voting": ["open", "park"],
    "parked after the reveal": ["open", "close", "reveal", "park"],
}
# What each action does in each phase (written out, not taken from the service); anything else is refused
ALLOWED = {
    "waiting": {"open": "voting", "park": "parked"},
    "voting": {"close": "closed", "park": "parked"},
    "closed": {"open": "voting", "reveal": "revealed", "park": "parked"},
    "revealed": {"second_round": "voting", "agree": "agreed", "park": "parked"},
    "voting round 2": {"close": "closed", "park": "parked"},
    "closed round 2": {"open": "voting", "reveal": "revealed", "park": "parked"},
    "revealed round 2": {"agree": "agreed", "park": "parked"},
    "agreed": {"agree": "agreed", "park": "parked"},
    "parked while waiting": {"resume": "waiting"},
    "parked while voting": {"resume": "closed"},  # parking stops the voting
    "parked after the reveal": {"resume": "revealed"},
}
CALLS = {
    "open": workshop.open_voting, "close": workshop.close_voting, "reveal": workshop.reveal,
    "second_round": workshop.second_round, "park": workshop.park, "resume": workshop.resume,
    "agree": lambda db, **kw: workshop.record_agreed(db, value="4", rationale="Zo zien we het.", **kw),
}
QUESTIONS = ["d1-1", "d1-2", "d1-3", "d1-4", "d2-1", "d2-2", "d3-1"]


def _snapshot(db, workshop_id: str, question_id: str):
    from storage.models import VoteRow, WorkshopQuestionRow
    from sqlalchemy import select
    with db.read() as s:
        row = s.get(WorkshopQuestionRow, (workshop_id, question_id))
        votes = sorted(s.execute(select(VoteRow.round, VoteRow.participant_id, VoteRow.value).where(
            VoteRow.workshop_id == workshop_id, VoteRow.question_id == question_id)).all())
        return (row.state, row.parked, row.round, row.agreed_value, row.rationale, votes)


def test_every_action_in_every_state_moves_the_question_or_is_refused_and_changes_nothing(db, mini):
    assert set(CALLS) == set(workshop.ACTIONS)
    org = service.create_organisation(db, actor=ME, name="Gemeente Toestand", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    checked = 0
    for phase, path in PATHS.items():
        started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                                 question_ids=QUESTIONS)
        seat = workshop.join(db, code=started.join_code, role="other")[1]
        for action, question_id in zip(workshop.ACTIONS, QUESTIONS):
            for step in path:
                CALLS[step](db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
                if step in ("open", "second_round"):
                    workshop.cast_vote(db, participant_token=seat, question_id=question_id, value="2")
            before = _snapshot(db, started.id, question_id)
            expected = ALLOWED[phase].get(action)
            if expected is None:
                with pytest.raises(workshop.WorkshopError) as refused:
                    CALLS[action](db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
                from i18n import has
                assert has(f"workshop.{refused.value.code}"), (phase, action)
                assert _snapshot(db, started.id, question_id) == before, (phase, action)
            else:
                CALLS[action](db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
                after = workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)[question_id]
                assert after.phase == expected, (phase, action, after)
                assert _snapshot(db, started.id, question_id)[5] == before[5]  # no vote changes with an action
            checked += 1
    assert checked == len(PATHS) * len(workshop.ACTIONS)


def test_a_revealed_question_cannot_be_reopened_and_a_second_round_keeps_round_one(db, session):
    _, started, token = session
    seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(3)]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for seat_token in seats:
        workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value="2")
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    with pytest.raises(workshop.WorkshopError) as refused:
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    assert refused.value.code == "reopen_refused"
    with pytest.raises(workshop.WorkshopError):
        workshop.cast_vote(db, participant_token=seats[0], question_id="d1-1", value="5")
    workshop.second_round(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.cast_vote(db, participant_token=seats[0], question_id="d1-1", value="5")
    votes = _snapshot(db, started.id, "d1-1")[5]
    assert [v for v in votes if v[0] == 1] == sorted((1, s, "2") for s in seats)  # round 1 as it was
    assert [(v[0], v[2]) for v in votes if v[0] == 2] == [(2, "5")]


def test_no_default_answer_is_recorded(db, session):
    _, started, token = session
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for value in (None, ""):
        with pytest.raises(workshop.WorkshopError) as refused:
            workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1",
                                   value=value)
        assert refused.value.code == "no_agreed_value"
    assert workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)["d1-1"].phase == "revealed"


@pytest.mark.parametrize("action", ["reveal", "second_round"])
def test_two_presses_at_the_same_moment_on_two_servers_leave_one_outcome(db, session, mini, action):
    """Two app servers (two Database objects on one database) press the same button at the same moment,
    ten times over: each time exactly one press wins, the other is refused, and round 1's votes stay."""
    from storage.db import Database
    _, started, token = session
    other_server = Database(db.url, migrate=False)
    try:
        for attempt_number in range(10):
            org_started, org_token = workshop.start_workshop(db, actor=ME, assessment_id=started.assessment_id,
                                                             questionnaire=mini, question_ids=["d1-1"])
            seats = [workshop.join(db, code=org_started.join_code, role="other")[1] for _ in range(2)]
            workshop.open_voting(db, actor=ME, workshop_id=org_started.id, token=org_token, question_id="d1-1")
            for seat_token in seats:
                workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value="3")
            workshop.close_voting(db, actor=ME, workshop_id=org_started.id, token=org_token, question_id="d1-1")
            if action == "second_round":
                workshop.reveal(db, actor=ME, workshop_id=org_started.id, token=org_token, question_id="d1-1")
            before = _snapshot(db, org_started.id, "d1-1")[5]
            call = getattr(workshop, action)
            go, outcomes = threading.Barrier(2), []

            def press(database):
                go.wait()
                try:
                    call(database, actor=ME, workshop_id=org_started.id, token=org_token, question_id="d1-1")
                    outcomes.append("done")
                except workshop.WorkshopError as error:
                    outcomes.append(error.code)

            threads = [threading.Thread(target=press, args=(d,)) for d in (db, other_server)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            refused = {"reveal": "cannot_reveal", "second_round": "cannot_second_round"}[action]
            assert sorted(outcomes) == sorted(["done", refused]), (attempt_number, outcomes)
            state = workshop.question_states(db, actor=ME, workshop_id=org_started.id, token=org_token)["d1-1"]
            assert (state.phase, state.round) == (("revealed", 1) if action == "reveal" else ("voting", 2))
            assert _snapshot(db, org_started.id, "d1-1")[5] == before
    finally:
        other_server.dispose()


def test_presence_counts_the_phones_seen_lately_and_a_phone_that_comes_back_keeps_its_seat(db, session):
    from storage.models import ParticipantRow
    _, started, token = session
    seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(3)]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for seat_token in seats[:2]:
        workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value="3")
    screen = workshop.screen(db, projector_token=started.projector_token)
    assert (screen.voted, screen.participants, screen.everyone_voted) == (2, 3, False)
    # the third phone closes: not seen for longer than away_after()
    with db.write() as s:
        s.execute(update(ParticipantRow).where(ParticipantRow.id == seats[2])
                  .values(last_seen=utcnow() - workshop.away_after() - timedelta(seconds=1)))
    screen = workshop.screen(db, projector_token=started.projector_token)
    assert (screen.voted, screen.participants, screen.everyone_voted) == (2, 2, True)
    # it comes back: its ballot marks it present again, on the same seat
    workshop.ballot(db, participant_token=seats[2])
    assert workshop.seat(db, participant_token=seats[2])[1] == "other"
    screen = workshop.screen(db, projector_token=started.projector_token)
    assert (screen.voted, screen.participants, screen.everyone_voted) == (2, 3, False)
    # a phone that polls often writes its last_seen at most every seen_every()
    with db.read() as s:
        seen = s.get(ParticipantRow, seats[2]).last_seen
    workshop.ballot(db, participant_token=seats[2])
    with db.read() as s:
        assert s.get(ParticipantRow, seats[2]).last_seen == seen


def test_per_role_figures_follow_the_respondents_rule_and_show_no_counts(db, session):
    from scoring.respondents import MIN_GROUP
    _, started, token = session
    roles = ["frontoffice"] * MIN_GROUP + ["backoffice"] * (MIN_GROUP - 1) + ["other"]
    seats = [workshop.join(db, code=started.join_code, role=role)[1] for role in roles]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    for seat_token, value in zip(seats, ["2", "3", "4", "5", "5", "1"]):
        workshop.cast_vote(db, participant_token=seat_token, question_id="d1-1", value=value)
    outcome = workshop.results(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    assert outcome.by_role == {"frontoffice": 3.0}  # a median, no count
    assert outcome.hidden_roles == ("backoffice", "other") and outcome.summary.voted == 6


# --- the legal minimum in a workshop ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def v11():
    from questionnaires.loader import DEFAULT_DIR, load_questionnaire
    return load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")


def test_a_legal_item_is_voted_ja_nee_weetniet_and_the_agreed_answer_becomes_the_legal_answer(db, v11):
    from scoring.legal import check_legal_minimum, legal_key
    org = service.create_organisation(db, actor=ME, name="Gemeente Wet", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
    legal, question = legal_key("awb-9-7"), v11.legal_item("awb-9-7").questions[0]
    with pytest.raises(workshop.WorkshopError) as unknown:  # only the questionnaire's own legal items
        workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=v11,
                                question_ids=[legal, legal_key("awb-99-1")])
    assert unknown.value.code == "no_questions"
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=v11,
                                             question_ids=[legal, question])
    assert started.question_ids == (question, legal)  # in the same list, after the questions
    seats = [workshop.join(db, code=started.join_code, role=role)[1]
             for role in ("frontoffice", "frontoffice", "frontoffice", "backoffice", "management")]
    workshop.open_voting_many(db, actor=ME, workshop_id=started.id, token=token, question_ids=[question, legal])
    for seat_token, wrong, where in ((seats[0], "3", legal), (seats[0], "nvt", legal), (seats[0], "ja", question)):
        with pytest.raises(workshop.WorkshopError) as refused:  # a level on a legal item, a ja on a question
            workshop.cast_vote(db, participant_token=seat_token, question_id=where, value=wrong)
        assert refused.value.code == "invalid_vote"
    assert workshop.vote_count(db, actor=ME, workshop_id=started.id, token=token, question_id=legal)[0] == 0
    for seat_token, value in zip(seats, ("nee", "nee", "ja", "nee", "weetniet")):
        workshop.cast_vote(db, participant_token=seat_token, question_id=legal, value=value)
    assert workshop.my_vote(db, participant_token=seats[2], question_id=legal) == "ja"
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=legal)
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id=legal)
    workshop.go_to_question(db, actor=ME, workshop_id=started.id, token=token, question_id=legal)
    shown = workshop.screen(db, projector_token=started.projector_token).results
    summary = shown.summary
    assert summary.counts == {"ja": 1, "nee": 3, "weetniet": 1} and summary.voted == 5
    # no median and no A: the answer most people gave, how many, and the agreement from its share (3 of 5)
    assert summary.median is None and summary.agreement is None
    assert (summary.largest, summary.largest_count, summary.band) == (("nee",), 3, "fair")
    # per role: the same minimum of 3 as for levels; only the answer most of the role gave, never a count
    assert shown.by_role == {"frontoffice": "nee"} and shown.hidden_roles == ("backoffice", "management")

    # the agreed answer: ja / nee / weet niet only, no default, and it becomes the legal answer
    for wrong, code in (("3", "invalid_vote"), ("nvt", "invalid_vote"), ("", "no_agreed_value")):
        with pytest.raises(workshop.WorkshopError) as refused:
            workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id=legal, value=wrong)
        assert refused.value.code == code
    assert service.get_legal_answers(db, actor=ME, assessment_id=assessment.id) == {}
    workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id=legal, value="nee",
                           rationale="Wie de klacht behandelt, was er vaak zelf bij.")
    answers = service.get_legal_answers(db, actor=ME, assessment_id=assessment.id)
    assert answers["awb-9-7"].value == "nee" and answers["awb-9-7"].comment.startswith("Wie de klacht")
    assert legal not in service.get_answers(db, actor=ME, assessment_id=assessment.id)  # never a maturity answer
    check = check_legal_minimum(v11, service.answer_values(answers))
    assert [r.item.article for r in check.not_met] == ["9:7"]

    # the level question beside it; the summary per dimension leaves the legal item out
    for seat_token, value in zip(seats, ("2", "2", "3", "2", "4")):
        workshop.cast_vote(db, participant_token=seat_token, question_id=question, value=value)
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question)
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id=question)
    workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id=question, value="2")
    summaries = workshop.workshop_summary(db, actor=ME, workshop_id=started.id, token=token)
    assert [s.question_id for s in summaries] == [question, legal] and summaries[1].state.agreed_value == "nee"
    dimension = v11.dimension_of(question).id
    assert workshop.per_dimension(summaries, v11) == {"agreed": {dimension: 2.0}, "frontoffice": {dimension: 2.0}}
    assert [s.question_id for s in workshop.most_disagreement(summaries)] == [question]

    # deleting the raw votes keeps the counts of everyone and each shown role's answer, nothing per person
    workshop.delete_raw_votes(db, actor=ME, workshop_id=started.id, token=token)
    with db.read() as s:
        from storage.models import WorkshopQuestionRow
        kept = s.get(WorkshopQuestionRow, (started.id, legal)).aggregates
    assert kept == ('{"round1": {"all": {"ja": 1, "nee": 3, "weetniet": 1}, '
                    '"answer_by_role": {"frontoffice": "nee"}}}')


def test_a_room_divided_on_a_legal_item_is_told_so():
    from scoring.legal import summarise_legal
    tie = summarise_legal(["ja", "nee", "ja", "nee"])
    assert tie.largest == ("ja", "nee") and tie.tied and tie.band == "split" and tie.discuss
    assert tie.majority == "weetniet"  # a tie: nobody can say the requirement is met
    assert summarise_legal(["nee", "nee", "nee", "ja"]).band == "high"  # three in four
    assert summarise_legal(["nee", "nee", "ja"]).band == "fair"  # more than half
    assert summarise_legal(["nee", "ja", "weetniet"]).band == "split"  # a third each
    assert summarise_legal([]).band is None and summarise_legal([]).majority is None
    with pytest.raises(ValueError):
        summarise_legal(["3"])
