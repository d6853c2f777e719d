"""Scores of one assessment, with everything needed to explain them.

Rules (the same in the vectorised batch scoring, `scoring.batch`):
- dimension score = weighted mean of the answered levels (1-5);
- n.v.t. (not applicable) leaves the question out of the denominator;
- weet niet (don't know) is no score, but it is counted: it lowers coverage;
- coverage = scored questions / applicable questions; below the questionnaire's threshold a
  dimension gets no score;
- competency score = mean of its dimension scores; overall = mean of the competency scores; a competency
  without any dimension score has no score and leaves the overall out (the overall of the others);
- what a competency or the overall "is based on" (`scored`, `coverage`) counts only the answers that enter
  its score: those of dimensions that have a score; `applicable` counts every applicable question;
- stage (1-5) by the questionnaire's rule: "average" = floor of the score; "gating" = the highest
  level that every scored question of the dimension reaches (its lowest level), and for a competency
  or the whole the lowest stage of its parts;
- target (ambitie) per dimension, default stage + 1 (at most 5); gap = target - score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Mapping, Union

from questionnaires.model import Questionnaire

NOT_APPLICABLE = "nvt"
DONT_KNOW = "weetniet"
AnswerValue = Union[int, Literal["nvt", "weetniet"], None]
QuestionStatus = Literal["scored", "not_applicable", "dont_know", "unanswered"]
NoScoreReason = Literal["all_not_applicable", "low_coverage", "no_dimension_scores"]

_EPS = 1e-9


def status_of(value: AnswerValue) -> QuestionStatus:
    if value is None:
        return "unanswered"
    if value == NOT_APPLICABLE:
        return "not_applicable"
    if value == DONT_KNOW:
        return "dont_know"
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return "scored"
    raise ValueError(f"not a valid answer: {value!r}")


def stage_from_score(score: float | None) -> int | None:
    if score is None:
        return None
    return max(1, min(5, math.floor(score + _EPS)))


def default_target(stage: int | None) -> int | None:
    return None if stage is None else min(stage + 1, 5)


@dataclass(frozen=True)
class QuestionContribution:
    question_id: str
    weight: float
    value: AnswerValue
    status: QuestionStatus


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    competency_id: str
    score: float | None
    stage: int | None
    coverage: float | None  # None when every question is n.v.t.
    scored: int
    applicable: int
    total: int
    not_applicable: int
    dont_know: int
    unanswered: int
    no_score_reason: NoScoreReason | None
    target: int | None
    target_is_default: bool
    contributions: tuple[QuestionContribution, ...]

    @property
    def gap(self) -> float | None:
        if self.score is None or self.target is None:
            return None
        return self.target - self.score

    @property
    def weight_total(self) -> float:
        return sum(c.weight for c in self.contributions if c.status == "scored")


@dataclass(frozen=True)
class CompetencyScore:
    competency_id: str
    score: float | None
    stage: int | None
    coverage: float | None  # scored / applicable
    scored: int  # answers in the score: the levels of its dimensions that have a score
    applicable: int  # applicable questions of all its dimensions
    dimensions_scored: int
    dimensions_total: int
    no_score_reason: NoScoreReason | None


@dataclass(frozen=True)
class AssessmentResult:
    questionnaire_key: str
    stage_rule: str
    min_coverage: float
    score: float | None
    stage: int | None
    coverage: float | None  # scored / applicable
    scored: int  # answers in the overall score (those of dimensions that have a score)
    applicable: int
    total: int
    competencies: dict[str, CompetencyScore]
    dimensions: dict[str, DimensionScore]
    answered: int = field(default=0)

    @property
    def competencies_scored(self) -> int:
        return sum(1 for c in self.competencies.values() if c.score is not None)

    @property
    def competencies_total(self) -> int:
        return len(self.competencies)

    def ranked_dimensions(self) -> list[DimensionScore]:
        """Scored dimensions, highest score first (ties in questionnaire order)."""
        scored = [d for d in self.dimensions.values() if d.score is not None]
        return sorted(scored, key=lambda d: -d.score)

    def strongest(self, n: int = 3) -> list[DimensionScore]:
        """The best `n` scored dimensions, never one that is also among the weakest: at most half of them."""
        ranked = self.ranked_dimensions()
        return ranked[:min(n, len(ranked) // 2)]

    def weakest(self, n: int = 3) -> list[DimensionScore]:
        """The worst `n` scored dimensions, never one that is also among the strongest: at most half of them."""
        ranked = self.ranked_dimensions()
        return list(reversed(ranked))[:min(n, len(ranked) // 2)]


def _weighted_mean(contributions: list[QuestionContribution]) -> float | None:
    scored = [c for c in contributions if c.status == "scored"]
    if not scored:
        return None
    return sum(c.weight * c.value for c in scored) / sum(c.weight for c in scored)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def score_assessment(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    targets: Mapping[str, int] | None = None,
) -> AssessmentResult:
    """Score one assessment. `answers` maps question id to 1-5, "nvt", "weetniet" or None."""
    unknown = set(answers) - {q.id for q in questionnaire.questions()}
    if unknown:
        raise ValueError(f"answers for unknown questions: {sorted(unknown)}")
    targets = targets or {}
    rule = questionnaire.scoring.stage_rule
    threshold = questionnaire.scoring.min_coverage

    dimensions: dict[str, DimensionScore] = {}
    competencies: dict[str, CompetencyScore] = {}
    for comp in questionnaire.competencies:
        for dim in comp.dimensions:
            dimensions[dim.id] = _score_questions(dim.id, comp.id, dim.questions, answers, rule, threshold,
                                                  targets.get(dim.id))
        dims = [dimensions[d.id] for d in comp.dimensions]
        dim_scores = [d.score for d in dims if d.score is not None]
        comp_score = _mean(dim_scores)
        scored = sum(d.scored for d in dims if d.score is not None)  # only the answers that are in the score
        applicable = sum(d.applicable for d in dims)
        competencies[comp.id] = CompetencyScore(
            competency_id=comp.id, score=comp_score,
            stage=_aggregate_stage(rule, comp_score, [d.stage for d in dims if d.stage is not None]),
            coverage=_ratio(scored, applicable), scored=scored, applicable=applicable,
            dimensions_scored=len(dim_scores), dimensions_total=len(dims),
            no_score_reason=None if comp_score is not None else "no_dimension_scores",
        )
    comp_scores = [c.score for c in competencies.values() if c.score is not None]
    overall = _mean(comp_scores)
    scored = sum(c.scored for c in competencies.values() if c.score is not None)
    applicable = sum(c.applicable for c in competencies.values())
    total = len(questionnaire.questions())
    return AssessmentResult(
        questionnaire_key=questionnaire.key, stage_rule=rule, min_coverage=threshold,
        score=overall,
        stage=_aggregate_stage(rule, overall, [c.stage for c in competencies.values() if c.stage is not None]),
        coverage=_ratio(scored, applicable), scored=scored, applicable=applicable, total=total,
        competencies=competencies, dimensions=dimensions,
        answered=sum(1 for q in questionnaire.questions() if answers.get(q.id) is not None),
    )


def _score_questions(unit_id: str, competency_id: str, questions, answers: Mapping[str, AnswerValue], rule: str,
                     threshold: float, target: int | None) -> DimensionScore:
    """The score of a group of questions (a dimension, or the questions of one area of a framework)."""
    contributions = [QuestionContribution(q.id, q.weight, answers.get(q.id), status_of(answers.get(q.id)))
                     for q in questions]
    counts = {s: sum(1 for c in contributions if c.status == s)
              for s in ("scored", "not_applicable", "dont_know", "unanswered")}
    applicable = len(contributions) - counts["not_applicable"]
    coverage = _ratio(counts["scored"], applicable)
    reason: NoScoreReason | None = None
    if applicable == 0:
        reason = "all_not_applicable"
    elif coverage + _EPS < threshold or counts["scored"] == 0:
        reason = "low_coverage"
    score = None if reason else _weighted_mean(contributions)
    if score is None:
        stage = None
    elif rule == "gating":
        stage = min(c.value for c in contributions if c.status == "scored")
    else:
        stage = stage_from_score(score)
    return DimensionScore(
        dimension_id=unit_id, competency_id=competency_id, score=score, stage=stage, coverage=coverage,
        scored=counts["scored"], applicable=applicable, total=len(contributions),
        not_applicable=counts["not_applicable"], dont_know=counts["dont_know"],
        unanswered=counts["unanswered"], no_score_reason=reason,
        target=target if target is not None else default_target(stage),
        target_is_default=target is None, contributions=tuple(contributions),
    )


def score_areas(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, DimensionScore]:
    """The scan seen through the areas of one framework (the questionnaire's `area_view`, e.g. the Gouden Oor
    organisation areas): per area the same rules as a dimension (weighted mean, coverage, stage), over the
    questions tagged with that area. Empty when the questionnaire has no area view. No targets."""
    if questionnaire.area_view is None:
        return {}
    framework_id = questionnaire.area_view.framework
    framework = next(fw for fw in questionnaire.frameworks if fw.id == framework_id)
    rule, threshold = questionnaire.scoring.stage_rule, questionnaire.scoring.min_coverage
    areas = {}
    for item in framework.items:
        questions = [q for q in questionnaire.questions() if item.id in q.tag_of(framework_id)]
        if questions:
            scored = _score_questions(item.id, framework_id, questions, answers, rule, threshold, None)
            areas[item.id] = scored
    return areas


def _aggregate_stage(rule: str, score: float | None, part_stages: list[int]) -> int | None:
    """Stage of a competency or of the whole: floor of the score, or (gating) the lowest part stage."""
    if score is None:
        return None
    if rule == "gating":
        return min(part_stages) if part_stages else None
    return stage_from_score(score)


def basis(unit: DimensionScore | CompetencyScore | AssessmentResult) -> tuple[str, dict]:
    """What a score is based on, as (text key, parameters) for the page and the workbook to put into words:
    the answers in the score out of the applicable questions, and for a competency or the overall how many
    of its parts have a score when not all of them do; or why there is no score."""
    if isinstance(unit, DimensionScore):
        if unit.no_score_reason == "all_not_applicable":
            return "results.coverage_all_not_applicable", {}
        if unit.score is None:
            return "results.coverage_too_few", {"scored": unit.scored, "applicable": unit.applicable}
        return "results.coverage", {"scored": unit.scored, "applicable": unit.applicable}
    if isinstance(unit, CompetencyScore):
        parts, total, kind = unit.dimensions_scored, unit.dimensions_total, "dimensions"
    else:
        parts, total, kind = unit.competencies_scored, unit.competencies_total, "competencies"
    if unit.score is None:
        return f"results.coverage_no_{kind}", {"total": total}
    if parts < total:
        return f"results.coverage_{kind}", {"scored": unit.scored, "applicable": unit.applicable, "parts": parts,
                                            "total": total}
    return "results.coverage", {"scored": unit.scored, "applicable": unit.applicable}
