"""Fill a database with a fictitious organisation for demonstrations and screenshots: three years of the
zelfscan (2024 and 2025 final, 2026 draft), an improvement plan, the fictitious demo peer set, and a KPI
register with quarterly values from 2024 on (one plan action follows a KPI).

    KLANTBEWUST_DATABASE_URL=sqlite:////tmp/demo.sqlite python tools/demo_organisation.py
Prints the id of the 2026 assessment.
"""

import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peers import service as peers  # noqa: E402
from plan import service as plan  # noqa: E402
from assessment import service  # noqa: E402
from storage.db import get_database  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from scoring.engine import score_assessment  # noqa: E402
from access import LOCAL_USER as ME  # noqa: E402
from kpi import service as kpis  # noqa: E402
from indicators.library import load_library  # noqa: E402


def main() -> None:
    print(build(get_database()))


def build(db, name: str = "Gemeente Rivierdal (fictief)") -> str:
    """The organisation, its three years, plan, demo peers and KPI register; returns the 2026 assessment's id."""
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    organisation = service.create_organisation(db, actor=ME, name=name, org_type="gemeente", size_class="inw-50-100k")
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
            service.finalise_assessment(db, actor=ME, assessment_id=assessment.id, questionnaire=questionnaire)
        previous = assessment
    peers.load_demo_set(db, actor=ME, organisation_id=organisation.id, questionnaire=questionnaire)
    add_kpis(db, organisation.id, previous.id, questionnaire, rng)
    return previous.id


def add_kpis(db, organisation_id: int, assessment_id: str, questionnaire, rng: random.Random) -> None:
    """A register of library KPIs with values per quarter up to the last finished quarter, and targets."""
    library = load_library()
    codes = ["klagers-gehoord", "persoonlijk-contact-2-werkdagen", "signalen-per-1000-contacten",
             "herhaalde-oorzaak", "u-zei-wij-deden", "aantal-klachten", "doorlooptijd", "binnen-wettelijke-termijn"]
    entries = dict(zip(codes, kpis.add_library_kpis(db, actor=ME, organisation_id=organisation_id, library=library,
                                                    kpi_ids=codes)))
    today = date.today()
    quarters = [(year, q) for year in range(2024, today.year + 1) for q in range(1, 5)
                if date(year, q * 3, 28) < today]
    for step, (year, quarter) in enumerate(quarters):
        period = f"{year}-Q{quarter}"
        answered = rng.randint(60, 90)
        complaints = rng.randint(110, 150)
        values = {
            "klagers-gehoord": dict(numerator=round(answered * min(0.8, 0.38 + 0.025 * step)), denominator=answered),
            "persoonlijk-contact-2-werkdagen": dict(numerator=round(complaints * min(0.9, 0.45 + 0.03 * step)),
                                                    denominator=complaints),
            "signalen-per-1000-contacten": dict(numerator=complaints + 20 * step,
                                                denominator=rng.randint(38_000, 42_000)),
            "herhaalde-oorzaak": dict(numerator=round(complaints * max(0.12, 0.3 - 0.012 * step)),
                                      denominator=complaints),
            "u-zei-wij-deden": dict(value=min(12, 1 + step // 2)),
            "aantal-klachten": dict(value=complaints),
            "doorlooptijd": dict(numerator=complaints * rng.randint(17, 24) - 20 * step, denominator=complaints),
            "binnen-wettelijke-termijn": dict(numerator=complaints - rng.randint(4, 15), denominator=complaints),
        }
        for code, numbers in values.items():
            kpis.save_value(db, actor=ME, entry_id=entries[code], library=library, period=period, **numbers)
    for code, target in (("klagers-gehoord", 70), ("persoonlijk-contact-2-werkdagen", 80),
                         ("herhaalde-oorzaak", 15), ("doorlooptijd", 14), ("binnen-wettelijke-termijn", 100),
                         ("u-zei-wij-deden", 8)):
        kpis.set_target(db, actor=ME, entry_id=entries[code], library=library, target=target)
    plan.add_actions(db, actor=ME, assessment_id=assessment_id, questionnaire=questionnaire, actions=[dict(
        dimension_id="kg-terugkoppeling", title="Elke klager binnen 2 werkdagen bellen", owner="Team Klantcontact",
        start_date=date(today.year, 4, 1), due_date=date(today.year, 12, 31), status="in_progress",
        kpi="Klagers voelen zich gehoord", kpi_target="70%", kpi_entry_id=entries["klagers-gehoord"])])


if __name__ == "__main__":
    main()
