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
        self.membership = np.zeros((n_q, n_d))
        self.weights = np.zeros((n_q, n_d))
        self.dim_to_comp = np.zeros((n_d, n_c))
        self.starts = []
        qi = 0
        di = 0
        for ci, comp in enumerate(questionnaire.competencies):
            for dim in comp.dimensions:
                self.starts.append(qi)
                for q in dim.questions:
                    self.membership[qi, di] = 1.0
                    self.weights[qi, di] = q.weight
                    qi += 1
                self.dim_to_comp[di, ci] = 1.0
                di += 1
        self.starts = np.array(self.starts)
        self.questions_per_dim = self.membership.sum(axis=0)
        self.rule = questionnaire.scoring.stage_rule
        self.threshold = questionnaire.scoring.min_coverage


def score_batch(questionnaire: Questionnaire, answers: pd.DataFrame) -> pd.DataFrame:
    layout = _Layout(questionnaire)
    unknown = [c for c in answers.columns if c not in set(layout.question_ids)]
    if unknown:
        raise ValueError(f"columns that are not questions of {questionnaire.key}: {unknown[:5]}")
    x = answers.reindex(columns=layout.question_ids).to_numpy(dtype=float, copy=False)
    bad = ~(np.isnan(x) | np.isin(x, (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0)))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"invalid answer code {x[row, col]!r} in row {answers.index[row]!r}, "
                         f"column {layout.question_ids[col]!r}")
    return _score_matrix(layout, x, answers.index)


def _score_matrix(layout: _Layout, x: np.ndarray, index) -> pd.DataFrame:
    scored = x >= 1.0  # NaN compares False
    not_applicable = x == CODE_NOT_APPLICABLE
    scored_f = scored.astype(float)

    sum_wx = np.where(scored, x, 0.0) @ layout.weights
    sum_w = scored_f @ layout.weights
    n_scored = scored_f @ layout.membership
    n_applicable = layout.questions_per_dim - not_applicable.astype(float) @ layout.membership

    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(n_applicable > 0, n_scored / n_applicable, np.nan)
        has_score = (n_applicable > 0) & (n_scored > 0) & (coverage + _EPS >= layout.threshold)
        dim_score = np.where(has_score, sum_wx / sum_w, np.nan)

    if layout.rule == "gating":
        lowest = np.minimum.reduceat(np.where(scored, x, np.inf), layout.starts, axis=1)
        dim_stage = np.where(has_score, lowest, np.nan)
    else:
        dim_stage = _floor_stage(dim_score)

    dim_valid = ~np.isnan(dim_score)
    comp_n = dim_valid.astype(float) @ layout.dim_to_comp
    comp_scored = n_scored @ layout.dim_to_comp
    comp_applicable = n_applicable @ layout.dim_to_comp
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_score = np.where(comp_n > 0, np.nan_to_num(dim_score) @ layout.dim_to_comp / comp_n, np.nan)
        comp_coverage = np.where(comp_applicable > 0, comp_scored / comp_applicable, np.nan)
        comp_valid = ~np.isnan(comp_score)
        overall_n = comp_valid.sum(axis=1)
        overall = np.where(overall_n > 0, np.nan_to_num(comp_score).sum(axis=1) / overall_n, np.nan)
        total_applicable = comp_applicable.sum(axis=1)
        overall_coverage = np.where(total_applicable > 0, comp_scored.sum(axis=1) / total_applicable, np.nan)

    if layout.rule == "gating":
        comp_stage = _masked_min_per_group(dim_stage, layout.dim_to_comp, comp_valid)
        overall_stage = np.where(overall_n > 0, np.nanmin(np.where(comp_valid, comp_stage, np.inf), axis=1), np.nan)
        overall_stage[np.isinf(overall_stage)] = np.nan
    else:
        comp_stage = _floor_stage(comp_score)
        overall_stage = _floor_stage(overall)

    units = layout.dimension_ids + layout.competency_ids + [OVERALL]
    blocks = {
        "score": np.column_stack([dim_score, comp_score, overall]),
        "stage": np.column_stack([dim_stage, comp_stage, overall_stage]),
        "coverage": np.column_stack([coverage, comp_coverage, overall_coverage]),
    }
    data = np.concatenate(list(blocks.values()), axis=1)
    columns = pd.MultiIndex.from_product([list(blocks), units], names=["measure", "unit"])
    return pd.DataFrame(data, index=index, columns=columns)


def _floor_stage(score: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(score + _EPS), 1, 5)


def _masked_min_per_group(values: np.ndarray, groups: np.ndarray, valid_group: np.ndarray) -> np.ndarray:
    out = np.full((values.shape[0], groups.shape[1]), np.nan)
    for g in range(groups.shape[1]):
        cols = np.flatnonzero(groups[:, g])
        with np.errstate(invalid="ignore"):
            lowest = np.nanmin(np.where(np.isnan(values[:, cols]), np.inf, values[:, cols]), axis=1)
        out[:, g] = np.where(valid_group[:, g] & np.isfinite(lowest), lowest, np.nan)
    return out
