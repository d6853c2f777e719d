"""Start: choose or create an organisation, then open or start an assessment."""

from datetime import date

import streamlit as st

from assessment import service
from ui.common import (PAGE_QUESTIONNAIRE, catalog, database, escape_md, go_to, input_error_text, lang, local_time,
                       show_catalog_problems, tr)

db = database()
language = lang()
st.title(tr("start.title"))
st.markdown(tr("start.intro"))
show_catalog_problems()
questionnaires = catalog().questionnaires
if questionnaires:
    first = next(iter(questionnaires.values()))
    st.caption(first.basis.get(language))

# --- organisation ----------------------------------------------------------------------------------
st.header(tr("start.organisation"), divider="gray")
organisations = service.list_organisations(db)
by_id = {o.id: o for o in organisations}
NEW = -1
options = [o.id for o in organisations] + [NEW]
preselect = st.session_state.get("organisation_id")
# labels are computed here, so that format_func does not depend on the running page
organisation_labels = {o.id: f"{o.name} ({tr('orgtype.' + o.org_type)})" for o in organisations}
organisation_labels[NEW] = tr("start.new_organisation")
chosen = st.selectbox(
    tr("start.choose_organisation"), options,
    index=options.index(preselect) if preselect in options else (0 if organisations else len(options) - 1),
    format_func=organisation_labels.__getitem__, key="organisation_choice",
)

if chosen == NEW:
    with st.container(border=True):
        st.subheader(tr("start.new_organisation"))
        name = st.text_input(tr("field.name"), max_chars=service.MAX_NAME, key="new_org_name")
        type_labels = {v: tr("orgtype." + v) for v in service.ORGANISATION_TYPES}
        org_type = st.selectbox(tr("field.org_type"), service.ORGANISATION_TYPES,
                                format_func=type_labels.__getitem__, key="new_org_type")
        size_labels = {v: tr("size." + v) for v in service.size_classes_for(org_type)}
        size_class = st.selectbox(tr("field.size_class"), service.size_classes_for(org_type),
                                  format_func=size_labels.__getitem__, key="new_org_size")
        if st.button(tr("start.create_organisation"), type="primary", icon=":material/add:"):
            try:
                organisation = service.create_organisation(db, name=name, org_type=org_type, size_class=size_class)
            except service.InputError as error:
                st.error(input_error_text(error))
            else:
                st.session_state["organisation_id"] = organisation.id
                st.session_state.pop("organisation_choice", None)
                st.rerun()
    st.stop()

organisation = by_id[chosen]
st.session_state["organisation_id"] = organisation.id

# --- assessments -----------------------------------------------------------------------------------
st.header(tr("start.assessments", organisation=escape_md(organisation.name)), divider="gray")
assessments = service.list_assessments(db, organisation_id=organisation.id)
if not assessments:
    st.info(tr("start.no_assessments"))
for assessment in assessments:
    questionnaire = questionnaires.get(assessment.questionnaire_key)
    total = len(questionnaire.questions()) if questionnaire else 0
    answered = service.count_answers(db, assessment_id=assessment.id)
    with st.container(border=True):
        left, middle, right = st.columns([3, 3, 2], vertical_alignment="center")
        title = questionnaire.title.get(language) if questionnaire else assessment.questionnaire_key
        left.markdown(f"**{assessment.period}** · {title}")
        status = tr("status.final") if assessment.is_final else tr("status.draft")
        left.caption(tr("start.assessment_status", status=status,
                        date=local_time(assessment.updated_at, "%d-%m-%Y")))
        if total:
            middle.progress(answered / total, text=tr("start.progress", answered=answered, total=total))
        if right.button(tr("start.open"), key=f"open_{assessment.id}", icon=":material/arrow_forward:",
                        width="stretch"):
            go_to(PAGE_QUESTIONNAIRE, assessment.id)

with st.expander(tr("start.new_assessment"), expanded=not assessments, icon=":material/add_circle:"):
    if not questionnaires:
        st.error(tr("start.no_questionnaires"))
        st.stop()
    period = st.text_input(tr("field.period"), value=str(date.today().year), help=tr("start.period_help"),
                           max_chars=7, key="new_period")
    questionnaire_labels = {key: tr("start.questionnaire_option", title=q.title.get(language), version=q.version)
                            for key, q in questionnaires.items()}
    questionnaire_key = st.selectbox(tr("field.questionnaire"), list(questionnaires), key="new_questionnaire",
                                     format_func=questionnaire_labels.__getitem__, disabled=len(questionnaires) == 1)
    latest = assessments[0] if assessments else None  # newest first
    latest_questionnaire = questionnaires.get(latest.questionnaire_key) if latest else None
    copy_forward = False
    if latest is not None:
        copy_forward = st.checkbox(tr("start.copy_forward", period=latest.period),
                                   value=latest_questionnaire is not None, disabled=latest_questionnaire is None,
                                   help=tr("start.copy_forward_help"), key="copy_forward")
    if st.button(tr("start.create_assessment"), type="primary", icon=":material/play_arrow:"):
        try:
            if copy_forward:
                assessment = service.start_from_previous(
                    db, previous_id=latest.id, period=period, questionnaire=questionnaires[questionnaire_key],
                    previous_questionnaire=latest_questionnaire)
            else:
                assessment = service.create_assessment(db, organisation_id=organisation.id, period=period,
                                                       questionnaire=questionnaires[questionnaire_key])
        except service.InputError as error:
            st.error(input_error_text(error))
        else:
            go_to(PAGE_QUESTIONNAIRE, assessment.id)
