"""Scoring rules against hand-computed cases (tests/fixtures/mini.yaml).

mini: c1 = {d1: d1-1 (w1), d1-2 (w2), d1-3 (w1), d1-4 (w1); d2: d2-1, d2-2}, c2 = {d3: d3-1, d3-2, d3-3}.
"""

import pytest

from scoring.engine import score_assessment


def gating(questionnaire):
    rules = questionnaire.scoring.model_copy(update={"stage_rule": "gating"})
    return questionnaire.model_copy(update={"scoring": rules})


BASE = {"d1-1": 4, "d1-2": 2, "d1-3": "nvt", "d1-4": "weetniet", "d2-1": 5,
        "d3-1": "nvt", "d3-2": "nvt", "d3-3": "nvt"}


def test_weighted_mean_nvt_and_weet_niet(mini):
    result = score_assessment(mini, BASE)
    d1 = result.dimensions["d1"]
    # (4*1 + 2*2) / (1 + 2); n.v.t. leaves the denominator; weet niet is no score
    assert d1.score == pytest.approx(8 / 3)
    assert (d1.scored, d1.applicable, d1.total) == (2, 3, 4)
    assert d1.coverage == pytest.approx(2 / 3)
    assert (d1.not_applicable, d1.dont_know, d1.unanswered) == (1, 1, 0)
    assert d1.stage == 2
    assert d1.target == 3 and d1.target_is_default
    assert d1.gap == pytest.approx(3 - 8 / 3)
    assert d1.weight_total == 3
    assert [c.status for c in d1.contributions] == ["scored", "scored", "not_applicable", "dont_know"]


def test_coverage_exactly_at_threshold_counts_and_target_is_capped(mini):
    d2 = score_assessment(mini, BASE).dimensions["d2"]
    assert d2.coverage == 0.5 and d2.score == 5 and d2.stage == 5
    assert d2.target == 5 and d2.gap == 0


def test_all_not_applicable_gives_no_score(mini):
    result = score_assessment(mini, BASE)
    d3 = result.dimensions["d3"]
    assert d3.score is None and d3.stage is None and d3.coverage is None
    assert d3.no_score_reason == "all_not_applicable"
    assert result.competencies["c2"].score is None
    assert result.competencies["c2"].no_score_reason == "no_dimension_scores"


def test_competency_and_overall_are_means_of_their_parts(mini):
    result = score_assessment(mini, BASE)
    c1 = result.competencies["c1"]
    assert c1.score == pytest.approx((8 / 3 + 5) / 2)
    assert c1.stage == 3
    assert (c1.scored, c1.applicable, c1.dimensions_scored) == (3, 5, 2)
    # c2 has no score, so the overall score is c1 alone
    assert result.score == pytest.approx(c1.score)
    assert result.coverage == pytest.approx(3 / 5)
    assert (result.answered, result.total) == (8, 9)


def test_low_coverage_gives_no_score_and_says_why(mini):
    answers = dict(BASE, **{"d3-1": 4, "d3-2": "weetniet", "d3-3": None})
    d3 = score_assessment(mini, answers).dimensions["d3"]
    assert d3.coverage == pytest.approx(1 / 3)
    assert d3.score is None and d3.no_score_reason == "low_coverage"


def test_all_weet_niet(mini):
    answers = {q.id: "weetniet" for q in mini.questions()}
    result = score_assessment(mini, answers)
    assert result.score is None and result.stage is None
    assert result.coverage == 0
    assert all(d.no_score_reason == "low_coverage" for d in result.dimensions.values())
    assert all(d.dont_know == d.total for d in result.dimensions.values())


def test_all_not_applicable_everywhere(mini):
    result = score_assessment(mini, {q.id: "nvt" for q in mini.questions()})
    assert result.score is None and result.coverage is None
    assert all(d.no_score_reason == "all_not_applicable" for d in result.dimensions.values())


def test_no_answers_at_all(mini):
    result = score_assessment(mini, {})
    assert result.score is None and result.answered == 0 and result.coverage == 0


def test_weights_change_the_mean(mini):
    equal = score_assessment(mini, {"d1-1": 5, "d1-2": 1, "d1-3": 5, "d1-4": 1})
    # weights 1, 2, 1, 1: (5 + 2 + 5 + 1) / 5
    assert equal.dimensions["d1"].score == pytest.approx(13 / 5)


def test_gating_versus_average(mini):
    answers = {"d1-1": 4, "d1-2": 4, "d1-3": 4, "d1-4": 2, "d2-1": 3, "d2-2": 5, "d3-1": 4, "d3-2": 4, "d3-3": 5}
    average = score_assessment(mini, answers)
    gated = score_assessment(gating(mini), answers)
    # d1: mean (4 + 8 + 4 + 2) / 5 = 3.6 -> average stage 3; gating: one question only reaches 2
    assert average.dimensions["d1"].score == pytest.approx(3.6)
    assert average.dimensions["d1"].stage == 3
    assert gated.dimensions["d1"].stage == 2
    assert gated.dimensions["d1"].score == pytest.approx(3.6)  # the score itself does not change
    # competency: average floors the mean (3.6 + 4) / 2 = 3.8 -> 3; gating takes the lowest part (2)
    assert average.competencies["c1"].stage == 3 and gated.competencies["c1"].stage == 2
    assert average.stage_rule == "average" and gated.stage_rule == "gating"
    # overall: mean of c1 (3.8) and c2 (13/3) = 4.0667 -> 4; gating -> lowest competency stage = 2
    assert average.stage == 4 and gated.stage == 2
    # default targets follow the stage of the rule used
    assert average.dimensions["d1"].target == 4 and gated.dimensions["d1"].target == 3


def test_stored_targets_override_the_default(mini):
    result = score_assessment(mini, BASE, targets={"d1": 5})
    assert result.dimensions["d1"].target == 5 and not result.dimensions["d1"].target_is_default
    assert result.dimensions["d1"].gap == pytest.approx(5 - 8 / 3)


def test_coverage_threshold_comes_from_the_questionnaire(mini):
    strict = mini.model_copy(update={"scoring": mini.scoring.model_copy(update={"min_coverage": 0.75})})
    assert score_assessment(mini, BASE).dimensions["d1"].score is not None
    assert score_assessment(strict, BASE).dimensions["d1"].no_score_reason == "low_coverage"


def test_strongest_and_weakest(mini):
    answers = {"d1-1": 2, "d1-2": 2, "d1-3": 2, "d1-4": 2, "d2-1": 4, "d2-2": 4, "d3-1": 3, "d3-2": 3, "d3-3": 3}
    result = score_assessment(mini, answers)
    # three scored parts: one strongest and one weakest at most, never the same part in both lists
    assert [d.dimension_id for d in result.strongest(2)] == ["d2"]
    assert [d.dimension_id for d in result.weakest(1)] == ["d1"]
    assert [d.dimension_id for d in result.weakest(3)] == ["d1"]
    two = score_assessment(mini, {k: v for k, v in answers.items() if not k.startswith("d3")})
    assert [d.dimension_id for d in two.strongest(3)] == ["d2"] and [d.dimension_id for d in two.weakest(3)] == ["d1"]
    one = score_assessment(mini, {k: v for k, v in answers.items() if k.startswith("d1")})
    assert one.strongest(3) == [] and one.weakest(3) == []


def test_invalid_answers_are_refused(mini):
    with pytest.raises(ValueError):
        score_assessment(mini, {"d1-1": 6})
    with pytest.raises(ValueError):
        score_assessment(mini, {"unknown": 3})
    with pytest.raises(ValueError):
        score_assessment(mini, {"d1-1": True})


def issue_example(zelfscan):
    """Every answer 5, except 'Laagdrempelig en zichtbaar': 1, weet niet, weet niet (coverage 1/3: no score)."""
    answers = {q.id: 5 for q in zelfscan.questions()}
    answers.update({"ont-toegang-1": 1, "ont-toegang-2": "weetniet", "ont-toegang-3": "weetniet"})
    return answers


def test_what_a_competency_is_based_on_counts_only_the_answers_in_its_score(zelfscan):
    from scoring.engine import basis
    result = score_assessment(zelfscan, issue_example(zelfscan))
    assert result.dimensions["ont-toegang"].score is None
    receptive = result.competencies["ontvankelijk"]
    assert receptive.score == 5.0  # the level 1 of the section without a score is not in it
    assert (receptive.scored, receptive.applicable) == (9, 12)  # not 10: that answer is not in the score
    assert (receptive.dimensions_scored, receptive.dimensions_total) == (3, 4)
    assert receptive.coverage == pytest.approx(9 / 12)
    assert basis(receptive) == ("results.coverage_dimensions", {"scored": 9, "applicable": 12, "parts": 3,
                                                                "total": 4})
    assert (result.scored, result.applicable) == (33, 36)
    assert basis(result) == ("results.coverage", {"scored": 33, "applicable": 36})
    assert basis(result.dimensions["ont-toegang"]) == ("results.coverage_too_few", {"scored": 1, "applicable": 3})


def test_an_overall_score_from_fewer_competencies_says_so(mini):
    from scoring.engine import basis
    result = score_assessment(mini, BASE)  # c2: every question n.v.t., so no score
    assert (result.competencies_scored, result.competencies_total) == (1, 2)
    assert basis(result) == ("results.coverage_competencies", {"scored": 3, "applicable": 5, "parts": 1,
                                                               "total": 2})
    assert basis(result.competencies["c2"]) == ("results.coverage_no_dimensions", {"total": 1})
    assert basis(result.dimensions["d3"]) == ("results.coverage_all_not_applicable", {})
    nothing = score_assessment(mini, {q.id: "weetniet" for q in mini.questions()})
    assert basis(nothing) == ("results.coverage_no_competencies", {"total": 2})
    assert (nothing.scored, nothing.coverage) == (0, 0)
