"""In a real browser against `streamlit run app.py` on the test's own PostgreSQL server: the server stops while
the Vragenlijst is open, a level is chosen (a message, no traceback, the level still chosen and marked not
saved), the server starts again, and the answer is stored without choosing again; the page is normal again. The
same for a phone's vote ("niet verstuurd", sent by itself), with the projector refreshing by itself throughout."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessment import service
from browser_support import running_app, wait_idle, wait_settled
from conftest import FIXTURES, ME
from questionnaires.loader import ENV_DIR, load_questionnaire

SHOTS = Path(os.environ.get("KLANTBEWUST_SHOTS", "/tmp"))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_answer_given_while_postgresql_is_down_is_saved_when_it_is_back(own_server, browser, tmp_path,
                                                                           language):
    url = own_server.create_database(f"browser_{language}")
    with running_app(tmp_path, database_url=url, **{ENV_DIR: str(FIXTURES)}) as (base, db):
        org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                          size_class="inw-lt-20k")
        scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026",
                                         questionnaire=load_questionnaire(FIXTURES / "mini.yaml"))
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/vragenlijst?a={scan.id}&lang={language}")
        option = page.locator("label").filter(has_text="d1-1 " + ("niveau" if language == "nl" else "level") + " 4")
        expect(option).to_be_visible(timeout=60_000)
        wait_settled(page)
        own_server.stop()
        try:
            option.click()
            wait_idle(page)
            message = ("Uw antwoord is niet bewaard: de database is even niet bereikbaar. We proberen het opnieuw."
                       if language == "nl" else
                       "Your answer is not saved: the database cannot be reached just now. We will try again.")
            expect(page.get_by_text(message)).to_be_visible(timeout=60_000)
            mark = "Niet bewaard — we proberen het opnieuw" if language == "nl" else "Not saved — we will try again"
            expect(page.get_by_text(mark)).to_be_visible(timeout=60_000)
            expect(option.locator("input[type=radio]")).to_be_checked()
            body = page.inner_text("body")
            assert "Traceback" not in body and "OperationalError" not in body and "StorageUnavailable" not in body
            wait_settled(page)
            page.screenshot(path=str(SHOTS / f"database-away-{language}.png"))
        finally:
            own_server.start()
        # the page looks every few seconds whether the database is back, and then saves the answer by itself
        expect(page.get_by_text(mark)).to_have_count(0, timeout=90_000)
        stored = service.get_answers(db, actor=ME, assessment_id=scan.id)
        assert stored["d1-1"].value == 4
        wait_settled(page)  # the run that saved it has ended: no option of the run before is still on the page
        expect(option.locator("input[type=radio]")).to_be_checked()
        assert "Traceback" not in page.inner_text("body")
        page.close()


def test_a_phone_vote_while_postgresql_is_down_is_sent_by_itself_and_the_projector_counts_it(own_server, browser,
                                                                                             tmp_path):
    from workshops import service as workshop

    url = own_server.create_database("browser_vote")
    with running_app(tmp_path, database_url=url, **{ENV_DIR: str(FIXTURES)}) as (base, db):
        org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                          size_class="inw-lt-20k")
        mini = load_questionnaire(FIXTURES / "mini.yaml")
        scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
        started, token = workshop.start_workshop(db, actor=ME, assessment_id=scan.id, questionnaire=mini,
                                                 question_ids=["d1-1"])
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
        _, seat = workshop.join(db, code=started.join_code, role="backoffice")
        projector = browser.new_page(viewport={"width": 1280, "height": 720})
        projector.goto(f"{base}/scherm?screen={started.projector_token}&lang=nl")
        expect(projector.get_by_text("0 van 1 aanwezigen gestemd")).to_be_visible(timeout=60_000)
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{base}/stemmen?seat={seat}&lang=nl")
        option = phone.get_by_text("d1-1 niveau 4", exact=False)
        expect(option).to_be_visible(timeout=60_000)
        wait_settled(phone)
        own_server.stop()
        try:
            option.click()
            expect(phone.get_by_text("Uw stem is niet verstuurd: de database is even niet bereikbaar. We proberen "
                                     "het opnieuw.")).to_be_visible(timeout=60_000)
            expect(phone.get_by_text("Niet verstuurd — opnieuw").first).to_be_visible(timeout=60_000)
            # the projector refreshes by itself (its own part of the page, every second): the message in its place
            expect(projector.get_by_text("de database is even niet bereikbaar", exact=False).first).to_be_visible(
                timeout=60_000)
            for page in (phone, projector):
                body = page.inner_text("body")
                assert "Traceback" not in body and "OperationalError" not in body and "StorageUnavailable" not in body
            wait_settled(phone)
            phone.screenshot(path=str(SHOTS / "database-away-vote.png"))
            projector.screenshot(path=str(SHOTS / "database-away-projector.png"))
        finally:
            own_server.start()
        # without a second tap: the ballot sends the kept vote when it asks again, and the projector counts it
        expect(phone.get_by_text("Niet verstuurd — opnieuw")).to_have_count(0, timeout=90_000)
        expect(projector.get_by_text("1 van 1 aanwezigen gestemd")).to_be_visible(timeout=90_000)
        assert workshop.my_vote(db, participant_token=seat, question_id="d1-1") == "4"
        expect(phone.get_by_text("Uw stem is bewaard.", exact=False)).to_be_visible(timeout=60_000)
        for page in (phone, projector):
            assert "Traceback" not in page.inner_text("body")
            page.close()



def test_a_plan_table_edit_while_sqlite_is_locked_stays_marked_and_is_saved_by_itself(browser, tmp_path):
    """The plan is a table edited in place (Streamlit's data editor). Another process holds SQLite's write lock
    past the busy timeout while the owner of an action is typed: the page says the change is not saved and will
    be tried again, the table still shows the typed owner, marked; nothing is written; once the lock is gone the
    page saves the edit by itself, without typing again."""
    import sqlite3

    from plan import service as plan
    from storage.db import ENV_BUSY_SECONDS

    with running_app(tmp_path, **{ENV_DIR: str(FIXTURES), ENV_BUSY_SECONDS: "0.3"}) as (base, db):
        mini = load_questionnaire(FIXTURES / "mini.yaml")
        org = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                          size_class="inw-lt-20k")
        scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
        plan.add_actions(db, actor=ME, assessment_id=scan.id, questionnaire=mini,
                         actions=[dict(dimension_id="d1", title="Klachtenformulier korter")])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/verbeterplan?a={scan.id}&lang=nl")
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid).to_be_visible(timeout=60_000)
        wait_settled(page)
        # the grid is drawn on a canvas (with an accessible copy of the table inside it): select the first row's
        # first cell with the mouse (one row is 35 px, below a header of the same height), then move to the owner
        # column with the arrow keys, as a keyboard user would
        canvas = grid.get_by_test_id("data-grid-canvas")
        owner_column = int(canvas.locator("th[role=columnheader]", has_text="Eigenaar").get_attribute("aria-colindex"))
        box = canvas.bounding_box()
        other = sqlite3.connect(tmp_path / "app.sqlite", isolation_level=None)  # another process holds the lock
        other.execute("BEGIN IMMEDIATE")
        try:
            # the grid's accessible copy marks the chosen cell (aria-selected): move from the cell the click chose
            # to the owner column, checking each step, instead of trusting where the click landed
            selected = canvas.locator("td[aria-selected=true]")
            page.mouse.click(box["x"] + 60, box["y"] + 35 * 1.5)
            expect(selected).to_have_count(1, timeout=30_000)
            expect(selected).to_have_text("Klachtenformulier korter")  # the first row
            for column in range(int(selected.get_attribute("aria-colindex")) + 1, owner_column + 1):
                page.keyboard.press("ArrowRight")
                expect(selected).to_have_attribute("aria-colindex", str(column))
            page.keyboard.press("Enter")  # opens the cell's editor
            editor = page.locator("textarea.gdg-input")
            expect(editor).to_be_visible(timeout=30_000)
            editor.fill("Team KCC")
            editor.press("Enter")
            wait_idle(page)
            expect(page.get_by_text("Uw wijziging is niet bewaard: de database is te druk.", exact=False)).to_be_visible(
                timeout=60_000)
            mark = page.get_by_text("Niet bewaard — we proberen het opnieuw")
            expect(mark).to_be_visible()
            expect(canvas).to_contain_text("Team KCC")  # the typed owner is still in the table (its accessible copy)
            wait_settled(page)
            page.screenshot(path=str(SHOTS / "database-away-plan-nl.png"))
            assert [a.owner for a in plan.list_actions(db, actor=ME, assessment_id=scan.id)] == [""]  # nothing written
            body = page.inner_text("body")
            assert "Traceback" not in body and "OperationalError" not in body
        finally:
            other.execute("ROLLBACK")
            other.close()
        # the page looks every few seconds whether the database takes writes again, and then saves the edit
        expect(mark).to_have_count(0, timeout=90_000)
        assert [a.owner for a in plan.list_actions(db, actor=ME, assessment_id=scan.id)] == ["Team KCC"]
        expect(canvas).to_contain_text("Team KCC")
        page.close()
