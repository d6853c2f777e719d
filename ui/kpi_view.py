"""KPI helpers for the pages: the trend chart of one KPI against its target, the organisation a KPI page is
about, and the texts for a KPI's latest figure, a problem in a KPI file and an action's effect.

The chart builder has no streamlit calls, so it can be checked without a browser.
"""

from __future__ import annotations

import html
from datetime import date

import plotly.graph_objects as go

from indicators.display import figure_text, value_text
from indicators.figures import Effect, Measurement, value_of
from indicators.model import KpiDefinition

LINE = "#1D4ED8"
TARGET = "#B45309"
ACTION = "#334155"


def trend_figure(kpi: KpiDefinition, measurements: list[Measurement], target: float | None, lang: str, *,
                 names: dict[str, str], action_starts: list[tuple[str, str]] = ()) -> go.Figure:
    """One line through the measured periods (in time order), the target as a dashed line, and a dotted
    vertical line at the first period after each action's start (`action_starts`: (period code, title)).
    `names`: the legend texts for "value" and "target". Titles typed by users are escaped: plotly reads
    some HTML in texts."""
    ordered = sorted(measurements, key=lambda m: m.period)
    periods = [m.period.code for m in ordered]
    values = [value_of(kpi, m) for m in ordered]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=periods, y=values, name=names["value"], mode="lines+markers",
                                line=dict(color=LINE, width=4), marker=dict(size=11),
                                customdata=[figure_text(kpi, v, m, lang) for v, m in zip(values, ordered)],
                                hovertemplate="%{x}: %{customdata}<extra></extra>"))
    if target is not None and periods:
        figure.add_trace(go.Scatter(x=periods, y=[target] * len(periods), name=names["target"],
                                    mode="lines", line=dict(color=TARGET, width=3, dash="dash"),
                                    hovertemplate=names["target"] + ": " + value_text(kpi, target, lang)
                                    + "<extra></extra>"))
    for period, title in action_starts:
        if period in periods:
            figure.add_vline(x=periods.index(period) - 0.5, line_dash="dot", line_color=ACTION, line_width=2,
                             annotation_text=html.escape(title if len(title) <= 24 else title[:23] + "…"),
                             annotation_position="top left",
                             annotation_font_color=ACTION, annotation_font_size=13)
    top = max([v for v in values if v is not None] + ([target] if target is not None else []) + [0])
    yaxis = dict(rangemode="tozero", title=names["unit"])
    if kpi.unit == "percentage":
        yaxis.update(range=[0, 105], ticksuffix="%")
    else:
        yaxis.update(range=[0, top * 1.15 or 1])
    figure.update_layout(yaxis=yaxis, xaxis=dict(type="category", title=names["period"], tickangle=-45),
                         font=dict(size=15), height=340, margin=dict(l=60, r=30, t=30, b=40), showlegend=True,
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return figure


def first_period_from(measurements: list[Measurement], start: date) -> str | None:
    """The first measured period that starts on or after `start` (where an action's effect can show)."""
    first_month = start.year * 12 + start.month - 1
    after = sorted((m.period for m in measurements if m.period.first_month >= first_month))
    return after[0].code if after else None


def effect_parts(kpi: KpiDefinition, effect: Effect, lang: str) -> tuple[str | None, list[str]]:
    """The figure before an action and each figure after it, as 'value (period)'; a percentage with its cases."""
    before = None
    if effect.before is not None:
        measurement, value = effect.before
        before = f"{figure_text(kpi, value, measurement, lang)} ({measurement.period.code})"
    after = [f"{figure_text(kpi, value, m, lang)} ({m.period.code})" for m, value in effect.after]
    return before, after
