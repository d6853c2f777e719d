"""Two app servers on one PostgreSQL database, as a deployment behind a load balancer runs them: what one
server writes, the other shows. Nothing a server needs lives only in another server's memory."""

from __future__ import annotations

import os
import uuid
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from peers import service as peers
from assessment import service
from workshops import service as workshop
from report.service import gather_report
from browser_support import check_workbook, navigate, running_app, wait_idle
from conftest import FIXTURES, ME, POSTGRES_ENV, lookup_for
from exports.workbook import build_workbook
from questionnaires.loader import ENV_DIR, load_questionnaire
from test_stored_scores import final_peers
from test_workbook_import import row_of

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} not set (CI sets it)")


@pytest.fixture(scope="module")
def postgres_url():
    server = os.environ[POSTGRES_ENV]
    name = f"kb_two_servers_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, postgres_url):
    env = {ENV_DIR: str(FIXTURES)}
    with running_app(tmp_path_factory.mktemp("a"), database_url=postgres_url, **env) as (a, db), \
            running_app(tmp_path_factory.mktemp("b"), database_url=postgres_url, **env) as (b, _):
        yield a, b, db


def test_what_one_server_writes_the_other_shows(servers, browser):
    a, b, db = servers
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Twee Servers", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1"])
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    # a vote cast through server A appears on the projector served by B, without a reload
    projector = browser.new_page(viewport={"width": 1280, "height": 720})
    projector.goto(f"{b}/scherm?screen={started.projector_token}&lang=nl")
    expect(projector.get_by_text("0 van 0 aanwezigen gestemd")).to_be_visible(timeout=30_000)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{a}/stemmen?code={started.join_code}&lang=nl")
    phone.get_by_text("Backoffice", exact=True).click(timeout=30_000)
    phone.get_by_role("button", name="Meedoen").click()
    expect(projector.get_by_text("0 van 1 aanwezigen gestemd")).to_be_visible()
    expect(phone.get_by_text("d1-1 niveau 4", exact=False)).to_be_visible(timeout=30_000)
    phone.get_by_text("d1-1 niveau 4", exact=False).click()
    expect(phone.get_by_text("Uw stem is bewaard.", exact=False)).to_be_visible()
    expect(projector.get_by_text("1 van 1 aanwezigen gestemd")).to_be_visible()
    projector.close()  # both refresh themselves (every 1 and 2 seconds): closed once they have shown it
    phone.context.close()

    # an answer saved through A is there on B after a reload
    page_a = browser.new_page(viewport={"width": 1366, "height": 900})
    page_a.goto(f"{a}/vragenlijst?a={assessment.id}&lang=nl")
    expect(page_a.get_by_role("heading", name="Dimensie een")).to_be_visible(timeout=30_000)
    wait_idle(page_a)
    page_a.get_by_test_id("stRadioGroup").nth(1).get_by_test_id("stRadioOption").nth(1).click()
    wait_idle(page_a)
    page_b = browser.new_page(viewport={"width": 1366, "height": 900})
    page_b.goto(f"{b}/vragenlijst?a={assessment.id}&lang=nl")
    expect(page_b.get_by_role("heading", name="Dimensie een")).to_be_visible(timeout=30_000)
    wait_idle(page_b)
    expect(page_b.get_by_test_id("stRadioGroup").nth(1).locator("input[type=radio]").nth(1)).to_be_checked()

    # a target set through B is seen by A's results
    navigate(page_b, f"{b}/resultaten?a={assessment.id}&lang=nl")  # on to Resultaten, in the app on B
    expect(page_b.get_by_role("heading", name="Resultaten", exact=True)).to_be_visible(timeout=30_000)
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=5)
    navigate(page_a, f"{a}/resultaten?a={assessment.id}&lang=nl")
    page_a.get_by_text("Competentie een › Dimensie een").click(timeout=30_000)
    expect(page_a.get_by_text("Ambitie 5: door u ingesteld.")).to_be_visible()


def test_a_workbook_import_and_a_change_of_sharing_through_one_server_show_on_the_other(servers, browser, tmp_path):
    a, b, db = servers
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    viewer = service.create_organisation(db, actor=ME, name="Gemeente Kijkt", org_type="gemeente",
                                         size_class="inw-20-50k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=viewer.id, period="2026",
                                           questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
    final_peers(db, mini, 5, prefix="Deelgemeente")  # each with a final assessment, sharing
    [late] = final_peers(db, mini, 1, prefix="Gemeente Laat")
    late_organisation = service.get_assessment(db, late, actor=ME).organisation_id
    peers.set_sharing(db, actor=ME, organisation_id=late_organisation, share=False)

    # A's Benchmark page reads the five peers, and keeps them while the peer data stay the same
    page_a = browser.new_page(viewport={"width": 1366, "height": 900})
    page_a.goto(f"{a}/benchmark?a={assessment.id}&lang=nl")
    expect(page_a.get_by_text("Vergeleken met 5 organisatie-jaren van 5 organisaties")).to_be_visible(timeout=30_000)
    # the sixth organisation starts sharing through B
    page_b = browser.new_page(viewport={"width": 1366, "height": 900})
    page_b.goto(f"{b}/benchmark?a={late}&lang=nl")
    sources = page_b.get_by_text("Gegevens van andere organisaties", exact=True)
    expect(sources).to_be_visible(timeout=30_000)
    wait_idle(page_b)
    sources.click()
    page_b.get_by_text("Deel onze definitieve scans anoniem", exact=False).click()
    wait_idle(page_b)
    assert peers.is_sharing(db, actor=ME, organisation_id=late_organisation)
    page_a.reload()
    expect(page_a.get_by_text("Vergeleken met 6 organisatie-jaren van 6 organisaties")).to_be_visible(timeout=30_000)

    # a workbook imported through B: A shows the imported answer after a reload
    report = gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini))
    book = load_workbook(BytesIO(build_workbook(report, "nl")))
    answers = book["Antwoorden"]
    answers.cell(row=row_of(answers, "d1-1"), column=4).value = 5
    path = tmp_path / "klantbewust-2026.xlsx"
    book.save(path)
    check_workbook(page_b, b, assessment.id, path)
    expect(page_b.get_by_text("In het werkboek: 1 antwoord anders.", exact=False)).to_be_visible(timeout=30_000)
    wait_idle(page_b)
    page_b.get_by_role("button", name="Verschillen opslaan").click()
    expect(page_b.get_by_text("Het werkboek is verwerkt. Opgeslagen: 1 antwoord.")).to_be_visible(timeout=30_000)
    navigate(page_a, f"{a}/vragenlijst?a={assessment.id}&dim=d1&lang=nl")
    expect(page_a.get_by_test_id("stRadioGroup").first).to_be_visible(timeout=30_000)
    first_question = page_a.get_by_test_id("stRadioGroup").first  # d1-1: level 5 (index 4), no longer 3
    expect(first_question.locator("input[type=radio]").nth(4)).to_be_checked()
    expect(first_question.locator("input[type=radio]").nth(2)).not_to_be_checked()
