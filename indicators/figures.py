"""Periods, measured values and the figures made of them: pure functions, no database.

Periods are a year (`2026`), a quarter (`2026-Q3`; `2026-K3` is read as the same) or a month (`2026-03`). A
period is a run of months, so two periods overlap when they share a month; a KPI has at most one value for
any month, so a year can never be counted twice (once as a year and once as its quarters).

Adding periods up: a ratio is the sum of the numerators over the sum of the denominators (never the mean of
the percentages: 30 of 50 and 45 of 60 make 75 of 110, 68%, not 67,5%); a count is the sum. A percentage or a
number of days typed as a single figure cannot be combined: over more than one period it has no figure.

Checking a value (`check_measurement`) raises `KpiValueError` with a code, the field and parameters, so the
service can say it as an input error or as a problem in a row and column of a file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from i18n import round_half_up

from questionnaires.model import LocalizedText
from rules.numbers import Ambiguous, read_cell
from rules.numbers import shown as shown_in

from .model import DECIMALS, MULTIPLIER, KpiDefinition

MONTHS_IN = {"year": 12, "quarter": 3, "month": 1}
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*[QK]([1-4])$")
_QUARTER_FIRST = re.compile(r"^[QK]([1-4])\s*[-/ ]?\s*(\d{4})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/]\s*(\d{1,2})$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")  # 3-2026, 03/2026
_DATE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")  # a Dutch date: 1-3-2026
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")  # 2026-03-01, as a database writes it
_NAMED_MONTH = re.compile(r"^([A-Z]+)\.?\s*[-/ ]?\s*(\d{4})$")  # jan 2026, januari 2026, mrt. 2026
_NAMED_MONTH_LAST = re.compile(r"^(\d{4})\s*[-/ ]?\s*([A-Z]+)\.?$")  # 2026 jan
_NO_YEAR = re.compile(r"^(\d{1,2}\s*[-/.]\s*\d{1,2}|[A-Z]+\.?|[QK][1-4])$")  # 03-04, maart, Q1
_SHORT_YEAR = re.compile(r"^(\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2}|[A-Z]+\.?\s*[-/ ']?\s*'?\d{2}"
                         r"|[QK][1-4]\s*[-/ ']?\s*'?\d{2}|\d{2}\s*[-/ ]?\s*[QK][1-4])$")  # 1-3-26, jan 26, Q1 '26
MONTH_NAMES = {  # Dutch and English names and abbreviations, as people write them
    1: ("JANUARI", "JANUARY", "JAN"), 2: ("FEBRUARI", "FEBRUARY", "FEB"), 3: ("MAART", "MARCH", "MRT", "MAR", "MAA"),
    4: ("APRIL", "APR"), 5: ("MEI", "MAY"), 6: ("JUNI", "JUNE", "JUN"), 7: ("JULI", "JULY", "JUL"),
    8: ("AUGUSTUS", "AUGUST", "AUG"), 9: ("SEPTEMBER", "SEPT", "SEP"), 10: ("OKTOBER", "OCTOBER", "OKT", "OCT"),
    11: ("NOVEMBER", "NOV"), 12: ("DECEMBER", "DEC"),
}
_MONTH_OF_NAME = {name: month for month, names in MONTH_NAMES.items() for name in names}
FIRST_YEAR, LAST_YEAR = 2000, 2100


class KpiValueError(ValueError):
    """A value that cannot be stored: `code` is a text key (error.<code>), `field` the input it is about."""

    def __init__(self, code: str, field: str, **params):
        super().__init__(f"{field}: {code} {params}")
        self.code, self.field, self.params = code, field, params


@dataclass(frozen=True, order=True)
class Period:
    first_month: int  # months since year 0: year * 12 + month - 1, so periods sort by their start
    months: int  # 12, 3 or 1
    code: str

    @property
    def last_month(self) -> int:
        return self.first_month + self.months - 1

    @property
    def year(self) -> int:
        return self.first_month // 12

    @property
    def kind(self) -> str:
        return {12: "year", 3: "quarter", 1: "month"}[self.months]

    @property
    def start(self) -> date:
        return date(self.first_month // 12, self.first_month % 12 + 1, 1)

    def overlaps(self, other: "Period") -> bool:
        return self.first_month <= other.last_month and other.first_month <= self.last_month

    def within(self, first_month: int, months: int) -> bool:
        return first_month <= self.first_month and self.last_month <= first_month + months - 1


def _period(year: int, month: int, months: int, code: str) -> Period:
    return Period(year * 12 + month - 1, months, code)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_period(raw) -> Period:
    """A period as typed (or as a spreadsheet cell holds it: a year as a number, a month as a date).

    A year: 2026. A quarter: 2026-Q1, Q1 2026, K1 2026, 2026 K1. A month: 2026-03, 2026-3, 3-2026, 03/2026, a
    month's name or abbreviation in Dutch or English before or after the year (jan 2026, januari 2026, mrt.
    2026, 2026 maart), or a date in the month, day first as in Dutch (1-3-2026, 01/03/2026) or ISO (2026-03-01).
    A period without a year ("03-04", "maart", "Q1") or with a year of two digits ("1-3-26") has more than one
    meaning: it is refused with that reason."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):  # a spreadsheet turns "2026-03" into the date 1 March 2026
        year, month = raw.year, raw.month
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise KpiValueError("kpi_invalid_period", "period", value=raw.isoformat())
        return _period(year, month, 1, f"{year}-{month:02d}")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join(("" if raw is None else str(raw)).split()).upper()
    found = None  # (year, first month, number of months, code)
    month = None  # (year, month) of a month written in any of its forms
    if match := _YEAR.match(text):
        found = (int(match[1]), 1, 12, match[1])
    elif match := _QUARTER.match(text) or _QUARTER_FIRST.match(text):
        year, quarter = (int(match[1]), int(match[2])) if match.re is _QUARTER else (int(match[2]), int(match[1]))
        found = (year, quarter * 3 - 2, 3, f"{year}-Q{quarter}")
    elif match := _MONTH.match(text):
        month = (int(match[1]), int(match[2]))
    elif match := _MONTH_FIRST.match(text):
        month = (int(match[2]), int(match[1]))
    elif (match := _DATE.match(text)) and _real_date(int(match[3]), int(match[2]), int(match[1])):
        month = (int(match[3]), int(match[2]))
    elif (match := _ISO_DATE.match(text)) and _real_date(int(match[1]), int(match[2]), int(match[3])):
        month = (int(match[1]), int(match[2]))
    elif (match := _NAMED_MONTH.match(text)) and match[1] in _MONTH_OF_NAME:
        month = (int(match[2]), _MONTH_OF_NAME[match[1]])
    elif (match := _NAMED_MONTH_LAST.match(text)) and match[2] in _MONTH_OF_NAME:
        month = (int(match[1]), _MONTH_OF_NAME[match[2]])
    elif _NO_YEAR.match(text) and (text.rstrip(".") in _MONTH_OF_NAME or not text.isalpha()):
        raise KpiValueError("kpi_period_without_year", "period", value=str(raw)[:40])
    elif _SHORT_YEAR.match(text):
        raise KpiValueError("kpi_period_short_year", "period", value=str(raw)[:40])
    if month is not None and 1 <= month[1] <= 12:
        found = (month[0], month[1], 1, f"{month[0]}-{month[1]:02d}")
    if found is None or not FIRST_YEAR <= found[0] <= LAST_YEAR:
        raise KpiValueError("kpi_invalid_period", "period", value=str(raw if raw is not None else "")[:40])
    return _period(*found)


def month_range(period_code: str) -> tuple[int, int] | None:
    """The months (first month, number of months) of an assessment's period: a year, half year or quarter
    (`2026`, `2026-H1`, `2026-Q3`); None when it is none of these."""
    if match := _HALF.match(period_code or ""):
        return int(match[1]) * 12 + (int(match[2]) - 1) * 6, 6
    try:
        period = parse_period(period_code)
    except KpiValueError:
        return None
    return period.first_month, period.months


def check_not_future(period: Period, today: date) -> None:
    if period.start > today:
        raise KpiValueError("kpi_future_period", "period", period=period.code)


# --- values --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    period: Period
    value: float | None  # the figure itself when the KPI is no ratio
    numerator: float | None = None
    denominator: float | None = None


def parse_number(raw, field: str, period: str, *, whole: bool = False) -> float | None:
    """A number as typed or read from a file: 41, 41.5, "41,5", "1.234,5", "1 040", "41%"; empty is None.

    Text is read in Dutch or English notation (`rules.numbers`). A cell with two readings ("1.040": 1040 or
    1,04) that its file column did not settle comes as `Ambiguous`: when `whole` (a count) and only one
    reading is a whole number, that one is meant; otherwise it is refused naming both readings."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise KpiValueError("kpi_not_a_number", field, value=str(raw), period=period)
    if isinstance(raw, str):
        raw = read_cell(raw, None)
    if isinstance(raw, Ambiguous):
        meant = [reading for reading in (raw.nl, raw.en) if reading.is_integer()] if whole else []
        if len(meant) != 1:
            raise KpiValueError("kpi_ambiguous_number", field, value=raw.text[:40], period=period,
                                first=LocalizedText(nl=shown_in(raw.nl, "nl"), en=shown_in(raw.nl, "en")),
                                second=LocalizedText(nl=shown_in(raw.en, "nl"), en=shown_in(raw.en, "en")))
        raw = meant[0]
    if not isinstance(raw, (int, float)):
        raise KpiValueError("kpi_not_a_number", field, value=str(raw)[:40], period=period)
    number = float(raw)
    if not math.isfinite(number):
        raise KpiValueError("kpi_not_a_number", field, value=str(raw)[:40], period=period)
    return number


def _shown_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _written(raw, number: float):
    """A number in a message: as it was typed, or (read from a file) in the user's notation."""
    if isinstance(raw, str):
        return raw.strip()[:40]
    return LocalizedText(nl=shown_in(number, "nl"), en=shown_in(number, "en"))


def counted_fields(kpi: KpiDefinition) -> tuple[str, ...]:
    """The fields of `kpi` that count things, so hold whole numbers: the denominator of a ratio (cases,
    contacts), the numerator of a percentage or a figure per 1,000, and the value of a count. (The numerator
    of a number of days is a total of days, which may have a fraction.)"""
    if kpi.is_ratio:
        return ("numerator", "denominator") if kpi.unit in ("percentage", "per_1000") else ("denominator",)
    return ("value",) if kpi.unit == "count" else ()


def check_measurement(kpi: KpiDefinition, period_raw, *, value=None, numerator=None, denominator=None,
                      today: date) -> Measurement:
    """The checked value of `kpi` for a period, or `KpiValueError`. A ratio takes numerator and denominator
    (the figure is computed); any other KPI takes the value itself."""
    period = parse_period(period_raw)
    check_not_future(period, today)
    code = period.code
    counts = counted_fields(kpi)
    written = {"value": value, "numerator": numerator, "denominator": denominator}
    value = parse_number(value, "value", code, whole="value" in counts)
    numerator = parse_number(numerator, "numerator", code, whole="numerator" in counts)
    denominator = parse_number(denominator, "denominator", code, whole="denominator" in counts)
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if name in counts and number is not None and not number.is_integer():
            raw = written[name]
            raise KpiValueError("kpi_count_not_whole", name, period=code, value=_written(raw, number))
    if kpi.is_ratio:
        if value is not None:
            raise KpiValueError("kpi_value_for_ratio", "value", period=code)
        for name, number in (("numerator", numerator), ("denominator", denominator)):
            if number is None:
                raise KpiValueError("kpi_missing_number", name, period=code)
            if number < 0:
                raise KpiValueError("kpi_negative", name, period=code, value=_shown_number(number))
        if denominator == 0:
            raise KpiValueError("kpi_zero_denominator", "denominator", period=code)
        if kpi.unit in ("percentage", "per_1000") and numerator > denominator:
            raise KpiValueError("kpi_numerator_above_denominator", "numerator", period=code,
                                numerator=_shown_number(numerator), denominator=_shown_number(denominator))
        return Measurement(period, None, numerator, denominator)
    if numerator is not None or denominator is not None:
        raise KpiValueError("kpi_ratio_for_value", "numerator" if numerator is not None else "denominator",
                            period=code)
    if value is None:
        raise KpiValueError("kpi_missing_number", "value", period=code)
    if value < 0:
        raise KpiValueError("kpi_negative", "value", period=code, value=_shown_number(value))
    if kpi.unit == "percentage" and value > 100:
        raise KpiValueError("kpi_percentage_range", "value", period=code, value=_shown_number(value))
    if kpi.unit == "count" and not value.is_integer():
        raw = written["value"]
        raise KpiValueError("kpi_not_whole", "value", period=code, value=_written(raw, value))
    return Measurement(period, value)


def check_target(kpi: KpiDefinition, raw) -> float | None:
    """A target in the KPI's own unit (a percentage as 0-100); None removes it."""
    try:
        target = parse_number(raw, "target", "")
    except KpiValueError:
        raise KpiValueError("kpi_invalid_target", "target", value=str(raw)[:40])
    if target is None:
        return None
    if target < 0:
        raise KpiValueError("kpi_invalid_target", "target", value=_shown_number(target))
    if kpi.unit == "percentage" and target > 100:
        raise KpiValueError("kpi_invalid_target", "target", value=_shown_number(target))
    return target


def overlap(period: Period, taken: list[Period]) -> Period | None:
    """The first of `taken` that shares a month with `period` (the same period first)."""
    same = next((p for p in taken if p.code == period.code), None)
    return same or next((p for p in taken if p.overlaps(period)), None)


# --- figures -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """The figure of a KPI over one or more periods, in the KPI's unit (a percentage as 0-100)."""

    value: float | None  # None when the periods cannot be added up, or the denominator is 0
    numerator: float | None
    denominator: float | None
    periods: tuple[str, ...]
    months: int  # how many months the periods cover

    @property
    def label(self) -> str:
        return self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]} – {self.periods[-1]}"


def value_of(kpi: KpiDefinition, measurement: Measurement) -> float | None:
    if kpi.is_ratio:
        if not measurement.denominator:
            return None
        return measurement.numerator / measurement.denominator * MULTIPLIER[kpi.unit]
    return measurement.value


def combine(kpi: KpiDefinition, measurements: list[Measurement]) -> Figure | None:
    """One figure for the measurements together (None without measurements)."""
    if not measurements:
        return None
    ordered = sorted(measurements, key=lambda m: m.period)
    periods = tuple(m.period.code for m in ordered)
    months = sum(m.period.months for m in ordered)
    if kpi.is_ratio:
        numerator = sum(m.numerator for m in ordered)
        denominator = sum(m.denominator for m in ordered)
        value = numerator / denominator * MULTIPLIER[kpi.unit] if denominator else None
        return Figure(value, numerator, denominator, periods, months)
    if kpi.unit == "count":
        return Figure(sum(m.value for m in ordered), None, None, periods, months)
    return Figure(ordered[0].value if len(ordered) == 1 else None, None, None, periods, months)


def figure_over(kpi: KpiDefinition, measurements: list[Measurement], first_month: int, months: int) -> Figure | None:
    """The figure over the measurements whose period lies within the given months."""
    return combine(kpi, [m for m in measurements if m.period.within(first_month, months)])


def yearly(kpi: KpiDefinition, measurements: list[Measurement]) -> dict[int, Figure]:
    """A figure per calendar year, adding up the periods measured in it."""
    years = sorted({m.period.year for m in measurements})
    return {year: figure_over(kpi, measurements, year * 12, 12) for year in years}


def latest(kpi: KpiDefinition, measurements: list[Measurement]) -> tuple[Measurement, float | None] | None:
    """The most recent measurement (by the end of its period) with its figure."""
    if not measurements:
        return None
    newest = max(measurements, key=lambda m: (m.period.last_month, -m.period.months))
    return newest, value_of(kpi, newest)


def shown(kpi: KpiDefinition, value: float) -> float:
    """A figure as it is shown, by the one rounding rule (a percentage to whole percents)."""
    return round_half_up(value, DECIMALS[kpi.unit])


def target_status(kpi: KpiDefinition, value: float | None, target: float | None) -> str | None:
    """"reached" or "not_reached" (compared as shown, so 59,6% counts as the 60% it shows), or None. A context
    KPI never has a verdict: up or down is not better or worse."""
    if value is None or target is None or not kpi.has_direction:
        return None
    figure, goal = shown(kpi, value), shown(kpi, target)
    reached = figure >= goal if kpi.direction == "higher" else figure <= goal
    return "reached" if reached else "not_reached"


def change(kpi: KpiDefinition, earlier: float | None, later: float | None) -> str | None:
    """"better", "worse" or "same" from `earlier` to `later`, in the KPI's direction (as shown). A context KPI
    only goes "higher" or "lower": never better or worse."""
    if earlier is None or later is None:
        return None
    before, after = shown(kpi, earlier), shown(kpi, later)
    if before == after:
        return "same"
    if not kpi.has_direction:
        return "higher" if after > before else "lower"
    return "better" if (after > before) == (kpi.direction == "higher") else "worse"


# --- the cases behind a percentage -----------------------------------------------------------------------

MIN_CASES = 10  # a percentage of fewer cases than this is uncertain: one case more or less moves it a lot


@dataclass(frozen=True)
class Cases:
    """How many cases are behind a percentage: the denominator, summed over the periods the figure covers (a
    figure over three quarters of 10, 12 and 8 complainants rests on 30). `n` is None for a percentage typed as
    one figure: then the number is not known."""

    n: float | None

    @property
    def uncertain(self) -> bool:
        return self.n is not None and self.n < MIN_CASES


def cases_behind(kpi: KpiDefinition, figure: "Figure | Measurement | None") -> Cases | None:
    """The one rule for the number beside a percentage (pages, history and workbook all use it): the cases
    behind a figure or a single measurement of a percentage KPI; None for any other unit, or without a figure."""
    if kpi.unit != "percentage" or figure is None:
        return None
    return Cases(figure.denominator if kpi.is_ratio else None)


@dataclass(frozen=True)
class Effect:
    """A KPI around an action: the last measurement before the action started and every one after it."""

    before: tuple[Measurement, float | None] | None
    after: list[tuple[Measurement, float | None]]


def effect(kpi: KpiDefinition, measurements: list[Measurement], start: date) -> Effect:
    first_month = start.year * 12 + start.month - 1
    ordered = sorted(measurements, key=lambda m: m.period)
    before = [m for m in ordered if m.period.last_month < first_month]
    after = [m for m in ordered if m.period.first_month >= first_month]
    last_before = max(before, key=lambda m: (m.period.last_month, -m.period.months)) if before else None
    return Effect((last_before, value_of(kpi, last_before)) if last_before else None,
                  [(m, value_of(kpi, m)) for m in after])


def months_measured(measurements: list[Measurement], first_month: int, months: int) -> int:
    """How many months of the given range the measurements within it cover: fewer than `months` is a part year
    (a year measured over Q1-Q3 only), which a table must mark so that it is not read as a fall."""
    covered = set()
    for m in measurements:
        if m.period.within(first_month, months):
            covered.update(range(m.period.first_month, m.period.first_month + m.period.months))
    return len(covered)
