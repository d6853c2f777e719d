"""Agreement (van der Eijk's A) and vote summaries on hand-computed distributions."""

import pytest

from scoring.agreement import agreement, summarise


@pytest.mark.parametrize("counts, expected", [
    ([0, 0, 7, 0, 0], 1.0),             # everyone the same
    ([3, 3, 3, 3, 3], 0.0),             # spread evenly over every level
    ([4, 0, 0, 0, 4], -1.0),            # split between the extremes
    ([5, 5, 0, 0, 0], 0.75),            # two neighbouring levels: 1 - (2 - 1) / 4
    ([0, 2, 2, 2, 0], 0.5),             # three neighbouring levels: 1 - (3 - 1) / 4
    # levels 1 and 3, pattern 1 0 1 0 0: triples (1,2,3) = 1 0 1 (bimodal); (1,3,4) and (1,3,5) = 1 1 0
    # (unimodal); the others count for neither. U = (3*2 - 4*1) / (3*3) = 2/9; A = 2/9 * (1 - 1/4) = 1/6
    ([2, 0, 2, 0, 0], 1 / 6),
])
def test_agreement_of_single_layer_patterns(counts, expected):
    assert agreement(counts) == pytest.approx(expected)


def test_agreement_of_layered_distribution():
    # [1, 3, 0, 0, 0]: layer 1 = pattern 11000 with 2 votes (A 0.75), layer 2 = 01000 with 2 votes (A 1)
    assert agreement([1, 3, 0, 0, 0]) == pytest.approx(0.5 * 0.75 + 0.5 * 1.0)
    assert agreement([0, 0, 0, 0, 0]) is None


def test_summary_counts_non_scores_but_keeps_them_out_of_the_spread():
    summary = summarise([2, 2, 3, 4, "nvt", "weetniet", 2])
    assert summary.voted == 7 and summary.counts["nvt"] == 1 and summary.counts[2] == 3
    # levels 2, 2, 2, 3, 4: quartiles by linear interpolation
    assert summary.median == 2.0 and summary.p25 == 2.0 and summary.p75 == 3.0 and summary.iqr == 1.0
    assert summary.agreement == pytest.approx(agreement([0, 3, 1, 1, 0]))
    split = summarise([1, 1, 5, 5])
    assert split.agreement == pytest.approx(-1) and split.discuss
    assert not summarise([3, 3, 3]).discuss
    assert summarise(["nvt"]).median is None and summarise(["nvt"]).agreement is None
