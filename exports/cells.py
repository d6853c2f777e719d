"""The cells of a workbook: writing a value safely (never a formula from text), headers, row heights, print
settings and the shown form of scores and shares. Shared by every sheet (`workbook`, `briefing`)."""

from __future__ import annotations

from openpyxl.chart import RadarChart
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from i18n import round_half_up, round_share, rounded_score, t
from scoring.engine import basis
from scoring.legal import breach_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1D4ED8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Border(bottom=Side(style="thin", color="CBD5E1"))
AMBER = PatternFill("solid", fgColor="FDE68A")
GREEN = PatternFill("solid", fgColor="BBF7D0")
RED = PatternFill("solid", fgColor="FECACA")
GREY = PatternFill("solid", fgColor="E2E8F0")
META_SHEET = "_klantbewust"
FORMAT = "klantbewust-workbook/2"  # /2: plan actions carry their number; the hidden sheet holds fingerprints
OLD_FORMATS = ("klantbewust-workbook/1",)
TEXT = "@"  # the "Text" number format: Excel keeps what is typed as text ("80%" stays "80%", "=..." no formula)
TEXT_COLUMNS = (1, 3, 8, 9, 10)  # of the plan sheet: title, owner, KPI, KPI target, description


def write(ws, row: int, column: int, value, *, font=None, alignment=None, number_format=None):
    """Write one cell; strings are always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it as text when the cell is edited
    else:
        cell.value = value
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    return cell


def header_row(ws, row: int, labels: list[str], widths: list[int]) -> None:
    for column, (label, width) in enumerate(zip(labels, widths), start=1):
        write(ws, row, column, label, font=HEADER_FONT, alignment=Alignment(wrap_text=True, vertical="center"))
        ws.cell(row=row, column=column).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = 16 * max(
        -(-len(label) // max(1, int(width * 1.1))) for label, width in zip(labels, widths)) + 6


def fit_row_heights(ws, first_row: int) -> None:
    """Set row heights for wrapped text: spreadsheet programs do not grow rows written by a library."""
    widths = {column: ws.column_dimensions[get_column_letter(column)].width or 10
              for column in range(1, ws.max_column + 1)}
    for row in range(first_row, ws.max_row + 1):
        lines = 1
        for column in range(1, ws.max_column + 1):
            value = ws.cell(row=row, column=column).value
            if isinstance(value, str) and value:
                per_line = max(1, int(widths[column] * 1.1))
                lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
        ws.row_dimensions[row].height = max(15, 14 * lines + 2)


def print_ready(ws, report, lang: str, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = report.organisation.name.replace("&", "&&")
    ws.oddHeader.right.text = t("export.header_right", lang, period=report.assessment.period)
    ws.oddFooter.left.text = t("export.footer_left", lang, date=report.exported_on.strftime("%d-%m-%Y"))
    ws.oddFooter.right.text = t("export.footer_page", lang)


def peer_group_text(report, lang: str, with_warning: bool = True) -> str:
    peer = report.peers
    group = peer.group
    years = f"{group.years[0]}–{group.years[-1]}" if len(group.years) > 1 else str(group.years[0])
    sizes = ", ".join(t(f"size.{c}", lang) for c in group.size_classes).lower()
    text = t("export.peer_group_text", lang, n=peer.n_peers, organisations=peer.n_organisations,
             type=t(f"orgtype.{group.org_type}", lang).lower(), sizes=sizes, years=years, min=group.min_group)
    if peer.n_demo and with_warning:
        text += " " + t("bench.demo_warning", lang, n=peer.n_demo)
    return text


def basis_text(unit, lang: str) -> str:
    """What a score is based on, in the same words as on the page."""
    key, params = basis(unit)
    return t(key, lang, **params)


def with_breach(text: str, breaches, lang: str) -> str:
    """A basis text with the legal requirements not met in this part beside it."""
    mark = breach_text(list(breaches), lang)
    return f"{text} · {mark}" if mark else text


def number(value: float | None):
    """A score for a "0.0" cell: already rounded by the one rule, so every spreadsheet program shows the page's
    figure (a program rounding a binary near-half itself could show another last digit)."""
    return None if value is None else round_half_up(value, 1)


def write_score(ws, row: int, column: int, score: float | None, **style):
    """An own score next to its stage: as many decimals as it needs never to read as the next stage
    (1.96 is written as 1,96, not 2,0), exactly as the page shows it."""
    if score is None:
        return write(ws, row, column, None, **style)
    shown, decimals = rounded_score(score)
    return write(ws, row, column, shown, number_format="0." + "0" * decimals, **style)


def score_radar(title: str) -> RadarChart:
    """A radar chart of scores on the 0-5 scale, with the title given; the caller adds its series."""
    chart = RadarChart()
    chart.type = "marker"
    chart.style = 26
    chart.title = title
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 5
    chart.y_axis.majorUnit = 1
    return chart


def share(value: float | None):
    """A share for a "0%" cell, rounded like the page's percentages."""
    return None if value is None else round_share(value)


