"""While the database is away (AppTest, SQLite locked past a short busy timeout): a respondent's answer and a
KPI target that could not be saved stay on the page, marked, and are saved by themselves once the database is back;
a measured KPI value stays in its fields with a message to save it again, and one click then saves it."""

import sqlite3
from datetime import date

from assessment import service
from conftest import ME, migrated_sqlite
from indicators.library import DEFAULT_FILE, load_library
from kpi import service as kpis
from storage.db import ENV_BUSY_SECONDS, ENV_URL, get_database
from test_app import button, new_session, texts
from questionnaires.loader import ENV_DIR

THIS_YEAR = date.today().year


def no_traceback(at) -> None:
    assert not at.exception, at.exception
    page = texts(at)
    assert "Traceback" not in page and "Error" not in page and "Unavailable" not in page


def mini_scan_on_sqlite(tmp_path, monkeypatch, name: str):
    """The app's settings on a new SQLite file with a short busy timeout, and a scan of the mini questionnaire of
    a new organisation: (path, db, mini, organisation, scan)."""
    from conftest import FIXTURES
    from questionnaires.loader import load_questionnaire

    path = migrated_sqlite(tmp_path / name)
    monkeypatch.setenv(ENV_URL, f"sqlite:///{path}")
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    monkeypatch.setenv(ENV_DIR, str(FIXTURES))
    db = get_database(f"sqlite:///{path}")
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                      size_class="inw-lt-20k")
    scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    return path, db, mini, org, scan


def test_kpi_target_and_value_while_sqlite_is_locked(tmp_path, monkeypatch):
    path = migrated_sqlite(tmp_path / "kpi.sqlite")
    monkeypatch.setenv(ENV_URL, f"sqlite:///{path}")
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    monkeypatch.delenv(ENV_DIR, raising=False)
    db = get_database(f"sqlite:///{path}")
    library = load_library(DEFAULT_FILE)
    org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                      size_class="inw-20-50k")
    [heard] = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                    kpi_ids=["klagers-gehoord"])
    at = new_session("views/kpi.py", org=str(org.id), lang="nl")
    no_traceback(at)

    def stored():
        register = kpis.get_register(db, actor=ME, organisation_id=org.id, library=library)
        return register.entry(heard).target, [(v.period.code, v.numerator, v.denominator)
                                              for v in register.values.get(heard, [])]

    other = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock too long
    other.execute("BEGIN IMMEDIATE")
    try:
        at.number_input(key=f"kpi_target_{heard}").set_value(55).run()
        no_traceback(at)
        page = texts(at)
        assert "Uw wijziging is niet bewaard: de database is te druk. Hij blijft staan en we proberen het " \
               "opnieuw." in page
        assert "Niet bewaard — we proberen het opnieuw" in page
        assert at.number_input(key=f"kpi_target_{heard}").value == 55  # still in its field
        at.selectbox(key="kpi_enter_entry").select(heard).run()
        at.text_input(key="kpi_enter_period").input(f"{THIS_YEAR}-Q1")
        at.number_input(key="kpi_enter_numerator").set_value(30)
        at.number_input(key="kpi_enter_denominator").set_value(50)
        button(at, "Meting bewaren").click().run()
        no_traceback(at)
        assert "Uw wijziging is niet bewaard: de database is te druk. Probeer het over een ogenblik " \
               "opnieuw." in texts(at)
        assert at.text_input(key="kpi_enter_period").value == f"{THIS_YEAR}-Q1"  # the value stays in its fields
        assert at.number_input(key="kpi_enter_numerator").value == 30
        assert at.number_input(key="kpi_enter_denominator").value == 50
        assert at.number_input(key=f"kpi_target_{heard}").value == 55
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert stored() == (None, [])  # nothing half-written
    at.run()  # the page looks every few seconds whether the database is back: the kept target is saved
    no_traceback(at)
    assert stored() == (55, [])
    assert "Niet bewaard" not in texts(at)
    assert at.number_input(key=f"kpi_target_{heard}").value == 55
    button(at, "Meting bewaren").click().run()  # one click saves the value that stayed in its fields
    no_traceback(at)
    assert stored() == (55, [(f"{THIS_YEAR}-Q1", 30, 50)])
    assert f"Bewaard: Klagers die zich gehoord voelen, {THIS_YEAR}-Q1: 60% van 50 klagers." in texts(at)


def test_a_respondents_answer_while_sqlite_is_locked_is_kept_and_saved_by_itself(tmp_path, monkeypatch):
    from respondents import service as respondents

    path, db, _, _, scan = mini_scan_on_sqlite(tmp_path, monkeypatch, "respond.sqlite")
    [link] = respondents.create_links(db, actor=ME, assessment_id=scan.id, count=1)
    respondents.choose_role(db, assessment_id=scan.id, token=link.token, role="backoffice")
    at = new_session("views/respond.py", a=scan.id, t=link.token, lang="nl")
    no_traceback(at)

    def stored():
        return respondents.respondent_state(db, assessment_id=scan.id, token=link.token).answers

    other = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock too long
    other.execute("BEGIN IMMEDIATE")
    try:
        at.radio(key="respond_value_d1-1").set_value("4").run()
        no_traceback(at)
        page = texts(at)
        assert "Uw antwoord is niet bewaard: de database is te druk. We proberen het opnieuw." in page
        assert "Niet bewaard — we proberen het opnieuw" in page
        assert at.radio(key="respond_value_d1-1").value == "4"
        at.run()  # still busy: still kept, still marked
        no_traceback(at)
        assert "Niet bewaard — we proberen het opnieuw" in texts(at)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert stored() == {}  # nothing half-written
    at.run()  # the page looks every few seconds whether the database is back, and saves without a second choice
    no_traceback(at)
    assert stored() == {"d1-1": 4}
    assert "Niet bewaard" not in texts(at)
    assert at.radio(key="respond_value_d1-1").value == "4"


def test_beheer_sharing_and_a_target_while_sqlite_is_locked_are_kept_and_saved_by_themselves(tmp_path, monkeypatch):
    """A role changed on Beheer, sharing switched on on Benchmark and a target chosen on Resultaten while another
    process holds the write lock: each page says it is not saved and will be tried again, nothing is half
    written, and each is stored on the page's next run once the lock is gone, without choosing again."""
    import access
    from peers import service as peers

    path, db, mini, org, scan = mini_scan_on_sqlite(tmp_path, monkeypatch, "edits.sqlite")
    access.add_member(db, actor=ME, organisation_id=org.id, email="lars@gemeente-weg.nl", role="lezer")
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=scan.id, question_id=question.id, value=3)
    beheer = new_session("views/members.py", org=str(org.id), lang="nl")
    benchmark = new_session("views/benchmark.py", a=scan.id, lang="nl")
    results = new_session("views/results.py", a=scan.id, lang="nl")
    for at in (beheer, benchmark, results):
        no_traceback(at)
    [role_key] = [s.key for s in beheer.selectbox if s.key and s.key.startswith(f"member_role_{org.id}_")]

    def stored():
        roles = {m.email: m.role for m in access.list_members(db, actor=ME, organisation_id=org.id)}
        target = service.get_targets(db, actor=ME, assessment_id=scan.id).get("d1")
        return roles["lars@gemeente-weg.nl"], peers.is_sharing(db, actor=ME, organisation_id=org.id), target

    assert stored() == ("lezer", False, None)
    other = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock too long
    other.execute("BEGIN IMMEDIATE")
    kept = "Uw wijziging is niet bewaard: de database is te druk. Hij blijft staan en we proberen het opnieuw."
    try:
        beheer.selectbox(key=role_key).select("invuller").run()
        benchmark.toggle(key="share_anonymously").set_value(True).run()
        results.selectbox(key="target_d1").select(4).run()
        for at in (beheer, benchmark, results):
            no_traceback(at)
            assert kept in texts(at)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert stored() == ("lezer", False, None)  # nothing half-written
    for at in (beheer, benchmark, results):
        at.run()  # the next run (the page looks by itself every few seconds) makes the kept change
        no_traceback(at)
        assert kept not in texts(at)
    assert stored() == ("invuller", True, 4)
    assert beheer.selectbox(key=role_key).value == "invuller"
