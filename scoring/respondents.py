"""Figures of several respondents who answered the same questionnaire on their own, per role.

- Per question: the distribution, median and agreement (van der Eijk's A, `scoring.agreement`) of everyone,
  and of each role that is shown.
- A role is shown on its own only when at least `MIN_GROUP` respondents of it answered something; smaller
  roles still count in "all" (anonymity: nobody's answers can be read from a group of one or two).
- The same rule holds for "all" (everyone together): with fewer than `MIN_GROUP` respondents nothing is
  computed at all, no distribution, median, agreement, figure or suggestion, and not even the number of
  respondents per role; `RoleFigures.needed` says how many more are needed. One rule, one function:
  `shown_roles`, which the workshop room uses too.
- Per role, only medians and figures made of medians leave this module, never a role's counts or
  distribution. Medians do not add up, so the answers of a small (hidden) role cannot be worked out by taking
  the shown roles away from "all", whose distribution is shown. That is why a shown role is not hidden as
  well when exactly one small role is hidden: counts per role would allow the subtraction, medians do not.
- Per role ("line"), a dimension's figure is the weighted mean (question weights) of that line's median
  level per question, over the questions where the line gave a level; a competency's figure is the mean of
  its dimensions' figures. n.v.t. and weet niet give no level.
- The perception gap of a dimension or competency is the highest minus the lowest figure of the shown roles
  (no gap with fewer than two shown roles).
- The suggested merged answer of a question is its median level (the lower level when the median lies
  between two), or none when there is no level or when agreement is low (A below HIGH_DISAGREEMENT).
- A legal item (ja / nee / weet niet, stored under `legal_key`) has no median and no A: its figures are the
  number of ja, nee and weet niet of everyone, and only from at least `min_group` answers to it (fewer: no
  figures at all, so one or two people's answers cannot be read). Its suggested merged answer is the answer most
  people gave; on a tie it is weet niet (nobody can say the requirement is met or not met).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

from questionnaires.model import Questionnaire
from scoring.agreement import HIGH_DISAGREEMENT, VoteSummary, summarise
from scoring.legal import LegalVoteSummary, legal_key, summarise_legal

ROLES = ("frontoffice", "backoffice", "management", "other")
ALL = "all"
MIN_GROUP = 3


@dataclass(frozen=True)
class Response:
    """One respondent: their role and answers (question id -> 1-5, "nvt", "weetniet")."""

    role: str
    answers: Mapping[str, object]


@dataclass(frozen=True)
class QuestionFigures:
    question_id: str
    summary: VoteSummary  # everyone
    by_role: dict[str, float | None]  # the median level of each shown role (None: no level given)
    suggested: object | None  # 1-5, or None

    @property
    def answers(self) -> int:
        return self.summary.voted


@dataclass(frozen=True)
class LegalFigures:
    item_id: str
    answers: int  # respondents who answered this item
    summary: LegalVoteSummary | None  # the counts of everyone; None from fewer than `min_group` answers

    @property
    def suggested(self) -> str | None:
        """The answer most people gave, weet niet on a tie; None without figures."""
        return self.summary.majority if self.summary is not None else None


@dataclass(frozen=True)
class Gap:
    unit_id: str  # a dimension or competency id
    by_line: dict[str, float | None]  # "all" and each shown role
    gap: float | None
    highest: str | None
    lowest: str | None


@dataclass(frozen=True)
class RoleFigures:
    respondents: dict[str, int]  # per role: respondents with at least one answer (every role, also hidden;
    #                              empty while "all" itself is below the minimum)
    shown_roles: tuple[str, ...]
    hidden_roles: tuple[str, ...]  # roles with 1 or 2 respondents: only counted in "all"
    questions: dict[str, QuestionFigures]
    dimensions: dict[str, Gap]
    competencies: dict[str, Gap]
    total: int = 0  # respondents with at least one answer
    needed: int = 0  # how many more respondents must answer before anything is shown (0: enough)
    legal: dict[str, LegalFigures] = field(default_factory=dict)  # legal item id -> figures

    @property
    def everyone_shown(self) -> bool:
        return self.needed == 0

    def most_disagreement(self) -> list[QuestionFigures]:
        """Questions with an agreement figure, least agreement first (questionnaire order among equals)."""
        rated = [q for q in self.questions.values() if q.summary.agreement is not None]
        return sorted(rated, key=lambda q: q.summary.agreement)


def suggestion(summary: VoteSummary) -> int | None:
    if summary.median is None or summary.agreement is None or summary.agreement < HIGH_DISAGREEMENT:
        return None
    return int(math.floor(summary.median + 1e-9))


def shown_roles(counts: Mapping[str, int], min_group: int = MIN_GROUP) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The anonymity rule, for respondents and for the workshop room alike: (groups shown, groups not shown),
    from the number of people per group: a role, or ALL for everyone together. A group is shown only from
    `min_group` people."""
    groups = (*ROLES, ALL)
    shown = tuple(group for group in groups if counts.get(group, 0) >= min_group)
    hidden = tuple(group for group in groups if 0 < counts.get(group, 0) < min_group)
    return shown, hidden


def _gap(unit_id: str, by_line: dict[str, float | None], shown: tuple[str, ...]) -> Gap:
    present = {role: by_line[role] for role in shown if by_line.get(role) is not None}
    if len(present) < 2:
        return Gap(unit_id, by_line, None, None, None)
    highest = max(present, key=present.get)
    lowest = min(present, key=present.get)
    return Gap(unit_id, by_line, present[highest] - present[lowest], highest, lowest)


def role_figures(questionnaire: Questionnaire, responses: list[Response], min_group: int = MIN_GROUP) -> RoleFigures:
    answering = [r for r in responses if any(v is not None for v in r.answers.values())]
    counts = {role: sum(1 for r in answering if r.role == role) for role in ROLES}
    counts = {role: n for role, n in counts.items() if n}
    shown, hidden = shown_roles(counts, min_group)
    if ALL not in shown_roles({ALL: len(answering)}, min_group)[0]:
        # too few people altogether: nothing that could tell one person's answers, not even their roles
        nothing = summarise([])
        empty = {line: None for line in (ALL,)}
        return RoleFigures(
            {}, (), (), {q.id: QuestionFigures(q.id, nothing, {}, None) for q in questionnaire.questions()},
            {d.id: Gap(d.id, dict(empty), None, None, None) for d in questionnaire.dimensions()},
            {c.id: Gap(c.id, dict(empty), None, None, None) for c in questionnaire.competencies},
            total=len(answering), needed=max(0, min_group - len(answering)),
            legal=legal_figures(questionnaire, answering, min_group))

    questions: dict[str, QuestionFigures] = {}
    medians: dict[str, dict[str, float]] = {ALL: {}, **{role: {} for role in shown}}
    for question in questionnaire.questions():
        values = [r.answers.get(question.id) for r in answering]
        everyone = summarise([v for v in values if v is not None])
        by_role = {role: summarise([r.answers[question.id] for r in answering
                                    if r.role == role and r.answers.get(question.id) is not None]).median
                   for role in shown}
        questions[question.id] = QuestionFigures(question.id, everyone, by_role, suggestion(everyone))
        for line, median in ((ALL, everyone.median), *by_role.items()):
            if median is not None:
                medians[line][question.id] = median

    dimensions: dict[str, Gap] = {}
    competencies: dict[str, Gap] = {}
    for competency in questionnaire.competencies:
        per_line_dimensions: dict[str, list[float]] = {line: [] for line in medians}
        for dimension in competency.dimensions:
            by_line: dict[str, float | None] = {}
            for line, found in medians.items():
                weighted = [(q.weight, found[q.id]) for q in dimension.questions if q.id in found]
                total = sum(w for w, _ in weighted)
                by_line[line] = sum(w * m for w, m in weighted) / total if weighted else None
                if by_line[line] is not None:
                    per_line_dimensions[line].append(by_line[line])
            dimensions[dimension.id] = _gap(dimension.id, by_line, shown)
        competencies[competency.id] = _gap(
            competency.id, {line: sum(v) / len(v) if v else None for line, v in per_line_dimensions.items()}, shown)
    return RoleFigures(counts, shown, hidden, questions, dimensions, competencies, total=len(answering),
                       legal=legal_figures(questionnaire, answering, min_group))


def legal_figures(questionnaire: Questionnaire, responses: list[Response], min_group: int = MIN_GROUP
                  ) -> dict[str, LegalFigures]:
    """Per legal item: how many answered it and, from `min_group` answers on, the counts of ja / nee / weet
    niet of everyone (never per role)."""
    figures = {}
    for item in questionnaire.legal_items():
        values = [r.answers[legal_key(item.id)] for r in responses if r.answers.get(legal_key(item.id)) is not None]
        figures[item.id] = LegalFigures(item.id, len(values),
                                        summarise_legal(values) if len(values) >= min_group else None)
    return figures
