"""Isolation in the service layer: every public service function that takes the id of an organisation,
assessment, plan action, workshop or peer set checks the acting person's membership and role.

The table below calls each one as Alice (beheerder of her own organisation, so with every right there) on
the things of organisation B: each must refuse with `AccessDenied` and write nothing at all. The functions
are enumerated from the modules, so a new service function without an entry here fails the test.
"""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from sqlalchemy import text

import access
from access import AccessDenied, Actor
from workshops import discussion
from assessment import history
from assessment import importing
from peers import service as peers
from plan import service as plan
from report import service as report
from respondents import service as respondents
from assessment import service
from workshops import service as workshop
from storage.models import Base
from conftest import ME, lookup_for, member_of
from kpi import service as kpis
from indicators.library import DEFAULT_FILE as KPI_LIBRARY_FILE
from indicators.library import load_library

SERVICE_MODULES = [service, plan, workshop, peers, history, report, importing, access.service, kpis, respondents,
                   discussion]
# how the table in calls() names each module's functions
SHORT_NAMES = {"assessment.service": "service", "assessment.history": "history", "assessment.importing": "importing",
               "plan.service": "plan", "workshops.service": "workshop", "workshops.discussion": "discussion",
               "peers.service": "peers", "respondents.service": "respondents", "report.service": "report"}
ID_PARAMETERS = {"organisation_id", "assessment_id", "previous_id", "workshop_id", "action_id", "peer_set_id",
                 "assessment_ids", "earlier_id", "later_id", "data", "entry_id"}
# reached by a secret token instead of a membership: a participant's seat or the projector (tested below)
# or a respondent's personal link (tested in test_respondents.py and below)
BY_TOKEN = {"join", "seat", "ballot", "cast_vote", "my_vote", "screen", "respondent_state", "choose_role",
            "save_respondent_answer"}


def public_functions():
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] == "session":
                continue  # building blocks used inside another service's transaction
            yield f"{SHORT_NAMES.get(module.__name__, module.__name__)}.{name}", function, set(parameters)


@pytest.fixture
def world(db, mini):
    """Organisation A with Alice as beheerder; organisation B with everything a service can be asked about."""
    org_a = service.create_organisation(db, actor=ME, name="Gemeente A", org_type="gemeente", size_class="inw-lt-20k")
    org_b = service.create_organisation(db, actor=ME, name="Gemeente B", org_type="gemeente", size_class="inw-lt-20k")
    alice = member_of(db, org_a.id, "alice@gemeente-a.nl", "beheerder")
    bob = member_of(db, org_b.id, "bob@gemeente-b.nl", "beheerder")
    own = service.create_assessment(db, actor=alice, organisation_id=org_a.id, period="2026", questionnaire=mini)
    b_final = service.create_assessment(db, actor=bob, organisation_id=org_b.id, period="2025", questionnaire=mini)
    service.save_answer(db, actor=bob, assessment_id=b_final.id, question_id="d1-1", value=2)
    service.finalise_assessment(db, actor=bob, assessment_id=b_final.id)
    b_draft = service.create_assessment(db, actor=bob, organisation_id=org_b.id, period="2026", questionnaire=mini)
    service.save_answer(db, actor=bob, assessment_id=b_draft.id, question_id="d1-1", value=3)
    [action_id] = plan.add_actions(db, actor=bob, assessment_id=b_draft.id, questionnaire=mini,
                                   actions=[dict(dimension_id="d1", title="Geheim plan")])
    [b_link] = respondents.create_links(db, actor=bob, assessment_id=b_draft.id, count=1)
    respondents.choose_role(db, assessment_id=b_draft.id, token=b_link.token, role="frontoffice")
    respondents.save_respondent_answer(db, assessment_id=b_draft.id, token=b_link.token, questionnaire=mini,
                                       question_id="d1-1", value=4)
    started, token = workshop.start_workshop(db, actor=bob, assessment_id=b_draft.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2"])
    peer_set = peers.load_demo_set(db, actor=bob, organisation_id=org_b.id, questionnaire=mini)
    library = load_library(KPI_LIBRARY_FILE)
    [kpi_entry] = kpis.add_library_kpis(db, actor=bob, organisation_id=org_b.id, library=library,
                                        kpi_ids=["klagers-gehoord"])
    kpis.save_value(db, actor=bob, entry_id=kpi_entry, library=library, period="2025", numerator=3, denominator=4,
                    today=date(2026, 11, 23))
    from exports.workbook import build_workbook
    from exports.workbook_import import read_workbook
    workbook = read_workbook(build_workbook(report.gather_report(db, actor=bob, assessment_id=b_draft.id,
                                                                 lookup=lookup_for(mini), today=date(2026, 11, 23))),
                             lookup_for(mini))
    preview = importing.preview_workbook(db, workbook, actor=bob)  # what Bob would confirm
    return dict(alice=alice, bob=bob, org_a=org_a, org_b=org_b, own=own, b_final=b_final, b_draft=b_draft,
                action_id=action_id, workshop=started, token=token, peer_set=peer_set, workbook=workbook,
                preview=preview, mini=mini, library=library, kpi_entry=kpi_entry, b_link=b_link)


def calls(db, w):
    """Every service function with an id, called by Alice on organisation B's things (B's own tokens even)."""
    a, mini, b, wid, ft = w["alice"], w["mini"], w["b_draft"].id, w["workshop"].id, w["token"]
    org_b = w["org_b"].id
    lib, entry = w["library"], w["kpi_entry"]
    group = peers.PeerGroup("gemeente", ("inw-lt-20k",), (2026,))
    return {
        "service.update_organisation": lambda: service.update_organisation(
            db, actor=a, organisation_id=org_b, name="Overgenomen", org_type="gemeente", size_class="inw-lt-20k"),
        "service.get_organisation": lambda: service.get_organisation(db, org_b, actor=a),
        "service.create_organisation": lambda: service.create_organisation(
            db, actor=a, name="Nieuw", org_type="gemeente", size_class="inw-lt-20k"),
        "service.list_organisations": None,  # takes no id: returns only the actor's own (tested below)
        "service.create_assessment": lambda: service.create_assessment(
            db, actor=a, organisation_id=org_b, period="2027", questionnaire=mini),
        "service.start_from_previous": lambda: service.start_from_previous(
            db, actor=a, previous_id=w["b_final"].id, period="2027", questionnaire=mini, previous_questionnaire=mini),
        "service.list_assessments": lambda: service.list_assessments(db, actor=a, organisation_id=org_b),
        "service.get_assessment": lambda: service.get_assessment(db, b, actor=a),
        "service.finalise_assessment": lambda: service.finalise_assessment(db, actor=a, assessment_id=b),
        "service.delete_assessment": lambda: service.delete_assessment(db, actor=a, assessment_id=b),
        "service.save_answer": lambda: service.save_answer(db, actor=a, assessment_id=b, question_id="d1-1", value=5),
        "service.clear_answer": lambda: service.clear_answer(db, actor=a, assessment_id=b, question_id="d1-1"),
        "service.save_comment": lambda: service.save_comment(db, actor=a, assessment_id=b, question_id="d1-1",
                                                             comment="x"),
        "service.confirm_answer": lambda: service.confirm_answer(db, actor=a, assessment_id=b, question_id="d1-1"),
        "service.confirm_answers": lambda: service.confirm_answers(db, actor=a, assessment_id=b,
                                                                   question_ids=["d1-1"]),
        "service.get_answers": lambda: service.get_answers(db, actor=a, assessment_id=b),
        "service.get_legal_answers": lambda: service.get_legal_answers(db, actor=a, assessment_id=b),
        "service.count_answers": lambda: service.count_answers(db, actor=a, assessment_id=b),
        "service.progress": lambda: service.progress(db, actor=a, assessment_ids=[w["own"].id, b]),
        "service.set_target": lambda: service.set_target(db, actor=a, assessment_id=b, dimension_id="d1", level=5),
        "service.get_targets": lambda: service.get_targets(db, actor=a, assessment_id=b),
        "plan.add_actions": lambda: plan.add_actions(db, actor=a, assessment_id=b, questionnaire=mini,
                                                     actions=[dict(dimension_id="d1", title="x")]),
        "plan.update_action": lambda: plan.update_action(db, actor=a, assessment_id=b, action_id=w["action_id"],
                                                         questionnaire=mini, title="x"),
        "plan.delete_action": lambda: plan.delete_action(db, actor=a, assessment_id=b, action_id=w["action_id"]),
        "plan.list_actions": lambda: plan.list_actions(db, actor=a, assessment_id=b),
        "plan.apply_changes": lambda: plan.apply_changes(db, actor=a, assessment_id=b, questionnaire=mini,
                                                         deletions=[w["action_id"]]),
        # B's plan action through Alice's own assessment: an action of another assessment is refused too
        "plan.apply_changes (own assessment, B's action)": lambda: plan.apply_changes(
            db, actor=a, assessment_id=w["own"].id, questionnaire=mini, updates={w["action_id"]: {"title": "x"}}),
        "workshop.start_workshop": lambda: workshop.start_workshop(db, actor=a, assessment_id=b, questionnaire=mini,
                                                                   question_ids=["d1-1"]),
        "workshop.get_workshop": lambda: workshop.get_workshop(db, actor=a, workshop_id=wid, token=ft),
        "workshop.question_states": lambda: workshop.question_states(db, actor=a, workshop_id=wid, token=ft),
        "workshop.open_voting": lambda: workshop.open_voting(db, actor=a, workshop_id=wid, token=ft,
                                                             question_id="d1-1"),
        "workshop.open_voting_many": lambda: workshop.open_voting_many(db, actor=a, workshop_id=wid, token=ft,
                                                                       question_ids=["d1-1"]),
        "workshop.close_voting": lambda: workshop.close_voting(db, actor=a, workshop_id=wid, token=ft,
                                                               question_id="d1-1"),
        "workshop.reveal": lambda: workshop.reveal(db, actor=a, workshop_id=wid, token=ft, question_id="d1-1"),
        "workshop.second_round": lambda: workshop.second_round(db, actor=a, workshop_id=wid, token=ft,
                                                               question_id="d1-1"),
        "workshop.vote_count": lambda: workshop.vote_count(db, actor=a, workshop_id=wid, token=ft, question_id="d1-1"),
        "workshop.results": lambda: workshop.results(db, actor=a, workshop_id=wid, token=ft, question_id="d1-1"),
        "workshop.record_agreed": lambda: workshop.record_agreed(db, actor=a, workshop_id=wid, token=ft,
                                                                 question_id="d1-1", value="5"),
        "workshop.go_to_question": lambda: workshop.go_to_question(db, actor=a, workshop_id=wid, token=ft,
                                                                   question_id="d1-2"),
        "workshop.end_workshop": lambda: workshop.end_workshop(db, actor=a, workshop_id=wid, token=ft),
        "workshop.park": lambda: workshop.park(db, actor=a, workshop_id=wid, token=ft, question_id="d1-1"),
        "workshop.resume": lambda: workshop.resume(db, actor=a, workshop_id=wid, token=ft, question_id="d1-1"),
        "workshop.delete_raw_votes": lambda: workshop.delete_raw_votes(db, actor=a, workshop_id=wid, token=ft),
        "workshop.workshop_summary": lambda: workshop.workshop_summary(db, actor=a, workshop_id=wid, token=ft),
        "peers.set_sharing": lambda: peers.set_sharing(db, actor=a, organisation_id=org_b, share=True),
        "peers.is_sharing": lambda: peers.is_sharing(db, actor=a, organisation_id=org_b),
        "peers.store_peer_set": lambda: peers.store_peer_set(
            db, actor=a, organisation_id=org_b, name="x", source="import", questionnaire=mini, records=[]),
        "peers.list_peer_sets": lambda: peers.list_peer_sets(db, actor=a, organisation_id=org_b),
        "peers.delete_peer_set": lambda: peers.delete_peer_set(db, actor=a, peer_set_id=w["peer_set"]),
        "peers.load_demo_set": lambda: peers.load_demo_set(db, actor=a, organisation_id=org_b, questionnaire=mini),
        "peers.peer_scores": lambda: peers.peer_scores(db, actor=a, organisation_id=org_b, questionnaire=mini,
                                                       group=group),
        "peers.default_group": lambda: peers.default_group(db, actor=a, organisation_id=org_b, questionnaire=mini,
                                                           org_type="gemeente", size_class="inw-lt-20k", year=2026),
        "peers.compare_with_peers": lambda: peers.compare_with_peers(
            db, actor=a, organisation_id=org_b, questionnaire=mini, own_scores={}, group=group),
        "peers.legal_shares": lambda: peers.legal_shares(db, actor=a, organisation_id=org_b, questionnaire=mini,
                                                         group=group),
        "peers.import_benchmark_file": lambda: peers.import_benchmark_file(
            db, actor=a, organisation_id=org_b, filename="x.csv", data=b"organisation\n", lookup=lookup_for(mini)),
        "history.organisation_history": lambda: history.organisation_history(db, actor=a, organisation_id=org_b,
                                                                             lookup=lookup_for(mini)),
        "history.compare_assessments": lambda: history.compare_assessments(
            db, actor=a, earlier_id=w["b_final"].id, later_id=b, lookup=lookup_for(mini)),
        "report.gather_report": lambda: report.gather_report(db, actor=a, assessment_id=b, lookup=lookup_for(mini)),
        "importing.preview_workbook": lambda: importing.preview_workbook(db, w["workbook"], actor=a),
        "importing.apply_workbook": lambda: importing.apply_workbook(db, w["workbook"], actor=a,
                                                                     confirmed=w["preview"]),
        "access.service.activity": lambda: access.activity(db, actor=a, assessment_id=b),
        "access.service.answer_work": lambda: access.answer_work(db, actor=a, assessment_id=b),
        "workshop.workshop_counts": lambda: workshop.workshop_counts(db, actor=a, assessment_id=b),
        "access.service.list_members": lambda: access.list_members(db, actor=a, organisation_id=org_b),
        "access.service.add_member": lambda: access.add_member(db, actor=a, organisation_id=org_b, email="alice@gemeente-a.nl",
                                                       role="beheerder"),
        "access.service.change_role": lambda: access.change_role(db, actor=a, organisation_id=org_b,
                                                         email="bob@gemeente-b.nl", role="lezer"),
        "access.service.remove_member": lambda: access.remove_member(db, actor=a, organisation_id=org_b,
                                                             email="bob@gemeente-b.nl"),
        "access.service.organisation_activity": lambda: access.organisation_activity(db, actor=a,
                                                                                  organisation_id=org_b),
        "access.service.activity_filters": lambda: access.activity_filters(db, actor=a, organisation_id=org_b),
        "access.service.end_all_sessions": lambda: access.end_all_sessions(db, actor=a, organisation_id=org_b,
                                                                           email="bob@gemeente-b.nl"),
        "access.service.my_permissions": None,  # answers about the actor itself: empty for B (tested below)
        "kpi.service.get_register": lambda: kpis.get_register(db, actor=a, organisation_id=org_b, library=lib),
        "kpi.service.linked_actions": lambda: kpis.linked_actions(db, actor=a, organisation_id=org_b),
        "kpi.service.add_library_kpis": lambda: kpis.add_library_kpis(db, actor=a, organisation_id=org_b,
                                                                      library=lib, kpi_ids=["doorlooptijd"]),
        "kpi.service.add_own_kpi": lambda: kpis.add_own_kpi(
            db, actor=a, organisation_id=org_b, library=lib, name="Eigen", definition="x", unit="count",
            direction="higher", competency="lerend", people_centred=True),
        "kpi.service.remove_kpi": lambda: kpis.remove_kpi(db, actor=a, entry_id=entry),
        "kpi.service.set_target": lambda: kpis.set_target(db, actor=a, entry_id=entry, library=lib, target=50),
        "kpi.service.save_value": lambda: kpis.save_value(db, actor=a, entry_id=entry, library=lib, period="2026",
                                                          numerator=1, denominator=2, today=date(2026, 11, 23)),
        "kpi.service.delete_value": lambda: kpis.delete_value(db, actor=a, entry_id=entry, period="2025"),
        "kpi.service.import_values": lambda: kpis.import_values(
            db, actor=a, organisation_id=org_b, library=lib, filename="x.csv",
            data=b"kpi,periode,teller,noemer\nklagers-gehoord,2026,1,2\n", today=date(2026, 11, 23)),
        "kpi.service.preview_import": lambda: kpis.preview_import(
            db, actor=a, organisation_id=org_b, library=lib, filename="x.csv",
            data=b"kpi,periode,teller,noemer\nklagers-gehoord,2026,1,2\n", today=date(2026, 11, 23)),
        "kpi.service.compare_with_peers": lambda: kpis.compare_with_peers(db, actor=a, organisation_id=org_b,
                                                                          library=lib, year=2025),
        "respondents.create_links": lambda: respondents.create_links(db, actor=a, assessment_id=b, count=1),
        "respondents.revoke_link": lambda: respondents.revoke_link(db, actor=a, assessment_id=b,
                                                                   link_id=w["b_link"].id),
        "respondents.set_deadline": lambda: respondents.set_deadline(db, actor=a, assessment_id=b,
                                                                     deadline=date(2026, 1, 1)),
        "respondents.get_survey": lambda: respondents.get_survey(db, actor=a, assessment_id=b),
        "respondents.invite_members": lambda: respondents.invite_members(db, actor=a, assessment_id=b,
                                                                         emails=["bob@gemeente-b.nl"]),
        "discussion.send_to_workshop": lambda: discussion.send_to_workshop(
            db, actor=a, assessment_id=b, questionnaire=mini, question_ids=["d1-1"]),
        "discussion.discussion_items": lambda: discussion.discussion_items(db, actor=a, assessment_id=b),
        "discussion.remove_item": lambda: discussion.remove_item(db, actor=a, assessment_id=b, question_id="d1-1"),
        "respondents.overview": lambda: respondents.overview(db, actor=a, assessment_id=b, questionnaire=mini),
        "respondents.merge_answer": lambda: respondents.merge_answer(db, actor=a, assessment_id=b, questionnaire=mini,
                                                                     question_id="d1-1", value="4"),
        # B's link through Alice's own assessment: a link of another assessment is refused too
        "respondents.revoke_link (own assessment, B's link)": lambda: respondents.revoke_link(
            db, actor=a, assessment_id=w["own"].id, link_id=w["b_link"].id),
        # an id that does not exist is refused like one of another organisation
        "kpi.service.save_value (no such KPI)": lambda: kpis.save_value(
            db, actor=a, entry_id=10_000, library=lib, period="2026", numerator=1, denominator=2),
    }


def dump(db) -> dict[str, list]:
    """Every row of every table, to compare before and after."""
    with db.read() as session:
        return {table.name: sorted(map(repr, session.execute(text(f'SELECT * FROM "{table.name}"')).all()))
                for table in Base.metadata.sorted_tables}


def test_every_service_function_with_an_id_takes_the_actor_and_is_in_the_table(db, world):
    table = calls(db, world)
    covered = {name.split(" ")[0] for name in table}
    missing, without_actor = [], []
    for name, function, parameters in public_functions():
        short = name.split(".")[-1]
        if short in BY_TOKEN:
            continue
        if parameters & ID_PARAMETERS and "actor" not in parameters:
            without_actor.append(name)
        if parameters & ID_PARAMETERS and name not in covered:
            missing.append(name)
    assert without_actor == [], "these take an id but not the acting person"
    assert missing == [], "add these to the table in calls()"


def test_nothing_of_another_organisation_can_be_read_or_changed(db, world):
    before = dump(db)
    refused = []
    for name, call in calls(db, world).items():
        if call is None:
            continue
        with pytest.raises(AccessDenied):
            call()
        refused.append(name)
        assert dump(db) == before, f"{name} wrote something although it was refused"
    assert len(refused) >= 60


def test_the_actors_own_view_shows_nothing_of_another_organisation(db, world):
    alice = world["alice"]
    assert [o.name for o in service.list_organisations(db, actor=alice)] == ["Gemeente A"]
    assert access.my_permissions(db, actor=alice, organisation_id=world["org_b"].id) == frozenset()
    assert access.my_permissions(db, actor=alice, organisation_id=world["org_a"].id) == access.service.EVERYTHING
    # an id that does not exist is refused exactly like one of another organisation
    for unknown in ("0" * 32, "not an id"):
        with pytest.raises(AccessDenied):
            service.get_assessment(db, unknown, actor=alice)


@pytest.mark.parametrize("role, allowed", [
    ("lezer", {"read"}), ("invuller", {"read", "answer"}), ("facilitator", {"read", "workshop"}),
    ("beheerder", {"read", "answer", "workshop", "manage"})])
def test_each_role_may_do_what_the_roles_table_says_and_nothing_more(db, world, role, allowed):
    mini, draft = world["mini"], world["b_draft"]
    person = member_of(db, world["org_b"].id, f"{role}@gemeente-b.nl", role)
    attempts = {
        "read": lambda: service.get_answers(db, actor=person, assessment_id=draft.id),
        "answer": lambda: service.save_answer(db, actor=person, assessment_id=draft.id, question_id="d1-2", value=4),
        "workshop": lambda: workshop.start_workshop(db, actor=person, assessment_id=draft.id, questionnaire=mini,
                                                    question_ids=["d2-1"]),
        "manage": lambda: peers.set_sharing(db, actor=person, organisation_id=world["org_b"].id, share=True),
    }
    for permission, attempt in attempts.items():
        if permission in allowed:
            attempt()
        else:
            before = dump(db)
            with pytest.raises(AccessDenied):
                attempt()
            assert dump(db) == before


def test_a_removed_member_loses_access_at_once_and_who_did_what_is_logged(db, world):
    bob, draft = world["bob"], world["b_draft"]
    carla = member_of(db, world["org_b"].id, "carla@gemeente-b.nl", "invuller")
    service.save_answer(db, actor=carla, assessment_id=draft.id, question_id="d1-2", value=4)
    assert service.get_answers(db, actor=bob, assessment_id=draft.id)["d1-2"].answered_by == "carla@gemeente-b.nl"
    access.remove_member(db, actor=bob, organisation_id=world["org_b"].id, email="carla@gemeente-b.nl")
    before = dump(db)
    with pytest.raises(AccessDenied):  # the same Actor object, still "signed in": the membership decides
        service.save_answer(db, actor=carla, assessment_id=draft.id, question_id="d1-2", value=1)
    assert dump(db) == before
    log = access.activity(db, actor=bob, assessment_id=draft.id)
    assert [(e.actor, e.action) for e in log][:2] == [("carla@gemeente-b.nl", "answer_changed"),
                                                      ("bob@gemeente-b.nl", "workshop_started")]
    assert log[0].detail["question"] == "d1-2" and log[0].actor_name == "Carla"
    with pytest.raises(AccessDenied):  # only a beheerder reads the log
        access.activity(db, actor=member_of(db, world["org_b"].id, "lezer@gemeente-b.nl", "lezer"),
                        assessment_id=draft.id)


def test_an_organisation_keeps_a_beheerder_and_the_administrator_assigns_members(db, world, monkeypatch):
    bob, org_b = world["bob"], world["org_b"]
    with pytest.raises(service.InputError) as last:
        access.change_role(db, actor=bob, organisation_id=org_b.id, email="bob@gemeente-b.nl", role="lezer")
    assert last.value.code == "last_manager"
    monkeypatch.setenv(access.service.ENV_ADMINS, "beheer@klantbewust.nl")
    admin = access.sign_in(db, email="Beheer@Klantbewust.nl", name="App-beheer")
    assert admin.is_admin and admin.email == "beheer@klantbewust.nl"
    orphan = service.create_organisation(db, actor=admin, name="Waterschap Zonder Leden", org_type="waterschap",
                                         size_class="fte-lt-250")
    assert orphan.id in {o.id for o in service.list_organisations(db, actor=admin)}
    with pytest.raises(AccessDenied):  # managing members is not reading the data
        service.list_assessments(db, actor=admin, organisation_id=org_b.id)
    access.add_member(db, actor=admin, organisation_id=orphan.id, email="dirk@waterschap.nl", role="beheerder")
    assert [m.email for m in access.list_members(db, actor=admin, organisation_id=orphan.id)] == ["dirk@waterschap.nl"]
    with pytest.raises(service.InputError) as bad:
        access.add_member(db, actor=admin, organisation_id=orphan.id, email="geen adres", role="lezer")
    assert bad.value.code == "invalid_email"
    with pytest.raises(AccessDenied):  # not an administrator
        service.create_organisation(db, actor=bob, name="Eigen club", org_type="anders", size_class="fte-lt-250")


def test_seat_and_projector_links_reach_only_their_own_workshop(db, world):
    started, token, mini = world["workshop"], world["token"], world["mini"]
    own_workshop, own_token = workshop.start_workshop(db, actor=world["alice"], assessment_id=world["own"].id,
                                                      questionnaire=mini, question_ids=["d3-1"])
    workshop.open_voting(db, actor=world["bob"], workshop_id=started.id, token=token, question_id="d1-1")
    _, seat = workshop.join(db, code=own_workshop.join_code, role="other")
    with pytest.raises(workshop.WorkshopError):  # a seat of Alice's workshop votes nowhere else
        workshop.cast_vote(db, participant_token=seat, question_id="d1-1", value="3")
    for tampered in (seat, token, own_token, "", "x" * 64, None):
        with pytest.raises(workshop.WorkshopError):
            workshop.screen(db, projector_token=tampered)
    for tampered in (started.projector_token, token, "", None):
        with pytest.raises(workshop.WorkshopError):
            workshop.ballot(db, participant_token=tampered)
    view = workshop.screen(db, projector_token=started.projector_token)
    assert view.workshop.projector_token == "" and view.results is None  # nothing the room may not see
    with pytest.raises(workshop.WorkshopError):  # Bob's link with a wrong facilitator token
        workshop.reveal(db, actor=world["bob"], workshop_id=started.id, token=own_token, question_id="d1-1")


def test_a_respondent_link_reaches_only_its_own_questionnaire(db, world):
    link, b_draft, mini = world["b_link"], world["b_draft"].id, world["mini"]
    before = dump(db)
    for assessment_id, token in ((world["own"].id, link.token), (b_draft, link.token + "x"), (b_draft, ""),
                                 (b_draft, None), (b_draft, world["token"])):
        with pytest.raises(respondents.RespondentError):
            respondents.save_respondent_answer(db, assessment_id=assessment_id, token=token, questionnaire=mini,
                                               question_id="d1-1", value=1)
        with pytest.raises(respondents.RespondentError):
            respondents.respondent_state(db, assessment_id=assessment_id, token=token)
    assert dump(db) == before
    state = respondents.respondent_state(db, assessment_id=b_draft, token=link.token)
    assert state.answers == {"d1-1": 4} and state.role == "frontoffice"


def test_an_actor_is_needed(db, world):
    with pytest.raises(TypeError):
        service.get_answers(db, actor="bob@gemeente-b.nl", assessment_id=world["b_draft"].id)
    stranger = Actor("stranger@elders.nl")
    with pytest.raises(AccessDenied):
        service.get_answers(db, actor=stranger, assessment_id=world["b_draft"].id)


# --- e-mail addresses that cannot pass for another one, and sessions that end ---------------------------------

def test_member_addresses_are_normalised_and_look_alikes_are_refused_naming_the_field(db):
    from i18n import t
    from rules.input import InputError

    org = service.create_organisation(db, actor=ME, name="Gemeente Adres", org_type="gemeente",
                                      size_class="inw-lt-20k")
    anna = member_of(db, org.id, "anna@gemeente.nl", "beheerder")
    # full-width letters and surrounding spaces are the same address (NFKC)
    added = access.add_member(db, actor=anna, organisation_id=org.id, email=" ＥＶＡ@Gemeente.nl ", role="lezer")
    assert added.email == "eva@gemeente.nl"
    with pytest.raises(InputError) as twice:
        access.add_member(db, actor=anna, organisation_id=org.id, email="eva@gemeente.nl", role="lezer")
    assert twice.value.code == "member_exists"
    before = dump(db)
    for look_alike, code in (("anna\u200b@gemeente.nl", "email_invisible"),  # zero-width space
                             ("an\u00adna@gemeente.nl", "email_invisible"),  # soft hyphen
                             ("anna@gemeente\u202e.nl", "email_invisible"),  # a direction mark
                             ("\u0430nna@gemeente.nl", "email_mixed_scripts"),  # Cyrillic a
                             ("anna@gem\u0435ente.nl", "email_mixed_scripts"),  # Cyrillic e in the domain
                             ("\u03bftto@gemeente.nl", "email_mixed_scripts")):  # Greek omicron
        with pytest.raises(InputError) as refused:
            access.add_member(db, actor=anna, organisation_id=org.id, email=look_alike, role="beheerder")
        assert (refused.value.code, refused.value.field) == (code, "email"), look_alike
        message = t(f"error.{code}", "nl", field=t("field.email", "nl"), **refused.value.params)
        assert message.startswith("E-mailadres: '") and "\u200b" not in message
    assert dump(db) == before
    # so no look-alike can be the "other beheerder" that lets the real last one leave
    with pytest.raises(InputError) as last:
        access.remove_member(db, actor=anna, organisation_id=org.id, email="anna@gemeente.nl")
    assert last.value.code == "last_manager"
    # one script throughout is an address like any other
    assert access.clean_email("jörg@gemeente.de") == "jörg@gemeente.de"
    assert access.clean_email("\u0430\u043d\u043d\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444") == \
        "\u0430\u043d\u043d\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"
    # a sign-in with a look-alike address is refused too, and remembers nobody
    with pytest.raises(InputError):
        access.sign_in(db, email="anna\u200b@gemeente.nl")
    assert dump(db) == before


def test_a_signed_out_session_stays_ended_and_a_beheerder_ends_all_sessions_of_a_member(db):
    import time

    org = service.create_organisation(db, actor=ME, name="Gemeente Sessie", org_type="gemeente",
                                      size_class="inw-lt-20k")
    anna = member_of(db, org.id, "anna@gemeente.nl", "beheerder")
    piet = member_of(db, org.id, "piet@gemeente.nl", "invuller")
    now = int(time.time())
    first = dict(iss="https://idp", sub="sub-piet", email="piet@gemeente.nl", iat=now - 60, nonce="n1")
    second = dict(first, iat=now - 30, nonce="n2")
    key_1, key_2 = access.session_key(first), access.session_key(second)
    assert key_1 != key_2 and len(key_1) == 64 and "n1" not in key_1
    assert not access.session_ended(db, email="piet@gemeente.nl", key=key_1, issued_at=first["iat"])
    access.end_session(db, actor=piet, key=key_1)  # Piet signs out of the first
    access.end_session(db, actor=piet, key=key_1)  # (twice is once)
    assert access.session_ended(db, email="piet@gemeente.nl", key=key_1, issued_at=first["iat"])
    assert not access.session_ended(db, email="piet@gemeente.nl", key=key_2, issued_at=second["iat"])
    # a lezer or another organisation's beheerder cannot end Piet's sessions; Anna can
    lezer = member_of(db, org.id, "lezer@gemeente.nl", "lezer")
    other = member_of(db, service.create_organisation(db, actor=ME, name="Elders", org_type="gemeente",
                                                      size_class="inw-lt-20k").id, "x@elders.nl", "beheerder")
    before = dump(db)
    for who in (lezer, other):
        with pytest.raises(AccessDenied):
            access.end_all_sessions(db, actor=who, organisation_id=org.id, email="piet@gemeente.nl")
    assert dump(db) == before
    access.end_all_sessions(db, actor=anna, organisation_id=org.id, email="piet@gemeente.nl")
    assert access.session_ended(db, email="piet@gemeente.nl", key=key_2, issued_at=second["iat"])
    assert not access.session_ended(db, email="anna@gemeente.nl", key=access.session_key(dict(first, sub="a")),
                                    issued_at=first["iat"])  # only Piet's
    # a sign-in after that is a new session
    later = dict(first, iat=int(time.time()) + 2, nonce="n3")
    assert not access.session_ended(db, email="piet@gemeente.nl", key=access.session_key(later),
                                    issued_at=later["iat"])
    log = access.organisation_activity(db, actor=anna, organisation_id=org.id, kinds=["members"])
    assert (log[0].action, log[0].actor, log[0].detail) == ("sessions_ended", "anna@gemeente.nl",
                                                            {"email": "piet@gemeente.nl"})
