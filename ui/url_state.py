"""State in the URL: the assessment, dimension and organisation a page shows (kept in the URL, so a link or a
refresh opens the same), moving to another page, and moving focus within one."""

from __future__ import annotations

import re

import streamlit as st

from access import AccessDenied
from assessment import service
from questionnaires.model import Questionnaire
from ui.language import PARAM_LANGUAGE, lang, tr
from ui.paths import PAGE_START
from ui.safe_text import escape_md
from ui.session import database, last_known, me, questionnaire_for, show_catalog_problems, show_page_error

PARAM_ASSESSMENT = "a"
PARAM_DIMENSION = "dim"
PARAM_ORGANISATION = "org"


def current_assessment() -> service.Assessment | None:
    """The assessment named in the URL (or, after in-app navigation, in the session); kept in both. An id
    that does not exist and one the actor may not read get the same message."""
    assessment_id = st.query_params.get(PARAM_ASSESSMENT) or st.session_state.get("assessment_id")
    if not assessment_id:
        return None
    try:
        # when the database is away: the assessment as this tab read it last (the page says so)
        assessment = last_known(f"assessment_{assessment_id}",
                                lambda: service.get_assessment(database(), assessment_id, actor=me()))
    except AccessDenied:
        show_page_error()  # what a callback was refused just now, if anything
        st.error(tr("assessment.not_found"), icon=":material/search_off:")
        st.session_state.pop("assessment_id", None)
        return None
    st.session_state["assessment_id"] = assessment.id
    if st.query_params.get(PARAM_ASSESSMENT) != assessment.id:
        st.query_params[PARAM_ASSESSMENT] = assessment.id
    return assessment


def go_to(page: str, assessment_id: str | None = None, **extra: str) -> None:
    params = {PARAM_LANGUAGE: lang()}
    if assessment_id:
        params[PARAM_ASSESSMENT] = assessment_id
        st.session_state["assessment_id"] = assessment_id
    params.update(extra)
    st.switch_page(page, query_params=params)


def require_assessment() -> tuple[service.Assessment, Questionnaire]:
    """The current assessment and its questionnaire; otherwise a message, a way back to Start, and stop."""
    assessment = current_assessment()
    if assessment is None:
        st.info(tr("assessment.none_chosen"), icon=":material/info:")
        if st.button(tr("nav.to_start"), icon=":material/home:"):
            go_to(PAGE_START)
        st.stop()
    questionnaire = questionnaire_for(assessment)
    if questionnaire is None:
        st.error(tr("assessment.questionnaire_missing", key=assessment.questionnaire_key))
        show_catalog_problems()
        st.stop()
    return assessment, questionnaire


def assessment_header(assessment: service.Assessment, questionnaire: Questionnaire) -> None:
    status = tr("status.final") if assessment.is_final else tr("status.draft")
    st.caption(tr("assessment.header", organisation=escape_md(assessment.organisation_name),
                  period=assessment.period, questionnaire=questionnaire.title.get(lang()),
                  version=questionnaire.version, status=status))


# --- moving focus -----------------------------------------------------------------------------------


def open_at_top(anchor: str) -> None:
    """After moving to another part of a page: scroll its heading (`anchor`) to the top of the window and
    put the keyboard focus there, so the part is read from its start. Fixed script; no user text in it."""
    if not re.fullmatch(r"[a-z0-9-]+", anchor):
        raise ValueError(anchor)
    st.session_state["open_at_top_runs"] = st.session_state.get("open_at_top_runs", 0) + 1
    # the run number makes the element new, so the browser runs the script once per move
    st.html(f"""<script data-run="{st.session_state['open_at_top_runs']}">
setTimeout(function () {{
  var heading = document.getElementById("{anchor}");
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.scrollIntoView({{block: "start"}});
  heading.focus({{preventScroll: true}});
}}, 60);
</script>""", unsafe_allow_javascript=True, width="content")
