"""Find, read and validate the KPI library file.

The library lives beside the questionnaires, in `questionnaires/definitions/kpis/kpi-library.yaml` (a folder
of its own, so the questionnaire loader never takes it for a questionnaire); KLANTBEWUST_KPI_LIBRARY names
another file. A broken file raises `KpiLibraryError` with a `LibraryProblem` that names the file, the place
inside it (e.g. `kpis[3].unit`) and what is wrong, with a code the pages say in the user's language.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from questionnaires.loader import YAML_LOADER, format_location
from questionnaires.loader import DEFAULT_DIR as QUESTIONNAIRE_DIR

from .model import KpiLibrary

DEFAULT_FILE = QUESTIONNAIRE_DIR / "kpis" / "kpi-library.yaml"
ENV_FILE = "KLANTBEWUST_KPI_LIBRARY"


@dataclass(frozen=True)
class LibraryProblem:
    file: str
    location: str  # e.g. "kpis[3].unit", or "" for the whole file
    code: str  # a pydantic error type or one of ours; the pages look up "qproblem.<code>"
    params: dict = field(default_factory=dict)
    detail: str = ""  # the technical message, in English


class KpiLibraryError(Exception):
    def __init__(self, problem: LibraryProblem):
        super().__init__(f"{problem.file}: {problem.location or '(file)'}: {problem.detail or problem.code}")
        self.problem = problem


def library_file() -> Path:
    return Path(os.environ.get(ENV_FILE) or DEFAULT_FILE)


def _problem(file: str, error: ValidationError) -> LibraryProblem:
    err = error.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v
           for k, v in (err.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    location = ctx.pop("where", None) or format_location(loc)
    if err["type"] == "duplicate_id":
        ctx["where"] = location
    return LibraryProblem(file=file, location=location, code=err["type"], params=ctx, detail=err["msg"])


def load_library(path: str | Path | None = None) -> KpiLibrary:
    path = Path(path) if path else library_file()
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KpiLibraryError(LibraryProblem(name, "", "kpi_library_missing", detail=f"{path} does not exist"))
    except UnicodeDecodeError:
        raise KpiLibraryError(LibraryProblem(name, "", "not_utf8", detail="file is not UTF-8 text"))
    try:
        data = yaml.load(raw, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        params = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        raise KpiLibraryError(LibraryProblem(name, "", "yaml_syntax", params,
                                             detail=str(getattr(exc, "problem", exc))))
    if not isinstance(data, dict):
        raise KpiLibraryError(LibraryProblem(name, "", "not_a_mapping", detail="top level: no mapping"))
    try:
        return KpiLibrary.model_validate(data)
    except ValidationError as exc:
        raise KpiLibraryError(_problem(name, exc))
