"""Verbeterplan: suggested actions for the gaps, the plan as an editable table, and a timeline."""

from datetime import date

import pandas as pd
import streamlit as st

from plan import service as plan
from assessment import service
from kpi import service as kpis
from indicators.figures import effect
from scoring.engine import score_assessment
from scoring.legal import check_legal_minimum
from ui.charts import show_chart
from access import ANSWER
from ui.language import lang, tr
from ui.safe_text import escape_md
from ui.session import (attempt, database, flash, keep_choices, kpi_library, me, pending, permissions_in, show_flash,
                        show_page_error)
from ui.url_state import assessment_header, require_assessment
from ui.kpi_view import effect_parts
from ui.plan_table import FIELDS, cell_to_field, editor_changes, plan_timeline

assessment, questionnaire = require_assessment()
db = database()
actor = me()
language = lang()
may_change = ANSWER in permissions_in(assessment.organisation_id)

st.title(tr("plan.title"), anchor=False)
assessment_header(assessment, questionnaire)
if assessment.is_final:
    st.caption(tr("plan.final_still_editable"))
show_flash()  # e.g. "3 acties toegevoegd aan het plan"

answers = service.answer_values(service.get_answers(db, actor=actor, assessment_id=assessment.id))
result = score_assessment(questionnaire, answers, service.get_targets(db, actor=actor, assessment_id=assessment.id))
legal = check_legal_minimum(questionnaire, service.answer_values(
    service.get_legal_answers(db, actor=actor, assessment_id=assessment.id)))
legal_action_ids = {item.action.id for item in questionnaire.legal_items()}
# the fixes of legal requirements come first in the plan, whenever they were added
actions = sorted((plan.in_language(a, questionnaire, language)
                  for a in plan.list_actions(db, actor=actor, assessment_id=assessment.id)),
                 key=lambda a: (a.library_action_id not in legal_action_ids, a.id))

dimension_title = {d.id: d.title.get(language) for d in questionnaire.dimensions()}
competency_of = {d.id: questionnaire.competency_of(d.id).id for d in questionnaire.dimensions()}
competency_title = {c.id: c.title.get(language) for c in questionnaire.competencies}
status_label = {code: tr(f"plan.status_{code}") for code in plan.STATUSES}
library, _ = kpi_library()
register = kpis.get_register(db, actor=actor, organisation_id=assessment.organisation_id, library=library) \
    if library is not None else None
register_kpis = register.usable() if register is not None else []
# a label per register KPI for the table (its name; with its id when two names are the same)
kpi_names = [k.name(language) for k in register_kpis]
kpi_label = {k.id: k.name(language) if kpi_names.count(k.name(language)) == 1 else f"{k.name(language)} ({k.code})"
             for k in register_kpis}
kpi_by_label = {label: entry_id for entry_id, label in kpi_label.items()}

show_page_error()
if not may_change:
    st.info(tr("plan.reader"), icon=":material/visibility:")

# --- suggestions -------------------------------------------------------------------------------------
in_plan = {a.library_action_id for a in actions if a.library_action_id}
suggestions = [s for s in plan.suggest(questionnaire, result, legal) if s.action.id not in in_plan]
legal_open = [s for s in suggestions if s.kind == "legal"]
if legal_open:
    st.error(tr("plan.legal_first", count=len(legal_open),
                items=", ".join(questionnaire.legal_item(s.legal_item_id).article for s in legal_open)),
             icon=":material/gavel:")


def suggestion_label(suggestion: plan.Suggestion) -> str:
    title = suggestion.action.title.get(language)
    if suggestion.kind == "legal":
        item = questionnaire.legal_item(suggestion.legal_item_id)
        return tr("plan.suggestion_legal", article=item.article, requirement=item.short.get(language), title=title)
    if suggestion.kind == "question":
        return tr("plan.suggestion_question", question=questionnaire.question(suggestion.question_id).text.get(language),
                  step_from=suggestion.from_level, step_to=suggestion.from_level + 1, title=title)
    return tr("plan.suggestion_label", dimension=dimension_title[suggestion.dimension_id],
              step_from=suggestion.from_level, step_to=suggestion.from_level + 1, title=title)


with st.expander(tr("plan.suggestions_title", count=len(suggestions)),
                 expanded=may_change and (not actions or bool(legal_open)) and bool(suggestions),
                 icon=":material/lightbulb:"):
    st.caption(tr("plan.priority_rule"))
    if not suggestions:
        st.info(tr("plan.no_suggestions"))
    for suggestion in suggestions:
        st.checkbox(suggestion_label(suggestion), key=f"suggest_{suggestion.action.id}",
                    disabled=not may_change)
        kind = suggestion.action.kpi_kind  # from the questionnaire's data: what the KPI measures
        st.caption(tr("plan.suggestion_detail_kind", kind=tr(f"plan.kpi_kind_{kind}"),
                      description=suggestion.action.description.get(language), kpi=suggestion.action.kpi.get(language))
                   if kind else tr("plan.suggestion_detail", description=suggestion.action.description.get(language),
                                   kpi=suggestion.action.kpi.get(language)))
    if may_change and suggestions and st.button(tr("plan.add_selected"), type="primary",
                                                icon=":material/playlist_add:"):
        chosen = [plan.from_suggestion(s, language) for s in suggestions
                  if st.session_state.get(f"suggest_{s.action.id}")]
        if chosen:
            done, _ = attempt(plan.add_actions, db, actor=actor, assessment_id=assessment.id,
                              questionnaire=questionnaire, actions=chosen)
            if done:
                flash(tr("plan.actions_added", count=len(chosen)))
                for suggestion in suggestions:  # added: no longer ticked
                    st.session_state.pop(f"suggest_{suggestion.action.id}", None)
            st.rerun()
        st.warning(tr("plan.nothing_selected"))

# --- filters -----------------------------------------------------------------------------------------
st.header(tr("plan.table_title"), anchor=False)
left, right = st.columns(2)
statuses = left.multiselect(tr("plan.filter_status"), list(plan.STATUSES), default=list(plan.STATUSES),
                            format_func=status_label.__getitem__, key="plan_filter_status",
                                placeholder=tr("common.choose_many"))
competencies = right.multiselect(tr("plan.filter_competency"), list(competency_title),
                                 default=list(competency_title), format_func=competency_title.__getitem__,
                                 key="plan_filter_competency", placeholder=tr("common.choose_many"))
shown = [a for a in actions if a.status in statuses and competency_of.get(a.dimension_id) in competencies]

# --- the plan as an editable table -------------------------------------------------------------------
COLUMN_KEYS = {"title": "plan.col_title", "status": "plan.col_status", "due_date": "plan.col_due",
               "owner": "plan.col_owner", "dimension_id": "plan.col_dimension", "start_date": "plan.col_start",
               "expected_gain": "plan.col_gain", "kpi": "plan.col_kpi", "kpi_target": "plan.col_kpi_target",
               "kpi_entry_id": "plan.col_kpi_entry", "description": "plan.col_description"}
COLUMNS = {name: tr(COLUMN_KEYS[name]) for name in FIELDS}  # the most used first: the table scrolls sideways
dimension_by_title = {title: did for did, title in dimension_title.items()}
status_by_label = {label: code for code, label in status_label.items()}


def apply_edits(shown_ids: list[int]) -> None:
    field_of_label = {label: name for name, label in COLUMNS.items()}
    updates, additions, deletions = editor_changes(
        st.session_state["plan_editor"], shown_ids, field_of_label,
        lambda name, value: cell_to_field(name, value, dimension_by_title, status_by_label, kpi_by_label))
    # kept when the database is away: the table's edits so far (each edit repeats the earlier ones) are made
    # again by themselves once it is back
    if attempt(plan.apply_changes, db, actor=actor, assessment_id=assessment.id, questionnaire=questionnaire,
               updates=updates, additions=additions, deletions=deletions, keep=("plan", assessment.id))[0]:
        st.toast(tr("questionnaire.saved"), icon=":material/check_circle:")


def as_date_column(values) -> pd.Series:
    """Dates with empty cells as NaT, so an empty date shows as an empty cell (not as "None")."""
    return pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce")


def text_column(values) -> pd.Series:
    return pd.Series(values, dtype=object)


table = pd.DataFrame({
    COLUMNS["title"]: text_column([a.title for a in shown]),
    COLUMNS["dimension_id"]: text_column([dimension_title.get(a.dimension_id, a.dimension_id) for a in shown]),
    COLUMNS["owner"]: text_column([a.owner for a in shown]),
    COLUMNS["start_date"]: as_date_column([a.start_date for a in shown]),
    COLUMNS["due_date"]: as_date_column([a.due_date for a in shown]),
    COLUMNS["status"]: text_column([status_label[a.status] for a in shown]),
    COLUMNS["expected_gain"]: pd.Series([a.expected_gain for a in shown], dtype=float),
    COLUMNS["kpi"]: text_column([a.kpi for a in shown]),
    COLUMNS["kpi_target"]: text_column([a.kpi_target for a in shown]),
    COLUMNS["kpi_entry_id"]: text_column([kpi_label.get(a.kpi_entry_id, "") for a in shown]),
    COLUMNS["description"]: text_column([a.description for a in shown]),
}, columns=list(COLUMNS.values()))
# A laptop shows about five columns; the user chooses which (the action itself always stays in view).
MAIN_COLUMNS = ["title", "status", "due_date", "owner", "dimension_id"] + (["kpi_entry_id"] if register_kpis else [])
visible = st.multiselect(tr("plan.columns"), [f for f in FIELDS if f != "title"],
                         default=[f for f in MAIN_COLUMNS if f != "title"], format_func=COLUMNS.__getitem__,
                         key="plan_columns", placeholder=tr("common.choose_many"))
keep_choices("plan_filter_status", "plan_filter_competency", "plan_columns")  # kept while the database is away
if pending(("plan", assessment.id)):  # the edits in the table below are not stored yet
    st.warning(tr("storage.pending_mark"), icon=":material/cloud_off:")
st.data_editor(
    table, key="plan_editor", on_change=apply_edits, args=([a.id for a in shown],),
    num_rows="dynamic" if may_change else "fixed", disabled=not may_change,
    hide_index=True, width="stretch", column_order=[COLUMNS["title"]] + [COLUMNS[f] for f in visible],
    column_config={
        COLUMNS["title"]: st.column_config.TextColumn(required=True, max_chars=plan.MAX_TITLE, width=280,
                                                      pinned=True),
        COLUMNS["dimension_id"]: st.column_config.SelectboxColumn(options=list(dimension_title.values()),
                                                                  required=True, width=180),
        COLUMNS["owner"]: st.column_config.TextColumn(max_chars=plan.MAX_OWNER, width=130),
        COLUMNS["start_date"]: st.column_config.DateColumn(format="DD-MM-YYYY", width=105),
        COLUMNS["due_date"]: st.column_config.DateColumn(format="DD-MM-YYYY", width=105),
        COLUMNS["status"]: st.column_config.SelectboxColumn(options=list(status_label.values()), required=True,
                                                            default=status_label["planned"], width=110),
        COLUMNS["expected_gain"]: st.column_config.NumberColumn(min_value=0, max_value=4, step=0.5, default=1.0,
                                                                width=110),
        COLUMNS["kpi"]: st.column_config.TextColumn(max_chars=plan.MAX_KPI, width=260),
        COLUMNS["kpi_target"]: st.column_config.TextColumn(max_chars=plan.MAX_KPI_TARGET, width=130),
        COLUMNS["kpi_entry_id"]: st.column_config.SelectboxColumn(options=list(kpi_by_label), width=220),
        COLUMNS["description"]: st.column_config.TextColumn(max_chars=plan.MAX_DESCRIPTION, width=320),
    }, placeholder="")
st.caption(tr("plan.table_help"))

# --- timeline ----------------------------------------------------------------------------------------
st.header(tr("plan.timeline_title"), anchor=False)
dated = [a for a in shown if a.start_date and a.due_date]
if not dated:
    st.info(tr("plan.timeline_empty"))
else:
    months = tr("plan.months").split()
    figure = plan_timeline(dated, status_label, lambda d: f"{d.day} {months[d.month - 1]} {d.year}", months)
    show_chart(figure, language)
    # the same facts as text, for screen readers and for reading without the chart
    with st.expander(tr("plan.timeline_as_table")):
        st.table(pd.DataFrame({  # st.table reads its cells as markdown: the titles are user text
            tr("plan.col_title"): [escape_md(a.title) for a in dated],
            tr("plan.col_start"): [a.start_date.strftime("%d-%m-%Y") for a in dated],
            tr("plan.col_due"): [a.due_date.strftime("%d-%m-%Y") for a in dated],
            tr("plan.col_status"): [status_label[a.status] for a in dated]}))
late = [a for a in shown if a.due_date and a.due_date < date.today() and a.status in ("planned", "in_progress")]
if late:
    st.warning(tr("plan.late", count=len(late), titles=", ".join(escape_md(a.title) for a in late)),
               icon=":material/schedule:")

# --- the effect of actions on register KPIs ------------------------------------------------------------
if register_kpis:
    st.header(tr("plan.effect_title"), anchor=False)
    linked = [a for a in shown if a.kpi_entry_id in kpi_label]
    if not linked:
        st.caption(tr("plan.effect_help"))
    for action in linked:
        entry = register.entry(action.kpi_entry_id)
        name = entry.name(language) if entry.from_library else escape_md(entry.name(language))
        if action.start_date is None:
            st.markdown("- " + tr("plan.effect_no_start", title=escape_md(action.title), kpi=name))
            continue
        before, after = effect_parts(entry.definition, effect(entry.definition, register.measurements(entry.id),
                                                              action.start_date), language)
        st.markdown("- " + tr("plan.effect_line", title=escape_md(action.title),
                              start=action.start_date.strftime("%d-%m-%Y"), kpi=name,
                              before=before or tr("kpi.effect_no_before"),
                              after=", ".join(after) if after else tr("kpi.effect_no_after")))
