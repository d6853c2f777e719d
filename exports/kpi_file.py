"""Read a file of measured KPI values (CSV or XLSX): one row per KPI and period.

Columns (Dutch names are accepted too): `kpi` (the KPI's id: the library id or the id of an own KPI),
`period` / `periode` (a year, quarter or month in the forms `indicators.figures.parse_period` knows), and
either `numerator` / `teller` and `denominator` / `noemer` (for a ratio) or `value` / `waarde`. A column
`name` / `naam` may hold the KPI's name for people reading the file; it is not used. Any other column is a
problem.

Numbers may be in Dutch or English notation; each number column is read in the notation its cells agree on
(`rules.numbers.read_columns`); a cell that still has two readings comes as `Ambiguous`, for the service to
refuse naming both. `counts` tells, per KPI id, which fields are counts (whole numbers), which settles
"1.040" as 1040 in a count.

This module only reads the table and checks its shape; `kpi.service.import_values` checks every row against
the organisation's register (in one transaction) and stores all rows or none. Problem codes are full text
keys (`kpifile.…` for the shape of the file, `error.kpi_…` for a value), so both are said in the user's
language with the row and the column as written in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Callable

from rules.numbers import read_columns

from .problems import FileImportError, FileProblem
from .table_file import read_table

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50  # the six known columns and room for a few of one's own
FIELDS = ("kpi", "period", "numerator", "denominator", "value")
ALIASES = {"kpi": "kpi", "kpi_id": "kpi", "id": "kpi", "period": "period", "periode": "period",
           "numerator": "numerator", "teller": "numerator", "denominator": "denominator", "noemer": "denominator",
           "value": "value", "waarde": "value", "name": "name", "naam": "name"}
TEMPLATE_HEADER = ("kpi", "naam", "periode", "teller", "noemer", "waarde")


@dataclass(frozen=True)
class KpiFileRow:
    row: int  # as the user sees it: the header is row 1
    cells: dict  # field -> the cell as read (text, number, date or None)


@dataclass(frozen=True)
class KpiFile:
    rows: list[KpiFileRow]
    headers: dict[str, str] = field(default_factory=dict)  # field -> the column name as written in the file
    encoding: str = ""  # as read (table_file.Table): "" for a workbook
    separator: str = ""
    notation: str | None = None  # the number notation of the file: "nl", "en", or None when no cell told


def _problem(code: str, row: int | None = None, column: str = "", **params) -> FileProblem:
    return FileProblem(code, row, column, params)


NUMBER_FIELDS = ("numerator", "denominator", "value")


def template_csv(kpis: list[tuple[str, str]]) -> bytes:
    """An empty file of values for the given KPIs (id, name), as Dutch Excel and LibreOffice open it cleanly:
    a semicolon between the columns (Dutch Excel's list separator), a BOM so that accents survive, and lines
    ending in CR LF. Saved back without changes, it imports (its rows without period and numbers are skipped)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows([code, name, "", "", "", ""] for code, name in kpis)
    return out.getvalue().encode("utf-8-sig")


def read_kpi_file(filename: str, data: bytes, counts: Callable[[str], tuple[str, ...]] | None = None) -> KpiFile:
    if len(data) > MAX_BYTES:
        raise FileImportError([_problem("kpifile.too_large", max=MAX_BYTES // (1024 * 1024))])
    try:
        table = read_table(filename, data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, known_columns=ALIASES)
    except FileImportError as error:
        raise FileImportError([_problem(f"kpifile.{p.code}", p.row, p.column, **p.params) for p in error.problems])
    numbered = [(number, row) for number, row in enumerate(table.rows, start=1)
                if any(cell not in (None, "") and str(cell).strip() for cell in row)]
    if len(numbered) < 2:
        raise FileImportError([_problem("kpifile.empty")])
    header_number, header = numbered[0]
    if len(numbered) - 1 > MAX_ROWS:
        raise FileImportError([_problem("kpifile.too_many_rows", max=MAX_ROWS)])
    problems, headers, positions = [], {}, {}
    for index, cell in enumerate(header):
        written = "" if cell is None else str(cell).strip()
        if not written:
            continue
        name = ALIASES.get(written.lower().replace(" ", "_"))
        if name is None:
            problems.append(_problem("kpifile.unknown_column", header_number, written))
        elif name in positions:
            problems.append(_problem("kpifile.duplicate_column", header_number, written))
        else:
            positions[name], headers[name] = index, written
    for required in ("kpi", "period"):
        if required not in positions:
            problems.append(_problem("kpifile.missing_column", header_number, required))
    if not {"value", "numerator", "denominator"} & set(positions):
        problems.append(_problem("kpifile.no_value_columns", header_number))
    if problems:
        raise FileImportError(problems)
    result = []
    for number, row in numbered[1:]:
        cells = {name: (row[index] if index < len(row) else None) for name, index in positions.items()
                 if name in FIELDS}
        cells = {name: (None if isinstance(value, str) and not value.strip() else value)
                 for name, value in cells.items()}
        if all(cells.get(name) is None for name in ("period", "numerator", "denominator", "value")):
            continue  # a row of the template that was left empty
        result.append(KpiFileRow(number, cells))
    kept = [name for name in NUMBER_FIELDS if name in positions]
    whole = {name: [name in (counts(str(line.cells.get("kpi") or "").strip().lower()) if counts else ())
                     for line in result] for name in kept}
    read, notation = read_columns({name: [line.cells.get(name) for line in result] for name in kept}, whole)
    result = [KpiFileRow(line.row, {**line.cells, **{name: read[name][index] for name in kept}})
              for index, line in enumerate(result)]
    return KpiFile(result, headers, table.encoding, table.separator, notation)
