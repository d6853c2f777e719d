"""Read a Klantbewust workbook back: answers, comments, targets and the improvement plan.

Everything is checked before anything is written: `read_workbook` returns the data, or raises
`WorkbookImportError` with every problem it found, each naming the sheet, the row and the column.
A file that is not a workbook of this tool (or was changed in a way that breaks it) is refused whole.

Every value goes through the same checks as a value typed in the app (`rules.input.clean_text`,
`rules.plan.validated`), so what the app would refuse is refused here too, never cut or guessed.
A formula is refused wherever the app reads a value: it is never read as its result, nor as empty.

Limits come first, before the sheets are read: the size of the file, its size unpacked, the rows of each
sheet and the cells that the sheets the app reads say they hold. Sheets are streamed (read-only mode),
and reading a sheet stops at its row limit.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from io import BytesIO
from typing import Callable, Iterator

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rules.input import MAX_COMMENT, InputError, clean_text
from rules.plan import STATUSES, validated
from i18n import LANGUAGES, t
from questionnaires.model import Questionnaire

from .problems import FileImportError, FileProblem
from scoring.legal import legal_key

from .workbook import EARLIER_HEADERS, FORMAT, META_SHEET, OLD_FORMATS, answer_labels, plan_labels, score_labels
from .workbook_rows import PLAN_FIELDS, action_key, parse_fingerprints

MB = 1024 * 1024
MAX_BYTES = 10 * MB  # the file as uploaded
MAX_UNPACKED_BYTES = 50 * MB  # everything inside the file (an .xlsx is a zip): a workbook of this tool is < 1 MB
MAX_ROWS = 1000  # data rows per sheet (the questionnaire has 36 questions; a plan of 1000 actions is a lot)
MAX_CELLS = 60_000  # cells in the sheets the app reads, as the sheets state their size
MAX_META_ROWS = 5000
SHOWN_PROBLEMS = 50  # a page shows the first 50 problems and how many more there are
QUOTED = 60  # a cell value quoted in a message is cut to this many characters

WorkbookImportError = FileImportError


@dataclass(frozen=True)
class WorkbookAnswer:
    value: object  # 1-5, "nvt", "weetniet" or None
    comment: str
    row: int


@dataclass(frozen=True)
class WorkbookTarget:
    level: int | None  # the target shown in the Scores sheet; None when the cell is empty
    row: int


@dataclass(frozen=True)
class WorkbookAction:
    id: int | None  # its number in the app; None for a row added in the workbook
    fields: dict  # PLAN_FIELDS, checked and cleaned as the app does
    row: int


@dataclass(frozen=True)
class WorkbookData:
    assessment_id: str
    questionnaire: Questionnaire
    organisation: str
    org_type: str
    size_class: str
    period: str
    language: str
    exported_at: datetime
    answers: dict[str, WorkbookAnswer]  # question id -> answer (questions whose row was deleted are absent)
    targets: dict[str, WorkbookTarget]  # dimension id -> target
    actions: tuple[WorkbookAction, ...]
    # what was exported: row key (workbook_rows.answer_key ...) -> field -> fingerprint
    exported: dict[str, dict[str, str]] = field(default_factory=dict)
    explicit_targets: frozenset[str] = frozenset()  # dimensions whose target was set (not the default) then


class _Formula(Exception):
    pass


def quoted(value) -> str:
    text = str(value)
    return text if len(text) <= QUOTED else text[:QUOTED] + "…"


def read_workbook(data: bytes, lookup: Callable[[str, str], Questionnaire | None]) -> WorkbookData:
    if len(data) > MAX_BYTES:
        raise WorkbookImportError([FileProblem("too_large", params={"max": MAX_BYTES // MB})])
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookImportError([FileProblem("not_xlsx")])
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise WorkbookImportError([FileProblem("macro_file")])  # an .xlsm: never read
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookImportError([FileProblem("too_large_unpacked", params={"max": MAX_UNPACKED_BYTES // MB})])
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any reason openpyxl cannot read it means: not a workbook we can use
        raise WorkbookImportError([FileProblem("not_xlsx")])
    try:
        return _read(book, lookup)
    finally:
        book.close()


def _read(book, lookup) -> WorkbookData:
    if META_SHEET not in book.sheetnames:
        raise WorkbookImportError([FileProblem("foreign_file")])
    meta: dict[str, str] = {}
    for number, row in enumerate(book[META_SHEET].iter_rows(max_col=2, max_row=MAX_META_ROWS + 1), start=1):
        if number > MAX_META_ROWS:
            raise WorkbookImportError([FileProblem("foreign_file")])
        cells = tuple(row) + (None, None)
        key, found = getattr(cells[0], "value", None), getattr(cells[1], "value", None)
        if key is not None and found is not None:
            meta[str(key)] = str(found)
    if meta.get("format") in OLD_FORMATS:
        raise WorkbookImportError([FileProblem("old_format")])
    if meta.get("format") != FORMAT or meta.get("language") not in LANGUAGES:
        raise WorkbookImportError([FileProblem("foreign_file")])
    try:
        exported_at = datetime.fromisoformat(meta.get("exported_at", "")).astimezone(timezone.utc)
    except ValueError:
        raise WorkbookImportError([FileProblem("foreign_file")])
    exported: dict[str, dict[str, str]] = {}
    for key, value in meta.items():
        if key.startswith(("answer:", "target:", "action:")):
            parsed = parse_fingerprints(value)
            if parsed is None:
                raise WorkbookImportError([FileProblem("foreign_file")])
            exported[key] = parsed
    questionnaire = lookup(meta.get("questionnaire_id", ""), meta.get("questionnaire_version", ""))
    if questionnaire is None:
        raise WorkbookImportError([FileProblem("unknown_questionnaire", params={
            "key": quoted(f"{meta.get('questionnaire_id')}@{meta.get('questionnaire_version')}")})])
    lang = meta["language"]
    problems: list[FileProblem] = []
    budget = {"cells": MAX_CELLS}

    def problem(code: str, row: int | None = None, column: str = "", sheet: str = "", **params) -> None:
        problems.append(FileProblem(code, row, column, params, sheet=sheet))

    def sheet_rows(key: str, labels: list[str]) -> tuple[str, Iterator[tuple[int, tuple]]]:
        """The data rows of a sheet (row number, cells A.. up to the labels), after checking its size and its
        header row; nothing when the sheet is missing or too large."""
        name = t(key, lang)
        if name not in book.sheetnames:
            problem("missing_sheet", sheet=name)
            return name, iter(())
        ws = book[name]
        if ws.max_row is not None and ws.max_row - 1 > MAX_ROWS:
            problem("too_many_rows", sheet=name, max=MAX_ROWS)
            return name, iter(())
        if ws.max_row is not None and ws.max_column is not None:
            if ws.max_row * ws.max_column > budget["cells"]:
                problem("too_many_cells", sheet=name, max=MAX_CELLS)
                return name, iter(())
            budget["cells"] -= ws.max_row * ws.max_column
        columns = len(labels)

        def rows() -> Iterator[tuple[int, tuple]]:
            for number, cells in enumerate(ws.iter_rows(min_row=1, max_col=columns, max_row=MAX_ROWS + 2), start=1):
                cells = tuple(cells) + (None,) * (columns - len(cells))
                if number == 1:
                    for column, (cell, label) in enumerate(zip(cells, labels), start=1):
                        found = getattr(cell, "value", None)
                        # a header renamed since an earlier export is still read under its old name
                        if str(found or "").strip() not in (label, *EARLIER_HEADERS.get((label, lang), ())):
                            problem("unexpected_header", 1, get_column_letter(column), name, expected=label,
                                    found=quoted(found if found is not None else ""))
                    if any(p.code == "unexpected_header" and p.sheet == name for p in problems):
                        return  # columns moved: reading on would read the wrong columns
                    continue
                if number > MAX_ROWS + 1:
                    problem("too_many_rows", sheet=name, max=MAX_ROWS)
                    return
                if any(getattr(cell, "value", None) not in (None, "") for cell in cells):
                    yield number, cells
        return name, rows()

    def value(cell, row: int, column: str, sheet: str):
        """The value of a cell; a formula or an error value is refused (and raises _Formula)."""
        kind = getattr(cell, "data_type", "n")
        if kind == "f":
            problem("formula", row, column, sheet)
            raise _Formula
        if kind == "e":
            problem("error_value", row, column, sheet, value=quoted(cell.value))
            raise _Formula
        found = getattr(cell, "value", None)
        if hasattr(found, "text"):  # an array formula object
            problem("formula", row, column, sheet)
            raise _Formula
        return found

    def input_problem(error: InputError, row: int, column: str, sheet: str) -> None:
        problem("input_error", row, column, sheet, error=error.code, field=error.field, **error.params)

    # --- answers ---------------------------------------------------------------------------------------
    answers: dict[str, WorkbookAnswer] = {}
    known = {q.id for q in questionnaire.questions()}
    legal_keys = {legal_key(item.id) for item in questionnaire.legal_items()}
    known |= legal_keys
    non_scores = {questionnaire.scale.not_applicable.get(lang): "nvt",
                  questionnaire.scale.dont_know.get(lang): "weetniet"}
    minimum = questionnaire.legal_minimum
    legal_values = {minimum.yes.get(lang): "ja", minimum.no.get(lang): "nee",
                    questionnaire.scale.dont_know.get(lang): "weetniet"} if minimum else {}
    name, rows = sheet_rows("export.sheet_answers", answer_labels(lang))
    for row_number, cells in rows:
        try:
            qid = value(cells[0], row_number, "A", name)
        except _Formula:
            continue
        if not isinstance(qid, str) or qid not in known:
            problem("unknown_question", row_number, "A", name, value=quoted(qid if qid is not None else ""))
            continue
        if qid in answers:
            problem("duplicate_question", row_number, "A", name, value=qid)
            continue
        answer, ok = None, True
        try:
            level = value(cells[3], row_number, "D", name)
            answer_text = value(cells[4], row_number, "E", name)
        except _Formula:
            ok = False
        else:
            level = _number_text(level)
            if qid in legal_keys:  # a legal requirement: ja / nee / weet niet in words, no level
                if isinstance(answer_text, str) and answer_text.strip() in legal_values:
                    answer = legal_values[answer_text.strip()]
                elif level not in (None, ""):
                    problem("invalid_level", row_number, "D", name, value=quoted(level))
                    ok = False
            elif level not in (None, ""):
                if isinstance(level, bool) or not isinstance(level, (int, float)) or level not in (1, 2, 3, 4, 5):
                    problem("invalid_level", row_number, "D", name, value=quoted(level))
                    ok = False
                else:
                    answer = int(level)
            elif isinstance(answer_text, str) and answer_text.strip() in non_scores:
                answer = non_scores[answer_text.strip()]
        try:
            comment = value(cells[6], row_number, "G", name)
            comment = clean_text(_text(comment), "comment", MAX_COMMENT)
        except _Formula:
            continue
        except InputError as error:
            input_problem(error, row_number, "G", name)
            continue
        if ok:
            answers[qid] = WorkbookAnswer(answer, comment, row_number)

    # --- targets: the target shown per dimension in the Scores sheet ---------------------------------------
    targets: dict[str, WorkbookTarget] = {}
    dimension_by_title = {d.title.get(lang): d.id for d in questionnaire.dimensions()}
    name, rows = sheet_rows("export.sheet_scores", score_labels(lang))
    for row_number, cells in rows:
        try:
            dimension_title = value(cells[1], row_number, "B", name)
            target = value(cells[5], row_number, "F", name)
        except _Formula:
            continue
        if dimension_title in (None, ""):
            continue  # a competency row
        if dimension_title not in dimension_by_title:
            problem("unknown_dimension", row_number, "B", name, value=quoted(dimension_title))
            continue
        dimension_id = dimension_by_title[dimension_title]
        target = _number_text(target)
        if dimension_id in targets:
            problem("duplicate_dimension", row_number, "B", name, value=quoted(dimension_title))
            continue
        if target in (None, ""):
            targets[dimension_id] = WorkbookTarget(None, row_number)
        elif isinstance(target, bool) or not isinstance(target, (int, float)) or target not in (1, 2, 3, 4, 5):
            problem("invalid_target", row_number, "F", name, value=quoted(target))
        else:
            targets[dimension_id] = WorkbookTarget(int(target), row_number)

    # --- improvement plan ------------------------------------------------------------------------------
    actions: list[WorkbookAction] = []
    status_by_label = {t(f"plan.status_{code}", lang): code for code in STATUSES}
    numbers: set[int] = set()
    name, rows = sheet_rows("export.sheet_plan", plan_labels(lang))
    for row_number, cells in rows:
        values, ok = {}, True
        for column_number, cell in enumerate(cells, start=1):
            try:
                values[column_number] = value(cell, row_number, get_column_letter(column_number), name)
            except _Formula:  # named once; the other cells of the row are still checked
                values[column_number], ok = _Formula, False
        fields: dict = {}
        for column_number, key in enumerate(PLAN_FIELDS, start=1):
            raw, column = values[column_number], get_column_letter(column_number)
            if raw is _Formula:
                continue
            if key == "dimension_id":
                if raw not in dimension_by_title:
                    problem("unknown_dimension", row_number, column, name,
                            value=quoted(raw if raw is not None else ""))
                    ok = False
                else:
                    fields[key] = dimension_by_title[raw]
            elif key == "status":
                if raw not in status_by_label:
                    problem("unknown_status", row_number, column, name, value=quoted(raw if raw is not None else ""))
                    ok = False
                else:
                    fields[key] = status_by_label[raw]
            elif key in ("start_date", "due_date"):
                if raw in (None, ""):
                    fields[key] = None
                elif isinstance(raw, datetime):
                    fields[key] = raw.date()
                elif isinstance(raw, date):
                    fields[key] = raw
                elif isinstance(raw, str) and _date_text(raw) is not None:  # a date typed in a text cell
                    fields[key] = _date_text(raw)
                else:
                    problem("invalid_date", row_number, column, name, value=quoted(raw))
                    ok = False
            else:
                if key == "expected_gain":
                    raw = 1.0 if raw in (None, "") else raw
                    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                        problem("input_error", row_number, column, name, error="invalid_gain",
                                field="expected_gain", value=quoted(raw))
                        ok = False
                        continue
                else:
                    raw = _text(raw)
                try:
                    fields.update(validated({key: raw}, questionnaire))
                except InputError as error:
                    input_problem(error, row_number, column, name)
                    ok = False
        start, due = fields.get("start_date"), fields.get("due_date")
        if start and due and due < start:
            problem("input_error", row_number, "E", name, error="due_before_start", field="due_date",
                    start=start.strftime("%d-%m-%Y"), due=due.strftime("%d-%m-%Y"))
            ok = False
        number = values[len(PLAN_FIELDS) + 1]
        column = get_column_letter(len(PLAN_FIELDS) + 1)
        action_id = None
        if number not in (None, "", _Formula):
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, bool) or not isinstance(number, int) or action_key(number) not in exported:
                problem("unknown_action_number", row_number, column, name, value=quoted(number))
                ok = False
            elif number in numbers:
                problem("duplicate_action_number", row_number, column, name, value=number)
                ok = False
            else:
                numbers.add(number)
                action_id = number
        if ok:
            actions.append(WorkbookAction(action_id, fields, row_number))

    if problems:
        raise WorkbookImportError(problems)
    explicit = frozenset(d for d in meta.get("explicit_targets", "").split(",") if d and d != "-")
    return WorkbookData(meta.get("assessment_id", ""), questionnaire, meta.get("organisation", ""),
                        meta.get("org_type", ""), meta.get("size_class", ""), meta.get("period", ""), lang,
                        exported_at, answers, targets, tuple(actions), exported, explicit)


def _number_text(value):
    """A whole number typed in a text cell ("4") is that number; anything else stays as it is."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 3:
        return int(value.strip())
    return value


def _date_text(text: str) -> date | None:
    """A date typed as text: 31-12-2026 (also 31/12/2026) or 2026-12-31; None when it is not one."""
    text = text.strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _text(value) -> str:
    """A cell read as the text a person typed: nothing is "", a whole number has no ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
