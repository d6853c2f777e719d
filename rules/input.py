"""Input checks every capability shares: text limits, organisation kinds, periods, and the error they raise.

A value typed on a page and the same value read from a workbook or a CSV file go through these functions, so
what the app refuses in one place it refuses in every place.
"""

from __future__ import annotations

import re
from datetime import date

ORGANISATION_TYPES = ("gemeente", "provincie", "waterschap", "uitvoeringsorganisatie", "anders")
# gemeenten by inhabitants, the others by staff (fte)
SIZE_CLASSES = {
    "gemeente": ("inw-lt-20k", "inw-20-50k", "inw-50-100k", "inw-100-250k", "inw-gt-250k"),
    "other": ("fte-lt-250", "fte-250-1000", "fte-1000-5000", "fte-gt-5000"),
}
MAX_NAME = 200
MAX_COMMENT = 5000
PERIOD_PATTERN = re.compile(r"^(20\d\d)(?:-(H[12]|Q[1-4]))?$")


def size_classes_for(org_type: str) -> tuple[str, ...]:
    return SIZE_CLASSES["gemeente"] if org_type == "gemeente" else SIZE_CLASSES["other"]


class InputError(ValueError):
    """Wrong input; `code` is a translation key, `field` names the input, `params` fill the text."""

    def __init__(self, code: str, field: str, **params):
        super().__init__(f"{field}: {code} {params or ''}".strip())
        self.code = code
        self.field = field
        self.params = params


def clean_text(value: str | None, field: str, max_length: int, *, required: bool = False) -> str:
    """The text without surrounding spaces; refused when required and empty, too long, or with control
    characters (other than newline and tab)."""
    text = (value or "").strip()
    if required and not text:
        raise InputError("required", field)
    if len(text) > max_length:
        raise InputError("too_long", field, max=max_length, length=len(text))
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InputError("control_characters", field)
    return text


def check_date(value, field: str) -> date | None:
    """A date or nothing; anything else is refused."""
    if value is not None and not isinstance(value, date):
        raise InputError("invalid_date", field, value=str(value))
    return value
