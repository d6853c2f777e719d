"""A workshop on a legal requirement, in a real browser, from an empty database: the facilitator chooses the group
"Wettelijk minimum", puts 9:7 on the screen and leads it from the projector's strip; three phones vote (two nee,
one ja; the third phone in English); the reveal shows bars of ja / nee / weet niet with the answer most people
gave, never a median; the facilitator records "nee", and Resultaten names the breach in its legal-minimum box.
Every wait is for something visible, with a generous timeout. Screenshots of the projector and a phone in Dutch
and English go to test-artifacts/."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text

from assessment import service
from questionnaires.loader import DEFAULT_DIR, load_questionnaire
from storage.models import WorkshopRow
from browser_support import navigate, running_app, wait_idle, wait_settled
from conftest import ME, ROOT
from test_first_hour import choose
from test_workshop_trust import check_projector

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 60_000  # ms: generous, for a shared machine
LEGAL_GROUP = "Wettelijk minimum klachtbehandeling (Awb hoofdstuk 9)"
ITEM_NL = "9:7 · Wordt elke klacht behandeld door iemand die zelf niet betrokken was bij wat er gebeurde?"
ITEM_EN = "9:7 · Is every complaint handled by someone who was not involved in what happened?"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # the shipped questionnaires (zelfscan 1.1 has the legal minimum)
    with running_app(tmp_path_factory.mktemp("legal-workshop"), address="0.0.0.0") as (base, db):
        yield base, db


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    wait_settled(page)
    page.screenshot(path=str(ARTIFACTS / f"legal-workshop-{name}.png"))


def test_a_workshop_agrees_on_a_legal_requirement_and_resultaten_names_the_breach(app, browser):
    base, db = app
    port = int(base.rsplit(":", 1)[1])
    with db.read() as session:  # an empty database
        assert session.execute(text("SELECT COUNT(*) FROM organisations")).scalar() == 0
    v11 = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Awb", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)

    # the facilitator chooses the legal minimum as a group
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    facilitator.goto(f"{base}/workshop?a={assessment.id}&lang=nl")
    facilitator.get_by_text("Gekozen onderdelen", exact=True).click(timeout=SLOW)
    box = facilitator.get_by_test_id("stMultiSelect").filter(has=facilitator.get_by_role("combobox",
                                                                                          name="Onderdelen"))
    expect(box).to_be_visible(timeout=SLOW)
    for _ in range(3):  # the first click may only give the field the focus
        box.locator("[role=group]").click()
        try:
            expect(box.get_by_role("combobox")).to_be_focused(timeout=10_000)
            break
        except AssertionError:
            continue
    box.get_by_role("combobox").press_sequentially("Wettelijk")  # the list is long: typing narrows it
    facilitator.get_by_role("option", name=LEGAL_GROUP).click(timeout=SLOW)
    facilitator.keyboard.press("Escape")
    wait_idle(facilitator)
    facilitator.get_by_role("button", name="Workshop starten").click()
    controls = facilitator.get_by_role("link", name="Scherm met bediening (voor uzelf)")
    expect(controls).to_be_visible(timeout=SLOW)
    with db.read() as session:
        started = session.scalars(select(WorkshopRow)).one()
    assert started.question_ids.count("legal:") == 10  # the ten requirements, and nothing else
    # 9:7 on the screen, from the picker
    expect(facilitator.get_by_text("Vraag 1 van 10 · nog niet gestart · ronde 1", exact=True)).to_be_visible(
        timeout=SLOW)
    choose(facilitator, "Vraag op het scherm", re.compile(r"^4\. 9:7 · "))
    expect(facilitator.get_by_text("Vraag 4 van 10 · nog niet gestart · ronde 1", exact=True)).to_be_visible(
        timeout=SLOW)

    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(urljoin(base + "/", controls.get_attribute("href")))
    expect(projector.get_by_text("en vul deze code in:")).to_be_visible(timeout=SLOW)

    # three phones: two in Dutch, one in English
    phones = []
    for number, (role, language) in enumerate((("Frontoffice", "nl"), ("Backoffice", "nl"), ("Other", "en"))):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"http://127.0.0.{number + 2}:{port}/stemmen?code={started.join_code}&lang={language}")
        join = phone.get_by_role("button", name="Meedoen" if language == "nl" else "Join")
        expect(join).to_be_visible(timeout=SLOW)
        wait_idle(phone)  # the page's first run is over before a role is chosen
        phone.get_by_text(role, exact=True).click()
        join.click()
        # 9:7 is on the screen already, not open yet
        expect(phone.get_by_role("heading", name=ITEM_NL if language == "nl" else ITEM_EN)).to_be_visible(timeout=SLOW)
        # its answer group is named by the requirement too
        expect(phone.get_by_role("radiogroup", name=ITEM_NL if language == "nl" else ITEM_EN)).to_be_attached()
        expect(phone.get_by_text("Het stemmen voor deze vraag is gesloten." if language == "nl" else
                                 "Voting on this question is closed.")).to_be_visible(timeout=SLOW)
        phones.append((phone, language))
    expect(projector.get_by_text("3 mensen doen mee")).to_be_visible(timeout=SLOW)

    projector.get_by_role("button", name="Stemmen openen", exact=True).click()
    expect(projector.get_by_text("0 van 3 aanwezigen gestemd").first).to_be_visible(timeout=SLOW)
    expect(projector.get_by_role("heading", name=ITEM_NL)).to_be_visible(timeout=SLOW)
    for (phone, language), answer in zip(phones, ("nee", "nee", "ja")):
        options = phone.get_by_test_id("stRadioOption")
        expect(options.first).to_be_enabled(timeout=SLOW)
        # ja / nee / weet niet, no levels
        expect(options).to_have_count(3)
        assert [o.strip() for o in options.all_inner_texts()] == (
            ["Ja", "Nee", "Weet ik niet"] if language == "nl" else ["Yes", "No", "Don't know"])
        options.nth({"ja": 0, "nee": 1}[answer]).click()
        received = phone.get_by_test_id("vote-received")
        expect(received).to_contain_text("Stem ontvangen: Nee" if language == "nl" else "Vote received: Yes",
                                         timeout=SLOW)
    shoot(phones[0][0], "phone-nl-390")
    shoot(phones[2][0], "phone-en-390")
    expect(projector.get_by_text("3 van 3 aanwezigen gestemd").first).to_be_visible(timeout=SLOW)

    projector.get_by_role("button", name="Stemmen sluiten", exact=True).click()
    expect(projector.get_by_text("De uitkomst is nog verborgen.")).to_be_visible(timeout=SLOW)
    projector.get_by_role("button", name="Uitkomst tonen", exact=True).click()
    # bars of ja / nee / weet niet, the answer most people gave and how many, agreement in words; no median
    expect(projector.get_by_text("Meeste stemmen: Nee (2 van 3)")).to_be_visible(timeout=SLOW)
    expect(projector.get_by_text("Redelijke overeenstemming")).to_be_visible()
    bars = projector.locator("ul[aria-label='Verdeling van de stemmen'] li")
    expect(bars).to_have_count(3)
    assert [re.sub(r"\s+", " ", b).strip() for b in bars.all_inner_texts()] == ["Ja 1", "Nee 2", "Weet ik niet 0"]
    assert "Mediaan" not in projector.inner_text("body")
    # the facilitator page follows by itself, with the same outcome in words
    expect(facilitator.get_by_text("Meeste stemmen: Nee (2 van 3) · Redelijke overeenstemming")).to_be_visible(
        timeout=SLOW)
    assert "Mediaan" not in facilitator.inner_text("body")
    check_projector(projector, "legal-revealed")  # axe-core, contrast, the bars at least 3:1

    # the agreed answer starts empty, and offers only ja / nee / weet niet
    agreed = projector.get_by_test_id("stSelectbox").filter(
        has=projector.get_by_role("combobox", name="Afgesproken antwoord")).first
    expect(agreed.get_by_role("combobox")).to_have_value("")
    expect(projector.get_by_text("Suggestie uit de stemmen: Nee")).to_be_visible()
    choose(projector, "Afgesproken antwoord", "Nee")
    projector.get_by_label("Korte onderbouwing").fill("De behandelaar was vaak zelf betrokken.")
    projector.get_by_role("button", name="Vastleggen als antwoord").click()
    expect(projector.get_by_text("Vastgelegd: Nee").first).to_be_visible(timeout=SLOW)
    shoot(projector, "projector-nl-1280")
    english = laptop.new_page()
    english.set_viewport_size({"width": 1280, "height": 720})
    english.goto(projector.url.replace("lang=nl", "lang=en"))
    expect(english.get_by_text("Most votes: No (2 of 3)")).to_be_visible(timeout=SLOW)
    shoot(english, "projector-en-1280")
    english.close()

    # the legal answer of the scan, and Resultaten names the breach first
    answers = service.get_legal_answers(db, actor=ME, assessment_id=assessment.id)
    assert answers["awb-9-7"].value == "nee" and answers["awb-9-7"].comment == "De behandelaar was vaak zelf betrokken."
    navigate(facilitator, f"{base}/resultaten?a={assessment.id}&lang=nl")  # the facilitator goes on in the app
    expect(facilitator.get_by_role("heading", name=LEGAL_GROUP)).to_be_visible(timeout=SLOW)
    legal_box = facilitator.get_by_test_id("stAlert").filter(has_text="wettelijke eisen: ja")
    expect(legal_box).to_contain_text("0 van 10 wettelijke eisen: ja · 1 nee: 9:7 (onafhankelijke behandeling)")
    shoot(facilitator, "results-nl-1280")
    laptop.close()
