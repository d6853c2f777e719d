"""Pydantic models of a questionnaire file.

A questionnaire is data: competencies -> dimensions -> questions, each question with five anchored
level descriptors, plus an action library per dimension and the frameworks that tags refer to.
Every check that can be made when a file is loaded is made here, so the rest of the code can trust
the model.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

LANGUAGES = ("nl", "en")
LEVELS = (1, 2, 3, 4, 5)
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
SEMVER_PATTERN = r"^\d+\.\d+(\.\d+)?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Strict):
    """The same text in Dutch and English; both are required and may not be empty."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank_text", "text is empty")
        return value.strip()

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class FrameworkItem(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText


class Framework(_Strict):
    """A reference framework that questions are tagged with (e.g. Gouden Oor areas, ISO 10002)."""

    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText
    items: list[FrameworkItem] = Field(min_length=1)


class ScaleLevel(_Strict):
    level: int = Field(ge=1, le=5)
    label: LocalizedText
    description: LocalizedText


class Scale(_Strict):
    """Levels 1-5 plus the two non-scores n.v.t. and weet niet."""

    levels: list[ScaleLevel] = Field(min_length=5, max_length=5)
    not_applicable: LocalizedText
    dont_know: LocalizedText

    @field_validator("levels")
    @classmethod
    def _levels_one_to_five(cls, levels: list[ScaleLevel]) -> list[ScaleLevel]:
        if [lv.level for lv in levels] != list(LEVELS):
            raise PydanticCustomError("scale_levels", "the scale must list levels 1 to 5 in order")
        return levels


class ScoringRules(_Strict):
    stage_rule: Literal["average", "gating"] = "average"
    min_coverage: float = Field(default=0.5, gt=0, le=1)


KpiKind = Literal["people", "activity"]


class ImprovementAction(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    from_level: int = Field(ge=1, le=4, description="the step from this level to the next one")
    title: LocalizedText
    description: LocalizedText
    kpi: LocalizedText
    kpi_kind: KpiKind | None = Field(
        default=None, description="people: measured from the customer's side; activity: counts what the "
                                  "organisation does or how far it is")


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: LocalizedText
    help: LocalizedText
    levels: list[LocalizedText] = Field(min_length=5, max_length=5)
    weight: float = Field(default=1.0, gt=0)
    tags: list[str] = Field(default_factory=list)
    actions: list[ImprovementAction] = Field(
        default_factory=list, description="actions for this question's own level steps (besides the dimension's)")

    def descriptor(self, level: int, lang: str) -> str:
        return self.levels[level - 1].get(lang)

    def actions_for_step(self, from_level: int) -> list[ImprovementAction]:
        return [a for a in self.actions if a.from_level == from_level]

    def tag_of(self, framework_id: str) -> list[str]:
        """The item ids of one framework that this question is tagged with."""
        return [tag.partition(":")[2] for tag in self.tags if tag.partition(":")[0] == framework_id]


class Dimension(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText
    description: LocalizedText
    questions: list[Question] = Field(min_length=1)
    actions: list[ImprovementAction] = Field(default_factory=list)

    def actions_for_step(self, from_level: int) -> list[ImprovementAction]:
        return [a for a in self.actions if a.from_level == from_level]


class Competency(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText
    description: LocalizedText
    dimensions: list[Dimension] = Field(min_length=1)


ARTICLE_PATTERN = r"^\d+:\d+[a-z]?(, \d+:\d+[a-z]?)*$"


class LegalAction(_Strict):
    """What to do when a legal requirement is not met: first in the improvement plan, before any maturity step."""

    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText
    description: LocalizedText
    kpi: LocalizedText
    kpi_kind: KpiKind


class LegalItem(_Strict):
    """One legal requirement, answered ja / nee / weet niet. Never part of a maturity score."""

    id: str = Field(pattern=ID_PATTERN)
    article: str = Field(pattern=ARTICLE_PATTERN, description='the article(s) of the law, e.g. "9:7" or "9:1, 9:2"')
    short: LocalizedText = Field(description="a few words naming the requirement")
    text: LocalizedText
    help: LocalizedText
    questions: list[str] = Field(min_length=1, description="the questions whose practice this requirement touches")
    action: LegalAction


class LegalMinimum(_Strict):
    """A check of the legal minimum beside the scan (for the zelfscan: Awb chapter 9)."""

    title: LocalizedText
    description: LocalizedText
    law: LocalizedText = Field(description='the law the articles belong to, e.g. "Awb"')
    yes: LocalizedText
    no: LocalizedText
    items: list[LegalItem] = Field(min_length=1)


class AreaView(_Strict):
    """A second view of the scores: per item of one framework (e.g. the Gouden Oor organisation areas). Every
    question carries exactly one tag of that framework."""

    framework: str = Field(pattern=ID_PATTERN)
    note: LocalizedText = Field(description="what this view is, and what it is not")


class QuestionChange(_Strict):
    """How questions of an earlier version relate to this version.

    renamed: one old id is now one new id (same content, comparable);
    merged: several old questions became one; split: one old question became several;
    removed: old questions without successor; new: questions without predecessor.
    Merged, split, removed and new questions are not compared between the two versions.
    """

    type: Literal["renamed", "merged", "split", "removed", "new"]
    old: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sizes_fit_the_type(self) -> "QuestionChange":
        sizes_ok = {
            "renamed": len(self.old) == 1 and len(self.new) == 1,
            "merged": len(self.old) >= 2 and len(self.new) == 1,
            "split": len(self.old) == 1 and len(self.new) >= 2,
            "removed": len(self.old) >= 1 and not self.new,
            "new": not self.old and len(self.new) >= 1,
        }[self.type]
        if not sizes_ok:
            raise PydanticCustomError("change_shape", "a '{type}' change has the wrong number of old or new ids",
                                      {"type": self.type})
        return self


class VersionMapping(_Strict):
    from_version: str = Field(pattern=SEMVER_PATTERN)
    changes: list[QuestionChange] = Field(default_factory=list)


class Questionnaire(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(pattern=SEMVER_PATTERN)
    title: LocalizedText
    description: LocalizedText
    basis: LocalizedText = Field(description="what the questionnaire is based on; never a certification claim")
    instruction: LocalizedText | None = Field(
        default=None, description="how to choose a level; shown with every question (pages, phones)")
    scale: Scale
    scoring: ScoringRules = ScoringRules()
    frameworks: list[Framework] = Field(default_factory=list)
    competencies: list[Competency] = Field(min_length=1)
    legal_minimum: LegalMinimum | None = None
    area_view: AreaView | None = None
    mappings: list[VersionMapping] = Field(default_factory=list, description="from earlier versions")

    @model_validator(mode="after")
    def _ids_unique_and_references_resolve(self) -> "Questionnaire":
        seen: dict[str, str] = {}

        def claim(identifier: str, where: str) -> None:
            if identifier in seen:
                raise PydanticCustomError(
                    "duplicate_id",
                    "id '{id}' at {where} is already used at {first}",
                    {"id": identifier, "where": where, "first": seen[identifier]},
                )
            seen[identifier] = where

        known_tags = {f"{fw.id}:{item.id}" for fw in self.frameworks for item in fw.items}
        for ci, comp in enumerate(self.competencies):
            claim(comp.id, f"competencies[{ci}]")
            for di, dim in enumerate(comp.dimensions):
                claim(dim.id, f"competencies[{ci}].dimensions[{di}]")
                for qi, question in enumerate(dim.questions):
                    where = f"competencies[{ci}].dimensions[{di}].questions[{qi}]"
                    claim(question.id, where)
                    for ti, tag in enumerate(question.tags):
                        if tag not in known_tags:
                            raise PydanticCustomError(
                                "unknown_reference",
                                "{where}.tags[{index}]: '{tag}' is not an item of any framework in this file",
                                {"where": where, "index": ti, "tag": tag},
                            )
                    for ai, action in enumerate(question.actions):
                        claim(action.id, f"{where}.actions[{ai}]")
                for ai, action in enumerate(dim.actions):
                    claim(action.id, f"competencies[{ci}].dimensions[{di}].actions[{ai}]")
        question_ids = {q.id for q in self.questions()}
        if self.legal_minimum is not None:
            for li, item in enumerate(self.legal_minimum.items):
                where = f"legal_minimum.items[{li}]"
                claim(item.id, where)
                claim(item.action.id, f"{where}.action")
                for qi, question_id in enumerate(item.questions):
                    if question_id not in question_ids:
                        raise PydanticCustomError(
                            "unknown_question", "{where}: '{id}' is not a question of this version",
                            {"where": f"{where}.questions[{qi}]", "id": question_id})
        if self.area_view is not None:
            framework = next((fw for fw in self.frameworks if fw.id == self.area_view.framework), None)
            if framework is None:
                raise PydanticCustomError(
                    "unknown_framework", "{where}: '{id}' is not a framework in this file",
                    {"where": "area_view.framework", "id": self.area_view.framework})
            for ci, comp in enumerate(self.competencies):
                for di, dim in enumerate(comp.dimensions):
                    for qi, question in enumerate(dim.questions):
                        if len(question.tag_of(framework.id)) != 1:
                            raise PydanticCustomError(
                                "area_tag", "{where}: needs exactly one tag of '{framework}'",
                                {"where": f"competencies[{ci}].dimensions[{di}].questions[{qi}].tags",
                                 "framework": framework.id})
        for mi, mapping in enumerate(self.mappings):
            for ci, change in enumerate(mapping.changes):
                for ni, new_id in enumerate(change.new):
                    if new_id not in question_ids:
                        raise PydanticCustomError(
                            "unknown_question", "{where}: '{id}' is not a question of this version",
                            {"where": f"mappings[{mi}].changes[{ci}].new[{ni}]", "id": new_id})
        for fi, fw in enumerate(self.frameworks):
            item_ids = [item.id for item in fw.items]
            duplicates = sorted({i for i in item_ids if item_ids.count(i) > 1})
            if duplicates:
                raise PydanticCustomError(
                    "duplicate_id",
                    "id '{id}' at {where} is already used at {first}",
                    {"id": duplicates[0], "where": f"frameworks[{fi}].items", "first": f"frameworks[{fi}].items"},
                )
        return self

    # --- convenient views -------------------------------------------------------------------
    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def dimensions(self) -> list[Dimension]:
        return [dim for comp in self.competencies for dim in comp.dimensions]

    def questions(self) -> list[Question]:
        return [q for dim in self.dimensions() for q in dim.questions]

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions():
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def competency_of(self, dimension_id: str) -> Competency:
        for comp in self.competencies:
            if any(dim.id == dimension_id for dim in comp.dimensions):
                return comp
        raise KeyError(dimension_id)

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def action(self, action_id: str) -> ImprovementAction | LegalAction | None:
        """The library action with this id (a dimension's, a question's or a legal fix), or None (a plan may
        keep an action the library dropped)."""
        for dim in self.dimensions():
            for action in dim.actions + [a for q in dim.questions for a in q.actions]:
                if action.id == action_id:
                    return action
        for item in self.legal_items():
            if item.action.id == action_id:
                return item.action
        return None

    def legal_items(self) -> list[LegalItem]:
        return list(self.legal_minimum.items) if self.legal_minimum else []

    def legal_item(self, item_id: str) -> LegalItem:
        for item in self.legal_items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def dimension_of(self, question_id: str) -> Dimension:
        for dim in self.dimensions():
            if any(q.id == question_id for q in dim.questions):
                return dim
        raise KeyError(question_id)

    def mapping_from(self, version: str) -> VersionMapping | None:
        return next((m for m in self.mappings if m.from_version == version), None)

    def framework_item_title(self, tag: str, lang: str) -> str:
        fw_id, _, item_id = tag.partition(":")
        for fw in self.frameworks:
            if fw.id == fw_id:
                for item in fw.items:
                    if item.id == item_id:
                        return item.title.get(lang)
        return tag


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))
