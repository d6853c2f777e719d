"""Peer statistics: where an organisation stands among similar organisations.

Peer scores come from `scoring.batch.score_batch`, so they follow the same rules and coverage threshold
as the organisation's own scores. Per unit (dimension, competency, overall): n, median, P25, P75, min,
max (quantiles interpolate linearly between the two nearest scores, as numpy's default, pandas and Excel's
PERCENTILE.INC do), and the organisation's position: the share of peers it scores higher than, and, named
apart, the share with exactly the same score (ties never count as lower).

Anonymity: no figure is given for a group smaller than the minimum group size (default 5, never below 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from i18n import round_share

DEFAULT_MIN_GROUP = 5
LOWEST_MIN_GROUP = 3


def check_min_group(min_group: int) -> int:
    if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < LOWEST_MIN_GROUP:
        raise ValueError(f"the minimum group size is at least {LOWEST_MIN_GROUP}")
    return min_group


@dataclass(frozen=True)
class PeerFigure:
    unit_id: str
    n: int
    suppressed: bool  # fewer peers than the minimum group size: no figures
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    own: float | None = None
    share_below: float | None = None  # share of peers that score lower than the organisation
    share_equal: float | None = None


def peer_figures(peer_scores: pd.DataFrame, own_scores: dict[str, float | None],
                 min_group: int = DEFAULT_MIN_GROUP) -> dict[str, PeerFigure]:
    """Figures per unit. `peer_scores`: one row per peer organisation-year, one column per unit (the "score"
    block of `score_batch`); a peer without a score for a unit does not count for that unit."""
    check_min_group(min_group)
    figures = {}
    for unit in peer_scores.columns:
        values = peer_scores[unit].dropna().to_numpy(dtype=float)
        n = len(values)
        if n < min_group:
            figures[unit] = PeerFigure(unit, n, True)
            continue
        p25, median, p75 = np.quantile(values, [0.25, 0.5, 0.75])
        own = own_scores.get(unit)
        below = equal = None
        if own is not None:
            below = float(np.sum(values < own - 1e-9)) / n
            equal = float(np.sum(np.abs(values - own) <= 1e-9)) / n
        figures[unit] = PeerFigure(unit, n, False, float(median), float(p25), float(p75), float(values.min()),
                                   float(values.max()), own, below, equal)
    return figures


def position(figure: PeerFigure) -> tuple[str, dict] | None:
    """The organisation's position in words, as (text key, parameters): the share of peers below it, and the
    share with the same score when there is one (a tie is neither higher nor lower). None without figures."""
    if figure.suppressed or figure.own is None:
        return None
    if figure.share_equal and round_share(figure.share_equal) > 0:
        return "bench.position_ties", {"below": figure.share_below, "equal": figure.share_equal}
    return "bench.position", {"below": figure.share_below}


def group_statistics(scores: pd.DataFrame, by: list[str], min_group: int = DEFAULT_MIN_GROUP) -> pd.DataFrame:
    """Figures for many peer groups at once (for example per type, size class and year).

    `scores` has the group columns `by` and one column per unit. The result has one row per group and
    columns (statistic, unit); groups below the minimum size are kept, with NaN instead of figures.
    """
    check_min_group(min_group)
    units = [c for c in scores.columns if c not in by]
    grouped = scores.groupby(by, sort=True, observed=True)[units]
    # one pass for every order statistic: the 0 and 1 quantiles are the minimum and the maximum
    quantiles = grouped.quantile([0.0, 0.25, 0.5, 0.75, 1.0])  # index (group..., q)
    counts = grouped.count()
    too_small = (counts < min_group).to_numpy()
    blocks = {"n": counts}
    for name, q in (("median", 0.5), ("p25", 0.25), ("p75", 0.75), ("min", 0.0), ("max", 1.0)):
        block = quantiles.xs(q, level=-1)
        blocks[name] = block.mask(too_small)  # too small a group: no figures
    return pd.concat(blocks, axis=1)
