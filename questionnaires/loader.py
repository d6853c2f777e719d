"""Find, read and validate questionnaire files.

A broken file never stops the others: `discover` returns the valid questionnaires and one
`QuestionnaireProblem` per broken file, naming the file, the path inside it and what is wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .model import Questionnaire

# libyaml's parser where PyYAML was built with it (the wheels are): the same YAML, read about ten times faster
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_DIR = Path(__file__).parent / "definitions"
ENV_DIR = "KLANTBEWUST_QUESTIONNAIRES"


@dataclass(frozen=True)
class QuestionnaireProblem:
    """What is wrong with one file. `code` and `params` let the UI say it in the user's language."""

    file: str
    location: str  # e.g. "competencies[1].dimensions[2].questions[0].levels", or "" for the whole file
    code: str
    params: dict = field(default_factory=dict)
    detail: str = ""  # the technical message, in English


class QuestionnaireFileError(Exception):
    def __init__(self, problem: QuestionnaireProblem):
        super().__init__(f"{problem.file}: {problem.location or '(file)'}: {problem.detail or problem.code}")
        self.problem = problem


@dataclass
class Catalog:
    questionnaires: dict[str, Questionnaire]  # key "id@version"
    problems: list[QuestionnaireProblem]

    def get(self, questionnaire_id: str, version: str) -> Questionnaire | None:
        return self.questionnaires.get(f"{questionnaire_id}@{version}")


def format_location(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _first_problem(file: str, error: ValidationError) -> QuestionnaireProblem:
    err = error.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v
           for k, v in (err.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    location = format_location(loc)
    # references found by the whole-file check carry their own location
    if err["type"] == "unknown_reference" and "where" in ctx:
        location = f"{ctx['where']}.tags[{ctx['index']}]"
    elif err["type"] in ("duplicate_id", "unknown_question", "unknown_framework", "area_tag") and "where" in ctx:
        location = ctx["where"]
    return QuestionnaireProblem(file=file, location=location, code=err["type"], params=ctx, detail=err["msg"])


def load_questionnaire(path: str | Path) -> Questionnaire:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QuestionnaireFileError(QuestionnaireProblem(name, "", "not_utf8", detail="file is not UTF-8 text"))
    try:
        data = yaml.load(raw, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        params = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        raise QuestionnaireFileError(
            QuestionnaireProblem(name, "", "yaml_syntax", params, detail=str(getattr(exc, "problem", exc)))
        )
    if not isinstance(data, dict):
        raise QuestionnaireFileError(QuestionnaireProblem(name, "", "not_a_mapping", detail="top level: no mapping"))
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireFileError(_first_problem(name, exc))


def questionnaire_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def mapping_problems(file: str, questionnaire: Questionnaire,
                     known: dict[str, Questionnaire]) -> list[QuestionnaireProblem]:
    """Old question ids in `mappings` that the earlier version does not have, when that version is known
    (loaded from the same folder). A typo there would otherwise silently break comparisons and copying."""
    problems = []
    for mi, mapping in enumerate(questionnaire.mappings):
        earlier = known.get(f"{questionnaire.id}@{mapping.from_version}")
        if earlier is None:
            continue
        earlier_ids = {q.id for q in earlier.questions()}
        for ci, change in enumerate(mapping.changes):
            for oi, old_id in enumerate(change.old):
                if old_id not in earlier_ids:
                    problems.append(QuestionnaireProblem(
                        file, f"mappings[{mi}].changes[{ci}].old[{oi}]", "unknown_old_question",
                        {"id": old_id, "version": mapping.from_version},
                        detail=f"'{old_id}' is not a question of version {mapping.from_version}"))
    return problems


def discover(folder: str | Path | None = None) -> Catalog:
    folder = Path(folder) if folder else questionnaire_dir()
    found: dict[str, Questionnaire] = {}
    files: dict[str, str] = {}
    problems: list[QuestionnaireProblem] = []
    paths = sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.name.startswith("_"))
    for path in paths:
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireFileError as exc:
            problems.append(exc.problem)
            continue
        if questionnaire.key in found:
            problems.append(
                QuestionnaireProblem(path.name, "id", "duplicate_questionnaire", {"key": questionnaire.key},
                                     detail=f"{questionnaire.key} is defined twice")
            )
            continue
        found[questionnaire.key] = questionnaire
        files[questionnaire.key] = path.name
    # a version whose mapping names old questions that its earlier version does not have is not loaded:
    # checked against the versions as loaded, so the result does not depend on the order of the files
    broken = {}
    for key, questionnaire in found.items():
        mistakes = mapping_problems(files[key], questionnaire, found)
        if mistakes:
            broken[key] = mistakes[0]
    for key, problem in broken.items():
        del found[key]
    problems.extend(broken.values())
    problems.sort(key=lambda p: p.file)
    return Catalog(found, problems)
