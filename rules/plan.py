"""The fields of a plan action and what each may hold: checked the same way when typed on the Plan page and
when read from a workbook (`validated`, `clean_addition`, `check_dates`). Imports nothing of ours; of the
questionnaire only its dimension ids are used."""

from __future__ import annotations

import math
from datetime import date

from .input import InputError, check_date, clean_text

STATUSES = ("planned", "in_progress", "done", "dropped")
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_OWNER = 100
MAX_KPI = 300
MAX_KPI_TARGET = 100
# the fields of a plan action that can change (the plan service checks they are those of its `PlanAction`)
EDITABLE = ("dimension_id", "title", "description", "owner", "start_date", "due_date", "status", "expected_gain",
            "kpi", "kpi_target", "kpi_entry_id")


def validated(values: dict, questionnaire) -> dict:
    """Check and clean the editable fields that are present; raises InputError naming the field."""
    clean = {}
    for name, value in values.items():
        if name not in EDITABLE + ("library_action_id",):
            raise InputError("unknown_field", name)
        if name == "dimension_id":
            if value not in {d.id for d in questionnaire.dimensions()}:
                raise InputError("unknown_choice", "dimension_id", value=str(value))
            clean[name] = value
        elif name == "title":
            clean[name] = clean_text(value, "title", MAX_TITLE, required=True)
        elif name in ("description", "owner", "kpi", "kpi_target"):
            limit = {"description": MAX_DESCRIPTION, "owner": MAX_OWNER, "kpi": MAX_KPI,
                     "kpi_target": MAX_KPI_TARGET}[name]
            clean[name] = clean_text(value, name, limit)
        elif name in ("start_date", "due_date"):
            clean[name] = check_date(value, name)
        elif name == "status":
            if value not in STATUSES:
                raise InputError("unknown_choice", "status", value=str(value))
            clean[name] = value
        elif name == "kpi_entry_id":
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise InputError("unknown_choice", "kpi_entry_id", value=str(value))
            clean[name] = value
        elif name == "expected_gain":
            try:
                gain = float(value)
            except (TypeError, ValueError):
                raise InputError("invalid_gain", "expected_gain", value=str(value))
            if not 0 <= gain <= 4 or math.isnan(gain):
                raise InputError("invalid_gain", "expected_gain", value=str(value))
            clean[name] = gain
        else:
            clean[name] = value
    return clean


def check_dates(start: date | None, due: date | None) -> None:
    if start and due and due < start:
        raise InputError("due_before_start", "due_date", start=start.isoformat(), due=due.isoformat())


def clean_addition(values: dict, questionnaire) -> dict:
    clean = validated(values, questionnaire)
    for required in ("dimension_id", "title"):
        if required not in clean:
            raise InputError("required", required)
    check_dates(clean.get("start_date"), clean.get("due_date"))
    return clean
