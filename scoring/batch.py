"""Vectorised scoring of many assessments at once (for peer benchmarks).

Input: a wide DataFrame, one row per assessment, one column per question id, with numeric codes:
1-5 = level, 0 = weet niet, -1 = n.v.t., NaN = not answered (`encode_answers` turns the text codes
"nvt"/"weetniet" into these). Columns missing from the frame count as not answered.

Output: a DataFrame with the same index and two-level columns (measure, unit): measure is one of
score, stage, coverage; unit is a dimension id, a competency id or "overall". The rules are those of
`scoring.engine.score_assessment`; the tests check that both agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaires.model import Questionnaire

from .engine import DONT_KNOW, NOT_APPLICABLE

CODE_NOT_APPLICABLE = -1.0
CODE_DONT_KNOW = 0.0
OVERALL = "overall"
_EPS = 1e-9
_BLOCK_ROWS = 4096
_POWERS_OF_16 = np.array([0.0, 16.0 ** 4, 16.0 ** 3, 16.0 ** 2, 16.0, 1.0])  # level l > 0 -> 16^(5 - l)
# The codes a cell can hold, numbered 0-7 as fmax(code + 2, 0) numbers them: open (NaN), n.v.t., weet niet, 1-5.
_CODES = np.array([np.nan, CODE_NOT_APPLICABLE, CODE_DONT_KNOW, 1.0, 2.0, 3.0, 4.0, 5.0])
_LOOKUP_MAX_QUESTIONS = 4  # up to 8^4 = 4,096 answer combinations per dimension: a table for each


def encode_value(value) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if value == NOT_APPLICABLE:
        return CODE_NOT_APPLICABLE
    if value == DONT_KNOW:
        return CODE_DONT_KNOW
    return float(value)


def encode_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a frame with levels and the text codes "nvt"/"weetniet" into the numeric codes."""
    return frame.map(encode_value).astype(float)


class _Layout:
    """Matrices describing which question belongs to which dimension and competency."""

    def __init__(self, questionnaire: Questionnaire):
        self.question_ids = [q.id for q in questionnaire.questions()]
        self.dimension_ids = [d.id for d in questionnaire.dimensions()]
        self.competency_ids = [c.id for c in questionnaire.competencies]
        n_q, n_d, n_c = len(self.question_ids), len(self.dimension_ids), len(self.competency_ids)
        membership = np.zeros((n_q, n_d))
        weights = np.zeros((n_q, n_d))
        self.dim_to_comp = np.zeros((n_d, n_c))
        qi = di = 0
        for ci, comp in enumerate(questionnaire.competencies):
            for dim in comp.dimensions:
                for q in dim.questions:
                    membership[qi, di] = 1.0
                    weights[qi, di] = q.weight
                    qi += 1
                self.dim_to_comp[di, ci] = 1.0
                di += 1
        self.competency_ranges = []  # (first, stop) dimension columns of each competency
        first = 0
        for comp in questionnaire.competencies:
            self.competency_ranges.append((first, first + len(comp.dimensions)))
            first += len(comp.dimensions)
        self.membership = membership
        # one matrix product gives both the weight of the scored questions and how many there are
        self.weights_and_membership = np.hstack([weights, membership])
        self.weights = weights
        self.questions_per_dim = membership.sum(axis=0)
        self.rule = questionnaire.scoring.stage_rule
        self.threshold = questionnaire.scoring.min_coverage
        self.dimension_ranges = []  # (first, stop) question columns of each dimension
        first = 0
        for dim in questionnaire.dimensions():
            self.dimension_ranges.append((first, first + len(dim.questions)))
            first += len(dim.questions)
        self.weight_of = np.array([q.weight for q in questionnaire.questions()])
        # A matrix product adds in an order of its own choosing, which can differ with the number of rows.
        # With weights that are multiples of 1/1024 (1, 1.5, 2, ...) every partial sum of levels times weights
        # is exact, so the order does not matter; other weights are added question by question, in the order
        # of the questionnaire, as `scoring.engine` does. Either way a row's scores never depend on the rows
        # scored with it, and agree exactly with the one-assessment scoring.
        scaled = self.weight_of * 1024.0
        self.exact_products = bool(np.all(scaled == np.round(scaled)) and 5.0 * scaled.sum() < 2.0 ** 50)
        self.lookup = (_lookup_tables(questionnaire, self.threshold)
                       if max(len(d.questions) for d in questionnaire.dimensions()) <= _LOOKUP_MAX_QUESTIONS else None)


class _Lookup:
    """Every dimension's figures for every combination of its answers, worked out once: a block of
    assessments is then scored by numbering each row's combination per dimension (a sum of small whole numbers,
    exact in any order) and looking the figures up. The tables are computed question by
    question in the questionnaire's order, with the arithmetic of `scoring.engine`, so the figures are exactly
    the engine's, whatever the rows scored together."""

    def __init__(self, powers, offsets, score, stage, coverage, in_score, applicable):
        self.offsets = offsets  # (dimensions,)
        # each question's dimension and its power of 8 in that dimension's combination number (from `powers`,
        # questions x dimensions, one power in each row)
        self.terms = [(int(d), float(powers[q, d])) for q, d in enumerate(powers.argmax(axis=1))]
        self.score, self.stage, self.coverage = score, stage, coverage  # NaN: none; stage: the gating rule's
        self.in_score, self.applicable = in_score, applicable  # scored answers in the score; applicable ones


_LOOKUP_CACHE: dict[tuple, tuple[np.ndarray, ...]] = {}


def _dimension_table(weights: tuple[float, ...], threshold: float) -> tuple[np.ndarray, ...]:
    """score, stage, coverage, in_score, applicable for each of the 8^k answer combinations of a dimension with
    these question weights (combination number: sum of code number x 8^(k-1-position))."""
    key = (weights, threshold)
    if key not in _LOOKUP_CACHE:
        k = len(weights)
        codes = _CODES[np.indices((8,) * k).reshape(k, -1)]  # one row per question, one column per combination
        scored = codes > 0.0  # NaN compares False
        n_scored = scored.sum(axis=0).astype(float)
        applicable = k - (codes == CODE_NOT_APPLICABLE).sum(axis=0).astype(float)
        sum_w = np.zeros(codes.shape[1])
        sum_wx = np.zeros(codes.shape[1])
        for position, weight in enumerate(weights):  # in order, as the engine adds them
            sum_w = sum_w + np.where(scored[position], weight, 0.0)
            sum_wx = sum_wx + np.where(scored[position], weight * np.where(scored[position], codes[position], 0.0),
                                       0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            coverage = n_scored / applicable  # NaN where nothing is applicable
            has_score = coverage >= threshold - _EPS
            score = np.where(has_score, sum_wx / sum_w, np.nan)
        # the gating rule's stage: the lowest scored level (the average rule's stage follows from the score)
        stage = np.where(has_score, np.fmin.reduce(np.where(scored, codes, np.nan), axis=0), np.nan)
        _LOOKUP_CACHE[key] = (score, stage, coverage, np.where(has_score, n_scored, 0.0), applicable)
    return _LOOKUP_CACHE[key]


def _lookup_tables(questionnaire: Questionnaire, threshold: float) -> _Lookup:
    dimensions = questionnaire.dimensions()
    n_q = sum(len(d.questions) for d in dimensions)
    powers = np.zeros((n_q, len(dimensions)))
    offsets = np.zeros(len(dimensions))
    parts = []
    qi = start = 0
    for di, dimension in enumerate(dimensions):
        k = len(dimension.questions)
        for position in range(k):
            powers[qi, di] = 8.0 ** (k - 1 - position)
            qi += 1
        offsets[di] = start
        start += 8 ** k
        parts.append(_dimension_table(tuple(float(q.weight) for q in dimension.questions), threshold))
    return _Lookup(powers, offsets, *(np.concatenate([part[i] for part in parts]) for i in range(5)))


def score_batch(questionnaire: Questionnaire, answers: pd.DataFrame) -> pd.DataFrame:
    layout = _Layout(questionnaire)
    columns = list(answers.columns)
    if columns != layout.question_ids:
        unknown = [c for c in columns if c not in set(layout.question_ids)]
        if unknown:
            raise ValueError(f"columns that are not questions of {questionnaire.key}: {unknown[:5]}")
        answers = answers.reindex(columns=layout.question_ids)
    x = answers.to_numpy(dtype=float, copy=False)
    width = len(layout.dimension_ids) + len(layout.competency_ids) + 1
    out = np.empty((x.shape[0], 3 * width))
    # in blocks of rows, so that the temporary arrays stay in the processor's cache
    for start in range(0, x.shape[0], _BLOCK_ROWS):
        block = x[start:start + _BLOCK_ROWS]
        levels = np.fmax(block, 0.0)  # the chosen level, 0 for weet niet, n.v.t. and open (fmax drops NaN)
        _check_codes(block, levels, answers.index[start:start + _BLOCK_ROWS], layout.question_ids)
        _score_block(layout, block, levels, out[start:start + _BLOCK_ROWS])
    units = layout.dimension_ids + layout.competency_ids + [OVERALL]
    columns = pd.MultiIndex.from_product([["score", "stage", "coverage"], units], names=["measure", "unit"])
    return pd.DataFrame(out, index=answers.index, columns=columns, copy=False)


def _check_codes(x: np.ndarray, levels: np.ndarray, index, question_ids: list[str]) -> None:
    """Every cell is NaN or one of -1, 0, 1, 2, 3, 4, 5: cheap whole-array checks, the exact cell on failure."""
    if x.size == 0:
        return
    lowest, highest = np.fmin.reduce(x, axis=None), np.fmax.reduce(x, axis=None)  # NaN only if all NaN
    in_range = not (lowest < -1 or highest > 5)
    if in_range and not np.any(np.rint(levels) != levels) and not (lowest < 0 and np.any((x < 0) & (x != -1))):
        return
    bad = ~(np.isnan(x) | np.isin(x, (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0)))
    row, col = np.argwhere(bad)[0]
    raise ValueError(f"invalid answer code {x[row, col]!r} in row {index[row]!r}, column {question_ids[col]!r}")


def _lowest_level(levels: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Per dimension, the lowest scored level (NaN where none), without a per-dimension loop.

    Each scored level l contributes 16^(5 - l) = 2^(20 - 4l) (a non-score contributes 0). With fewer than
    16 questions in a dimension the sum lies in [16^(5-m), 16^(6-m)) for the lowest level m, so m follows
    from which powers of 16 the sum reaches. All sums are exact in float64.
    """
    if membership.sum(axis=0).max() >= 16:
        lowest = np.where(levels > 0.0, levels, np.nan)
        return np.stack([np.fmin.reduce(lowest[:, membership[:, d] > 0], axis=1)
                         for d in range(membership.shape[1])], axis=1)
    # a table lookup, not exp2: levels are whole numbers 0-5 (checked), and level 0 (not scored) adds nothing
    powers = _POWERS_OF_16.take(levels.astype(np.intp))
    total = powers @ membership
    lowest = 1.0 + (total < 65536.0) + (total < 4096.0) + (total < 256.0) + (total < 16.0)
    lowest[total == 0] = np.nan
    return lowest


def _fmin_columns(block: np.ndarray, out: np.ndarray) -> None:
    out[:] = block[:, 0]
    for column in range(1, block.shape[1]):
        np.fmin(out, block[:, column], out=out)


def _sum_columns(block: np.ndarray, out: np.ndarray) -> None:
    """The sum of the columns per row, added left to right (whatever the number of rows)."""
    out[:] = block[:, 0]
    for column in range(1, block.shape[1]):
        np.add(out, block[:, column], out=out)


def _weighted_sums(layout: _Layout, scored: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per dimension the weight of the scored questions and the weighted sum of their levels, added question
    by question in the questionnaire's order (for weights whose products are not exact in binary)."""
    n_rows, n_d = levels.shape[0], len(layout.dimension_ids)
    sum_w, sum_wx = np.zeros((n_rows, n_d)), np.zeros((n_rows, n_d))
    for d, (first, stop) in enumerate(layout.dimension_ranges):
        for q in range(first, stop):
            weight = layout.weight_of[q]
            sum_w[:, d] += np.where(scored[:, q], weight, 0.0)
            sum_wx[:, d] += weight * levels[:, q]
    return sum_w, sum_wx


def _score_block(layout: _Layout, x: np.ndarray, levels: np.ndarray, out: np.ndarray) -> None:
    """Score a block of rows into `out`: [scores | stages | coverages], each dimensions, competencies, overall."""
    n_d, n_c = len(layout.dimension_ids), len(layout.competency_ids)
    width = n_d + n_c + 1
    score, stage, coverage = out[:, :width], out[:, width:2 * width], out[:, 2 * width:]
    dim_score, comp_score, overall = score[:, :n_d], score[:, n_d:-1], score[:, -1]
    dim_coverage, comp_coverage = coverage[:, :n_d], coverage[:, n_d:-1]
    dim_stage = stage[:, :n_d]
    to_comp = layout.dim_to_comp

    with np.errstate(invalid="ignore", divide="ignore"):
        # the dimensions: score and coverage into `out` (the stage too with the gating rule), the applicable
        # answers, and the scored answers that are in a score
        if layout.lookup is not None:
            in_score_dims, n_applicable = _dimensions_by_lookup(layout, x, dim_score, dim_coverage, dim_stage)
        else:
            in_score_dims, n_applicable = _dimensions_by_products(layout, x, levels, dim_score, dim_coverage,
                                                                  dim_stage)
        has_score = ~np.isnan(dim_score)
        comp_n = has_score.astype(float) @ to_comp
        # the mean of a competency's dimension scores, added left to right as the engine does (a matrix
        # product may add them in another order, and then differ in the last bit with the number of rows)
        scores_or_zero = np.where(has_score, dim_score, 0.0)
        for g, (first, stop) in enumerate(layout.competency_ranges):
            _sum_columns(scores_or_zero[:, first:stop], comp_score[:, g])
        np.divide(comp_score, comp_n, out=comp_score)  # NaN: no dimension
        # a competency or the whole is based only on the answers of dimensions that have a score
        in_score = in_score_dims @ to_comp  # counts: exact in any order
        np.divide(in_score, n_applicable @ to_comp, out=comp_coverage)
        comp_valid = comp_n > 0
        _sum_columns(np.where(comp_valid, comp_score, 0.0), overall)
        np.divide(overall, comp_valid.sum(axis=1), out=overall)
        np.divide(in_score.sum(axis=1), n_applicable.sum(axis=1), out=coverage[:, -1])

        if layout.rule == "gating":
            # fmin ignores NaN: a competency's stage is the lowest stage of its scored dimensions
            # (column by column: much faster than a reduction over a few columns)
            for g, (first, stop) in enumerate(layout.competency_ranges):
                _fmin_columns(dim_stage[:, first:stop], stage[:, n_d + g])
            _fmin_columns(stage[:, n_d:-1], stage[:, -1])
        else:
            np.add(score, _EPS, out=stage)
            np.floor(stage, out=stage)  # scores lie in [1, 5], so the floor is a stage (NaN stays NaN)


def _dimensions_by_products(layout: _Layout, x: np.ndarray, levels: np.ndarray, dim_score: np.ndarray,
                            dim_coverage: np.ndarray, dim_stage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dimensions' figures by matrix products over the questions (any number of questions)."""
    n_d = len(layout.dimension_ids)
    scored = levels > 0.0
    if layout.exact_products:
        sums = scored.astype(float) @ layout.weights_and_membership
        sum_w, n_scored = sums[:, :n_d], sums[:, n_d:]
        sum_wx = levels @ layout.weights
    else:
        n_scored = scored.astype(float) @ layout.membership  # counts: exact in any order
        sum_w, sum_wx = _weighted_sums(layout, scored, levels)
    # fmin(x, 0) is -1 for n.v.t. and 0 for everything else (NaN included)
    n_applicable = layout.questions_per_dim + np.fmin(x, 0.0) @ layout.membership
    # 0 / 0 gives NaN exactly where nothing is applicable (n_scored is 0 there too)
    np.divide(n_scored, n_applicable, out=dim_coverage)
    has_score = dim_coverage >= layout.threshold - _EPS  # NaN compares False; threshold > 0
    np.divide(sum_wx, sum_w, out=dim_score)
    dim_score[~has_score] = np.nan
    if layout.rule == "gating":
        dim_stage[:] = _lowest_level(levels, layout.membership)
        dim_stage[~has_score] = np.nan
    return np.where(has_score, n_scored, 0.0), n_applicable


def _dimensions_by_lookup(layout: _Layout, x: np.ndarray, dim_score: np.ndarray, dim_coverage: np.ndarray,
                          dim_stage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dimensions' figures looked up in the tables of every answer combination (see `_Lookup`)."""
    table = layout.lookup
    codes = np.fmax(x + 2.0, 0.0)  # each answer's code number, 0-7
    # column by column, not as a matrix product: OpenBLAS splits a product of a block this thin over threads,
    # which costs more than it saves on a busy machine (README, Scoring)
    combination = np.empty((x.shape[0], len(table.offsets)), order="F")
    combination[:] = table.offsets
    for q, (d, power) in enumerate(table.terms):
        combination[:, d] += codes[:, q] * power  # whole numbers below 8^4: exact
    rows = combination.astype(np.intp)
    np.take(table.score, rows, out=dim_score, mode="clip")
    np.take(table.coverage, rows, out=dim_coverage, mode="clip")
    if layout.rule == "gating":
        np.take(table.stage, rows, out=dim_stage, mode="clip")
    return table.in_score.take(rows), table.applicable.take(rows)
