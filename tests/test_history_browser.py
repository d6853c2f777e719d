"""Geschiedenis in a real browser (Debian's Chromium via Playwright): ties among the most improved questions named,
the overall line with numbers at its points, a target drawn at the scan it is checked against, the draft year and
a part-year KPI marked; in Dutch and English, without WCAG A/AA violations."""

from datetime import date

import pytest
from playwright.sync_api import expect

from assessment import service
from browser_support import axe_violations, running_app, wait_idle, wait_settled
from conftest import ME, ROOT
from questionnaires.loader import load_questionnaire

TIED = 8  # questions that rose by exactly two levels: five are listed, the other three named as a tie


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    from indicators.library import load_library
    from kpi import service as kpis

    zelfscan = load_questionnaire(ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml")
    library = load_library()
    year = date.today().year
    with running_app(tmp_path_factory.mktemp("history")) as (base, db):
        org = service.create_organisation(db, actor=ME, name="Gemeente Gelijkspel", org_type="gemeente",
                                          size_class="inw-lt-20k")
        scans = []
        for period, final in ((str(year - 2), True), (str(year - 1), True), (str(year), False)):
            assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=period,
                                                   questionnaire=zelfscan)
            for i, question in enumerate(zelfscan.questions()):
                level = 4 if period != str(year - 2) and i < TIED else 2
                service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=level)
            if final:
                service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
            scans.append(assessment)
        [complaints] = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                             kpi_ids=["aantal-klachten"])
        kpis.save_value(db, actor=ME, entry_id=complaints, library=library, period=str(year - 2), value=517)
        for quarter in ("Q1", "Q2", "Q3"):  # last year measured over three quarters only
            kpis.save_value(db, actor=ME, entry_id=complaints, library=library, period=f"{year - 1}-{quarter}",
                            value=130)
        yield base, scans, year, zelfscan


@pytest.mark.parametrize("language", ["nl", "en"])
def test_history_names_ties_marks_the_draft_and_part_years_and_draws_targets_where_checked(
        history, browser, language, tmp_path):
    base, scans, year, zelfscan = history
    words = {
        "nl": dict(heading="Twee scans vergelijken", tie="en 3 andere vragen met +2", draft=f"{year} (concept)",
                   part="390 (deel van de periode: 9 van 12 maanden)", overall="Totaalscore",
                   table="De cijfers van de grafiek", next="volgende scan", target="Ambitie",
                   rule="Het verschil is berekend met de afgeronde cijfers"),
        "en": dict(heading="Compare two assessments", tie="and 3 other questions with +2", draft=f"{year} (draft)",
                   part="390 (part of the period: 9 of 12 months)", overall="Overall score",
                   table="The figures of the chart", next="next assessment", target="Target",
                   rule="The change is computed from the rounded figures"),
    }[language]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/geschiedenis?a={scans[-1].id}&lang={language}")
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible(timeout=30_000)
    wait_settled(page)

    # the tie with the fifth most improved question is named, and opens to the three questions
    tie = page.get_by_text(words["tie"], exact=True)
    expect(tie).to_be_visible()
    # the part year is marked in the KPI table, so 517 -> 390 is not read as a fall
    expect(page.get_by_text(words["part"], exact=True)).to_be_visible()
    expect(page.get_by_text(words["rule"], exact=False)).to_be_visible()
    # the trend: an overall line with the number at each point, the draft year marked on the axis
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".legendtext", has_text=words["overall"])).to_be_visible()
    expect(chart.locator(".xtick text", has_text=words["draft"])).to_be_visible()
    points = chart.locator(".textpoint text")
    expect(points.first).to_be_visible()
    overall_2 = "2,0" if language == "nl" else "2.0"
    assert overall_2 in points.all_text_contents()  # the first scan's overall: every answer 2

    # choose a dimension: its target is drawn at the next scan (the latest one's at "next scan")
    dimension = zelfscan.dimensions()[0].title.get(language)
    page.get_by_test_id("stMultiSelect").first.click()
    page.get_by_role("option", name=dimension).click()
    wait_idle(page)
    page.keyboard.press("Escape")
    expect(chart.locator(".xtick text", has_text=words["next"])).to_be_visible()
    page.get_by_text(words["table"], exact=True).click()
    # the trend's figures, in their expander (the list of scans above is a table too)
    table = page.get_by_test_id("stExpander").filter(has_text=words["table"]).locator(
        "[data-testid='stTable'] table").first
    expect(table).to_be_visible()
    headers = table.locator("thead th").all_text_contents()
    target_column = next(i for i, h in enumerate(headers) if h.startswith(words["target"]))
    rows = {r.locator("th").first.text_content(): r.locator("th, td").all_text_contents()
            for r in table.locator("tbody tr").all()}
    assert list(rows) == [str(year - 2), str(year - 1), words["draft"], words["next"]]
    # the first scan's target (stage 2 + 1) stands at the second scan; nothing is checked at the first
    assert rows[str(year - 2)][target_column] == "–"
    assert rows[str(year - 1)][target_column] == ("3,0" if language == "nl" else "3.0")
    assert rows[words["draft"]][headers.index(words["overall"])] not in ("", "–")

    wait_settled(page)
    chart.screenshot(path=str(tmp_path / f"geschiedenis-trend-{language}.png"))
    tie.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"geschiedenis-{language}.png"))
    found = axe_violations(page)
    assert found == [], "\n".join(found)
    page.close()
