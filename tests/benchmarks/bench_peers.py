"""Benchmark: peer statistics for 100,000 peer organisation-years (25,000 organisations), grouped by type, size
class and year, counting distinct organisations for the anonymity minimum,
as a ratio to a plain pandas groupby().quantile() floor over the same data in the same run. Aim: at most 2x.

    python tests/benchmarks/bench_peers.py [n_rows]
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scoring.peers import group_statistics  # noqa: E402
from timing import best_of  # noqa: E402

UNITS = [f"d{i}" for i in range(12)] + ["c0", "c1", "c2", "overall"]


def main(n: int = 100_000) -> None:
    rng = np.random.default_rng(2026)
    frame = pd.DataFrame(rng.uniform(1, 5, size=(n, len(UNITS))), columns=UNITS)
    # organisations with four of the five years each; type and size class belong to the organisation
    organisation = np.arange(n) // 4
    n_organisations = organisation[-1] + 1
    types = rng.choice(["gemeente", "provincie", "waterschap", "uitvoeringsorganisatie"], n_organisations)
    sizes = rng.choice(["s1", "s2", "s3", "s4", "s5"], n_organisations)
    years = np.argsort(rng.random((n_organisations, 5)), axis=1)[:, :4].ravel()[:n] + 2022
    frame["org_type"], frame["size_class"], frame["year"] = types[organisation], sizes[organisation], years
    frame["organisation"] = [f"org-{i}" for i in organisation]
    frame = frame.sample(frac=1.0, random_state=1).reset_index(drop=True)
    by = ["org_type", "size_class", "year"]

    def floor():
        return frame.groupby(by)[UNITS].quantile()

    def ours():
        return group_statistics(frame, by, organisation="organisation")

    floor()
    ours()
    floor_time, our_time = best_of(5, floor), best_of(5, ours)
    print(f"peer statistics: {n:,} organisation-years, {len(UNITS)} units, "
          f"{frame.groupby(by).ngroups} groups, best of 5")
    print(f"  floor (pandas groupby().quantile(), the median only): {floor_time * 1000:7.1f} ms")
    print(f"  group_statistics (n, organisations, median, P25, P75, min, max, anonymity): {our_time * 1000:7.1f} ms"
          f" = {our_time / floor_time:.2f}x the floor (aim: at most 2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
