"""The rows of an uploaded table: a CSV file (comma, semicolon or tab; UTF-8) or the first sheet of an XLSX."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from .problems import FileImportError, FileProblem


def read_rows(filename: str, data: bytes) -> list[list]:
    """Every row as a list of cells (XLSX: the cells' values; CSV: text). Problems use the codes
    not_csv_or_xlsx and not_utf8."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FileImportError([FileProblem("not_csv_or_xlsx")])
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # noqa: BLE001 - whatever openpyxl cannot read is not a usable workbook
            raise FileImportError([FileProblem("not_csv_or_xlsx")])
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileImportError([FileProblem("not_utf8")])
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    raise FileImportError([FileProblem("not_csv_or_xlsx")])
