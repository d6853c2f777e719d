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
from conftest import ME, lookup_for
from exports.workbook import META_SHEET, build_workbook
from i18n import round_half_up

INJECTIONS = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 123", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def report(db, zelfscan):
    org = service.create_organisation(db, actor=ME, name="Gemeente Excel & Co", org_type="gemeente", size_class="inw-50-100k")
    earlier = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2025", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=ME, assessment_id=earlier.id, question_id=question.id, value=2)
    service.finalise_assessment(db, actor=ME, assessment_id=earlier.id)
    later = service.start_from_previous(db, actor=ME, previous_id=earlier.id, period="2026", questionnaire=zelfscan,
                                        previous_questionnaire=zelfscan)
    for question in zelfscan.questions()[:12]:
        service.save_answer(db, actor=ME, assessment_id=later.id, question_id=question.id, value=4)
    service.save_answer(db, actor=ME, assessment_id=later.id, question_id="le-analyse-1", value="nvt")
    service.save_comment(db, actor=ME, assessment_id=later.id, question_id="ont-toegang-1", comment=INJECTIONS[0])
    plan.add_actions(db, actor=ME, assessment_id=later.id, questionnaire=zelfscan, actions=[
        dict(dimension_id="kg-terugkoppeling", title=title, owner="Team", start_date=date(2026, 1, 1),
             due_date=date(2026, 3, 1), kpi="Klagers voelen zich gehoord", kpi_target="80%")
        for title in INJECTIONS[1:]] + [dict(dimension_id="le-analyse", title="Klaar", status="done")])
    return gather_report(db, actor=ME, assessment_id=later.id, lookup=lookup_for(zelfscan), today=date(2026, 11, 22))


def open_book(data: bytes):
    return load_workbook(BytesIO(data))


def test_sheets_values_and_chart(report):
    book = open_book(build_workbook(report, "nl"))
    assert book.sheetnames == ["Samenvatting", "Verbeterplan", "Scores", "Antwoorden", "Jaarvergelijking",
                               "Verantwoording", META_SHEET]
    summary = book["Samenvatting"]
    assert summary["B3"].value == "Gemeente Excel & Co" and summary["B4"].value == "2026"
    assert summary["A9"].value == "Totaalscore" and summary["B9"].value == round_half_up(report.result.score, 1)
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
    assert list(sheet.tables) == ["Verbeterplan"] and sheet.tables["Verbeterplan"].ref == "A1:K5"
    assert sheet.freeze_panes == "A2"
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"gepland,lopend,afgerond,vervallen"'
    assert "F2:F200" in str(validations[0].sqref)
    assert len(sheet.conditional_formatting) >= 2
    assert sheet["F5"].value == "afgerond" and sheet["D2"].value.date() == date(2026, 1, 1)
    # each action carries its number in the app, so an import knows which action a row is
    assert sheet["K1"].value == "Nr. in de app"
    assert [sheet.cell(row=r, column=11).value for r in range(2, 6)] == [a.id for a in report.actions]
    assert sheet["A2"].number_format == "@" and sheet["I2"].number_format == "@"  # typed text stays text


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


# --- round trip ---------------------------------------------------------------------------------------

def snapshot(db, assessment_id):
    answers = {q: (a.value, a.comment) for q, a in service.get_answers(db, actor=ME, assessment_id=assessment_id).items()}
    actions = [{k: v for k, v in vars(a).items() if k != "id"}
               for a in plan.list_actions(db, actor=ME, assessment_id=assessment_id)]
    return answers, service.get_targets(db, actor=ME, assessment_id=assessment_id), actions


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_round_trip_into_a_fresh_database(report, db, zelfscan, tmp_path, lang):
    from assessment.db import Database
    from assessment.importing import apply_workbook, preview_workbook
    from exports.workbook_import import read_workbook
    service.set_target(db, actor=ME, assessment_id=report.assessment.id, dimension_id="le-sturing", level=4)
    report = gather_report(db, actor=ME, assessment_id=report.assessment.id, lookup=lookup_for(zelfscan))
    data = build_workbook(report, lang)
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    workbook = read_workbook(data, lookup_for(zelfscan))
    preview = preview_workbook(fresh, workbook, actor=ME)
    assert preview.new_assessment and preview.counts()["actions_added"] == 4
    apply_workbook(fresh, workbook, actor=ME, confirmed=preview)
    imported = service.get_assessment(fresh, report.assessment.id, actor=ME)
    assert imported.id == report.assessment.id and imported.period == "2026"
    assert imported.organisation_name == "Gemeente Excel & Co"
    original, copy = snapshot(db, report.assessment.id), snapshot(fresh, imported.id)
    assert copy[0] == original[0]  # answers and comments, the formula-like comment included
    assert copy[1] == original[1] == {"le-sturing": 4}  # only the target that was set, not the defaults
    assert copy[2] == original[2]  # the plan, field by field
    # importing the same file again finds the same assessment and nothing to change
    again = preview_workbook(fresh, read_workbook(data, lookup_for(zelfscan)), actor=ME)
    assert not again.new_assessment and again.differences == ()
    assert snapshot(fresh, imported.id) == copy
    fresh.dispose()


def tampered(data: bytes, change) -> bytes:
    book = load_workbook(BytesIO(data))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_files_are_refused_with_every_problem_and_change_nothing(report, db, zelfscan):
    from assessment.importing import ImportRefused, apply_workbook
    from exports.workbook_import import WorkbookImportError, read_workbook
    lookup = lookup_for(zelfscan)
    good = build_workbook(report, "nl")
    before = snapshot(db, report.assessment.id)

    def problems(data):
        with pytest.raises(WorkbookImportError) as caught:
            read_workbook(data, lookup)
        return [(p.code, p.sheet, p.row, p.column) for p in caught.value.problems]

    assert problems(b"Dit is geen Excel-bestand") == [("not_xlsx", "", None, "")]
    from openpyxl import Workbook
    foreign = BytesIO()
    Workbook().save(foreign)
    assert problems(foreign.getvalue()) == [("foreign_file", "", None, "")]
    assert problems(b"x" * (11 * 1024 * 1024)) == [("too_large", "", None, "")]

    def break_things(book):
        book["Antwoorden"]["D2"] = 9
        book["Antwoorden"]["A3"] = "bestaat-niet"
        book["Verbeterplan"]["F2"] = "bijna klaar"
        book["Verbeterplan"]["E3"] = "volgende week"
        book["Scores"]["F6"] = 8
    assert problems(tampered(good, break_things)) == [
        ("invalid_level", "Antwoorden", 2, "D"), ("unknown_question", "Antwoorden", 3, "A"),
        ("invalid_target", "Scores", 6, "F"),
        ("unknown_status", "Verbeterplan", 2, "F"), ("invalid_date", "Verbeterplan", 3, "E")]

    def other_questionnaire(book):
        book[META_SHEET]["B4"] = "9.9"
    assert problems(tampered(good, other_questionnaire))[0][0] == "unknown_questionnaire"
    assert snapshot(db, report.assessment.id) == before  # nothing was written by any of these

    # a final assessment is not changed by a workbook
    from assessment.importing import preview_workbook
    workbook = read_workbook(good, lookup)
    preview = preview_workbook(db, workbook, actor=ME)
    service.finalise_assessment(db, actor=ME, assessment_id=report.assessment.id)
    for attempt in (lambda: preview_workbook(db, workbook, actor=ME),
                    lambda: apply_workbook(db, workbook, actor=ME, confirmed=preview)):
        with pytest.raises(ImportRefused) as refused:
            attempt()
        assert refused.value.code == "assessment_final"
    assert snapshot(db, report.assessment.id) == before


def test_every_import_problem_has_a_message(report, zelfscan):
    from i18n import has
    codes = ["not_xlsx", "macro_file", "foreign_file", "old_format", "too_large", "too_large_unpacked", "too_many_rows",
             "too_many_cells", "unexpected_header", "formula", "error_value", "unknown_questionnaire", "missing_sheet",
             "unknown_question", "duplicate_question", "duplicate_dimension", "invalid_level", "unknown_dimension",
             "invalid_target", "unknown_status", "invalid_date", "unknown_action_number", "duplicate_action_number",
             "organisation_incomplete", "period_taken", "assessment_final", "questionnaire_mismatch",
             "changed_since_preview", "choice_missing", "where", "where_sheet"]
    assert [c for c in codes if not has(f"import.{c}")] == []
    # a value the app refuses ("input_error") is named by the app's own message for that field and rule
    for code in ("required", "too_long", "control_characters", "invalid_gain", "due_before_start"):
        assert has(f"error.{code}")
    for name in ("comment", "title", "owner", "kpi", "kpi_target", "description", "expected_gain", "due_date"):
        assert has(f"field.{name}")
    # the summary's words for every kind of difference, and for what was written
    from assessment.importing import ImportPreview
    from datetime import datetime, timezone
    empty = ImportPreview("x", "2026", "", False, datetime.now(timezone.utc), (), ())
    assert [k for k in empty.counts() if not has(f"import.count_{k}")] == []
    written = ("answers", "targets", "actions_added", "actions_changed", "actions_removed")
    assert [k for k in written if not has(f"import.written_{k}")] == []


def test_benchmark_sheet_and_peer_median_when_peer_data_exist(report, db, zelfscan):
    from assessment import peers
    peers.load_demo_set(db, actor=ME, organisation_id=report.organisation.id, questionnaire=zelfscan, seed=7)
    group = peers.PeerGroup("gemeente", tuple(service.SIZE_CLASSES["gemeente"]), (2022, 2023, 2024, 2025, 2026))
    with_peers = gather_report(db, actor=ME, assessment_id=report.assessment.id, lookup=lookup_for(zelfscan),
                               today=date(2026, 11, 22), peer_group=group)
    assert with_peers.peers is not None and with_peers.peers.n_demo == with_peers.peers.n_peers
    book = open_book(build_workbook(with_peers, "nl"))
    assert "Benchmark" in book.sheetnames
    bench = book["Benchmark"]
    assert bench["A2"].value == "Totaalscore" and bench["C2"].value == round_half_up(
        with_peers.peers.figures["overall"].median, 1)
    assert bench["H2"].value.startswith("U scoort hoger dan ") and "gemeenten" in bench["H2"].value
    assert bench["F2"].value == with_peers.peers.n_peers and bench["G2"].value == with_peers.peers.n_organisations
    texts = [c.value for row in bench.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("fictieve demo-gegevens" in v for v in texts)
    assert len(book["Samenvatting"]._charts[0].series) == 3  # own, target, peer median
    assert book["Scores"]["H1"].value == "Mediaan"
    method = [c.value for row in book["Verantwoording"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Cijfers alleen bij minstens 5 verschillende organisaties" in v for v in method)
    assert "Mediaan en kwartielen" in method and any("PERCENTIEL.INC" in v and "lineaire interpolatie" in v
                                                     for v in method)
    assert "Positie" in method and any("Een gelijke score telt dus niet als lager." in v for v in method)
    assert book["Scores"]["L1"].value == "Even hoog als (aandeel)"
    # without peer data in the group: no Benchmark sheet, and the method says so
    alone = gather_report(db, actor=ME, assessment_id=report.assessment.id, lookup=lookup_for(zelfscan),
                          peer_group=peers.PeerGroup("provincie", ("fte-lt-250",), (2026,)))
    assert alone.peers is None and "Benchmark" not in open_book(build_workbook(alone, "nl")).sheetnames
