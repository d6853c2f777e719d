"""The Vragenlijst page while the database is away (AppTest): a message in the user's language and never a
traceback, the answer given stays on the page marked not saved, and it is saved on the next run once the
database is back, without choosing again; on SQLite (locked past the busy timeout) and on PostgreSQL (the
test's own server stopped and started)."""

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from assessment import service
from conftest import FIXTURES, ME, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire
from storage.db import ENV_BUSY_SECONDS, ENV_URL, get_database

APP = str(ROOT / "app.py")
NOT_SAVED = "Uw antwoord is niet bewaard: de database is even niet bereikbaar. We proberen het opnieuw."


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def no_traceback(at: AppTest) -> None:
    assert not at.exception
    page = texts(at)
    assert "Traceback" not in page and "Error" not in page and "Unavailable" not in page


def questionnaire_open(url: str, monkeypatch):
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_DIR, str(FIXTURES))
    db = get_database(url)
    organisation = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                               size_class="inw-50-100k")
    scan = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                     questionnaire=load_questionnaire(FIXTURES / "mini.yaml"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["a"], at.query_params["lang"] = scan.id, "nl"
    at.run()
    at.switch_page("views/questionnaire.py").run()
    no_traceback(at)
    assert at.title[0].value == "Vragenlijst"
    return db, scan, at


def test_sqlite_locked_the_answer_stays_marked_and_is_saved_on_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    path = tmp_path / "away.sqlite"
    db, scan, at = questionnaire_open(f"sqlite:///{path}", monkeypatch)
    other = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock too long
    other.execute("BEGIN IMMEDIATE")
    at.radio(key=f"level_{scan.id}_d1-1").set_value(4).run()
    no_traceback(at)
    assert "Uw antwoord is niet bewaard: de database is te druk. We proberen het opnieuw." in texts(at)
    assert "Niet bewaard — we proberen het opnieuw" in texts(at)
    assert at.radio(key=f"level_{scan.id}_d1-1").value == 4  # still chosen on the screen
    assert service.get_answers(db, actor=ME, assessment_id=scan.id) == {}  # nothing half-written
    at.run()  # the database is still busy: still kept
    assert at.radio(key=f"level_{scan.id}_d1-1").value == 4
    other.execute("ROLLBACK")
    other.close()
    at.run()  # the next run (the page reruns by itself every few seconds) makes the kept write
    no_traceback(at)
    assert service.get_answers(db, actor=ME, assessment_id=scan.id)["d1-1"].value == 4
    assert "Niet bewaard" not in texts(at) and "niet bewaard" not in texts(at)
    assert at.radio(key=f"level_{scan.id}_d1-1").value == 4
    at.radio(key=f"level_{scan.id}_d1-2").set_value(2).run()  # and the page is normal again
    assert service.get_answers(db, actor=ME, assessment_id=scan.id)["d1-2"].value == 2


@pytest.mark.parametrize("language", ["nl", "en"])
def test_postgresql_stopped_the_answer_and_comment_are_kept_and_saved_when_it_is_back(own_server, monkeypatch,
                                                                                      language):
    db, scan, at = questionnaire_open(own_server.create_database(f"away_{language}"), monkeypatch)
    if language == "en":
        at.query_params["lang"] = "en"
        at.run()
    own_server.stop()
    try:
        at.radio(key=f"level_{scan.id}_d1-1").set_value(3).run()
        at.text_area(key=f"comment_{scan.id}_d1-1").input("Staat op de website").run()
        no_traceback(at)
        page = texts(at)
        if language == "nl":
            assert "Uw toelichting is niet bewaard: de database is even niet bereikbaar." in page
            assert "Niet bewaard — we proberen het opnieuw" in page
        else:
            assert "Your comment is not saved: the database cannot be reached just now." in page
            assert "Not saved — we will try again" in page
        assert at.radio(key=f"level_{scan.id}_d1-1").value == 3
        assert at.text_area(key=f"comment_{scan.id}_d1-1").value == "Staat op de website"
        fresh = AppTest.from_file(APP, default_timeout=60)  # another tab opened now: a message, not "no data"
        fresh.query_params["a"] = scan.id
        fresh.run()
        no_traceback(fresh)
        assert "Deze pagina kan nu niet worden getoond: de database is even niet bereikbaar." in texts(fresh)
    finally:
        own_server.start()
    at.run()
    no_traceback(at)
    stored = service.get_answers(db, actor=ME, assessment_id=scan.id)["d1-1"]
    assert (stored.value, stored.comment) == (3, "Staat op de website")
    assert "niet bewaard" not in texts(at).lower() and "not saved" not in texts(at).lower()


def test_postgresql_stopped_the_benchmark_and_plan_filters_show_the_message_and_keep_their_choice(own_server,
                                                                                                 monkeypatch):
    """Filters read the database again: while it is away the page says so (no traceback, no empty table that
    looks like "no data"), and once it is back the page shows the chosen filter, not the default."""
    from peers import service as peers
    from plan import service as plan

    db, scan, at = questionnaire_open(own_server.create_database("away_filters"), monkeypatch)
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=scan.id, question_id=question.id, value=3)
    peers.load_demo_set(db, actor=ME, organisation_id=scan.organisation_id, questionnaire=mini)
    plan.add_actions(db, actor=ME, assessment_id=scan.id, questionnaire=mini,
                     actions=[dict(dimension_id="d1", title="Klachtenformulier korter")])
    at.switch_page("views/benchmark.py").run()
    no_traceback(at)
    plan_page = AppTest.from_file(APP, default_timeout=60)
    plan_page.query_params["a"], plan_page.query_params["lang"] = scan.id, "nl"
    plan_page.run()
    plan_page.switch_page("views/plan.py").run()
    no_traceback(plan_page)
    assert list(plan_page.data_editor(key="plan_editor").value["Actie"]) == ["Klachtenformulier korter"]
    own_server.stop()
    try:
        at.selectbox(key="bench_type").select("provincie").run()
        plan_page.multiselect(key="plan_filter_status").unselect("planned").run()
        for page in (at, plan_page):
            no_traceback(page)
            assert "Deze pagina kan nu niet worden getoond: de database is even niet bereikbaar." in texts(page)
            assert not page.dataframe  # no table that looks like "no data"
    finally:
        own_server.start()
    for page in (at, plan_page):
        page.run()  # the page looks by itself every few seconds whether the database is back
        no_traceback(page)
        assert "niet worden getoond" not in texts(page)
    assert at.selectbox(key="bench_type").value == "provincie"
    assert "planned" not in plan_page.multiselect(key="plan_filter_status").value
    assert list(plan_page.data_editor(key="plan_editor").value["Actie"]) == []  # the filter still applies
