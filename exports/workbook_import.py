"""Read a Klantbewust workbook back: answers, comments, targets and the improvement plan.

Everything is checked before anything is written: `read_workbook` returns the data, or raises
`WorkbookImportError` with every problem it found, each naming the sheet, the row and the column.
A file that is not a workbook of this tool (or was changed in a way that breaks it) is refused whole.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Callable

from openpyxl import load_workbook

from assessment.plan import STATUSES
from i18n import LANGUAGES, t
from questionnaires.model import Questionnaire
from scoring.engine import score_assessment

from .problems import FileImportError, FileProblem
from .workbook import FORMAT, META_SHEET

MAX_BYTES = 10 * 1024 * 1024


WorkbookImportError = FileImportError


@dataclass(frozen=True)
class WorkbookData:
    assessment_id: str
    questionnaire: Questionnaire
    organisation: str
    org_type: str
    size_class: str
    period: str
    answers: dict[str, tuple[object, str]]  # question id -> (1-5 / "nvt" / "weetniet" / None, comment)
    targets: dict[str, int]
    actions: list[dict]


def read_workbook(data: bytes, lookup: Callable[[str, str], Questionnaire | None]) -> WorkbookData:
    if len(data) > MAX_BYTES:
        raise WorkbookImportError([FileProblem("too_large", params={"max": MAX_BYTES // (1024 * 1024)})])
    if not zipfile.is_zipfile(BytesIO(data)):
        raise WorkbookImportError([FileProblem("not_xlsx")])
    try:
        book = load_workbook(BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any reason openpyxl cannot read it means: not a workbook we can use
        raise WorkbookImportError([FileProblem("not_xlsx")])
    if META_SHEET not in book.sheetnames:
        raise WorkbookImportError([FileProblem("foreign_file")])
    meta = {str(r[0]): str(r[1]) for r in book[META_SHEET].iter_rows(values_only=True) if r and r[0] and r[1]}
    if meta.get("format") != FORMAT or meta.get("language") not in LANGUAGES:
        raise WorkbookImportError([FileProblem("foreign_file")])
    questionnaire = lookup(meta.get("questionnaire_id", ""), meta.get("questionnaire_version", ""))
    if questionnaire is None:
        raise WorkbookImportError([FileProblem("unknown_questionnaire", params={
            "key": f"{meta.get('questionnaire_id')}@{meta.get('questionnaire_version')}"})])
    lang = meta["language"]
    problems: list[FileProblem] = []

    def sheet(key: str):
        name = t(key, lang)
        if name not in book.sheetnames:
            problems.append(FileProblem("missing_sheet", sheet=name))
            return None, name
        return book[name], name

    # --- answers ---------------------------------------------------------------------------------------
    answers: dict[str, tuple[object, str]] = {}
    ws, name = sheet("export.sheet_answers")
    known = {q.id for q in questionnaire.questions()}
    non_scores = {questionnaire.scale.not_applicable.get(lang): "nvt",
                  questionnaire.scale.dont_know.get(lang): "weetniet"}
    if ws is not None:
        for row_number, row in enumerate(ws.iter_rows(min_row=2, max_col=7, values_only=True), start=2):
            if not any(row):
                continue
            qid, _, _, level, answer_text, _, comment = row
            if qid not in known:
                problems.append(FileProblem("unknown_question", row_number, "A", {"value": str(qid)},
                                            sheet=name))
                continue
            if qid in answers:
                problems.append(FileProblem("duplicate_question", row_number, "A", {"value": qid}, sheet=name))
                continue
            value: object = None
            if level not in (None, ""):
                if isinstance(level, bool) or not isinstance(level, (int, float)) or level not in (1, 2, 3, 4, 5):
                    problems.append(FileProblem("invalid_level", row_number, "D", {"value": str(level)},
                                                sheet=name))
                    continue
                value = int(level)
            elif answer_text in non_scores:
                value = non_scores[answer_text]
            answers[qid] = (value, "" if comment is None else str(comment))

    # --- targets: the ones that were set, and any that differ from the default (changed in Excel) ----------
    targets: dict[str, int] = {}
    explicit = set(meta.get("explicit_targets", "").split(","))
    defaults = {d: s.target for d, s in score_assessment(
        questionnaire, {q: v for q, (v, _) in answers.items() if v is not None}).dimensions.items()}
    ws, name = sheet("export.sheet_scores")
    dimension_by_title = {d.title.get(lang): d.id for d in questionnaire.dimensions()}
    if ws is not None:
        for row_number, row in enumerate(ws.iter_rows(min_row=2, max_col=7, values_only=True), start=2):
            dimension_title, target = row[1], row[5]
            if not dimension_title:
                continue  # a competency row
            if dimension_title not in dimension_by_title:
                problems.append(FileProblem("unknown_dimension", row_number, "B", {"value": str(dimension_title)},
                                            sheet=name))
                continue
            if target in (None, ""):
                continue
            if isinstance(target, bool) or target not in (1, 2, 3, 4, 5):
                problems.append(FileProblem("invalid_target", row_number, "F", {"value": str(target)},
                                            sheet=name))
                continue
            dimension_id = dimension_by_title[dimension_title]
            if dimension_id in explicit or int(target) != defaults[dimension_id]:
                targets[dimension_id] = int(target)

    # --- improvement plan ------------------------------------------------------------------------------
    actions: list[dict] = []
    ws, name = sheet("export.sheet_plan")
    status_by_label = {t(f"plan.status_{code}", lang): code for code in STATUSES}
    if ws is not None:
        for row_number, row in enumerate(ws.iter_rows(min_row=2, max_col=10, values_only=True), start=2):
            if not any(row):
                continue
            title, dimension_title, owner, start, due, status, gain, kpi, kpi_target, description = row
            action = dict(title="" if title is None else str(title), owner=owner or "", kpi=kpi or "",
                          kpi_target="" if kpi_target is None else str(kpi_target), description=description or "")
            if dimension_title not in dimension_by_title:
                problems.append(FileProblem("unknown_dimension", row_number, "B", {"value": str(dimension_title)},
                                            sheet=name))
            else:
                action["dimension_id"] = dimension_by_title[dimension_title]
            if status not in status_by_label:
                problems.append(FileProblem("unknown_status", row_number, "F", {"value": str(status)},
                                            sheet=name))
            else:
                action["status"] = status_by_label[status]
            for column, key, value in (("D", "start_date", start), ("E", "due_date", due)):
                if value in (None, ""):
                    action[key] = None
                elif isinstance(value, datetime):
                    action[key] = value.date()
                elif isinstance(value, date):
                    action[key] = value
                else:
                    problems.append(FileProblem("invalid_date", row_number, column, {"value": str(value)},
                                                sheet=name))
            if gain in (None, ""):
                action["expected_gain"] = 1.0
            elif isinstance(gain, (int, float)) and not isinstance(gain, bool) and 0 <= gain <= 4:
                action["expected_gain"] = float(gain)
            else:
                problems.append(FileProblem("invalid_gain", row_number, "G", {"value": str(gain)}, sheet=name))
            if not action["title"].strip():
                problems.append(FileProblem("missing_title", row_number, "A", sheet=name))
            action["_row"] = row_number
            actions.append(action)

    if problems:
        raise WorkbookImportError(problems)
    return WorkbookData(meta["assessment_id"], questionnaire, meta.get("organisation", ""), meta.get("org_type", ""),
                        meta.get("size_class", ""), meta.get("period", ""), answers, targets, actions)
