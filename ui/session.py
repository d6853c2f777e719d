"""The database and the actor of this run: shared resources (database, questionnaires, KPI library), who is
working and what they may do, and calling a service so that a refusal becomes a message."""

from __future__ import annotations

import streamlit as st

import access
from access import AccessDenied, Actor
from assessment import service
from assessment.importing import ImportRefused
from questionnaires.loader import Catalog, discover, questionnaire_dir
from questionnaires.model import Questionnaire
from respondents.service import RespondentError
from storage.db import Database, database_url, get_database
from ui.language import tr
from ui.messages import error_text, problem_text
from ui.safe_text import escape_md
from workshops.service import WorkshopError

UPLOAD_LIMIT_MB = 50  # what the browser may send at all; each import checks its own, smaller limit itself


def me() -> Actor:
    """The actor of this run. Pages that need one are only in the navigation when there is one."""
    from ui.identity import current_actor

    actor = current_actor()
    if actor is None:
        st.error(tr("access.signed_out"), icon=":material/lock:")
        st.stop()
    return actor


def identity_sidebar(actor: Actor | None) -> None:
    """Who is working, in the sidebar: the signed-in person with a way out, or the local mode."""
    from ui.identity import auth_configured

    if actor is None:
        return
    if actor.is_local:
        st.sidebar.markdown(tr("access.local_mode"))  # (a caption in the sidebar defeats axe's contrast check)
        return
    st.sidebar.markdown(tr("access.signed_in_as", name=escape_md(actor.name or actor.email),
                           email=escape_md(actor.email)))
    if auth_configured():
        st.sidebar.button(tr("access.sign_out"), icon=":material/logout:", on_click=st.logout, key="sign_out")


def permissions_in(organisation_id: int) -> frozenset[str]:
    """What the actor may do in the organisation: for showing only the controls that will work."""
    return access.my_permissions(database(), actor=me(), organisation_id=organisation_id)


def who_text(label: str) -> str:
    """A stored "who" (an e-mail address, or "local") as people read it."""
    return tr("access.local_user") if label == access.service.LOCAL_LABEL else label


def flash(message: str) -> None:
    """A message for the next run of the page (set in a callback, shown by `show_flash`)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    if "flash" in st.session_state:
        st.success(st.session_state.pop("flash"), icon=":material/check_circle:")


# --- shared resources ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return get_database(url)


def database() -> Database:
    return _database(database_url())


@st.cache_resource(show_spinner=False, ttl=60)
def _catalog(folder: str) -> Catalog:
    return discover(folder)


def catalog() -> Catalog:
    """All questionnaires in the folder (re-read at most once a minute, so a new file shows up)."""
    return _catalog(str(questionnaire_dir()))


@st.cache_resource(show_spinner=False, ttl=60)
def _kpi_library(path: str):
    from indicators.library import KpiLibraryError, load_library

    try:
        return load_library(path), None
    except KpiLibraryError as error:
        return None, error.problem


def kpi_library():
    """The KPI library and None, or None and what is wrong with its file (re-read at most once a minute)."""
    from indicators.library import library_file

    return _kpi_library(str(library_file()))


def questionnaire_for(assessment: service.Assessment) -> Questionnaire | None:
    return catalog().get(assessment.questionnaire_id, assessment.questionnaire_version)


def show_catalog_problems() -> None:
    for problem in catalog().problems:
        st.warning(problem_text(problem), icon=":material/error:")


def attempt(call, *args, **kwargs):
    """Call a service; a refusal becomes a message shown on the next run (`show_page_error`). Returns
    (True, result) or (False, None). Made for callbacks, which run before the page is drawn again."""
    from ui.identity import current_actor, session_expired

    if "actor" in kwargs:  # a callback runs before the page: check who is acting now, not who was
        now = current_actor()
        if now is None:
            st.session_state["page_error"] = tr("access.session_expired" if session_expired()
                                                else "access.signed_out")
            return False, None
        kwargs["actor"] = now
    try:
        return True, call(*args, **kwargs)
    except (service.InputError, service.AssessmentIsFinal, AccessDenied, WorkshopError, ImportRefused,
            RespondentError) as error:
        st.session_state["page_error"] = error_text(error)
        return False, None


def show_page_error() -> None:
    if "page_error" in st.session_state:
        st.error(st.session_state.pop("page_error"), icon=":material/error:")


# --- the assessment in the URL ---------------------------------------------------------------------
