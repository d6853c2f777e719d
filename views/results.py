"""Resultaten: scores with coverage, radar with targets, strongest/weakest, a drill-down per score; the workbook
to download, and importing it back (check, compare, confirm, then only the differences are written)."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from assessment import service
from report.service import gather_report
from assessment.importing import (ANSWERS, APP, PLAN, TARGETS, WORKBOOK, Difference, ImportPreview, apply_workbook,
                                  preview_workbook)
from exports.workbook import build_workbook
from exports.workbook_import import MAX_BYTES, MB, SHOWN_PROBLEMS, WorkbookImportError, read_workbook
from i18n import format_number, format_percent, format_score
from scoring.engine import DimensionScore, basis, score_assessment
from ui.charts import show_chart
from access import ANSWER, AccessDenied
from kpi import service as kpis
from indicators.display import phrase_text, value_text
from indicators.figures import figure_over, latest, month_range, target_status
from ui.common import (PAGE_KPI, PAGE_PLAN, PAGE_QUESTIONNAIRE, PARAM_DIMENSION, PARAM_ORGANISATION,
                       assessment_header, attempt, catalog, database, error_text, escape_md, go_to,
                       import_problem_text, kpi_library, lang, local_time, me, permissions_in, require_assessment,
                       show_page_error, tr, who_text)

assessment, questionnaire = require_assessment()
db = database()
language = lang()

st.title(tr("results.title"))
assessment_header(assessment, questionnaire)

actor = me()
may_answer = ANSWER in permissions_in(assessment.organisation_id)
answers = service.get_answers(db, actor=actor, assessment_id=assessment.id)
targets = service.get_targets(db, actor=actor, assessment_id=assessment.id)
result = score_assessment(questionnaire, service.answer_values(answers), targets)
if result.answered == 0:
    st.info(tr("results.no_answers"), icon=":material/info:")
    if st.button(tr("results.to_questionnaire"), icon=":material/checklist:", type="primary"):
        go_to(PAGE_QUESTIONNAIRE, assessment.id)
    st.stop()


def score_text(score: float | None) -> str:
    return "–" if score is None else format_score(score, language)


def gap_text(gap: float | None) -> str:
    """A small gap is not shown as 0,0: the target is then not reached yet."""
    return "–" if gap is None else format_number(gap, language, 2 if 0 < abs(gap) < 0.05 else 1)


def coverage_text(unit) -> str:
    """What the score is based on: only the answers that are in it, and from how many parts."""
    key, params = basis(unit)
    return tr(key, **params)


def stage_text(stage: int | None) -> str:
    if stage is None:
        return tr("results.no_stage")
    return f"{stage} · {questionnaire.scale.levels[stage - 1].label.get(language)}"


def title_of(unit_id: str) -> str:
    for competency in questionnaire.competencies:
        if competency.id == unit_id:
            return competency.title.get(language)
    return questionnaire.dimension(unit_id).title.get(language)


# --- headline scores -------------------------------------------------------------------------------
columns = st.columns(1 + len(questionnaire.competencies))
with columns[0].container(border=True):
    st.metric(tr("results.overall"), score_text(result.score))
    st.markdown(tr("results.stage", stage=stage_text(result.stage)))
    st.caption(coverage_text(result))
for column, competency in zip(columns[1:], questionnaire.competencies):
    comp = result.competencies[competency.id]
    with column.container(border=True):
        st.metric(competency.title.get(language), score_text(comp.score))
        st.markdown(tr("results.stage", stage=stage_text(comp.stage)))
        st.caption(coverage_text(comp))
rule_text = tr(f"rule.{result.stage_rule}")
st.caption(tr("results.method", rule=rule_text, threshold=format_percent(result.min_coverage, language)))
if result.answered < result.total:
    st.warning(tr("results.incomplete", answered=result.answered, total=result.total), icon=":material/pending:")


# --- the KPI picture next to the maturity score, per competency ------------------------------------------
period_months = month_range(assessment.period)


def kpi_figure(entry: kpis.RegisterKpi, measurements):
    """The KPI's figure over the assessment's period, or else its latest value: (value, its period when it is
    not the assessment's, months measured within the assessment's period)."""
    kpi = entry.definition
    figure = figure_over(kpi, measurements, *period_months) if period_months else None
    if figure is not None and figure.value is not None:
        return figure.value, None, figure.months
    newest = latest(kpi, measurements)
    if newest is not None and newest[1] is not None:
        return newest[1], newest[0].period.code, None
    return None, None, None


def kpi_part(entry: kpis.RegisterKpi, found, months_note: bool) -> str:
    """'41% van de klagers voelt zich gehoord (doel 60%, nog niet gehaald)'."""
    kpi = entry.definition
    value, period, months = found
    if value is None:
        name = kpi.name.get(language)
        return tr("results.kpi_no_value", name=name if entry.from_library else escape_md(name))
    text = phrase_text(kpi, value, language)
    text = text if entry.from_library else escape_md(text)
    notes = [period] if period else []
    if months_note and months is not None and months < period_months[1]:
        notes.append(tr("results.kpi_months", months=months, total=period_months[1]))
    if entry.target is not None:
        status = target_status(kpi, value, entry.target)
        notes.append(tr(f"results.kpi_{status}", target=value_text(kpi, entry.target, language)))
    return f"{text} ({', '.join(notes)})" if notes else text


kpi_library_now, _ = kpi_library()
if kpi_library_now is not None:
    register = kpis.get_register(db, actor=actor, organisation_id=assessment.organisation_id,
                                 library=kpi_library_now)
    per_competency = {c.id: [k for k in register.usable() if k.definition.competency == c.id]
                      for c in questionnaire.competencies}
    found = {e.id: kpi_figure(e, register.measurements(e.id)) for entries in per_competency.values() for e in entries}
    # how much of the period is measured: said once when it is the same for every KPI, else per KPI
    measured = {months for _, period, months in found.values() if months is not None}
    same_months = measured.pop() if len(measured) == 1 else None
    with st.container(border=True):
        st.subheader(tr("results.kpi_title"))
        if any(per_competency.values()):
            for competency in questionnaire.competencies:
                entries = per_competency[competency.id]
                if not entries:
                    continue
                score = tr("results.kpi_score", score=score_text(result.competencies[competency.id].score))
                parts = {e.id: kpi_part(e, found[e.id], same_months is None) for e in entries}
                people = [parts[e.id] for e in entries if e.definition.people_centred]
                others = [parts[e.id] for e in entries if not e.definition.people_centred]
                st.markdown(tr("results.kpi_line", competency=competency.title.get(language),
                               parts=" · ".join([score] + people)))
                if others:
                    st.caption(tr("results.kpi_also", parts=" · ".join(others)))
            help_text = tr("results.kpi_help", period=assessment.period)
            if same_months is not None and period_months and same_months < period_months[1]:
                help_text += " " + tr("results.kpi_months_all", months=same_months, total=period_months[1],
                                      period=assessment.period)
            st.caption(help_text)
        elif register.usable():  # KPIs of competencies this questionnaire does not have
            st.caption(tr("results.kpi_other_competencies", count=len(register.usable())))
        else:
            st.caption(tr("results.kpi_none"))
        if st.button(tr("results.to_kpi"), icon=":material/monitoring:"):
            go_to(PAGE_KPI, assessment.id, **{PARAM_ORGANISATION: str(assessment.organisation_id)})

# --- radar -----------------------------------------------------------------------------------------
dimension_scores = [result.dimensions[d.id] for d in questionnaire.dimensions()]
labels = [title_of(d.dimension_id) for d in dimension_scores]
closed = labels + labels[:1]
scores = [d.score for d in dimension_scores]
target_values = [d.target for d in dimension_scores]
figure = go.Figure()
figure.add_trace(go.Scatterpolar(
    r=target_values + target_values[:1], theta=closed, name=tr("results.legend_target"),
    line=dict(color="#B45309", dash="dash", width=3), mode="lines+markers", marker=dict(symbol="diamond", size=9),
    hovertemplate="%{theta}: %{r}<extra>" + tr("results.legend_target") + "</extra>",
))
figure.add_trace(go.Scatterpolar(
    r=scores + scores[:1], theta=closed, name=tr("results.legend_score"), fill="toself",
    line=dict(color="#1D4ED8", width=3), fillcolor="rgba(29, 78, 216, 0.25)", mode="lines+markers",
    marker=dict(size=9), connectgaps=False, customdata=[score_text(v) for v in scores + scores[:1]],
    hovertemplate="%{theta}: %{customdata}<extra>" + tr("results.legend_score") + "</extra>",
))
figure.update_layout(
    polar=dict(radialaxis=dict(range=[0, 5], tickvals=[1, 2, 3, 4, 5], tickfont=dict(size=14)),
               angularaxis=dict(tickfont=dict(size=15))),
    font=dict(size=16), legend=dict(orientation="h", yanchor="bottom", y=-0.2, font=dict(size=16)),
    margin=dict(l=90, r=90, t=40, b=40), height=560,
)
st.subheader(tr("results.radar_title"))
show_chart(figure, language)
missing = [title_of(d.dimension_id) for d in dimension_scores if d.score is None]
if missing:
    st.caption(tr("results.radar_missing", dimensions=", ".join(missing)))

# --- strongest and weakest -------------------------------------------------------------------------
strong, weak = st.columns(2)
with strong.container(border=True):
    st.subheader(tr("results.strongest"))
    for item in result.strongest(3):
        st.markdown(f"- **{title_of(item.dimension_id)}**: {score_text(item.score)}")
with weak.container(border=True):
    st.subheader(tr("results.weakest"))
    for item in result.weakest(3):
        st.markdown(f"- **{title_of(item.dimension_id)}**: {score_text(item.score)}")

# --- table -----------------------------------------------------------------------------------------
st.subheader(tr("results.table_title"))
table = pd.DataFrame([{
    tr("results.col_competency"): title_of(d.competency_id),
    tr("results.col_dimension"): title_of(d.dimension_id),
    tr("results.col_score"): score_text(d.score),
    tr("results.col_stage"): d.stage,
    tr("results.col_coverage"): coverage_text(d),
    tr("results.col_target"): d.target,
    tr("results.col_gap"): gap_text(d.gap),
} for d in dimension_scores])
# tall enough for every row: no scrolling inside the table
st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)


# --- drill-down with targets -----------------------------------------------------------------------
def answer_text(value) -> str:
    if value is None:
        return tr("answer.open")
    if value == "nvt":
        return questionnaire.scale.not_applicable.get(language)
    if value == "weetniet":
        return questionnaire.scale.dont_know.get(language)
    return f"{value} · {questionnaire.scale.levels[value - 1].label.get(language)}"


def explanation(item: DimensionScore) -> list[str]:
    lines = []
    if item.no_score_reason == "all_not_applicable":
        lines.append(tr("explain.all_not_applicable"))
    elif item.no_score_reason == "low_coverage":
        lines.append(tr("explain.low_coverage", scored=item.scored, applicable=item.applicable,
                        threshold=format_percent(result.min_coverage, language)))
    else:
        lines.append(tr("explain.weighted_mean", score=score_text(item.score), scored=item.scored,
                        weight=format_number(item.weight_total, language)))
    for key, count in (("explain.not_applicable", item.not_applicable), ("explain.dont_know", item.dont_know),
                       ("explain.unanswered", item.unanswered)):
        if count:
            lines.append(tr(key, count=count))
    if item.coverage is not None:
        lines.append(tr("explain.coverage", scored=item.scored, applicable=item.applicable,
                        percent=format_percent(item.coverage, language),
                        threshold=format_percent(result.min_coverage, language)))
    if item.stage is not None:
        lines.append(tr(f"explain.stage_{result.stage_rule}", stage=item.stage))
    if item.target is not None:
        key = "explain.target_default" if item.target_is_default else "explain.target_set"
        lines.append(tr(key, target=item.target))
    if item.gap is not None:
        lines.append(tr("explain.gap", gap=gap_text(item.gap)))
    return lines


def _on_target_change(dimension_id: str) -> None:
    value = st.session_state[f"target_{dimension_id}"]
    if attempt(service.set_target, db, actor=actor, assessment_id=assessment.id, dimension_id=dimension_id,
               level=None if value == 0 else value)[0]:
        st.toast(tr("results.target_saved"), icon=":material/flag:")


st.subheader(tr("results.drilldown_title"))
st.caption(tr("results.drilldown_intro"))
show_page_error()
for item in dimension_scores:
    dimension = questionnaire.dimension(item.dimension_id)
    header = f"{title_of(item.competency_id)} › {dimension.title.get(language)}: {score_text(item.score)}"
    with st.expander(header):
        for line in explanation(item):
            st.markdown(f"- {line}")
        for number, (question, contribution) in enumerate(zip(dimension.questions, item.contributions), start=1):
            stored = answers.get(question.id)
            line = tr("results.question_line", number=number, question=question.text.get(language),
                      weight=format_number(contribution.weight, language), answer=answer_text(contribution.value),
                      counts=tr(f"counts.{contribution.status}"))
            if stored and stored.comment:
                line += "  \n" + tr("results.comment_line", comment=escape_md(stored.comment))
            st.markdown(line)
        key = f"target_{item.dimension_id}"
        st.session_state[key] = targets.get(item.dimension_id, 0)
        default_label = tr("results.target_default", target=item.target if item.target_is_default and item.target
                           else "–")
        st.selectbox(tr("results.target_label"), [0, 1, 2, 3, 4, 5], key=key,
                     format_func=lambda v, d=default_label: d if v == 0 else f"{v} · "
                     f"{questionnaire.scale.levels[v - 1].label.get(language)}",
                     on_change=_on_target_change, args=(item.dimension_id,),
                     disabled=assessment.is_final or not may_answer,
                         placeholder=tr("common.choose"))
        if st.button(tr("results.edit_answers"), key=f"edit_{item.dimension_id}", icon=":material/edit:"):
            go_to(PAGE_QUESTIONNAIRE, assessment.id, **{PARAM_DIMENSION: item.dimension_id})


# --- next step -------------------------------------------------------------------------------------
with st.container(border=True):
    st.subheader(tr("results.next_title"))
    st.markdown(tr("results.next_plan"))
    if st.button(tr("results.to_plan"), type="primary", icon=":material/flag:"):
        go_to(PAGE_PLAN, assessment.id)

# --- export ----------------------------------------------------------------------------------------
st.divider()


def workbook_bytes() -> bytes:
    report = gather_report(db, actor=actor, assessment_id=assessment.id, lookup=catalog().get)
    return build_workbook(report, language)


st.caption(tr("export.download_help"))
st.download_button(tr("export.download"), data=workbook_bytes,
                   file_name=f"klantbewust-{assessment.period}.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")

# --- import: check, compare, then write only what the user confirmed -------------------------------------
IMPORT_STATE = ("import_preview", "import_workbook", "import_problems", "import_error")
UPLOAD_CEILING_MB = 5 * MAX_BYTES // MB  # larger files are refused by the uploader itself (in English)


def _forget_import() -> None:
    for key in IMPORT_STATE:
        st.session_state.pop(key, None)


def _refused_here() -> None:
    """A refusal that `attempt` put aside for the top of the page belongs in the import box."""
    if "page_error" in st.session_state:
        st.session_state["import_error"] = st.session_state.pop("page_error")


def _check_workbook() -> None:
    _forget_import()
    uploaded = st.session_state.get("import_file")
    if uploaded is None:
        return
    try:
        workbook = read_workbook(uploaded.getvalue(), catalog().get)
    except WorkbookImportError as error:
        st.session_state["import_problems"] = error.problems
        return
    if workbook.assessment_id != assessment.id:
        st.session_state["import_error"] = tr("import.other_assessment", period=escape_md(workbook.period),
                                              organisation=escape_md(workbook.organisation))
        return
    ok, preview = attempt(preview_workbook, db, workbook, actor=actor)
    if ok:
        st.session_state["import_preview"], st.session_state["import_workbook"] = preview, workbook
    _refused_here()


def _choice_key(preview: ImportPreview, difference: Difference) -> str:
    return f"import_choice_{preview.signature[:12]}_{difference.key}"


def _remove_key(preview: ImportPreview, difference: Difference) -> str:
    return f"import_remove_{preview.signature[:12]}_{difference.key}"


def _choose_all(choice: str) -> None:
    preview = st.session_state.get("import_preview")
    for difference in preview.conflicts if preview else ():
        st.session_state[_choice_key(preview, difference)] = choice


def _confirm_import() -> None:
    preview, workbook = st.session_state.get("import_preview"), st.session_state.get("import_workbook")
    if preview is None or workbook is None:
        return
    choices = {d.key: st.session_state.get(_choice_key(preview, d)) for d in preview.conflicts}
    undecided = sum(1 for choice in choices.values() if choice is None)
    if undecided:
        st.session_state["import_error"] = tr("import.choice_missing", count=undecided)
        return
    remove = [d.key for d in preview.removals if st.session_state.get(_remove_key(preview, d))]
    ok, written = attempt(apply_workbook, db, workbook, actor=actor, confirmed=preview, choices=choices,
                          remove=remove)
    if ok:
        _forget_import()
        parts = [tr(f"import.written_{kind}", count=n) for kind, n in written.items() if n]
        st.session_state["import_done"] = tr("import.done", parts=", ".join(parts)) if parts else \
            tr("import.done_nothing")
        return
    _refused_here()
    # the comparison may be out of date (the app changed in the meantime): show what is true now
    again, fresh = attempt(preview_workbook, db, workbook, actor=actor)
    if again:
        st.session_state["import_preview"] = fresh
    else:
        st.session_state.pop("import_preview", None)
        _refused_here()


def _cancel_import() -> None:
    _forget_import()
    st.session_state["import_done"] = tr("import.cancelled")


def _item(difference: Difference, short: bool = False) -> str:
    """What a row is about, as people know it: the question (its code, with its text unless `short`), the
    section or the action."""
    if difference.sheet == ANSWERS:
        if short:
            return difference.label
        text = questionnaire.question(difference.label).text.get(language)
        return f"{difference.label} · {text if len(text) <= 60 else text[:59].rstrip() + '…'}"
    if difference.sheet == TARGETS:
        return title_of(difference.label)
    return difference.label


def _field_name(difference: Difference, name: str) -> str:
    if difference.sheet == TARGETS:
        return tr("field.level")
    return tr(f"field.{name}")


def _shown(difference: Difference, name: str, value) -> str:
    """A value of a difference as text."""
    if name == "value":
        return answer_text(value)
    if name == "level":
        return tr("import.target_default") if value is None else \
            f"{value} · {questionnaire.scale.levels[value - 1].label.get(language)}"
    if name == "dimension_id":
        return title_of(value) if value else ""
    if name == "status":
        return tr(f"plan.status_{value}")
    if name in ("start_date", "due_date"):
        return date.fromisoformat(value).strftime("%d-%m-%Y") if value else tr("import.value_empty")
    if name == "expected_gain":
        return format_number(value, language, 2).rstrip("0").rstrip(",.") if value is not None else ""
    return value if value not in (None, "") else tr("import.value_empty")


def _action_summary(values: dict) -> str:
    parts = [values.get("title") or "", title_of(values["dimension_id"]) if values.get("dimension_id") else "",
             tr(f"plan.status_{values['status']}") if values.get("status") else ""]
    return " · ".join(part for part in parts if part)


def _table_rows(differences) -> list[dict]:
    rows = []
    for difference in differences:
        common = {tr("import.col_row"): str(difference.row) if difference.row else "–",
                  tr("import.col_item"): _item(difference)}
        if difference.kind == "added" and difference.sheet == PLAN:  # new in the workbook, or (kept) in the app
            rows.append(common | {tr("import.col_field"): tr("import.value_new"),
                                  tr("import.col_app"): _action_summary(difference.app) or "–",
                                  tr("import.col_workbook"): _action_summary(difference.workbook) or "–"})
        elif difference.kind == "removed":
            rows.append(common | {tr("import.col_field"): tr("import.value_removed"),
                                  tr("import.col_app"): _action_summary(difference.app) or "–",
                                  tr("import.col_workbook"): _action_summary(difference.workbook) or "–"})
        else:
            for name in difference.fields:
                rows.append(common | {tr("import.col_field"): _field_name(difference, name),
                                      tr("import.col_app"): _shown(difference, name, difference.app.get(name)),
                                      tr("import.col_workbook"): _shown(difference, name,
                                                                        difference.workbook.get(name))})
    return rows


def _show_table(differences) -> None:
    rows = _table_rows(differences)
    if rows:
        # every column in view: the values side by side matter most
        columns = {tr("import.col_row"): st.column_config.TextColumn(width=40),
                   tr("import.col_item"): st.column_config.TextColumn(width=300),
                   tr("import.col_field"): st.column_config.TextColumn(width=100),
                   tr("import.col_app"): st.column_config.TextColumn(width=220),
                   tr("import.col_workbook"): st.column_config.TextColumn(width=220)}
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3,
                     column_config=columns)


def _who(difference: Difference) -> str:
    if difference.changed_by and difference.changed_at:
        return tr("import.changed_by", when=local_time(difference.changed_at),
                  who=escape_md(who_text(difference.changed_by)))
    return tr("import.changed_unknown")


def _show_conflict(preview: ImportPreview, difference: Difference) -> None:
    with st.container(border=True):
        item = _item(difference)
        where = f"{tr(SHEET_NAMES[difference.sheet])}" + (
            f", {tr('import.col_row').lower()} {difference.row}" if difference.row else "")
        st.markdown(f"**{escape_md(item)}** ({where})")
        names = difference.conflicts or difference.fields or tuple(difference.app)
        app_side, workbook_side = st.columns(2)
        with app_side:
            st.markdown(f"**{tr('import.side_app')}**")
            if difference.removed_in_app:
                st.markdown(tr("import.removed_in_app"))
            else:
                for name in names:
                    if name in difference.app:
                        st.markdown(f"{_field_name(difference, name)}: "
                                    f"{escape_md(_shown(difference, name, difference.app[name]))}")
            st.caption(_who(difference))
        with workbook_side:
            st.markdown(f"**{tr('import.side_workbook')}**")
            if difference.kind == "removed":
                st.markdown(tr("import.removed_in_workbook"))
            else:
                for name in names:
                    if name in difference.workbook:
                        st.markdown(f"{_field_name(difference, name)}: "
                                    f"{escape_md(_shown(difference, name, difference.workbook[name]))}")
        st.radio(tr("import.choice_label", item=escape_md(_item(difference, short=True))), [APP, WORKBOOK],
                 index=None, horizontal=True,
                 key=_choice_key(preview, difference),
                 format_func=lambda choice: tr("import.choice_app" if choice == APP else "import.choice_workbook"))


SHEET_NAMES = {ANSWERS: "export.sheet_answers", TARGETS: "export.sheet_scores", PLAN: "export.sheet_plan"}


def _show_preview(preview: ImportPreview) -> None:
    st.subheader(tr("import.preview_title"))
    st.caption(tr("import.exported_at", when=local_time(preview.exported_at)))
    if preview.new_assessment:
        st.info(tr("import.new_assessment"), icon=":material/info:")
    if preview.kept:
        st.info(tr("import.kept", count=len(preview.kept)), icon=":material/info:")
    if not preview.differences:
        st.success(tr("import.no_differences"), icon=":material/check_circle:")
        if preview.kept:
            st.markdown(f"**{tr('import.kept_title')}**")
            _show_table(preview.kept)
        return
    counts = preview.counts()
    parts = [tr(f"import.count_{kind}", count=n) for kind, n in counts.items() if n]
    st.markdown(tr("import.summary", parts=", ".join(parts)))
    plain = [d for d in preview.differences if not d.conflict]
    if plain:
        st.markdown(f"**{tr('import.details')}**")
        for sheet in (ANSWERS, TARGETS, PLAN):
            in_sheet = [d for d in plain if d.sheet == sheet]
            if in_sheet:
                st.markdown(tr(SHEET_NAMES[sheet]))
                _show_table(in_sheet)
    if preview.kept:
        st.markdown(f"**{tr('import.kept_title')}**")
        _show_table(preview.kept)
    if preview.conflicts:
        st.subheader(tr("import.conflicts_title"))
        st.markdown(tr("import.conflicts_help"))
        keep, take = st.columns(2)
        keep.button(tr("import.keep_all_app"), on_click=_choose_all, args=(APP,), width="stretch",
                    icon=":material/smartphone:")
        take.button(tr("import.take_all_workbook"), on_click=_choose_all, args=(WORKBOOK,), width="stretch",
                    icon=":material/table_view:")
        for difference in preview.conflicts:
            _show_conflict(preview, difference)
    if preview.removals:
        st.subheader(tr("import.removed_title"))
        st.markdown(tr("import.removed_help"))
        for difference in preview.removals:
            st.checkbox(tr("import.remove_label", title=escape_md(difference.label)),
                        key=_remove_key(preview, difference))
    confirm, cancel = st.columns(2)
    confirm.button(tr("import.confirm"), type="primary", on_click=_confirm_import, width="stretch",
                   icon=":material/save:")
    cancel.button(tr("import.cancel"), on_click=_cancel_import, width="stretch", icon=":material/close:")


if may_answer:
    active = any(key in st.session_state for key in IMPORT_STATE + ("import_done",))
    with st.expander(tr("import.title"), icon=":material/upload_file:", expanded=active):
        st.caption(tr("import.help"))
        if "import_done" in st.session_state:
            st.success(st.session_state.pop("import_done"), icon=":material/check_circle:")
        # the limit is said (and checked) in the user's language; the uploader's own English line about its
        # larger ceiling would contradict it, so it is hidden
        st.html("<style>.st-key-import_file [data-testid='stFileUploaderDropzoneInstructions']{display:none}"
                "</style>")
        # other spreadsheet files are let through, so that the app can say in the user's language what to do
        uploaded = st.file_uploader(tr("import.upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"], key="import_file",
                                    max_upload_size=UPLOAD_CEILING_MB, on_change=_forget_import)
        st.caption(tr("import.upload_limit", max=MAX_BYTES // MB))
        if uploaded is not None:
            st.button(tr("import.check"), icon=":material/fact_check:", on_click=_check_workbook)
        if "import_error" in st.session_state:
            st.error(st.session_state["import_error"], icon=":material/error:")
        problems = st.session_state.get("import_problems")
        if problems:
            lines = "\n".join("- " + import_problem_text(problem) for problem in problems[:SHOWN_PROBLEMS])
            more = len(problems) - SHOWN_PROBLEMS
            st.error(tr("import.failed") + "\n\n" + lines + (
                "\n\n" + tr("import.more_problems", count=more) if more > 0 else ""), icon=":material/error:")
        if "import_preview" in st.session_state:
            _show_preview(st.session_state["import_preview"])

# --- finalise --------------------------------------------------------------------------------------
st.divider()
if assessment.is_final:
    when = local_time(assessment.finalised_at, "%d-%m-%Y") if assessment.finalised_at else ""
    st.success(tr("results.is_final", date=when), icon=":material/lock:")
elif not may_answer:
    pass  # reading only: nothing to finalise
elif not st.session_state.get("confirm_finalise"):
    st.caption(tr("results.finalise_help"))
    if st.button(tr("results.finalise"), icon=":material/lock:"):
        st.session_state["confirm_finalise"] = True
        st.rerun()
else:
    with st.container(border=True):
        st.subheader(tr("results.finalise_title"))
        st.warning(tr("results.finalise_confirm"), icon=":material/warning:")
        if result.answered < result.total:
            st.warning(tr("results.incomplete", answered=result.answered, total=result.total))
        yes, no = st.columns(2)
        if yes.button(tr("results.finalise_yes"), type="primary", width="stretch"):
            st.session_state.pop("confirm_finalise", None)
            try:
                service.finalise_assessment(db, actor=actor, assessment_id=assessment.id, questionnaire=questionnaire)
            except service.AssessmentIsFinal:
                pass  # finalised meanwhile, from another tab: the page shows it after the rerun
            except AccessDenied as refused:
                st.session_state["page_error"] = error_text(refused)
            st.rerun()
        if no.button(tr("results.finalise_no"), width="stretch"):
            st.session_state.pop("confirm_finalise", None)
            st.rerun()
