"""The legal floor and zelfscan 1.1 in a real browser (Debian's Chromium), from an empty database.

1. The issue's scenario: the question of 9:7 at level 1, every other question at 5, and requirement 9:7 answered
   "nee" on the questionnaire page: Resultaten shows the breach first, beside the stage; the workbook downloaded
   from the page says it in its first lines; the plan puts the fix for 9:7 first. The Gouden Oor view is on
   Resultaten in Dutch and English.
2. A 1.0 scan (made through the service) continued into 1.1 on the Start page: the comparable answers are
   copied, the split and new questions are listed as open, and Geschiedenis compares 1.0 with 1.1 with its
   comparability percentage.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment import service
from plan import service as plan
from browser_support import axe_violations, eventually, running_app, wait_idle, wait_settled
from conftest import ME, ROOT
from questionnaires.loader import load_questionnaire
from scoring.comparison import match_questions

DEFINITIONS = ROOT / "questionnaires" / "definitions"
V10 = load_questionnaire(DEFINITIONS / "klantbewustzijn-zelfscan-1.0.yaml")
V11 = load_questionnaire(DEFINITIONS / "klantbewustzijn-zelfscan-1.1.yaml")
ITEM = V11.legal_item("awb-9-7")
WEAK = ITEM.questions[0]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("legal")) as (base, db):  # the shipped questionnaires
        yield base, db


def no_violations(page, where: str) -> None:
    wait_settled(page)
    found = axe_violations(page)
    assert found == [], f"{where}: " + "\n".join(found)


def test_a_breach_of_the_law_is_shown_first_and_fixed_first(app, browser, tmp_path):
    base, db = app
    org = service.create_organisation(db, actor=ME, name="Gemeente Awb", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=V11)
    for question in V11.questions():
        if question.id != WEAK:
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=5)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()

    # the weak question at level 1, on its own part
    dimension = V11.dimension_of(WEAK)
    page.goto(f"{base}/vragenlijst?a={assessment.id}&dim={dimension.id}")
    expect(page.get_by_role("heading", name=dimension.title.nl, exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text(V11.instruction.nl.strip())).to_be_visible()  # the cumulative rule, with the levels
    group = page.get_by_role("radiogroup", name=re.compile(re.escape(V11.question(WEAK).text.nl)))
    group.get_by_test_id("stRadioOption").first.click()
    wait_idle(page)

    # the legal minimum: the last part; 9:7 "nee"
    page.goto(f"{base}/vragenlijst?a={assessment.id}&dim=wettelijk-minimum")
    expect(page.get_by_role("heading", name=V11.legal_minimum.title.nl, exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    legal = page.get_by_role("radiogroup", name=re.compile(re.escape(ITEM.text.nl)))
    legal.get_by_text("Nee", exact=True).click()
    wait_idle(page)
    no_violations(page, "wettelijk minimum")
    eventually(lambda: service.get_legal_answers(db, actor=ME, assessment_id=assessment.id).get("awb-9-7"))
    assert service.get_legal_answers(db, actor=ME, assessment_id=assessment.id)["awb-9-7"].value == "nee"
    assert eventually(lambda: service.get_answers(db, actor=ME, assessment_id=assessment.id).get(WEAK)).value == 1

    # Resultaten: the law first, above the scores, and beside the stage of its competency
    page.goto(f"{base}/resultaten?a={assessment.id}")
    summary = page.get_by_text(f"0 van 10 wettelijke eisen: ja · 1 nee: 9:7 ({ITEM.short.nl})", exact=False)
    expect(summary).to_be_visible(timeout=30_000)
    wait_idle(page)
    overall = page.get_by_text("Totaalscore").first
    assert summary.bounding_box()["y"] < overall.bounding_box()["y"]
    competency = V11.competency_of(dimension.id)
    expect(page.get_by_text("maar wettelijke eis 9:7 niet gehaald").first).to_be_visible()
    card = page.get_by_test_id("stColumn").filter(
        has=page.get_by_test_id("stMetric").filter(has_text=competency.title.nl))
    expect(card.first).to_contain_text("maar wettelijke eis 9:7 niet gehaald")
    untouched = next(c for c in V11.competencies if c.id != competency.id and not any(
        V11.dimension_of(q).id in {d.id for d in c.dimensions} for q in ITEM.questions))
    expect(page.get_by_test_id("stColumn").filter(
        has=page.get_by_test_id("stMetric").filter(has_text=untouched.title.nl)).first).not_to_contain_text(
        "wettelijke eis")
    # the Gouden Oor view: a table and a radar of its own
    expect(page.get_by_text("De scan per gebied", exact=False)).to_be_visible()
    expect(page.get_by_text("Het is geen Gouden Oor-beoordeling", exact=False)).to_be_visible()
    no_violations(page, "resultaten")

    # the workbook from the page: the breach in the first lines of Samenvatting, before the scores
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Excel-werkboek downloaden").click()
    path = tmp_path / "raad.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)["Samenvatting"]
    cells = [str(c.value) for row in sheet.iter_rows(max_row=25) for c in row if c.value is not None]
    line = next(c for c in cells if c.startswith("0 van 10 wettelijke eisen: ja · 1 nee: 9:7"))
    assert cells.index(line) < cells.index("Totaalscore")

    # the plan: the fix for 9:7 first, then the weak question's own action
    page.goto(f"{base}/verbeterplan?a={assessment.id}")
    expect(page.get_by_text("Eerst de wet: 1 wettelijke eis is niet gehaald (9:7)", exact=False)).to_be_visible(
        timeout=30_000)
    wait_idle(page)
    suggestions = page.get_by_test_id("stCheckbox")
    expect(suggestions.first).to_contain_text("Wettelijke eis 9:7")
    expect(suggestions.nth(1)).to_contain_text(V11.question(WEAK).text.nl)
    for i in (0, 1):
        suggestions.nth(i).locator("label").click()
        wait_idle(page)
    page.get_by_role("button", name="Gekozen acties toevoegen aan het plan").click()
    actions = eventually(lambda: plan.list_actions(db, actor=ME, assessment_id=assessment.id) or None)
    assert actions[0].library_action_id == ITEM.action.id and actions[0].title == ITEM.action.title.nl
    assert actions[1].library_action_id in {a.id for a in V11.question(WEAK).actions}
    no_violations(page, "verbeterplan")

    # in English: the same, in the reader's language
    page.goto(f"{base}/resultaten?a={assessment.id}&lang=en")
    expect(page.get_by_text(f"0 of 10 legal requirements: yes · 1 no: 9:7 ({ITEM.short.en})", exact=False)
           ).to_be_visible(timeout=30_000)
    expect(page.get_by_text("The scan per area", exact=False)).to_be_visible()
    expect(page.get_by_text("but legal requirement 9:7 not met").first).to_be_visible()
    context.close()


def test_a_1_0_scan_continues_into_1_1_and_the_history_compares_them(app, browser):
    base, db = app
    org = service.create_organisation(db, actor=ME, name="Gemeente Versie", org_type="gemeente",
                                      size_class="inw-20-50k")
    old = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2025", questionnaire=V10)
    for question in V10.questions():
        service.save_answer(db, actor=ME, assessment_id=old.id, question_id=question.id, value=3)
    service.finalise_assessment(db, actor=ME, assessment_id=old.id, questionnaire=V10)
    matches = match_questions(V10, V11)
    copied = sum(1 for m in matches if m.comparable)
    open_now = [q for m in matches if not m.comparable for q in m.later_ids]

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/start?org={org.id}")
    expect(page.get_by_role("button", name="Resultaten bekijken")).to_be_visible(timeout=30_000)
    wait_idle(page)
    page.get_by_text("Nieuwe scan starten").click()
    expect(page.get_by_label("Jaar of periode")).to_have_value("2026")
    wait_settled(page)  # opening the part asks for no run (a run it did ask for would be waited for)
    expect(page.get_by_role("combobox", name="Vragenlijst")).to_have_value(re.compile("1.1"))
    source = page.get_by_role("radiogroup", name="Waarmee begint de nieuwe scan?")
    expect(source.get_by_role("radio", name=re.compile("^De antwoorden van 2025"))).to_be_checked()
    page.get_by_role("button", name="Scan starten").click()
    expect(page.get_by_role("heading", name="Vragenlijst", exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    new = next(a for a in service.list_assessments(db, actor=ME, organisation_id=org.id) if a.period == "2026")
    assert new.questionnaire_version == "1.1"
    answers = service.get_answers(db, actor=ME, assessment_id=new.id)
    assert len(answers) == copied == 26 and all(a.carried_from == "2025" for a in answers.values())
    # what could not be copied is listed as open
    listed = page.get_by_text(f"{len(open_now)} vragen zijn nieuw of gesplitst en staan nog open", exact=False)
    expect(listed).to_be_visible()
    listed.click()
    expect(page.get_by_text(V11.question(open_now[0]).text.nl, exact=False).first).to_be_visible()
    no_violations(page, "vragenlijst 1.1 na 1.0")

    # History: 1.0 against 1.1, with the comparability percentage
    page.goto(f"{base}/geschiedenis?a={new.id}")
    expect(page.get_by_text("In het kort: 2025 en 2026")).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"vergelijkbaar", re.I)).first).to_be_visible()
    no_violations(page, "geschiedenis 1.0 en 1.1")
    page.close()
