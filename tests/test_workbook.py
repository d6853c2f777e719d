"""The Excel workbook: opened again with openpyxl, checked cell by cell, and converted by LibreOffice."""

import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.chart import RadarChart

from plan import service as plan
from assessment import service
from report.service import gather_report
from conftest import ME, built_once, libreoffice, lookup_for
from exports.workbook import META_SHEET, build_workbook
from i18n import round_half_up

INJECTIONS = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 123", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def report(db, zelfscan):
    """Last year's final scan and this year's draft started from it, with answers, a comment and plan actions
    whose texts try to be formulas (written once per test process and engine, copied for each test:
    `conftest.built_once`), gathered for the workbook."""
    later = built_once(db, "workbook.report", lambda db: _two_years(db, zelfscan))
    return gather_report(db, actor=ME, assessment_id=later.id, lookup=lookup_for(zelfscan), today=date(2026, 11, 22))


def _two_years(db, zelfscan):
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
    return later


def open_book(data: bytes):
    return load_workbook(BytesIO(data))


def test_sheets_values_and_chart(report):
    book = open_book(build_workbook(report, "nl"))
    assert book.sheetnames == ["Samenvatting", "Verbeterplan", "Scores", "Antwoorden", "Jaarvergelijking",
                               "Verantwoording", META_SHEET]
    summary = book["Samenvatting"]
    assert summary["B3"].value == "Gemeente Excel & Co" and summary["B4"].value == "2026"
    overall = next(r for r in range(1, 60) if summary.cell(row=r, column=1).value == "Totaalscore")
    assert summary.cell(row=overall, column=2).value == round_half_up(report.result.score, 1)
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
    assert yoy["B1"].value == "2025" and yoy["C1"].value == "2026" and yoy["A2"].value == "Totaalscore"
    assert yoy["A3"].value == "Ontvankelijk" and yoy["D3"].value == pytest.approx(2.0)  # Ontvankelijk went from 2 to 4
    # the overall too, its change the difference of the figures shown beside it
    assert yoy["D2"].value == round_half_up(yoy["C2"].value - yoy["B2"].value, 1)


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
    done = libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
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
    from storage.db import Database
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
    from peers import service as peers
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


# --- the KPI sheet ---------------------------------------------------------------------------------------------

@pytest.fixture
def kpi_report(db, zelfscan, report):
    """The report's organisation with KPIs in its register: two years of values, quarters added up."""
    from kpi import service as kpis
    from indicators.library import DEFAULT_FILE, load_library
    library = load_library(DEFAULT_FILE)
    today = date(2026, 11, 22)
    codes = ["aantal-klachten", "doorlooptijd", "klagers-gehoord", "herhaalde-oorzaak"]
    entries = dict(zip(codes, kpis.add_library_kpis(db, actor=ME, organisation_id=report.organisation.id,
                                                    library=library, kpi_ids=codes)))

    def save(code, period, **numbers):
        kpis.save_value(db, actor=ME, entry_id=entries[code], library=library, period=period, today=today, **numbers)
    save("klagers-gehoord", "2025", numerator=35, denominator=100)
    save("klagers-gehoord", "2026-Q1", numerator=30, denominator=50)
    save("klagers-gehoord", "2026-Q2", numerator=45, denominator=60)  # 2026: 75 of 110 = 68%
    save("herhaalde-oorzaak", "2025", numerator=1, denominator=8)  # 12.5% -> 13%
    save("aantal-klachten", "2025", value=240)
    save("aantal-klachten", "2026-Q1", value=70)
    save("doorlooptijd", "2026-Q1", numerator=400, denominator=25)  # 16 days
    kpis.set_target(db, actor=ME, entry_id=entries["klagers-gehoord"], library=library, target=60)
    kpis.set_target(db, actor=ME, entry_id=entries["doorlooptijd"], library=library, target=14)
    return gather_report(db, actor=ME, assessment_id=report.assessment.id, lookup=lookup_for(zelfscan),
                         today=date(2026, 11, 22), kpi_library=library)


def test_kpi_sheet_with_values_targets_direction_and_a_line_chart_per_competency(kpi_report):
    from openpyxl.chart import LineChart
    book = open_book(build_workbook(kpi_report, "nl"))
    assert book.sheetnames[:5] == ["Samenvatting", "Verbeterplan", "Scores", "KPI's", "Antwoorden"]
    sheet = book["KPI's"]
    header = [sheet.cell(row=1, column=c).value for c in range(1, 10)]
    # 2026 is still running on the day of the export: marked, and the note says why
    assert header == ["KPI", "Soort", "Vaardigheid", "Eenheid", "Richting", "Doel", "2025", "2026*", "Doel in 2026"]
    table = [[sheet.cell(row=r, column=c).value for c in range(1, 10)] for r in range(2, 8)]
    # every percentage has the cases behind each yearly figure in the row under it (the figures stay numbers)
    heard, heard_cases, repeat, repeat_cases, complaints, lead_time = table
    assert heard_cases == ["gebaseerd op", None, None, None, None, None, "100 klagers", "110 klagers", None]
    assert repeat_cases[6:8] == ["8 klachten (onzeker: minder dan 10)", None]  # fewer than 10: uncertain
    rows = [heard, repeat, complaints, lead_time]
    # people-centred first (and in bold), then the traditional ones
    assert [r[0] for r in rows] == ["Klagers die zich gehoord voelen", "Klachten met een bekende oorzaak",
                                    "Aantal klachten", "Gemiddelde doorlooptijd van klachten"]
    assert [r[1] for r in rows] == ["Mensgericht", "Mensgericht", "Traditioneel", "Traditioneel"]
    assert sheet["A2"].font.b and not sheet["A6"].font.b
    assert rows[0][2:] == ["Klantgevoelig", "Percentage", "Hoger is beter", 0.6, 0.35, 0.68, "gehaald"]
    assert sheet["G2"].number_format == "0%" and sheet["H2"].number_format == "0%"
    assert rows[1][4:8] == ["Lager is beter", None, 0.13, None]  # 1 of 8 = 12.5% -> 13%, halves up
    # the number of complaints is context: no target, no verdict
    assert rows[2][2:9] == ["Ontvankelijk", "Aantal", "Context: hoger is niet beter of slechter", None, 240, 70, None]
    assert rows[3][5:9] == [14, None, 16, "nog niet gehaald"]
    charts = sheet._charts
    assert len(charts) == 3 and all(isinstance(c, LineChart) for c in charts)  # one per competency
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert titles == ["Ontvankelijk: KPI's per jaar", "Klantgevoelig: KPI's per jaar", "Lerend: KPI's per jaar"]
    klantgevoelig = charts[1]
    # percentages on the left axis, days on a second axis on the right
    assert [s.tx.v for s in klantgevoelig.series] == ["Klagers die zich gehoord voelen"]
    assert [s.tx.v for c in klantgevoelig._charts[1:] for s in c.series] == ["Gemiddelde doorlooptijd van klachten"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Alle metingen" in texts and "2026-Q2" in texts
    measured = [[c.value for c in row] for row in sheet.iter_rows() if row[1].value == "2026-Q2"]
    assert measured == [["Klagers die zich gehoord voelen", "2026-Q2", 45, 60, 0.75, "60 klagers"]
                        + [None] * (len(measured[0]) - 6)]
    every = [[c.value for c in row][:6] for row in sheet.iter_rows() if row[1].value == "2025"]
    assert ["Klachten met een bekende oorzaak", "2025", 1, 8, 0.13, "8 klachten (onzeker: minder dan 10)"] in every
    assert ["Aantal klachten", "2025", None, None, 240, None] in every  # a count has no cases beside it
    english = open_book(build_workbook(kpi_report, "en"))["KPIs"]
    assert english["A2"].value == "Complainants who felt heard" and english["E2"].value == "Higher is better"
    assert (english["A3"].value, english["H3"].value) == ("based on", "110 complainants")
    assert english["E6"].value == "Context: higher is not better or worse"
    method = [c.value for row in book["Verantwoording"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("niet het gemiddelde van de percentages" in v for v in method)


def test_without_kpis_there_is_no_kpi_sheet(report):
    assert "KPI's" not in open_book(build_workbook(report, "nl")).sheetnames


def _pixels_near(ppm: bytes, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels of a binary PPM (P6) image are close to `colour`."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6" and parts[3] == b"255"
    width, height, data = int(parts[1]), int(parts[2]), parts[4]
    count = 0
    for i in range(0, width * height * 3, 3):
        if all(abs(data[i + k] - colour[k]) <= tolerance for k in range(3)):
            count += 1
    return count


@pytest.mark.skipif(shutil.which("libreoffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice and poppler-utils not installed (.ci/run installs them)")
def test_libreoffice_renders_the_kpi_sheet_with_its_charts(kpi_report, tmp_path):
    path = tmp_path / "kpis.xlsx"
    path.write_bytes(build_workbook(kpi_report, "nl"))
    done = libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
    pdf = tmp_path / "kpis.pdf"
    assert pdf.exists(), done.stderr
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    page_text = {n: subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                                   capture_output=True, text=True).stdout for n in range(1, pages + 1)}
    chart_page = next(n for n, text in page_text.items() if "Klantgevoelig: KPI's per jaar" in text)
    table_page = next(n for n, text in page_text.items() if "Doel in 2026" in text)
    text = page_text[table_page]  # the table, and the charts from the next page on (never cut by a page break)
    assert chart_page > table_page and "KPI's per jaar" not in text
    assert "Klagers die zich gehoord voelen" in text and "Mensgericht" in text and "68%" in text
    assert "Hoger is beter" in text and "Lager is beter" in text
    assert "110 klagers" in text  # the cases under a percentage, printed
    assert "Klagers die zich gehoord voelen" in page_text[chart_page]  # the chart's legend, on the chart's page
    assert "Alle metingen" in "".join(page_text.values())
    subprocess.run(["pdftoppm", "-f", str(chart_page), "-l", str(chart_page), "-r", "80", str(pdf),
                    str(tmp_path / "page")], check=True)
    [image] = list(tmp_path.glob("page*.ppm"))
    # the line of the first KPI in each chart is drawn in blue (#1D4ED8); the second KPI of the Klantgevoelig
    # chart (days, on the right axis) in orange (#B45309): here a single point, its marker
    pixels = image.read_bytes()
    assert _pixels_near(pixels, (0x1D, 0x4E, 0xD8)) > 300
    assert _pixels_near(pixels, (0xB4, 0x53, 0x09)) > 40


# --- page 1: the council briefing ----------------------------------------------------------------------------

@pytest.fixture
def briefing(db, zelfscan, kpi_report):
    """The 2026 scan of `report` (with its final 2025 scan, its plan and KPIs), an answer changed and the scan
    finalised by a signed-in colleague, with the fictitious demo set in its peer group."""
    from conftest import member_of
    from indicators.library import DEFAULT_FILE, load_library
    from peers import service as peers
    org_id, assessment_id = kpi_report.organisation.id, kpi_report.assessment.id
    colleague = member_of(db, org_id, "an.smit@gemeente.example", "invuller")
    service.save_answer(db, actor=colleague, assessment_id=assessment_id, question_id="ont-toegang-2", value=3)
    service.finalise_assessment(db, actor=colleague, assessment_id=assessment_id)
    peers.load_demo_set(db, actor=ME, organisation_id=org_id, questionnaire=zelfscan, seed=7)
    group = peers.PeerGroup("gemeente", tuple(service.SIZE_CLASSES["gemeente"]), (2022, 2023, 2024, 2025, 2026))
    return gather_report(db, actor=ME, assessment_id=assessment_id, lookup=lookup_for(zelfscan),
                         today=date(2026, 11, 22), peer_group=group, kpi_library=load_library(DEFAULT_FILE))


def test_page_one_is_a_briefing_a_council_member_can_read_alone(briefing, zelfscan):
    from zoneinfo import ZoneInfo
    from i18n import rounded_score
    report = briefing
    assert report.peers is not None and report.peers.n_demo > 0 and report.assessment.is_final
    sheet = open_book(build_workbook(report, "nl"))["Samenvatting"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    texts = [str(v) for row in cells for v in row if v is not None]
    # what the scan measures: the three competencies, each with its sentence
    for competency in zelfscan.competencies:
        row = next(r for r in cells if r[0] == competency.title.nl and isinstance(r[1], str))
        assert row[1] == competency.description.nl
    # the overall with its stage, last year's overall and the change computed from the two figures shown
    overall = next(r for r in cells if r[0] == "Totaalscore")
    assert overall[1] == rounded_score(report.result.score)[0]
    assert overall[2].startswith(f"Fase {report.result.stage}: "
                                 f"{zelfscan.scale.levels[report.result.stage - 1].label.nl} · gebaseerd op")
    assert overall[3] == rounded_score(report.comparison.overall.earlier)[0] == 2.0  # 2025: every answer 2
    assert overall[4] == round_half_up(overall[1] - overall[3], 2) and overall[4] > 0
    header = next(r for r in cells if r[0] == "Onderdeel")
    assert header[1:5] == ["2026", "Fase en waarop gebaseerd", "2025", "Verschil"]
    ontvankelijk = next(r for r in cells if r[0] == "Ontvankelijk" and not isinstance(r[1], str))
    assert ontvankelijk[3] == 2.0 and ontvankelijk[4] == round_half_up(ontvankelijk[1] - 2.0, 2)
    # the plan in three lines
    assert "4 verbeteracties in het verbeterplan. Afgerond: 1." in texts
    assert "Eigenaren: Team; 1 actie heeft nog geen eigenaar." in texts
    assert any(v.startswith("Eerste deadlines: 01-03-2026 ") for v in texts)
    # the peer group named, and said to be fictitious
    group = next(v for v in texts if "gemeenten (alle groottes) in 2022–2026" in v)
    assert f"{report.peers.n_organisations} gemeenten" in group and f"{report.peers.n_peers} scans" in group
    assert any(v.startswith(f"Fictief: {report.peers.n_demo} van deze scans zijn demo-gegevens") for v in texts)
    # who made it (the local user and a signed-in colleague) and who finalised it when, in Dutch time
    assert "Ingevuld door 2 mensen: An.Smit, de gebruiker van deze computer." in texts
    finalised = report.assessment.finalised_at
    dutch = finalised.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert dutch.utcoffset() and dutch.strftime("%H:%M") != finalised.strftime("%H:%M")
    assert f"Vastgesteld door An.Smit op {dutch:%d-%m-%Y} om {dutch:%H:%M} (Nederlandse tijd)." in texts
    exported = report.exported_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"Dit werkboek is gemaakt op {exported:%d-%m-%Y} om {exported:%H:%M} (Nederlandse tijd)." in texts
    # where the details are, and the order: the facts, the legal minimum's place, then the scores
    assert "Op de andere tabbladen: Verbeterplan, Scores, KPI's, Antwoorden, Jaarvergelijking, Benchmark, " \
           "Verantwoording." in texts
    assert texts.index("Wat meet deze scan?") < texts.index("Totaalscore") < texts.index("Wat gaan we doen?")
    # the radar stays, its legend naming the group
    [radar] = sheet._charts
    median = radar.series[2].tx.v
    assert median == f"Mediaan van {report.peers.n_organisations} gemeenten, 2022–2026 (fictief)"
    # one page, landscape A4
    assert sheet.page_setup.fitToHeight == 1 and sheet.page_setup.orientation == "landscape"
    english = [str(c.value) for row in open_book(build_workbook(report, "en"))["Summary"].iter_rows()
               for c in row if c.value is not None]
    assert "Filled in by 2 people: An.Smit, the user of this computer." in english
    assert any(v.startswith("Fictitious: ") for v in english)


def test_every_scan_overall_in_scores_and_the_year_comparison(briefing):
    book = open_book(build_workbook(briefing, "nl"))
    for name, score_column in (("Scores", 3), ("Jaarvergelijking", 2)):
        sheet = book[name]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        start = next(i for i, r in enumerate(rows) if r[0] == "Totaalscore per scan")
        per_scan = {r[0]: r for r in rows[start + 2:start + 4]}
        assert list(per_scan) == ["2025", "2026"]
        before, after = per_scan["2025"][score_column - 1], per_scan["2026"][score_column - 1]
        assert before == 2.0 and after == round_half_up(briefing.result.score, 1)
        change = per_scan["2026"][score_column + 1]
        assert change == round_half_up(after - before, 2) and per_scan["2025"][score_column + 1] is None
        # column B stays empty on Scores: an import reads a row with a part name in B as a target
        if name == "Scores":
            assert all(r[1] is None for r in rows[start:start + 4])
    # the colours used are explained on the sheet that uses them
    scores = [str(c.value) for row in book["Scores"].iter_rows() for c in row if c.value is not None]
    assert "Geel: het doel ligt 1 fase of meer boven de score." in scores
    plan_legend = [book["Verbeterplan"].cell(row=r, column=13) for r in range(1, 5)]
    assert plan_legend[3].value.startswith("Roze:") and plan_legend[3].fill.fgColor.rgb.endswith("FECACA")
    # the demo warning once on the Benchmark sheet
    bench = [str(c.value) for row in book["Benchmark"].iter_rows() for c in row if c.value is not None]
    assert sum(v.count("fictieve demo-gegevens") for v in bench) == 1


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_printed_every_chart_stays_on_one_page(briefing, tmp_path):
    """Read from the PDF page by page: a chart's title and its legend are on the same page (a chart cut by a page
    break has its title on one page and its legend on the next), and page 1 holds the whole briefing."""
    path = tmp_path / "raad.xlsx"
    path.write_bytes(build_workbook(briefing, "nl"))
    done = libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
    pdf = tmp_path / "raad.pdf"
    assert pdf.exists(), done.stderr
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    text = {n: " ".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                                       text=True).stdout.split()) for n in range(1, pages + 1)}
    first = text[1]
    for part in ("Wat meet deze scan?", "Totaalscore", "Wat gaan we doen?", "Fictief:", "Wie maakte deze scan?",
                 "Op de andere tabbladen:", "Score en ambitie per onderdeel", "Huidige score", "(fictief)"):
        assert part in first, part
    assert "Wat meet deze scan?" not in " ".join(text[n] for n in range(2, pages + 1))
    charts = {"Ontvankelijk: KPI's per jaar": "Aantal klachten",
              "Klantgevoelig: KPI's per jaar": "Gemiddelde doorlooptijd van klachten",
              "Lerend: KPI's per jaar": "Klachten met een bekende oorzaak"}
    for title, legend in charts.items():
        [page] = [n for n in text if title in text[n]]
        assert legend in text[page], title
        assert text[page].index(title) < text[page].rindex(legend)


def test_the_briefing_says_a_workshop_made_the_scan(db, mini):
    """From the workshops of the scan: how many took part and how many answers they agreed on."""
    from workshops import service as workshop
    org = service.create_organisation(db, actor=ME, name="Gemeente Samen", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=["d1-1", "d1-2"])
    seats = [workshop.join(db, code=started.join_code, role="frontoffice")[1] for _ in range(12)]
    for question_id in ("d1-1", "d1-2"):
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
        for seat in seats:
            workshop.cast_vote(db, participant_token=seat, question_id=question_id, value="3")
        workshop.close_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
        workshop.reveal(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id)
        workshop.record_agreed(db, actor=ME, workshop_id=started.id, token=token, question_id=question_id, value="3")
    report = gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini))
    assert report.making.workshop_participants == (12,) and report.making.workshop_answers == 2
    assert report.making.people == () and not report.making.local_user  # the facilitator answered nothing alone
    texts = [str(c.value) for row in open_book(build_workbook(report, "nl"))["Samenvatting"].iter_rows() for c in row
             if c.value is not None]
    assert "In een workshop met 12 deelnemers. Zij kozen samen 2 antwoorden." in texts
    assert "Nog niet vastgesteld: dit is een concept." in texts
    assert "Geen vergelijking met andere organisaties in deze export." in texts
    assert "Er is geen eerdere scan om mee te vergelijken." in " ".join(texts)


def test_strongest_and_weakest_never_name_the_same_part_in_the_summary(db, zelfscan):
    """With one part that has a score, the Samenvatting names it neither strongest nor weakest, and says why."""
    org = service.create_organisation(db, actor=ME, name="Gemeente Eén Deel", org_type="gemeente",
                                      size_class="inw-50-100k")
    scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=zelfscan)
    first = zelfscan.dimensions()[0]
    for question in first.questions:
        service.save_answer(db, actor=ME, assessment_id=scan.id, question_id=question.id, value=3)
    report = gather_report(db, actor=ME, assessment_id=scan.id, lookup=lookup_for(zelfscan), today=date(2026, 11, 22))
    for language, strongest, too_few in (("nl", "Sterkste onderdelen", "minstens twee onderdelen"),
                                         ("en", "Strongest sections", "at least two sections")):
        summary = open_book(build_workbook(report, language)).worksheets[0]
        texts = [str(c.value) for row in summary.iter_rows() for c in row if c.value is not None]
        line = next(v for v in texts if too_few in v)  # said instead of a list
        assert first.title.get(language) not in line
        assert not any(first.title.get(language) in v and ("Sterkste" in v or "Strongest" in v) for v in texts)
