"""Text people type is shown as text everywhere: in a real browser, no element or link is ever made from it.

The hostile strings go into every place where user text meets markdown, HTML or a chart label: an
organisation's name (also in the "already exists" message), an answer's comment in the results drill-down,
a benchmark file's name in the list of peer sets, cell values quoted in an import problem, and plan action
titles in the timeline. After each page is drawn, the DOM is searched for what the strings would create.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from peers import service as peers
from plan import service as plan
from assessment import service
from browser_support import choose_files, fill_and_leave, running_app, wait_idle, wait_settled
from conftest import FIXTURES, ME
from questionnaires.loader import ENV_DIR, load_questionnaire

EVIL = "evil.example"
HOSTILE = [
    f"**vet** [klik](http://{EVIL}) www.{EVIL} https://{EVIL}/pad post@{EVIL}",
    f'<b>vet</b> <a href="http://{EVIL}">a</a> <img src=x onerror="window.hacked=1">',
    "Kop\n===",
    f'=HYPERLINK("http://{EVIL}","klik")',
]
# what the strings would create if they were read as markup
MADE_FROM_USER_TEXT = f"""() => {{
  const found = [];
  document.querySelectorAll('a[href]').forEach(a => {{ if (a.href.includes('{EVIL}')) found.push('link ' + a.href
    + ' in ' + (a.closest('[data-testid]') || {{}}).getAttribute?.('data-testid') + ': '
    + (a.closest('[data-testid]') || {{textContent: ''}}).textContent.slice(0, 120)); }});
  document.querySelectorAll('img').forEach(i => {{ if (i.hasAttribute('onerror')) found.push('img onerror'); }});
  document.querySelectorAll('b, strong').forEach(b => {{ if (b.textContent.trim() === 'vet') found.push('bold in '
    + (b.closest('[data-testid]') || {{}}).getAttribute?.('data-testid')); }});
  document.querySelectorAll('h1, h2').forEach(h => {{ if (h.textContent.trim() === 'Kop') found.push('heading'); }});
  if (window.hacked) found.push('script ran');
  return found;
}}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("hostile"), **{ENV_DIR: str(FIXTURES)}) as (base, db):
        yield base, db


def check(page, where: str, must_show: str) -> None:
    wait_idle(page)
    wait_settled(page)
    shown = page.inner_text("body").replace("\u2060", "")  # the invisible word joiner that keeps it text
    assert must_show in shown, where
    assert page.evaluate(MADE_FROM_USER_TEXT) == [], where


def test_user_text_never_becomes_markup_in_the_browser(app, browser, tmp_path):
    base, db = app
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    organisation = service.create_organisation(db, actor=ME, name=HOSTILE[0][:200], org_type="gemeente",
                                               size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                           questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=2)
    for question_id, text in zip(("d1-1", "d1-2", "d1-3", "d1-4"), HOSTILE):
        service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id=question_id, comment=text)
    plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[
        dict(dimension_id="d1", title=title.replace("\n", " ")[:200], start_date=date(2026, 1, 1),
             due_date=date(2026, 6, 30)) for title in HOSTILE])
    peers.store_peer_set(db, actor=ME, organisation_id=organisation.id, name=HOSTILE[1], source="import",
                         questionnaire=mini, records=[dict(organisation_key="k1", org_type="gemeente",
                                                           size_class="inw-lt-20k", year=2026, answers={})])
    page = browser.new_page(viewport={"width": 1366, "height": 1600})

    # the organisation's name on the start page, and in the "already exists" message
    page.goto(f"{base}/?org={organisation.id}&lang=nl")
    expect(page.get_by_text("Nieuwe organisatie toevoegen")).to_be_visible(timeout=30_000)
    wait_idle(page)  # the first run is over: a click now is not lost in it
    page.get_by_text("Nieuwe organisatie toevoegen").click()
    name = page.locator("input[aria-label='Naam van de organisatie']:visible").first
    fill_and_leave(page, name, HOSTILE[0][:200])
    expect(name).to_have_value(HOSTILE[0][:200])
    wait_settled(page)  # the opened part stands still: the click lands on the button
    page.get_by_role("button", name="Organisatie toevoegen").click()
    expect(page.get_by_text("Er is al een organisatie met de naam").first).to_be_visible()
    check(page, "start page", f"www.{EVIL}")

    # the comments in the results drill-down
    page.goto(f"{base}/resultaten?a={assessment.id}&lang=nl")
    expect(page.get_by_role("heading", name="Resultaten", exact=True)).to_be_visible(timeout=30_000)
    page.get_by_text("Competentie een › Dimensie een").click()
    check(page, "results", f"post@{EVIL}")

    # the plan action titles in the timeline (plotly reads text as HTML) and in the table below it
    page.goto(f"{base}/verbeterplan?a={assessment.id}&lang=nl")
    expect(page.get_by_role("heading", name="Tijdlijn")).to_be_visible(timeout=30_000)
    check(page, "plan", "<b>vet</b>")

    # the benchmark file's name in the list of peer sets, and cell values quoted in an import problem
    page.goto(f"{base}/benchmark?a={assessment.id}&lang=nl")
    page.get_by_text("Gegevens van andere organisaties").click()
    check(page, "benchmark sources", "<b>vet</b>")
    bad = tmp_path / "peers.csv"
    bad.write_text("organisation,org_type,size_class,year,questionnaire_id,questionnaire_version,d1-1\n"
                   f'A,gemeente,inw-lt-20k,2026,mini,0.1,"{HOSTILE[0]}"\n', encoding="utf-8")
    choose_files(page, str(bad), page.get_by_test_id("stFileUploaderDropzoneInput"))
    page.get_by_role("button", name="Inlezen").click()
    expect(page.get_by_text("Het bestand is niet ingelezen.")).to_be_visible()
    check(page, "benchmark import problem", f"www.{EVIL}")
