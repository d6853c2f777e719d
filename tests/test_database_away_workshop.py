"""A workshop while the database is away (AppTest): the phone's vote is kept and shown as not sent, with no
traceback and nothing stored, and is sent by itself (no second tap) once the database is back, so the projector
counts it; the facilitator page and the projector show the message instead of a traceback, keep refreshing and
work again by themselves. On SQLite (locked past the busy timeout) and on PostgreSQL (the test's own server
stopped and started)."""

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from assessment import service
from conftest import FIXTURES, ME, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire
from storage.db import ENV_BUSY_SECONDS, ENV_URL, get_database
from workshops import service as workshop

APP = str(ROOT / "app.py")


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                                  "warning", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts) + "\n" + "\n".join(h.proto.body for h in at.get("html"))


def no_traceback(at: AppTest) -> None:
    assert not at.exception, at.exception
    page = texts(at)
    for word in ("Traceback", "Error", "Unavailable", "OperationalError"):
        assert word not in page


def new_tab(page: str, **query_params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    no_traceback(at)
    return at


def workshop_voting(url: str, monkeypatch):
    """A workshop with voting open on d1-1 and one phone seated (nothing voted yet)."""
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_DIR, str(FIXTURES))
    db = get_database(url)
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                      size_class="inw-lt-20k")
    scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=scan.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2"])
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    _, seat = workshop.join(db, code=started.join_code, role="backoffice")
    return db, scan, started, token, seat


def votes(db, started, token) -> tuple[int, int]:
    return workshop.vote_count(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")


def test_sqlite_locked_the_phone_vote_is_not_sent_and_goes_by_itself_when_the_database_is_back(tmp_path,
                                                                                             monkeypatch):
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    path = tmp_path / "away.sqlite"
    db, _, started, token, seat = workshop_voting(f"sqlite:///{path}", monkeypatch)
    phone = new_tab("views/vote.py", seat=seat, lang="nl")
    other = sqlite3.connect(path, isolation_level=None)  # another process holds the write lock too long
    other.execute("BEGIN IMMEDIATE")
    try:
        phone.radio(key="vote_d1-1_1").set_value("4").run()
        no_traceback(phone)
        page = texts(phone)
        assert "Uw stem is niet verstuurd: de database is te druk. We proberen het opnieuw." in page
        assert "Niet verstuurd — opnieuw" in page
        assert phone.radio(key="vote_d1-1_1").value == "4"  # still chosen on the phone
        assert "Uw stem is bewaard." not in page
        phone.run()  # the ballot asks again every 2 seconds: the database is still busy, the vote still kept
        no_traceback(phone)
        assert "Niet verstuurd — opnieuw" in texts(phone)
        assert phone.radio(key="vote_d1-1_1").value == "4"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert votes(db, started, token) == (0, 1)  # nothing stored while the database was away
    phone.run()  # the next time the ballot asks (every 2 seconds) the vote goes, without a second tap
    no_traceback(phone)
    assert votes(db, started, token) == (1, 1)
    assert workshop.my_vote(db, participant_token=seat, question_id="d1-1") == "4"
    assert "Niet verstuurd" not in texts(phone) and "Uw stem is bewaard." in texts(phone)
    screen = new_tab("views/projector.py", screen=started.projector_token, lang="nl")
    assert "1 van 1 aanwezigen gestemd" in texts(screen)


# (Dutch only: AppTest formats a radio's options outside the page's run, where the page's language is not known)
@pytest.mark.parametrize("language", ["nl"])
def test_postgresql_stopped_the_phone_vote_is_kept_and_sent_when_it_is_back(own_server, monkeypatch, language):
    db, _, started, token, seat = workshop_voting(own_server.create_database(f"vote_{language}"), monkeypatch)
    phone = new_tab("views/vote.py", seat=seat, lang=language)
    screen = new_tab("views/projector.py", screen=started.projector_token, lang=language)
    own_server.stop()
    try:
        phone.radio(key="vote_d1-1_1").set_value("4").run()
        no_traceback(phone)
        page = texts(phone)
        if language == "nl":
            assert "Uw stem is niet verstuurd: de database is even niet bereikbaar. We proberen het opnieuw." in page
            assert "Niet verstuurd — opnieuw" in page
        else:
            assert "Your vote was not sent: the database cannot be reached just now. We will try again." in page
            assert "Not sent — again" in page
        phone.run()  # the ballot asks again every 2 seconds: still kept, still shown
        no_traceback(phone)
        assert ("Niet verstuurd — opnieuw" if language == "nl" else "Not sent — again") in texts(phone)
        screen.run()  # the projector refreshes: a message, no traceback
        no_traceback(screen)
        assert ("de database is even niet bereikbaar" if language == "nl"
                else "the database cannot be reached just now") in texts(screen)
    finally:
        own_server.start()
    phone.run()
    no_traceback(phone)
    assert votes(db, started, token) == (1, 1)
    assert "Niet verstuurd" not in texts(phone) and "Not sent" not in texts(phone)
    screen.run()  # the projector works again by itself and counts the vote
    no_traceback(screen)
    assert ("1 van 1 aanwezigen gestemd" if language == "nl" else "1 of 1 present voted") in texts(screen)


def test_postgresql_stopped_the_facilitator_page_and_projector_show_the_message_and_work_again(own_server,
                                                                                              monkeypatch):
    db, scan, started, token, seat = workshop_voting(own_server.create_database("lead"), monkeypatch)
    facilitator = new_tab("views/workshop.py", a=scan.id, w=started.id, ft=token, lang="nl")
    screen = new_tab("views/projector.py", screen=started.projector_token, lang="nl")
    assert [b for b in facilitator.button if b.label == "Stemmen sluiten"]
    own_server.stop()
    try:
        # a press on the facilitator page while the database is away: the message, no traceback
        next(b for b in facilitator.button if b.label == "Stemmen sluiten").click().run()
        no_traceback(facilitator)
        assert "de database is even niet bereikbaar" in texts(facilitator)
        facilitator.run()  # the page refreshes by itself: still the message
        no_traceback(facilitator)
        assert "Deze pagina kan nu niet worden getoond: de database is even niet bereikbaar." in texts(facilitator)
        screen.run()
        no_traceback(screen)
        assert "Deze pagina kan nu niet worden getoond: de database is even niet bereikbaar." in texts(screen)
    finally:
        own_server.start()
    assert workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)["d1-1"].phase == "voting"
    facilitator.run()  # back by itself: the page works again, and so does the button
    no_traceback(facilitator)
    assert "niet bereikbaar" not in texts(facilitator)
    next(b for b in facilitator.button if b.label == "Stemmen sluiten").click().run()
    no_traceback(facilitator)
    assert workshop.question_states(db, actor=ME, workshop_id=started.id, token=token)["d1-1"].phase != "voting"
    screen.run()
    no_traceback(screen)
    assert "niet bereikbaar" not in texts(screen) and "De uitkomst is nog verborgen." in texts(screen)
