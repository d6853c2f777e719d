"""The improvement plan as an editable table: turning the table's edit record into plan changes.

Pure functions (no streamlit calls), so the mapping can be tested without a browser.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd

FIELDS = ("title", "status", "due_date", "owner", "dimension_id", "start_date", "expected_gain", "kpi",
          "kpi_target", "kpi_entry_id", "description")


def cell_to_field(name: str, value, dimension_by_title: dict[str, str], status_by_label: dict[str, str],
                  kpi_by_label: dict[str, int] | None = None):
    """A cell of the editor as the value the plan service expects."""
    if name == "kpi_entry_id":
        if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
            return None
        return (kpi_by_label or {}).get(value, value)
    if name == "dimension_id":
        return dimension_by_title.get(value, value)
    if name == "status":
        return status_by_label.get(value, value)
    if name in ("start_date", "due_date"):
        if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
            return None
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if name == "expected_gain" and value is None:
        return 1.0
    return "" if value is None else value


def editor_changes(edits: dict, shown_ids: list[int], field_of_label: dict[str, str],
                   convert: Callable[[str, object], object]) -> tuple[dict[int, dict], list[dict], list[int]]:
    """st.data_editor's record ({edited_rows, added_rows, deleted_rows}, by row position) as
    (updates by action id, new actions, action ids to delete)."""
    updates = {
        shown_ids[int(index)]: {field_of_label[c]: convert(field_of_label[c], v) for c, v in changes.items()}
        for index, changes in edits.get("edited_rows", {}).items()
    }
    additions = [
        {field_of_label[c]: convert(field_of_label[c], v) for c, v in row.items() if v is not None}
        for row in edits.get("added_rows", []) if any(v not in (None, "") for v in row.values())
    ]
    deletions = [shown_ids[int(index)] for index in edits.get("deleted_rows", [])]
    return updates, additions, deletions


TIMELINE_COLOURS = {"planned": "#475569", "in_progress": "#1D4ED8", "done": "#047857", "dropped": "#B45309"}


def _month_ticks(first: date, last: date) -> list[date]:
    """The first day of every month (every quarter or year on a long plan) from `first` to `last`."""
    span = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if span <= 12 else 3 if span <= 36 else 12
    ticks, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        ticks.append(date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def plan_timeline(actions: list, status_label: dict[str, str], day_text: Callable[[date], str],
                  month_names: list[str]):
    """A Gantt-style chart of dated actions, one colour per status, with month names in the user's language
    (plotly's own date labels are English only). Action titles are shown as text, never as markup."""
    import html

    import plotly.graph_objects as go

    labels, seen = [], {}
    for action in actions:  # two actions with the same title get their own row
        seen[action.title] = seen.get(action.title, 0) + 1
        suffix = f" ({seen[action.title]})" if seen[action.title] > 1 else ""
        labels.append(html.escape(action.title + suffix))
    figure = go.Figure()
    for status, colour in TIMELINE_COLOURS.items():
        rows = [(label, a) for label, a in zip(labels, actions) if a.status == status]
        if not rows:
            continue
        figure.add_trace(go.Bar(
            orientation="h", name=status_label[status], marker_color=colour,
            y=[label for label, _ in rows], base=[a.start_date.isoformat() for _, a in rows],
            x=[max((a.due_date - a.start_date).days, 1) * 86_400_000 for _, a in rows],
            customdata=[[day_text(a.start_date), day_text(a.due_date), html.escape(status_label[status])]
                        for _, a in rows],
            hovertemplate="<b>%{y}</b><br>%{customdata[0]} – %{customdata[1]}<br>%{customdata[2]}<extra></extra>"))
    first = min(a.start_date for a in actions)
    last = max(a.due_date for a in actions)
    ticks = _month_ticks(first, last)
    figure.update_xaxes(type="date", tickvals=[d.isoformat() for d in ticks],
                        ticktext=[f"{month_names[d.month - 1]} {d.year}" for d in ticks])
    figure.update_yaxes(autorange="reversed", title=None, categoryorder="array", categoryarray=labels)
    figure.add_vline(x=date.today().isoformat(), line_dash="dot", line_color="#0F172A")
    figure.update_layout(barmode="overlay", font=dict(size=15), height=120 + 42 * len(actions),
                         margin=dict(l=20, r=20, t=20, b=20),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, title=None))
    return figure
