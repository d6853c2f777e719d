"""Start: choose or add an organisation, then open, start or delete an assessment.

The chosen organisation is in the URL (`?org=`), so a refresh or a shared link opens the same one. Every
change (add, rename, start, delete) happens in a button's callback, before the page is drawn again, so
what the browser sends back for a widget can never undo it.
"""

from datetime import date

import streamlit as st

from questionnaires.model import version_tuple

from access import ANSWER, MANAGE, AccessDenied
from respondents import service as respondents
from assessment import service
from ui.progress import progress as progress_bar
from ui.language import lang, tr
from ui.messages import error_text
from ui.paths import PAGE_QUESTIONNAIRE, PAGE_RESPOND, PAGE_RESULTS
from ui.safe_text import escape_md, local_time
from ui.session import (attempt, catalog, database, flash, me, permissions_in, show_catalog_problems, show_flash,
                        show_page_error, who_text)
from ui.url_state import go_to, open_at_top, PARAM_DIMENSION, PARAM_ORGANISATION
from ui.page_meta import set_context
from ui.identity import auth_configured

db = database()
actor = me()
language = lang()
st.title(tr("start.title"), anchor=False)
st.markdown(tr("start.intro"))
show_catalog_problems()
questionnaires = catalog().questionnaires
if questionnaires:
    first = next(iter(questionnaires.values()))
    st.caption(first.basis.get(language))
show_flash()

# a member asked to fill in a scan on their own (Respondenten): their invitations first
invitations = respondents.my_invitations(
    db, actor=actor, questionnaire_sizes={(q.id, q.version): len(q.questions()) for q in questionnaires.values()})
if invitations:
    st.header(tr("start.invitations_title"), anchor=False)
    for invitation in invitations:
        with st.container(border=True):
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.markdown(tr("start.invitation", organisation=escape_md(invitation.organisation_name),
                             period=invitation.period, answered=invitation.answered, total=invitation.total))
            text.caption(tr("start.invitation_by", who=escape_md(who_text(invitation.invited_by)))
                         + (" " + tr("respond.deadline", date=invitation.deadline.strftime("%d-%m-%Y"))
                            if invitation.deadline else ""))
            button.page_link(PAGE_RESPOND, label=tr("start.invitation_open"), icon=":material/edit_note:",
                             query_params={"a": invitation.assessment_id, "t": invitation.token, "lang": language})

# A consultant sees a few organisations, an administrator perhaps thousands: beyond LISTED, search by name.
LISTED = 50
ASSESSMENTS_ANCHOR = "scans"
search = st.session_state.get("organisation_search", "") or ""
organisations, total = service.search_organisations(db, actor=actor, text=search, limit=LISTED)
by_id = {o.id: o for o in organisations}


def _organisation_in_url() -> service.Organisation | None:
    """The organisation of the URL; else the one chosen earlier in this tab; else the only one there is."""
    wanted = st.query_params.get(PARAM_ORGANISATION) or st.session_state.get("organisation_id")
    try:
        wanted_id = int(wanted) if wanted is not None else None
    except ValueError:
        wanted_id = None
    if wanted_id is not None:
        if wanted_id in by_id:
            return by_id[wanted_id]
        try:  # one the search did not list: still the one of the URL, when the actor may see it
            return service.get_organisation(db, wanted_id, actor=actor)
        except AccessDenied:
            return None
    return organisations[0] if total == 1 and not search else None


def _show(organisation_id: int) -> None:
    st.query_params[PARAM_ORGANISATION] = str(organisation_id)
    st.session_state["organisation_id"] = organisation_id


def _choose(organisation_id: int | None) -> None:
    """Another organisation was chosen: show it, and forget what was half-done for the previous one."""
    if organisation_id is None:
        return
    _show(organisation_id)
    for key in ("confirm_delete", "new_period", "copy_source"):
        st.session_state.pop(key, None)


# --- organisation ----------------------------------------------------------------------------------
st.header(tr("start.organisation"), divider="gray", anchor=False)
organisation = _organisation_in_url()
if organisation is not None:
    _show(organisation.id)
    set_context(organisation.name)

if total > LISTED or search:
    st.text_input(tr("start.search"), key="organisation_search", max_chars=100,
                  placeholder=tr("start.search_placeholder"))
    st.caption(tr("start.search_count", count=total, shown=min(total, LISTED)))
if organisations or organisation is not None:
    shown = organisations + ([organisation] if organisation is not None and organisation.id not in by_id else [])
    ids = [o.id for o in shown]
    labels = {o.id: f"{o.name} ({tr('orgtype.' + o.org_type)})" for o in shown}
    # The URL decides which organisation is shown; the picker only follows it (see the module docstring).
    st.session_state["organisation_choice"] = organisation.id if organisation else None
    st.selectbox(tr("start.choose_organisation"), ids, format_func=labels.__getitem__, key="organisation_choice",
                 index=None, placeholder=tr("start.choose_placeholder"),
                 on_change=lambda: _choose(st.session_state["organisation_choice"]))


def _organisation_form(prefix: str, current: service.Organisation | None) -> None:
    """Name, type and size class; the keys start with `prefix`."""
    if current is not None and f"{prefix}_name" not in st.session_state:
        st.session_state[f"{prefix}_name"] = current.name
        st.session_state[f"{prefix}_type"] = current.org_type
    st.text_input(tr("field.name"), max_chars=service.MAX_NAME, key=f"{prefix}_name")
    type_labels = {v: tr("orgtype." + v) for v in service.ORGANISATION_TYPES}
    org_type = st.selectbox(tr("field.org_type"), service.ORGANISATION_TYPES, format_func=type_labels.__getitem__,
                            key=f"{prefix}_type", placeholder=tr("common.choose"))
    classes = service.size_classes_for(org_type)
    size_key = f"{prefix}_size_{org_type}"
    if current is not None and size_key not in st.session_state and current.size_class in classes:
        st.session_state[size_key] = current.size_class
    size_labels = {v: tr("size." + v) for v in classes}  # computed now: format_func runs later in tests
    st.selectbox(tr("field.size_class"), classes, format_func=size_labels.__getitem__, key=size_key,
        placeholder=tr("common.choose"))


def _form_values(prefix: str) -> dict:
    org_type = st.session_state[f"{prefix}_type"]
    return dict(name=st.session_state[f"{prefix}_name"], org_type=org_type,
                size_class=st.session_state[f"{prefix}_size_{org_type}"])


def _create_organisation() -> None:
    manager = st.session_state.get("new_org_manager") or None
    done, created = attempt(service.create_organisation, db, actor=actor, manager_email=manager,
                            **_form_values("new_org"))
    if not done:
        return
    st.session_state["new_org_name"] = ""
    st.session_state["new_org_manager"] = ""
    _choose(created.id)
    st.session_state["show_assessments"] = True  # the new organisation's scan form, not the top of the page
    flash(tr("start.organisation_added", name=escape_md(created.name)))


def _update_organisation(organisation_id: int) -> None:
    done, changed = attempt(service.update_organisation, db, actor=actor, organisation_id=organisation_id,
                            keep=("organisation", organisation_id), **_form_values(f"edit_org_{organisation_id}"))
    if not done:
        return
    flash(tr("start.organisation_changed", name=escape_md(changed.name)))


show_page_error()

if actor.is_admin:  # only an application administrator adds organisations (the service checks it again)
    with st.expander(tr("start.new_organisation"), expanded=not total and not search,
                     icon=":material/add_business:"):
        _organisation_form("new_org", None)
        if auth_configured():
            st.text_input(tr("start.first_manager"), key="new_org_manager", max_chars=254)
            st.caption(tr("start.first_manager_help"))
        st.button(tr("start.create_organisation"), type="primary", icon=":material/add:",
                  on_click=_create_organisation)

if organisation is None:
    if total:
        st.info(tr("start.choose_first"), icon=":material/arrow_upward:")
    elif not actor.is_admin and not search:
        st.info(tr("start.no_membership", email=escape_md(actor.email or "")), icon=":material/person_off:")
    st.stop()

allowed = permissions_in(organisation.id)
if MANAGE in allowed or actor.is_admin:
    with st.expander(tr("start.edit_organisation"), icon=":material/edit:"):
        _organisation_form(f"edit_org_{organisation.id}", organisation)
        st.button(tr("start.save_organisation"), icon=":material/save:", on_click=_update_organisation,
                  args=(organisation.id,))
if not allowed:  # an administrator without a membership: members only, no data
    st.info(tr("start.admin_without_membership"), icon=":material/manage_accounts:")
    st.stop()

# --- assessments -----------------------------------------------------------------------------------
with st.container(key=ASSESSMENTS_ANCHOR):
    st.header(tr("start.assessments", organisation=escape_md(organisation.name)), divider="gray", anchor=False)
if st.session_state.pop("show_assessments", False):
    open_at_top(ASSESSMENTS_ANCHOR)
assessments = service.list_assessments(db, actor=actor, organisation_id=organisation.id)
progress = service.progress(db, actor=actor, assessment_ids=[a.id for a in assessments]) if assessments else {}
if not assessments:
    st.info(tr("start.no_assessments"))


def _delete(assessment_id: str) -> None:
    st.session_state.pop("confirm_delete", None)
    if attempt(service.delete_assessment, db, actor=actor, assessment_id=assessment_id)[0]:
        flash(tr("start.deleted"))


def _first_open_part(assessment: service.Assessment) -> str | None:
    """The first part with an open or an unchecked copied answer: where the work goes on."""
    questionnaire = questionnaires.get(assessment.questionnaire_key)
    if questionnaire is None:
        return None
    answers = service.get_answers(db, actor=actor, assessment_id=assessment.id)
    for dimension in questionnaire.dimensions():
        for question in dimension.questions:
            answer = answers.get(question.id)
            if answer is None or answer.value is None or answer.carried_from:
                return dimension.id
    return None


for assessment in assessments:
    questionnaire = questionnaires.get(assessment.questionnaire_key)
    total = len(questionnaire.questions()) if questionnaire else 0
    done = progress[assessment.id]
    with st.container(border=True):
        left, middle, right = st.columns([3, 3, 2], vertical_alignment="center")
        title = questionnaire.title.get(language) if questionnaire else assessment.questionnaire_key
        left.markdown(f"**{assessment.period}** · {escape_md(title)}")
        status = tr("status.final") if assessment.is_final else tr("status.draft")
        left.caption(tr("start.assessment_status", status=status,
                        date=local_time(assessment.updated_at, "%d-%m-%Y")))
        if total:
            checked = done.answered - done.unchecked  # a copied answer nobody checked yet is not done
            progress_bar(checked / total, tr("start.progress", done=checked, total=total), middle)
            if done.unchecked and not assessment.is_final:
                middle.caption(tr("start.unchecked", count=done.unchecked))
        open_label = tr("start.open_results") if assessment.is_final else tr("start.open")
        if right.button(open_label, key=f"open_{assessment.id}", icon=":material/arrow_forward:", width="stretch",
                        type="primary" if assessment is assessments[0] else "secondary"):
            if assessment.is_final:
                go_to(PAGE_RESULTS, assessment.id)
            part = _first_open_part(assessment)
            go_to(PAGE_QUESTIONNAIRE, assessment.id, **({PARAM_DIMENSION: part} if part else {}))
        if not assessment.is_final and MANAGE in allowed:
            if st.session_state.get("confirm_delete") == assessment.id:
                st.warning(tr("start.delete_confirm", period=assessment.period, answered=done.answered,
                              count=done.answered), icon=":material/warning:")
                yes, no, _ = st.columns([2, 2, 4])
                yes.button(tr("start.delete_yes", period=assessment.period), key=f"delete_yes_{assessment.id}",
                           type="primary", on_click=_delete, args=(assessment.id,), width="stretch")
                no.button(tr("start.delete_no"), key=f"delete_no_{assessment.id}", width="stretch",
                          on_click=st.session_state.pop, args=("confirm_delete", None))
            else:
                right.button(tr("start.delete"), key=f"delete_{assessment.id}", icon=":material/delete:",
                             width="stretch", on_click=st.session_state.__setitem__,
                             args=("confirm_delete", assessment.id))

# --- a new assessment --------------------------------------------------------------------------------
if ANSWER not in allowed:
    st.stop()
with st.expander(tr("start.new_assessment"), expanded=not assessments, icon=":material/add_circle:"):
    if not questionnaires:
        st.error(tr("start.no_questionnaires"))
        st.stop()
    taken = {a.period for a in assessments}
    year = date.today().year
    suggestion = next(str(y) for y in range(year, year + 20) if str(y) not in taken)
    st.session_state.setdefault("new_period", suggestion)
    period = st.text_input(tr("field.period"), max_chars=7, key="new_period")
    st.caption(tr("start.period_help"))
    questionnaire_labels = {key: tr("start.questionnaire_option", title=q.title.get(language), version=q.version)
                            for key, q in questionnaires.items()}
    # the newest version first: a new assessment starts on it unless someone chooses otherwise
    newest_first = sorted(questionnaires, key=lambda key: (questionnaires[key].id,
                                                           version_tuple(questionnaires[key].version)), reverse=True)
    questionnaire_key = st.selectbox(tr("field.questionnaire"), newest_first, key="new_questionnaire",
                                     format_func=questionnaire_labels.__getitem__, disabled=len(questionnaires) == 1,
                                         placeholder=tr("common.choose"))
    # which earlier assessment to start from: only those whose questionnaire is still known
    sources = [a for a in assessments if a.questionnaire_key in questionnaires]
    source_id = None
    if sources:
        EMPTY = ""
        default = service.default_source(sources)
        source_labels = {EMPTY: tr("start.source_empty")} | {
            a.id: tr("start.source_option", period=a.period,
                     status=tr("status.final") if a.is_final else tr("status.draft"),
                     answered=progress[a.id].answered, count=progress[a.id].answered) for a in sources}
        if st.session_state.get("copy_source") not in source_labels:
            st.session_state["copy_source"] = default.id if default else EMPTY
        source_id = st.radio(tr("start.source"), list(source_labels), format_func=source_labels.__getitem__,
                             key="copy_source") or None
        st.caption(tr("start.copy_forward_help"))
    if st.button(tr("start.create_assessment"), type="primary", icon=":material/play_arrow:"):
        try:
            if source_id:
                source = next(a for a in sources if a.id == source_id)
                assessment = service.start_from_previous(
                    db, actor=actor, previous_id=source.id, period=period,
                    questionnaire=questionnaires[questionnaire_key],
                    previous_questionnaire=questionnaires[source.questionnaire_key])
            else:
                assessment = service.create_assessment(db, actor=actor, organisation_id=organisation.id,
                                                       period=period, questionnaire=questionnaires[questionnaire_key])
        except service.InputError as error:
            st.error(error_text(error), icon=":material/error:")
        else:
            st.session_state.pop("new_period", None)
            go_to(PAGE_QUESTIONNAIRE, assessment.id)
