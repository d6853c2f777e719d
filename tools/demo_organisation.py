"""Fill a database with a fictitious organisation for demonstrations and screenshots: three years of the
zelfscan (2024 and 2025 final, 2026 draft), an improvement plan, and the fictitious demo peer set.

    KLANTBEWUST_DATABASE_URL=sqlite:////tmp/demo.sqlite python tools/demo_organisation.py
Prints the id of the 2026 assessment.
"""

import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment import peers, plan, service  # noqa: E402
from assessment.db import get_database  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from scoring.engine import score_assessment  # noqa: E402
from access import LOCAL_USER as ME  # noqa: E402


def main() -> None:
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    db = get_database()
    organisation = service.create_organisation(db, actor=ME, name="Gemeente Rivierdal (fictief)", org_type="gemeente",
                                               size_class="inw-50-100k")
    rng = random.Random(7)
    previous = None
    for year, shift in (("2024", 0.0), ("2025", 0.5), ("2026", 1.0)):
        if previous:
            assessment = service.start_from_previous(db, actor=ME, previous_id=previous.id, period=year,
                                                     questionnaire=questionnaire,
                                                     previous_questionnaire=questionnaire)
        else:
            assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period=year,
                                                   questionnaire=questionnaire)
        for question in questionnaire.questions():
            base = 2 + (1 if question.id.startswith("kg") else 0) - (1 if question.id.startswith("le-l") else 0)
            level = max(1, min(5, round(base + shift + rng.choice([-1, 0, 0, 1]) * 0.6)))
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=level)
        result = score_assessment(questionnaire, service.answer_values(
            service.get_answers(db, actor=ME, assessment_id=assessment.id)))
        suggestions = plan.suggest(questionnaire, result)[:4]
        ids = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=questionnaire,
                               actions=[plan.from_suggestion(s, "nl") for s in suggestions])
        for i, action_id in enumerate(ids):
            plan.update_action(db, actor=ME, assessment_id=assessment.id, action_id=action_id, questionnaire=questionnaire,
                               owner=["Team Klantcontact", "Directie", "Kwaliteit", "Team Sociaal Domein"][i],
                               start_date=date(int(year), 1 + i * 2, 1), due_date=date(int(year), 6 + i, 28),
                               status="done" if year != "2026" and i < 3 else ["in_progress", "planned"][i % 2])
        if year != "2026":
            service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
        previous = assessment
    peers.load_demo_set(db, actor=ME, organisation_id=organisation.id, questionnaire=questionnaire)
    print(previous.id)


if __name__ == "__main__":
    main()
