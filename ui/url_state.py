"""State in the URL: the assessment, dimension and organisation a page shows (kept in the URL, so a link or a
refresh opens the same), moving to another page, and moving focus within one."""

from __future__ import annotations

import re

import streamlit as st

from access import AccessDenied
from assessment import service
from questionnaires.model import Questionnaire
from ui.language import PARAM_LANGUAGE, lang, tr
from ui.page_meta import set_context
from ui.paths import PAGE_START
from ui.safe_text import escape_md
from ui.session import database, last_known, me, questionnaire_for, show_catalog_problems, show_page_error

PARAM_ASSESSMENT = "a"
PARAM_DIMENSION = "dim"
PARAM_ORGANISATION = "org"
MOVED, ARRIVED = "moved_to_page", "arrived_by_move"
PAGE_TOP = "page-top"


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
    st.session_state[MOVED] = True  # the page opens at its top (`arrived_by_move`), not where this one was
    st.switch_page(page, query_params=params)


def arrived_by_move() -> bool:
    """Whether this run shows a page the app moved to (`go_to`); counted once per move by the page runner."""
    return st.session_state.get(ARRIVED, False)


def note_arrival() -> None:
    """Called by the page runner at the start of every run."""
    st.session_state[ARRIVED] = st.session_state.pop(MOVED, False)


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
    set_context(f"{assessment.organisation_name} {assessment.period}")
    st.caption(tr("assessment.header", organisation=escape_md(assessment.organisation_name),
                  period=assessment.period, questionnaire=questionnaire.title.get(lang()),
                  version=questionnaire.version, status=status))


# --- moving focus -----------------------------------------------------------------------------------


def open_at_top(anchor: str) -> None:
    """After moving to another part of a page: scroll its heading to the top of the window and put the
    keyboard focus there, so the part is read from its start. The heading is the first one in the container
    with key `anchor` (headings carry no link anchors: Streamlit's "Link to heading" would be an extra,
    English tab stop). Fixed script; no user text in it."""
    if not re.fullmatch(r"[a-z0-9-]+", anchor):
        raise ValueError(anchor)
    st.session_state["open_at_top_runs"] = st.session_state.get("open_at_top_runs", 0) + 1
    # the run number makes the element new, so the browser runs the script once per move
    st.html(f"""<script data-run="{st.session_state['open_at_top_runs']}">
(function () {{
  var tries = 0;
  // wait until the run has drawn the whole page: the heading is there (after a move to another page it comes
  // a moment later), the run has ended and no element of the run before is left. Scrolled earlier, on a busy
  // server, the page below the heading is not there yet, the scroll stops short and what follows the heading
  // ends up below the window. After 20 s it scrolls anyway.
  var move = function () {{
    var box = document.querySelector(".st-key-{anchor}");
    var heading = box && box.querySelector("h1, h2, h3");
    var app = document.querySelector("[data-testid=stApp]");
    var drawing = (app && app.getAttribute("data-test-script-state") === "running") ||
                  document.querySelector("[data-stale=true]");
    if ((!heading || drawing) && ++tries < 400) {{ setTimeout(move, 50); return; }}
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.scrollIntoView({{block: "start"}});
    heading.focus({{preventScroll: true}});
  }};
  setTimeout(move, 60);
}})();
</script>""", unsafe_allow_javascript=True, width="content")
