"""Numbers as people type them, in Dutch or English notation, decided per column.

Dutch: a decimal comma and a thousands dot or space (1.040, 1 040, 12,5, 1.234,5). English: a decimal point and
a thousands comma (1,040, 12.5, 1,234.5). Most cells can be read only one way ("12,5", "1.234.567", "0.5"); a
few can be read both ways ("1.040": 1040 in Dutch, 1.04 in English). A column is read in the one notation its
cells agree on; a cell with two readings that its column does not settle stays `Ambiguous`, so that whoever
knows what the cell is about (a count must be whole) can decide, or refuse it naming both readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_PLAIN = re.compile(r"^\d+$")
_SPACED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:([.,])\d+)?$")
_ONE_SIGN = re.compile(r"^(\d+)([.,])(\d+)$")
_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(?:\1\d{3})+$")  # 1.234.567 or 1,234,567
_GROUPED_DECIMAL = re.compile(r"^\d{1,3}([.,])\d{3}(?:\1\d{3})*([.,])\d+$")  # 1.234,5 or 1,234.5


@dataclass(frozen=True)
class Ambiguous:
    """A cell that reads as two different numbers: `nl` in Dutch notation, `en` in English notation."""

    text: str
    nl: float
    en: float

    def __str__(self) -> str:
        return self.text


def _decimal(integer: str, fraction: str) -> float:
    return float(f"{integer}.{fraction}")


def readings(text: str) -> dict[str, float] | None:
    """The value of `text` in each notation that can read it (a notation is missing when it cannot); None when
    the text is no number in either. A sign, a % at the end and spaces around are allowed."""
    cleaned = text.strip().removesuffix("%").strip()
    sign = -1.0 if cleaned.startswith("-") else 1.0
    cleaned = cleaned.lstrip("+-").strip()
    found: dict[str, float] = {}
    if _PLAIN.match(cleaned):
        found = {"nl": float(cleaned), "en": float(cleaned)}
    elif match := _SPACED.match(cleaned):
        digits = cleaned.translate(_SPACES)
        if match[1] is None:
            found = {"nl": float(digits), "en": float(digits)}
        else:
            integer, _, fraction = digits.rpartition(match[1])
            found = {"nl" if match[1] == "," else "en": _decimal(integer, fraction)}
    elif match := _ONE_SIGN.match(cleaned):
        integer, sign_char, fraction = match[1], match[2], match[3]
        decimal_notation = "nl" if sign_char == "," else "en"
        found[decimal_notation] = _decimal(integer, fraction)
        if len(fraction) == 3 and len(integer) <= 3 and not integer.startswith("0"):  # also a thousands sign
            found["en" if sign_char == "," else "nl"] = float(integer + fraction)
    elif match := _GROUPED.match(cleaned):
        found = {"nl" if match[1] == "." else "en": float(cleaned.replace(match[1], ""))}
    elif (match := _GROUPED_DECIMAL.match(cleaned)) and match[1] != match[2]:
        integer, _, fraction = cleaned.rpartition(match[2])
        found = {"nl" if match[2] == "," else "en": _decimal(integer.replace(match[1], ""), fraction)}
    if not found:
        return None
    return {notation: sign * value for notation, value in found.items()}


def _clue(cell, whole: bool) -> str | None:
    """The one notation a cell can be read in (for a count: the one notation that gives a whole number), or
    None when it reads the same in both or in neither."""
    if not isinstance(cell, str):
        return None
    found = readings(cell) or {}
    if whole and len(found) == 2:
        kept = {notation: value for notation, value in found.items() if float(value).is_integer()}
        found = kept or found
    if len(found) == 2 and found["nl"] == found["en"]:
        return None
    return next(iter(found)) if len(found) == 1 else None


def read_cell(cell, notation: str | None, *, whole: bool = False):
    """A text cell as a number in the column's notation: a float, `Ambiguous` when the cell has two readings
    that neither the notation nor (for a count) being whole settles, or the cell unchanged when it is no number
    (or no text)."""
    if not isinstance(cell, str) or not cell.strip():
        return cell
    found = readings(cell)
    if found is None:
        return cell
    values = set(found.values())
    if len(values) == 1:
        return values.pop()
    if notation in found:
        return found[notation]
    if whole and (clue := _clue(cell, True)):
        return found[clue]
    return Ambiguous(cell.strip(), found["nl"], found["en"])


def read_columns(columns: dict[str, list],
                 whole: dict[str, list[bool]] | None = None) -> tuple[dict[str, list], str | None]:
    """The number columns of one file, every text cell read as a number where it is one, and the notation
    the file was read in ("nl", "en" or None when no cell told).

    A column is read in the notation its cells agree on: a cell that can be read only one way ("12,5",
    "1.234.567"; for a count "1.040", as 1,04 is no count) tells the column's notation. A column whose cells
    tell nothing ("2.000" only) takes the notation the file's other number columns agree on, as one
    spreadsheet writes every column in one notation. A cell that is still read two ways stays `Ambiguous`;
    so does every such cell of a column whose cells disagree."""
    whole = whole or {}
    notations = {}
    for name, cells in columns.items():
        flags = whole.get(name) or [False] * len(cells)
        clues = {_clue(cell, flag) for cell, flag in zip(cells, flags)} - {None}
        notations[name] = clues.pop() if len(clues) == 1 else ("mixed" if clues else None)
    told = {n for n in notations.values() if n is not None}
    in_file = next(iter(told)) if len(told) == 1 and "mixed" not in told else None
    read = {}
    for name, cells in columns.items():
        flags = whole.get(name) or [False] * len(cells)
        notation = notations[name] if notations[name] != "mixed" else None
        if notations[name] is None:
            notation = in_file
        read[name] = [read_cell(cell, notation, whole=flag) for cell, flag in zip(cells, flags)]
    return read, in_file


def shown(value: float, notation: str) -> str:
    """A reading as its notation writes it, without thousands signs: 1040 -> "1040", 1.04 -> "1,04" (nl)."""
    text = str(int(value)) if float(value).is_integer() else f"{value:.10g}"
    return text.replace(".", ",") if notation == "nl" else text
