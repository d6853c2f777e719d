"""What an accessibility auditor checks beyond axe, on every page in a real browser (Chromium), in Dutch and
English, signed in as a deployment runs (Streamlit's `st.login` against a real OpenID Connect provider,
tests/oidc_provider.py), and on the sign-in page before that: `<html lang>` follows the chosen language
(WCAG 3.1.1), each page has its own title (2.4.2), no "None", "nan" or "NaT" reaches a person (also in the
cells of a table), no English text of Streamlit's own components is left on a Dutch page where there is a
supported way to avoid it (and no Dutch of ours on an English page), and axe-core finds no A/AA violation.

Every page is opened in each state that shows a table: a complete organisation over three years (the demo
organisation: plan, KPIs, peers, history) and a half-filled scan (parts without a score, a plan action
without dates, a KPI without values, a workshop with a revealed vote, a respondent's link).
Also: moving on keeps the reader at the top of what comes next (focus on its heading), the phone's answer
groups are named by their question, and a comment typed but not sent yet makes the browser ask before leaving.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessment import service
import access
from browser_support import (POLL, axe_violations, fill_and_leave, free_port, navigate, running_app, sign_in,
                             wait_idle, wait_settled, write_auth_secrets)
from conftest import ME
from i18n import t
from oidc_provider import running_provider
from questionnaires.loader import DEFAULT_DIR, load_questionnaire

AUDITOR = ("anna@gemeente-half.nl", "Anna Aalbers", "anna-wachtwoord")  # beheerder of both organisations

# Streamlit's own English, as text or as an accessible name, that the app avoids in a supported way (headings
# without link anchors, plotly without its toolbar, uploaders with our own limit, our own progress bars).
# What remains is listed in the README's accessibility statement.
STREAMLIT_ENGLISH = ["Link to heading", "Download plot as a PNG", "Zoom in", "Zoom out", "Autoscale", "Reset axes",
                     "Box Select", "Lasso Select", "Produced with Plotly", "per file", "Drag and drop file here"]
# Streamlit's English accessible names compared as a whole (a word like "progress" may be part of our text)
STREAMLIT_NAMES = ["progress", "Zoom", "Pan"]
# our own Dutch that must not reach an English page (data such as organisation names and the demo plan's
# action titles are Dutch whatever the interface language, so only texts of the interface itself)
OUR_DUTCH = ["Kies…", "Opgeslagen", "hoogstens", "Toelichting of bewijs", "niet verplicht", "Volgende",
             "Vaardigheid", "Onderdeel", "Naar de startpagina"]
EMPTY_VALUES = re.compile(r"\b(None|nan|NaN|NaT|null|undefined)\b")

# what the page shows and what a screen reader is told, including the hidden accessible table of a data grid
PAGE_FACTS = """() => {
  const main = document.querySelector('[data-testid="stApp"]');
  const names = [];
  main.querySelectorAll('[aria-label], [title], [placeholder], [alt]').forEach(e => {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = e.getAttribute(a); if (v) names.push(v);
    }
  });
  const grids = Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(e => e.textContent);
  return {text: main.innerText, names: names, grids: grids.join('\\n'), lang: document.documentElement.lang,
          title: document.title};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    email, name, password = AUDITOR
    with running_provider({email: (name, password)}) as provider:
        folder, port = tmp_path_factory.mktemp("a11y"), free_port()
        secrets = write_auth_secrets(folder / "secrets.toml", port, provider)
        with running_app(folder, port=port, args=("--secrets.files", str(secrets))) as (base, db):
            states = build_states(db)
            for organisation_id in (states["demo"].organisation_id, states["org"].id):
                access.add_member(db, actor=ME, organisation_id=organisation_id, email=email, role="beheerder")
            yield base, db, states


@pytest.fixture(scope="module")
def signed_in(site, browser):
    """One browser context signed in as the beheerder: every page of the test opens in it, as in one session."""
    base = site[0]
    email, _, password = AUDITOR
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, base, email, password)
    expect(page.get_by_text(re.compile("Ingelogd als|Signed in as")).first).to_be_visible(timeout=30_000)
    page.close()
    yield context
    context.close()


def build_states(db) -> dict:
    """The demo organisation (complete, three years) and a half-filled scan with every kind of empty cell."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from demo_organisation import build
    from indicators.library import load_library
    from kpi import service as kpis
    from peers import service as peers
    from plan import service as plan
    from respondents import service as respondents
    from workshops import service as workshop

    demo_id = build(db)
    demo = service.get_assessment(db, demo_id, actor=ME)
    zelfscan = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Half", org_type="gemeente",
                                      size_class="inw-50-100k")
    half = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=zelfscan)
    first = zelfscan.competencies[0]
    for dimension in first.dimensions[:2]:  # two parts of one competency: the rest has no score
        for number, question in enumerate(dimension.questions):
            service.save_answer(db, actor=ME, assessment_id=half.id, question_id=question.id,
                                value=2 + number % 3)
    plan.add_actions(db, actor=ME, assessment_id=half.id, questionnaire=zelfscan,
                     actions=[dict(dimension_id=first.dimensions[0].id, title="Klachtenformulier vereenvoudigen")])
    kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=load_library(), kpi_ids=["klagers-gehoord"])
    peers.load_demo_set(db, actor=ME, organisation_id=org.id, questionnaire=zelfscan)
    question_ids = [q.id for q in first.dimensions[0].questions[:2]]
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=half.id, questionnaire=zelfscan,
                                             question_ids=question_ids)
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_ids[0])
    seats = [workshop.join(db, code=started.join_code, role=role)[1] for role in ("frontoffice", "backoffice")]
    for seat, value in zip(seats, ("3", "4")):
        workshop.cast_vote(db, participant_token=seat, question_id=question_ids[0], value=value)
    workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_ids[0])
    workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id=question_ids[0])
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_ids[1])
    link = respondents.create_links(db, actor=ME, assessment_id=half.id, count=2)[0]
    respondents.choose_role(db, assessment_id=half.id, token=link.token, role="frontoffice")
    respondents.save_respondent_answer(db, assessment_id=half.id, token=link.token, questionnaire=zelfscan,
                                       question_id=question_ids[0], value=3, comment="Zie het jaarverslag")
    return dict(demo=demo, half=half, org=org, workshop=started, token=token, seat=seats[0], link=link.token,
                questions=question_ids)


def page_states(s: dict) -> list[tuple[str, str, str | None]]:
    """(address, the page's name in texts.yaml, what the title must also name)."""
    demo, half = s["demo"], s["half"]
    demo_context, half_context = f"{demo.organisation_name} {demo.period}", f"Gemeente Half {half.period}"
    w = s["workshop"]
    return [
        ("", "access.sign_in", None),  # before signing in, in a browser of its own
        (f"?org={half.organisation_id}", "nav.start", "Gemeente Half"),
        (f"vragenlijst?a={half.id}", "nav.questionnaire", half_context),
        (f"resultaten?a={demo.id}", "nav.results", demo_context),
        (f"resultaten?a={half.id}", "nav.results", half_context),
        (f"benchmark?a={demo.id}", "nav.benchmark", demo_context),
        (f"benchmark?a={half.id}", "nav.benchmark", half_context),
        (f"verbeterplan?a={demo.id}", "nav.plan", demo_context),
        (f"verbeterplan?a={half.id}", "nav.plan", half_context),
        (f"kpi?org={demo.organisation_id}", "nav.kpi", demo.organisation_name),
        (f"kpi?org={half.organisation_id}", "nav.kpi", "Gemeente Half"),
        (f"geschiedenis?a={demo.id}", "nav.history", demo.organisation_name),
        (f"workshop?a={half.id}&w={w.id}&ft={s['token']}", "nav.workshop", half_context),
        (f"respondenten?a={half.id}", "nav.respondents", half_context),
        (f"beheer?org={demo.organisation_id}", "nav.members", demo.organisation_name),
        ("over", "nav.about", None),
        (f"stemmen?seat={s['seat']}", "nav.vote", None),
        (f"scherm?screen={w.projector_token}", "nav.screen", None),
        (f"invullen?a={half.id}&t={s['link']}", "nav.respond", None),
    ]


# the pages a participant opens from a link on a computer or phone of their own: always a new load of the app
PARTICIPANT_PAGES = ("stemmen", "scherm", "invullen")


def open_page(context, base: str, path: str, language: str, page=None):
    """The page at `path` in `language`, settled: in a new tab of `context`, or in `page` (a tab already open,
    which costs the browser less than a new one), there as a person moves on within the app (`navigate`: the
    app stays loaded), except for a participant's page, which is always loaded anew as from its link."""
    address = f"{base}/{path}{'&' if '?' in path else '?'}lang={language}"
    if page is not None and page.url.startswith(base) and not path.startswith(PARTICIPANT_PAGES):
        navigate(page, address)
        return page
    page = page or context.new_page()
    page.goto(address)
    page.wait_for_selector("[data-testid='stMainBlockContainer'] :is(h1, h2, h3)", timeout=60_000)
    wait_settled(page)
    return page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_says_its_language_and_title_shows_no_empty_values_and_no_other_language(site, browser,
                                                                                             signed_in, language):
    base, _, states = site
    other = "en" if language == "nl" else "nl"
    signed_out = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = signed_in.new_page()  # one tab for every page, as a person clicks through them
    problems = []
    for path, name_key, context in page_states(states):
        if name_key == "access.sign_in":
            page = open_page(signed_out, base, path, language)
        else:
            page = open_page(signed_in, base, path, language, page=tab)
        facts = page.evaluate(PAGE_FACTS)
        where = f"{path or 'sign-in page'} ({language})"
        signed_in_as = t("access.signed_in_as", language).split("{")[0].strip(" *")
        if name_key == "access.sign_in":
            expect(page.get_by_role("button", name=t("access.sign_in", language))).to_be_visible()
        elif not path.startswith(("stemmen", "scherm", "invullen")) and signed_in_as not in facts["text"]:
            problems.append(f"{where}: not shown signed in")  # the pages a participant reaches have no menu
        if facts["lang"] != language:
            problems.append(f"{where}: <html lang={facts['lang']!r}>")
        own = t(name_key, language)
        if not (facts["title"].startswith(own + " — ") and facts["title"].endswith(" — Klantbewust")
                and (context is None or context in facts["title"])):
            problems.append(f"{where}: title {facts['title']!r}, not the page's own ({own}, {context})")
        for found in EMPTY_VALUES.findall(facts["text"] + "\n" + facts["grids"]):
            problems.append(f"{where}: shows {found!r}")
        shown = facts["text"] + "\n" + "\n".join(facts["names"])
        if language == "nl":
            problems += [f"{where}: Streamlit's English {e!r}" for e in STREAMLIT_ENGLISH if e in shown]
            problems += [f"{where}: accessible name {n!r}" for n in STREAMLIT_NAMES if n in facts["names"]]
        else:
            problems += [f"{where}: Dutch {d!r} on an English page" for d in OUR_DUTCH if d in shown]
        if page.locator("h1").count() != 1:
            problems.append(f"{where}: {page.locator('h1').count()} h1 headings")
        levels = page.evaluate("Array.from(document.querySelectorAll('[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)'))"
                               ".filter(h => h.offsetParent !== null).map(h => +h.tagName[1])")
        jumps = [f"h{a}→h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
        if jumps:
            problems.append(f"{where}: heading levels jump {jumps}")
        problems += [f"{where}: {v}" for v in axe_violations(page)]
        if page is not tab:
            page.close()
    tab.close()
    signed_out.close()
    assert problems == [], "\n".join(problems)
    assert other  # both directions are checked: this run's language against the other one's words


def test_answer_groups_are_named_by_their_question_on_the_phone_and_the_respondent_page(site, signed_in):
    base, _, s = site
    zelfscan = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    open_question = zelfscan.question(s["questions"][1]).text.get("nl")
    phone = open_page(signed_in, base, f"stemmen?seat={s['seat']}", "nl")
    expect(phone.get_by_role("radiogroup", name=open_question)).to_be_visible()
    phone.close()
    respondent = open_page(signed_in, base, f"invullen?a={s['half'].id}&t={s['link']}", "nl")
    first_question = zelfscan.question(s["questions"][0]).text.get("nl")
    expect(respondent.get_by_role("radiogroup", name=f"1. {first_question}")).to_be_visible()
    # no group has the old shared name that told a screen reader nothing
    assert respondent.get_by_role("radiogroup", name=t("respond.answer", "nl"), exact=True).count() == 0
    respondent.close()


def test_next_opens_the_next_part_at_its_heading_and_a_new_scan_at_the_top(site, signed_in):
    base, db, s = site
    respondent = open_page(signed_in, base, f"invullen?a={s['half'].id}&t={s['link']}", "nl")
    heading = respondent.locator(".st-key-respond-part h2")
    before = heading.inner_text()
    respondent.get_by_role("button", name=t("respond.next", "nl")).click()
    expect(heading).not_to_have_text(before)
    respondent.wait_for_function("document.activeElement && document.activeElement.closest('.st-key-respond-part')"
                                 " && document.activeElement.tagName === 'H2'", timeout=30_000, polling=POLL)
    top = respondent.evaluate("document.querySelector('.st-key-respond-part h2').getBoundingClientRect().top")
    assert 0 <= top < 200, f"the new part's heading is {top}px down the window"
    respondent.close()

    # "Scan starten" on Start: the questionnaire opens at its top, the focus on its title
    page = open_page(signed_in, base, f"?org={s['org'].id}", "nl")
    page.get_by_text(t("start.new_assessment", "nl"), exact=True).click()
    wait_settled(page)  # the part has opened and stands still: the click below lands on the button
    fill_and_leave(page, page.get_by_label(t("field.period", "nl")), "2027")
    page.get_by_role("button", name=t("start.create_assessment", "nl")).click()
    page.wait_for_url(re.compile(r"/vragenlijst\?"), timeout=60_000)
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'H1'", timeout=30_000,
                           polling=POLL)
    assert page.evaluate("document.activeElement.innerText") == t("questionnaire.title", "nl")
    scrolled = page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop")
    assert scrolled < 100, f"the questionnaire opened {scrolled}px down"
    page.close()


def test_a_comment_typed_but_not_sent_makes_the_browser_ask_before_leaving(site, signed_in):
    base, db, s = site
    page = open_page(signed_in, base, f"vragenlijst?a={s['half'].id}", "nl")
    comment = page.get_by_label(t("questionnaire.comment", "nl")).first
    comment.click()
    comment.press_sequentially("Nog niet verstuurd")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)  # leaving: the browser asks; dismissed, the page stays
    answered_within(page, asked)
    expect(comment).to_have_value("Nog niet verstuurd")  # still on the page, the text still there
    assert asked == ["beforeunload"]
    comment.press("Control+Enter")  # sent: leaving is quiet now, and the comment is stored
    wait_idle(page)
    stored = service.get_answers(db, actor=ME, assessment_id=s["half"].id)
    assert any(a.comment == "Nog niet verstuurd" for a in stored.values())
    closed = []
    page.on("close", lambda _: closed.append(True))
    page.close(run_before_unload=True)
    answered_within(page, closed)
    assert asked == ["beforeunload"]  # not asked again


def answered_within(page, events: list, within: float = 30) -> None:
    """Let Playwright deliver the page's events until `events` has one (the sync API delivers them during its
    calls), for at most `within` seconds."""
    import time

    deadline = time.monotonic() + within
    while not events and time.monotonic() < deadline:
        try:
            page.evaluate("0")
        except Exception:  # the page has closed meanwhile: its close event is delivered
            page.context.pages  # noqa: B018 - a call that lets Playwright deliver events
    assert events, "the browser did not answer"
