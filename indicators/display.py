"""KPI figures in words and numbers, the same on the pages and in the workbook (one rounding rule)."""

from __future__ import annotations

from i18n import format_number, format_percent, t

from .figures import Figure, Measurement, cases_behind, shown
from .model import DECIMALS, KpiDefinition


def number_text(kpi: KpiDefinition, value: float | None, lang: str) -> str:
    """The figure itself: '41%', '12,3', '18,5', '120' ('–' without a figure)."""
    if value is None:
        return "–"
    if kpi.unit == "percentage":
        return format_percent(shown(kpi, value) / 100, lang)
    return format_number(value, lang, DECIMALS[kpi.unit])


def value_text(kpi: KpiDefinition, value: float | None, lang: str) -> str:
    """The figure with its unit: '41%', '12,3 per 1.000 contacten', '18,5 dagen', '120'."""
    if value is None:
        return "–"
    if kpi.unit in ("per_1000", "days"):
        return t(f"kpi.value_{kpi.unit}", lang, value=number_text(kpi, value, lang))
    return number_text(kpi, value, lang)


def _cases_parts(kpi: KpiDefinition, basis: Figure | Measurement | None, lang: str) -> tuple[str, str] | None:
    """(number of cases with their noun, the uncertainty mark or ""), "" for an unknown number; None when the
    figure is no percentage."""
    cases = cases_behind(kpi, basis)
    if cases is None:
        return None
    if cases.n is None:
        return "", t("kpi.cases_unknown", lang)
    noun = kpi.cases.get(lang) if kpi.cases is not None else t("kpi.cases_noun", lang)
    counted = f"{format_number(cases.n, lang, 0)} {noun}"
    return counted, t("kpi.cases_uncertain", lang) if cases.uncertain else ""


def figure_text(kpi: KpiDefinition, value: float | None, basis: Figure | Measurement | None, lang: str) -> str:
    """A figure as `value_text` writes it and, for a percentage, the cases behind it (`basis`: the figure or
    measurement it comes from): '41% van 17 klagers', '41% van 7 klagers (onzeker: minder dan 10)', '41%
    (aantal niet bekend)' when it was typed as one figure. Every shown percentage goes through here."""
    text = value_text(kpi, value, lang)
    parts = _cases_parts(kpi, basis, lang) if value is not None else None
    if parts is None:
        return text
    counted, mark = parts
    if counted:
        text = t("kpi.cases_of", lang, value=text, cases=counted)
    return f"{text} ({mark})" if mark else text


def cases_text(kpi: KpiDefinition, basis: Figure | Measurement | None, lang: str) -> str | None:
    """The cases behind a percentage on their own, for a cell under the figure: '17 klagers', '7 klagers
    (onzeker: minder dan 10)', 'aantal niet bekend'; None for other units."""
    parts = _cases_parts(kpi, basis, lang)
    if parts is None:
        return None
    counted, mark = parts
    if not counted:
        return mark
    return f"{counted} ({mark})" if mark else counted


def cases_note(kpi: KpiDefinition, basis: Figure | Measurement | None, lang: str) -> str | None:
    """The cases behind a percentage as a note beside a sentence that already has the figure: 'gebaseerd op 17
    klagers', 'gebaseerd op 7 klagers, onzeker: minder dan 10', 'aantal niet bekend'; None for other units."""
    parts = _cases_parts(kpi, basis, lang)
    if parts is None:
        return None
    counted, mark = parts
    if not counted:
        return mark
    note = t("kpi.cases_based", lang, cases=counted)
    return f"{note}, {mark}" if mark else note


def phrase_text(kpi: KpiDefinition, value: float | None, lang: str) -> str:
    """The figure in a sentence ('41% van de klagers voelt zich gehoord'), or 'name: figure'."""
    if kpi.phrase is not None and value is not None:
        return kpi.phrase.get(lang).replace("{value}", number_text(kpi, value, lang))
    return t("kpi.name_value", lang, name=kpi.name.get(lang), value=value_text(kpi, value, lang))


def kind_text(kpi: KpiDefinition, lang: str) -> str:
    return t("kpi.kind_people" if kpi.people_centred else "kpi.kind_traditional", lang)


def unit_text(kpi: KpiDefinition, lang: str) -> str:
    return t(f"kpi.unit_{kpi.unit}", lang)


def direction_text(kpi: KpiDefinition, lang: str) -> str:
    return t(f"kpi.direction_{kpi.direction}", lang)


def result_areas_text(kpi: KpiDefinition, lang: str) -> str | None:
    """The Gouden Oor result areas a KPI gives evidence of, in words; None when it names none."""
    if not kpi.result_areas:
        return None
    return t("kpi.result_areas", lang, areas=", ".join(t(f"kpi.area_{a}", lang) for a in kpi.result_areas))
