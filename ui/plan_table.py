"""The improvement plan as an editable table: turning the table's edit record into plan changes.

Pure functions (no streamlit calls), so the mapping can be tested without a browser.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd

FIELDS = ("title", "status", "due_date", "owner", "dimension_id", "start_date", "expected_gain", "kpi",
          "kpi_target", "description")


def cell_to_field(name: str, value, dimension_by_title: dict[str, str], status_by_label: dict[str, str]):
    """A cell of the editor as the value the plan service expects."""
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
