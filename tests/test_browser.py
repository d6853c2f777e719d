"""End-to-end in a real browser (Debian's Chromium driven by Playwright) against `streamlit run app.py`.

What only a browser shows: an answer clicked on the page survives a reload of the page.
"""

import pytest
from playwright.sync_api import expect

from assessment import service
from browser_support import (POLL, axe_violations, fill_and_leave, from_another_computer, navigate, running_app,
                             wait_idle, wait_settled)
from conftest import FIXTURES, ME
from questionnaires.loader import ENV_DIR, load_questionnaire


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("browser"), **{ENV_DIR: str(FIXTURES)}) as (base, db):
        yield base, db



def test_answer_survives_a_page_reload(server, browser):
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Browser", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/vragenlijst?a={assessment.id}&lang=nl")
    option = page.locator("label").filter(has_text="d1-1 niveau 4")
    expect(option).to_be_visible(timeout=30_000)
    option.click()
    expect(page.get_by_text("Opgeslagen", exact=True).first).to_be_visible()
    comment = page.get_by_label("Toelichting of bewijs (niet verplicht)").first
    wait_idle(page)
    comment.fill("Zie het klachtenjaarverslag")
    comment.press("Control+Enter")
    wait_idle(page)  # the run the comment asked for has ended: "Alles is opgeslagen" was there before it
    expect(page.get_by_text("Alles is opgeslagen", exact=False)).to_be_visible()

    page.reload()
    option = page.locator("label").filter(has_text="d1-1 niveau 4")
    expect(option).to_be_visible(timeout=30_000)
    expect(option.locator("input[type=radio]")).to_be_checked()
    expect(page.get_by_label("Toelichting of bewijs (niet verplicht)").first).to_have_value(
        "Zie het klachtenjaarverslag")
    # and the database has it, so another device sees the same
    stored = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert stored.value == 4 and stored.comment == "Zie het klachtenjaarverslag"
    page.close()


def test_the_workbook_downloads_from_the_results_page(server, browser, tmp_path):
    from openpyxl import load_workbook
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Waterschap Download", org_type="waterschap", size_class="fte-lt-250")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
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


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  const group = e.closest('[role=radiogroup]');
  return {tag: e.tagName, type: e.type || '', text: (e.innerText || e.textContent || '').trim().slice(0, 60),
          id: e.id, group: group ? group.getAttribute('aria-label') || '' : '',
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
          shadow: s.boxShadow !== 'none',
          // for a failure: how many fields could not take the focus then, and the app's connection status
          disabled: document.querySelectorAll('input:disabled, textarea:disabled, button:disabled').length,
          status: document.querySelector('[data-testid=stStatusWidget]')?.innerText || ''}; }"""


def tab_to(page, wanted, limit: int = 80) -> dict:
    """Press Tab until the focused element is what `wanted(focused)` says; returns that element's facts, with
    the stops on the way (`trail`: tag, type, group, disabled fields, status), for a failure to name."""
    trail = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        trail.append(f"{focused['tag']}/{focused['type']}/{focused['group'][:20]}/{focused['disabled']}"
                     f"/{focused['status'][:20]}")
        if wanted(focused):
            return dict(focused, trail=trail)
    raise AssertionError(f"not reachable with the keyboard; last focus: {focused}; trail: {trail}")


def test_a_keyboard_user_answers_and_goes_to_the_next_part(server, browser):
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Toetsenbord", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/vragenlijst?a={assessment.id}&lang=nl")
    expect(page.get_by_role("heading", name="Dimensie een")).to_be_visible(timeout=30_000)
    wait_settled(page)  # the whole part drawn, nothing of a run before on the page, before the first key
    first = tab_to(page, lambda f: f["type"] == "radio")  # into the first question's choices
    # a stress run once answered d1-4 here (focus had passed the first three questions): name where it landed
    assert "d1-1" in first["group"], f"the first Tab stop among the choices is not question d1-1: {first}"
    page.keyboard.press("ArrowDown")  # arrow keys choose within the group: level 2
    expect(page.get_by_text("Opgeslagen op", exact=False).first).to_be_visible()
    wait_idle(page)
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].value == 2
    button = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].endswith("Volgende"))
    assert button["outline"] or button["shadow"], "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dimensie twee")).to_be_visible()
    page.wait_for_function("document.activeElement === document.querySelector('.st-key-onderdeel h2')",
                           timeout=30_000, polling=POLL)
    page.screenshot(path=str(FIXTURES.parent.parent / "test-artifacts" / "keyboard-next-part.png"))
    # from the heading of the new part, the next Tab reaches its first question
    assert tab_to(page, lambda f: f["type"] == "radio", limit=10)
    page.close()


def test_the_other_pages_have_no_wcag_violations(server, browser):
    """axe-core (WCAG 2.0/2.1 A and AA) on the pages the first-hour walk does not reach, with real data."""
    from peers import service as peers
    from workshops import service as workshop
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Toegankelijk", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    for number, question in enumerate(mini.questions()):
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=number % 5 + 1)
    peers.load_demo_set(db, actor=ME, organisation_id=org.id, questionnaire=mini)
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2"])
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    _, seat = workshop.join(db, code=started.join_code, role="frontoffice")
    workshop.cast_vote(db, participant_token=seat, question_id="d1-1", value="3")
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    pages = {
        "benchmark": f"benchmark?a={assessment.id}",
        "workshop": f"workshop?a={assessment.id}&w={started.id}&ft={token}",
        "stemmen": f"stemmen?seat={seat}", "scherm": f"scherm?screen={started.projector_token}", "over": "over",
    }
    page = browser.new_page(viewport={"width": 1366, "height": 900})  # one tab, as a person clicks through
    page.goto(f"{base}/?lang=nl")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] :is(h1, h2, h3)", timeout=30_000)
    for language in ("nl", "en"):
        for name, path in pages.items():
            navigate(page, f"{base}/{path}&lang={language}" if "?" in path else f"{base}/{path}?lang={language}")
            assert page.evaluate("document.documentElement.lang") == language
            assert axe_violations(page) == [], f"{name} ({language})"
    page.close()


def test_without_sign_in_another_computer_reaches_only_a_seat_and_a_screen(server, browser):
    """Local mode: a browser that is not on this computer (here: arriving through a proxy on this computer
    that says so, as a reverse proxy does) sees no organisation, no scan and no navigation."""
    from workshops import service as workshop
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Lokaal", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="Alleen lokaal")
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1"])
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
    with from_another_computer(base, "203.0.113.7") as elsewhere:
        remote = browser.new_context(viewport={"width": 390, "height": 844})
        phone = remote.new_page()
        for path in ("", "start", f"vragenlijst?a={assessment.id}", f"resultaten?a={assessment.id}", "beheer",
                     f"workshop?a={assessment.id}&w={started.id}&ft={token}"):
            phone.goto(f"{elsewhere}/{path}")
            expect(phone.get_by_text("Deze app draait zonder inloggen.")).to_be_visible(timeout=30_000)
            page_text = phone.inner_text("body")
            assert "Gemeente Lokaal" not in page_text and "Alleen lokaal" not in page_text, path
            assert phone.get_by_test_id("stSidebarNav").count() == 0
        phone.get_by_role("link", name="Naar stemmen met een code").click()
        fill_and_leave(phone, phone.get_by_label("Code van de workshop"), started.join_code)
        phone.get_by_text("Backoffice", exact=True).click()
        phone.get_by_role("button", name="Meedoen").click()
        expect(phone.get_by_text("d1-1 niveau 3", exact=False)).to_be_visible(timeout=30_000)
        phone.goto(f"{elsewhere}/scherm?screen={started.projector_token}&lang=nl")
        expect(phone.get_by_text("0 van 1 aanwezigen gestemd").first).to_be_visible(timeout=30_000)
        expect(phone.get_by_text(started.join_code, exact=True)).to_be_visible()
        remote.close()
    # the same pages on this computer itself: everything
    here = browser.new_page(viewport={"width": 1366, "height": 900})
    here.goto(f"{base}/resultaten?a={assessment.id}&lang=nl")
    expect(here.get_by_text("Gemeente Lokaal").first).to_be_visible(timeout=30_000)
    here.close()


def test_a_kpi_value_is_entered_by_clicking_and_typing_and_the_kpi_page_passes_axe(server, browser):
    """The KPI page in a real browser: choose the KPI, type the period, numerator and denominator, save; the
    figure is computed and stored; a numerator above its denominator is refused in words. axe finds no WCAG
    A/AA violation on the page, with its charts, in Dutch and English."""
    from datetime import date

    from kpi import service as kpis
    from indicators.library import load_library
    from test_first_hour import choose

    base, db = server
    library = load_library()
    org = service.create_organisation(db, actor=ME, name="Gemeente Meten", org_type="gemeente",
                                      size_class="inw-lt-20k")
    count, heard = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                         kpi_ids=["aantal-klachten", "klagers-gehoord"])
    year = date.today().year
    kpis.save_value(db, actor=ME, entry_id=heard, library=library, period=str(year - 1), numerator=35,
                    denominator=100)
    kpis.save_value(db, actor=ME, entry_id=count, library=library, period=str(year - 1), value=210)
    kpis.set_target(db, actor=ME, entry_id=heard, library=library, target=60)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/kpi?org={org.id}&lang=nl")
    expect(page.get_by_role("heading", name="Een meting invullen")).to_be_visible(timeout=30_000)
    wait_idle(page)
    choose(page, "KPI", "Aantal klachten")  # first another KPI: the fields change with the KPI
    wait_idle(page)
    expect(page.get_by_label("Waarde (aantal)")).to_be_visible()
    choose(page, "KPI", "Klagers die zich gehoord voelen")
    wait_idle(page)
    page.get_by_label("Periode", exact=True).fill(f"{year}-Q1")
    page.get_by_label("Periode", exact=True).press("Tab")
    wait_idle(page)
    for label, number in (("Teller", "70"), ("Noemer", "50")):
        field = page.get_by_label(label, exact=True)
        field.click()
        field.type(number)
        field.press("Tab")
        wait_idle(page)
    page.get_by_role("button", name="Meting bewaren").click()
    wait_idle(page)
    expect(page.get_by_text(f"Klagers die zich gehoord voelen, {year}-Q1: de teller (70) is groter dan de noemer "
                            "(50).", exact=False)).to_be_visible()
    assert [v.period.code for v in kpis.get_register(db, actor=ME, organisation_id=org.id,
                                                     library=library).values[heard]] == [str(year - 1)]
    numerator = page.get_by_label("Teller", exact=True)
    numerator.fill("")
    numerator.type("30")
    numerator.press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Meting bewaren").click()
    wait_idle(page)
    expect(page.get_by_text(f"Bewaard: Klagers die zich gehoord voelen, {year}-Q1: 60% van 50 klagers.")).to_be_visible()
    stored = kpis.get_register(db, actor=ME, organisation_id=org.id, library=library).values[heard]
    assert [(v.period.code, v.numerator, v.denominator, v.source) for v in stored] == [
        (str(year - 1), 35, 100, "app"), (f"{year}-Q1", 30, 50, "app")]
    expect(page.get_by_text(f"Laatste meting ({year}-Q1): 60%", exact=False)).to_be_visible()
    wait_settled(page)
    found = axe_violations(page)
    assert found == [], "kpi (nl): " + "\n".join(found)
    page.close()

    english = browser.new_page(viewport={"width": 1366, "height": 900})
    english.goto(f"{base}/kpi?org={org.id}&lang=en")
    expect(english.get_by_role("heading", name="Enter a value")).to_be_visible(timeout=30_000)
    wait_settled(english)
    found = axe_violations(english)
    assert found == [], "kpi (en): " + "\n".join(found)
    english.close()


def test_the_kpi_picture_on_results_history_and_plan_passes_axe(browser, tmp_path):
    """With the shipped questionnaire (whose competencies the KPIs belong to): the KPI lines on Resultaten, the
    KPI tables on Geschiedenis and the effect of an action on Verbeterplan have no WCAG A/AA violations."""
    from datetime import date

    from plan import service as plan
    from kpi import service as kpis
    from indicators.library import load_library
    from conftest import ROOT

    zelfscan = load_questionnaire(ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml")
    library = load_library()
    year = date.today().year
    with running_app(tmp_path) as (base, db):
        org = service.create_organisation(db, actor=ME, name="Gemeente Samen Meten", org_type="gemeente",
                                          size_class="inw-lt-20k")
        heard, count = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                             kpi_ids=["klagers-gehoord", "aantal-klachten"])
        kpis.set_target(db, actor=ME, entry_id=heard, library=library, target=60)
        scans = []
        for period, level in ((str(year - 1), 2), (str(year), 3)):
            assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=period,
                                                   questionnaire=zelfscan)
            for question in zelfscan.questions():
                service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=level)
            kpis.save_value(db, actor=ME, entry_id=heard, library=library, period=f"{period}-Q1", numerator=30 + level,
                            denominator=60)
            kpis.save_value(db, actor=ME, entry_id=count, library=library, period=f"{period}-Q1", value=50 + level)
            scans.append(assessment)
        plan.add_actions(db, actor=ME, assessment_id=scans[-1].id, questionnaire=zelfscan, actions=[
            dict(dimension_id="kg-terugkoppeling", title="Terugbellen", start_date=date(year - 1, 6, 1),
                 kpi_entry_id=heard)])
        page = browser.new_page(viewport={"width": 1366, "height": 900})  # one tab, as a person clicks through
        page.goto(f"{base}/?lang=nl")
        page.wait_for_selector("[data-testid='stMainBlockContainer'] :is(h1, h2, h3)", timeout=30_000)
        for language, path, heading in (("nl", f"resultaten?a={scans[-1].id}", "Scores en KPI's per vaardigheid"),
                                        ("en", f"resultaten?a={scans[-1].id}", "Scores and KPIs per competency"),
                                        ("nl", f"geschiedenis?a={scans[-1].id}", "KPI's naast de scores"),
                                        ("nl", f"verbeterplan?a={scans[-1].id}", "Effect op de KPI's")):
            navigate(page, f"{base}/{path}&lang={language}")
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
            if path.startswith("resultaten") and language == "nl":
                expect(page.get_by_text("van de klagers voelt zich gehoord", exact=False)).to_be_visible()
            found = axe_violations(page)
            assert found == [], f"{path} ({language}): " + "\n".join(found)
        page.close()


def test_the_axe_check_sees_the_page_as_it_is_now(server, browser):
    """`axe_violations` puts axe-core into a page once per document: a second check of the same document, and a
    check of a new document, each see what is on the page at that moment."""
    base, _ = server
    page = browser.new_page()
    page.goto(f"{base}/?lang=nl")
    wait_idle(page)
    add_image = ("document.querySelector('[data-testid=stMain]')"
                 ".appendChild(document.createElement('img')).src = 'x.png'")
    page.evaluate(add_image)  # an image without a text alternative
    assert [v for v in axe_violations(page) if v.startswith("image-alt")]
    page.evaluate("document.querySelector('[data-testid=stMain] > img').alt = 'Logo van de gemeente'")
    assert page.evaluate("typeof window.axe") == "object"  # the second check uses the axe-core already there
    assert not [v for v in axe_violations(page) if v.startswith("image-alt")]
    page.reload()  # a new document: axe-core is put in again
    wait_idle(page)
    assert page.evaluate("typeof window.axe") == "undefined"
    page.evaluate(add_image)
    assert [v for v in axe_violations(page) if v.startswith("image-alt")]
    page.context.close()
