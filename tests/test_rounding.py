"""One rounding rule for every share and score users see: on the page and in the workbook as LibreOffice
prints it (halves away from zero, as spreadsheet number formats do)."""

import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from peers import service as peers
from assessment import service
from report.service import gather_report
from conftest import FIXTURES, libreoffice, lookup_for, ME
from exports.workbook import build_workbook
from questionnaires.loader import load_questionnaire
from i18n import format_number, format_percent, round_half_up, round_share
from test_app import new_session
from test_app import app_env  # noqa: F401 (fixture)


def test_halves_go_up_for_shares_and_scores():
    assert format_percent(5 / 8, "nl") == "63%"  # Python's round() gives 62
    assert format_percent(3 / 8, "en") == "38%"
    assert format_percent(29 / 200, "nl") == "15%"  # 14.5% although its binary value lies a hair below
    assert format_number(2.65, "nl") == "2,7" and format_number(2.25, "en") == "2.3"  # f"{x:.1f}": 2.6, 2.2
    assert format_number((13 / 5 + 5 / 2) / 2, "en") == "2.6"
    assert format_number(-2.65, "en") == "-2.7" and format_number(-0.04, "nl") == "0,0"
    assert round_half_up(8 / 3, 1) == 2.7 and round_share(5 / 8) == 0.63


def own_and_peers(db, questionnaire):
    """An organisation whose competency c1 scores 2.55 (d1 13/5, d2 5/2), and eight peers that opted in:
    five score 2 everywhere, three score 4, so the organisation scores higher than 5/8 of them."""
    own = service.create_organisation(db, actor=ME, name="Gemeente Afronding", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=own.id, period="2026", questionnaire=questionnaire)
    for question_id, value in {"d1-1": 2, "d1-2": 3, "d1-3": 2, "d1-4": 3, "d2-1": 3, "d2-2": 2,
                               "d3-1": 3, "d3-2": 3, "d3-3": 3}.items():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question_id, value=value)
    for number, level in enumerate([2, 2, 2, 2, 2, 4, 4, 4]):
        org = service.create_organisation(db, actor=ME, name=f"Gemeente {number}", org_type="gemeente",
                                          size_class="inw-lt-20k")
        other = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=questionnaire)
        for question in questionnaire.questions():
            service.save_answer(db, actor=ME, assessment_id=other.id, question_id=question.id, value=level)
        service.finalise_assessment(db, actor=ME, assessment_id=other.id)
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
    return assessment


def pdf_lines(workbook: bytes, tmp_path) -> list[str]:
    path = tmp_path / "afronding.xlsx"
    path.write_bytes(workbook)
    done = libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
    pdf = tmp_path / "afronding.pdf"
    assert pdf.exists(), done.stderr
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.splitlines()


def test_the_page_and_the_workbook_printed_by_libreoffice_show_the_same_rounded_figures(app_env, tmp_path):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    assessment = own_and_peers(app_env, mini)

    results = new_session("views/results.py", a=assessment.id, lang="en")
    assert not results.exception
    page_score = next(m.value for m in results.metric if m.label == "Competency one")
    bench = new_session("views/benchmark.py", a=assessment.id, lang="en")
    assert not bench.exception
    table = bench.table[0].value
    row = table.loc["Competency one"]
    assert row["Your score"] == page_score
    page_percent = re.search(r"higher than (\d+%)", row["Your position"]).group(1)
    assert (page_score, page_percent) == ("2.6", "63%")  # 2.55 and 5/8, both halves

    report = gather_report(app_env, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini), today=date(2026, 11, 22))
    assert report.peers is not None
    lines = [line.strip() for line in pdf_lines(build_workbook(report, "en"), tmp_path)]
    # the Summary, Scores and Benchmark sheets each print the competency's row, its score first (the Scores
    # sheet also starts its dimension rows with the competency)
    rows = [line for line in lines if line.startswith("Competency one") and "Dimension" not in line
            and not line.endswith("c1 (en)")]  # not the sentence saying what the competency measures
    assert len(rows) >= 3, lines
    assert [re.search(r"\d\.\d", row[len("Competency one"):]).group(0) for row in rows] == [page_score] * len(rows), rows
    # the share it scores higher than: a cell on the Scores sheet, in the position text on the Benchmark sheet
    shares = [re.search(r"\d+%", row).group(0) for row in rows if "%" in row]
    assert len(shares) >= 2 and set(shares) == {page_percent}, rows


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_workbook_stores_the_rounded_figures(app_env, lang):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    assessment = own_and_peers(app_env, mini)
    report = gather_report(app_env, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini))
    book = load_workbook(BytesIO(build_workbook(report, lang)))
    scores = book.worksheets[2]
    assert scores["C2"].value == 2.6 and scores["C2"].number_format == "0.0"
    assert scores["K2"].value == 0.63 and scores["K2"].number_format == "0%"
