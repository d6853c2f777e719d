"""The activity log is always readable: every action the code logs has a text in Dutch and English (found by
reading the source), an unknown action is shown as its code, and the Beheer page shows the organisation's own
changes (members, KPIs, sharing, peer data, renames) beside the scans', filtered by scan, person and kind."""

from __future__ import annotations

import ast
import string

import pytest

import access
from access import ACTIVITY_KINDS
from ui.activity_text import activity_text
from assessment import service
from conftest import FIXTURES, ME, ROOT, member_of
from i18n import LANGUAGES, has, texts
from questionnaires.loader import load_questionnaire
from test_app import app_env, button, new_session  # noqa: F401 - app_env is a fixture

SOURCE_DIRS = ("access", "assessment", "exports", "kpi", "peers", "plan", "report", "respondents", "workshops", "ui",
               "views", "storage", "tools")
CRASHED = ("respondent_links_created", "respondent_members_invited", "respondent_link_revoked",
           "respondent_deadline_set", "respondents_merged", "sent_to_workshop", "removed_from_workshop_list")


def log_calls() -> list[tuple[str, int, ast.Call]]:
    """Every call of the activity log's `log(session, actor, action, ...)` in the app's source."""
    found = []
    files = [ROOT / "app.py"] + [f for folder in SOURCE_DIRS for f in sorted((ROOT / folder).rglob("*.py"))]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_log = any(isinstance(node, ast.ImportFrom) and node.module in ("access", "access.service")
                          and any(alias.name == "log" for alias in node.names) for node in ast.walk(tree))
        in_access = path.parent.name == "access"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            plain = isinstance(func, ast.Name) and func.id == "log" and (imports_log or in_access)
            dotted = (isinstance(func, ast.Attribute) and func.attr == "log" and isinstance(func.value, ast.Name)
                      and func.value.id == "access")
            if plain or dotted:
                found.append((str(path.relative_to(ROOT)), node.lineno, node))
    return found


def action_of(call: ast.Call):
    argument = call.args[2] if len(call.args) > 2 else next(
        (k.value for k in call.keywords if k.arg == "action"), None)
    return argument.value if isinstance(argument, ast.Constant) and isinstance(argument.value, str) else None


def test_every_logged_action_has_a_text_in_both_languages_and_a_kind():
    calls = log_calls()
    assert len(calls) >= 40  # the scan really finds the calls (40 when this test was written)
    codes = {}
    for where, line, call in calls:
        code = action_of(call)
        assert code is not None, f"{where}:{line}: the action of a log call must be a literal code"
        codes.setdefault(code, []).append((where, line, call))
    assert set(CRASHED) <= set(codes)
    every_kind = {a for actions in ACTIVITY_KINDS.values() for a in actions}
    for code, places in codes.items():
        key = f"activity.{code}"
        assert has(key), f"{key} has no text (logged in {places[0][0]}:{places[0][1]})"
        assert all(texts()[key][lang] for lang in LANGUAGES), key
        assert code in every_kind, f"{code} has no kind for the Beheer filter"
        # what the text needs is in every call's detail (a call that passes **detail is checked as far as seen)
        forms = [f for lang in LANGUAGES for f in (texts()[key][lang].values() if isinstance(texts()[key][lang], dict)
                                                   else [texts()[key][lang]])]
        needed = {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name} - {"source"}
        for where, line, call in places:
            given = {k.arg for k in call.keywords}
            if None in given:  # **detail
                continue
            assert needed <= given, f"{where}:{line}: {code} needs {needed - given}"


def test_an_unknown_or_damaged_record_is_shown_plainly_never_a_crash():
    assert activity_text("something_new", {"x": 1}, "nl") == "something_new"
    assert activity_text("member_added", {}, "nl") == "onbekend toegevoegd als onbekend"
    assert activity_text("respondent_links_created", {"count": "veel"}, "en") == "respondent_links_created"
    assert activity_text("sent_to_workshop", {"questions": ["d1-1", "d1-2"], "source": "respondents"}, "nl") == \
        "Op de lijst voor een workshop gezet: d1-1, d1-2"
    assert activity_text("respondent_deadline_set", {"deadline": "2026-12-01"}, "nl") == \
        "Sluitingsdatum voor collega's gezet op 01-12-2026"
    assert activity_text("respondent_deadline_set", {"deadline": None}, "en") == "Closing date for colleagues removed"
    assert activity_text("respondent_links_created", {"count": 1}, "nl") == "1 persoonlijke link voor collega's gemaakt"
    for code in CRASHED:  # a record without details: a text, or (a count is missing) the code; never a crash
        for lang in LANGUAGES:
            assert activity_text(code, {}, lang) != code or code.startswith("respondent_")


@pytest.fixture
def organisation_with_history(app_env):  # noqa: F811
    """An organisation with changes of every level: members, KPIs, sharing, a rename, and two scans, one of them
    with respondent links (which crashed the page before)."""
    from peers import service as peers
    from respondents import service as respondents

    db = app_env
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Logboek", org_type="gemeente",
                                      size_class="inw-lt-20k")
    eva = member_of(db, org.id, "eva@logboek.nl", "beheerder")
    older = service.create_assessment(db, actor=eva, organisation_id=org.id, period="2025", questionnaire=mini)
    newer = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    respondents.create_links(db, actor=eva, assessment_id=newer.id, count=2)
    respondents.set_deadline(db, actor=eva, assessment_id=newer.id, deadline=None)
    service.save_answer(db, actor=eva, assessment_id=older.id, question_id="d1-1", value=3)
    peers.set_sharing(db, actor=eva, organisation_id=org.id, share=True)
    service.update_organisation(db, actor=eva, organisation_id=org.id, name="Gemeente Logboek-Oost",
                                org_type="gemeente", size_class="inw-lt-20k")
    return dict(db=db, org=org, older=older, newer=newer)


def what_column(at) -> list[str]:
    return list(at.dataframe[0].value["Wat"])


def test_the_beheer_page_shows_the_organisation_log_filtered_by_scan_person_and_kind(organisation_with_history):
    world = organisation_with_history
    org, older, newer = world["org"], world["older"], world["newer"]
    at = new_session("views/members.py", org=str(org.id), lang="nl")
    assert not at.exception  # respondent links in the log crashed this page before
    log = at.dataframe[0].value
    shown = list(log["Wat"])
    # organisation-level changes are there, beside the scans'
    assert "Anoniem delen aangezet" in shown
    assert "Gegevens van de organisatie gewijzigd (Gemeente Logboek → Gemeente Logboek-Oost)" in shown
    assert "eva@logboek.nl toegevoegd als Beheerder" in shown
    assert "2 persoonlijke links voor collega's gemaakt" in shown
    assert "Sluitingsdatum voor collega's weggehaald" in shown
    assert set(log.columns) == {"Wanneer", "Wie", "Scan", "Soort", "Wat"}
    assert dict(zip(log["Wat"], log["Scan"]))["Anoniem delen aangezet"] == "organisatie"
    assert dict(zip(log["Wat"], log["Scan"]))["2 persoonlijke links voor collega's gemaakt"] == "2026"

    # by scan: the organisation itself only
    at.selectbox(key=f"activity_assessment_{org.id}").set_value(access.NO_ASSESSMENT).run()
    assert not at.exception
    assert set(at.dataframe[0].value["Scan"]) == {"organisatie"}
    assert "Anoniem delen aangezet" in what_column(at)
    # one scan
    at.selectbox(key=f"activity_assessment_{org.id}").set_value(older.id).run()
    assert what_column(at) == ["Antwoord op vraag d1-1 gewijzigd in de app", "Scan 2025 gestart"]
    # by person, over everything
    at.selectbox(key=f"activity_assessment_{org.id}").set_value("*").run()
    at.selectbox(key=f"activity_person_{org.id}").set_value("local").run()
    assert set(at.dataframe[0].value["Wie"]) == {"de lokale gebruiker"}
    assert "Scan 2026 gestart" in what_column(at) and "Scan 2025 gestart" not in what_column(at)
    # by kind
    at.selectbox(key=f"activity_person_{org.id}").set_value("*").run()
    at.multiselect(key=f"activity_kinds_{org.id}").set_value(["sharing", "organisation"]).run()
    assert set(at.dataframe[0].value["Soort"]) == {"Delen en benchmark", "Organisatie"}
    assert "Anoniem delen aangezet" in what_column(at) and "eva@logboek.nl toegevoegd als Beheerder" not in \
        what_column(at)
    # in English too
    english = new_session("views/members.py", org=str(org.id), lang="en")
    assert not english.exception
    assert "Anonymous sharing switched on" in list(english.dataframe[0].value["What"])
    assert "2 personal links for colleagues made" in list(english.dataframe[0].value["What"])


def test_only_a_beheerder_reads_the_organisation_log_and_never_another_organisations(app_env):  # noqa: F811
    db = app_env
    org = service.create_organisation(db, actor=ME, name="Gemeente A", org_type="gemeente", size_class="inw-lt-20k")
    other = service.create_organisation(db, actor=ME, name="Gemeente B", org_type="gemeente", size_class="inw-lt-20k")
    reader = member_of(db, org.id, "lezer@a.nl", "lezer")
    manager = member_of(db, org.id, "beheer@a.nl", "beheerder")
    other_scan = service.create_assessment(db, actor=ME, organisation_id=other.id, period="2026",
                                           questionnaire=load_questionnaire(FIXTURES / "mini.yaml"))
    with pytest.raises(access.AccessDenied):
        access.organisation_activity(db, actor=reader, organisation_id=org.id)
    with pytest.raises(access.AccessDenied):
        access.activity_filters(db, actor=manager, organisation_id=other.id)
    # another organisation's scan id as a filter finds nothing of it
    assert access.organisation_activity(db, actor=manager, organisation_id=org.id,
                                        assessment_id=other_scan.id) == []
    mine = access.organisation_activity(db, actor=manager, organisation_id=org.id)
    assert {e.action for e in mine} == {"organisation_created", "member_added"}
    assert set(access.activity_filters(db, actor=manager, organisation_id=org.id).kinds) == {"organisation", "members"}
