"""The rows of an uploaded table: a CSV file (comma, semicolon or tab; UTF-8) or the first sheet of an XLSX.

Reading stops as soon as a file is larger than the limits allow, and a cell with a formula is refused: its
result may be stale or missing, and a value is what the file is meant to bring.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from openpyxl import load_workbook

from .problems import FileImportError, FileProblem


def _limited(rows: Iterable, max_rows: int, max_columns: int) -> list[list]:
    """The rows, read no further than the limits allow (the header and `max_rows` rows below it)."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if number > max_rows + 1:
            raise FileImportError([FileProblem("too_many_rows", params={"max": max_rows})])
        row = list(row)
        if len(row) > max_columns and any(cell not in (None, "") for cell in row[max_columns:]):
            raise FileImportError([FileProblem("too_many_columns", params={"max": max_columns})])
        kept.append(row[:max_columns])
    return kept


def _delimiter(text: str, known: frozenset[str]) -> str:
    """The separator of a CSV file: the one that splits its header into the most known columns (a sniffer can
    be misled by a quoted cell with commas in a semicolon file), then into the most columns."""
    first_line = text.splitlines()[0] if text else ""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
        return sum(cell.strip().lower() in known for cell in cells), len(cells)

    return max((",", ";", "\t"), key=score)


def column_name(header: list, index: int) -> str:
    """How a column is named in a message: its header text, or its position ("#3") if it has none."""
    value = header[index] if index < len(header) else None
    return str(value) if value not in (None, "") else f"#{index + 1}"


def read_rows(filename: str, data: bytes, *, max_rows: int, max_columns: int = 200,
              known_columns: Iterable[str] = ()) -> list[list]:
    """Every row as a list of cells (XLSX: the cells' values; CSV: text). Problems use the codes
    not_csv_or_xlsx, not_utf8, too_many_rows, too_many_columns and formula (with row and column)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FileImportError([FileProblem("not_csv_or_xlsx")])
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
            rows = _limited(sheet.iter_rows(values_only=True), max_rows, max_columns)
        except FileImportError:
            raise
        except Exception:  # noqa: BLE001 - whatever openpyxl cannot read is not a usable workbook
            raise FileImportError([FileProblem("not_csv_or_xlsx")])
        formulas = [FileProblem("formula", number, column_name(rows[0], index))
                    for number, row in enumerate(rows, start=1) for index, cell in enumerate(row)
                    if isinstance(cell, str) and cell.startswith("=")]
        if formulas:
            raise FileImportError(formulas)
        return rows
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileImportError([FileProblem("not_utf8")])
        known = frozenset(column.lower() for column in known_columns)
        return _limited(csv.reader(io.StringIO(text), delimiter=_delimiter(text, known)), max_rows, max_columns)
    raise FileImportError([FileProblem("not_csv_or_xlsx")])
