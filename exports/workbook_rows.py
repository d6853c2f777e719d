"""The rows of a workbook as plain, comparable values, and their fingerprints.

The export writes, in its hidden sheet, a short fingerprint of every field of every row it wrote (answers,
targets, plan actions). An import compares three versions of each field: what was exported (the
fingerprint), what the workbook holds now and what the app holds now. So it knows which side changed what,
without the workbook having to carry the data twice. The canonical form makes the same value look the same
whichever way it came: typed in the app, written by openpyxl, or re-saved by Excel or LibreOffice (an empty
text cell read back as nothing, 1.0 read back as 1, a date read back as a date and time).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

ANSWER_FIELDS = ("value", "comment")
TARGET_FIELDS = ("level",)
# the editable fields of a plan action, in the order of the plan sheet's columns A-J
PLAN_FIELDS = ("title", "dimension_id", "owner", "start_date", "due_date", "status", "expected_gain", "kpi",
               "kpi_target", "description")
TEXT_FIELDS = {"comment", "title", "owner", "kpi", "kpi_target", "description"}


def canonical(field: str, value):
    """One field's value in the form used for comparing (and fingerprinting); canonical(canonical(x)) is
    canonical(x)."""
    if field in TEXT_FIELDS:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).replace("\r\n", "\n").strip()
    if field in ("start_date", "due_date"):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):  # already canonical
            return value or None
        return value.isoformat() if isinstance(value, date) else None
    if field == "expected_gain":
        return None if value is None else float(value)
    if field in ("value", "level"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    return value


def canonical_row(values: dict) -> dict:
    return {field: canonical(field, value) for field, value in values.items()}


def fingerprint(field: str, value) -> str:
    """A short fingerprint (12 hex digits) of one field's canonical value (a text, number, None or code, whose
    repr is the same on every run)."""
    return hashlib.blake2b(f"{field}\x1f{canonical(field, value)!r}".encode("utf-8"), digest_size=6).hexdigest()


def row_fingerprints(values: dict, fields: tuple[str, ...]) -> str:
    """The fingerprints of a row's fields as one cell value: "field=fingerprint field=fingerprint ..."."""
    return " ".join(f"{field}={fingerprint(field, values.get(field))}" for field in fields)


def parse_fingerprints(text: str) -> dict[str, str] | None:
    """The fingerprints of one row, or None when the cell does not hold them (changed by hand)."""
    parts = {}
    for item in str(text or "").split():
        field, _, value = item.partition("=")
        if not field or len(value) != 12:
            return None
        parts[field] = value
    return parts or None


# keys of the rows in the hidden sheet
def answer_key(question_id: str) -> str:
    return f"answer:{question_id}"


def target_key(dimension_id: str) -> str:
    return f"target:{dimension_id}"


def action_key(action_id: int) -> str:
    return f"action:{action_id}"
