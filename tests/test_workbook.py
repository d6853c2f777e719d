"""The Excel workbook: opened again with openpyxl, checked cell by cell, and converted by LibreOffice."""

import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.chart import RadarChart

from assessment import plan, service
from assessment.report import gather_report
from exports.workbook import META_SHEET, build_workbook

INJECTIONS = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 123", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def report(db, zelfscan):
    org = service.create_organisation(db, name="Gemeente Excel & Co", org_type="gemeente", size_class="inw-50-100k")
    earlier = service.create_assessment(db, organisation_id=org.id, period="2025", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, assessment_id=earlier.id, question_id=question.id, value=2)
    service.finalise_assessment(db, assessment_id=earlier.id)
    later = service.start_from_previous(db, previous_id=earlier.id, period="2026", questionnaire=zelfscan,
                                        previous_questionnaire=zelfscan)
    for question in zelfscan.questions()[:12]:
        service.save_answer(db, assessment_id=later.id, question_id=question.id, value=4)
    service.save_answer(db, assessment_id=later.id, question_id="le-analyse-1", value="nvt")
    service.save_comment(db, assessment_id=later.id, question_id="ont-toegang-1", comment=INJECTIONS[0])
    plan.add_actions(db, assessment_id=later.id, questionnaire=zelfscan, actions=[
        dict(dimension_id="kg-terugkoppeling", title=title, owner="Team", start_date=date(2026, 1, 1),
             due_date=date(2026, 3, 1), kpi="Klagers voelen zich gehoord", kpi_target="80%")
        for title in INJECTIONS[1:]] + [dict(dimension_id="le-analyse", title="Klaar", status="done")])
    lookup = lambda qid, version: zelfscan if (qid, version) == (zelfscan.id, zelfscan.version) else None  # noqa: E731
    return gather_report(db, assessment_id=later.id, lookup=lookup, today=date(2026, 11, 22))


def open_book(data: bytes):
    return load_workbook(BytesIO(data))


def test_sheets_values_and_chart(report):
    book = open_book(build_workbook(report, "nl"))
    assert book.sheetnames == ["Samenvatting", "Verbeterplan", "Scores", "Antwoorden", "Jaarvergelijking",
                               "Verantwoording", META_SHEET]
    summary = book["Samenvatting"]
    assert summary["B3"].value == "Gemeente Excel & Co" and summary["B4"].value == "2026"
    assert summary["A9"].value == "Totaalscore" and summary["B9"].value == pytest.approx(round(report.result.score, 2))
    charts = summary._charts
    assert len(charts) == 1 and isinstance(charts[0], RadarChart) and len(charts[0].series) == 2
    scores = book["Scores"]
    assert [scores.cell(row=r, column=1).value for r in (2, 3, 4)] == ["Ontvankelijk", "Klantgevoelig", "Lerend"]
    dimension_rows = [r for r in range(5, 17)]
    assert [scores.cell(row=r, column=2).value for r in dimension_rows][0] == "Laagdrempelig en zichtbaar"
    assert scores["C5"].value == 4 and scores["F5"].value == 5  # score 4, default target stage + 1
    answers = book["Antwoorden"]
    assert answers["A2"].value == "ont-toegang-1" and answers["D2"].value == 4
    assert answers["F2"].value.startswith("Ook bij ketenpartners")
    nvt_row = next(r for r in range(2, 40) if answers.cell(row=r, column=1).value == "le-analyse-1")
    assert answers.cell(row=nvt_row, column=5).value == "Niet van toepassing"
    yoy = book["Jaarvergelijking"]
    assert yoy["B1"].value == "2025" and yoy["C1"].value == "2026" and yoy["A2"].value == "Ontvankelijk"
    assert yoy["D2"].value == pytest.approx(2.0)  # Ontvankelijk went from 2 to 4


def test_plan_sheet_is_a_filterable_table_with_a_status_drop_down(report):
    book = open_book(build_workbook(report, "nl"))
    sheet = book["Verbeterplan"]
    assert list(sheet.tables) == ["Verbeterplan"] and sheet.tables["Verbeterplan"].ref == "A1:J5"
    assert sheet.freeze_panes == "A2"
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"gepland,lopend,afgerond,vervallen"'
    assert "F2:F200" in str(validations[0].sqref)
    assert len(sheet.conditional_formatting) >= 2
    assert sheet["F5"].value == "afgerond" and sheet["D2"].value.date() == date(2026, 1, 1)


def test_user_text_never_becomes_a_formula(report):
    book = open_book(build_workbook(report, "nl"))
    plan_sheet, answers = book["Verbeterplan"], book["Antwoorden"]
    titles = [plan_sheet.cell(row=r, column=1) for r in range(2, 5)]
    assert [c.value for c in titles] == INJECTIONS[1:]
    assert all(c.data_type == "s" and c.quotePrefix for c in titles)
    comment = answers["G2"]
    assert comment.value == INJECTIONS[0] and comment.data_type == "s" and comment.quotePrefix


def test_the_write_helper_keeps_every_formula_start_as_text(tmp_path):
    from openpyxl import Workbook
    from exports.workbook import write
    book = Workbook()
    values = ["=1+1", "+1", "-1", "@A1", "\tTAB", "\rCR", "gewoon"]
    for row, value in enumerate(values, start=1):
        write(book.active, row, 1, value)
    book.save(tmp_path / "x.xlsx")
    cells = [load_workbook(tmp_path / "x.xlsx").active.cell(row=r, column=1) for r in range(1, 8)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in values]  # XML reads CR as LF
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False]


def test_print_settings_on_every_sheet(report):
    book = open_book(build_workbook(report, "en"))
    for sheet in book.worksheets:
        if sheet.title == META_SHEET:
            assert sheet.sheet_state == "hidden"
            continue
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddHeader.left.text == "Gemeente Excel && Co"
        assert sheet.oddFooter.right.text == "Page &P of &N"
    assert book["Improvement plan"].print_title_rows == "$1:$1"
    assert book.sheetnames[0] == "Summary"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_libreoffice_opens_and_prints_the_workbook(report, tmp_path):
    path = tmp_path / "klantbewust.xlsx"
    path.write_bytes(build_workbook(report, "nl"))
    done = subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "klantbewust.pdf"
    assert pdf.exists(), done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Gemeente Excel & Co" in text and "Laagdrempelig en zichtbaar" in text
    assert "=HYPERLINK" in text  # printed as the text it is
