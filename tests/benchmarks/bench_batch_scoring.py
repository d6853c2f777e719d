"""Benchmark: batch scoring of 100,000 assessments of the full questionnaire.

Prints the time of `scoring.batch.score_batch` as a ratio to a floor measured in the same run: a plain
numpy weighted mean per dimension over the same array (levels only, no coverage, stages, competencies,
validation or DataFrame). Aim: at most 3x. No assertion: machines are noisy; read the ratio.

    python tests/benchmarks/bench_batch_scoring.py [n_assessments]
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from timing import best_of  # noqa: E402
from scoring.batch import score_batch  # noqa: E402


def main(n: int = 100_000) -> None:
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    question_ids = [q.id for q in questionnaire.questions()]
    rng = np.random.default_rng(2026)
    codes = rng.choice([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, np.nan], size=(n, len(question_ids)),
                       p=[0.05, 0.05, 0.1, 0.2, 0.25, 0.2, 0.1, 0.05])
    frame = pd.DataFrame(codes, columns=question_ids)

    weights = np.zeros((len(question_ids), len(questionnaire.dimensions())))
    qi = 0
    for di, dimension in enumerate(questionnaire.dimensions()):
        for question in dimension.questions:
            weights[qi, di] = question.weight
            qi += 1

    def floor():
        scored = codes >= 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(scored, codes, 0.0) @ weights) / (scored @ weights)

    print(f"batch scoring: {n:,} assessments x {len(question_ids)} questions, best of 5")
    floor()  # warm up
    floor_time = best_of(5, floor)
    print(f"  floor (plain numpy weighted mean per dimension): {floor_time * 1000:8.1f} ms")
    rules = [questionnaire.scoring.stage_rule] + [r for r in ("average", "gating")
                                                  if r != questionnaire.scoring.stage_rule]
    for rule in rules:
        variant = questionnaire.model_copy(
            update={"scoring": questionnaire.scoring.model_copy(update={"stage_rule": rule})})
        score_batch(variant, frame)  # warm up
        our_time = best_of(5, lambda: score_batch(variant, frame))
        shipped = " (the questionnaire's rule)" if rule == questionnaire.scoring.stage_rule else ""
        print(f"  score_batch, stage rule {rule}{shipped}: {our_time * 1000:8.1f} ms"
              f" = {our_time / floor_time:.2f}x the floor (aim: at most 3x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
