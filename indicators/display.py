"""KPI figures in words and numbers, the same on the pages and in the workbook (one rounding rule)."""

from __future__ import annotations

from i18n import format_number, format_percent, t

from .figures import shown
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
