"""Verbeterplan: suggested actions for the gaps, the plan as an editable table, and a timeline."""

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from assessment import plan, service
from scoring.engine import score_assessment
from ui.common import (
    assessment_header,
    database,
    escape_md,
    input_error_text,
    lang,
    require_assessment,
    tr,
)
from ui.plan_table import FIELDS, cell_to_field, editor_changes

assessment, questionnaire = require_assessment()
db = database()
language = lang()

st.title(tr("plan.title"))
assessment_header(assessment, questionnaire)
if assessment.is_final:
    st.caption(tr("plan.final_still_editable"))

answers = service.answer_values(service.get_answers(db, assessment_id=assessment.id))
result = score_assessment(questionnaire, answers, service.get_targets(db, assessment_id=assessment.id))
actions = plan.list_actions(db, assessment_id=assessment.id)

dimension_title = {d.id: d.title.get(language) for d in questionnaire.dimensions()}
competency_of = {d.id: questionnaire.competency_of(d.id).id for d in questionnaire.dimensions()}
competency_title = {c.id: c.title.get(language) for c in questionnaire.competencies}
status_label = {code: tr(f"plan.status_{code}") for code in plan.STATUSES}

if "plan_error" in st.session_state:
    st.error(st.session_state.pop("plan_error"), icon=":material/error:")

# --- suggestions -------------------------------------------------------------------------------------
in_plan = {a.library_action_id for a in actions if a.library_action_id}
suggestions = [s for s in plan.suggest(questionnaire, result) if s.action.id not in in_plan]
with st.expander(tr("plan.suggestions_title", count=len(suggestions)), expanded=not actions and bool(suggestions),
                 icon=":material/lightbulb:"):
    st.caption(tr("plan.priority_rule"))
    if not suggestions:
        st.info(tr("plan.no_suggestions"))
    for suggestion in suggestions:
        st.checkbox(
            tr("plan.suggestion_label", dimension=dimension_title[suggestion.dimension_id],
               step_from=suggestion.from_level, step_to=suggestion.from_level + 1,
               title=suggestion.action.title.get(language)),
            key=f"suggest_{suggestion.action.id}",
            help=f"{suggestion.action.description.get(language)}\n\nKPI: {suggestion.action.kpi.get(language)}")
    if suggestions and st.button(tr("plan.add_selected"), type="primary", icon=":material/playlist_add:"):
        chosen = [plan.from_suggestion(s, language) for s in suggestions
                  if st.session_state.get(f"suggest_{s.action.id}")]
        if chosen:
            plan.add_actions(db, assessment_id=assessment.id, questionnaire=questionnaire, actions=chosen)
            st.rerun()
        st.warning(tr("plan.nothing_selected"))

# --- filters -----------------------------------------------------------------------------------------
st.subheader(tr("plan.table_title"))
left, right = st.columns(2)
statuses = left.multiselect(tr("plan.filter_status"), list(plan.STATUSES), default=list(plan.STATUSES),
                            format_func=status_label.__getitem__, key="plan_filter_status")
competencies = right.multiselect(tr("plan.filter_competency"), list(competency_title),
                                 default=list(competency_title), format_func=competency_title.__getitem__,
                                 key="plan_filter_competency")
shown = [a for a in actions if a.status in statuses and competency_of.get(a.dimension_id) in competencies]

# --- the plan as an editable table -------------------------------------------------------------------
COLUMN_KEYS = {"title": "plan.col_title", "status": "plan.col_status", "due_date": "plan.col_due",
               "owner": "plan.col_owner", "dimension_id": "plan.col_dimension", "start_date": "plan.col_start",
               "expected_gain": "plan.col_gain", "kpi": "plan.col_kpi", "kpi_target": "plan.col_kpi_target",
               "description": "plan.col_description"}
COLUMNS = {name: tr(COLUMN_KEYS[name]) for name in FIELDS}  # the most used first: the table scrolls sideways
dimension_by_title = {title: did for did, title in dimension_title.items()}
status_by_label = {label: code for code, label in status_label.items()}


def apply_edits(shown_ids: list[int]) -> None:
    field_of_label = {label: name for name, label in COLUMNS.items()}
    updates, additions, deletions = editor_changes(
        st.session_state["plan_editor"], shown_ids, field_of_label,
        lambda name, value: cell_to_field(name, value, dimension_by_title, status_by_label))
    try:
        plan.apply_changes(db, assessment_id=assessment.id, questionnaire=questionnaire, updates=updates,
                           additions=additions, deletions=deletions)
    except service.InputError as error:
        st.session_state["plan_error"] = input_error_text(error)
    else:
        st.toast(tr("questionnaire.saved"), icon=":material/check_circle:")


table = pd.DataFrame([{
    COLUMNS["title"]: a.title, COLUMNS["dimension_id"]: dimension_title.get(a.dimension_id, a.dimension_id),
    COLUMNS["owner"]: a.owner, COLUMNS["start_date"]: a.start_date, COLUMNS["due_date"]: a.due_date,
    COLUMNS["status"]: status_label[a.status], COLUMNS["expected_gain"]: a.expected_gain,
    COLUMNS["kpi"]: a.kpi, COLUMNS["kpi_target"]: a.kpi_target, COLUMNS["description"]: a.description,
} for a in shown], columns=list(COLUMNS.values()))
st.data_editor(
    table, key="plan_editor", on_change=apply_edits, args=([a.id for a in shown],), num_rows="dynamic",
    hide_index=True, width="stretch",
    column_config={
        COLUMNS["title"]: st.column_config.TextColumn(required=True, max_chars=plan.MAX_TITLE, width="large"),
        COLUMNS["dimension_id"]: st.column_config.SelectboxColumn(options=list(dimension_title.values()),
                                                                  required=True, width="medium"),
        COLUMNS["owner"]: st.column_config.TextColumn(max_chars=plan.MAX_OWNER),
        COLUMNS["start_date"]: st.column_config.DateColumn(format="DD-MM-YYYY"),
        COLUMNS["due_date"]: st.column_config.DateColumn(format="DD-MM-YYYY"),
        COLUMNS["status"]: st.column_config.SelectboxColumn(options=list(status_label.values()), required=True,
                                                            default=status_label["planned"]),
        COLUMNS["expected_gain"]: st.column_config.NumberColumn(min_value=0, max_value=4, step=0.5, default=1.0,
                                                                help=tr("plan.gain_help")),
        COLUMNS["kpi"]: st.column_config.TextColumn(max_chars=plan.MAX_KPI, width="large"),
        COLUMNS["kpi_target"]: st.column_config.TextColumn(max_chars=plan.MAX_KPI_TARGET),
        COLUMNS["description"]: st.column_config.TextColumn(max_chars=plan.MAX_DESCRIPTION, width="large"),
    },
)
st.caption(tr("plan.table_help"))

# --- timeline ----------------------------------------------------------------------------------------
st.subheader(tr("plan.timeline_title"))
dated = [a for a in shown if a.start_date and a.due_date]
if not dated:
    st.info(tr("plan.timeline_empty"))
else:
    frame = pd.DataFrame([{
        "action": a.title, "start": a.start_date, "due": a.due_date, "status": status_label[a.status],
        "dimension": dimension_title.get(a.dimension_id, a.dimension_id),
    } for a in dated])
    colours = {status_label["planned"]: "#64748B", status_label["in_progress"]: "#1D4ED8",
               status_label["done"]: "#047857", status_label["dropped"]: "#B45309"}
    figure = px.timeline(frame, x_start="start", x_end="due", y="action", color="status",
                         color_discrete_map=colours, hover_data=["dimension"],
                         labels={"action": tr("plan.col_title"), "status": tr("plan.col_status"),
                                 "dimension": tr("plan.col_dimension"), "start": tr("plan.col_start"),
                                 "due": tr("plan.col_due")})
    figure.update_yaxes(autorange="reversed", title=None)
    figure.add_vline(x=date.today().isoformat(), line_dash="dot", line_color="#0F172A")
    figure.update_layout(font=dict(size=15), height=120 + 42 * len(dated), margin=dict(l=20, r=20, t=20, b=20),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, title=None))
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
late = [a for a in shown if a.due_date and a.due_date < date.today() and a.status in ("planned", "in_progress")]
if late:
    st.warning(tr("plan.late", count=len(late), titles=", ".join(escape_md(a.title) for a in late)),
               icon=":material/schedule:")
