"""Benchmark: comparing with 20,000 peer organisation-years (the Benchmark page and the workbook export).

Builds a SQLite database (and, when test.sh runs a PostgreSQL server, a PostgreSQL one) through the project's
migrations with 5,000 organisations that share their final assessments of four years (bulk insert, with the
scores the app stores when an assessment is finalised), then prints the time of `peers.service.compare_with_peers`
for the widest group (every size class, five years) as a ratio to a floor measured in the same run: one plain SQL
query that reads the same stored scores of the same peers, and pandas' quantiles (P25, median, P75) over them.
Timed twice: reading the peers (the first comparison, or the first after the peer data changed; the rows kept
in memory are forgotten before each run) and with the rows kept (a page drawn again: only the peer data stamp is
read). Also `default_group`, which reads the widest group to choose the group a page opens with. Aim: at most
2x. No assertion; read the ratios.

    python tests/benchmarks/bench_peer_comparison.py [organisations]
"""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from access import LOCAL_USER as ME  # noqa: E402
from peers import service as peers  # noqa: E402
from peers import scores  # noqa: E402
from assessment import service  # noqa: E402
from storage.db import Database  # noqa: E402
from bulk import add_organisations  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from timing import best_of, on_each_engine  # noqa: E402

YEARS = (2023, 2024, 2025, 2026)
FLOOR_SQL = text("""
SELECT s.scores FROM assessment_scores s
JOIN assessments a ON a.id = s.assessment_id JOIN organisations o ON o.id = a.organisation_id
WHERE o.share_anonymously AND a.status = 'final' AND a.questionnaire_id = :questionnaire
  AND a.questionnaire_version = :version AND o.org_type = 'gemeente' AND a.year BETWEEN :first AND :last
  AND o.id != :own
""")


def main(organisations: int = 5_000) -> None:
    on_each_engine(measure, "peers", organisations)


def measure(url: str, engine_name: str, organisations: int) -> None:
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    units = scores.unit_ids(questionnaire)
    db = Database(url)
    own = service.create_organisation(db, actor=ME, name="Eigen gemeente", org_type="gemeente",
                                      size_class="inw-50-100k")
    start = time.perf_counter()
    counts = add_organisations(db, questionnaire, organisations, years=YEARS, final_years=YEARS,
                               org_types={"gemeente": 1.0}, share=1.0, extras=False)
    built = time.perf_counter() - start
    own_scores = dict(zip(units, [3.0] * len(units)))
    widest = peers.PeerGroup("gemeente", service.SIZE_CLASSES["gemeente"], tuple(range(2022, 2027)))

    def ours():
        return peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=questionnaire,
                                        own_scores=own_scores, group=widest)

    def ours_reading():
        peers.forget_kept_peers()
        return ours()

    def opening_group():
        peers.forget_kept_peers()
        return peers.default_group(db, actor=ME, organisation_id=own.id, questionnaire=questionnaire,
                                   org_type="gemeente", size_class="inw-50-100k", year=2026)

    def floor():
        with db.read_engine.connect() as connection:
            stored = [row[0] for row in connection.execute(FLOOR_SQL, dict(
                questionnaire=questionnaire.id, version=questionnaire.version, first=2022, last=2026,
                own=own.id))]
        matrix = np.frombuffer(b"".join(stored), dtype="<f8").reshape(len(stored), len(units))
        return pd.DataFrame(matrix, columns=units).quantile([0.25, 0.5, 0.75])

    comparison, _ = ours(), floor()  # warm up both
    floor_time, our_time, group_time = best_of(7, floor), best_of(7, ours_reading), best_of(7, opening_group)
    ours()
    kept_time = best_of(7, ours)
    print(f"peer comparison on {engine_name}: {comparison.n_peers:,} peer organisation-years of "
          f"{comparison.n_organisations:,} organisations ({counts['answers']:,} answers; database built in "
          f"{built:.0f} s), best of 7")
    print(f"  floor (one plain query of the stored scores, pandas quantiles): {floor_time * 1000:7.1f} ms")
    print(f"  compare_with_peers (widest group, reading the peers): {our_time * 1000:7.1f} ms = {our_time / floor_time:.2f}x the floor"
          f" (aim: at most 2x)")
    print(f"  compare_with_peers again, peer data unchanged (rows kept): {kept_time * 1000:7.1f} ms = "
          f"{kept_time / floor_time:.2f}x the floor")
    print(f"  default_group (reads the widest group): {group_time * 1000:7.1f} ms = "
          f"{group_time / floor_time:.2f}x the floor")
    db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
