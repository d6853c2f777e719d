"""Geschiedenis: every assessment of the organisation, trends, and what changed between two assessments."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plan import service as plan
from assessment import service
from assessment.history import compare_entries, default_pair, organisation_history
from i18n import format_change, format_number, format_percent, shown_change
from scoring.comparison import headline_facts
from scoring.engine import basis
from scoring.legal import summary_text
from ui.charts import show_chart
from access import AccessDenied
from kpi import service as kpis
from indicators.display import figure_text, value_text
from indicators.figures import figure_over, month_range, months_measured
from ui.language import lang, tr
from ui.paths import PAGE_START
from ui.safe_text import escape_md
from ui.session import catalog, database, keep_choices, kpi_library, me
from ui.url_state import current_assessment, go_to
from ui.page_meta import set_context

db = database()
actor = me()
language = lang()
st.title(tr("history.title"), anchor=False)

# --- which organisation: the one of the open assessment, else the one chosen on Start, else choose ---------
assessment = current_assessment()
organisation_id = assessment.organisation_id if assessment else st.session_state.get("organisation_id")
try:  # only the organisation shown is read, however many there are
    organisation = service.get_organisation(db, organisation_id, actor=actor) if organisation_id else None
except AccessDenied:
    organisation = None
if organisation is None:
    st.info(tr("history.choose_on_start"), icon=":material/home:")
    if st.button(tr("nav.to_start"), icon=":material/home:"):
        go_to(PAGE_START)
    st.stop()
st.caption(escape_md(organisation.name))
set_context(organisation.name)

entries = organisation_history(db, actor=actor, organisation_id=organisation.id, lookup=catalog().get)
scored = [e for e in entries if e.result is not None]
if not scored:
    st.info(tr("history.no_assessments"))
    st.stop()


def title_of(entry, unit_id: str) -> str:
    questionnaire = entry.questionnaire
    for competency in questionnaire.competencies:
        if competency.id == unit_id:
            return competency.title.get(language)
    for dimension in questionnaire.dimensions():
        if dimension.id == unit_id:
            return dimension.title.get(language)
    return unit_id


def number(value) -> str:
    return "–" if value is None else format_number(value, language)


def draft_note(entry) -> None:
    """A comparison with a draft may rest on answers copied from last year that nobody checked yet."""
    if entry.assessment.is_final:
        return
    unchecked = service.progress(db, actor=actor, assessment_ids=[entry.assessment.id])[entry.assessment.id].unchecked
    key = "history.draft_unchecked" if unchecked else "history.draft"
    st.warning(tr(key, period=entry.assessment.period, count=unchecked), icon=":material/edit_note:")


def basis_text(result) -> str:
    key, params = basis(result)
    return tr(key, **params)


# --- summary a director can read in a minute -----------------------------------------------------------
pair = default_pair(entries)
if pair:
    earlier_default, later_default = pair
    comparison = compare_entries(earlier_default, later_default)
    with st.container(border=True):
        st.header(tr("history.summary_title", earlier=earlier_default.assessment.period,
                        later=later_default.assessment.period), anchor=False)
        for key, params in headline_facts(comparison):
            values = {k: number(v) if isinstance(v, float) and k != "percent" else v for k, v in params.items()}
            if "unit" in params:
                values["unit"] = title_of(later_default, params["unit"])
            if "percent" in params:
                values["percent"] = format_percent(params["percent"], language)
            st.markdown("- " + tr(f"history.fact_{key}", since=earlier_default.assessment.period, **values))
        draft_note(later_default)

# --- all assessments -----------------------------------------------------------------------------------
st.header(tr("history.all_title"), anchor=False)
st.table(pd.DataFrame([{
    tr("history.col_period"): e.assessment.period,
    tr("history.col_status"): tr("status.final") if e.assessment.is_final else tr("status.draft"),
    tr("history.col_questionnaire"): tr("start.questionnaire_option", title=e.questionnaire.title.get(language),
                                        version=e.questionnaire.version) if e.questionnaire else "–",
    tr("history.col_overall"): number(e.result.score) if e.result else "–",
    tr("history.col_coverage"): basis_text(e.result) if e.result else "–",
    tr("history.col_legal"): summary_text(e.legal, language) if e.legal else "–",
} for e in reversed(entries)]), hide_index=True)  # a plain table: no grid toolbar named in English

# --- trend -----------------------------------------------------------------------------------------------
st.header(tr("history.trend_title"), anchor=False)
latest = scored[-1]
dimension_ids = [d.id for d in latest.questionnaire.dimensions()]
chosen_dimensions = st.multiselect(tr("history.choose_dimensions"), dimension_ids,
                                   format_func=lambda d: title_of(latest, d), key="trend_dimensions",
                                   placeholder=tr("history.choose_placeholder"))
keep_choices("trend_dimensions", "compare_earlier", "compare_later")  # kept while the database is away
# a draft is marked where its period is named: its scores can still change
labels = [e.assessment.period if e.assessment.is_final else tr("history.draft_label", period=e.assessment.period)
          for e in scored]
figure = go.Figure()
palette = ["#1D4ED8", "#B45309", "#047857", "#7C3AED", "#BE185D", "#0F766E"]


def line(x, values, name, line_style, marker) -> go.Scatter:
    """A line with its number at every point (the figures are also in the table below)."""
    shown = [number(v) if v is not None else "" for v in values]
    return go.Scatter(x=x, y=values, name=name, mode="lines+markers+text", line=line_style, marker=marker,
                      text=shown, textposition="top center", textfont=dict(size=13, color=line_style["color"]),
                      customdata=shown, hovertemplate="%{x}: %{customdata}")


figure.add_trace(line(labels, [e.result.score for e in scored], tr("history.overall_line"),
                      dict(width=5, color="#111827"), dict(size=12, symbol="circle")))
for i, competency in enumerate(latest.questionnaire.competencies):
    values = [e.result.competencies[competency.id].score if competency.id in e.result.competencies else None
              for e in scored]
    figure.add_trace(line(labels, values, competency.title.get(language),
                          dict(width=3, color=palette[i % len(palette)]), dict(size=10)))
for i, dimension_id in enumerate(chosen_dimensions):
    color = palette[(i + 3) % len(palette)]
    values = [e.result.dimensions[dimension_id].score if dimension_id in e.result.dimensions else None for e in scored]
    targets = [e.result.dimensions[dimension_id].target if dimension_id in e.result.dimensions else None
               for e in scored]
    name = title_of(latest, dimension_id)
    figure.add_trace(line(labels, values, name, dict(width=3, color=color), dict(size=9, symbol="square")))
    # a target is checked against the next scan: drawn there (the latest one's at "next scan")
    figure.add_trace(line(labels[1:] + [tr("history.next_scan")], targets, tr("history.target_of", name=name),
                          dict(width=2, color=color, dash="dash"), dict(size=9, symbol="diamond")))
categories = labels + ([tr("history.next_scan")] if chosen_dimensions else [])
figure.update_layout(yaxis=dict(range=[0.8, 5.4], tickvals=[1, 2, 3, 4, 5], title=tr("results.col_score")),
                     xaxis=dict(type="category", title=tr("history.col_period"), categoryorder="array",
                                categoryarray=categories),
                     font=dict(size=16), height=500,
                     legend=dict(orientation="h", yanchor="bottom", y=-0.35), margin=dict(l=60, r=30, t=20, b=40))
show_chart(figure, language)
st.caption(tr("history.target_help", period=latest.assessment.period))
with st.expander(tr("history.trend_as_table")):  # the chart's numbers, for screen readers and for reading
    st.table(pd.DataFrame({trace.name: [dict(zip(trace.x, trace.text)).get(x) or "–" for x in categories]
                           for trace in figure.data}, index=pd.Index(categories, name=tr("history.col_period"))))

# --- KPIs beside the scores ------------------------------------------------------------------------------
library, _ = kpi_library()
if library is not None:
    st.header(tr("history.kpi_title"), anchor=False)
    register = kpis.get_register(db, actor=actor, organisation_id=organisation.id, library=library)
    usable = register.usable()
    if not usable:
        st.caption(tr("history.kpi_none"))
    for competency in latest.questionnaire.competencies:
        entries = [k for k in usable if k.definition.competency == competency.id]
        if not entries:
            continue
        columns = {tr("history.kpi_col_score"): [
            number(e.result.competencies[competency.id].score) if competency.id in e.result.competencies else "–"
            for e in scored]}
        for entry in entries:
            kpi = entry.definition
            name = entry.name(language)
            if entry.target is not None and kpi.has_direction:  # a context KPI has no target
                name = tr("history.kpi_col_target", name=name, target=value_text(kpi, entry.target, language))
            figures = []
            for e in scored:
                months = month_range(e.assessment.period)
                measured = register.measurements(entry.id)
                figure = figure_over(kpi, measured, *months) if months else None
                text = figure_text(kpi, figure.value if figure else None, figure, language)
                covered = months_measured(measured, *months) if months and figure and figure.value is not None else 0
                if 0 < covered < (months[1] if months else 0):  # a part year: not comparable with a whole one
                    text = tr("history.kpi_part", figure=text, measured=covered, months=months[1])
                figures.append(text)
            columns[name] = figures
        st.markdown(f"**{competency.title.get(language)}**")
        st.table(pd.DataFrame(columns, index=pd.Index(labels, name=tr("history.col_period"))))
    if usable:
        st.caption(tr("history.kpi_help") + " " + tr("history.kpi_part_help"))

# --- compare two assessments ---------------------------------------------------------------------------
st.header(tr("history.compare_title"), anchor=False)
if len(scored) < 2:
    st.info(tr("history.need_two"))
    st.stop()
by_id = {e.assessment.id: e for e in scored}
ids = list(by_id)
left, right = st.columns(2)
earlier_id = left.selectbox(tr("history.earlier"), ids, index=ids.index(pair[0].assessment.id),
                            format_func=lambda i: by_id[i].assessment.period, key="compare_earlier",
                                placeholder=tr("common.choose"))
later_id = right.selectbox(tr("history.later"), ids, index=ids.index(pair[1].assessment.id),
                           format_func=lambda i: by_id[i].assessment.period, key="compare_later",
                               placeholder=tr("common.choose"))
earlier, later = by_id[earlier_id], by_id[later_id]
if earlier_id == later_id:
    st.warning(tr("history.same_twice"))
    st.stop()
comparison = compare_entries(earlier, later)

st.markdown(tr("history.comparability", percent=format_percent(comparison.comparability, language)))
if comparison.not_comparable:
    with st.expander(tr("history.not_comparable_title", count=len(comparison.not_comparable))):
        for match in comparison.not_comparable:
            st.markdown("- " + tr(f"history.change_{match.status}", old=", ".join(match.earlier_ids) or "–",
                                  new=", ".join(match.later_ids) or "–"))


def change_text(earlier_score, later_score) -> str:
    """Arrow and sign, so the direction never depends on colour alone; the change of the figures as shown beside
    it (`shown_change`: 1,6 → 2,2 is +0,6), as in the workbook."""
    change = shown_change(earlier_score, later_score)
    if change is None:
        return "–"
    if change == 0:
        return "= " + format_number(0, language)
    return ("▲ " if change > 0 else "▼ ") + format_change(change, language)


def competency_title(unit_id: str) -> str:
    try:
        return later.questionnaire.competency_of(unit_id).title.get(language)
    except KeyError:
        return "–"


def change_row(unit, first: dict) -> dict:
    return first | {
        earlier.assessment.period: number(unit.earlier),
        later.assessment.period: number(unit.later),
        tr("history.col_change"): change_text(unit.earlier, unit.later),
        tr("history.col_comparable"): format_percent(unit.comparability, language),
    }


def colour(value: str) -> str:
    # blue up, orange down: a pair that colour-blind readers can tell apart; the arrows say it too
    if value.startswith("▲"):
        return "color: #1D4ED8; font-weight: 600"
    if value.startswith("▼"):
        return "color: #B45309; font-weight: 600"
    return ""


draft_note(later)
for title_key, rows in (
        ("history.per_competency", [change_row(u, {tr("history.col_competency"): title_of(later, u.unit_id)})
                                    for u in comparison.competencies]),
        ("history.per_dimension", [change_row(u, {tr("history.col_competency"): competency_title(u.unit_id),
                                                  tr("history.col_dimension"): title_of(later, u.unit_id)})
                                   for u in comparison.dimensions])):
    st.markdown(f"**{tr(title_key)}**")
    table = pd.DataFrame(rows)
    st.dataframe(table.style.map(colour, subset=[tr("history.col_change")]), hide_index=True, width="stretch",
                 height=35 * (len(table) + 1) + 3, placeholder="")
st.caption(tr("history.change_rule"))

question_text = {q.id: q.text.get(language) for q in later.questionnaire.questions()}
for column, key, mark, (deltas, tied) in zip(st.columns(2), ("history.most_improved", "history.most_declined"),
                                             "▲▼", (comparison.improved_with_ties(5), comparison.declined_with_ties(5))):
    with column.container(border=True):
        st.markdown(f"**{tr(key)}**")
        for delta in deltas:
            st.markdown(f"- {mark} {question_text[delta.later_id]} ({delta.earlier} → {delta.later})")
        if tied:  # a tie with the last one shown is named, never dropped silently
            change = ("+" if tied[0].delta > 0 else "−") + str(abs(tied[0].delta))
            with st.expander(tr("history.more_tied", count=len(tied), change=change)):
                for delta in tied:
                    st.markdown(f"- {mark} {question_text[delta.later_id]} ({delta.earlier} → {delta.later})")
        if not deltas:
            st.caption(tr("history.none"))

st.markdown(f"**{tr('history.targets', achieved=comparison.targets_achieved, total=len(comparison.targets))}**")
st.caption(tr("history.targets_help", earlier=earlier.assessment.period, later=later.assessment.period))
for outcome in comparison.targets:
    mark = "✓" if outcome.achieved else "✗"
    st.markdown(f"- {mark} {title_of(later, outcome.dimension_id)}: " + tr(
        "history.target_line", target=outcome.target, score=number(outcome.later_score)))

# --- what became of the earlier plan -----------------------------------------------------------------
earlier_actions = [plan.in_language(a, earlier.questionnaire, language)
                   for a in plan.list_actions(db, actor=actor, assessment_id=earlier.assessment.id)]
done = [a for a in earlier_actions if a.status == "done"]
st.header(tr("history.plan_title", period=earlier.assessment.period), anchor=False)
if earlier_actions:
    st.markdown(tr("history.plan_done", done=len(done), total=len(earlier_actions), count=len(earlier_actions),
                   period=earlier.assessment.period))
else:
    st.caption(tr("history.plan_none", period=earlier.assessment.period))
status_mark = {"done": "✓", "in_progress": "…", "planned": "○", "dropped": "✗"}
for action in sorted(earlier_actions, key=lambda a: plan.STATUSES.index(a.status)):
    st.markdown(f"- {status_mark[action.status]} {escape_md(action.title)} ({tr(f'plan.status_{action.status}')}, "
                f"{title_of(earlier, action.dimension_id)})")
