"""Streamlit helpers shared by the pages: language, database, questionnaires, the assessment in the URL.

This is the only package besides `views/` and `app.py` that imports streamlit.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

import access
from access import AccessDenied, Actor
from assessment import service
from storage.db import Database, database_url, get_database
from assessment.importing import ImportRefused
from i18n import DEFAULT_LANGUAGE, LANGUAGES, has, t
from questionnaires.loader import Catalog, QuestionnaireProblem, discover, questionnaire_dir
from questionnaires.model import Questionnaire

PARAM_ASSESSMENT = "a"
PARAM_DIMENSION = "dim"
PARAM_LANGUAGE = "lang"
PARAM_ORGANISATION = "org"
UPLOAD_LIMIT_MB = 50  # what the browser may send at all; each import checks its own, smaller limit itself
PAGE_START = "views/start.py"
PAGE_QUESTIONNAIRE = "views/questionnaire.py"
PAGE_RESULTS = "views/results.py"
PAGE_HISTORY = "views/history.py"
PAGE_PLAN = "views/plan.py"
PAGE_KPI = "views/kpi.py"
PAGE_BENCHMARK = "views/benchmark.py"
PAGE_WORKSHOP = "views/workshop.py"
PAGE_VOTE = "views/vote.py"
PAGE_SCREEN = "views/projector.py"
PAGE_ABOUT = "views/about.py"
PAGE_MEMBERS = "views/members.py"
PAGE_SIGN_IN = "views/sign_in.py"
PAGE_RESPOND = "views/respond.py"
PAGE_RESPONDENTS = "views/respondents.py"


# --- language --------------------------------------------------------------------------------------

def lang() -> str:
    """The UI language: from the URL (so a refresh keeps it), else the session, else Dutch."""
    chosen = st.query_params.get(PARAM_LANGUAGE) or st.session_state.get("lang") or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **params) -> str:
    return t(key, lang(), **params)


def _on_language_change() -> None:
    chosen = "en" if st.session_state["language_switch"] == "English" else "nl"
    st.session_state["lang"] = chosen
    st.query_params[PARAM_LANGUAGE] = chosen


def language_switch() -> None:
    current = lang()
    st.session_state["lang"] = current
    if st.query_params.get(PARAM_LANGUAGE) != current:
        st.query_params[PARAM_LANGUAGE] = current
    st.session_state["language_switch"] = "English" if current == "en" else "Nederlands"
    st.sidebar.segmented_control(
        t("app.language", current), ["Nederlands", "English"], key="language_switch",
        on_change=_on_language_change,
    )


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


def kpi_library_problem_text(problem) -> str:
    key = f"qproblem.{problem.code}"
    what = tr(key, **problem.params) if has(key) else problem.detail
    where = tr("qproblem.where", location=problem.location) if problem.location else ""
    return tr("kpi.library_problem", file=problem.file, where=where, what=what)


def questionnaire_for(assessment: service.Assessment) -> Questionnaire | None:
    return catalog().get(assessment.questionnaire_id, assessment.questionnaire_version)


def problem_text(problem: QuestionnaireProblem) -> str:
    key = f"qproblem.{problem.code}"
    what = tr(key, **{k: v for k, v in problem.params.items()}) if has(key) else problem.detail
    where = tr("qproblem.where", location=problem.location) if problem.location else ""
    return tr("qproblem.message", file=problem.file, where=where, what=what)


def show_catalog_problems() -> None:
    for problem in catalog().problems:
        st.warning(problem_text(problem), icon=":material/error:")


def _as_text(params: dict) -> dict:
    """Parameters of a message shown as markdown: a value from a user or a file stays text (`escape_md`)."""
    return {key: escape_md(value) if isinstance(value, str) else value for key, value in params.items()}


def import_problem_text(problem) -> str:
    """One problem of a workbook import (for markdown), with where it is (sheet, row, column) when known.
    Values quoted from the file are shown as text; a value the app refuses is named as the app names it."""
    params = dict(problem.params)
    error, field = params.pop("error", None), params.pop("field", None)  # codes, not text from the file
    safe = {k: escape_md(v) if isinstance(v, str) else v for k, v in params.items()}
    sheet = escape_md(problem.sheet)
    if problem.row:
        where = tr("import.where", sheet=sheet, row=problem.row, column=problem.column)
    elif problem.sheet and problem.code != "missing_sheet":
        where = tr("import.where_sheet", sheet=sheet)
    else:
        where = ""
    if problem.code == "input_error":
        return where + tr(f"error.{error}", field=tr(f"field.{field}"), **safe)
    return where + tr(f"import.{problem.code}", sheet=sheet, **safe)


def file_problems_text(problems: list, prefix: str, shown: int = 50) -> str:
    """The problems of a file as a markdown list: the first `shown`, then how many more there are."""
    lines = []
    for problem in problems[:shown]:
        where = tr(f"{prefix}.where", **_as_text(dict(row=problem.row, column=problem.column))) if problem.row else ""
        lines.append("- " + where + tr(f"{prefix}.{problem.code}", **_as_text(problem.params)))
    if len(problems) > shown:
        lines.append(tr("peerfile.more_problems", count=len(problems) - shown))
    return "\n".join(lines)


def localized_params(params: dict) -> dict:
    """Message parameters in the user's language: a library KPI's name comes in both languages."""
    from kpi.service import localized

    return {key: localized(value, lang()) for key, value in params.items()}


def input_error_text(error: service.InputError) -> str:
    field = tr(f"field.{error.field}")
    return tr(f"error.{error.code}", field=field, **_as_text(localized_params(error.params)))


def error_text(error: Exception) -> str:
    """What went wrong, in the user's language, for every refusal a service can give."""
    from respondents.service import RespondentError
    from workshops.service import WorkshopError

    if isinstance(error, service.InputError):
        return input_error_text(error)
    if isinstance(error, service.AssessmentIsFinal):
        return tr("questionnaire.read_only")
    if isinstance(error, WorkshopError):
        return tr(f"workshop.{error.code}")
    if isinstance(error, RespondentError):
        return tr(f"respondents.{error.code}", **error.params)
    if isinstance(error, ImportRefused):
        text = tr(f"import.{error.code}", row=error.row, **error.params)
        return text if error.code in ("changed_since_preview", "choice_missing") else tr("import.failed") + " " + text
    return tr("access.denied")


def attempt(call, *args, **kwargs):
    """Call a service; a refusal becomes a message shown on the next run (`show_page_error`). Returns
    (True, result) or (False, None). Made for callbacks, which run before the page is drawn again."""
    from respondents.service import RespondentError
    from workshops.service import WorkshopError
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

def current_assessment() -> service.Assessment | None:
    """The assessment named in the URL (or, after in-app navigation, in the session); kept in both. An id
    that does not exist and one the actor may not read get the same message."""
    assessment_id = st.query_params.get(PARAM_ASSESSMENT) or st.session_state.get("assessment_id")
    if not assessment_id:
        return None
    try:
        assessment = service.get_assessment(database(), assessment_id, actor=me())
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


def start_alias() -> None:
    """The page at /start: the start page is the default page, which Streamlit serves at the root only."""
    go_to(PAGE_START, **{k: v for k, v in st.query_params.to_dict().items() if k != PARAM_LANGUAGE})


MANAGEMENT_PATHS = ("start", "vragenlijst", "resultaten", "benchmark", "verbeterplan", "kpi", "geschiedenis",
                    "workshop", "respondenten", "beheer", "over")


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
    traceback (the services refuse, whatever a page shows)."""
    try:
        navigation.run()
    except AccessDenied:
        st.error(tr("access.denied"), icon=":material/lock:")


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


# --- time ----------------------------------------------------------------------------------------

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def local_time(moment: datetime, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A stored (UTC) moment as Dutch local time."""
    return moment.astimezone(LOCAL_TIMEZONE).strftime(pattern)


# --- safe text -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")
_WORD_JOINER = "\u2060"  # invisible; breaks the patterns that markdown turns into links by itself
_AUTOLINKS = (re.compile(r"@"), re.compile(r"(?i)(?<![a-z])www(?=\.)"), re.compile(r"(?i)[a-z][a-z0-9+.\-]*(?=://)"))


def escape_md(text: str) -> str:
    """User text inside markdown: shown literally, never as markup, headings, links, images or HTML. Besides
    escaping every markup character, an invisible word joiner goes after "@", "www" and a scheme before "://",
    so that e-mail addresses and web addresses typed by users never become live links."""
    text = text or ""
    for pattern in _AUTOLINKS:
        text = pattern.sub(lambda m: m.group(0) + _WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)
