"""Sign-in and isolation in a real browser: Streamlit's own `st.login` against a real OpenID Connect provider
(tests/oidc_provider.py, on Authlib's server components), with two people of two organisations.

A cannot see or change anything of B by any URL; a lezer changes nothing; a participant's seat link reaches
no other page; an expired session, a removed member and tampered links get a clear message and write nothing.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

import access
from plan import service as plan
from assessment import service
from workshops import service as workshop
from storage.models import Base
from browser_support import (free_port, navigate, running_app, sign_in, wait_idle, wait_settled,
                             write_auth_secrets)
from conftest import FIXTURES, ME, ROOT
from oidc_provider import running_provider
from questionnaires.loader import ENV_DIR, load_questionnaire

PEOPLE = {"anna@gemeente-a.nl": ("Anna Aalbers", "anna-wachtwoord"),
          "lars@gemeente-a.nl": ("Lars Lezer", "lars-wachtwoord"),
          "bert@gemeente-b.nl": ("Bert Bakker", "bert-wachtwoord"),
          "vera@gemeente-a.nl": ("Vera Veenstra", "vera-wachtwoord", False)}  # the provider has not verified it
SECRET_COMMENT = "Vertrouwelijk: bewijs van gemeente B"
SECRET_ACTION = "Geheim verbeterplan van B"


@pytest.fixture(scope="module")
def provider():
    with running_provider(PEOPLE) as running:
        yield running


def start_app(folder, provider, **env):
    port = free_port()
    secrets = write_auth_secrets(folder / "secrets.toml", port, provider)
    return running_app(folder, port=port, args=("--secrets.files", str(secrets)), **{ENV_DIR: str(FIXTURES)}, **env)


@pytest.fixture(scope="module")
def app(tmp_path_factory, provider):
    with start_app(tmp_path_factory.mktemp("sign_in"), provider) as (base, db):
        yield base, db, seed(db)


LAPTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def signed_in(app, browser):
    """A new browser window of a person who is signed in, for the tests that are not about signing in: the first
    time through the app's button and the provider's form (`sign_in`), after that with that session's cookies
    (Playwright's storage state), as a second window of the same browser. A session that has been ended since
    (signed out, or ended by a beheerder) signs in again through the form. The tests about signing in (the first,
    the expired session, signing out, an address that is not verified, the invitation's stranger) always use the
    form."""
    base = app[0]
    cookies: dict[str, dict] = {}

    def open_as(email: str, password: str, viewport: dict = LAPTOP):
        context = browser.new_context(viewport=viewport, storage_state=cookies.get(email))
        page = context.new_page()
        if email not in cookies:
            sign_in(page, base, email, password)
        else:
            page.goto(base)
            wait_idle(page)
            if page.get_by_role("button", name="Inloggen").count():  # that session has ended
                sign_in(page, base, email, password, from_here=True)
        assert page.get_by_role("button", name="Inloggen").count() == 0, email
        cookies[email] = context.storage_state()
        return page

    return open_as


def seed(db):
    """Two organisations as their beheerders would set them up (the local user adds the members)."""
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org_a = service.create_organisation(db, actor=ME, name="Gemeente Aalst", org_type="gemeente",
                                        size_class="inw-lt-20k", manager_email="anna@gemeente-a.nl")
    org_b = service.create_organisation(db, actor=ME, name="Gemeente Bergen", org_type="gemeente",
                                        size_class="inw-lt-20k", manager_email="bert@gemeente-b.nl")
    access.add_member(db, actor=ME, organisation_id=org_a.id, email="lars@gemeente-a.nl", role="lezer")
    a_scan = service.create_assessment(db, actor=ME, organisation_id=org_a.id, period="2026", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=a_scan.id, question_id=question.id, value=2)
    b_scan = service.create_assessment(db, actor=ME, organisation_id=org_b.id, period="2026", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=b_scan.id, question_id=question.id, value=4)
    service.save_comment(db, actor=ME, assessment_id=b_scan.id, question_id="d1-1", comment=SECRET_COMMENT)
    plan.add_actions(db, actor=ME, assessment_id=b_scan.id, questionnaire=mini,
                     actions=[dict(dimension_id="d1", title=SECRET_ACTION)])
    b_workshop, b_token = workshop.start_workshop(db, actor=ME, assessment_id=b_scan.id, questionnaire=mini,
                                                  question_ids=["d1-1", "d1-2"])
    workshop.open_voting(db, actor=ME, workshop_id=b_workshop.id, token=b_token, question_id="d1-1")
    return dict(mini=mini, org_a=org_a, org_b=org_b, a_scan=a_scan, b_scan=b_scan, b_workshop=b_workshop,
                b_token=b_token)


def dump(db) -> dict:
    with db.read() as session:
        return {t.name: sorted(map(repr, session.execute(text(f'SELECT * FROM "{t.name}"')).all()))
                for t in Base.metadata.sorted_tables if t.name not in ("people", "activity")}



def body(page) -> str:
    """The page's text, once its run is over and the page is settled: called after a page was opened or moved
    to (no click before it that could still ask for a run)."""
    wait_settled(page)
    return page.inner_text("body")


def test_a_person_signs_in_and_sees_only_their_own_organisation(app, browser):
    base, db, world = app
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(base)
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=30_000)
    assert "Gemeente" not in body(page)  # nothing before signing in
    sign_in(page, base, "anna@gemeente-a.nl", "anna-wachtwoord", from_here=True)
    expect(page.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="2. Scans van Gemeente Aalst")).to_be_visible()
    assert "Gemeente Bergen" not in body(page)
    # the record of who answered comes from the identity
    navigate(page, f"{base}/vragenlijst?a={world['a_scan'].id}&lang=nl")
    expect(page.get_by_role("heading", name="Dimensie een")).to_be_visible(timeout=30_000)
    d1_1 = page.get_by_role("radiogroup", name="1. Vraag d1-1")  # by its name: the click lands on d1-1 only
    d1_1.get_by_text("d1-1 niveau 5", exact=False).click()
    wait_idle(page)
    expect(d1_1.locator("input[type=radio]").nth(4)).to_be_checked()
    # shown as text, not as a mailto link: an invisible word joiner follows the "@"; shown once it is stored
    expect(page.get_by_text(re.compile("door anna@\u2060?gemeente-a\\.nl")).first).to_be_visible()
    stored = service.get_answers(db, actor=ME, assessment_id=world["a_scan"].id)["d1-1"]
    assert (stored.value, stored.answered_by) == (5, "anna@gemeente-a.nl")
    assert page.locator("a[href^='mailto:']").count() == 0

    # every page, with every id of the other organisation: no data, a clear message, nothing written
    b, w, t, org_b = world["b_scan"].id, world["b_workshop"], world["b_token"], world["org_b"].id
    before = dump(db)
    for path in (f"vragenlijst?a={b}", f"resultaten?a={b}", f"benchmark?a={b}", f"verbeterplan?a={b}",
                 f"geschiedenis?a={b}", f"workshop?a={b}&w={w.id}&ft={t}",
                 f"workshop?a={world['a_scan'].id}&w={w.id}&ft={t}", f"beheer?org={org_b}", f"?org={org_b}",
                 f"start?org={org_b}", f"vragenlijst?a={b}&dim=d2"):
        page.goto(f"{base}/{path}&lang=nl" if "?" in path else f"{base}/{path}?lang=nl")
        text_on_page = body(page)
        for secret in ("Gemeente Bergen", SECRET_COMMENT, SECRET_ACTION, w.join_code):
            assert secret not in text_on_page, (path, secret)
        assert re.search(r"bestaat niet|geen toegang|niet doen|Alleen de begeleider|Kies uw organisatie|Scans van "
                         r"Gemeente Aalst|Leden van Gemeente Aalst", text_on_page), (path, text_on_page[:300])
    assert dump(db) == before
    page.context.close()


def test_a_lezer_reads_but_changes_nothing(app, signed_in):
    base, db, world = app
    a_scan = world["a_scan"].id
    page = signed_in("lars@gemeente-a.nl", "lars-wachtwoord")
    before = dump(db)
    navigate(page, f"{base}/vragenlijst?a={a_scan}&lang=nl")  # as the lezer clicks through the app
    expect(page.get_by_text("U kunt deze scan lezen.")).to_be_visible(timeout=30_000)
    radios = page.get_by_test_id("stRadioGroup").first.locator("input[type=radio]")
    assert all(radios.nth(i).is_disabled() for i in range(radios.count()))
    navigate(page, f"{base}/resultaten?a={a_scan}&lang=nl")
    expect(page.get_by_role("heading", name="Resultaten", exact=True)).to_be_visible(timeout=30_000)
    text_on_page = body(page)
    assert "Scan definitief maken" not in text_on_page and "Werkboek inlezen" not in text_on_page
    navigate(page, f"{base}/verbeterplan?a={a_scan}&lang=nl")
    expect(page.get_by_text("U kunt dit plan lezen.")).to_be_visible(timeout=30_000)
    assert page.get_by_role("button", name="Gekozen acties toevoegen aan het plan").count() == 0
    navigate(page, f"{base}/beheer?lang=nl")
    expect(page.get_by_text("U bent geen beheerder van een organisatie.")).to_be_visible(timeout=30_000)
    assert dump(db) == before
    page.context.close()


def test_a_seat_link_reaches_no_other_page(app, browser):
    base, db, world = app
    _, seat = workshop.join(db, code=world["b_workshop"].join_code, role="frontoffice")
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{base}/stemmen?seat={seat}&lang=nl")
    expect(phone.get_by_text("d1-1 niveau 3", exact=False)).to_be_visible(timeout=30_000)
    assert phone.get_by_test_id("stSidebarNav").count() == 0  # no navigation
    for path in ("", "start", f"vragenlijst?a={world['b_scan'].id}", f"resultaten?a={world['b_scan'].id}",
                 f"workshop?a={world['b_scan'].id}&w={world['b_workshop'].id}&ft={world['b_token']}", "beheer"):
        phone.goto(f"{base}/{path}")
        text_on_page = body(phone)
        assert SECRET_COMMENT not in text_on_page and "Gemeente Bergen" not in text_on_page, path
        assert "Inloggen" in text_on_page, path  # every other page is the sign-in page
    for tampered in (seat[:-2] + "xx", world["b_workshop"].projector_token):
        phone.goto(f"{base}/stemmen?seat={tampered}&lang=nl")
        expect(phone.get_by_text("Uw plaats is niet gevonden.")).to_be_visible(timeout=30_000)
    phone.goto(f"{base}/scherm?screen={seat}&lang=nl")
    expect(phone.get_by_text("Dit scherm is niet gevonden.")).to_be_visible(timeout=30_000)
    phone.context.close()


def test_a_removed_member_is_refused_at_once(app, signed_in):
    base, db, world = app
    access.add_member(db, actor=ME, organisation_id=world["org_b"].id, email="anna@gemeente-a.nl", role="invuller")
    page = signed_in("anna@gemeente-a.nl", "anna-wachtwoord")
    navigate(page, f"{base}/vragenlijst?a={world['b_scan'].id}&lang=nl")
    expect(page.get_by_role("heading", name="Dimensie een")).to_be_visible(timeout=30_000)
    access.remove_member(db, actor=ME, organisation_id=world["org_b"].id, email="anna@gemeente-a.nl")
    before = dump(db)
    page.get_by_test_id("stRadioGroup").first.get_by_test_id("stRadioOption").nth(0).click()  # still on screen
    expect(page.get_by_text("Dit kunt u hier niet doen").first).to_be_visible()
    assert dump(db) == before
    page.reload()
    expect(page.get_by_text("bestaat niet (meer), of u heeft er geen toegang toe")).to_be_visible(timeout=30_000)
    page.context.close()


def snapshot(page, name: str) -> None:
    """A tall window, so that the whole page is in the picture (Streamlit scrolls inside the page)."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2200})
    wait_settled(page)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / name))
    page.set_viewport_size(size)


def test_a_member_is_invited_and_answers_after_signing_in(app, browser, signed_in):
    """The beheerder invites a member as a respondent; the member finds the invitation on the Start page after
    signing in and answers; nobody else can use the invitation's address, signed in or not."""
    from respondents import service as respondents

    base, db, world = app
    a_scan = world["a_scan"].id
    anna = signed_in("anna@gemeente-a.nl", "anna-wachtwoord")
    navigate(anna, f"{base}/respondenten?a={a_scan}&lang=nl")
    expect(anna.get_by_role("heading", name="Leden uitnodigen")).to_be_visible(timeout=30_000)
    box = anna.get_by_test_id("stMultiSelect").filter(has=anna.get_by_role("combobox", name="Welke leden?"))
    for _ in range(3):  # the first click may only give the field the focus
        box.locator("[role=group]").click()
        try:
            expect(anna.get_by_role("option", name=re.compile("lars@gemeente-a.nl"))).to_be_visible()
            break
        except AssertionError:
            continue
    anna.get_by_role("option", name=re.compile("lars@gemeente-a.nl")).click()
    anna.keyboard.press("Escape")
    anna.get_by_role("button", name="Uitnodigen").click()
    expect(anna.get_by_text("1 lid uitgenodigd.")).to_be_visible()
    expect(anna.get_by_text("Uitnodiging voor lars@", exact=False)).to_be_visible()
    snapshot(anna, "respondents-invited-member-nl-1366.png")
    [link] = [x for x in respondents.get_survey(db, actor=ME, assessment_id=a_scan).links
              if x.member_email == "lars@gemeente-a.nl"]
    address = f"{base}/invullen?a={a_scan}&t={link.token}&lang=nl"
    anna.context.close()

    # somebody else, signed out or signed in, cannot use the invitation's address; nothing is written
    before = dump(db)
    stranger = browser.new_context(viewport=PHONE).new_page()
    stranger.goto(address)
    expect(stranger.get_by_text("Deze uitnodiging is persoonlijk.", exact=False)).to_be_visible(timeout=30_000)
    expect(stranger.get_by_role("button", name="Inloggen")).to_be_visible()
    assert "Kies eerst welke rol" not in body(stranger)
    sign_in(stranger, base, "bert@gemeente-b.nl", "bert-wachtwoord", from_here=True)  # the invitation's button
    expect(stranger.get_by_text("Gevraagd om in te vullen")).to_have_count(0)
    stranger.goto(address)
    expect(stranger.get_by_text("Deze uitnodiging is persoonlijk.", exact=False)).to_be_visible(timeout=30_000)
    assert dump(db) == before
    stranger.context.close()

    # the member, signed in, finds the invitation on the Start page and answers
    lars = signed_in("lars@gemeente-a.nl", "lars-wachtwoord", PHONE)
    expect(lars.get_by_role("heading", name="Gevraagd om in te vullen")).to_be_visible(timeout=30_000)
    expect(lars.get_by_text("Gemeente Aalst, 2026: 0 van 9 vragen beantwoord")).to_be_visible()
    snapshot(lars, "start-invitation-nl-390.png")
    lars.get_by_test_id("stPageLink").filter(has_text="Invullen").click()
    expect(lars.get_by_text("Kies eerst welke rol", exact=False)).to_be_visible(timeout=30_000)
    wait_idle(lars)  # the run is over: no option of a run before is still on the page
    lars.get_by_text("Backoffice", exact=True).click()
    lars.get_by_role("button", name="Beginnen").click()
    expect(lars.get_by_role("radiogroup", name=re.compile("Vraag d1-1"))).to_be_visible(timeout=30_000)
    lars.get_by_text("d1-1 niveau 2", exact=False).click()
    wait_idle(lars)
    expect(lars.get_by_text("1 van 9 vragen beantwoord")).to_be_visible()
    state = respondents.respondent_state(db, assessment_id=a_scan, token=link.token,
                                         actor=access.Actor("lars@gemeente-a.nl"))
    assert (state.role, state.answers) == ("backoffice", {"d1-1": 2})
    navigate(lars, base)
    expect(lars.get_by_text("Gemeente Aalst, 2026: 1 van 9 vragen beantwoord")).to_be_visible(timeout=30_000)
    lars.context.close()


SESSION_SECONDS = 72  # KLANTBEWUST_SESSION_HOURS=0.02


def test_an_expired_session_must_sign_in_again_and_writes_nothing(tmp_path, provider, browser):
    with start_app(tmp_path, provider, KLANTBEWUST_SESSION_HOURS="0.02") as (base, db):
        world = seed(db)
        page = browser.new_context(viewport=LAPTOP).new_page()
        heading = page.get_by_role("heading", name="Dimensie een")
        expired = page.get_by_text("Uw sessie is verlopen.")
        try:
            # the provider dates the sign-in back, so that `left` seconds of the session remain; the page must be
            # open before they are gone. On a busy machine it may not be: then sign in again with more time left.
            for left in (8, 20, 45):
                provider.sign_in_age = SESSION_SECONDS - left
                sign_in(page, base, "anna@gemeente-a.nl", "anna-wachtwoord")
                page.goto(f"{base}/vragenlijst?a={world['a_scan'].id}&lang=nl")
                expect(heading.or_(expired).first).to_be_visible(timeout=30_000)
                wait_idle(page)
                if heading.is_visible() and not expired.is_visible():
                    break  # the page was drawn for a session that had not ended
            else:
                pytest.fail("the questionnaire never opened within a session of 45 seconds")
        finally:
            provider.sign_in_age = 0
        ends = provider.last_auth_time + SESSION_SECONDS
        # let the rest of the session pass (a wait for the clock, not for work)
        time.sleep(max(0.0, ends + 1 - time.time()))
        before = dump(db)
        page.get_by_test_id("stRadioGroup").first.get_by_test_id("stRadioOption").nth(4).click()
        wait_idle(page)
        expect(expired).to_be_visible()
        assert dump(db) == before
        sign_in(page, base, "anna@gemeente-a.nl", "anna-wachtwoord")  # and in again
        expect(page.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
        page.context.close()


def everything(db) -> dict:
    """Every row of every table, people (when last seen) and the activity log too."""
    with db.read() as session:
        return {t.name: sorted(map(repr, session.execute(text(f'SELECT * FROM "{t.name}"')).all()))
                for t in Base.metadata.sorted_tables}


def test_signing_out_ends_the_session_and_its_replayed_cookies_are_refused(app, browser):
    """Sign in, keep the cookies, sign out; the kept cookies in a new browser land on the sign-in page and write
    nothing (not even "last seen")."""
    base, db, world = app
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    sign_in(page, base, "anna@gemeente-a.nl", "anna-wachtwoord")
    expect(page.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
    saved = context.cookies()
    assert any(c["name"].startswith("_streamlit_user") for c in saved)
    # the same cookies in a second browser work while the session lasts (so the replay below is a fair test)
    twin = browser.new_context(viewport=LAPTOP)
    twin.add_cookies(saved)
    twin_page = twin.new_page()
    twin_page.goto(f"{base}/?lang=nl")
    expect(twin_page.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
    twin.close()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=30_000)
    wait_idle(page)
    context.close()

    before = everything(db)
    replay = browser.new_context(viewport=LAPTOP)
    replay.add_cookies(saved)
    page = replay.new_page()
    for path in ("?lang=nl", f"vragenlijst?a={world['a_scan'].id}&lang=nl", "beheer?lang=nl"):
        page.goto(f"{base}/{path}")
        expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=30_000)
        text_on_page = body(page)
        assert "Ingelogd als" not in text_on_page and "Gemeente Aalst" not in text_on_page, path
        assert "U bent uitgelogd." in text_on_page, path
    assert everything(db) == before
    # signing in again is a new session
    sign_in(page, base, "anna@gemeente-a.nl", "anna-wachtwoord")
    expect(page.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
    replay.close()


def test_a_beheerder_ends_every_session_of_a_member(app, signed_in):
    base, db, world = app
    lars = signed_in("lars@gemeente-a.nl", "lars-wachtwoord")
    expect(lars.get_by_text("Ingelogd als")).to_be_visible(timeout=30_000)
    anna = signed_in("anna@gemeente-a.nl", "anna-wachtwoord")
    navigate(anna, f"{base}/beheer?org={world['org_a'].id}&lang=nl")
    expect(anna.get_by_role("heading", name="Leden van Gemeente Aalst")).to_be_visible(timeout=30_000)
    number = [m.email for m in access.list_members(db, actor=ME, organisation_id=world["org_a"].id)].index(
        "lars@gemeente-a.nl")  # the members are listed by address; each row's buttons are keyed by its number
    anna.locator(f".st-key-end_sessions_{number}").get_by_role("button", name="Overal uitloggen").click()
    expect(anna.get_by_text("is overal uitgelogd.")).to_be_visible(timeout=30_000)
    before = everything(db)
    lars.reload()
    expect(lars.get_by_role("button", name="Inloggen")).to_be_visible(timeout=30_000)
    assert "U bent uitgelogd." in body(lars)
    assert everything(db) == before
    [ended] = [e for e in access.organisation_activity(db, actor=ME, organisation_id=world["org_a"].id)
               if e.action == "sessions_ended"]
    assert (ended.actor, ended.detail) == ("anna@gemeente-a.nl", {"email": "lars@gemeente-a.nl"})
    lars.context.close()
    anna.context.close()


def test_an_address_the_provider_has_not_verified_cannot_sign_in(app, browser):
    base, db, world = app
    access.add_member(db, actor=ME, organisation_id=world["org_a"].id, email="vera@gemeente-a.nl", role="invuller")
    before = everything(db)
    page = browser.new_context(viewport=LAPTOP).new_page()
    sign_in(page, base, "vera@gemeente-a.nl", "vera-wachtwoord")
    expect(page.get_by_text("zegt dat uw e-mailadres niet bevestigd is")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    page.goto(f"{base}/vragenlijst?a={world['a_scan'].id}&lang=nl")
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=30_000)
    assert "Gemeente Aalst" not in body(page) and "Ingelogd als" not in body(page)
    assert everything(db) == before  # not even remembered as seen
    page.context.close()
