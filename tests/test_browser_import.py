"""The workbook import in a real browser (Debian's Chromium, Playwright) against `streamlit run app.py`: a file
chosen in the page's file input, the comparison, a conflict decided, the differences saved."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright

from plan import service as plan
from assessment import service
from report.service import gather_report
from browser_support import axe_violations, check_workbook, choose_files, launch_chromium, running_app, wait_idle
from conftest import FIXTURES, ME, lookup_for
from exports.workbook import build_workbook
from questionnaires.loader import ENV_DIR, load_questionnaire


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("browser-import"), **{ENV_DIR: str(FIXTURES)}) as (base, db):
        yield base, db


def row_of(sheet, value, column: int = 1) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=column).value == value)


def test_a_workbook_is_compared_and_only_the_confirmed_differences_are_saved(server, tmp_path):
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Browserimport", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
    [action_id] = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[
        dict(dimension_id="d1", title="Klachtenspreekuur", owner="Team A", start_date=date(2026, 1, 1))])
    report = gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini))
    book = load_workbook(BytesIO(build_workbook(report, "nl")))
    answers, actions = book["Antwoorden"], book["Verbeterplan"]
    answers.cell(row=row_of(answers, "d1-1"), column=4).value = 5
    answers.cell(row=row_of(answers, "d1-2"), column=4).value = 4
    actions.cell(row=row_of(actions, action_id, column=11), column=3).value = "Team Klant"
    path = tmp_path / "klantbewust-2026.xlsx"
    book.save(path)
    # after the download, someone changes d1-2 in the app: a conflict with the workbook
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-2", value=1)
    before = service.get_answers(db, actor=ME, assessment_id=assessment.id)

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        check_workbook(page, base, assessment.id, path)
        expect(page.get_by_text("In het werkboek: 1 antwoord anders, 1 actie anders, 1 conflict.")).to_be_visible(
            timeout=30_000)
        wait_idle(page)
        expect(page.get_by_text("Conflicten: in de app én in het werkboek veranderd")).to_be_visible()
        assert service.get_answers(db, actor=ME, assessment_id=assessment.id) == before  # nothing written yet
        assert axe_violations(page) == []

        page.get_by_role("button", name="Verschillen opslaan").click()
        expect(page.get_by_text("Kies eerst bij het conflict welke versie blijft.", exact=False)).to_be_visible(
            timeout=30_000)
        # the message shows while the run is still drawing: until it ends, the choice of the run before may still
        # be on the page beside the new one (stress round, 2026-12-02: "resolved to 2 elements")
        wait_idle(page)
        assert service.get_answers(db, actor=ME, assessment_id=assessment.id) == before
        page.get_by_text("De versie van het werkboek", exact=True).click()
        wait_idle(page)
        page.get_by_role("button", name="Verschillen opslaan").click()
        expect(page.get_by_text("Het werkboek is verwerkt. Opgeslagen: 2 antwoorden, 1 veranderde actie.")
               ).to_be_visible(timeout=30_000)
        # the imported workbook is no longer in the uploader: the next one is chosen into an empty one
        # (the chip shortens a long name in the middle: "klantb...t-2026.xlsx")
        expect(page.get_by_test_id("stFileUploader")).not_to_contain_text("2026.xlsx")
        # a file over the limit gets the app's own message, in the user's language
        page.goto(f"{base}/resultaten?a={assessment.id}&lang=en")
        expander = page.get_by_text("Import a workbook", exact=True)
        expect(expander).to_be_visible(timeout=30_000)
        wait_idle(page)
        expander.click()
        choose_files(page, {"name": "groot.xlsx", "mimeType": "application/octet-stream",
                            "buffer": b"PK" + b"x" * (11 << 20)})
        page.get_by_role("button", name="Check the workbook").click(timeout=30_000)
        expect(page.get_by_text("The file is too large. It may be at most 10 MB.", exact=False)).to_be_visible(
            timeout=30_000)
        browser.close()
    after = service.get_answers(db, actor=ME, assessment_id=assessment.id)
    assert (after["d1-1"].value, after["d1-2"].value, after["d1-3"].value) == (5, 4, 3)
    assert after["d1-3"] == before["d1-3"]  # unchanged rows untouched
    assert plan.list_actions(db, actor=ME, assessment_id=assessment.id)[0].owner == "Team Klant"
