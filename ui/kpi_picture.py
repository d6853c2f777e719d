"""The KPI picture on the Resultaten page: per competency its maturity score next to the organisation's KPIs
over the assessment's period (or their latest value), with the target each has reached or not (a context KPI has
no verdict) and, for a percentage, the cases it rests on."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from indicators.display import cases_note, phrase_text, value_text
from indicators.figures import figure_over, latest, month_range, target_status
from kpi import service as kpis
from ui.language import lang, tr
from ui.paths import PAGE_KPI
from ui.safe_text import escape_md
from ui.session import kpi_library
from ui.url_state import PARAM_ORGANISATION, go_to


def show_kpi_picture(db, actor, assessment, questionnaire, result, score_text: Callable[[float | None], str]) -> None:
    """The box with the KPI picture (nothing without a KPI library); `score_text` writes a maturity score."""
    language = lang()
    period_months = month_range(assessment.period)


    def kpi_figure(entry: kpis.RegisterKpi, measurements):
        """The KPI's figure over the assessment's period, or else its latest value: (value, its period when it is
        not the assessment's, months measured within the assessment's period, the figure or measurement it comes
        from)."""
        kpi = entry.definition
        figure = figure_over(kpi, measurements, *period_months) if period_months else None
        if figure is not None and figure.value is not None:
            return figure.value, None, figure.months, figure
        newest = latest(kpi, measurements)
        if newest is not None and newest[1] is not None:
            return newest[1], newest[0].period.code, None, newest[0]
        return None, None, None, None


    def kpi_part(entry: kpis.RegisterKpi, found, months_note: bool) -> str:
        """'41% van de klagers voelt zich gehoord (gebaseerd op 17 klagers, doel 60%, nog niet gehaald)'."""
        kpi = entry.definition
        value, period, months, basis = found
        if value is None:
            name = kpi.name.get(language)
            return tr("results.kpi_no_value", name=name if entry.from_library else escape_md(name))
        text = phrase_text(kpi, value, language)
        text = text if entry.from_library else escape_md(text)
        notes = [period] if period else []
        if (cases := cases_note(kpi, basis, language)) is not None:
            notes.append(cases)
        if months_note and months is not None and months < period_months[1]:
            notes.append(tr("results.kpi_months", months=months, total=period_months[1]))
        if entry.target is not None and kpi.has_direction:  # a context KPI has no verdict
            status = target_status(kpi, value, entry.target)
            notes.append(tr(f"results.kpi_{status}", target=value_text(kpi, entry.target, language)))
        return f"{text} ({', '.join(notes)})" if notes else text


    kpi_library_now, _ = kpi_library()
    if kpi_library_now is not None:
        register = kpis.get_register(db, actor=actor, organisation_id=assessment.organisation_id,
                                     library=kpi_library_now)
        per_competency = {c.id: [k for k in register.usable() if k.definition.competency == c.id]
                          for c in questionnaire.competencies}
        found = {e.id: kpi_figure(e, register.measurements(e.id)) for entries in per_competency.values() for e in entries}
        # how much of the period is measured: said once when it is the same for every KPI, else per KPI
        measured = {months for _, period, months, _ in found.values() if months is not None}
        same_months = measured.pop() if len(measured) == 1 else None
        with st.container(border=True):
            st.header(tr("results.kpi_title"), anchor=False)
            if any(per_competency.values()):
                for competency in questionnaire.competencies:
                    entries = per_competency[competency.id]
                    if not entries:
                        continue
                    score = tr("results.kpi_score", score=score_text(result.competencies[competency.id].score))
                    parts = {e.id: kpi_part(e, found[e.id], same_months is None) for e in entries}
                    people = [parts[e.id] for e in entries if e.definition.people_centred]
                    others = [parts[e.id] for e in entries if not e.definition.people_centred]
                    st.markdown(tr("results.kpi_line", competency=competency.title.get(language),
                                   parts=" · ".join([score] + people)))
                    if others:
                        st.caption(tr("results.kpi_also", parts=" · ".join(others)))
                help_text = tr("results.kpi_help", period=assessment.period)
                if same_months is not None and period_months and same_months < period_months[1]:
                    help_text += " " + tr("results.kpi_months_all", months=same_months, total=period_months[1],
                                          period=assessment.period)
                st.caption(help_text)
            elif register.usable():  # KPIs of competencies this questionnaire does not have
                st.caption(tr("results.kpi_other_competencies", count=len(register.usable())))
            else:
                st.caption(tr("results.kpi_none"))
            if st.button(tr("results.to_kpi"), icon=":material/monitoring:"):
                go_to(PAGE_KPI, assessment.id, **{PARAM_ORGANISATION: str(assessment.organisation_id)})
