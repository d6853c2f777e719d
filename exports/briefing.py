"""Page 1 of the workbook: the council briefing (sheet Samenvatting), one A4 landscape page that a raadslid who
never saw the tool reads in five minutes.

From the top: the facts (organisation, period, questionnaire, status), the legal minimum (before any score: a
breach is never averaged away), what the scan measures (the three competencies in a sentence each), where we
stand (the overall score and the competencies with their stage, last time's score and the change), the strongest
and weakest parts (ties named), the improvement plan in three lines, the peer group named ("fictief" when demo
data is in it), who made the scan and how, who finalised it and when (Dutch time), and where the details are.
The radar stands to the right of the text, its legend naming the group. A change is the difference of the
figures as shown (`i18n.shown_score_change`), so a reader who subtracts gets the same.
"""

from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font

from i18n import LOCAL_TIMEZONE, format_score, round_half_up, shown_score_change, t
from scoring.comparison import top_with_ties
from scoring.legal import requirement_text, summary_text

from .cells import score_radar, BOLD, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, basis_text, print_ready, with_breach, write, \
    write_score

WIDTHS = {"A": 24, "B": 11, "C": 46, "D": 11, "E": 11}  # the text; the radar stands to the right of it
TEXT_WIDTH = sum(WIDTHS.values())
SECTION_FONT = Font(bold=True, size=12, color="1D4ED8")
ALERT_FONT = Font(bold=True, color="B91C1C")
CENTRE = Alignment(horizontal="center", vertical="top")
MOST_PARTS = 3  # strongest and weakest: three, and every part tied with the third
MOST_OWNERS = 4
MOST_DEADLINES = 3


def _lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.1))
    return sum(-(-len(part) // per_line) or 1 for part in str(text).split("\n"))


def text_row(ws, row: int, text: str, *, label: str | None = None, font=None) -> int:
    """A sentence across the text columns (after a bold label in A when given), its row as high as its lines."""
    first = 2 if label else 1
    if label:
        write(ws, row, 1, label, font=BOLD, alignment=WRAP)
    write(ws, row, first, text, font=font, alignment=WRAP)
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=len(WIDTHS))
    width = TEXT_WIDTH - (WIDTHS["A"] if label else 0)
    lines = max(_lines(text, width), _lines(label, WIDTHS["A"]) if label else 1)
    ws.row_dimensions[row].height = 14 * lines + 3
    return row + 1


def section(ws, row: int, title: str) -> int:
    write(ws, row, 1, title, font=SECTION_FONT)
    ws.row_dimensions[row].height = 18
    return row + 1


def local(moment, pattern: str) -> str:
    return moment.astimezone(LOCAL_TIMEZONE).strftime(pattern)


def stage_text(questionnaire, stage: int | None, lang: str) -> str:
    if stage is None:
        return t("results.no_stage", lang)
    return t("export.stage_label", lang, stage=stage, label=questionnaire.scale.levels[stage - 1].label.get(lang))


def listed(items: list[str], lang: str, most: int) -> str:
    """ "A, B, C en 2 andere" """
    shown = items[:most]
    text = ", ".join(shown)
    if len(items) > most:
        text += " " + t("export.and_more", lang, count=len(items) - most)
    return text


def parts_line(ranked, title: dict, lang: str) -> str:
    """The first MOST_PARTS parts of a ranking, each with its score, and the parts tied with the last of them: named
    when there are one or two, counted when there are more."""
    score = lambda d: round_half_up(d.score, 1)  # noqa: E731 - tied as shown
    first, tied = top_with_ties(ranked, MOST_PARTS, score)
    if len(tied) <= 2:
        first, tied = first + tied, []
    text = ", ".join(t("export.part_score", lang, part=title[d.dimension_id], score=format_score(d.score, lang))
                     for d in first)
    if tied:
        text += " " + t("export.more_tied", lang, count=len(tied), score=format_score(first[-1].score, lang))
    return text


def plan_lines(report, lang: str) -> list[str]:
    """The improvement plan in three lines: how many actions, who owns them, the first deadlines."""
    actions = [report.action_in(a, lang) for a in report.actions]
    if not actions:
        return [t("export.plan_none", lang)]
    done = sum(1 for a in actions if a.status == "done")
    lines = [t("export.plan_count", lang, count=len(actions), done=done)]
    live = [a for a in actions if a.status != "dropped"]
    counts: dict[str, int] = {}
    for action in live:
        if action.owner.strip():
            counts[action.owner.strip()] = counts.get(action.owner.strip(), 0) + 1
    owners = sorted(counts, key=lambda o: (-counts[o], o.lower()))
    without = sum(1 for a in live if not a.owner.strip())
    line = t("export.plan_owners", lang, owners=listed(owners, lang, MOST_OWNERS)) if owners else \
        t("export.plan_owners_none", lang)
    if owners and without:
        line = line[:-1] + "; " + t("export.plan_no_owner", lang, count=without) + "."
    lines.append(line)
    open_actions = sorted((a for a in live if a.status != "done" and a.due_date), key=lambda a: (a.due_date, a.id))
    if open_actions:
        items = [f"{a.due_date.strftime('%d-%m-%Y')} {a.title}" for a in open_actions[:MOST_DEADLINES]]
        lines.append(t("export.plan_deadlines", lang, items="; ".join(items)))
    else:
        lines.append(t("export.plan_deadlines_none", lang))
    return lines


def group_words(report, lang: str) -> dict:
    peer = report.peers
    group = peer.group
    years = f"{group.years[0]}–{group.years[-1]}" if len(group.years) > 1 else str(group.years[0])
    return dict(organisations=peer.n_organisations, types=t(f"orgtype_plural.{group.org_type}", lang).lower(),
                sizes=t("export.all_sizes", lang) if report.peer_all_sizes else
                ", ".join(t(f"size.{c}", lang) for c in group.size_classes).lower(), years=years)


def peer_lines(report, lang: str) -> list[tuple[str, object]]:
    peer = report.peers
    if not peer:
        return [(t("export.peer_none", lang), None)]
    lines = [(t("export.peers_line", lang, n=peer.n_peers, min=peer.group.min_group, **group_words(report, lang)), None)]
    if peer.n_demo:
        lines.append((t("export.peers_fictitious", lang, n=peer.n_demo), ALERT_FONT))
    return lines


def legend_of_group(report, lang: str) -> str:
    peer = report.peers
    text = t("export.legend_group", lang, **group_words(report, lang))
    return f"{text} {t('export.legend_fictitious', lang)}" if peer.n_demo else text


def made_lines(report, lang: str) -> list[str]:
    """Who made the scan and how (alone, in a workshop, from colleagues' answers), who finalised it and when, and
    when this workbook was made: every moment in Dutch time."""
    making, assessment = report.making, report.assessment
    people = list(making.people) + ([t("export.local_user", lang)] if making.local_user else [])
    lines = []
    if len(people) == 1:
        lines.append(t("export.made_alone", lang, person=people[0]))
    elif people:
        lines.append(t("export.made_people", lang, count=len(people), people=listed(people, lang, MOST_OWNERS)))
    if making.workshop_participants:
        lines.append(t("export.made_workshop", lang, count=len(making.workshop_participants),
                       participants=sum(making.workshop_participants), answers=making.workshop_answers))
    if making.respondents and making.merged:
        lines.append(t("export.made_respondents", lang, count=making.respondents, merged=making.merged))
    elif making.respondents:
        lines.append(t("export.made_respondents_open", lang, count=making.respondents))
    if not lines:
        lines.append(t("export.made_unknown", lang))
    if assessment.is_final and assessment.finalised_at:
        when = dict(date=local(assessment.finalised_at, "%d-%m-%Y"), time=local(assessment.finalised_at, "%H:%M"))
        person = making.finalised_by or (t("export.local_user", lang) if making.local_user_finalised else None)
        lines.append(t("export.finalised_line", lang, person=person, **when) if person
                     else t("export.finalised_unknown", lang, **when))
    else:
        lines.append(t("export.not_finalised", lang))
    if report.exported_at:
        lines.append(t("export.exported_line", lang, date=local(report.exported_at, "%d-%m-%Y"),
                       time=local(report.exported_at, "%H:%M")))
    return lines


def summary_sheet(wb, report, lang: str, scores, radar_first: int, radar_last: int, title: dict):
    """The briefing, as the first sheet; returns the sheet and the row for the "where the details are" line, which
    the workbook writes when every sheet exists."""
    questionnaire, result, legal = report.questionnaire, report.result, report.legal
    ws = wb.create_sheet(t("export.sheet_summary", lang), 0)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    write(ws, 1, 1, t("export.summary_title", lang), font=TITLE_FONT)
    facts = [
        (t("export.organisation", lang), report.organisation.name),
        (t("export.period", lang), report.assessment.period),
        (t("export.questionnaire", lang), t("start.questionnaire_option", lang, title=questionnaire.title.get(lang),
                                            version=questionnaire.version)),
        (t("export.status", lang), t(f"status.{report.assessment.status}", lang)),
    ]
    row = 3
    for label, value in facts:
        write(ws, row, 1, label, font=BOLD)
        write(ws, row, 2, value)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(WIDTHS))
        row += 1
    row += 1
    if legal.exists:  # the law first, apart from the scores: a breach is never averaged away
        write(ws, row, 1, questionnaire.legal_minimum.title.get(lang), font=BOLD)
        row += 1
        row = text_row(ws, row, summary_text(legal, lang), font=ALERT_FONT if legal.not_met else None)
        for outcome in legal.not_met:
            parts = [title[d] for d in outcome.dimension_ids]
            row = text_row(ws, row, t("export.legal_not_met_line", lang, requirement=requirement_text(outcome.item, lang),
                                      parts=", ".join(parts)))
        row += 1

    # what the scan measures
    row = section(ws, row, t("export.measures_title", lang))
    row = text_row(ws, row, t("export.measures_intro", lang))
    for competency in questionnaire.competencies:
        row = text_row(ws, row, competency.description.get(lang), label=title[competency.id])
    row += 1

    # where we stand, and the change since last time
    row = section(ws, row, t("export.scores_title", lang))
    comparison = report.comparison
    earlier = {u.unit_id: u.earlier for u in comparison.competencies} if comparison else {}
    if comparison:
        earlier["overall"] = comparison.overall.earlier
    labels = [t("export.unit", lang), report.assessment.period, t("export.col_stage_basis", lang),
              report.earlier_period or "", t("export.col_change", lang) if comparison else ""]
    for column, label in enumerate(labels, start=1):
        write(ws, row, column, label, font=HEADER_FONT, alignment=Alignment(wrap_text=True, vertical="center"))
        ws.cell(row=row, column=column).fill = HEADER_FILL
    ws.row_dimensions[row].height = 20
    row += 1
    units = [("overall", t("results.overall", lang), result, legal.not_met, BOLD)]
    units += [(c.id, title[c.id], result.competencies[c.id], legal.not_met_in_competency(questionnaire, c.id), None)
              for c in questionnaire.competencies]
    for unit_id, name, scored, breaches, font in units:
        write(ws, row, 1, name, font=font, alignment=WRAP)
        write_score(ws, row, 2, scored.score, font=font, alignment=CENTRE)
        text = with_breach(f"{stage_text(questionnaire, scored.stage, lang)} · {basis_text(scored, lang)}", breaches,
                           lang)
        write(ws, row, 3, text, alignment=WRAP)
        before = earlier.get(unit_id)
        if before is not None:
            write_score(ws, row, 4, before, alignment=CENTRE)
            change = shown_score_change(before, scored.score)
            if change is not None:
                value, decimals = change
                fmt = "0." + "0" * decimals
                write(ws, row, 5, value, number_format=f"+{fmt};−{fmt};{fmt}", font=font, alignment=CENTRE)
        ws.row_dimensions[row].height = 14 * max(_lines(text, WIDTHS["C"]), _lines(name, WIDTHS["A"])) + 3
        row += 1
    row = text_row(ws, row, t("export.how_to_read", lang) + " " + (
        t("export.change_rule", lang) if comparison else t("export.no_earlier", lang)))
    ranked = result.ranked_dimensions()
    half = len(ranked) // 2  # never the same part strongest and weakest: each from its own half
    if half:
        row = text_row(ws, row, parts_line(ranked[:half], title, lang), label=t("export.strongest_label", lang))
        row = text_row(ws, row, parts_line(list(reversed(ranked))[:half], title, lang),
                       label=t("export.weakest_label", lang))
    elif ranked:
        row = text_row(ws, row, t("results.too_few_to_rank", lang), label=t("export.strongest_label", lang))
    row += 1

    row = section(ws, row, t("export.plan_title", lang))
    for line in plan_lines(report, lang):
        row = text_row(ws, row, line)
    row += 1
    row = section(ws, row, t("export.peers_title", lang))
    for line, font in peer_lines(report, lang):
        row = text_row(ws, row, line, font=font)
    row += 1
    row = section(ws, row, t("export.made_title", lang))
    for line in made_lines(report, lang):
        row = text_row(ws, row, line)
    row += 1
    row = section(ws, row, t("export.where_title", lang))
    where_row = row

    chart = score_radar(t("results.radar_title", lang))
    chart.add_data(Reference(scores, min_col=3, max_col=3, min_row=radar_first, max_row=radar_last),
                   titles_from_data=False)
    chart.add_data(Reference(scores, min_col=6, max_col=6, min_row=radar_first, max_row=radar_last),
                   titles_from_data=False)
    chart.series[0].tx = SeriesLabel(v=t("results.legend_score", lang))
    chart.series[1].tx = SeriesLabel(v=t("results.legend_target", lang))
    if report.peers:
        chart.add_data(Reference(scores, min_col=8, max_col=8, min_row=radar_first, max_row=radar_last),
                       titles_from_data=False)
        chart.series[2].tx = SeriesLabel(v=legend_of_group(report, lang))
    chart.set_categories(Reference(scores, min_col=2, max_col=2, min_row=radar_first, max_row=radar_last))
    # blue, orange and grey with dashes: told apart without relying on red and green
    for series, (colour, dash) in zip(chart.series, [("1D4ED8", None), ("B45309", "dash"), ("64748B", "sysDot")]):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        if dash:
            series.graphicalProperties.line.prstDash = dash
    chart.height, chart.width = 17, 17  # cm: beside the text, on the same page
    chart.legend.position = "b"
    ws.add_chart(chart, "G3")
    print_ready(ws, report, lang, None)
    ws.page_setup.fitToHeight = 1  # the briefing with its radar on one page
    return ws, where_row


def where_line(ws, row: int, sheet_names: list[str], lang: str) -> None:
    text_row(ws, row, t("export.where_line", lang, sheets=", ".join(sheet_names)))
    ws.print_area = f"A1:N{max(row, ws.max_row)}"
