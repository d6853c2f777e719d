"""A workshop whose outcome a room can trust, in a real browser, from an empty database: the facilitator's
laptop, the projector (1280x720) led from its control strip, and three phones.

After the reveal nobody can vote again in round 1: the button is off everywhere and the service refuses a
re-open (the votes stay); a second round keeps round 1 and says how many changed; a role of one is never
shown apart; a phone that closes is no longer counted present, so the screen reaches "iedereen heeft gestemd"
with the phones that are still there, and a phone that comes back is present again on the same seat. In
every state the projector passes axe-core and a contrast check (also of its bars). The app runs with a short
"away" time (KLANTBEWUST_WORKSHOP_AWAY_SECONDS), and every wait is for a condition, with a generous timeout.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment import service
from storage.models import ParticipantRow, VoteRow, WorkshopRow
from workshops import service as workshop
from browser_support import axe_violations, contrast_ratio, eventually, running_app, unresolved_contrast, wait_idle
from conftest import FIXTURES, ME, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire

ARTIFACTS = ROOT / "test-artifacts"
AWAY_SECONDS = 18  # a closed phone counts as away after this; phones that stay are seen at least every 6 s
SLOW = 60_000  # ms: generous, for a shared machine

# Every bar on the projector against its track (graphics: at least 3:1)
_BAR_COLOURS = """() => Array.from(document.querySelectorAll('ul[aria-label] li')).map(li => {
  const spans = li.querySelectorAll('span');
  return [getComputedStyle(spans[2]).backgroundColor, getComputedStyle(spans[1]).backgroundColor]; })"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    env = {ENV_DIR: str(FIXTURES), workshop.ENV_AWAY_SECONDS: str(AWAY_SECONDS)}
    with running_app(tmp_path_factory.mktemp("trust"), address="0.0.0.0", **env) as (base, db):
        yield base, db


def check_projector(page, name: str) -> None:
    """axe-core (WCAG 2.0/2.1 AA, with its colour-contrast rule), what axe leaves for review, and the bars."""
    wait_idle(page)
    assert axe_violations(page) == [], name
    assert unresolved_contrast(page) == [], name
    for bar, track in page.evaluate(_BAR_COLOURS):
        if "0, 0, 0, 0" not in bar:
            assert contrast_ratio(bar, track) >= 3.0, (name, bar, track)
            assert contrast_ratio(bar, "rgb(255, 255, 255)") >= 3.0, (name, bar)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"trust-projector-{name}.png"))


def strip_button(projector, name: str):
    return projector.get_by_role("button", name=name, exact=True)


def votes(db, workshop_id: str) -> list[tuple]:
    with db.read() as session:
        return sorted(session.execute(select(VoteRow.round, VoteRow.participant_id, VoteRow.value)
                                      .where(VoteRow.workshop_id == workshop_id)).all())


def vote(phone, level: int) -> None:
    phone.get_by_test_id("stRadioOption").nth(level - 1).click()
    received = phone.get_by_role("status").filter(has_text="Stem ontvangen")
    expect(received).to_be_visible(timeout=SLOW)
    # the phone's part refreshes itself every 2 s and may be redrawing just now (then it has no box for a moment)
    box = eventually(received.bounding_box)
    assert box is not None and box["y"] <= 5  # at the top of the phone's screen, wherever the choice was


def test_a_room_can_trust_the_outcome(app, browser):
    base, db = app
    port = int(base.rsplit(":", 1)[1])
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Vertrouwen", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)

    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    facilitator.goto(f"{base}/workshop?a={assessment.id}&lang=nl")
    facilitator.get_by_role("button", name="Workshop starten").click(timeout=SLOW)
    controls = facilitator.get_by_role("link", name="Scherm met bediening (voor uzelf)")
    expect(controls).to_be_visible(timeout=SLOW)
    with db.read() as session:
        started = session.scalars(select(WorkshopRow)).one()
    workshop_id, code, token = started.id, started.join_code, started.facilitator_token
    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(urljoin(base + "/", controls.get_attribute("href")))
    expect(projector.get_by_text("en vul deze code in:")).to_be_visible(timeout=SLOW)
    check_projector(projector, "waiting")

    # three phones; the role starts unchosen and joining without one is refused
    phones, contexts = [], []
    for number, role in enumerate(("Frontoffice", "Frontoffice", "Anders")):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        phone = context.new_page()
        phone.goto(f"http://127.0.0.{number + 2}:{port}/stemmen?code={code}&lang=nl")
        expect(phone.get_by_role("button", name="Meedoen")).to_be_visible(timeout=SLOW)
        roles = phone.get_by_role("radiogroup", name="Uw rol")
        expect(roles.get_by_role("radio")).to_have_count(4)
        assert roles.get_by_role("radio", checked=True).count() == 0
        if number == 0:
            phone.get_by_role("button", name="Meedoen").click()
            expect(phone.get_by_text("Kies een rol uit de lijst.")).to_be_visible(timeout=SLOW)
            wait_idle(phone)  # the run is over: no option of a run before is still on the page
        phone.get_by_text(role, exact=True).click()
        phone.get_by_role("button", name="Meedoen").click()
        expect(phone.get_by_text("Wacht tot de begeleider een vraag opent.")).to_be_visible(timeout=SLOW)
        phones.append(phone), contexts.append(context)
    expect(projector.get_by_text("3 mensen doen mee")).to_be_visible(timeout=SLOW)

    # round 1 from the strip
    strip_button(projector, "Stemmen openen").click()
    expect(projector.get_by_text("0 van 3 aanwezigen gestemd").first).to_be_visible(timeout=SLOW)
    expect(projector.get_by_text("ronde 1", exact=False).first).to_be_visible()
    check_projector(projector, "voting")
    for phone, level in zip(phones, (2, 3, 4)):
        expect(phone.get_by_text("d1-1 niveau 3", exact=False)).to_be_visible(timeout=SLOW)
        vote(phone, level)
    expect(projector.get_by_text("3 van 3 aanwezigen gestemd").first).to_be_visible(timeout=SLOW)
    expect(projector.get_by_text("Iedereen heeft gestemd.")).to_be_visible(timeout=SLOW)
    # the facilitator's page (maybe on the wall as well) shows the count, not the distribution
    expect(facilitator.get_by_text("3 van 3 aanwezigen gestemd")).to_be_visible(timeout=SLOW)
    expect(facilitator.get_by_text("Toon verdeling hier")).to_be_visible()
    assert "Mediaan" not in facilitator.inner_text("body") and "Mediaan" not in projector.inner_text("body")

    strip_button(projector, "Stemmen sluiten").click()
    expect(projector.get_by_text("De uitkomst is nog verborgen.")).to_be_visible(timeout=SLOW)
    check_projector(projector, "closed")
    strip_button(projector, "Uitkomst tonen").click()
    expect(projector.get_by_text("Mediaan: 3", exact=False)).to_be_visible(timeout=SLOW)
    # two front office voters and one "anders": no role is shown apart, and no count per role
    expect(projector.get_by_text("Een rol met minder dan 3 stemmen staat niet apart.", exact=False)).to_be_visible()
    text = projector.inner_text("body")
    assert "Mediaan per rol" not in text and "Anders:" not in text and "Frontoffice:" not in text
    check_projector(projector, "revealed")
    # the facilitator page follows the strip by itself: outcome shown, and "Stemmen openen" is off
    expect(facilitator.get_by_text("Vraag 1 van 9 · uitkomst getoond · ronde 1", exact=True)).to_be_visible(timeout=SLOW)
    expect(facilitator.get_by_role("button", name="Stemmen openen", exact=True)).to_be_disabled()
    expect(strip_button(projector, "Stemmen openen")).to_be_disabled()

    # a re-open (a stale tab, a second server) is refused and the votes stay
    round_one = votes(db, workshop_id)
    assert [v[2] for v in round_one] == ["2", "3", "4"] or sorted(v[2] for v in round_one) == ["2", "3", "4"]
    with pytest.raises(workshop.WorkshopError) as refused:
        workshop.open_voting(db, actor=ME, workshop_id=workshop_id, token=token, question_id="d1-1")
    assert refused.value.code == "reopen_refused"
    expect(phones[0].get_by_text("Het stemmen voor deze vraag is gesloten.")).to_be_visible(timeout=SLOW)
    assert votes(db, workshop_id) == round_one

    # a second round keeps round 1; the third phone closes without voting
    strip_button(projector, "Tweede ronde").click()
    expect(projector.get_by_text("Vraag 1 van 9 · stemmen open · ronde 2", exact=True)).to_be_visible(timeout=SLOW)
    check_projector(projector, "round-2-voting")
    contexts[2].close()
    for phone, level in zip(phones[:2], (3, 3)):  # the first changes 2 -> 3, the second stays at 3
        expect(phone.get_by_test_id("stRadioOption").first).to_be_enabled(timeout=SLOW)
        vote(phone, level)
    # the closed phone is away after AWAY_SECONDS: everyone present has voted
    expect(projector.get_by_text("2 van 2 aanwezigen gestemd").first).to_be_visible(timeout=SLOW + 30_000)
    expect(projector.get_by_text("Iedereen heeft gestemd.")).to_be_visible(timeout=SLOW)
    check_projector(projector, "round-2-everyone")
    strip_button(projector, "Stemmen sluiten").click()
    expect(strip_button(projector, "Uitkomst tonen")).to_be_enabled(timeout=SLOW)
    strip_button(projector, "Uitkomst tonen").click()
    expect(projector.get_by_text("1 persoon stemde anders dan in de eerste ronde.")).to_be_visible(timeout=SLOW)
    assert [v for v in votes(db, workshop_id) if v[0] == 1] == round_one
    expect(strip_button(projector, "Tweede ronde")).to_be_disabled()

    # the phone comes back: present again on the same seat
    back = browser.new_context(viewport={"width": 390, "height": 844})
    with db.read() as session:
        seats = session.scalars(select(ParticipantRow.id).where(ParticipantRow.workshop_id == workshop_id)).all()
    third = [s for s in seats if s not in {v[1] for v in votes(db, workshop_id) if v[0] == 2}][0]
    returning = back.new_page()
    returning.goto(f"http://127.0.0.4:{port}/stemmen?seat={third}&lang=nl")
    expect(returning.get_by_text("Het stemmen voor deze vraag is gesloten.")).to_be_visible(timeout=SLOW)
    expect(projector.get_by_text("2 van 3 aanwezigen gestemd").first).to_be_visible(timeout=SLOW)
    with db.read() as session:
        assert len(session.scalars(select(ParticipantRow.id)).all()) == 3

    # the agreed answer starts empty, with the suggestion beside it; recorded from the strip
    expect(projector.get_by_text("Suggestie uit de stemmen: 3", exact=False)).to_be_visible(timeout=SLOW)
    box = projector.get_by_test_id("stSelectbox").filter(
        has=projector.get_by_role("combobox", name="Afgesproken antwoord")).first
    expect(box.get_by_role("combobox")).to_have_value("")  # empty: no level chosen for the room
    assert " · " not in box.inner_text()
    projector.get_by_role("button", name="Vastleggen als antwoord").click()
    expect(projector.get_by_text("Kies eerst het afgesproken antwoord.")).to_be_visible(timeout=SLOW)
    from test_first_hour import choose
    choose(projector, "Afgesproken antwoord", re.compile(r"^3 · "))
    projector.get_by_label("Korte onderbouwing").fill("Na twee rondes eens.")
    projector.get_by_role("button", name="Vastleggen als antwoord").click()
    expect(projector.get_by_text("Vastgelegd: 3", exact=False).first).to_be_visible(timeout=SLOW)
    answer = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert answer.value == 3 and answer.comment == "Na twee rondes eens."
    expect(facilitator.get_by_text("antwoord vastgelegd · ronde 2", exact=False)).to_be_visible(timeout=SLOW)
    check_projector(projector, "agreed")
    ARTIFACTS.mkdir(exist_ok=True)
    facilitator.screenshot(path=str(ARTIFACTS / "trust-facilitator-nl-1280.png"), full_page=True)
    english = laptop.new_page()
    english.set_viewport_size({"width": 1920, "height": 1080})
    english.goto(facilitator.url.replace("lang=nl", "lang=en"))
    expect(english.get_by_text("Question 1 of 9 · answer recorded · round 2")).to_be_visible(timeout=SLOW)
    english.screenshot(path=str(ARTIFACTS / "trust-facilitator-en-1920.png"), full_page=True)
    english.goto(projector.url.replace("lang=nl", "lang=en"))
    expect(english.get_by_text("Median: 3", exact=False)).to_be_visible(timeout=SLOW)
    wait_idle(english)
    english.screenshot(path=str(ARTIFACTS / "trust-projector-en-1920.png"))

    # next question from the strip; the picker on the facilitator page follows with the same number
    strip_button(projector, "Volgende vraag").click()
    expect(projector.get_by_text("Vraag 2 van 9 · nog niet gestart · ronde 1", exact=True)).to_be_visible(timeout=SLOW)
    expect(facilitator.get_by_text("Vraag 2 van 9 · nog niet gestart · ronde 1", exact=True)).to_be_visible(timeout=SLOW)
    expect(facilitator.get_by_role("combobox", name="Vraag op het scherm")).to_have_value(re.compile(r"^2\. "))
    check_projector(projector, "next-waiting")

    # parked and resumed from the strip
    strip_button(projector, "Parkeren").click()
    expect(projector.get_by_text("Vraag 2 van 9 · geparkeerd · ronde 1", exact=True)).to_be_visible(timeout=SLOW)
    check_projector(projector, "parked")
    strip_button(projector, "Hervatten").click()
    expect(projector.get_by_text("Vraag 2 van 9 · nog niet gestart · ronde 1", exact=True)).to_be_visible(timeout=SLOW)

    # ending from the strip: the strip disappears
    strip_button(projector, "Workshop beëindigen").click()
    projector.get_by_role("button", name="Ja, beëindigen").click(timeout=SLOW)
    expect(projector.get_by_text("Deze workshop is afgelopen.")).to_be_visible(timeout=SLOW)
    expect(projector.get_by_role("button", name="Stemmen openen")).to_have_count(0, timeout=SLOW)
    check_projector(projector, "ended")
