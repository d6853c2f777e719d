"""Pydantic models of a KPI definition and of the KPI library file.

A KPI says what is counted and how: a stable id, a name and definition (Dutch and English), a unit
(percentage, count, per 1,000 contacts, days), a numerator and denominator when it is a ratio, whether a
higher or a lower figure is better, the core competency it belongs to, whether it is people-centred or
traditional, and where the figure usually comes from. An organisation's own KPI has the same fields (its
texts in the one language it was typed in).

Direction is part of the meaning: "higher" or "lower" is better, or "context": a figure that tells something
about the situation but is neither better nor worse when it goes up or down (the number of complaints depends
on the size of the organisation and on how low the threshold is; a surge after a failure is no success). A
context KPI has no target verdict and no better or worse, anywhere it is shown.

A library KPI may name the Gouden Oor result areas it gives evidence of (`result_areas`), and the plural noun
of what its denominator counts (`cases`: "klagers"), so a percentage can say how many cases are behind it
("41% van 17 klagers"). A KPI the library no longer recommends stays in the file as `retired` (its stored
measurements stay readable), naming what `replaced_by` it; it is no longer offered for the register.

A ratio is stored as numerator and denominator, so that periods can be added up: a year is the sum of its
numerators over the sum of its denominators, never the mean of its percentages.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from questionnaires.model import ID_PATTERN, SEMVER_PATTERN, LocalizedText

UNITS = ("percentage", "per_1000", "days", "count")
DIRECTIONS = ("higher", "lower", "context")
# the result areas of the Gouden Oor Standaard a KPI can give evidence of (ids as the library writes them)
RESULT_AREAS = ("vertrouwen-reputatie", "procesverbetering", "verbonden-medewerkers", "retentie-meerwaarde")
ResultArea = Literal["vertrouwen-reputatie", "procesverbetering", "verbonden-medewerkers", "retentie-meerwaarde"]
# per 1,000 contacts is always a ratio and a count never is; a percentage and days may be (days: total days /
# cases). A percentage typed as one figure (say, from a survey report) cannot be added up over periods.
RATIO_UNITS = ("per_1000",)
MULTIPLIER = {"percentage": 100.0, "per_1000": 1000.0, "days": 1.0, "count": 1.0}
DECIMALS = {"percentage": 0, "per_1000": 1, "days": 1, "count": 0}  # how a figure is shown


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KpiDefinition(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=60)
    name: LocalizedText
    definition: LocalizedText
    unit: Literal["percentage", "per_1000", "days", "count"]
    numerator: LocalizedText | None = Field(default=None, description="what is counted above the line")
    denominator: LocalizedText | None = Field(default=None, description="what it is counted against")
    direction: Literal["higher", "lower", "context"] = Field(
        description="which way is better; context: neither (no target verdict)")
    competency: str = Field(pattern=ID_PATTERN)
    people_centred: bool
    source: LocalizedText | None = Field(default=None, description="where the figure usually comes from")
    phrase: LocalizedText | None = Field(
        default=None, description="the figure in a sentence, with {value}: '{value} van de klagers voelt zich gehoord'")
    cases: LocalizedText | None = Field(
        default=None, description="what the denominator counts, plural: 'klagers', for '41% van 17 klagers'")
    result_areas: list[ResultArea] = Field(default_factory=list,
                                           description="the Gouden Oor result areas this KPI gives evidence of")
    retired: bool = Field(default=False, description="no longer offered; kept so stored measurements stay readable")
    replaced_by: list[str] = Field(default_factory=list, description="library ids of the KPIs that replace it")

    @model_validator(mode="after")
    def _ratio_fits_the_unit(self) -> "KpiDefinition":
        if (self.numerator is None) != (self.denominator is None):
            raise PydanticCustomError("kpi_half_ratio", "a ratio needs both a numerator and a denominator")
        if self.unit in RATIO_UNITS and self.numerator is None:
            raise PydanticCustomError("kpi_ratio_needed", "a KPI in '{unit}' needs a numerator and a denominator",
                                      {"unit": self.unit})
        if self.unit == "count" and self.numerator is not None:
            raise PydanticCustomError("kpi_count_ratio", "a count has no numerator and denominator")
        if self.phrase is not None and not all("{value}" in text for text in (self.phrase.nl, self.phrase.en)):
            raise PydanticCustomError("kpi_phrase", "the phrase needs '{value}' in both languages")
        if len(set(self.result_areas)) != len(self.result_areas):
            raise PydanticCustomError("kpi_duplicate_result_area", "a result area is named twice")
        if self.cases is not None and self.numerator is None:
            raise PydanticCustomError("kpi_cases_without_ratio", "only a ratio has cases behind it (cases)")
        if self.replaced_by and not self.retired:
            raise PydanticCustomError("kpi_replaced_not_retired", "only a retired KPI is replaced (replaced_by)")
        return self

    @property
    def has_direction(self) -> bool:
        """Whether a higher or lower figure is better; False for a context KPI (no target verdict)."""
        return self.direction != "context"

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None

    @property
    def addable(self) -> bool:
        """Whether periods can be added up into one figure: ratios (by numerator and denominator) and counts.
        A percentage or a number of days typed as a single figure cannot be combined correctly."""
        return self.is_ratio or self.unit == "count"


class LibraryCompetency(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: LocalizedText


class KpiLibrary(_Strict):
    """The KPI library: the competencies KPIs belong to and the KPIs themselves, people-centred and traditional."""

    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(pattern=SEMVER_PATTERN)
    title: LocalizedText
    competencies: list[LibraryCompetency] = Field(min_length=1)
    kpis: list[KpiDefinition] = Field(min_length=1)

    @field_validator("kpis")
    @classmethod
    def _library_kpis_name_their_source(cls, kpis: list[KpiDefinition]) -> list[KpiDefinition]:
        for index, kpi in enumerate(kpis):
            if kpi.source is None:
                raise PydanticCustomError("kpi_source_missing", "kpis[{index}]: a library KPI says where its figure "
                                          "comes from (source)", {"where": f"kpis[{index}].source", "index": index})
        return kpis

    @model_validator(mode="after")
    def _ids_unique_and_competencies_known(self) -> "KpiLibrary":
        seen: dict[str, str] = {}
        for where, identifier in ([(f"competencies[{i}]", c.id) for i, c in enumerate(self.competencies)]
                                  + [(f"kpis[{i}]", k.id) for i, k in enumerate(self.kpis)]):
            if identifier in seen:
                raise PydanticCustomError("duplicate_id", "id '{id}' at {where} is already used at {first}",
                                          {"id": identifier, "where": where, "first": seen[identifier]})
            seen[identifier] = where
        known = {c.id for c in self.competencies}
        current = {k.id for k in self.kpis if not k.retired}
        for index, kpi in enumerate(self.kpis):
            if kpi.competency not in known:
                raise PydanticCustomError("kpi_unknown_competency",
                                          "{where}: '{id}' is not a competency of this library",
                                          {"where": f"kpis[{index}].competency", "id": kpi.competency})
            for number, replacement in enumerate(kpi.replaced_by):
                if replacement not in current:
                    raise PydanticCustomError("kpi_unknown_replacement",
                                              "{where}: '{id}' is no current KPI of this library",
                                              {"where": f"kpis[{index}].replaced_by[{number}]", "id": replacement})
        return self

    def kpi(self, kpi_id: str) -> KpiDefinition | None:
        """A KPI by its id, also a retired one (stored measurements of it stay readable)."""
        return next((k for k in self.kpis if k.id == kpi_id), None)

    @property
    def current(self) -> list[KpiDefinition]:
        """The KPIs offered for a register: every one that is not retired."""
        return [k for k in self.kpis if not k.retired]

    def competency_title(self, competency_id: str, lang: str) -> str:
        found = next((c for c in self.competencies if c.id == competency_id), None)
        return found.title.get(lang) if found else competency_id

    @property
    def competency_ids(self) -> list[str]:
        return [c.id for c in self.competencies]


def own_definition(*, id: str, name: str, definition: str, unit: str, direction: str, competency: str,
                   people_centred: bool, numerator: str = "", denominator: str = "",
                   source: str = "") -> KpiDefinition:
    """An organisation's own KPI as a definition: its texts, typed in one language, serve both languages."""

    def text(value: str) -> LocalizedText | None:
        value = (value or "").strip()
        return LocalizedText(nl=value, en=value) if value else None

    return KpiDefinition(id=id, name=text(name), definition=text(definition), unit=unit, direction=direction,
                         competency=competency, people_centred=people_centred, numerator=text(numerator),
                         denominator=text(denominator), source=text(source))
