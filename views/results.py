"""Resultaten: scores with coverage, the KPI picture (ui/kpi_picture.py), radar with targets, strongest/weakest,
a drill-down per score; the workbook to download, and importing it back (ui/workbook_import.py: check, compare,
confirm, then only the differences are written)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from access import ANSWER, AccessDenied
from assessment import service
from exports.workbook import build_workbook
from i18n import format_number, format_percent, format_score
from report.service import gather_report
from scoring.engine import DimensionScore, basis, score_areas, score_assessment
from scoring.legal import breach_text, check_legal_minimum, stage_with_breach
from ui.charts import show_chart
from ui.kpi_picture import show_kpi_picture
from ui.legal_view import show_legal_minimum
from ui.language import lang, tr
from ui.messages import error_text
from ui.paths import PAGE_PLAN, PAGE_QUESTIONNAIRE
from ui.safe_text import escape_md, local_time
from ui.session import attempt, catalog, database, me, pending, permissions_in, show_page_error
from ui.url_state import PARAM_DIMENSION, assessment_header, go_to, require_assessment
from ui.workbook_import import show_workbook_import

assessment, questionnaire = require_assessment()
db = database()
language = lang()

st.title(tr("results.title"), anchor=False)
assessment_header(assessment, questionnaire)

actor = me()
may_answer = ANSWER in permissions_in(assessment.organisation_id)
with st.spinner(tr("results.computing")):  # a first visit reads and computes a while: say so
    answers = service.get_answers(db, actor=actor, assessment_id=assessment.id)
    targets = service.get_targets(db, actor=actor, assessment_id=assessment.id)
    result = score_assessment(questionnaire, service.answer_values(answers), targets)
    legal = check_legal_minimum(questionnaire, service.answer_values(
        service.get_legal_answers(db, actor=actor, assessment_id=assessment.id)))
if legal.exists:  # the law first, apart from the scores
    show_legal_minimum(questionnaire, legal, language)
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


def stage_text(stage: int | None, breaches=()) -> str:
    """The stage in words, with the legal requirements not met in this part beside it."""
    if stage is None:
        return tr("results.no_stage")
    return stage_with_breach(f"{stage} · {questionnaire.scale.levels[stage - 1].label.get(language)}", list(breaches),
                             language)


def title_of(unit_id: str) -> str:
    for competency in questionnaire.competencies:
        if competency.id == unit_id:
            return competency.title.get(language)
    return questionnaire.dimension(unit_id).title.get(language)


# --- headline scores -------------------------------------------------------------------------------
columns = st.columns(1 + len(questionnaire.competencies))
with columns[0].container(border=True):
    st.metric(tr("results.overall"), score_text(result.score))
    st.markdown(tr("results.stage", stage=stage_text(result.stage, legal.not_met)))
    st.caption(coverage_text(result))
for column, competency in zip(columns[1:], questionnaire.competencies):
    comp = result.competencies[competency.id]
    with column.container(border=True):
        st.metric(competency.title.get(language), score_text(comp.score))
        st.markdown(tr("results.stage", stage=stage_text(
            comp.stage, legal.not_met_in_competency(questionnaire, competency.id))))
        st.caption(coverage_text(comp))
rule_text = tr(f"rule.{result.stage_rule}")
st.caption(tr("results.method", rule=rule_text, threshold=format_percent(result.min_coverage, language)))
if result.answered < result.total:
    st.warning(tr("results.incomplete", answered=result.answered, total=result.total), icon=":material/pending:")


# --- the KPI picture next to the maturity score, per competency ------------------------------------------
show_kpi_picture(db, actor, assessment, questionnaire, result, score_text)

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
st.header(tr("results.radar_title"), anchor=False)
show_chart(figure, language)
missing = [title_of(d.dimension_id) for d in dimension_scores if d.score is None]
if missing:
    st.caption(tr("results.radar_missing", dimensions=", ".join(missing)))

# --- strongest and weakest -------------------------------------------------------------------------
# never the same part in both lists: with 2 scored parts one each, with 1 none (the page says why)
strongest, weakest = result.strongest(3), result.weakest(3)
if strongest:
    strong, weak = st.columns(2)
    for column, key, items in ((strong, "results.strongest", strongest), (weak, "results.weakest", weakest)):
        with column.container(border=True):
            st.header(tr(key), anchor=False)
            for item in items:
                st.markdown(f"- **{title_of(item.dimension_id)}**: {score_text(item.score)}")
else:
    st.caption(tr("results.too_few_to_rank"))

# --- table -----------------------------------------------------------------------------------------
st.header(tr("results.table_title"), anchor=False)
table = pd.DataFrame([{
    tr("results.col_competency"): title_of(d.competency_id),
    tr("results.col_dimension"): title_of(d.dimension_id),
    tr("results.col_score"): score_text(d.score),
    tr("results.col_stage"): stage_text(d.stage),
    **({tr("results.col_legal"): breach_text(legal.not_met_in(d.dimension_id), language) or "–"} if legal.exists else {}),
    tr("results.col_coverage"): coverage_text(d),
    tr("results.col_target"): str(d.target) if d.target is not None else "–",
    tr("results.col_gap"): gap_text(d.gap),
} for d in dimension_scores])
# a plain table: every row in view, and no grid toolbar named in English ("Download as CSV", "Search"); its
# cells are read as markdown, and hold only the questionnaire's titles and our own words
st.table(table, hide_index=True)


# --- the scan seen through the areas of a framework (the Gouden Oor organisation areas) ----------------
areas = score_areas(questionnaire, service.answer_values(answers))
if areas:
    area_framework = next(fw for fw in questionnaire.frameworks if fw.id == questionnaire.area_view.framework)
    area_title = {item.id: item.title.get(language) for item in area_framework.items}
    st.header(tr("results.areas_title", framework=area_framework.title.get(language)), anchor=False)
    st.caption(questionnaire.area_view.note.get(language))
    area_scores = list(areas.values())
    area_labels = [area_title[a.dimension_id] for a in area_scores]
    area_values = [a.score for a in area_scores]
    area_figure = go.Figure(go.Scatterpolar(
        r=area_values + area_values[:1], theta=area_labels + area_labels[:1], name=tr("results.legend_score"),
        fill="toself", line=dict(color="#1D4ED8", width=3), fillcolor="rgba(29, 78, 216, 0.25)",
        mode="lines+markers", marker=dict(size=9), connectgaps=False,
        customdata=[score_text(v) for v in area_values + area_values[:1]],
        hovertemplate="%{theta}: %{customdata}<extra></extra>"))
    area_figure.update_layout(
        polar=dict(radialaxis=dict(range=[0, 5], tickvals=[1, 2, 3, 4, 5], tickfont=dict(size=14)),
                   angularaxis=dict(tickfont=dict(size=15))),
        font=dict(size=16), showlegend=False, margin=dict(l=90, r=90, t=40, b=40), height=460)
    show_chart(area_figure, language)
    st.dataframe(pd.DataFrame([{
        tr("results.col_area"): area_title[a.dimension_id],
        tr("results.col_score"): score_text(a.score),
        tr("results.col_stage"): stage_text(a.stage),
        tr("results.col_coverage"): coverage_text(a),
    } for a in area_scores]), hide_index=True, width="stretch", height=35 * (len(area_scores) + 1) + 3)


# --- drill-down with targets -----------------------------------------------------------------------
def answer_text(value) -> str:
    if value is None:
        return tr("answer.open")
    if value in (service.YES, service.NO):
        minimum = questionnaire.legal_minimum
        return (minimum.yes if value == service.YES else minimum.no).get(language)
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
               level=None if value == 0 else value, keep=("target", assessment.id, dimension_id))[0]:
        st.toast(tr("results.target_saved"), icon=":material/flag:")


st.header(tr("results.drilldown_title"), anchor=False)
st.caption(tr("results.drilldown_intro"))
show_page_error()
for item in dimension_scores:
    dimension = questionnaire.dimension(item.dimension_id)
    header = f"{title_of(item.competency_id)} › {dimension.title.get(language)}: {score_text(item.score)}"
    breaches = legal.not_met_in(item.dimension_id)
    with st.expander(header + (" — " + tr("legal.breach", count=len(breaches),
                                          articles=", ".join(b.item.article for b in breaches)) if breaches else "")):
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
        kept = pending(("target", assessment.id, item.dimension_id))  # chosen while the database was away
        st.session_state[key] = (kept["level"] or 0) if kept else targets.get(item.dimension_id, 0)
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
    st.header(tr("results.next_title"), anchor=False)
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
if may_answer:
    show_workbook_import(db, actor, assessment, questionnaire, title_of, answer_text)

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
        st.header(tr("results.finalise_title"), anchor=False)
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
