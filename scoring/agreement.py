"""How much a group agrees: statistics of the votes on one question (levels 1-5).

Agreement is van der Eijk's A (2001), made for ordered rating scales: +1 when everyone chooses the same
level, 0 when the votes are spread evenly over all levels, -1 when the group is split between the two
extremes. The distribution is cut into layers of equal height; each layer's pattern (which levels
occur) gets A = U x (1 - (S - 1) / (K - 1)), with S the number of levels present, K the number of levels,
and U the unimodality of the pattern, from its triples of levels: "1 1 0" and "0 1 1" count as
unimodal (TU), "1 0 1" as bimodal (TDU), and U = ((K-2)TU - (K-1)TDU) / ((K-2)(TU+TDU)), or 1 when
there is no such triple. A is the mean of the layers' A, weighted by the votes in each layer.

n.v.t. and weet niet are counted, but they are not levels, so they do not enter the distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

LEVELS = (1, 2, 3, 4, 5)
HIGH_DISAGREEMENT = 0.3  # A below this: a point for discussion
HIGH_AGREEMENT = 0.6  # A from this on: the group largely agrees


def agreement_band(agreement: float | None) -> str | None:
    """The agreement in words a room can read: "high", "fair" or "split" (discuss first); None without votes
    on a level."""
    if agreement is None:
        return None
    if agreement >= HIGH_AGREEMENT:
        return "high"
    return "fair" if agreement >= HIGH_DISAGREEMENT else "split"


def _pattern_agreement(pattern: tuple[int, ...]) -> float:
    k = len(pattern)
    present = sum(pattern)
    unimodal = bimodal = 0
    for i, j, m in combinations(range(k), 3):
        triple = (pattern[i], pattern[j], pattern[m])
        if triple in ((1, 1, 0), (0, 1, 1)):
            unimodal += 1
        elif triple == (1, 0, 1):
            bimodal += 1
    if unimodal + bimodal == 0:
        u = 1.0
    else:
        u = ((k - 2) * unimodal - (k - 1) * bimodal) / ((k - 2) * (unimodal + bimodal))
    return u * (1 - (present - 1) / (k - 1))


def agreement(counts: list[int] | tuple[int, ...]) -> float | None:
    """van der Eijk's A for the number of votes per level (in order); None without votes."""
    frequencies = np.array(counts, dtype=float)
    total = frequencies.sum()
    if total == 0:
        return None
    result = 0.0
    while frequencies.sum() > 0:
        present = frequencies > 0
        height = frequencies[present].min()
        weight = height * present.sum() / total
        result += weight * _pattern_agreement(tuple(int(p) for p in present))
        frequencies[present] -= height
    return result


@dataclass(frozen=True)
class VoteSummary:
    counts: dict[object, int]  # level 1-5, "nvt", "weetniet" -> votes
    voted: int
    median: float | None
    p25: float | None
    p75: float | None
    agreement: float | None

    @property
    def iqr(self) -> float | None:
        return None if self.p25 is None else self.p75 - self.p25

    @property
    def discuss(self) -> bool:
        """High disagreement: worth talking about before agreeing on a level."""
        return self.agreement is not None and self.agreement < HIGH_DISAGREEMENT


def summarise(votes: list[object]) -> VoteSummary:
    counts = {value: 0 for value in (*LEVELS, "nvt", "weetniet")}
    for vote in votes:
        counts[vote] += 1
    levels = np.array([v for v in votes if v in LEVELS], dtype=float)
    if len(levels):
        p25, median, p75 = (float(x) for x in np.quantile(levels, [0.25, 0.5, 0.75]))
    else:
        p25 = median = p75 = None
    return VoteSummary(counts, len(votes), median, p25, p75, agreement([counts[level] for level in LEVELS]))
