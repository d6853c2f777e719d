"""The Excel workbook for a council briefing (raadsinformatiebrief), built with openpyxl.

`build_workbook(report, lang)` returns the .xlsx file as bytes. Sheets: Samenvatting (with a native radar
chart), Verbeterplan (an Excel table with a status drop-down and conditional formatting), Scores,
Antwoorden, Jaarvergelijking (when there is an earlier assessment) and Verantwoording. Every sheet prints
on A4 landscape, fitted to the width, with repeating header rows and a header and footer.

Text that users typed is always written as text: a value that starts with =, +, -, @, a tab or a carriage
return would otherwise become a formula in Excel.
"""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo

from i18n import format_percent, round_half_up, round_share, shown_change, shown_score_change, t
from scoring.agreement import agreement_band
from scoring.engine import score_areas
from scoring.legal import legal_key
from indicators.display import cases_text, direction_text, kind_text, unit_text
from indicators.figures import shown, target_status, value_of, yearly
from rules.plan import STATUSES
from scoring.peers import position as peer_position

from .cells import (score_radar, AMBER, BOLD, FORMAT, GREEN, GREY, HEADER_FILL, HEADER_FONT, META_SHEET, OLD_FORMATS,  # noqa: F401
                    RED, TEXT, TEXT_COLUMNS, TITLE_FONT, WRAP, basis_text, fit_row_heights, header_row, number, peer_group_text, print_ready, share,
                    with_breach, write, write_score)
from .briefing import summary_sheet, where_line
from .workbook_rows import (ANSWER_FIELDS, PLAN_FIELDS, TARGET_FIELDS, action_key, answer_key, row_fingerprints,
                            target_key)

# (header, language) -> what the same column was called in earlier exports: still read on import
EARLIER_HEADERS = {("KPI", "nl"): ("Mensgerichte KPI",), ("KPI", "en"): ("People-centred KPI",)}


def plan_labels(lang: str) -> list[str]:
    """The headers of the plan sheet, A-K."""
    return [t(k, lang) for k in ("plan.col_title", "plan.col_dimension", "plan.col_owner", "plan.col_start",
                                 "plan.col_due", "plan.col_status", "plan.col_gain", "plan.col_kpi",
                                 "plan.col_kpi_target", "plan.col_description", "export.col_action_number")]


def answer_labels(lang: str) -> list[str]:
    """The headers of the answers sheet, A-G."""
    return [t(k, lang) for k in ("export.col_question_id", "results.col_dimension", "export.col_question",
                                 "export.col_level", "export.col_answer", "export.col_descriptor", "field.comment")]


def score_labels(lang: str) -> list[str]:
    """The headers of the scores sheet, A-G (figures of peers may follow)."""
    return [t(k, lang) for k in ("results.col_competency", "results.col_dimension", "results.col_score",
                                 "results.col_stage", "results.col_coverage", "results.col_target", "results.col_gap")]


def build_workbook(report, lang: str = "nl") -> bytes:
    wb = Workbook()
    questionnaire = report.questionnaire
    result = report.result
    title = {c.id: c.title.get(lang) for c in questionnaire.competencies}
    title.update({d.id: d.title.get(lang) for d in questionnaire.dimensions()})
    status_label = {code: t(f"plan.status_{code}", lang) for code in STATUSES}
    exported_at = (report.exported_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    fingerprints: dict[str, str] = {}  # row key -> its fields' fingerprints, for telling changes apart on import
    legal = report.legal

    # --- Scores (first built: the radar on the summary refers to it) ------------------------------------
    scores = wb.active
    scores.title = t("export.sheet_scores", lang)
    labels = score_labels(lang)
    widths = [20, 36, 10, 8, 30, 10, 14]
    peer = report.peers
    if peer:
        labels += [t(k, lang) for k in ("bench.col_median", "export.col_p25", "export.col_p75", "export.col_below",
                                        "export.col_equal")]
        widths += [10, 8, 8, 14, 14]
    header_row(scores, 1, labels, widths)

    def peer_cells(row: int, unit_id: str) -> None:
        if not peer:
            return
        figure = peer.figures[unit_id]
        if figure.suppressed:
            return
        write(scores, row, 8, number(figure.median), number_format="0.0")
        write(scores, row, 9, number(figure.p25), number_format="0.0")
        write(scores, row, 10, number(figure.p75), number_format="0.0")
        write(scores, row, 11, share(figure.share_below), number_format="0%")
        write(scores, row, 12, share(figure.share_equal), number_format="0%")
    row = 2
    radar_first = None
    for competency in questionnaire.competencies:
        comp = result.competencies[competency.id]
        write(scores, row, 1, title[competency.id], font=BOLD)
        write_score(scores, row, 3, comp.score, font=BOLD)
        write(scores, row, 4, comp.stage, font=BOLD)
        write(scores, row, 5, with_breach(basis_text(comp, lang),
                                          legal.not_met_in_competency(questionnaire, competency.id), lang))
        peer_cells(row, competency.id)
        row += 1
    dimension_rows = {}
    for dimension in questionnaire.dimensions():
        scored = result.dimensions[dimension.id]
        radar_first = radar_first or row
        dimension_rows[dimension.id] = row
        write(scores, row, 1, title[scored.competency_id])
        write(scores, row, 2, title[dimension.id])
        write_score(scores, row, 3, scored.score)
        write(scores, row, 4, scored.stage)
        write(scores, row, 5, with_breach(basis_text(scored, lang), legal.not_met_in(dimension.id), lang))
        write(scores, row, 6, scored.target)
        fingerprints[target_key(dimension.id)] = row_fingerprints({"level": scored.target}, TARGET_FIELDS)
        write(scores, row, 7, number(scored.gap), number_format="0.0")
        peer_cells(row, dimension.id)
        row += 1
    radar_last = row - 1
    gap_range = f"G{radar_first}:G{radar_last}"
    scores.conditional_formatting.add(gap_range, CellIsRule(operator="greaterThanOrEqual", formula=["1"], fill=AMBER))
    scores.conditional_formatting.add(gap_range, CellIsRule(operator="lessThanOrEqual", formula=["0"], fill=GREEN))
    row = colour_legend(scores, row + 1, [(AMBER, "export.legend_gap_amber"), (GREEN, "export.legend_gap_green")],
                        lang, span=3)
    # every scan's overall, with the change from the one before (column B stays empty: no dimension row)
    overall_per_scan(scores, row + 1, report, lang, score_column=3, stage_column=4, change_column=5, exact=True)
    scores.freeze_panes = "A2"
    print_ready(scores, report, lang, "1:1")

    # --- Samenvatting: the council briefing ----------------------------------------------------------------
    summary, where_row = summary_sheet(wb, report, lang, scores, radar_first, radar_last, title)

    # --- Verbeterplan -------------------------------------------------------------------------------------
    plan_ws = wb.create_sheet(t("export.sheet_plan", lang), 1)
    header_row(plan_ws, 1, plan_labels(lang), [30, 24, 16, 11, 11, 12, 10, 30, 12, 40, 10])
    for row, action in enumerate(report.actions, start=2):
        action = report.action_in(action, lang)
        values = [action.title, title.get(action.dimension_id, action.dimension_id), action.owner, action.start_date,
                  action.due_date, status_label[action.status], action.expected_gain, action.kpi, action.kpi_target,
                  action.description, action.id]
        for column, value in enumerate(values, start=1):
            write(plan_ws, row, column, value, alignment=WRAP,
                  number_format="DD-MM-YYYY" if column in (4, 5) else TEXT if column in TEXT_COLUMNS else None)
        fingerprints[action_key(action.id)] = row_fingerprints(vars(action), PLAN_FIELDS)
    last = max(2, len(report.actions) + 1)
    table = Table(displayName="Verbeterplan", ref=f"A1:K{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    plan_ws.add_table(table)
    status_list = DataValidation(type="list", formula1='"' + ",".join(status_label.values()) + '"',
                                 allow_blank=False, showErrorMessage=True, errorTitle=t("plan.col_status", lang),
                                 error=t("export.status_error", lang))
    plan_ws.add_data_validation(status_list)
    status_list.add(f"F2:F{max(last, 200)}")
    done, dropped = status_label["done"], status_label["dropped"]
    plan_ws.conditional_formatting.add(f"A2:K{last}", FormulaRule(formula=[f'$F2="{done}"'], fill=GREEN))
    plan_ws.conditional_formatting.add(f"A2:K{last}", FormulaRule(formula=[f'$F2="{dropped}"'], fill=GREY))
    overdue = f'AND(ISNUMBER($E2),$E2<TODAY(),$F2<>"{done}",$F2<>"{dropped}")'
    plan_ws.conditional_formatting.add(f"E2:E{last}", FormulaRule(formula=[overdue], fill=RED))
    fit_row_heights(plan_ws, 2)
    # beside the table (an import reads columns A-K only): what the colours mean
    plan_ws.column_dimensions["M"].width = 52
    colour_legend(plan_ws, 1, [(GREEN, "export.legend_plan_done"), (GREY, "export.legend_plan_dropped"),
                               (RED, "export.legend_plan_overdue")], lang, column=13)
    plan_ws.freeze_panes = "A2"
    print_ready(plan_ws, report, lang, "1:1")

    # --- Antwoorden -----------------------------------------------------------------------------------------
    answers_ws = wb.create_sheet(t("export.sheet_answers", lang))
    header_row(answers_ws, 1, answer_labels(lang), [15, 22, 42, 7, 16, 42, 34])
    row = 2
    for dimension in questionnaire.dimensions():
        for question in dimension.questions:
            answer = report.answers.get(question.id)
            value = answer.value if answer else None
            level = value if isinstance(value, int) else None
            if value == "nvt":
                answer_text = questionnaire.scale.not_applicable.get(lang)
            elif value == "weetniet":
                answer_text = questionnaire.scale.dont_know.get(lang)
            elif level:
                answer_text = questionnaire.scale.levels[level - 1].label.get(lang)
            else:
                answer_text = t("answer.open", lang)
            values = [question.id, title[dimension.id], question.text.get(lang), level, answer_text,
                      question.descriptor(level, lang) if level else "", answer.comment if answer else ""]
            fingerprints[answer_key(question.id)] = row_fingerprints(
                {"value": value, "comment": answer.comment if answer else ""}, ANSWER_FIELDS)
            for column, cell_value in enumerate(values, start=1):
                write(answers_ws, row, column, cell_value, alignment=WRAP, number_format=TEXT if column == 7 else None)
            row += 1
    minimum = questionnaire.legal_minimum
    for item in questionnaire.legal_items():
        answer = report.legal_answers.get(item.id)
        value = answer.value if answer else None
        answer_text = {"ja": minimum.yes.get(lang) if minimum else "", "nee": minimum.no.get(lang) if minimum else "",
                       "weetniet": questionnaire.scale.dont_know.get(lang)}.get(value, t("answer.open", lang))
        key = legal_key(item.id)
        values = [key, minimum.title.get(lang), f"{item.article} · {item.text.get(lang)}", None, answer_text, "",
                  answer.comment if answer else ""]
        fingerprints[answer_key(key)] = row_fingerprints(
            {"value": value, "comment": answer.comment if answer else ""}, ANSWER_FIELDS)
        for column, cell_value in enumerate(values, start=1):
            write(answers_ws, row, column, cell_value, alignment=WRAP, number_format=TEXT if column == 7 else None)
        row += 1
    fit_row_heights(answers_ws, 2)
    answers_ws.freeze_panes = "A2"
    answers_ws.auto_filter.ref = f"A1:G{row - 1}"
    print_ready(answers_ws, report, lang, "1:1")

    # --- Jaarvergelijking -----------------------------------------------------------------------------------
    if report.comparison is not None:
        comparison = report.comparison
        yoy = wb.create_sheet(t("export.sheet_yoy", lang))
        header_row(yoy, 1, [t("history.col_unit", lang), report.earlier_period, report.assessment.period,
                            t("history.col_change", lang), t("history.col_comparable", lang)], [40, 12, 12, 14, 16])
        row = 2
        title["overall"] = t("results.overall", lang)
        for unit in [comparison.overall] + list(comparison.competencies) + list(comparison.dimensions):
            is_competency = unit is comparison.overall or unit in comparison.competencies
            write(yoy, row, 1, title.get(unit.unit_id, unit.unit_id), font=BOLD if is_competency else None)
            write(yoy, row, 2, number(unit.earlier), number_format="0.0")
            write(yoy, row, 3, number(unit.later), number_format="0.0")
            write(yoy, row, 4, shown_change(unit.earlier, unit.later), number_format=CHANGE_FORMAT)
            write(yoy, row, 5, share(unit.comparability), number_format="0%")
            row += 1
        yoy.conditional_formatting.add(f"D2:D{row - 1}", CellIsRule(operator="greaterThan", formula=["0"],
                                                                     font=Font(color="1D4ED8", bold=True)))
        yoy.conditional_formatting.add(f"D2:D{row - 1}", CellIsRule(operator="lessThan", formula=["0"],
                                                                     font=Font(color="B45309", bold=True)))
        row += 1
        write(yoy, row, 1, t("history.comparability", lang,
                             percent=format_percent(comparison.comparability, lang)).replace("**", ""))
        write(yoy, row + 1, 1, t("history.targets", lang, achieved=comparison.targets_achieved,
                                 total=len(comparison.targets)))
        write(yoy, row + 2, 1, t("export.legend_yoy", lang) + " " + t("export.change_rule", lang), alignment=WRAP)
        yoy.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=5)
        yoy.row_dimensions[row + 2].height = 32
        overall_per_scan(yoy, row + 4, report, lang, score_column=2, stage_column=3, change_column=4, exact=False)
        yoy.freeze_panes = "A2"
        print_ready(yoy, report, lang, "1:1")

    # --- Benchmark -------------------------------------------------------------------------------------------
    if peer:
        bench = wb.create_sheet(t("export.sheet_benchmark", lang))
        header_row(bench, 1, [t(k, lang) for k in ("bench.col_unit", "bench.col_own", "bench.col_median",
                                                   "export.col_p25", "export.col_p75", "bench.col_n",
                                                   "bench.col_organisations", "bench.col_position")],
                   [36, 10, 10, 8, 8, 12, 12, 70])
        units = [("overall", t("results.overall", lang))] + [(c.id, title[c.id]) for c in questionnaire.competencies] \
            + [(d.id, title[d.id]) for d in questionnaire.dimensions()]
        for row, (unit_id, name) in enumerate(units, start=2):
            figure = peer.figures[unit_id]
            write(bench, row, 1, name, font=BOLD if row <= 2 + len(questionnaire.competencies) else None)
            write(bench, row, 2, number(figure.own), number_format="0.0")
            write(bench, row, 6, figure.n)
            write(bench, row, 7, figure.organisations)
            if figure.suppressed:
                write(bench, row, 8, t("bench.unit_too_small", lang, n=figure.organisations))
                continue
            write(bench, row, 3, number(figure.median), number_format="0.0")
            write(bench, row, 4, number(figure.p25), number_format="0.0")
            write(bench, row, 5, number(figure.p75), number_format="0.0")
            if figure.own is not None:
                key, shares = peer_position(figure)
                write(bench, row, 8, t(key, lang, unit=name, types=t(f"orgtype_plural.{peer.group.org_type}", lang),
                                       **{k: format_percent(v, lang) for k, v in shares.items()}), alignment=WRAP)
        fit_row_heights(bench, 2)  # a long position sentence wraps within its column
        row = len(units) + 3
        write(bench, row, 1, peer_group_text(report, lang, with_warning=False), alignment=WRAP)
        bench.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        bench.row_dimensions[row].height = 32
        if peer.n_demo:  # the warning once, in bold
            write(bench, row + 1, 1, t("bench.demo_warning", lang, n=peer.n_demo), font=Font(bold=True, color="B45309"))
        bench.freeze_panes = "A2"
        print_ready(bench, report, lang, "1:1")

    # --- KPI's (after Scores) -------------------------------------------------------------------------------
    has_kpis = kpi_sheet(wb, report, lang, wb.sheetnames.index(scores.title) + 1)

    # --- the scan per Gouden Oor area (after Scores and the KPIs) ---------------------------------------------
    areas_sheet(wb, report, lang, wb.sheetnames.index(scores.title) + (2 if has_kpis else 1))

    # --- Respondenten ---------------------------------------------------------------------------------------
    if report.respondents is not None:
        respondents_sheet(wb, report, lang)

    # --- Verantwoording -------------------------------------------------------------------------------------
    method = wb.create_sheet(t("export.sheet_method", lang))
    method.column_dimensions["A"].width = 34
    method.column_dimensions["B"].width = 90
    write(method, 1, 1, t("export.method_title", lang), font=TITLE_FONT)
    lines = [
        (t("export.questionnaire", lang), f"{questionnaire.title.get(lang)} ({questionnaire.id}, "
                                          f"{t('export.version', lang)} {questionnaire.version})"),
        (t("export.rule", lang), t(f"rule.{result.stage_rule}", lang)),
        (t("export.threshold", lang), format_percent(result.min_coverage, lang)),
        (t("export.scoring", lang), t("export.scoring_text", lang)),
        (t("export.rounding", lang), t("about.rounding", lang)),
        (t("export.peer_group", lang), peer_group_text(report, lang) if peer else t("export.peer_none", lang)),
        (t("export.exported_on", lang), report.exported_on.strftime("%d-%m-%Y")),
        (t("export.basis", lang), questionnaire.basis.get(lang)),
        (t("export.import_label", lang), t("export.import_note", lang)),
    ]
    if peer:
        lines[6:6] = [(t("export.quartiles", lang), t("about.quartiles", lang)),
                      (t("export.position", lang), t("about.position", lang))]
    if has_kpis:
        lines[-2:-2] = [(t("export.kpi_method_title", lang), t("export.kpi_method", lang))]
    for row, (label, value) in enumerate(lines, start=3):
        write(method, row, 1, label, font=BOLD, alignment=WRAP)
        write(method, row, 2, value, alignment=WRAP)
    fit_row_heights(method, 3)
    print_ready(method, report, lang, None)

    where_line(summary, where_row, wb.sheetnames[1:], lang)  # every sheet exists now

    # --- what an import back into the app needs to recognise the file ---------------------------------------
    meta = wb.create_sheet(META_SHEET)
    meta_rows = (("format", FORMAT), ("assessment_id", report.assessment.id), ("questionnaire_id", questionnaire.id),
                 ("questionnaire_version", questionnaire.version), ("language", lang),
                 ("organisation", report.organisation.name), ("org_type", report.organisation.org_type),
                 ("size_class", report.organisation.size_class), ("period", report.assessment.period),
                 ("explicit_targets", ",".join(d.dimension_id for d in result.dimensions.values()
                                               if not d.target_is_default) or "-"),
                 ("exported_at", exported_at.isoformat()),
                 *fingerprints.items())
    for row, (key, value) in enumerate(meta_rows, 1):
        write(meta, row, 1, key)
        write(meta, row, 2, value)
    meta.sheet_state = "hidden"
    wb.defined_names[META_SHEET] = DefinedName(META_SHEET, attr_text=f"'{META_SHEET}'!$A$1:$B${len(meta_rows)}")

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CHANGE_FORMAT = "+0.0;−0.0;0.0"


def colour_legend(ws, row: int, colours: list[tuple[object, str]], lang: str, column: int = 1, span: int = 1) -> int:
    """A legend for the cell colours a sheet uses: a cell in each colour with its meaning. Returns the next row."""
    write(ws, row, column, t("export.legend_title", lang), font=BOLD)
    for fill, key in colours:
        row += 1
        cell = write(ws, row, column, t(key, lang))
        cell.fill = fill
        if span > 1:  # across empty columns, so the coloured cell holds the whole sentence
            ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + span - 1)
    return row + 1


def overall_per_scan(ws, row: int, report, lang: str, *, score_column: int, stage_column: int, change_column: int,
                     exact: bool) -> int:
    """Every scan's overall score up to this one, oldest first, with its stage and the change from the scan
    before: the difference of the figures as shown (`exact`: scores as `write_score` shows them, else with one
    decimal). A draft is marked. Returns the next row."""
    write(ws, row, 1, t("export.overall_per_year", lang), font=BOLD)
    row += 1
    for column, key in ((1, "history.col_period"), (score_column, "results.overall"), (stage_column, "results.col_stage"),
                        (change_column, "export.col_change")):
        write(ws, row, column, t(key, lang), font=HEADER_FONT, alignment=WRAP).fill = HEADER_FILL
    ws.row_dimensions[row].height = 30
    before = None
    for past in report.past:
        row += 1
        write(ws, row, 1, past.period if past.is_final else t("export.draft_mark", lang, period=past.period))
        if exact:
            write_score(ws, row, score_column, past.score)
        else:
            write(ws, row, score_column, number(past.score), number_format="0.0")
        write(ws, row, stage_column, past.stage)
        if before is not None and past.score is not None:
            if exact:
                value, decimals = shown_score_change(before, past.score)
                fmt = "0." + "0" * decimals
                write(ws, row, change_column, value, number_format=f"+{fmt};−{fmt};{fmt}")
            else:
                write(ws, row, change_column, shown_change(before, past.score), number_format=CHANGE_FORMAT)
        before = past.score if past.score is not None else before
    return row + 1


# --- the KPI sheet --------------------------------------------------------------------------------------------
KPI_COLOURS = ["1D4ED8", "B45309", "047857", "7C3AED", "BE185D", "0F766E", "475569", "A16207"]
KPI_DASHES = [None, "dash", "sysDot", "lgDash", "dashDot", None, "dash", "sysDot"]
KPI_YEARS = 5
CHART_ROWS = 14  # rows (of 15 points) per chart of 6,6 cm with its gap: two fit on a landscape A4 page


def kpi_cell(ws, row: int, column: int, kpi, value: float | None, **style):
    """A KPI figure as a number the spreadsheet can chart, rounded as the page shows it: a percentage as a
    share in a "0%" cell, per 1,000 and days with one decimal, a count whole."""
    if value is None:
        return write(ws, row, column, None, **style)
    if kpi.unit == "percentage":
        return write(ws, row, column, round_share(value / 100), number_format="0%", **style)
    return write(ws, row, column, shown(kpi, value), number_format="0" if kpi.unit == "count" else "0.0", **style)


CASES_FONT = Font(italic=True, color="475569")


def kpi_sheet(wb, report, lang: str, index: int) -> bool:
    """The KPI sheet: per register KPI (people-centred first) its kind, competency, unit, direction, target and
    a figure per year (periods added up), with a native line chart per competency; below, every measurement.
    A percentage has a row under it with the cases behind each yearly figure ("110 klagers", under 10 marked
    uncertain), so its figure cells stay numbers the chart can draw. A context KPI has no target and no verdict.
    Percentages are drawn on the left axis, other units on a right axis. Returns whether there is a sheet."""
    register, library = report.kpi_register, report.kpi_library
    entries = register.usable() if register is not None else []
    if not entries:
        return False
    ws = wb.create_sheet(t("export.sheet_kpi", lang), index)
    last_year = report.assessment.year
    measured_years = sorted({m.period.year for e in entries for m in register.measurements(e.id)
                             if m.period.year <= last_year})
    years = measured_years[-KPI_YEARS:] or [last_year]
    running = [y for y in years if y >= report.exported_on.year]  # a year that is not over yet
    labels = [t(k, lang) for k in ("kpi.col_kpi", "kpi.col_kind", "kpi.col_competency", "kpi.col_unit",
                                   "kpi.col_direction", "kpi.col_target")] \
        + [f"{y}*" if y in running else str(y) for y in years] \
        + [t("export.kpi_col_status", lang, year=years[-1])]
    first_year_column = 7
    header_row(ws, 1, labels, [38, 14, 16, 16, 16, 10] + [11] * len(years) + [26])
    rows_of: dict[str, list[tuple[int, object]]] = {}
    row = 1
    for entry in entries:
        row += 1
        kpi = entry.definition
        per_year = yearly(kpi, register.measurements(entry.id))
        write(ws, row, 1, entry.name(lang), font=BOLD if kpi.people_centred else None, alignment=WRAP)
        write(ws, row, 2, kind_text(kpi, lang))
        write(ws, row, 3, library.competency_title(kpi.competency, lang))
        write(ws, row, 4, unit_text(kpi, lang))
        write(ws, row, 5, direction_text(kpi, lang), alignment=WRAP)
        kpi_cell(ws, row, 6, kpi, entry.target if kpi.has_direction else None)  # context: no target
        for offset, year in enumerate(years):
            figure = per_year.get(year)
            kpi_cell(ws, row, first_year_column + offset, kpi, figure.value if figure else None)
        figure = per_year.get(years[-1])
        status = target_status(kpi, figure.value if figure else None, entry.target)
        if status:
            write(ws, row, first_year_column + len(years), t(f"export.kpi_status_{status}", lang))
        rows_of.setdefault(kpi.competency, []).append((row, entry))
        if kpi.unit == "percentage":  # the cases behind each yearly figure, in the row below it
            row += 1
            write(ws, row, 1, t("export.kpi_cases_row", lang), font=CASES_FONT, alignment=WRAP)
            for offset, year in enumerate(years):
                figure = per_year.get(year)
                if figure is not None and figure.value is not None:
                    write(ws, row, first_year_column + offset, cases_text(kpi, figure, lang), font=CASES_FONT,
                          alignment=WRAP)
    last_row = row
    for cells in ws.iter_rows(min_row=2, max_row=last_row):  # a wrapped name or direction: read from the top
        for cell in cells:
            cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
    fit_row_heights(ws, 2)
    note_row = last_row + 2
    note = t("export.kpi_note", lang) + (" " + t("export.kpi_running", lang, year=running[0]) if running else "")
    write(ws, note_row, 1, note, alignment=WRAP)
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=len(labels))
    ws.row_dimensions[note_row].height = 48

    # one line chart per competency, from a new page on, two to a page: a chart is never cut by a page break
    # (a chart starts a row below a page break: one that starts on the break is drawn on both pages)
    ws.row_breaks.append(Break(id=note_row + 1))
    anchor_row = note_row + 3
    charts_on_page = 0
    categories = Reference(ws, min_col=first_year_column, max_col=first_year_column + len(years) - 1,
                           min_row=1, max_row=1)
    for competency in library.competencies:
        members = rows_of.get(competency.id)
        if not members:
            continue
        # one unit per axis: percentages on the left, one other unit on the right; a count in a chart of its own
        by_unit: dict[str, list] = {}
        for member in sorted(members, key=lambda m: m[1].definition.unit != "percentage"):
            by_unit.setdefault(member[1].definition.unit, []).append(member)
        others = [u for u in by_unit if u != "count"]
        groups = [others[i:i + 2] for i in range(0, len(others), 2)] + [[u] for u in by_unit if u == "count"]
        for units in groups:
            primary = by_unit[units[0]]
            chart = _kpi_line_chart(ws, primary, years, first_year_column, categories, lang, 0)
            names = [unit_text(by_unit[u][0][1].definition, lang) for u in units]
            chart.title = t("export.kpi_chart_title", lang, competency=competency.title.get(lang)) if len(groups) == 1 \
                else t("export.kpi_chart_unit_title", lang, competency=competency.title.get(lang),
                       unit=" / ".join(names).lower())
            chart.y_axis.title = names[0]
            if units[0] == "percentage":
                chart.y_axis.number_format = "0%"
                chart.y_axis.scaling.min = 0
                chart.y_axis.scaling.max = 1
            if len(units) > 1:
                other = _kpi_line_chart(ws, by_unit[units[1]], years, first_year_column, categories, lang, len(primary))
                other.y_axis.axId = 200
                other.y_axis.crosses = "max"
                other.y_axis.title = names[1]
                chart += other
            anchor_row, charts_on_page = _place_chart(ws, chart, anchor_row, charts_on_page)

    # every measurement, from a new page on
    row = anchor_row
    ws.row_breaks.append(Break(id=row - 1))
    write(ws, row, 1, t("export.kpi_measurements", lang), font=TITLE_FONT)
    row += 1
    header_row(ws, row, [t(k, lang) for k in ("kpi.col_kpi", "kpi.col_period", "kpi.col_numerator",
                                              "kpi.col_denominator", "kpi.col_value", "export.kpi_col_cases")],
               [38, 14, 16, 16, 16, 13])
    for entry in entries:
        kpi = entry.definition
        for value in register.values.get(entry.id, []):
            row += 1
            write(ws, row, 1, entry.name(lang))
            write(ws, row, 2, value.period.code)
            write(ws, row, 3, value.numerator)
            write(ws, row, 4, value.denominator)
            measured = value_of(kpi, value.measurement)
            kpi_cell(ws, row, 5, kpi, measured)
            if measured is not None and (cases := cases_text(kpi, value.measurement, lang)) is not None:
                write(ws, row, 6, cases, alignment=WRAP)
    fit_row_heights(ws, anchor_row + 2)
    ws.freeze_panes = "B2"
    print_ready(ws, report, lang, None)  # no repeated header: the measurements have their own
    return True


def _place_chart(ws, chart, anchor_row: int, charts_on_page: int) -> tuple[int, int]:
    """Two charts to a page, a page break set before the third: a chart is never cut by a page break (it starts a
    row below a break: one that starts on the break is drawn on both pages)."""
    chart.height, chart.width = 6.6, 24
    chart.legend.position = "b"
    if charts_on_page == 2:
        ws.row_breaks.append(Break(id=anchor_row - 1))
        anchor_row += 1
        charts_on_page = 0
    ws.add_chart(chart, f"A{anchor_row}")
    return anchor_row + CHART_ROWS, charts_on_page + 1


def _kpi_line_chart(ws, members, years, first_column, categories, lang, colour_offset):
    chart = LineChart()
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None if colour_offset else chart.y_axis.majorGridlines
    for number, (row, entry) in enumerate(members):
        data = Reference(ws, min_col=first_column, max_col=first_column + len(years) - 1, min_row=row, max_row=row)
        chart.add_data(data, from_rows=True, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(v=entry.name(lang))
        colour = KPI_COLOURS[(number + colour_offset) % len(KPI_COLOURS)]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        dash = KPI_DASHES[(number + colour_offset) % len(KPI_DASHES)]
        if dash:
            series.graphicalProperties.line.prstDash = dash
        series.marker.symbol = "circle"
        series.marker.size = 7
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour
        series.smooth = False
    chart.set_categories(categories)
    return chart


def areas_sheet(wb, report, lang: str, index: int) -> None:
    """The scan seen through the areas of the questionnaire's area view (the Gouden Oor organisation areas): per
    area the score, stage and what it is based on, by the same rules as a dimension, with a radar of its own and
    the note that says what this view is not. No sheet when the questionnaire has no area view."""
    questionnaire = report.questionnaire
    values = {qid: a.value for qid, a in report.answers.items() if a.value is not None}
    areas = score_areas(questionnaire, values)
    if not areas:
        return
    framework = next(fw for fw in questionnaire.frameworks if fw.id == questionnaire.area_view.framework)
    titles = {item.id: item.title.get(lang) for item in framework.items}
    ws = wb.create_sheet(t("export.sheet_areas", lang), index)
    write(ws, 1, 1, t("results.areas_title", lang, framework=framework.title.get(lang)), font=TITLE_FONT)
    write(ws, 2, 1, questionnaire.area_view.note.get(lang), alignment=WRAP)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    ws.row_dimensions[2].height = 48
    header_row(ws, 4, [t("results.col_area", lang), t("results.col_score", lang), t("results.col_stage", lang),
                       t("results.col_coverage", lang)], [30, 10, 8, 44])
    row = 5
    for area_id, scored in areas.items():
        write(ws, row, 1, titles[area_id])
        write_score(ws, row, 2, scored.score)
        write(ws, row, 3, scored.stage)
        write(ws, row, 4, basis_text(scored, lang), alignment=WRAP)
        row += 1
    chart = score_radar(t("results.areas_radar", lang))
    chart.add_data(Reference(ws, min_col=2, max_col=2, min_row=5, max_row=row - 1), titles_from_data=False)
    chart.series[0].tx = SeriesLabel(v=t("results.legend_score", lang))
    chart.series[0].graphicalProperties.line.solidFill = "1D4ED8"
    chart.series[0].graphicalProperties.line.width = 28575
    chart.set_categories(Reference(ws, min_col=1, max_col=1, min_row=5, max_row=row - 1))
    chart.height, chart.width = 11, 18
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{row + 1}")
    print_ready(ws, report, lang, None)
    ws.page_setup.fitToHeight = 1  # the figures and the radar on one page


def respondents_sheet(wb, report, lang: str, most: int = 10) -> None:
    """The colleagues who answered on their own, taken together: respondents per role, the perception gaps per
    competency and dimension, and the questions with the least agreement. Never an individual answer, a name
    or a comment; a role below the anonymity minimum only counts in "all"."""
    from scoring.respondents import ALL

    view, questionnaire = report.respondents, report.questionnaire
    figures = view.figures
    ws = wb.create_sheet(t("export.sheet_respondents", lang))
    role = lambda line: t("respondents.line_all", lang) if line == ALL else t(f"workshop.role_{line}", lang)  # noqa: E731
    write(ws, 1, 1, t("export.respondents_title", lang), font=TITLE_FONT)
    write(ws, 2, 1, t("respondents.counts", lang, invited=view.invited, count=figures.total), alignment=WRAP)
    if not figures.everyone_shown:  # one or two people: nothing of their answers, not even their roles
        write(ws, 3, 1, t("respondents.too_few", lang, count=figures.needed, min=view.min_group), alignment=WRAP)
        ws.column_dimensions["A"].width = 90
        print_ready(ws, report, lang, None)
        return
    row = 4
    header_row(ws, row, [t("respondents.col_role", lang), t("respondents.col_respondents", lang),
                         t("respondents.col_shown", lang)], [34, 16, 16, 16, 16, 16, 14, 28])
    for name, count in figures.respondents.items():
        row += 1
        write(ws, row, 1, role(name))
        write(ws, row, 2, count)
        write(ws, row, 3, t("respondents.shown_yes" if name in figures.shown_roles else "respondents.shown_no", lang))
    if figures.hidden_roles:
        row += 1
        write(ws, row, 1, t("respondents.hidden", lang, min=view.min_group,
                            roles=", ".join(role(r) for r in figures.hidden_roles)), alignment=WRAP)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        ws.row_dimensions[row].height = 32
    lines = [ALL, *figures.shown_roles]
    row += 2
    write(ws, row, 1, t("respondents.gaps_title", lang), font=BOLD)
    row += 1
    header_row(ws, row, [t("respondents.col_part", lang), *(role(line) for line in lines),
                         t("respondents.col_gap", lang), t("respondents.col_gap_between", lang)],
               [34, *([16] * len(lines)), 14, 28])
    units = [(c.title.get(lang), figures.competencies[c.id], BOLD) for c in questionnaire.competencies]
    units += [(d.title.get(lang), figures.dimensions[d.id], None) for d in questionnaire.dimensions()]
    for title, gap, font in units:
        row += 1
        write(ws, row, 1, title, font=font)
        for column, line in enumerate(lines, start=2):
            write(ws, row, column, number(gap.by_line.get(line)), number_format="0.0")
        write(ws, row, len(lines) + 2, number(gap.gap), number_format="0.0")
        write(ws, row, len(lines) + 3, f"{role(gap.highest)} > {role(gap.lowest)}" if gap.gap else "")
    row += 2
    write(ws, row, 1, t("respondents.disagreement_title", lang), font=BOLD)
    row += 1
    header_row(ws, row, [t("respondents.col_question", lang), t("respondents.col_answers", lang),
                         t("respondents.col_median", lang), t("respondents.col_agreement", lang),
                         t("respondents.col_band", lang)], [34, 16, 16, 16, 16])
    first = row + 1
    for item in figures.most_disagreement()[:most]:
        row += 1
        write(ws, row, 1, questionnaire.question(item.question_id).text.get(lang), alignment=WRAP)
        write(ws, row, 2, item.answers)
        write(ws, row, 3, number(item.summary.median), number_format="0.0")
        write(ws, row, 4, round_half_up(item.summary.agreement, 2), number_format="0.00")
        write(ws, row, 5, t(f"workshop.agreement_{agreement_band(item.summary.agreement)}", lang), alignment=WRAP)
    fit_row_heights(ws, first)
    print_ready(ws, report, lang, None)
