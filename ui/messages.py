"""What went wrong, in the user's language: refusals of the services, and problems of a questionnaire file, the
KPI library or an imported file."""

from __future__ import annotations

from assessment import service
from assessment.importing import ImportRefused
from i18n import has
from questionnaires.loader import QuestionnaireProblem
from respondents.service import RespondentError
from ui.language import lang, tr
from ui.safe_text import as_text, escape_md
from workshops.service import WorkshopError


def kpi_library_problem_text(problem) -> str:
    key = f"qproblem.{problem.code}"
    what = tr(key, **problem.params) if has(key) else problem.detail
    where = tr("qproblem.where", location=problem.location) if problem.location else ""
    return tr("kpi.library_problem", file=problem.file, where=where, what=what)


def problem_text(problem: QuestionnaireProblem) -> str:
    key = f"qproblem.{problem.code}"
    what = tr(key, **{k: v for k, v in problem.params.items()}) if has(key) else problem.detail
    where = tr("qproblem.where", location=problem.location) if problem.location else ""
    return tr("qproblem.message", file=problem.file, where=where, what=what)


def import_problem_text(problem) -> str:
    """One problem of a workbook import (for markdown), with where it is (sheet, row, column) when known.
    Values quoted from the file are shown as text; a value the app refuses is named as the app names it."""
    params = dict(problem.params)
    error, field = params.pop("error", None), params.pop("field", None)  # codes, not text from the file
    safe = {k: escape_md(v) if isinstance(v, str) else v for k, v in params.items()}
    sheet = escape_md(problem.sheet)
    if problem.row:
        where = tr("import.where", sheet=sheet, row=problem.row, column=problem.column)
    elif problem.sheet and problem.code != "missing_sheet":
        where = tr("import.where_sheet", sheet=sheet)
    else:
        where = ""
    if problem.code == "input_error":
        return where + tr(f"error.{error}", field=tr(f"field.{field}"), **safe)
    return where + tr(f"import.{problem.code}", sheet=sheet, **safe)


def file_problems_text(problems: list, prefix: str, shown: int = 50) -> str:
    """The problems of a file as a markdown list: the first `shown`, then how many more there are."""
    lines = []
    for problem in problems[:shown]:
        where = tr(f"{prefix}.where", **as_text(dict(row=problem.row, column=problem.column))) if problem.row else ""
        lines.append("- " + where + tr(f"{prefix}.{problem.code}", **as_text(problem.params)))
    if len(problems) > shown:
        lines.append(tr("peerfile.more_problems", count=len(problems) - shown))
    return "\n".join(lines)


def localized_params(params: dict) -> dict:
    """Message parameters in the user's language: a library KPI's name comes in both languages."""
    from kpi.service import localized

    return {key: localized(value, lang()) for key, value in params.items()}


def input_error_text(error: service.InputError) -> str:
    field = tr(f"field.{error.field}")
    return tr(f"error.{error.code}", field=field, **as_text(localized_params(error.params)))


def error_text(error: Exception) -> str:
    """What went wrong, in the user's language, for every refusal a service can give."""
    if isinstance(error, service.InputError):
        return input_error_text(error)
    if isinstance(error, service.AssessmentIsFinal):
        return tr("questionnaire.read_only")
    if isinstance(error, WorkshopError):
        return tr(f"workshop.{error.code}")
    if isinstance(error, RespondentError):
        return tr(f"respondents.{error.code}", **error.params)
    if isinstance(error, ImportRefused):
        text = tr(f"import.{error.code}", row=error.row, **error.params)
        return text if error.code in ("changed_since_preview", "choice_missing") else tr("import.failed") + " " + text
    return tr("access.denied")
