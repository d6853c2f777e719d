"""The fictitious demo benchmark set: a few hundred organisation-years with a realistic spread.

Deterministic for a given seed, so tests and screenshots can rely on it. It is labelled as fictitious
demo data wherever it appears. The numbers are invented; they only look like what the field reports
(organisations of a type and size differ a little; most improve slowly over the years).
"""

from __future__ import annotations

import numpy as np

from questionnaires.model import Questionnaire

from rules.input import SIZE_CLASSES

TYPES = {  # organisation type: (share of the set, mean level)
    "gemeente": (0.55, 2.6), "provincie": (0.12, 2.4), "waterschap": (0.13, 2.3),
    "uitvoeringsorganisatie": (0.15, 2.8), "anders": (0.05, 2.4),
}
YEARS = (2022, 2023, 2024, 2025, 2026)
ORGANISATIONS = 120


def generate_demo_records(questionnaire: Questionnaire, seed: int = 2026) -> list[dict]:
    rng = np.random.default_rng(seed)
    types = list(TYPES)
    shares = np.array([TYPES[t][0] for t in types])
    questions = questionnaire.questions()
    competency_of = {q.id: questionnaire.competency_of(d.id).id for d in questionnaire.dimensions()
                     for q in d.questions}
    competencies = [c.id for c in questionnaire.competencies]
    records = []
    for number in range(ORGANISATIONS):
        org_type = types[rng.choice(len(types), p=shares / shares.sum())]
        classes = SIZE_CLASSES["gemeente"] if org_type == "gemeente" else SIZE_CLASSES["other"]
        size_index = int(rng.integers(len(classes)))
        base = TYPES[org_type][1] + 0.1 * size_index + rng.normal(0, 0.45)
        competency_effect = dict(zip(competencies, rng.normal(0, 0.3, len(competencies))))
        first_year = int(rng.integers(0, 3))
        years = YEARS[first_year:first_year + int(rng.integers(1, 5))]
        for offset, year in enumerate(years):
            answers = {}
            for question in questions:
                level = base + competency_effect[competency_of[question.id]] + 0.15 * offset + rng.normal(0, 0.6)
                draw = rng.random()
                if draw < 0.03:
                    answers[question.id] = "nvt"
                elif draw < 0.07:
                    answers[question.id] = "weetniet"
                elif draw < 0.09:
                    continue  # not answered
                else:
                    answers[question.id] = int(np.clip(round(level), 1, 5))
            records.append({"organisation_key": f"demo-{number}", "org_type": org_type,
                            "size_class": classes[size_index], "year": year, "answers": answers})
    return records
