"""Respondents: personal links, answers by link, refusals that write nothing, the overview per role with the
anonymity threshold, and the merge into the assessment's answer with its provenance (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from access import AccessDenied
from respondents import service as respondents
from assessment import service
from respondents.service import RespondentError
from conftest import ME, member_of
from scoring.respondents import Response, role_figures, suggestion
from scoring.agreement import summarise
from test_access import dump

TODAY = date(2026, 11, 23)


@pytest.fixture
def setting(db, mini):
    org = service.create_organisation(db, actor=ME, name="Gemeente Luisterdam", org_type="gemeente",
                                      size_class="inw-lt-20k")
    manager = member_of(db, org.id, "beheer@luisterdam.nl", "beheerder")
    assessment = service.create_assessment(db, actor=manager, organisation_id=org.id, period="2026",
                                           questionnaire=mini)
    return dict(org=org, manager=manager, assessment=assessment, mini=mini)


def answer_all(db, setting, links, roles, values, question_id="d1-1"):
    a, mini = setting["assessment"].id, setting["mini"]
    for link, role, value in zip(links, roles, values):
        respondents.choose_role(db, assessment_id=a, token=link.token, role=role, today=TODAY)
        respondents.save_respondent_answer(db, assessment_id=a, token=link.token, questionnaire=mini,
                                           question_id=question_id, value=value, today=TODAY)


def test_links_are_personal_random_and_only_the_beheerder_makes_and_sees_them(db, setting):
    a, manager = setting["assessment"].id, setting["manager"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=3)
    assert len({link.token for link in links}) == 3 and all(len(link.token) >= 32 for link in links)
    assert [link.role for link in links] == [None] * 3
    invuller = member_of(db, setting["org"].id, "invuller@luisterdam.nl", "invuller")
    before = dump(db)
    for call in (lambda: respondents.create_links(db, actor=invuller, assessment_id=a, count=1),
                 lambda: respondents.get_survey(db, actor=invuller, assessment_id=a),
                 lambda: respondents.revoke_link(db, actor=invuller, assessment_id=a, link_id=links[0].id),
                 lambda: respondents.set_deadline(db, actor=invuller, assessment_id=a, deadline=TODAY)):
        with pytest.raises(AccessDenied):
            call()
    assert dump(db) == before
    survey = respondents.get_survey(db, actor=manager, assessment_id=a)
    assert [link.token for link in survey.links] == [link.token for link in links] and survey.deadline is None
    log = [e.action for e in __import__("access").activity(db, actor=manager, assessment_id=a)]
    assert "respondent_links_created" in log
    with pytest.raises(RespondentError):
        respondents.create_links(db, actor=manager, assessment_id=a, count=0)


def test_a_respondent_chooses_a_role_answers_and_resumes_and_sees_only_their_own_answers(db, setting):
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    mine, other = respondents.create_links(db, actor=manager, assessment_id=a, count=2)
    with pytest.raises(RespondentError) as first:  # the role comes first
        respondents.save_respondent_answer(db, assessment_id=a, token=mine.token, questionnaire=mini,
                                           question_id="d1-1", value=3, today=TODAY)
    assert first.value.code == "choose_role_first"
    respondents.choose_role(db, assessment_id=a, token=mine.token, role="frontoffice", name="Fatima", today=TODAY)
    respondents.save_respondent_answer(db, assessment_id=a, token=mine.token, questionnaire=mini,
                                       question_id="d1-1", value=3, today=TODAY)
    respondents.save_respondent_answer(db, assessment_id=a, token=mine.token, questionnaire=mini,
                                       question_id="d1-1", comment="Klachten komen vaak niet bij ons aan.",
                                       today=TODAY)
    respondents.save_respondent_answer(db, assessment_id=a, token=mine.token, questionnaire=mini,
                                       question_id="d1-2", value="weetniet", today=TODAY)
    answer_all(db, setting, [other], ["management"], [5])
    state = respondents.respondent_state(db, assessment_id=a, token=mine.token, today=TODAY)  # a new visit
    assert (state.role, state.name, state.closed) == ("frontoffice", "Fatima", None)
    assert state.answers == {"d1-1": 3, "d1-2": "weetniet"}  # the other respondent's 5 is not there
    assert state.comments == {"d1-1": "Klachten komen vaak niet bij ons aan."}
    respondents.save_respondent_answer(db, assessment_id=a, token=mine.token, questionnaire=mini,
                                       question_id="d1-2", value=None, today=TODAY)
    assert respondents.respondent_state(db, assessment_id=a, token=mine.token, today=TODAY).answers == {"d1-1": 3}
    # nothing of this reaches the assessment's own answers before a merge
    assert service.get_answers(db, actor=manager, assessment_id=a) == {}
    assert [link.answered for link in respondents.get_survey(db, actor=manager, assessment_id=a).links] == [1, 1]


def test_refused_links_and_moments_write_nothing(db, setting):
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    link, revoked = respondents.create_links(db, actor=manager, assessment_id=a, count=2)
    answer_all(db, setting, [link, revoked], ["backoffice", "backoffice"], [2, 2])
    respondents.revoke_link(db, actor=manager, assessment_id=a, link_id=revoked.id)
    elsewhere = service.create_assessment(db, actor=manager, organisation_id=setting["org"].id, period="2026-H2",
                                          questionnaire=mini)
    [foreign] = respondents.create_links(db, actor=manager, assessment_id=elsewhere.id, count=1)

    def save(token, assessment_id=a, today=TODAY, **kwargs):
        return respondents.save_respondent_answer(db, assessment_id=assessment_id, token=token, questionnaire=mini,
                                                  question_id=kwargs.pop("question_id", "d1-2"), today=today,
                                                  **({"value": 4} | kwargs))

    cases = {
        "revoked": lambda: save(revoked.token),
        "unknown_link": lambda: save(link.token[:-1] + ("A" if link.token[-1] != "A" else "B")),
        "other_assessment": lambda: save(foreign.token),
        "invalid_answer": lambda: save(link.token, value=7),
        "unknown_question": lambda: save(link.token, question_id="elders-1"),
    }
    for tampered in ("", None, "x" * 500):
        cases[f"unknown_link {tampered!r:.10}"] = lambda t=tampered: save(t)
    before = dump(db)
    for code, call in cases.items():
        with pytest.raises(RespondentError) as refused:
            call()
        assert refused.value.code == code.split(" ")[0]
        assert dump(db) == before, code
    with pytest.raises(RespondentError) as role_refused:
        respondents.choose_role(db, assessment_id=a, token=revoked.token, role="management")
    assert role_refused.value.code == "revoked"
    with pytest.raises(RespondentError):
        respondents.respondent_state(db, assessment_id=a, token=revoked.token)

    respondents.set_deadline(db, actor=manager, assessment_id=a, deadline=date(2026, 11, 22))
    before = dump(db)
    with pytest.raises(RespondentError) as late:
        save(link.token)
    assert late.value.code == "after_deadline" and dump(db) == before
    assert respondents.respondent_state(db, assessment_id=a, token=link.token, today=TODAY).closed == "after_deadline"
    save(link.token, today=date(2026, 11, 22))  # the deadline day itself still counts
    respondents.set_deadline(db, actor=manager, assessment_id=a, deadline=None)

    service.finalise_assessment(db, actor=manager, assessment_id=a)
    before = dump(db)
    with pytest.raises(RespondentError) as final:
        save(link.token, value=1)
    assert final.value.code == "final" and dump(db) == before
    with pytest.raises(service.AssessmentIsFinal):
        respondents.create_links(db, actor=manager, assessment_id=a, count=1)


def test_the_figures_per_role_by_hand(mini):
    # d1 has questions d1-1 .. d1-4 (weights from the file); here only d1-1 and d1-2 get answers
    weights = {q.id: q.weight for q in mini.questions()}
    responses = [Response("frontoffice", {"d1-1": 2, "d1-2": 3}), Response("frontoffice", {"d1-1": 2, "d1-2": 2}),
                 Response("frontoffice", {"d1-1": 3, "d1-2": "nvt"}),
                 Response("management", {"d1-1": 4, "d1-2": 5}), Response("management", {"d1-1": 5, "d1-2": 5}),
                 Response("management", {"d1-1": 4, "d1-2": 4}),
                 Response("backoffice", {"d1-1": 1}), Response("backoffice", {"d1-1": 5}),
                 Response("other", {})]  # no answers: not counted at all
    figures = role_figures(mini, responses)
    assert figures.respondents == {"frontoffice": 3, "backoffice": 2, "management": 3}
    assert figures.shown_roles == ("frontoffice", "management") and figures.hidden_roles == ("backoffice",)
    q1 = figures.questions["d1-1"]
    assert q1.summary.voted == 8 and q1.summary.median == 3.5  # 1 2 2 3 4 4 5 5
    assert set(q1.by_role) == {"frontoffice", "management"}  # the back office is not shown on its own
    assert q1.by_role == {"frontoffice": 2, "management": 4}  # medians only: never a role's counts
    # front office medians: d1-1 = 2, d1-2 = 2.5 (3 and 2; nvt is no level); management: 4 and 5
    w1, w2 = weights["d1-1"], weights["d1-2"]
    d1 = figures.dimensions["d1"]
    assert d1.by_line["frontoffice"] == pytest.approx((w1 * 2 + w2 * 2.5) / (w1 + w2))
    assert d1.by_line["management"] == pytest.approx((w1 * 4 + w2 * 5) / (w1 + w2))
    assert "backoffice" not in d1.by_line
    assert d1.gap == pytest.approx(d1.by_line["management"] - d1.by_line["frontoffice"])
    assert (d1.highest, d1.lowest) == ("management", "frontoffice")
    assert figures.dimensions["d2"].by_line["management"] is None and figures.dimensions["d2"].gap is None
    # the competency of d1 (c1, with d1 and d2): only d1 has a figure
    assert figures.competencies["c1"].by_line["frontoffice"] == pytest.approx(d1.by_line["frontoffice"])
    assert [q.question_id for q in figures.most_disagreement()] == sorted(
        ["d1-1", "d1-2"], key=lambda qid: figures.questions[qid].summary.agreement)


def test_the_suggestion_is_the_median_unless_agreement_is_low():
    assert suggestion(summarise([3, 3, 3, 4])) == 3
    assert suggestion(summarise([2, 3])) == 2  # between two levels: the lower one
    assert suggestion(summarise([1, 1, 5, 5])) is None  # split: no suggestion
    assert suggestion(summarise(["nvt", "weetniet"])) is None


def test_overview_hides_small_roles_and_shows_no_individual_answers(db, setting):
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=6)
    answer_all(db, setting, links[:5], ["frontoffice"] * 3 + ["management"] * 2, [2, 2, 3, 5, 4])
    lezer = member_of(db, setting["org"].id, "lezer@luisterdam.nl", "lezer")
    view = respondents.overview(db, actor=lezer, assessment_id=a, questionnaire=mini)
    assert (view.invited, view.started) == (6, 5)
    assert view.figures.shown_roles == ("frontoffice",) and view.figures.hidden_roles == ("management",)
    assert view.figures.questions["d1-1"].summary.voted == 5  # the management answers count in "all"
    assert set(view.figures.questions["d1-1"].by_role) == {"frontoffice"}
    assert not hasattr(view, "links") and "token" not in repr(view)
    outsider = member_of(db, service.create_organisation(db, actor=ME, name="Elders", org_type="gemeente",
                                                         size_class="inw-lt-20k").id, "x@elders.nl", "beheerder")
    with pytest.raises(AccessDenied):
        respondents.overview(db, actor=outsider, assessment_id=a, questionnaire=mini)


def test_merge_becomes_the_answer_with_its_provenance_and_is_logged(db, setting):
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=9)
    answer_all(db, setting, links, ["frontoffice"] * 3 + ["backoffice"] * 3 + ["management"] * 3,
               [3, 3, 3, 2, 3, 3, 4, 3, 4])
    view = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini)
    figures = view.figures.questions["d1-1"]
    assert figures.suggested == 3 and figures.summary.median == 3
    invuller = member_of(db, setting["org"].id, "invuller@luisterdam.nl", "invuller")
    merged = respondents.merge_answer(db, actor=invuller, assessment_id=a, questionnaire=mini, question_id="d1-1",
                                      value="3")
    agreement = f"{figures.summary.agreement:.2f}".replace(".", ",")
    assert merged.provenance == (f"samengesteld uit 9 antwoorden, middelste antwoord (mediaan) 3, overeenstemming "
                                 f"{agreement} (0 = verdeeld, 1 = iedereen eens)")  # the figure with its words
    answer = service.get_answers(db, actor=manager, assessment_id=a)["d1-1"]
    assert (answer.value, answer.comment, answer.answered_by) == (3, merged.provenance, "invuller@luisterdam.nl")
    again = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini)
    assert again.merges["d1-1"].merged_by == "invuller@luisterdam.nl" and again.merges["d1-1"].suggested == "3"
    log = __import__("access").activity(db, actor=manager, assessment_id=a)
    assert (log[0].actor, log[0].action, log[0].detail["question"]) == ("invuller@luisterdam.nl",
                                                                          "respondents_merged", "d1-1")
    # another value than the suggestion needs a rationale; then the rationale follows the provenance
    before = dump(db)
    with pytest.raises(service.InputError) as why:
        respondents.merge_answer(db, actor=invuller, assessment_id=a, questionnaire=mini, question_id="d1-1",
                                 value="2")
    assert why.value.code == "rationale_required" and dump(db) == before
    respondents.merge_answer(db, actor=invuller, assessment_id=a, questionnaire=mini, question_id="d1-1", value="2",
                             rationale="De frontoffice ziet het dagelijks.", language="en")
    answer = service.get_answers(db, actor=manager, assessment_id=a)["d1-1"]
    assert answer.value == 2 and answer.comment.startswith("put together from 9 answers, middle answer (median) 3, agreement ")
    assert answer.comment.endswith(". De frontoffice ziet het dagelijks.")
    lezer = member_of(db, setting["org"].id, "lezer@luisterdam.nl", "lezer")
    before = dump(db)
    with pytest.raises(AccessDenied):
        respondents.merge_answer(db, actor=lezer, assessment_id=a, questionnaire=mini, question_id="d1-1", value="3")
    with pytest.raises(RespondentError):  # nobody answered d3-1
        respondents.merge_answer(db, actor=invuller, assessment_id=a, questionnaire=mini, question_id="d3-1",
                                 value="3", rationale="x")
    service.finalise_assessment(db, actor=manager, assessment_id=a)
    before = dump(db)
    with pytest.raises(service.AssessmentIsFinal):
        respondents.merge_answer(db, actor=invuller, assessment_id=a, questionnaire=mini, question_id="d1-1",
                                 value="3")
    assert dump(db) == before


def test_revoked_links_do_not_count(db, setting):
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=4)
    answer_all(db, setting, links, ["frontoffice"] * 4, [1, 4, 4, 4])
    respondents.revoke_link(db, actor=manager, assessment_id=a, link_id=links[0].id)
    view = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini)
    assert view.invited == 3 and view.figures.questions["d1-1"].summary.counts[1] == 0
    with pytest.raises(AccessDenied):  # a link of this assessment only
        respondents.revoke_link(db, actor=manager, assessment_id=a, link_id=10_000)


def test_the_workbook_sheet_has_roles_gaps_and_disagreement_but_no_individual_answers(db, setting):
    from io import BytesIO

    from openpyxl import load_workbook

    from report import service as report
    from conftest import lookup_for
    from exports.workbook import build_workbook

    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=7)
    answer_all(db, setting, links, ["frontoffice"] * 3 + ["management"] * 3 + ["backoffice"], [2, 2, 3, 4, 4, 5, 1])
    respondents.choose_role(db, assessment_id=a, token=links[0].token, role="frontoffice", name="Fatima Geheim",
                            today=TODAY)
    respondents.save_respondent_answer(db, assessment_id=a, token=links[0].token, questionnaire=mini,
                                       question_id="d1-1", comment="=HYPERLINK(\"x\") vertrouwelijk", today=TODAY)
    data = build_workbook(report.gather_report(db, actor=manager, assessment_id=a, lookup=lookup_for(mini),
                                               today=TODAY))
    book = load_workbook(BytesIO(data))
    ws = book["Respondenten"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    text = "\n".join(str(v) for row in cells for v in row if v is not None)
    assert "7 mensen hebben geantwoord. Uitgedeeld: 7 (links en uitnodigingen)." in text
    roles = {row[0]: row[1:3] for row in cells if row[0] in ("Frontoffice", "Management", "Backoffice")}
    assert roles == {"Frontoffice": [3, "ja"], "Management": [3, "ja"], "Backoffice": [1, "nee, te weinig mensen"]}
    assert "Backoffice: minder dan 3 mensen" in text
    header = next(row for row in cells if row[0] == "Onderdeel")
    assert header[:6] == ["Onderdeel", "Iedereen", "Frontoffice", "Management", "Verschil", "Hoogste > laagste"]
    d1 = next(row for row in cells if row[0] == "Dimensie een")
    # medians on d1-1: everyone 3 (1 2 2 3 4 4 5), front office 2, management 4; only d1-1 was answered
    assert d1[1:6] == [3.0, 2.0, 4.0, 2.0, "Management > Frontoffice"]
    question = next(row for row in cells if row[0] == "Vraag d1-1")
    assert question[1:3] == [7, 3.0] and isinstance(question[3], float)
    # never an individual answer, a name or a comment
    assert "Fatima" not in text and "vertrouwelijk" not in text
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in cells for v in row)
    assert "Respondenten" not in load_workbook(BytesIO(build_workbook(report.gather_report(
        db, actor=manager, assessment_id=service.create_assessment(
            db, actor=manager, organisation_id=setting["org"].id, period="2027", questionnaire=mini).id,
        lookup=lookup_for(mini), today=TODAY)))).sheetnames


def test_a_member_invitation_works_only_for_that_member_signed_in(db, setting):
    import access
    from access import LOCAL_USER

    a, manager, mini, org = setting["assessment"].id, setting["manager"], setting["mini"], setting["org"].id
    front = member_of(db, org, "front@luisterdam.nl", "lezer")
    other = member_of(db, org, "ander@luisterdam.nl", "invuller")
    [link] = respondents.invite_members(db, actor=manager, assessment_id=a, emails=["Front@Luisterdam.nl "])
    assert link.member_email == "front@luisterdam.nl" and link.role is None
    # inviting again keeps the one open invitation
    assert [x.id for x in respondents.invite_members(db, actor=manager, assessment_id=a,
                                                     emails=["front@luisterdam.nl"])] == [link.id]
    before = dump(db)
    with pytest.raises(RespondentError) as outsider:
        respondents.invite_members(db, actor=manager, assessment_id=a, emails=["front@luisterdam.nl", "x@elders.nl"])
    assert outsider.value.code == "not_a_member" and outsider.value.params == {"email": "x@elders.nl"}
    with pytest.raises(AccessDenied):  # only a beheerder invites
        respondents.invite_members(db, actor=other, assessment_id=a, emails=["ander@luisterdam.nl"])
    assert dump(db) == before

    # the invitation is on the member's Start page, and only on theirs
    [invitation] = respondents.my_invitations(db, actor=front, questionnaire_sizes={(mini.id, mini.version): 9})
    assert (invitation.assessment_id, invitation.token, invitation.organisation_name) == (
        a, link.token, "Gemeente Luisterdam")
    assert (invitation.answered, invitation.total, invitation.invited_by) == (0, 9, "beheer@luisterdam.nl")
    assert respondents.my_invitations(db, actor=other) == [] and respondents.my_invitations(db, actor=LOCAL_USER) == []

    # nobody else can use it, not even with its address: signed out, another member, the local user
    for somebody in (None, other, LOCAL_USER):
        with pytest.raises(RespondentError) as refused:
            respondents.respondent_state(db, assessment_id=a, token=link.token, actor=somebody, today=TODAY)
        assert refused.value.code == "member_only"
        with pytest.raises(RespondentError):
            respondents.choose_role(db, assessment_id=a, token=link.token, role="management", actor=somebody,
                                    today=TODAY)
    assert dump(db) == before
    respondents.choose_role(db, assessment_id=a, token=link.token, role="frontoffice", actor=front, today=TODAY)
    respondents.save_respondent_answer(db, assessment_id=a, token=link.token, questionnaire=mini, question_id="d1-1",
                                       value=2, actor=front, today=TODAY)
    assert respondents.respondent_state(db, assessment_id=a, token=link.token, actor=front,
                                        today=TODAY).answers == {"d1-1": 2}
    assert respondents.my_invitations(db, actor=front)[0].answered == 1
    view = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini)
    # a member's answers count like anyone's (alone, nothing of them is shown: see the small-group test)
    assert (view.figures.total, view.figures.needed) == (1, 2)

    # a member who leaves the organisation can no longer answer, and the invitation leaves their Start page
    access.remove_member(db, actor=manager, organisation_id=org, email="front@luisterdam.nl")
    with pytest.raises(RespondentError) as left:
        respondents.respondent_state(db, assessment_id=a, token=link.token, actor=front, today=TODAY)
    assert left.value.code == "revoked" and respondents.my_invitations(db, actor=front) == []
    # a withdrawn invitation as well
    [second] = respondents.invite_members(db, actor=manager, assessment_id=a, emails=["ander@luisterdam.nl"])
    respondents.revoke_link(db, actor=manager, assessment_id=a, link_id=second.id)
    assert respondents.my_invitations(db, actor=other) == []
    assert "respondent_members_invited" in [e.action for e in access.activity(db, actor=manager, assessment_id=a)]


def test_questions_go_on_the_workshop_list_and_leave_it_once_agreed(db, setting):
    from workshops import discussion
    from workshops import service as workshop

    a, manager, mini, org = setting["assessment"].id, setting["manager"], setting["mini"], setting["org"].id
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=4)
    answer_all(db, setting, links, ["frontoffice", "frontoffice", "management", "management"], [1, 1, 5, 5])
    figures = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini).figures
    assert figures.questions["d1-1"].suggested is None  # split: to be discussed
    lezer = member_of(db, org, "lezer@luisterdam.nl", "lezer")
    facilitator = member_of(db, org, "fac@luisterdam.nl", "facilitator")
    before = dump(db)
    with pytest.raises(AccessDenied):  # reading is not enough
        discussion.send_to_workshop(db, actor=lezer, assessment_id=a, questionnaire=mini, question_ids=["d1-1"])
    with pytest.raises(service.InputError):  # a question of no questionnaire here: nothing is written
        discussion.send_to_workshop(db, actor=manager, assessment_id=a, questionnaire=mini,
                                    question_ids=["d1-1", "nope"])
    assert dump(db) == before
    assert discussion.send_to_workshop(db, actor=manager, assessment_id=a, questionnaire=mini,
                                       question_ids=["d1-1"], source="respondents") == ["d1-1"]
    assert discussion.send_to_workshop(db, actor=facilitator, assessment_id=a, questionnaire=mini,
                                       question_ids=["d1-1", "d1-2"]) == ["d1-2"]
    items = discussion.discussion_items(db, actor=lezer, assessment_id=a)
    assert [(i.question_id, i.source, i.added_by) for i in items] == [
        ("d1-1", "respondents", "beheer@luisterdam.nl"), ("d1-2", "manual", "fac@luisterdam.nl")]
    discussion.remove_item(db, actor=facilitator, assessment_id=a, question_id="d1-2")
    # a workshop on the list: once it records the organisation's answer, the question leaves the list
    started, token = workshop.start_workshop(db, actor=facilitator, assessment_id=a, questionnaire=mini,
                                             question_ids=[i.question_id for i in
                                                           discussion.discussion_items(db, actor=lezer,
                                                                                       assessment_id=a)])
    assert started.question_ids == ("d1-1",)
    for step in (workshop.open_voting, workshop.close_voting, workshop.reveal):  # the room votes first
        step(db, actor=facilitator, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.record_agreed(db, actor=facilitator, workshop_id=started.id, token=token, question_id="d1-1", value="3",
                           rationale="Samen besproken.")
    assert discussion.discussion_items(db, actor=lezer, assessment_id=a) == []
    assert service.get_answers(db, actor=lezer, assessment_id=a)["d1-1"].value == 3
    discussion.send_to_workshop(db, actor=manager, assessment_id=a, questionnaire=mini, question_ids=["d1-3"])
    service.finalise_assessment(db, actor=manager, assessment_id=a)
    with pytest.raises(service.AssessmentIsFinal):
        discussion.remove_item(db, actor=manager, assessment_id=a, question_id="d1-3")


SMALL_GROUP_COMMENT = "Alleen ik weet dit: de balie sluit te vroeg."


def small_group(db, setting, n: int):
    """`n` colleagues answered d1-1 (the first one also with a comment): front office, management, back office."""
    a, manager, mini = setting["assessment"].id, setting["manager"], setting["mini"]
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=4)
    answer_all(db, setting, links[:n], ["frontoffice", "management", "backoffice"][:n], [2, 5, 4][:n])
    respondents.save_respondent_answer(db, assessment_id=a, token=links[0].token, questionnaire=mini,
                                       question_id="d1-1", comment=SMALL_GROUP_COMMENT, today=TODAY)
    return a


@pytest.mark.parametrize("n", [1, 2, 3])
def test_with_fewer_than_three_respondents_nothing_of_their_answers_is_given_out(db, setting, n):
    """The minimum group holds for "Iedereen" too: with one or two respondents no distribution, median, agreement,
    figure, role count, suggestion or comment leaves the service, and merging is refused; with three it is all
    there."""
    manager, mini = setting["manager"], setting["mini"]
    a = small_group(db, setting, n)
    view = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=mini)
    figures = view.figures
    assert figures.total == n
    question = figures.questions["d1-1"]
    if n < 3:
        assert (figures.everyone_shown, figures.needed) == (False, 3 - n)
        assert figures.respondents == {} and figures.shown_roles == () and figures.hidden_roles == ()
        assert (question.summary.voted, question.summary.median, question.summary.agreement) == (0, None, None)
        assert all(count == 0 for count in question.summary.counts.values())
        assert question.suggested is None and question.by_role == {}
        assert all(v is None for gap in [*figures.dimensions.values(), *figures.competencies.values()]
                   for v in gap.by_line.values())
        assert figures.most_disagreement() == [] and view.comments == {}
        assert SMALL_GROUP_COMMENT not in repr(view) and "frontoffice" not in repr(view)
        before = dump(db)
        with pytest.raises(RespondentError) as refused:
            respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=mini, question_id="d1-1",
                                     value="3", rationale="Toch samenvoegen.")
        assert refused.value.code == "too_few_to_merge" and dump(db) == before
    else:
        assert (figures.everyone_shown, figures.needed) == (True, 0)
        assert question.summary.voted == 3 and question.summary.median == 4
        assert question.summary.agreement is not None
        assert view.comments == {"d1-1": [SMALL_GROUP_COMMENT]}
        assert figures.respondents == {"frontoffice": 1, "management": 1, "backoffice": 1}
        assert figures.shown_roles == () and question.by_role == {}  # each role is still below the minimum
        assert respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=mini,
                                        question_id="d1-1", value="4", rationale="Besproken.").answers == 3


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_respondents_page_and_workbook_show_nothing_of_one_or_two_respondents(tmp_path, monkeypatch, mini, n):
    from io import BytesIO

    from openpyxl import load_workbook

    from conftest import lookup_for
    from exports.workbook import build_workbook
    from questionnaires.loader import ENV_DIR
    from report import service as report
    from storage.db import ENV_URL, get_database
    from test_app import new_session, texts
    from conftest import FIXTURES, migrated_sqlite

    url = f"sqlite:///{migrated_sqlite(tmp_path / 'app.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_DIR, str(FIXTURES))
    db = get_database(url)
    org = service.create_organisation(db, actor=ME, name="Gemeente Klein", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    a = small_group(db, dict(assessment=assessment, manager=ME, mini=mini), n)

    for language, needed in (("nl", {1: "Nog 2 antwoorden nodig", 2: "Nog 1 antwoord nodig"}),
                             ("en", {1: "2 more answers needed", 2: "1 more answer needed"})):
        at = new_session("views/respondents.py", a=a, lang=language)
        assert not at.exception
        page = texts(at) + "\n".join(str(x.value) for x in at.text)
        # the beheerder's own list of the links they handed out says which link is in use (not what was answered)
        page = "\n".join(line for line in page.splitlines() if not line.startswith("**Link "))
        tables = [t.value for t in at.table] + [d.value for d in at.dataframe]
        if n < 3:
            assert needed[n] in page
            assert tables == [] and len(at.get("plotly_chart")) == 0
            for secret in (SMALL_GROUP_COMMENT, "Frontoffice", "Front office", "Iedereen", "Everyone", "mediaan",
                           "median", "overeenstemming", "agreement"):
                assert secret not in page, (language, secret)
        else:
            assert "antwoorden nodig" not in page and "answers needed" not in page
            columns = {c for table in tables for c in table.columns}
            assert ("Iedereen" if language == "nl" else "Everyone") in columns
            assert SMALL_GROUP_COMMENT in page  # the merge shows the comments, without name or role

    data = build_workbook(report.gather_report(db, actor=ME, assessment_id=a, lookup=lookup_for(mini), today=TODAY))
    ws = load_workbook(BytesIO(data))["Respondenten"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(map(str, cells))
    assert SMALL_GROUP_COMMENT not in text
    if n < 3:
        assert {1: "Nog 2 antwoorden nodig", 2: "Nog 1 antwoord nodig"}[n] in text
        assert not any(isinstance(v, (int, float)) for v in cells)  # no count, median or agreement
        for secret in ("Frontoffice", "Management", "Iedereen", "Vraag d1-1"):
            assert secret not in text
    else:
        assert "Iedereen" in text and "Frontoffice" in text
        question = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Vraag d1-1")
        assert question[1:3] == (3, 4.0)


# --- the legal minimum, answered by respondents ---------------------------------------------------------------

@pytest.fixture(scope="module")
def v11():
    from questionnaires.loader import DEFAULT_DIR, load_questionnaire
    return load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")


def test_respondents_answer_the_legal_minimum_and_the_merge_takes_what_most_said(db, v11):
    from sqlalchemy.exc import IntegrityError

    from scoring.legal import legal_key
    from storage.models import RespondentAnswerRow
    org = service.create_organisation(db, actor=ME, name="Gemeente Awb", org_type="gemeente", size_class="inw-lt-20k")
    manager = member_of(db, org.id, "beheer@awb.nl", "beheerder")
    a = service.create_assessment(db, actor=manager, organisation_id=org.id, period="2026", questionnaire=v11).id
    links = respondents.create_links(db, actor=manager, assessment_id=a, count=6)
    for link, role in zip(links, ("frontoffice", "frontoffice", "frontoffice", "backoffice", "backoffice", "other")):
        respondents.choose_role(db, assessment_id=a, token=link.token, role=role, today=TODAY)

    def save(link, item_id, value):
        respondents.save_respondent_answer(db, assessment_id=a, token=link.token, questionnaire=v11,
                                           question_id=legal_key(item_id), value=value, today=TODAY)

    question = v11.questions()[0].id
    before = dump(db)
    for key, value, code in ((legal_key("awb-9-7"), "3", "invalid_answer"),  # a level on a legal item
                             (legal_key("awb-9-7"), "nvt", "invalid_answer"),
                             (question, "ja", "invalid_answer"),  # a ja on a question
                             (legal_key("awb-99-1"), "ja", "unknown_question")):
        with pytest.raises(RespondentError) as refused:
            respondents.save_respondent_answer(db, assessment_id=a, token=links[0].token, questionnaire=v11,
                                               question_id=key, value=value, today=TODAY)
        assert refused.value.code == code
    assert dump(db) == before
    with pytest.raises(IntegrityError), db.write() as session:  # the table itself holds ja / nee for legal keys only
        respondent_id = session.scalars(select_respondent(links[0].token)).one()
        session.add(RespondentAnswerRow(respondent_id=respondent_id, question_id=question, non_score="ja",
                                        comment=""))

    # 9:7: five answers (3 nee); 9:5: four answers, a tie of ja and nee; 9:6: only two answers
    for link, value in zip(links, ("nee", "nee", "ja", "nee", "weetniet")):
        save(link, "awb-9-7", value)
    for link, value in zip(links, ("ja", "nee", "ja", "nee")):
        save(link, "awb-9-5", value)
    for link in links[:2]:
        save(link, "awb-9-6", "ja")
    save(links[5], "awb-9-7", "ja")
    respondents.revoke_link(db, actor=manager, assessment_id=a, link_id=links[5].id)  # no longer counts
    state = respondents.respondent_state(db, assessment_id=a, token=links[0].token, today=TODAY)
    assert state.answers == {legal_key("awb-9-7"): "nee", legal_key("awb-9-5"): "ja", legal_key("awb-9-6"): "ja"}

    legal = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=v11).figures.legal
    assert legal["awb-9-7"].summary.counts == {"ja": 1, "nee": 3, "weetniet": 1}
    assert legal["awb-9-7"].suggested == "nee"
    assert legal["awb-9-5"].summary.counts == {"ja": 2, "nee": 2, "weetniet": 0}
    assert legal["awb-9-5"].suggested == "weetniet"  # a tie: nobody can say it is met
    # fewer than 3 answers: no counts at all
    assert legal["awb-9-6"].answers == 2 and legal["awb-9-6"].summary is None and legal["awb-9-6"].suggested is None
    assert legal["awb-9-1"].answers == 0 and legal["awb-9-1"].summary is None

    # the merge: what most said becomes the legal answer, with where it came from
    before = dump(db)
    with pytest.raises(RespondentError) as too_few:
        respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=v11,
                                 question_id=legal_key("awb-9-6"), value="ja")
    assert too_few.value.code == "too_few_legal" and dump(db) == before
    with pytest.raises(service.InputError) as no_reason:
        respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=v11,
                                 question_id=legal_key("awb-9-7"), value="ja")
    assert no_reason.value.code == "rationale_required"
    with pytest.raises(service.InputError):
        respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=v11,
                                 question_id=legal_key("awb-9-7"), value="3", rationale="Niveau")
    assert dump(db) == before
    merged = respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=v11,
                                      question_id=legal_key("awb-9-7"), value="nee")
    assert merged.provenance == "samengesteld uit 5 antwoorden: 1 ja, 3 nee, 1 weet niet; de meesten zeiden nee"
    tie = respondents.merge_answer(db, actor=manager, assessment_id=a, questionnaire=v11,
                                   question_id=legal_key("awb-9-5"), value="weetniet", language="en")
    assert tie.provenance == "put together from 4 answers: 2 yes, 2 no, 0 don't know; yes and no equally often, " \
                             "so don't know"
    answers = service.get_legal_answers(db, actor=manager, assessment_id=a)
    assert (answers["awb-9-7"].value, answers["awb-9-7"].comment) == ("nee", merged.provenance)
    assert answers["awb-9-5"].value == "weetniet" and set(answers) == {"awb-9-7", "awb-9-5"}
    assert service.get_answers(db, actor=manager, assessment_id=a) == {}  # never a maturity answer
    merges = respondents.overview(db, actor=manager, assessment_id=a, questionnaire=v11).merges
    assert (merges[legal_key("awb-9-7")].value, merges[legal_key("awb-9-7")].suggested) == ("nee", "nee")
    assert merges[legal_key("awb-9-7")].median is None and merges[legal_key("awb-9-7")].answers == 5


def select_respondent(token):
    from sqlalchemy import select

    from storage.models import RespondentRow
    return select(RespondentRow.id).where(RespondentRow.token == token)
