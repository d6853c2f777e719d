"""The rows of an uploaded table: a CSV file or the first sheet of an XLSX. The one reader of table files.

A CSV file is text as Dutch offices save it: UTF-8 with or without a BOM ("CSV UTF-8"), UTF-16 with its BOM
(Excel's "Unicode-tekst", tab separated) or Windows-1252 (Excel's "CSV (gescheiden door
lijstscheidingsteken)"), tried in that order; a first line `sep=;` (written by some Excel versions) names the
separator. Its separator is a semicolon, comma or tab. What was read is said back (`Table.encoding`,
`Table.separator`), so a preview can tell the user.

Reading stops as soon as a file is larger than the limits allow, and a cell with a formula is refused: its
result may be stale or missing, and a value is what the file is meant to bring.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

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
    # the header: the first line with something in it (a file may start with empty lines, or only separators)
    first_line = next((line for line in text.splitlines() if line.strip(" \t;,\"")), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
        return sum(cell.strip().lower() in known for cell in cells), len(cells)

    return max((",", ";", "\t"), key=score)


@dataclass(frozen=True)
class Table:
    rows: list[list]
    encoding: str = ""  # "UTF-8", "UTF-8 BOM", "UTF-16" or "Windows-1252"; "" for a workbook
    separator: str = ""  # ";", "," or "\t"; "" for a workbook


_CONTROL = frozenset(chr(code) for code in range(32)) - {"\t", "\r", "\n"}


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding; `FileImportError` (unknown_encoding) when it is
    none of the encodings a Dutch office saves."""
    if data.startswith(b"\xef\xbb\xbf"):
        attempts = [("utf-8-sig", "UTF-8 BOM")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        attempts = [("utf-16", "UTF-16")]
    elif len(data) >= 4 and data[1::2].count(0) > len(data) // 4:  # UTF-16 without its BOM (little endian)
        attempts = [("utf-16-le", "UTF-16")]
    elif len(data) >= 4 and data[0::2].count(0) > len(data) // 4:
        attempts = [("utf-16-be", "UTF-16")]
    else:
        attempts = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for codec, name in attempts:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not any(char in _CONTROL for char in text):
            return text, name
    raise FileImportError([FileProblem("unknown_encoding")])


def column_name(header: list, index: int) -> str:
    """How a column is named in a message: its header text, or its position ("#3") if it has none."""
    value = header[index] if index < len(header) else None
    return str(value) if value not in (None, "") else f"#{index + 1}"


def read_table(filename: str, data: bytes, *, max_rows: int, max_columns: int = 200,
               known_columns: Iterable[str] = ()) -> Table:
    """Every row as a list of cells (XLSX: the cells' values; CSV: text), with the encoding and separator
    read. Problems use the codes not_csv_or_xlsx, unknown_encoding, too_many_rows, too_many_columns and
    formula (with row and column)."""
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
        return Table(rows)
    if name.endswith((".csv", ".txt", ".tsv")):
        text, encoding = decode(data)
        first, _, rest = text.partition("\n")
        if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
            separator, text = first.strip()[4], rest
        else:
            known = frozenset(column.lower() for column in known_columns)
            separator = _delimiter(text, known)
        rows = _limited(csv.reader(io.StringIO(text), delimiter=separator), max_rows, max_columns)
        return Table(rows, encoding, separator)
    raise FileImportError([FileProblem("not_csv_or_xlsx")])


def read_rows(filename: str, data: bytes, *, max_rows: int, max_columns: int = 200,
              known_columns: Iterable[str] = ()) -> list[list]:
    """The rows of `read_table`."""
    return read_table(filename, data, max_rows=max_rows, max_columns=max_columns,
                      known_columns=known_columns).rows
