"""Drawing helpers shared by the workshop pages (facilitator and projector)."""

from __future__ import annotations

import html

import segno
import plotly.graph_objects as go
import streamlit as st

from access import AccessDenied
from assessment import workshop
from i18n import format_number
from questionnaires.model import Questionnaire
from ui.charts import show_chart
from ui.common import catalog, lang, tr

VALUE_ORDER = ("1", "2", "3", "4", "5", "nvt", "weetniet")


def workshop_or_stop(db, actor, workshop_id: str | None, token: str | None, assessment_id: str) -> workshop.Workshop:
    """The workshop of the facilitator's link, or a clear message and stop: a wrong token, someone without the
    workshop right, or a workshop of another assessment than the one in the link shows nothing of it."""
    if not workshop_id:
        st.info(tr("workshop.no_workshop"))
        st.stop()
    try:
        found = workshop.get_workshop(db, actor=actor, workshop_id=workshop_id, token=token or "")
    except workshop.WorkshopError as error:
        st.error(tr(f"workshop.{error.code}"))
        st.stop()
    except AccessDenied:
        st.error(tr("workshop.not_facilitator"))
        st.stop()
    if found.assessment_id != assessment_id:
        st.error(tr("workshop.not_facilitator"))
        st.stop()
    return found


def screen_questionnaire(screen: workshop.Screen) -> Questionnaire | None:
    """The questionnaire of a projector's workshop (server-side only: nothing else of the assessment is shown)."""
    return _questionnaire_of(screen.workshop)


def ballot_questionnaire(current: workshop.Workshop) -> Questionnaire | None:
    return _questionnaire_of(current)


def _questionnaire_of(current: workshop.Workshop) -> Questionnaire | None:
    return catalog().get(*current.questionnaire)


def show_qr(url: str, alt: str, size_px: int) -> None:
    """A QR code for `url` as an image with a text alternative (the URL and code are ours, not user text)."""
    source = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    st.html(f'<img src="{html.escape(source)}" alt="{html.escape(alt)}" width="{size_px}" height="{size_px}" '
            f'style="image-rendering: pixelated">', width="content")


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
