"""Respondents in a real browser, from an empty database: the feedback manager makes three links on a laptop,
three colleagues answer on their phones (390x844), one of them comes back later through the same link, and the
manager reads the overview per role and merges a question into the scan. Screenshots in Dutch and English."""

from __future__ import annotations

from contextlib import ExitStack
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from workshops import discussion
from respondents import service as respondents
from assessment import service
from workshops import service as workshop
from browser_support import (axe_violations, fill_and_leave, from_another_computer, running_app, wait_idle,
                             wait_settled)
from conftest import FIXTURES, ME, ROOT
from questionnaires.loader import ENV_DIR, load_questionnaire

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("respondents"), **{ENV_DIR: str(FIXTURES)}) as (base, db):
        yield base, db


@pytest.fixture
def elsewhere(server):
    """`elsewhere(address)`: the app's base URL as a phone at `address` reaches it, through a reverse proxy on
    this computer (`from_another_computer`); the proxies close with the test."""
    with ExitStack() as stack:
        yield lambda address: stack.enter_context(from_another_computer(server[0], address))


def on_this_server(link: str, base: str) -> str:
    """The link as shown (with this computer's network address) pointed at the test server."""
    parts, server = urlsplit(link), urlsplit(base)
    return urlunsplit(parts._replace(scheme=server.scheme, netloc=server.netloc))


def shoot(page, name: str, height: int = 2400) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made tall for the shot."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    wait_settled(page)
    page.screenshot(path=str(ARTIFACTS / f"respondents-{name}.png"))
    page.set_viewport_size(size)


def test_three_colleagues_answer_on_their_phones_and_the_manager_merges(server, browser, elsewhere):
    base, db = server
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    with db.read() as session:  # an empty database: no organisation yet
        from sqlalchemy import text
        assert session.execute(text("SELECT COUNT(*) FROM organisations")).scalar() == 0
    org = service.create_organisation(db, actor=ME, name="Gemeente Luisterdam", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)

    # the manager makes three links
    laptop = browser.new_context(viewport={"width": 1366, "height": 900})
    manager = laptop.new_page()
    manager.goto(f"{base}/respondenten?a={assessment.id}&lang=nl")
    expect(manager.get_by_role("heading", name="Links voor respondenten")).to_be_visible(timeout=30_000)
    fill_and_leave(manager, manager.get_by_label("Aantal nieuwe links"), "3")
    manager.get_by_role("button", name="Links maken").click()
    expect(manager.get_by_text("3 links gemaakt.")).to_be_visible()
    links = [manager.locator("[data-testid='stCode'] code").nth(i).inner_text() for i in range(3)]
    assert all("/invullen?a=" + assessment.id in link and "&t=" in link for link in links)
    assert axe_violations(manager) == []

    # three colleagues on their phones: a role first, then answers saved as they go
    choices = [("Frontoffice", "Fatima", 3), ("Frontoffice", "", 3), ("Frontoffice", "", 2)]
    phones = []
    for number, (link, (role, name, level)) in enumerate(zip(links, choices)):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone, not this computer
        phone.goto(on_this_server(link, elsewhere(f"203.0.113.{number + 7}")))
        expect(phone.get_by_text("Kies eerst welke rol", exact=False)).to_be_visible(timeout=30_000)
        assert phone.get_by_test_id("stSidebarNav").count() == 0  # no navigation, nothing else of the app
        phone.get_by_text(role, exact=True).click()
        if name:
            fill_and_leave(phone, phone.get_by_label("Uw naam (mag leeg blijven)"), name)
        phone.get_by_role("button", name="Beginnen").click()
        expect(phone.get_by_role("radiogroup", name="1. Vraag d1-1")).to_be_visible(timeout=30_000)  # named by its question
        phone.get_by_text(f"d1-1 niveau {level}", exact=False).click()
        wait_idle(phone)
        if number == 0:
            phone.get_by_label("Toelichting of voorbeeld (mag leeg blijven)").first.fill(
                "Klachten over de balie komen niet altijd bij ons aan.")
            phone.get_by_label("Toelichting of voorbeeld (mag leeg blijven)").first.blur()
            wait_idle(phone)
            assert axe_violations(phone) == []
            shoot(phone, "phone-nl-390", 1700)
        phones.append(phone)
    expect(phones[2].get_by_text("1 van 9 vragen beantwoord")).to_be_visible()

    # the first colleague comes back later with the same link: the answer and comment are still there
    phones[0].context.close()
    later = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    later.goto(on_this_server(links[0], elsewhere("203.0.113.99")))
    expect(later.get_by_text("U vult in als: Frontoffice · Fatima")).to_be_visible(timeout=30_000)
    expect(later.get_by_label("Toelichting of voorbeeld (mag leeg blijven)").first).to_have_value(
        "Klachten over de balie komen niet altijd bij ons aan.")
    assert later.get_by_role("radio", name="3 · Niveau 3 — d1-1 niveau 3").is_checked()
    state = respondents.respondent_state(db, assessment_id=assessment.id, token=links[0].split("t=")[1].split("&")[0])
    assert state.answers == {"d1-1": 3}  # only this respondent's own answers

    # three managers answered by link too (without a browser), so two roles can be compared
    extra = respondents.create_links(db, actor=ME, assessment_id=assessment.id, count=3)
    for link, level in zip(extra, (4, 4, 5)):
        respondents.choose_role(db, assessment_id=assessment.id, token=link.token, role="management")
        respondents.save_respondent_answer(db, assessment_id=assessment.id, token=link.token, questionnaire=mini,
                                           question_id="d1-1", value=level)

    # the overview and the merge
    manager.goto(f"{base}/respondenten?a={assessment.id}&lang=nl")
    expect(manager.get_by_text("6 mensen hebben geantwoord. Uitgedeeld: 6 (links en uitnodigingen).")
           ).to_be_visible(timeout=30_000)
    expect(manager.get_by_role("heading", name="Verschillen in beeld tussen rollen")).to_be_visible()
    expect(manager.get_by_text("Klachten over de balie komen niet altijd bij ons aan.")).to_be_visible()
    expect(manager.get_by_text("Voorstel (de mediaan): 3 · Niveau 3")).to_be_visible()
    manager.get_by_text("6 links en uitnodigingen in gebruik").click()  # folded away once answers come in
    expect(manager.get_by_text("Frontoffice, 1 antwoord · Fatima")).to_be_visible()  # the name she left
    assert axe_violations(manager) == []
    shoot(manager, "overview-nl-1366", 4200)
    manager.get_by_role("button", name="Overnemen als antwoord").click()
    expect(manager.get_by_text("Overgenomen in de scan: samengesteld uit 6 antwoorden, middelste antwoord "
                               "(mediaan) 3,5, overeenstemming 0,42 (0 = verdeeld, 1 = iedereen eens).")).to_be_visible()
    answer = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert answer.value == 3
    assert answer.comment == ("samengesteld uit 6 antwoorden, middelste antwoord (mediaan) 3,5, overeenstemming 0,42 "
                              "(0 = verdeeld, 1 = iedereen eens)")
    view = respondents.overview(db, actor=ME, assessment_id=assessment.id, questionnaire=mini)
    assert view.merges["d1-1"].value == "3" and view.merges["d1-1"].answers == 6

    # a question the colleagues disagree on goes on the list for a workshop, and a workshop starts with it
    for link, level in zip(links + [f"t={x.token}&" for x in extra], (1, 1, 1, 5, 5, 5)):
        token = link.split("t=")[1].split("&")[0]
        respondents.save_respondent_answer(db, assessment_id=assessment.id, token=token, questionnaire=mini,
                                           question_id="d1-2", value=level)
    manager.reload()
    send = manager.get_by_role("button", name="Zet de vraag met weinig overeenstemming op de lijst voor de workshop")
    expect(send).to_be_visible(timeout=30_000)
    send.click()
    expect(manager.get_by_text("1 vraag staat nu op de lijst voor de workshop.")).to_be_visible()
    expect(manager.get_by_text("Alle vragen met weinig overeenstemming staan op de lijst voor de workshop.")
           ).to_be_visible()
    manager.get_by_role("link", name="Naar de workshop").first.click()
    expect(manager.get_by_role("heading", name="Workshop", exact=True)).to_be_visible(timeout=30_000)
    listed = manager.get_by_role("radio", name="De lijst om te bespreken (1 vraag)")
    expect(listed).to_be_checked()
    expect(manager.get_by_text("Vraag d1-2 · collega's zijn het oneens")).to_be_visible()
    assert axe_violations(manager) == []
    shoot(manager, "workshop-list-nl-1366", 1400)
    manager.get_by_role("button", name="Workshop starten").click()
    expect(manager.get_by_text("Vraag 1 van 1", exact=False)).to_be_visible(timeout=30_000)
    params = parse_qs(urlsplit(manager.url).query)
    started = workshop.get_workshop(db, actor=ME, workshop_id=params["w"][0], token=params["ft"][0])
    assert started.question_ids == ("d1-2",)  # the list, and only the list
    # it stays on the list until the workshop records the organisation's answer
    assert [i.question_id for i in discussion.discussion_items(db, actor=ME, assessment_id=assessment.id)] == ["d1-2"]

    english = laptop.new_page()
    english.goto(f"{base}/respondenten?a={assessment.id}&lang=en")
    expect(english.get_by_role("heading", name="Perception gaps between roles")).to_be_visible(timeout=30_000)
    # least agreement first: the split question, which is on the workshop list
    expect(english.get_by_text("This question is on the list for the workshop.")).to_be_visible()
    assert axe_violations(english) == []
    shoot(english, "overview-en-1366", 4200)
    laptop.close()
