"""Peer statistics against hand-computed cases."""

import math

import numpy as np
import pandas as pd
import pytest

from scoring.peers import group_statistics, peer_figures


def test_odd_number_of_peers():
    peers = pd.DataFrame({"d1": [1.0, 2.0, 3.0, 4.0, 5.0]})
    figure = peer_figures(peers, {"d1": 3.5})["d1"]
    assert (figure.n, figure.median, figure.p25, figure.p75) == (5, 3.0, 2.0, 4.0)
    assert (figure.minimum, figure.maximum) == (1.0, 5.0)
    assert figure.share_below == pytest.approx(3 / 5) and figure.share_equal == 0


def test_even_number_of_peers_interpolates():
    peers = pd.DataFrame({"d1": [1.0, 2.0, 2.5, 3.0, 4.0, 5.0]})
    figure = peer_figures(peers, {"d1": 2.5})["d1"]
    # linear interpolation: median between 2.5 and 3.0; P25 at position 1.25 -> 2.0 + 0.25 * 0.5
    assert figure.median == pytest.approx(2.75)
    assert figure.p25 == pytest.approx(2.125) and figure.p75 == pytest.approx(3.75)


def test_ties_count_as_equal_not_below():
    peers = pd.DataFrame({"d1": [2.0, 3.0, 3.0, 3.0, 4.0]})
    figure = peer_figures(peers, {"d1": 3.0})["d1"]
    assert figure.share_below == pytest.approx(1 / 5) and figure.share_equal == pytest.approx(3 / 5)


def test_groups_below_the_minimum_show_nothing_and_peers_without_a_score_do_not_count():
    peers = pd.DataFrame({"d1": [1.0, 2.0, 3.0, 4.0, np.nan], "d2": [1.0, 2.0, 3.0, 4.0, 5.0]})
    figures = peer_figures(peers, {"d1": 2.0, "d2": 2.0})
    assert figures["d1"].suppressed and figures["d1"].n == 4 and figures["d1"].median is None
    assert not figures["d2"].suppressed
    assert peer_figures(peers, {}, min_group=3)["d1"].median == pytest.approx(2.5)
    with pytest.raises(ValueError):
        peer_figures(peers, {}, min_group=2)


def test_group_statistics_match_the_single_group_figures():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"type": rng.choice(["gemeente", "provincie"], 60), "year": rng.choice([2025, 2026], 60),
                          "d1": rng.uniform(1, 5, 60), "d2": rng.uniform(1, 5, 60)})
    frame.loc[:3, "type"] = "waterschap"  # a group of 4: too small
    result = group_statistics(frame, ["type", "year"])
    for (org_type, year), group in frame.groupby(["type", "year"]):
        figures = peer_figures(group[["d1", "d2"]], {})
        row = result.loc[(org_type, year)]
        for unit in ("d1", "d2"):
            assert row[("n", unit)] == figures[unit].n
            if figures[unit].suppressed:
                assert math.isnan(row[("median", unit)])
            else:
                assert row[("median", unit)] == pytest.approx(figures[unit].median)
                assert row[("p25", unit)] == pytest.approx(figures[unit].p25)
                assert row[("max", unit)] == pytest.approx(figures[unit].maximum)


def test_the_position_names_ties_apart():
    from scoring.peers import position
    all_alike = peer_figures(pd.DataFrame({"d1": [3.0] * 10}), {"d1": 3.0})["d1"]
    assert position(all_alike) == ("bench.position_ties", {"below": 0.0, "equal": 1.0})
    some_alike = peer_figures(pd.DataFrame({"d1": [2.0, 3.0, 3.0, 3.0, 4.0]}), {"d1": 3.0})["d1"]
    key, shares = position(some_alike)
    assert key == "bench.position_ties" and shares == pytest.approx({"below": 0.2, "equal": 0.6})
    none_alike = peer_figures(pd.DataFrame({"d1": [1.0, 2.0, 3.0, 4.0, 5.0]}), {"d1": 3.5})["d1"]
    assert position(none_alike) == ("bench.position", {"below": pytest.approx(0.6)})
    assert position(peer_figures(pd.DataFrame({"d1": [1.0, 2.0]}), {"d1": 3.0})["d1"]) is None  # too small


def test_quartiles_interpolate_linearly_like_percentile_inc():
    figure = peer_figures(pd.DataFrame({"d1": [1.0, 2.0, 4.0, 8.0, 9.0, 10.0]}), {}, min_group=3)["d1"]
    # as PERCENTILE.INC: at positions (n - 1) * q = 1.25, 2.5, 3.75 of the sorted values: 2 + 0.25 * (4 - 2),
    # (4 + 8) / 2 and 8 + 0.75 * (9 - 8)
    assert (figure.p25, figure.median, figure.p75) == (2.5, 6.0, 8.75)


def test_the_minimum_counts_organisations_not_organisation_years():
    # two organisations, three years each: six rows, but only two organisations
    peers = pd.DataFrame({"d1": [2.0, 2.2, 2.4, 3.0, 3.1, 3.3]})
    organisations = ["a", "a", "a", "b", "b", "b"]
    figure = peer_figures(peers, {"d1": 2.5}, organisations=organisations)["d1"]
    assert figure.suppressed and (figure.n, figure.organisations) == (6, 2) and figure.median is None
    # five organisations, one of them with two years: figures, over all six rows
    figure = peer_figures(peers, {}, organisations=["a", "a", "b", "c", "d", "e"])["d1"]
    assert not figure.suppressed and (figure.n, figure.organisations) == (6, 5)
    assert figure.median == pytest.approx(2.7)
    # an organisation without a score for a unit does not count for it
    gaps = pd.DataFrame({"d1": [2.0, 3.0, 3.5, 4.0, 4.5, np.nan], "d2": [1.0] * 6})
    figures = peer_figures(gaps, {}, organisations=["a", "b", "c", "d", "e", "f"], min_group=6)
    assert figures["d1"].suppressed and figures["d1"].organisations == 5 and not figures["d2"].suppressed


def test_group_statistics_count_organisations_like_the_single_group_figures():
    rng = np.random.default_rng(11)
    n = 400
    frame = pd.DataFrame({"type": rng.choice(["gemeente", "provincie"], n), "year": rng.choice([2025, 2026], n),
                          "organisation": rng.choice([f"org-{i}" for i in range(40)], n),
                          "d1": rng.uniform(1, 5, n), "d2": rng.uniform(1, 5, n)})
    frame.loc[rng.random(n) < 0.2, "d1"] = np.nan
    result = group_statistics(frame, ["type", "year"], min_group=36, organisation="organisation")
    suppressed = 0
    for key, group in frame.groupby(["type", "year"]):
        figures = peer_figures(group[["d1", "d2"]], {}, 36, organisations=group["organisation"].to_numpy())
        row = result.loc[key]
        for unit in ("d1", "d2"):
            assert row[("n", unit)] == figures[unit].n
            assert row[("organisations", unit)] == figures[unit].organisations < figures[unit].n
            suppressed += figures[unit].suppressed
            if figures[unit].suppressed:
                assert math.isnan(row[("median", unit)])
            else:  # the same numbers exactly, computed the same way
                assert (row[("median", unit)], row[("p25", unit)], row[("p75", unit)], row[("min", unit)],
                        row[("max", unit)]) == (figures[unit].median, figures[unit].p25, figures[unit].p75,
                                                 figures[unit].minimum, figures[unit].maximum)
    assert 0 < suppressed < 8  # both outcomes occur
