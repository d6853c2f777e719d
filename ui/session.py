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
from storage.db import Database, StorageUnavailable, database_url, get_database  # noqa: F401 - StorageUnavailable for the pages
from ui.language import tr
from ui.messages import error_text, problem_text
from ui.safe_text import escape_md
from workshops.service import WorkshopError

UPLOAD_LIMIT_MB = 50  # what the browser may send at all (server.maxUploadSize); each import checks its own, smaller
# limit itself and says it in the user's language


def hide_uploader_limit(key: str) -> None:
    """Hide the uploader's own English line ("Drag and drop file here · Limit 50MB per file"): the page says
    the import's real, smaller limit in the user's language, and a larger file gets a message naming it."""
    if not key.replace("_", "").isalnum():
        raise ValueError(key)
    st.html(f"<style>.st-key-{key} [data-testid='stFileUploaderDropzoneInstructions']{{display:none}}</style>")


def uploader_key(name: str) -> str:
    """The key of the file uploader `name` in this run: `name_0`, and a new one after each `empty_uploader`."""
    return f"{name}_{st.session_state.get(f'{name}_round', 0)}"


def empty_uploader(name: str) -> None:
    """After a successful import, the next run draws a new, empty uploader: the file just used is no longer on
    offer to be used again, and choosing the next one is not Streamlit's replacement in two steps, whose second
    step a busy server can lose (the file gone from the uploader without a word)."""
    st.session_state[f"{name}_round"] = st.session_state.get(f"{name}_round", 0) + 1


def me() -> Actor:
    """The actor of this run. Pages that need one are only in the navigation when there is one."""
    from ui.identity import current_actor

    actor = current_actor()
    if actor is None:
        st.error(tr("access.signed_out"), icon=":material/lock:")
        st.stop()
    return actor


def refuse_bad_settings() -> None:
    """A setting the app cannot work with stops every page with a message that names it (and a line in the log),
    never a silent default."""
    import logging

    from ui.identity import settings_problem

    problem = settings_problem()
    if problem is None:
        return
    logging.getLogger("klantbewust.settings").error("refusing to start: %s is %r; give a number of hours above 0",
                                                    problem.name, problem.value)
    st.error(tr("settings.invalid_session_hours", name=problem.name, value=escape_md(problem.value[:40])),
             icon=":material/error:")
    st.stop()


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
        from ui.identity import sign_out

        st.sidebar.button(tr("access.sign_out"), icon=":material/logout:", on_click=sign_out, key="sign_out")


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


REFUSALS = (service.InputError, service.AssessmentIsFinal, AccessDenied, WorkshopError, ImportRefused,
            RespondentError)
PENDING = "pending_writes"  # per tab: writes the database could not take yet, retried at the start of every run


def storage_text(unavailable: StorageUnavailable, key: str = "storage.not_saved") -> str:
    """Why nothing was stored, in the user's language (never the driver's words)."""
    return tr(key, why=tr(f"storage.why.{unavailable.reason}"))


def _kept_text(unavailable: StorageUnavailable, keep) -> str:
    from i18n import has

    kind = keep[0] if isinstance(keep, tuple) else ""
    return storage_text(unavailable, f"storage.kept_{kind}" if has(f"storage.kept_{kind}") else "storage.kept")


def attempt(call, *args, keep=None, on_changed=None, **kwargs):
    """Call a service; a refusal becomes a message shown on the next run (`show_page_error`). Returns
    (True, result) or (False, None). Made for callbacks, which run before the page is drawn again.

    When the database cannot be used just now the message says so; with `keep` (a key: a tuple whose first item
    names what it is, e.g. ("answer", assessment_id, question_id)) the call is kept in this tab and made again at
    the start of every run until the database takes it (`retry_pending`); a later call with the same key replaces
    it. Only for writes that may safely be made again (they set a value, they add nothing). `on_changed` is called
    with the `AnswerChanged` a kept write may meet when it is made again."""
    from ui.identity import current_actor, session_expired

    if "actor" in kwargs:  # a callback runs before the page: check who is acting now, not who was
        now = current_actor()
        if now is None:
            st.session_state["page_error"] = tr("access.session_expired" if session_expired()
                                                else "access.signed_out")
            return False, None
        kwargs["actor"] = now
    try:
        result = call(*args, **kwargs)
    except StorageUnavailable as unavailable:
        if keep is not None:
            st.session_state.setdefault(PENDING, {})[keep] = dict(call=call, args=args, kwargs=kwargs,
                                                                  on_changed=on_changed, fresh=True)
            st.session_state["page_error"] = _kept_text(unavailable, keep)
        else:
            st.session_state["page_error"] = storage_text(unavailable)
        return False, None
    except REFUSALS as error:
        st.session_state["page_error"] = error_text(error)
        return False, None
    if keep is not None:  # stored now: an older try of the same thing is not needed any more
        st.session_state.get(PENDING, {}).pop(keep, None)
    return True, result


def pending(keep) -> dict | None:
    """The keyword arguments of a write this tab still has to make (shown on the page as not saved), or None."""
    entry = st.session_state.get(PENDING, {}).get(keep)
    return entry["kwargs"] if entry else None


def retry_pending() -> bool:
    """Make the writes this tab kept, oldest first; True when none is left. Stops at the first the database
    still cannot take (the message says so again); a write refused now (the scan became final, someone else
    changed the answer) is dropped with its message, or handed to its `on_changed`."""
    from ui.identity import current_actor

    kept = st.session_state.get(PENDING)
    if not kept:
        return True
    saved, left = 0, False
    for keep, entry in list(kept.items()):
        if entry.pop("fresh", False):  # failed in this run's callback a moment ago: next run
            left = True
            continue
        kwargs = dict(entry["kwargs"])
        if "actor" in kwargs:
            now = current_actor()
            if now is None:
                return False
            kwargs["actor"] = now
        try:
            entry["call"](*entry["args"], **kwargs)
        except StorageUnavailable as unavailable:
            st.session_state.setdefault("page_error", _kept_text(unavailable, keep))  # a callback's own first
            return False
        except REFUSALS as error:
            st.session_state["page_error"] = error_text(error)
        except service.AnswerChanged as changed:
            if entry["on_changed"] is None:
                raise
            entry["on_changed"](changed)
        else:
            saved += 1
        kept.pop(keep, None)
    if saved:
        st.toast(tr("storage.saved_later"), icon=":material/check_circle:")
    return not left


STALE = "storage_stale"


def last_known(name: str, call, *args, **kwargs):
    """`call(*args, **kwargs)`, a read; when the database cannot be used just now, what the same read gave
    last time in this tab, with a message, so a page keeps what the person sees and typed (marked not saved)
    instead of going blank. Without an earlier result the refusal goes on to the page runner."""
    store = st.session_state.setdefault("last_known", {})
    try:
        store[name] = call(*args, **kwargs)
    except StorageUnavailable as unavailable:
        if name not in store:
            raise
        if not st.session_state.get(STALE):
            st.session_state[STALE] = True
            if "page_error" not in st.session_state:
                st.warning(storage_text(unavailable, "storage.stale"), icon=":material/cloud_off:")
    return store[name]


def show_storage_problem(unavailable: StorageUnavailable) -> None:
    """A page (or a part of it) that could not read: say so, never an empty page that looks like "no data"."""
    st.error(storage_text(unavailable, "storage.read"), icon=":material/cloud_off:")


def fragment(run_every: float | None = None):
    """`st.fragment` for a part of a page that reads or writes: when the database cannot be used just now, the
    part shows the message instead of a traceback (a fragment that reruns on its own is outside the page
    runner), and one that refreshes by itself (`run_every`) simply tries again then, so it recovers by itself;
    in a run of the whole page the page runner also looks every 5 seconds whether the database is back."""
    import functools

    def decorate(body):
        @functools.wraps(body)
        def guarded(*args, **kwargs):
            try:
                return body(*args, **kwargs)
            except StorageUnavailable as unavailable:
                hold_choices()  # the part's filters keep what was chosen, though the part is not drawn now
                show_page_error()  # a callback's own message first (a write that failed a moment ago)
                show_storage_problem(unavailable)
                st.session_state[STALE] = True
        return st.fragment(guarded, run_every=run_every)
    return decorate


@st.fragment(run_every=5)
def _wait_for_database() -> None:
    try:
        back = database().check() is None
    except StorageUnavailable:  # the database was away when the app started: it is opened on the next run
        back = False
    if back:
        st.rerun()


def recover_by_itself() -> None:
    """While a write is kept or the page could not read: look every 5 seconds whether the database is back,
    then run the page again (which makes the kept writes)."""
    _wait_for_database()


KEPT_CHOICES = "kept_choices"


def keep_choices(*keys: str) -> None:
    """Filters and choices of a page that must survive a run in which the page could not read the database:
    Streamlit forgets the value of a widget that a completed run did not draw, so `hold_choices` sets them
    again in such a run, and the page opens with what the person chose once the database is back."""
    st.session_state.setdefault(KEPT_CHOICES, set()).update(keys)


def hold_choices() -> None:
    """In a run that could not draw the page: keep the values of the choices registered with `keep_choices`."""
    from streamlit.errors import StreamlitAPIException

    for key in st.session_state.get(KEPT_CHOICES, ()):
        if key in st.session_state:
            try:
                st.session_state[key] = st.session_state[key]
            except StreamlitAPIException:  # drawn in this run before the read failed: Streamlit keeps it anyway
                pass


def show_page_error() -> None:
    if "page_error" in st.session_state:
        st.error(st.session_state.pop("page_error"), icon=":material/error:")


# --- the assessment in the URL ---------------------------------------------------------------------
