"""Benchmark: the Excel export, as a ratio to writing the same cell values with bare openpyxl (no styles,
no chart, no validation), measured in the same run. Aim: at most 2x. No assertion; read the ratio.

    python tests/benchmarks/bench_workbook.py
"""

import sys
import tempfile
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from plan import service as plan  # noqa: E402
from assessment import service  # noqa: E402
from storage.db import Database  # noqa: E402
from report.service import gather_report  # noqa: E402
from exports.workbook import build_workbook  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from timing import best_of  # noqa: E402
from access import LOCAL_USER as ME  # noqa: E402


def main() -> None:
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite")
        org = service.create_organisation(db, actor=ME, name="Gemeente Benchmark", org_type="gemeente", size_class="inw-gt-250k")
        earlier = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2025", questionnaire=questionnaire)
        for i, question in enumerate(questionnaire.questions()):
            service.save_answer(db, actor=ME, assessment_id=earlier.id, question_id=question.id, value=1 + i % 5)
        later = service.start_from_previous(db, actor=ME, previous_id=earlier.id, period="2026", questionnaire=questionnaire,
                                            previous_questionnaire=questionnaire)
        for question in questionnaire.questions():
            service.save_comment(db, actor=ME, assessment_id=later.id, question_id=question.id,
                                 comment="Toelichting met bewijs: jaarverslag, p. 12, en gesprekken met het team. " * 2)
        plan.add_actions(db, actor=ME, assessment_id=later.id, questionnaire=questionnaire, actions=[
            dict(dimension_id=d.id, title=f"Actie {i} voor {d.id}", owner="Team", start_date=date(2026, 1, 1),
                 due_date=date(2026, 1, 1) + timedelta(days=30 * (i % 12)), kpi="Klagers voelen zich gehoord",
                 kpi_target="80%", description="Beschrijving van de actie in een paar zinnen. " * 3)
            for i, d in enumerate(questionnaire.dimensions() * 5)])
        report = gather_report(db, actor=ME, assessment_id=later.id,
                               lookup=lambda qid, version: questionnaire)
        db.dispose()

    produced = load_workbook(BytesIO(build_workbook(report)))
    sheets = [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in produced.worksheets]
    cells = sum(len(rows) * (len(rows[0]) if rows else 0) for _, rows in sheets)

    def floor():
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets:
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
        book.save(BytesIO())

    def ours():
        build_workbook(report)

    floor()
    ours()
    floor_time = best_of(5, floor)
    our_time = best_of(5, ours)
    print(f"excel export: {len(sheets)} sheets, about {cells:,} cells, {len(report.actions)} plan actions, best of 5")
    print(f"  floor (bare openpyxl, same values): {floor_time * 1000:7.1f} ms")
    print(f"  build_workbook: {our_time * 1000:7.1f} ms = {our_time / floor_time:.2f}x the floor (aim: at most 2x)")


if __name__ == "__main__":
    main()
