"""Read a benchmark file (CSV or XLSX): one row per organisation-year of other organisations.

Columns: `organisation` (any label, to recognise duplicates and to count organisations for the anonymity
minimum; only an opaque key of it is stored, never the label), `org_type`, `size_class`, `year`,
`questionnaire_id`, `questionnaire_version`, and then either one column per question id (a level 1-5,
`nvt`, `weetniet` or empty) or one column per dimension id (a score from 1 to 5, or empty). Dutch column
names are accepted too: organisatie, type, grootte, jaar, vragenlijst, versie.

A CSV file is read by the one table reader (`table_file.read_table`: UTF-8, UTF-16 or Windows-1252; ";", "," or
tab). A score may have a decimal comma or point (3,5 or 3.5); each score column is read in the notation its
cells agree on (`rules.numbers`), and a cell that still reads two ways is refused naming both readings.

Everything is checked first; every problem names its row and column, and a file with any problem
imports nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Callable

from rules.input import ORGANISATION_TYPES, size_classes_for
from rules.numbers import Ambiguous, read_columns
from rules.numbers import shown as shown_in
from questionnaires.model import Questionnaire

from .problems import FileImportError, FileProblem
from .table_file import Table, read_table

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # organisation-years in one file: every gemeente over many years fits
MAX_COLUMNS = 200  # the metadata and every question of a questionnaire
META = ("organisation", "org_type", "size_class", "year", "questionnaire_id", "questionnaire_version")
ALIASES = {"organisatie": "organisation", "type": "org_type", "soort": "org_type", "grootte": "size_class",
           "jaar": "year", "vragenlijst": "questionnaire_id", "versie": "questionnaire_version"}


BenchmarkFileError = FileImportError


@dataclass(frozen=True)
class BenchmarkFile:
    questionnaire: Questionnaire
    records: list[dict]  # organisation_key, org_type, size_class, year, and answers or scores
    kind: str  # "answers" or "scores"
    encoding: str = ""  # as read (table_file.Table): "" for a workbook
    separator: str = ""
    # per record, where it is in the file: (row as the user sees it, the organisation as written there), to name
    # the row in a problem found later (an organisation-year already stored); never stored itself
    places: tuple[tuple[int, str], ...] = ()
    organisation_column: str = "organisation"  # as the file writes it (organisatie, Organisation, ...)


def organisation_key(label: str) -> str:
    """An opaque, stable key for an organisation's label: the same organisation (case and spaces aside) gets the
    same key in every file, so the anonymity minimum counts it once; the label itself is never stored."""
    normalised = " ".join(label.split()).casefold()
    return "file-" + hashlib.sha256(f"klantbewust-peer-organisation\n{normalised}".encode()).hexdigest()[:40]


def _table(filename: str, data: bytes) -> Table:
    return read_table(filename, data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS,
                      known_columns=set(META) | set(ALIASES))


def read_benchmark_file(filename: str, data: bytes,
                        lookup: Callable[[str, str], Questionnaire | None]) -> BenchmarkFile:
    if len(data) > MAX_BYTES:
        raise BenchmarkFileError([FileProblem("too_large", params={"max": MAX_BYTES // (1024 * 1024)})])
    table = _table(filename, data)
    # empty rows are passed over, but every problem names the row as the file numbers it (the header is row 1
    # unless empty rows come before it)
    numbered = [(number, row) for number, row in enumerate(table.rows, start=1)
                if any(cell not in (None, "") for cell in row)]
    if len(numbered) < 2:
        raise BenchmarkFileError([FileProblem("empty")])
    numbers, rows = [number for number, _ in numbered], [row for _, row in numbered]
    header_row = numbers[0]
    written = [str(h).strip() if h is not None else "" for h in rows[0]]
    header = [ALIASES.get(w.lower(), w) for w in written]
    shown = {name: w for name, w in zip(header, written) if name}  # a column named as the file writes it
    missing = [m for m in META if m not in header]
    if missing:
        raise BenchmarkFileError([FileProblem("missing_column", header_row, m) for m in missing])
    problems: list[FileProblem] = []
    first = list(rows[1]) + [None] * max(0, len(header) - len(rows[1]))  # a short row: its missing cells are empty
    questionnaire_id = str(first[header.index("questionnaire_id")] or "").strip()
    version = str(first[header.index("questionnaire_version")] or "").strip()
    questionnaire = lookup(questionnaire_id, version)
    if questionnaire is None:
        raise BenchmarkFileError([FileProblem("unknown_questionnaire", numbers[1], shown["questionnaire_version"],
                                              {"key": f"{questionnaire_id}@{version}"})])
    question_ids = {q.id for q in questionnaire.questions()}
    dimension_ids = {d.id for d in questionnaire.dimensions()}
    data_columns = [h for h in header if h not in META]
    for column in data_columns:
        if column not in question_ids and column not in dimension_ids:
            problems.append(FileProblem("unknown_column", header_row, column))
    kinds = {"answers" if c in question_ids else "scores" for c in data_columns if c in question_ids | dimension_ids}
    if len(kinds) > 1:
        problems.append(FileProblem("mixed_columns", header_row))
    if not kinds:
        problems.append(FileProblem("no_data_columns", header_row))
    kind = kinds.pop() if len(kinds) == 1 else "answers"

    if kind == "scores":  # every score column read in the notation its cells agree on
        columns = {c: [(list(row) + [None] * len(header))[i] for row in rows[1:]]
                   for i, c in enumerate(header) if c in dimension_ids}
        read, _ = read_columns(columns)
        rows = [list(row) + [None] * max(0, len(header) - len(row)) for row in rows]
        for index, column in enumerate(header):
            if column in read:
                for offset, value in enumerate(read[column]):
                    rows[offset + 1][index] = value
    records, seen, places = [], {}, []
    for number, row in zip(numbers[1:], rows[1:]):
        cells = dict(zip(header, list(row) + [None] * (len(header) - len(row))))

        def text(name):
            value = cells.get(name)
            return "" if value is None else str(value).strip()

        if (text("questionnaire_id"), text("questionnaire_version")) != (questionnaire.id, questionnaire.version):
            problems.append(FileProblem("wrong_version", number, "questionnaire_version",
                                        {"found": f"{text('questionnaire_id')}@{text('questionnaire_version')}",
                                         "expected": questionnaire.key}))
        org_type, size_class = text("org_type"), text("size_class")
        if org_type not in ORGANISATION_TYPES:
            problems.append(FileProblem("unknown_type", number, "org_type", {"value": org_type}))
        elif size_class not in size_classes_for(org_type):
            problems.append(FileProblem("unknown_size", number, "size_class", {"value": size_class}))
        try:
            year = int(float(text("year")))
            if not 2000 <= year <= 2100 or float(text("year")) != year:
                raise ValueError
        except ValueError:
            problems.append(FileProblem("invalid_year", number, "year", {"value": text("year")}))
            year = None
        organisation = text("organisation")
        if not organisation:
            problems.append(FileProblem("missing_organisation", number, "organisation"))
        elif year is not None:
            key = (organisation_key(organisation), year)
            if key in seen:
                problems.append(FileProblem("duplicate", number, "organisation",
                                            {"organisation": organisation, "year": year, "first": seen[key]}))
            else:
                seen[key] = number
        values = {}
        for column in data_columns:
            raw = cells.get(column)
            if raw in (None, "") or column not in question_ids | dimension_ids:
                continue
            if kind == "answers":
                code = str(raw).strip().lower().replace(".", "").replace(" ", "")
                if code in ("nvt", "weetniet"):
                    values[column] = code
                    continue
                try:
                    level = float(str(raw).replace(",", "."))
                except ValueError:
                    problems.append(FileProblem("not_a_level", number, column, {"value": str(raw)}))
                    continue
                if level not in (1, 2, 3, 4, 5):
                    problems.append(FileProblem("level_out_of_range", number, column, {"value": str(raw)}))
                    continue
                values[column] = int(level)
            else:
                if isinstance(raw, Ambiguous):
                    problems.append(FileProblem("ambiguous_number", number, column, {
                        "value": raw.text, "first": shown_in(raw.nl, "nl"), "second": shown_in(raw.en, "nl")}))
                    continue
                try:
                    score = float(raw) if isinstance(raw, (int, float)) else float(str(raw).strip())
                except ValueError:
                    problems.append(FileProblem("not_a_number", number, column, {"value": str(raw)}))
                    continue
                if not 1 <= score <= 5:
                    problems.append(FileProblem("score_out_of_range", number, column, {"value": str(raw)}))
                    continue
                values[column] = score
        records.append({"organisation_key": organisation_key(organisation), "org_type": org_type,
                        "size_class": size_class, "year": year, kind: values})
        places.append((number, organisation))
    if problems:
        raise BenchmarkFileError([replace(p, column=shown.get(p.column, p.column)) for p in problems])
    return BenchmarkFile(questionnaire, records, kind, table.encoding, table.separator, tuple(places),
                         shown["organisation"])
