"""Drawing helpers shared by the workshop pages (facilitator and projector)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from assessment import service, workshop
from i18n import format_number
from questionnaires.model import Questionnaire
from ui.charts import show_chart
from ui.common import lang, questionnaire_for, tr

VALUE_ORDER = ("1", "2", "3", "4", "5", "nvt", "weetniet")


def workshop_or_stop(db, workshop_id: str | None) -> workshop.Workshop:
    """The workshop named in the URL, or a clear message and stop."""
    if not workshop_id:
        st.info(tr("workshop.no_workshop"))
        st.stop()
    try:
        return workshop.get_workshop(db, workshop_id=workshop_id)
    except workshop.WorkshopError as error:
        st.error(tr(f"workshop.{error.code}"))
        st.stop()


def workshop_questionnaire(db, current: workshop.Workshop) -> Questionnaire | None:
    """The questionnaire of the workshop's assessment (used server-side only; nothing of the assessment is shown)."""
    assessment = service.get_assessment(db, current.assessment_id)
    return questionnaire_for(assessment) if assessment else None


def value_label(questionnaire: Questionnaire, value: str) -> str:
    if value == "nvt":
        return questionnaire.scale.not_applicable.get(lang())
    if value == "weetniet":
        return questionnaire.scale.dont_know.get(lang())
    return f"{value} · {questionnaire.scale.levels[int(value) - 1].label.get(lang())}"


def show_results(questionnaire: Questionnaire, results: workshop.Results, big: bool = False) -> None:
    """Distribution, median, spread, agreement, a flag for discussion, the role split and changed votes."""
    summary = results.summary
    language = lang()
    keys = [1, 2, 3, 4, 5, "nvt", "weetniet"]
    figure = go.Figure(go.Bar(
        x=[value_label(questionnaire, str(k)) for k in keys], y=[summary.counts[k] for k in keys],
        marker_color=["#1D4ED8"] * 5 + ["#94A3B8", "#94A3B8"], text=[summary.counts[k] for k in keys],
        textposition="outside"))
    size = 26 if big else 16
    figure.update_layout(font=dict(size=size), height=460 if big else 320, margin=dict(l=20, r=20, t=30, b=20),
                         yaxis=dict(visible=False), showlegend=False, xaxis=dict(tickfont=dict(size=size - 4)))
    show_chart(figure, language, toolbar=False)

    def number(value):
        return "–" if value is None else format_number(value, language)

    st.markdown(("### " if big else "") + tr("workshop.median", median=number(summary.median),
                                             iqr=number(summary.iqr), agreement=number(summary.agreement)))
    if summary.discuss:
        st.warning(tr("workshop.discuss"), icon=":material/forum:")
    if results.changed is not None:
        st.markdown(("### " if big else "") + tr("workshop.changed", changed=results.changed))
    if results.by_role:
        st.markdown(f"**{tr('workshop.by_role')}**")
        columns = st.columns(len(results.by_role))
        for column, (role, role_summary) in zip(columns, results.by_role.items()):
            column.metric(tr(f"workshop.role_{role}"), number(role_summary.median))
            column.caption(tr("workshop.role_votes", count=role_summary.voted))
