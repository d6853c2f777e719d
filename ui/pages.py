"""The page registry: which pages a browser can reach (depending on who is using it), and running the chosen one."""

from __future__ import annotations

import streamlit as st

from access import AccessDenied, Actor
from ui.language import PARAM_LANGUAGE, tr
from ui.paths import (PAGE_ABOUT, PAGE_BENCHMARK, PAGE_HISTORY, PAGE_KPI, PAGE_MEMBERS, PAGE_PLAN, PAGE_QUESTIONNAIRE,
                      PAGE_RESPOND, PAGE_RESPONDENTS, PAGE_RESULTS, PAGE_SCREEN, PAGE_SIGN_IN, PAGE_START, PAGE_VOTE,
                      PAGE_WORKSHOP)
from ui.url_state import go_to, note_arrival

MANAGEMENT_PATHS = ("start", "vragenlijst", "resultaten", "benchmark", "verbeterplan", "kpi", "geschiedenis",
                    "workshop", "respondenten", "beheer", "over")


def start_alias() -> None:
    """The page at /start: the start page is the default page, which Streamlit serves at the root only."""
    go_to(PAGE_START, **{k: v for k, v in st.query_params.to_dict().items() if k != PARAM_LANGUAGE})


def app_pages(actor: Actor | None) -> list:
    """The pages this actor can reach. Without an actor: the sign-in page (or, in local mode, the page that
    explains the local rule), a workshop seat, a projector screen and a respondent's own questionnaire (by
    its personal link); nothing else."""
    # reached by a link or a code, never chosen from the menu: hidden there
    public = [st.Page(PAGE_VOTE, title=tr("nav.vote"), icon=":material/how_to_vote:", url_path="stemmen",
                      visibility="hidden"),
              st.Page(PAGE_SCREEN, title=tr("nav.screen"), icon=":material/tv:", url_path="scherm",
                      visibility="hidden"),
              st.Page(PAGE_RESPOND, title=tr("nav.respond"), icon=":material/edit_note:", url_path="invullen",
                      visibility="hidden")]
    if actor is None:
        from ui.landing import show_landing

        # every management address shows the same landing page (never Streamlit's "page not found")
        stand_ins = [st.Page(show_landing, title=tr("nav.start"), url_path=path, visibility="hidden")
                     for path in MANAGEMENT_PATHS]
        return [st.Page(PAGE_SIGN_IN, title=tr("nav.start"), icon=":material/login:", url_path="welkom",
                        default=True), *public, *stand_ins]
    return [
        st.Page(PAGE_START, title=tr("nav.start"), icon=":material/home:", url_path="begin", default=True),
        st.Page(PAGE_QUESTIONNAIRE, title=tr("nav.questionnaire"), icon=":material/checklist:",
                url_path="vragenlijst"),
        st.Page(PAGE_RESULTS, title=tr("nav.results"), icon=":material/radar:", url_path="resultaten"),
        st.Page(PAGE_BENCHMARK, title=tr("nav.benchmark"), icon=":material/groups:", url_path="benchmark"),
        st.Page(PAGE_PLAN, title=tr("nav.plan"), icon=":material/flag:", url_path="verbeterplan"),
        st.Page(PAGE_KPI, title=tr("nav.kpi"), icon=":material/monitoring:", url_path="kpi"),
        st.Page(PAGE_HISTORY, title=tr("nav.history"), icon=":material/timeline:", url_path="geschiedenis"),
        st.Page(PAGE_WORKSHOP, title=tr("nav.workshop"), icon=":material/groups_3:", url_path="workshop"),
        st.Page(PAGE_RESPONDENTS, title=tr("nav.respondents"), icon=":material/forum:",
                url_path="respondenten"),
        st.Page(PAGE_MEMBERS, title=tr("nav.members"), icon=":material/manage_accounts:", url_path="beheer"),
        st.Page(PAGE_ABOUT, title=tr("nav.about"), icon=":material/menu_book:", url_path="over"),
        *public,
        st.Page(start_alias, title=tr("nav.start"), url_path="start", visibility="hidden"),
    ]


def run_page(navigation) -> None:
    """Run the chosen page; an access refusal that a page did not handle still becomes a message, never a
    traceback (the services refuse, whatever a page shows). First the writes this tab could not make before
    (the database was away) are made; a database that cannot be used now becomes a message on every page, and
    the page runs again by itself once the database is back."""
    from storage.db import StorageUnavailable
    from ui.session import hold_choices, recover_by_itself, retry_pending, show_page_error, show_storage_problem

    from ui.page_meta import set_page

    set_page(navigation.title)  # each page its own title; the page adds what it shows (set_context)
    note_arrival()
    done = retry_pending()
    st.session_state.pop("storage_stale", None)
    try:
        navigation.run()
    except AccessDenied:
        st.error(tr("access.denied"), icon=":material/lock:")
    except StorageUnavailable as unavailable:
        hold_choices()  # the page's filters keep what was chosen, though the page is not drawn this time
        show_page_error()  # what a press a moment ago could not do, said before the page could not be read
        show_storage_problem(unavailable)
        done = False
    if not done or st.session_state.get("storage_stale"):
        recover_by_itself()
