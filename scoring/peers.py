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
    n: int  # peer organisation-years with a score for this unit
    suppressed: bool  # fewer organisations than the minimum group size: no figures
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    own: float | None = None
    share_below: float | None = None  # share of peers that score lower than the organisation
    share_equal: float | None = None  # share of peers with exactly the same score
    organisations: int = 0  # distinct organisations among them: what the anonymity minimum counts


def peer_figures(peer_scores: pd.DataFrame, own_scores: dict[str, float | None],
                 min_group: int = DEFAULT_MIN_GROUP, organisations=None) -> dict[str, PeerFigure]:
    """Figures per unit. `peer_scores`: one row per peer organisation-year, one column per unit (the "score"
    block of `score_batch`); a peer without a score for a unit does not count for that unit. `organisations`:
    one key per row saying which organisation it belongs to (without it, every row counts as its own
    organisation). A unit shows figures only when at least `min_group` distinct organisations have a score
    for it: two organisations over three years are two, not six."""
    check_min_group(min_group)
    codes = n_keys = None
    if organisations is not None:  # each key as a small number, once: counting them per unit is then cheap
        codes, uniques = pd.factorize(np.asarray(organisations, dtype=object), use_na_sentinel=False)
        n_keys = len(uniques)
        if len(codes) != len(peer_scores):
            raise ValueError("one organisation key per peer row is needed")
    figures = {}
    for unit in peer_scores.columns:
        column = peer_scores[unit].to_numpy(dtype=float)
        present = ~np.isnan(column)
        everyone = bool(present.all())
        values = column if everyone else column[present]
        n = len(values)
        if codes is None:
            distinct = n
        elif everyone:
            distinct = n_keys
        else:
            distinct = int(np.count_nonzero(np.bincount(codes[present], minlength=n_keys)))
        if distinct < min_group:
            figures[unit] = PeerFigure(unit, n, True, organisations=distinct)
            continue
        p25, median, p75 = np.quantile(values, [0.25, 0.5, 0.75])
        own = own_scores.get(unit)
        below = equal = None
        if own is not None:
            below = float(np.count_nonzero(values < own - 1e-9)) / n
            equal = float(np.count_nonzero(np.abs(values - own) <= 1e-9)) / n
        figures[unit] = PeerFigure(unit, n, False, float(median), float(p25), float(p75), float(values.min()),
                                   float(values.max()), own, below, equal, organisations=distinct)
    return figures


def position(figure: PeerFigure) -> tuple[str, dict] | None:
    """The organisation's position in words, as (text key, parameters): the share of peers below it, and the
    share with the same score when there is one (a tie is neither higher nor lower). None without figures."""
    if figure.suppressed or figure.own is None:
        return None
    if figure.share_equal and round_share(figure.share_equal) > 0:
        return "bench.position_ties", {"below": figure.share_below, "equal": figure.share_equal}
    return "bench.position", {"below": figure.share_below}


_QUANTILES = {"min": 0.0, "p25": 0.25, "median": 0.5, "p75": 0.75, "max": 1.0}


def group_statistics(scores: pd.DataFrame, by: list[str], min_group: int = DEFAULT_MIN_GROUP,
                     organisation: str | None = None) -> pd.DataFrame:
    """Figures for many peer groups at once (for example per type, size class and year).

    `scores` has the group columns `by`, optionally a column `organisation` with the organisation's key, and
    one column per unit. The result has one row per group and columns (statistic, unit): n (organisation-
    years), organisations (distinct), median, p25, p75, min, max, the same figures as `peer_figures` gives
    for each group. Groups with fewer organisations than the minimum are kept, with NaN instead of figures.

    One sort puts every group's rows together (and within a group each organisation's rows), then each group
    block is sorted per unit and the quantiles are read at their positions, interpolated as numpy does.
    """
    check_min_group(min_group)
    units = [c for c in scores.columns if c not in by and c != organisation]
    grouped = scores.groupby(by, sort=True, observed=True)
    ids = grouped.ngroup().to_numpy()
    index = grouped.size().index
    if ids.dtype.kind == "f":  # rows with a missing group value belong to no group
        ids = np.where(np.isnan(ids), -1, ids)
    ids = ids.astype(np.int64)
    n_groups = len(index)
    if organisation is None:
        # small integers sort by radix sort: much faster than a general sort
        order = np.argsort(ids.astype(np.int16) if n_groups < 2 ** 15 else ids, kind="stable")
    else:
        orgs = pd.factorize(scores[organisation], use_na_sentinel=True)[0].astype(np.int64)
        missing = orgs < 0
        if missing.any():  # a row without an organisation counts as one of its own
            orgs[missing] = orgs.max() + 1 + np.arange(missing.sum())
        sort_key = ids * (orgs.max() + 1) + orgs  # by group, and within a group by organisation
        order = np.argsort(sort_key, kind="stable")
    order = order[ids[order] >= 0]
    group_of = ids[order]
    starts = np.searchsorted(group_of, np.arange(n_groups + 1))
    # one contiguous row per unit (the frame stores its columns that way; `take` copies only once)
    values = np.take(scores[units].to_numpy(dtype=float).T, order, axis=1)
    missing_scores = np.isnan(values)
    if missing_scores.any():
        present = ~missing_scores
        counts = np.add.reduceat(present, starts[:-1], axis=1, dtype=np.int64) if len(order) else \
            np.zeros((len(units), n_groups), dtype=np.int64)
    else:  # every peer has every score (the usual case): the group sizes
        present = None
        counts = np.broadcast_to(np.diff(starts), (len(units), n_groups)).astype(np.int64)
    if organisation is None:
        distinct = counts
    else:
        distinct = counts - _repeated_organisations(sort_key[order], present, starts, n_groups)
    for first, stop in zip(starts[:-1], starts[1:]):
        values[:, first:stop].sort(axis=1)  # NaN last
    figures = {}
    for name, q in _QUANTILES.items():
        virtual = (counts - 1) * q
        previous = np.floor(virtual)
        gamma = virtual - previous
        previous = np.clip(previous, 0, None).astype(np.int64)
        following = np.minimum(previous + 1, np.maximum(counts - 1, 0))
        above = virtual >= counts - 1
        previous[above] = np.maximum(counts - 1, 0)[above]
        a = np.take_along_axis(values, starts[:-1] + previous, axis=1)
        b = np.take_along_axis(values, starts[:-1] + following, axis=1)
        figures[name] = _lerp(a, b, gamma)
    too_small = distinct < min_group
    blocks = {"n": pd.DataFrame(counts.T, index=index, columns=units),
              "organisations": pd.DataFrame(distinct.T, index=index, columns=units)}
    for name in ("median", "p25", "p75", "min", "max"):
        block = np.where(too_small, np.nan, figures[name])  # too small a group: no figures
        blocks[name] = pd.DataFrame(block.T, index=index, columns=units)
    return pd.concat(blocks, axis=1)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Linear interpolation exactly as numpy's quantile computes it (so both give identical figures)."""
    difference = b - a
    result = a + difference * t
    np.subtract(b, difference * (1 - t), out=result, where=t >= 0.5)
    return result


def _repeated_organisations(keys: np.ndarray, present: np.ndarray | None, starts: np.ndarray,
                            n_groups: int) -> np.ndarray:
    """Per unit and group, how many rows with a score belong to an organisation already counted in that group
    (rows are sorted by group and organisation, so an organisation's rows in a group are adjacent). `present`:
    which rows have a score per unit, or None when all have. The result broadcasts over the units."""
    same_as_before = np.flatnonzero(keys[1:] == keys[:-1]) + 1
    if not len(same_as_before):
        return np.zeros((1, n_groups), dtype=np.int64)  # one row per organisation and group: nothing to subtract
    if present is None:
        present = np.ones((1, len(keys)), dtype=bool)  # every row has every score: the same for every unit
    repeated = np.zeros((present.shape[0], n_groups), dtype=np.int64)
    # only the runs of rows of one organisation within one group matter; within a run every row with a score
    # after the run's first row with a score is a repeat
    run_rows = np.unique(np.concatenate([same_as_before - 1, same_as_before]))
    run_keys = keys[run_rows]
    run_starts = np.flatnonzero(np.r_[True, run_keys[1:] != run_keys[:-1]])
    run_present = present[:, run_rows].astype(np.int64)
    with_score = np.add.reduceat(run_present, run_starts, axis=1)
    run_groups = np.searchsorted(starts, run_rows[run_starts], side="right") - 1
    extra = np.maximum(with_score - 1, 0)
    for unit in range(present.shape[0]):
        repeated[unit] = np.bincount(run_groups, weights=extra[unit], minlength=n_groups).astype(np.int64)
    return repeated
