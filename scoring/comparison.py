"""Compare two assessments of one organisation, also across questionnaire versions.

Questions are matched by their stable id. When the later questionnaire declares a mapping from the
earlier version, renamed questions are matched too; merged, split, removed and new questions are marked
as not comparable instead of being compared silently.

Comparability = comparable later questions / (all later questions + earlier questions without a
successor), for the whole and per dimension or competency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

from questionnaires.model import Questionnaire

from .engine import AnswerValue, AssessmentResult

MatchStatus = Literal["same", "renamed", "merged", "split", "removed", "new"]
_EPS = 1e-9


@dataclass(frozen=True)
class QuestionMatch:
    earlier_ids: tuple[str, ...]
    later_ids: tuple[str, ...]
    status: MatchStatus

    @property
    def comparable(self) -> bool:
        return self.status in ("same", "renamed")


@dataclass(frozen=True)
class QuestionDelta:
    earlier_id: str
    later_id: str
    earlier: int
    later: int

    @property
    def delta(self) -> int:
        return self.later - self.earlier


@dataclass(frozen=True)
class UnitDelta:
    """A dimension, a competency or the whole (unit_id "overall")."""

    unit_id: str
    earlier: float | None
    later: float | None
    comparability: float  # share of its questions that can be compared (1.0 = all)

    @property
    def delta(self) -> float | None:
        if self.earlier is None or self.later is None:
            return None
        return self.later - self.earlier


@dataclass(frozen=True)
class TargetOutcome:
    dimension_id: str
    target: int
    later_score: float | None

    @property
    def achieved(self) -> bool:
        return self.later_score is not None and self.later_score + _EPS >= self.target


@dataclass(frozen=True)
class Comparison:
    earlier_key: str
    later_key: str
    matches: tuple[QuestionMatch, ...]
    comparability: float
    dimensions: tuple[UnitDelta, ...]
    competencies: tuple[UnitDelta, ...]
    overall: UnitDelta
    question_deltas: tuple[QuestionDelta, ...]
    targets: tuple[TargetOutcome, ...]

    @property
    def not_comparable(self) -> list[QuestionMatch]:
        return [m for m in self.matches if not m.comparable]

    def most_improved(self, n: int = 5) -> list[QuestionDelta]:
        return self.improved_with_ties(n)[0]

    def most_declined(self, n: int = 5) -> list[QuestionDelta]:
        return self.declined_with_ties(n)[0]

    def improved_with_ties(self, n: int = 5) -> tuple[list[QuestionDelta], list[QuestionDelta]]:
        """The n questions that rose most, and the others that rose exactly as much as the last of them (to be
        named, never dropped silently: "en 3 andere vragen met +2")."""
        return top_with_ties(sorted((d for d in self.question_deltas if d.delta > 0), key=lambda d: -d.delta), n,
                             lambda d: d.delta)

    def declined_with_ties(self, n: int = 5) -> tuple[list[QuestionDelta], list[QuestionDelta]]:
        return top_with_ties(sorted((d for d in self.question_deltas if d.delta < 0), key=lambda d: d.delta), n,
                             lambda d: d.delta)

    @property
    def targets_achieved(self) -> int:
        return sum(1 for t in self.targets if t.achieved)


def top_with_ties(ordered: list, n: int, value) -> tuple[list, list]:
    """The first n of an ordered list, and the items after them whose `value` equals the n-th one's (a tie that a
    cut at n would otherwise hide)."""
    first = list(ordered[:n])
    if not first:
        return first, []
    last = value(first[-1])
    return first, [item for item in ordered[n:] if value(item) == last]


def match_questions(earlier: Questionnaire, later: Questionnaire) -> list[QuestionMatch]:
    """How every question of the earlier version relates to the later version."""
    earlier_ids = [q.id for q in earlier.questions()]
    later_ids = [q.id for q in later.questions()]
    matches: list[QuestionMatch] = []
    claimed_earlier: set[str] = set()
    claimed_later: set[str] = set()
    earlier_set, later_set = set(earlier_ids), set(later_ids)
    mapping = later.mapping_from(earlier.version) if earlier.version != later.version else None
    for change in mapping.changes if mapping else []:
        # a mapping may name ids that do not exist (a typo the loader reports when both versions are loaded
        # together): those are left out, and a change left without old or new questions is no change at all;
        # its questions are then matched by id like any other
        old = tuple(i for i in change.old if i in earlier_set and i not in claimed_earlier)
        new = tuple(i for i in change.new if i in later_set and i not in claimed_later)
        needs_old, needs_new = change.type != "new", change.type not in ("removed",)
        if (needs_old and not old) or (needs_new and not new):
            continue
        matches.append(QuestionMatch(old, new, change.type))
        claimed_earlier.update(old)
        claimed_later.update(new)
    for qid in later_ids:
        if qid in claimed_later:
            continue
        if qid in earlier_set and qid not in claimed_earlier:
            matches.append(QuestionMatch((qid,), (qid,), "same"))
            claimed_earlier.add(qid)
        else:
            matches.append(QuestionMatch((), (qid,), "new"))
    for qid in earlier_ids:
        if qid not in claimed_earlier:
            matches.append(QuestionMatch((qid,), (), "removed"))
    return matches


def compare(earlier_questionnaire: Questionnaire, earlier_answers: Mapping[str, AnswerValue],
            earlier_result: AssessmentResult, later_questionnaire: Questionnaire,
            later_answers: Mapping[str, AnswerValue], later_result: AssessmentResult) -> Comparison:
    matches = match_questions(earlier_questionnaire, later_questionnaire)
    comparable_later = {m.later_ids[0]: m.earlier_ids[0] for m in matches if m.comparable}

    # which earlier questions belong to which dimension id (for questions removed from a dimension)
    earlier_dimension_of = {q.id: d.id for d in earlier_questionnaire.dimensions() for q in d.questions}

    def unit_comparability(later_question_ids: list[str], dimension_ids: set[str]) -> float:
        removed = [m for m in matches if m.status == "removed"
                   and earlier_dimension_of.get(m.earlier_ids[0]) in dimension_ids]
        total = len(later_question_ids) + len(removed)
        return sum(1 for qid in later_question_ids if qid in comparable_later) / total if total else 1.0

    dimensions = []
    for dim in later_questionnaire.dimensions():
        earlier_dim = earlier_result.dimensions.get(dim.id)
        dimensions.append(UnitDelta(
            dim.id, earlier_dim.score if earlier_dim else None, later_result.dimensions[dim.id].score,
            unit_comparability([q.id for q in dim.questions], {dim.id}) if earlier_dim else 0.0))
    competencies = []
    for comp in later_questionnaire.competencies:
        earlier_comp = earlier_result.competencies.get(comp.id)
        competencies.append(UnitDelta(
            comp.id, earlier_comp.score if earlier_comp else None, later_result.competencies[comp.id].score,
            unit_comparability([q.id for d in comp.dimensions for q in d.questions], {d.id for d in comp.dimensions})
            if earlier_comp else 0.0))
    all_dimensions = set(earlier_dimension_of.values())
    comparability = unit_comparability([q.id for q in later_questionnaire.questions()], all_dimensions)
    overall = UnitDelta("overall", earlier_result.score, later_result.score, comparability)

    question_deltas = []
    for later_id, earlier_id in comparable_later.items():
        before, after = earlier_answers.get(earlier_id), later_answers.get(later_id)
        if isinstance(before, int) and isinstance(after, int):
            question_deltas.append(QuestionDelta(earlier_id, later_id, before, after))

    targets = tuple(
        TargetOutcome(dim_id, dim.target, later_result.dimensions[dim_id].score)
        for dim_id, dim in earlier_result.dimensions.items()
        if dim.target is not None and dim_id in later_result.dimensions
    )
    return Comparison(earlier_result.questionnaire_key, later_result.questionnaire_key, tuple(matches), comparability,
                      tuple(dimensions), tuple(competencies), overall, tuple(question_deltas), targets)


def headline_facts(comparison: Comparison, min_change: float = 0.2) -> list[tuple[str, dict]]:
    """What a director should read first, as (text key, parameters) for the UI to put into words:
    the overall change, the competency that rose most, and the dimension that fell or lagged most (fell,
    fell a little, stayed the same as shown with one decimal, or rose least)."""
    facts: list[tuple[str, dict]] = []
    if comparison.overall.delta is not None:
        key = "overall_up" if comparison.overall.delta >= min_change else (
            "overall_down" if comparison.overall.delta <= -min_change else "overall_same")
        facts.append((key, {"earlier": comparison.overall.earlier, "later": comparison.overall.later}))
    rising = [c for c in comparison.competencies if c.delta is not None and c.delta >= min_change]
    if rising:
        best = max(rising, key=lambda c: c.delta)
        facts.append(("competency_up", {"unit": best.unit_id, "earlier": best.earlier, "later": best.later}))
    changed = [d for d in comparison.dimensions if d.delta is not None]
    if changed:
        worst = min(changed, key=lambda d: d.delta)
        if worst.delta <= -min_change:
            key = "dimension_down"
        elif round(worst.earlier, 1) == round(worst.later, 1):  # shown with one decimal: the same figure twice
            key = "dimension_same"
        else:  # never "lagged behind: from 3.0 to 3.0": a small fall, or the smallest rise
            key = "dimension_slightly_down" if worst.delta < 0 else "dimension_lagged"
        facts.append((key, {"unit": worst.unit_id, "earlier": worst.earlier, "later": worst.later}))
    facts.append(("targets", {"achieved": comparison.targets_achieved, "total": len(comparison.targets)}))
    if comparison.comparability < 1:
        facts.append(("comparability", {"percent": comparison.comparability}))
    return facts


def comparable_units(earlier: Questionnaire, later: Questionnaire) -> set[str]:
    """The units of `later` (dimension, competency and "overall" ids) whose score means the same in `earlier`:
    a dimension whose questions all map one to one (same or renamed) onto exactly the questions of the earlier
    dimension with the same id, with the same weights; a competency when all its dimensions are; the overall
    when every competency is. Peers who used `earlier` are compared on these units only."""
    matches = {m.later_ids[0]: m.earlier_ids[0] for m in match_questions(earlier, later) if m.comparable}
    earlier_dimensions = {d.id: d for d in earlier.dimensions()}
    earlier_weights = {q.id: q.weight for q in earlier.questions()}
    units = set()
    for dimension in later.dimensions():
        before = earlier_dimensions.get(dimension.id)
        if before is None or any(q.id not in matches for q in dimension.questions):
            continue
        if {matches[q.id] for q in dimension.questions} != {q.id for q in before.questions}:
            continue
        if all(abs(earlier_weights[matches[q.id]] - q.weight) < 1e-9 for q in dimension.questions):
            units.add(dimension.id)
    earlier_competencies = {c.id: {d.id for d in c.dimensions} for c in earlier.competencies}
    for competency in later.competencies:
        ids = {d.id for d in competency.dimensions}
        if ids <= units and earlier_competencies.get(competency.id) == ids:
            units.add(competency.id)
    if all(c.id in units for c in later.competencies) and len(earlier.competencies) == len(later.competencies):
        units.add("overall")
    return units
