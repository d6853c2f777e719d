"""End-to-end in a real browser (Debian's Chromium driven by Playwright) against `streamlit run app.py`.

What only a browser shows: an answer clicked on the page survives a reload of the page.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from assessment import service
from assessment.db import ENV_URL, Database
from conftest import FIXTURES, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire

CHROMIUM = os.environ.get("KLANTBEWUST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.sqlite'}"
    port = free_port()
    env = dict(os.environ, **{ENV_URL: url, ENV_DIR: str(FIXTURES)})
    log = open(folder / "streamlit.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + Path(folder / "streamlit.log").read_text())
    yield base, Database(url)
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_answer_survives_a_page_reload(server, browser):
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, name="Gemeente Browser", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, organisation_id=org.id, period="2026", questionnaire=mini)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/vragenlijst?a={assessment.id}&lang=nl")
    option = page.locator("label").filter(has_text="d1-1 niveau 4")
    expect(option).to_be_visible(timeout=30_000)
    option.click()
    expect(page.get_by_text("Opgeslagen", exact=True).first).to_be_visible(timeout=15_000)
    comment = page.get_by_label("Toelichting of bewijs (niet verplicht)").first
    comment.fill("Zie het klachtenjaarverslag")
    comment.press("Control+Enter")
    expect(page.get_by_text("Alles is opgeslagen", exact=False)).to_be_visible(timeout=15_000)

    page.reload()
    option = page.locator("label").filter(has_text="d1-1 niveau 4")
    expect(option).to_be_visible(timeout=30_000)
    expect(option.locator("input[type=radio]")).to_be_checked()
    expect(page.get_by_label("Toelichting of bewijs (niet verplicht)").first).to_have_value(
        "Zie het klachtenjaarverslag")
    # and the database has it, so another device sees the same
    stored = service.get_answers(db, assessment_id=assessment.id)["d1-1"]
    assert stored.value == 4 and stored.comment == "Zie het klachtenjaarverslag"
    page.close()


def test_the_workbook_downloads_from_the_results_page(server, browser, tmp_path):
    from openpyxl import load_workbook
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, name="Waterschap Download", org_type="waterschap", size_class="fte-lt-250")
    assessment = service.create_assessment(db, organisation_id=org.id, period="2026", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, assessment_id=assessment.id, question_id=question.id, value=3)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/resultaten?a={assessment.id}&lang=nl")
    button = page.get_by_role("button", name="Excel-werkboek downloaden")
    expect(button).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        button.click()
    path = tmp_path / "download.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Samenvatting", "Verbeterplan", "Scores"]
    assert book["Samenvatting"]["B3"].value == "Waterschap Download"
    page.close()


def test_workshop_votes_appear_on_the_projector_without_a_reload(server, browser):
    from assessment import workshop
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, name="Gemeente Live", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, organisation_id=org.id, period="2026", questionnaire=mini)
    started, token = workshop.start_workshop(db, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2"])
    contexts = [browser.new_context(viewport=size) for size in
                ({"width": 1366, "height": 900}, {"width": 390, "height": 844}, {"width": 390, "height": 844},
                 {"width": 1920, "height": 1080})]
    facilitator, phone_a, phone_b, projector = (c.new_page() for c in contexts)
    try:
        facilitator.goto(f"{base}/workshop?a={assessment.id}&w={started.id}&ft={token}&lang=nl")
        facilitator.get_by_role("button", name="Stemmen openen").click(timeout=30_000)
        projector.goto(f"{base}/scherm?w={started.id}&lang=nl")
        expect(projector.get_by_text("0 van 0 gestemd", exact=False)).to_be_visible(timeout=30_000)
        for phone, role in ((phone_a, "Frontoffice"), (phone_b, "Backoffice")):
            phone.goto(f"{base}/stemmen?code={started.join_code}&lang=nl")
            phone.get_by_text(role, exact=True).click(timeout=30_000)
            phone.get_by_role("button", name="Meedoen").click()
            expect(phone.get_by_text("d1-1 niveau 3", exact=False)).to_be_visible(timeout=30_000)
        expect(projector.get_by_text("0 van 2 gestemd", exact=False)).to_be_visible(timeout=15_000)
        phone_a.locator("label").filter(has_text="d1-1 niveau 3").click()
        # the projector shows the new vote by itself (it polls every 2 seconds); no reload here
        expect(projector.get_by_text("1 van 2 gestemd", exact=False)).to_be_visible(timeout=10_000)
        phone_b.locator("label").filter(has_text="d1-1 niveau 4").click()
        expect(projector.get_by_text("2 van 2 gestemd", exact=False)).to_be_visible(timeout=10_000)
        expect(projector.get_by_text("De uitkomst is nog verborgen.")).to_be_visible()
        workshop.reveal(db, workshop_id=started.id, token=token, question_id="d1-1")
        expect(projector.get_by_text("Mediaan 3,5", exact=False)).to_be_visible(timeout=10_000)
        projector.screenshot(path="/tmp/projector.png")
    finally:
        for context in contexts:
            context.close()
