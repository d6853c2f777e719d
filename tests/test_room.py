"""A workshop as a room lives it, in a real browser: the projector at 1280x720 (a common beamer), the
facilitator leading from the projector's control strip, and ten phones (`bench_room.py` seats 30).

The QR code on the projector is read from a screenshot and seats a phone; the votes arrive on the projector
without a reload, each one timed from its commit in the database to the moment the projector shows it (the
figures are printed and kept in test-artifacts/room-latency.json; the README's sizing section reports them;
no timing is asserted here); the outcome stays hidden until the reveal; a second round says how many
changed. Screenshots of the waiting, voting, revealed and second-round screens in Dutch and English.
"""

from __future__ import annotations

import io
import json
import random
import re
import statistics
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from assessment import service
from workshops import service as workshop
from storage.models import VoteRow
from browser_support import axe_violations, running_app, wait_idle, wait_settled
from conftest import FIXTURES, ME, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire

PHONES = 10
ARTIFACTS = ROOT / "test-artifacts"
# every time the projector's vote count changes: (wall-clock ms, votes shown)
WATCH_COUNT = """() => {
  window.__counts = [];
  const seen = () => { const ring = document.querySelector('[data-voted]');
    const n = ring ? Number(ring.getAttribute('data-voted')) : -1;
    const last = window.__counts.length ? window.__counts[window.__counts.length - 1][1] : -1;
    if (n !== last) window.__counts.push([Date.now(), n]); };
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, attributes: true});
  seen();
}"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    # bound to every address: the phones use the address the QR code gives (this computer's network address)
    with running_app(tmp_path_factory.mktemp("room"), address="0.0.0.0", **{ENV_DIR: str(FIXTURES)}) as (base, db):
        yield base, db


def as_phone(link: str, number: int) -> str:
    """The first phone follows the QR code's link as it is. The others use another loopback address each:
    they are separate browsers in the room, but here one Chromium, which allows only a few connections per host."""
    if number == 0:
        return link
    parts = urlsplit(link)
    return urlunsplit(parts._replace(netloc=f"127.0.0.{number + 1}:{parts.port}"))


def decode_qr(page) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot())))
    assert found, "no QR code on the projector"
    return found[0].text


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    wait_settled(page)
    page.screenshot(path=str(ARTIFACTS / f"projector-{name}.png"))


def vote(phone, level: int) -> None:
    """Tap a level and wait until the phone confirms it at its top. A tap that landed on the option next to
    it (the page moved under the finger as it refreshed) is corrected as a person would: tap again."""
    received = phone.get_by_test_id("vote-received")
    for _ in range(3):
        phone.get_by_test_id("stRadioOption").nth(level - 1).click()
        expect(received).to_contain_text("Stem ontvangen:")
        if f"Stem ontvangen: {level} ·" in received.inner_text():
            return
        print(f"a tap for level {level} was received as: {received.inner_text()}")
    expect(received).to_contain_text(f"Stem ontvangen: {level} ·")


def test_a_room_follows_the_workshop_on_the_projector(room, browser):
    base, db = room
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Zaal", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    rng = random.Random(14)
    laptop = browser.new_context(viewport={"width": 1366, "height": 900})
    facilitator = laptop.new_page()
    facilitator.goto(f"{base}/workshop?a={assessment.id}&lang=nl")
    facilitator.get_by_role("button", name="Workshop starten").click(timeout=30_000)
    controls = facilitator.get_by_role("link", name="Scherm met bediening (voor uzelf)")
    expect(controls).to_be_visible(timeout=30_000)
    plain = facilitator.get_by_role("link", name="Scherm voor de beamer (zonder bediening)")
    screen_href, plain_href = controls.get_attribute("href"), plain.get_attribute("href")
    assert "ft=" in screen_href and "ft=" not in plain_href
    # from here the facilitator works from the projector's control strip; the workshop page, which refreshes
    # itself every 2 seconds, would only add CPU time to the room the test measures
    facilitator.close()

    # the facilitator's laptop on the beamer (with the control strip), and a second screen in English
    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(urljoin(base + "/", screen_href))
    expect(projector.get_by_text("en vul deze code in:")).to_be_visible(timeout=30_000)
    english = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    english.goto(urljoin(base + "/", plain_href).replace("lang=nl", "lang=en"))
    expect(english.get_by_text("and enter this code:")).to_be_visible(timeout=30_000)
    assert english.get_by_role("button", name="Open voting").count() == 0  # no controls on the plain link
    assert axe_violations(projector) == []
    shoot(projector, "waiting-nl-1280"), shoot(english, "waiting-en-1920")

    # the QR code on the projector seats a phone; the others follow the same link
    link = decode_qr(projector)
    assert "/stemmen?code=" in link
    phones = []
    for number in range(PHONES):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(as_phone(link, number), wait_until="commit")
        try:
            phone.get_by_text(("Frontoffice", "Backoffice", "Management")[number % 3], exact=True).click(
                timeout=30_000)
        except Exception:
            phone.screenshot(path=str(ARTIFACTS / f"phone-{number}-failed.png"))
            raise
        phone.get_by_role("button", name="Meedoen").click()
        expect(phone.get_by_text("Wacht tot de begeleider een vraag opent.")).to_be_visible(timeout=30_000)
        phones.append(phone)
    expect(projector.get_by_text(f"{PHONES} mensen doen mee")).to_be_visible()
    # the same browser opening the join link again keeps its seat: still PHONES people, not one more
    phones[0].goto(link, wait_until="commit")
    expect(phones[0].get_by_text("Wacht tot de begeleider een vraag opent.")).to_be_visible(timeout=30_000)

    # open the first question from the projector's strip; the phones show it by themselves
    projector.get_by_role("button", name="Stemmen openen").click()
    expect(projector.locator("[data-voted]")).to_be_visible()
    projector.evaluate(WATCH_COUNT)
    for phone in phones:
        expect(phone.get_by_text("d1-1 niveau 3", exact=False)).to_be_visible(timeout=30_000)
    shoot(projector, "voting-nl-1280"), shoot(english, "voting-en-1920")

    # a vote from every phone at random moments, from several phones at once
    order = list(range(PHONES))
    rng.shuffle(order)
    levels = {i: rng.choice([2, 3, 3, 4, 4, 4, 5]) for i in order}

    # Playwright's sync API drives one page at a time: the phones vote in turn, at random moments
    for i in order:
        time.sleep(rng.uniform(0.05, 0.6))  # people's pace, not a wait for something to have happened
        vote(phones[i], levels[i])
    expect(projector.get_by_text(f"{PHONES} van {PHONES} aanwezigen gestemd")).to_be_visible()
    page_text = projector.inner_text("body")
    assert "Mediaan" not in page_text and "overeenstemming" not in page_text  # hidden until the reveal
    assert "De uitkomst" not in page_text or "verborgen" in page_text

    shown = projector.evaluate("window.__counts")
    with db.read() as session:
        committed = sorted(t.timestamp() for t in session.scalars(select(VoteRow.updated_at)))
    latencies = []
    for k, commit in enumerate(committed, start=1):
        seen = next(ms / 1000 for ms, n in shown if n >= k)
        latencies.append(seen - commit)
    report = {"phones": PHONES, "votes": len(committed), "median_s": round(statistics.median(latencies), 3),
              "max_s": round(max(latencies), 3), "poll_s": 1}
    (ARTIFACTS / "room-latency.json").write_text(json.dumps(report, indent=2))
    print("\nvote to projector:", report)
    assert len(committed) == PHONES and all(lat > -0.5 for lat in latencies)  # every vote, none invented

    # reveal from the strip: large bars, the median and the agreement in words
    projector.get_by_role("button", name="Stemmen sluiten").click()
    expect(projector.get_by_text("De uitkomst is nog verborgen.")).to_be_visible()
    projector.get_by_role("button", name="Uitkomst tonen").click()
    expect(projector.get_by_text("Mediaan:", exact=False)).to_be_visible()
    expect(projector.get_by_role("list", name="Verdeling van de stemmen")).to_be_visible()
    assert axe_violations(projector) == []
    shoot(projector, "revealed-nl-1280"), shoot(english, "revealed-en-1920")

    # a second round: three people change their vote
    projector.get_by_role("button", name="Tweede ronde").click()
    changed = order[:3]
    for i in order:  # each phone shows the second round by itself: one ballot, open again, nothing of round 1
        expect(phones[i].get_by_role("radio", name=re.compile("d1-1 niveau 3"))).to_be_enabled(timeout=30_000)
        expect(phones[i].get_by_role("radiogroup", name="Vraag d1-1")).to_have_count(1)
        expect(phones[i].get_by_test_id("vote-received")).to_have_count(0)
    for i in order:
        level = 1 if i in changed else levels[i]
        vote(phones[i], level)
    expect(projector.get_by_text(f"{PHONES} van {PHONES} aanwezigen gestemd")).to_be_visible()
    projector.get_by_role("button", name="Stemmen sluiten").click()
    expect(projector.get_by_role("button", name="Uitkomst tonen")).to_be_enabled()
    projector.get_by_role("button", name="Uitkomst tonen").click()
    expect(projector.get_by_text("3 mensen stemden anders dan in de eerste ronde.")).to_be_visible()
    expect(english.get_by_text("3 people voted differently than in the first round.")).to_be_visible()
    shoot(projector, "second-round-nl-1280"), shoot(english, "second-round-en-1920")
    assert workshop.screen(db, projector_token=screen_href.split("screen=")[1].split("&")[0]).results.changed == 3

    # the next question from the strip: the room sees it at once, with the QR code in its corner
    projector.get_by_role("button", name="Volgende vraag").click()
    expect(projector.get_by_text("Vraag 2 van", exact=False).first).to_be_visible()
    expect(projector.get_by_text("Het stemmen begint zo.")).to_be_visible()
    expect(projector.get_by_role("img", name="QR-code om mee te doen", exact=False)).to_be_visible()
    assert "Mediaan" not in projector.inner_text("body")  # the first question's outcome is gone
    shoot(projector, "next-question-nl-1280")
