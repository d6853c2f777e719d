"""The first hour of a new user, in a real browser, from an empty database, by clicking and typing only.

A feedback manager adds the organisation, starts a scan (on the newest version of the questionnaire), answers
every part with "Volgende" (each part opens at its first question) and then the legal minimum, reloads half
way, reads the results, sets a target, builds the plan, downloads the workbook, finalises, starts next year's
scan from this one and reads the history.
On every page axe-core checks WCAG 2.0/2.1 A and AA.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from plan import service as plan
from assessment import service
from browser_support import (POLL, axe_violations, eventually, fill_and_leave, unresolved_contrast, running_app,
                             wait_idle, wait_settled)
from conftest import ROOT, ME
from questionnaires.loader import load_questionnaire

ZELFSCAN = load_questionnaire(ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.1.yaml")
QUESTIONS = len(ZELFSCAN.questions())  # 53
LEGAL = len(ZELFSCAN.legal_items())  # 10
LEVEL_CHOICES = [3, 4, 2, 3, 5, "weetniet", 3, "nvt"]  # cycled over the questions: a realistic mix
OPTION_INDEX = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, "nvt": 5, "weetniet": 6}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # the shipped questionnaire, and the app started as the README says (a new interpreter)
    with running_app(tmp_path_factory.mktemp("first_hour"), new_interpreter=True) as (base, db):
        yield base, db



def no_violations(page, where: str) -> None:
    wait_settled(page)  # nothing of the run before is still fading in (lower contrast for a moment)
    found = axe_violations(page)
    assert found == [], f"{where}: " + "\n".join(found)


def open_page(page, name: str) -> None:
    """Go to another page with the sidebar, as a user does."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    wait_idle(page)


PART_HEADING = "document.querySelector('.st-key-onderdeel h2')"  # the part's heading (no link anchor, no id)
PART_AT_TOP = (f"() => {{ const h = {PART_HEADING};"
               " const top = h && h.getBoundingClientRect().top; return top >= -5 && top <= 120; }")
FOCUS_IN_PART = f"document.activeElement === {PART_HEADING}"


def part_heading_top(page) -> float:
    return page.evaluate(f"{PART_HEADING}.getBoundingClientRect().top")


def choose(page, label: str, option) -> None:
    """Choose an option of a select box, as a mouse user does: scroll it into view, open the list, click the
    option. A click that must scroll the page first opens the list, and the scroll that follows closes it again
    (seen in the browser: open, click, scroll, closed; then the test waited 10 s for a list that stayed shut), so
    the box is first left to stop moving (an expander opening above it), then scrolled to, and the scroll's
    events are let through (two animation frames). The first click on a select box that does not have the focus
    yet may only give it the focus: then click again."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_role("combobox", name=label)).first
    field, combobox = box.locator("[role=group]"), box.get_by_role("combobox")
    wait_settled(page)  # an expander that was just opened has finished opening: the box no longer moves
    field.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    for _ in range(3):
        field.click()
        try:
            expect(combobox).to_have_attribute("aria-expanded", "true", timeout=10_000)
            break
        except AssertionError:
            continue
    page.get_by_role("option", name=option).click()


def questions(page):
    """The answer choices of the questions on screen, one radio group per question."""
    return page.get_by_test_id("stRadioGroup")


def answer_part(page, first_number: int) -> int:
    """Answer every question of the part on screen; returns the number of the next question."""
    groups = questions(page)
    count = groups.count()
    assert count >= 1
    for i in range(count):
        choice = LEVEL_CHOICES[(first_number + i) % len(LEVEL_CHOICES)]
        option = groups.nth(i).get_by_test_id("stRadioOption").nth(OPTION_INDEX[choice])
        option.click()
        wait_idle(page)
        expect(groups.nth(i).locator("input[type=radio]").nth(OPTION_INDEX[choice])).to_be_checked()
    return first_number + count


def test_the_first_hour_of_a_new_user(app, browser, tmp_path):
    base, db = app
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()

    # 1. an empty database: add the organisation, then start the first scan at once
    page.goto(f"{base}/start")  # /start answers as well as /
    expect(page.get_by_role("heading", name="1. Uw organisatie")).to_be_visible(timeout=30_000)
    no_violations(page, "start, empty")
    fill_and_leave(page, page.get_by_label("Naam van de organisatie"), "Gemeente Eerste Uur")
    page.get_by_role("button", name="Organisatie toevoegen").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="2. Scans van Gemeente Eerste Uur")).to_be_visible()
    # the new organisation's scan form is in view, the focus on its heading (not left at the top of the page)
    page.wait_for_function("document.activeElement === document.querySelector('.st-key-scans h2')",
                           timeout=30_000, polling=POLL)
    expect(page.get_by_role("button", name="Scan starten")).to_be_in_viewport()
    page.get_by_role("button", name="Scan starten").click()
    expect(page.get_by_role("heading", name="Vragenlijst", exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    # the questionnaire opens at its top, the focus on its title
    page.wait_for_function("document.activeElement === document.querySelector('.st-key-page-top h1')",
                           timeout=30_000, polling=POLL)
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop") < 100
    assessments = service.list_assessments(db, actor=ME, organisation_id=service.list_organisations(db, actor=ME)[0].id)
    assert [a.period for a in assessments] == ["2026"]
    assessment_id = assessments[0].id
    assert f"a={assessment_id}" in page.url
    no_violations(page, "vragenlijst")

    # 2. every part with "Volgende"; each part opens at its top; a reload half way loses nothing
    dimensions = ZELFSCAN.dimensions()
    number = 0
    for index, dimension in enumerate(dimensions):
        expect(page.get_by_role("heading", name=dimension.title.get("nl"), exact=True)).to_be_visible()
        assert f"dim={dimension.id}" in page.url
        if index > 0:
            # the part's heading is at the top of the window and its first question can be seen
            try:
                page.wait_for_function(PART_AT_TOP, timeout=30_000, polling=POLL)
            except Exception:
                pytest.fail(f"{dimension.id} did not open at its top: heading at {part_heading_top(page)} px")
            assert page.evaluate(FOCUS_IN_PART)  # the focus moved there too
            expect(questions(page).first).to_be_in_viewport()
        number = answer_part(page, number)
        if index == len(dimensions) // 2:
            page.reload()
            expect(page.get_by_role("heading", name=dimension.title.get("nl"), exact=True)).to_be_visible(
                timeout=30_000)
            wait_idle(page)
            groups = questions(page)
            for i in range(groups.count()):
                expect(groups.nth(i).locator("input[type=radio]:checked")).to_have_count(1)
        page.get_by_role("button", name="Volgende").click()
        wait_idle(page)
    # the last part: the legal minimum, ja / nee / weet niet, apart from the scores
    expect(page.get_by_role("heading", name=ZELFSCAN.legal_minimum.title.nl, exact=True)).to_be_visible()
    assert "dim=wettelijk-minimum" in page.url
    groups = questions(page)
    expect(groups).to_have_count(LEGAL)
    for i in range(LEGAL):
        groups.nth(i).get_by_test_id("stRadioOption").nth(1 if i == 3 else 0).click()  # 9:7 "nee", the rest "ja"
        wait_idle(page)

    def all_stored():  # the last choice is sent as the page runs again
        stored = service.get_answers(db, actor=ME, assessment_id=assessment_id)
        legal = service.get_legal_answers(db, actor=ME, assessment_id=assessment_id)
        return (stored, legal) if len(stored) == QUESTIONS and len(legal) == LEGAL else None
    stored, legal = eventually(all_stored)
    assert all(a.value is not None for a in stored.values())
    assert legal["awb-9-7"].value == "nee" and sum(a.value == "ja" for a in legal.values()) == LEGAL - 1

    # 3. the last part ends with a clear way to the results
    page.get_by_role("button", name="Klaar — naar de resultaten").click()
    expect(page.get_by_role("heading", name="Resultaten", exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text("Totaalscore").first).to_be_visible()
    expect(page.get_by_text("9 van 10 wettelijke eisen: ja · 1 nee: 9:7", exact=False)).to_be_visible()
    no_violations(page, "resultaten")
    assert unresolved_contrast(page) == []

    # 4. a target for the first part, in its drill-down
    first = dimensions[0]
    page.get_by_text(re.compile(r"^Ontvankelijk › " + re.escape(first.title.get("nl")))).click()
    choose(page, "Ambitie (gewenst niveau)", re.compile(r"^5 · "))
    wait_idle(page)
    expect(page.get_by_text("Ambitie opgeslagen")).to_be_visible()
    assert service.get_targets(db, actor=ME, assessment_id=assessment_id) == {first.id: 5}

    # 5. the plan: from the results page on, take the suggestions
    page.get_by_role("button", name="Naar het verbeterplan").click()
    expect(page.get_by_role("heading", name="Verbeterplan", exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    suggestions = page.get_by_test_id("stCheckbox")
    expect(suggestions.nth(1)).to_be_visible()
    expect(suggestions.first).to_contain_text("Wettelijke eis 9:7")  # the law first
    for i in (0, 1):  # each tick is a run of its own
        suggestions.nth(i).locator("label").click()
        wait_idle(page)
    page.get_by_role("button", name="Gekozen acties toevoegen aan het plan").click()
    wait_idle(page)
    actions = eventually(lambda: plan.list_actions(db, actor=ME, assessment_id=assessment_id))
    assert len(actions) == 2 and all(a.library_action_id for a in actions)
    assert actions[0].library_action_id == ZELFSCAN.legal_item("awb-9-7").action.id
    no_violations(page, "verbeterplan")

    # 6. the workbook from the results page
    open_page(page, "Resultaten")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Excel-werkboek downloaden").click()
    path = tmp_path / "werkboek.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book["Samenvatting"]["B3"].value == "Gemeente Eerste Uur"
    assert book["Verbeterplan"]["A2"].value == actions[0].title

    # 7. finalise
    page.get_by_role("button", name="Scan definitief maken").click()
    wait_idle(page)
    page.get_by_role("button", name="Ja, maak definitief").click()
    wait_idle(page)
    expect(page.get_by_text("Deze scan is definitief sinds")).to_be_visible()
    assert service.get_assessment(db, assessment_id, actor=ME).is_final

    # 8. next year's scan from this one: the final scan is the default source
    open_page(page, "Start")
    expect(page.get_by_role("button", name="Resultaten bekijken")).to_be_visible()
    page.get_by_text("Nieuwe scan starten").click()
    expect(page.get_by_label("Jaar of periode")).to_have_value("2027")
    source = page.get_by_role("radiogroup", name="Waarmee begint de nieuwe scan?")
    expect(source.get_by_role("radio", name=f"De antwoorden van 2026 (definitief, {QUESTIONS} antwoorden)")
           ).to_be_checked()
    no_violations(page, "start, with scans")
    page.get_by_role("button", name="Scan starten").click()
    expect(page.get_by_role("heading", name="Vragenlijst", exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text(f"{QUESTIONS + LEGAL} antwoorden zijn overgenomen van 2026")).to_be_visible()
    expect(page.get_by_text(f"0 van {QUESTIONS} vragen klaar · {QUESTIONS} overgenomen om te controleren")
           ).to_be_visible()
    page.get_by_role("button", name="Alles in dit onderdeel klopt nog").click()
    wait_idle(page)
    checked = len(first.questions)
    expect(page.get_by_text(f"{checked} van {QUESTIONS} vragen klaar · {QUESTIONS - checked} overgenomen om te "
                            "controleren")).to_be_visible()
    later = [a for a in service.list_assessments(db, actor=ME, organisation_id=assessments[0].organisation_id)
             if a.period == "2027"][0]
    answers = service.get_answers(db, actor=ME, assessment_id=later.id)
    assert sum(1 for a in answers.values() if a.carried_from) == QUESTIONS - checked
    # the legal minimum is copied too, to check again
    assert all(a.carried_from == "2026" for a in service.get_legal_answers(db, actor=ME, assessment_id=later.id).values())

    # 9. the history: the summary says the later scan is a draft with copied answers nobody checked
    open_page(page, "Geschiedenis")
    expect(page.get_by_text("In het kort: 2026 en 2027")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(f"Let op: 2027 is nog een concept, en {QUESTIONS - checked} antwoorden zijn overgenomen")
           .first).to_be_visible()
    no_violations(page, "geschiedenis")
    context.close()
