"""The vectorised batch scoring gives exactly the same numbers as the one-assessment scoring (to the last bit)."""

import math

import numpy as np
import pandas as pd
import pytest

from scoring.batch import OVERALL, encode_answers, score_batch
from scoring.engine import score_assessment
from test_scoring import BASE, gating

CHOICES = [1, 2, 3, 4, 5, "nvt", "weetniet", None]


def random_answers(questionnaire, n, seed):
    rng = np.random.default_rng(seed)
    ids = [q.id for q in questionnaire.questions()]
    # skewed probabilities so that every rule (low coverage, all n.v.t.) occurs
    rows = []
    for _ in range(n):
        p = rng.dirichlet(np.ones(len(CHOICES)) * 0.6)
        rows.append({qid: CHOICES[rng.choice(len(CHOICES), p=p)] for qid in ids})
    return rows


def same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not math.isnan(b) and a == b  # exactly: the same additions in the same order


@pytest.mark.parametrize("lookup", [True, False], ids=["lookup-tables", "matrix-products"])
@pytest.mark.parametrize("rule", ["average", "gating"])
def test_batch_agrees_with_single_scoring(mini, zelfscan, rule, lookup, monkeypatch):
    # dimensions of up to 4 questions are scored from tables of every answer combination; larger ones (forced
    # here by a limit of 0) by matrix products: both must give the engine's numbers
    if not lookup:
        monkeypatch.setattr("scoring.batch._LOOKUP_MAX_QUESTIONS", 0)
    for questionnaire in (mini, zelfscan):
        if rule == "gating":
            questionnaire = gating(questionnaire)
        rows = random_answers(questionnaire, 300, seed=7)
        frame = pd.DataFrame(rows, index=[f"a{i}" for i in range(len(rows))], dtype=object)
        scores = score_batch(questionnaire, encode_answers(frame))
        for key, answers in zip(frame.index, rows):
            single = score_assessment(questionnaire, answers)
            row = scores.loc[key]
            for dim_id, dim in single.dimensions.items():
                assert same(dim.score, row[("score", dim_id)]), (key, dim_id)
                assert same(dim.stage, row[("stage", dim_id)]), (key, dim_id)
                assert same(dim.coverage, row[("coverage", dim_id)]), (key, dim_id)
            for comp_id, comp in single.competencies.items():
                assert same(comp.score, row[("score", comp_id)])
                assert same(comp.stage, row[("stage", comp_id)])
                assert same(comp.coverage, row[("coverage", comp_id)])
            assert same(single.score, row[("score", OVERALL)])
            assert same(single.stage, row[("stage", OVERALL)])
            assert same(single.coverage, row[("coverage", OVERALL)])


def test_batch_hand_computed_case(mini):
    frame = encode_answers(pd.DataFrame([BASE], index=["org-2026"], dtype=object))
    scores = score_batch(mini, frame)
    assert scores.loc["org-2026", ("score", "d1")] == pytest.approx(8 / 3)
    assert scores.loc["org-2026", ("coverage", "d1")] == pytest.approx(2 / 3)
    assert math.isnan(scores.loc["org-2026", ("score", "d3")])
    assert scores["score"].columns.tolist() == ["d1", "d2", "d3", "c1", "c2", OVERALL]


def test_batch_refuses_bad_input(mini):
    with pytest.raises(ValueError, match="not questions"):
        score_batch(mini, pd.DataFrame({"nope": [1.0]}))
    with pytest.raises(ValueError, match="d1-1"):
        score_batch(mini, pd.DataFrame({"d1-1": [7.0]}, index=["x"]))
