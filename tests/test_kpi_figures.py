"""KPI figures, computed by hand: periods, checking values, adding periods up, direction and target status."""

from datetime import date, datetime

import pytest

from indicators.display import cases_note, figure_text, number_text, phrase_text, value_text
from indicators.figures import (MIN_CASES, KpiValueError, Measurement, cases_behind, change, check_measurement,
                                check_target, combine, effect, figure_over, latest, month_range, overlap,
                                parse_period, target_status, value_of, yearly)
from indicators.library import DEFAULT_FILE, load_library
from indicators.model import own_definition

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULT_FILE)


@pytest.fixture(scope="module")
def heard(library):
    return library.kpi("klagers-gehoord")  # percentage, ratio, higher is better


@pytest.fixture(scope="module")
def lead_time(library):
    return library.kpi("doorlooptijd")  # days, ratio (total days / cases), lower is better


@pytest.fixture(scope="module")
def complaints(library):
    return library.kpi("aantal-klachten")  # count


def m(kpi, period, **numbers):
    return check_measurement(kpi, period, today=TODAY, **numbers)


@pytest.mark.parametrize("raw, code, first_month, months", [
    ("2026", "2026", 2026 * 12, 12), (2026, "2026", 2026 * 12, 12), (2026.0, "2026", 2026 * 12, 12),
    ("2026-Q1", "2026-Q1", 2026 * 12, 3), ("2026-q3", "2026-Q3", 2026 * 12 + 6, 3),
    ("2026-K4", "2026-Q4", 2026 * 12 + 9, 3), ("Q2 2026", "2026-Q2", 2026 * 12 + 3, 3),
    ("2026-03", "2026-03", 2026 * 12 + 2, 1), ("2026-3", "2026-03", 2026 * 12 + 2, 1),
    ("2026/11", "2026-11", 2026 * 12 + 10, 1), (date(2026, 3, 1), "2026-03", 2026 * 12 + 2, 1),
    (datetime(2026, 3, 1, 0, 0), "2026-03", 2026 * 12 + 2, 1),
])
def test_periods_are_read_as_a_year_quarter_or_month(raw, code, first_month, months):
    period = parse_period(raw)
    assert (period.code, period.first_month, period.months) == (code, first_month, months)


@pytest.mark.parametrize("raw", ["", None, "2026-Q5", "2026-13", "2026-00", "26", "1999", "2026-H1", "voorjaar",
                                 "31-2-2026", "jan 1999", "Q5 2026", "13-2026", "smarch 2026"])
def test_unknown_period_formats_are_refused(raw):
    with pytest.raises(KpiValueError) as refused:
        parse_period(raw)
    assert refused.value.code == "kpi_invalid_period" and refused.value.field == "period"


@pytest.mark.parametrize("raw, code", [
    ("jan 2026", "2026-01"), ("januari 2026", "2026-01"), ("Januari 2026", "2026-01"), ("feb. 2026", "2026-02"),
    ("mrt 2026", "2026-03"), ("maart 2026", "2026-03"), ("March 2026", "2026-03"), ("mei 2026", "2026-05"),
    ("May 2026", "2026-05"), ("okt 2025", "2025-10"), ("October 2025", "2025-10"), ("2026 juni", "2026-06"),
    ("dec-2025", "2025-12"), ("K1 2026", "2026-Q1"), ("Q1 2026", "2026-Q1"), ("2026 K1", "2026-Q1"),
    ("k3-2026", "2026-Q3"), ("2026-1", "2026-01"), ("3-2026", "2026-03"), ("03/2026", "2026-03"),
    ("1-3-2026", "2026-03"), ("31-03-2026", "2026-03"), ("01/03/2026", "2026-03"), ("1.3.2026", "2026-03"),
    ("2026-03-01", "2026-03"), ("  jan   2026 ", "2026-01"),
])
def test_periods_as_people_type_them(raw, code):
    assert parse_period(raw).code == code


@pytest.mark.parametrize("raw, reason", [
    ("03-04", "kpi_period_without_year"), ("maart", "kpi_period_without_year"), ("Q1", "kpi_period_without_year"),
    ("K2", "kpi_period_without_year"), ("mrt.", "kpi_period_without_year"),
    ("1-3-26", "kpi_period_short_year"), ("jan 26", "kpi_period_short_year"), ("Q1 '26", "kpi_period_short_year"),
    ("mrt-26", "kpi_period_short_year"),
])
def test_periods_with_two_meanings_are_refused_with_the_reason(raw, reason):
    with pytest.raises(KpiValueError) as refused:
        parse_period(raw)
    assert refused.value.code == reason and refused.value.params["value"] == raw


def test_periods_overlap_when_they_share_a_month():
    year, q1, march, april = (parse_period(p) for p in ("2026", "2026-Q1", "2026-03", "2026-04"))
    assert year.overlaps(q1) and q1.overlaps(march) and not q1.overlaps(april)
    assert overlap(march, [april, year]) == year
    assert overlap(q1, [year, parse_period("2026-Q1")]).code == "2026-Q1"  # the same period is named first
    assert overlap(parse_period("2025"), [q1, march]) is None
    assert month_range("2026-H2") == (2026 * 12 + 6, 6) and month_range("2026-Q3") == (2026 * 12 + 6, 3)
    assert month_range("2026") == (2026 * 12, 12) and month_range("later") is None


def test_ratios_are_added_up_by_numerator_and_denominator(heard):
    q1 = m(heard, "2026-Q1", numerator=30, denominator=50)  # 60%
    q2 = m(heard, "2026-Q2", numerator=45, denominator=60)  # 75%
    year = combine(heard, [q2, q1])
    # 75 of 110 = 68.18%, not the mean of 60% and 75% (67.5%)
    assert (year.numerator, year.denominator) == (75, 110)
    assert year.value == pytest.approx(75 / 110 * 100)
    assert year.periods == ("2026-Q1", "2026-Q2") and year.months == 6 and year.label == "2026-Q1 – 2026-Q2"
    assert number_text(heard, year.value, "nl") == "68%"
    assert yearly(heard, [q1, q2, m(heard, "2025", numerator=1, denominator=4)])[2025].value == 25
    assert figure_over(heard, [q1, q2], 2026 * 12, 3).value == 60  # the first quarter only
    assert figure_over(heard, [q1, q2], 2025 * 12, 12) is None


def test_counts_add_up_and_single_figures_do_not(complaints, library):
    months = [m(complaints, f"2026-{n:02d}", value=v) for n, v in ((1, 10), (2, 7), (3, 12))]
    assert combine(complaints, months).value == 29
    plain = own_definition(id="eigen-tevreden", name="Tevreden", definition="Cijfer", unit="percentage",
                           direction="higher", competency="klantgevoelig", people_centred=True)
    assert not plain.addable
    single = [m(plain, "2026-Q1", value=71.5), m(plain, "2026-Q2", value=80)]
    assert combine(plain, single[:1]).value == 71.5
    assert combine(plain, single).value is None  # two typed percentages have no correct sum
    assert combine(plain, []) is None


def test_days_as_a_ratio_are_an_average_over_cases(lead_time):
    first = m(lead_time, "2026-Q1", numerator=300, denominator=20)  # 15 days on average
    second = m(lead_time, "2026-Q2", numerator=100, denominator=5)  # 20 days
    assert combine(lead_time, [first, second]).value == 16  # 400 days / 25 complaints
    assert value_text(lead_time, 16, "nl") == "16,0 dagen" and value_text(lead_time, 16, "en") == "16.0 days"


@pytest.mark.parametrize("period, numbers, code, field", [
    ("2026-Q1", dict(numerator=70, denominator=50), "kpi_numerator_above_denominator", "numerator"),
    ("2026-Q1", dict(numerator=-1, denominator=50), "kpi_negative", "numerator"),
    ("2026-Q1", dict(numerator=1, denominator=0), "kpi_zero_denominator", "denominator"),
    ("2026-Q1", dict(numerator=1), "kpi_missing_number", "denominator"),
    ("2026-Q1", dict(value=60), "kpi_value_for_ratio", "value"),
    ("2026-Q1", dict(numerator="veel", denominator=50), "kpi_not_a_number", "numerator"),
    ("2027", dict(numerator=1, denominator=2), "kpi_future_period", "period"),
    ("2026-12", dict(numerator=1, denominator=2), "kpi_future_period", "period"),
    ("zomer", dict(numerator=1, denominator=2), "kpi_invalid_period", "period"),
])
def test_bad_ratio_values_are_refused_naming_the_period(heard, period, numbers, code, field):
    with pytest.raises(KpiValueError) as refused:
        m(heard, period, **numbers)
    assert (refused.value.code, refused.value.field) == (code, field)
    if code != "kpi_invalid_period":
        assert refused.value.params["period"] == parse_period(period).code


def test_bad_single_values_are_refused(complaints):
    plain = own_definition(id="eigen-tevreden", name="Tevreden", definition="Cijfer", unit="percentage",
                           direction="higher", competency="klantgevoelig", people_centred=True)
    cases = [(plain, dict(value=101), "kpi_percentage_range"), (plain, dict(value=-0.5), "kpi_negative"),
             (complaints, dict(value=-3), "kpi_negative"), (complaints, dict(value=2.5), "kpi_not_whole"),
             (complaints, dict(numerator=3, denominator=4), "kpi_ratio_for_value"),
             (complaints, dict(), "kpi_missing_number")]
    for kpi, numbers, code in cases:
        with pytest.raises(KpiValueError) as refused:
            m(kpi, "2026-Q1", **numbers)
        assert refused.value.code == code, numbers
    assert refused.value.params == {"period": "2026-Q1"}
    assert m(plain, "2026-Q1", value="41,5").value == 41.5  # Dutch decimal comma
    assert m(plain, "2026-Q1", value="41%").value == 41
    assert m(complaints, "2026", value="1.234,0").value == 1234
    assert m(complaints, "2026-11", value=3).period.code == "2026-11"  # the current month has begun


def test_targets_are_checked_in_the_kpis_unit(heard, complaints):
    assert check_target(heard, 60) == 60 and check_target(heard, "") is None and check_target(heard, None) is None
    for kpi, bad in ((heard, 101), (heard, -1), (complaints, -5), (heard, "hoog")):
        with pytest.raises(KpiValueError) as refused:
            check_target(kpi, bad)
        assert refused.value.code == "kpi_invalid_target"
    assert check_target(complaints, 1500) == 1500


def test_target_status_follows_the_direction_and_the_shown_figure(heard, lead_time):
    assert target_status(heard, 61, 60) == "reached"
    assert target_status(heard, 59.6, 60) == "reached"  # shown as 60%: it reads as reached, so it is
    assert target_status(heard, 59.4, 60) == "not_reached"
    assert target_status(lead_time, 12.0, 14) == "reached"  # lower is better
    assert target_status(lead_time, 14.04, 14) == "reached"  # shown as 14,0 days
    assert target_status(lead_time, 14.06, 14) == "not_reached"  # shown as 14,1 days
    assert target_status(heard, None, 60) is None and target_status(heard, 50, None) is None


def test_change_is_better_or_worse_in_the_kpis_direction(heard, lead_time):
    assert change(heard, 40, 55) == "better" and change(heard, 55, 40) == "worse"
    assert change(lead_time, 20, 15) == "better" and change(lead_time, 15, 20) == "worse"
    assert change(heard, 40.2, 39.8) == "same"  # both 40%
    assert change(heard, None, 3) is None


def test_latest_and_the_effect_of_an_action(heard):
    values = [m(heard, p, numerator=n, denominator=100) for p, n in
              (("2025", 30), ("2026-Q1", 35), ("2026-Q2", 41), ("2026-Q3", 48))]
    newest, value = latest(heard, values)
    assert newest.period.code == "2026-Q3" and value == 48
    around = effect(heard, values, date(2026, 3, 15))  # started in March: Q1 is neither before nor after
    assert around.before[0].period.code == "2025" and around.before[1] == 30
    assert [(x.period.code, v) for x, v in around.after] == [("2026-Q2", 41), ("2026-Q3", 48)]
    started_in_april = effect(heard, values, date(2026, 4, 1))
    assert started_in_april.before[0].period.code == "2026-Q1"
    assert effect(heard, values, date(2024, 1, 1)).before is None
    assert value_of(heard, Measurement(values[0].period, None, 3, 0)) is None


def test_figures_in_words_in_both_languages(library, heard):
    per_thousand = library.kpi("signalen-per-1000-contacten")
    assert phrase_text(heard, 41.0, "nl") == "41% van de klagers voelt zich gehoord"
    assert phrase_text(heard, 41.0, "en") == "41% of complainants felt heard"
    assert value_text(per_thousand, 12.25, "nl") == "12,3 per 1.000 contacten"  # halves up
    assert value_text(per_thousand, 12.25, "en") == "12.3 per 1,000 contacts"
    assert number_text(heard, 62.5, "nl") == "63%" and number_text(heard, 14.499999999999998, "nl") == "15%"
    own = own_definition(id="eigen-x", name="Wachttijd balie", definition="Minuten", unit="count",
                         direction="lower", competency="klantgevoelig", people_centred=False)
    assert phrase_text(own, 7, "nl") == "Wachttijd balie: 7"


# --- three directions ------------------------------------------------------------------------------------------

def test_three_directions_and_a_context_kpi_never_has_a_verdict(library, heard, lead_time, complaints):
    assert (heard.direction, lead_time.direction, complaints.direction) == ("higher", "lower", "context")
    # the same figures give opposite verdicts in the two directions, and none at all for context
    assert target_status(heard, 50, 40) == "reached" and target_status(lead_time, 50, 40) == "not_reached"
    for value, target in ((240, 200), (150, 200), (200, 200), (0, 0)):
        assert target_status(complaints, value, target) is None
    own = own_definition(id="eigen-meldingen", name="Meldingen openbare ruimte", definition="Aantal", unit="count",
                         direction="context", competency="ontvankelijk", people_centred=False)
    assert target_status(own, 10, 5) is None
    # up or down, never better or worse
    assert change(complaints, 200, 240) == "higher" and change(complaints, 240, 200) == "lower"
    assert change(complaints, 200, 200) == "same"
    assert change(heard, 40, 55) == "better" and change(lead_time, 20, 15) == "better"
    ombudsman = library.kpi("naar-ombudsman")  # the old, retired count: its values stay, as context
    assert ombudsman.retired and target_status(ombudsman, 1, 5) is None
    assert change(ombudsman, 5, 1) == "lower"


# --- the cases behind a percentage -------------------------------------------------------------------------------

def test_the_cases_behind_a_percentage_are_the_denominator_summed_over_the_periods(heard, lead_time, complaints,
                                                                                  library):
    values = [m(heard, "2026-Q1", numerator=3, denominator=4), m(heard, "2026-Q2", numerator=4, denominator=13)]
    year = combine(heard, values)
    assert cases_behind(heard, year).n == 17 and not cases_behind(heard, year).uncertain
    assert cases_behind(heard, values[0]).n == 4 and cases_behind(heard, values[0]).uncertain  # one quarter
    assert cases_behind(lead_time, year) is None and cases_behind(complaints, None) is None  # no percentage
    plain = own_definition(id="eigen-p", name="Tevreden", definition="Uit de enquête", unit="percentage",
                           direction="higher", competency="klantgevoelig", people_centred=True)
    typed = m(plain, "2026", value=70)
    assert cases_behind(plain, typed).n is None and not cases_behind(plain, typed).uncertain
    assert MIN_CASES == 10
    # exactly 10 is enough, 9 is not
    assert not cases_behind(heard, m(heard, "2026", numerator=5, denominator=10)).uncertain
    assert cases_behind(heard, m(heard, "2026", numerator=5, denominator=9)).uncertain


def test_every_percentage_is_shown_with_its_cases_and_under_10_as_uncertain(library, heard, lead_time):
    year = combine(heard, [m(heard, "2026-Q1", numerator=3, denominator=4),
                           m(heard, "2026-Q2", numerator=4, denominator=13)])
    assert figure_text(heard, year.value, year, "nl") == "41% van 17 klagers"
    assert figure_text(heard, year.value, year, "en") == "41% of 17 complainants"
    few = m(heard, "2026-Q1", numerator=3, denominator=7)
    assert figure_text(heard, value_of(heard, few), few, "nl") == "43% van 7 klagers (onzeker: minder dan 10)"
    assert figure_text(heard, value_of(heard, few), few, "en") == "43% of 7 complainants (uncertain: fewer than 10)"
    assert cases_note(heard, year, "nl") == "gebaseerd op 17 klagers"
    assert cases_note(heard, few, "en") == "based on 7 complainants, uncertain: fewer than 10"
    # an own percentage has no noun for its cases; typed as one figure, the number is not known
    own = own_definition(id="eigen-t", name="Teruggebeld", definition="Binnen een dag", unit="percentage",
                         direction="higher", competency="klantgevoelig", people_centred=True,
                         numerator="Teruggebeld", denominator="Verzoeken")
    measured = m(own, "2026", numerator=85, denominator=100)
    assert figure_text(own, value_of(own, measured), measured, "nl") == "85% van 100 gevallen"
    typed = own_definition(id="eigen-p", name="Tevreden", definition="Enquête", unit="percentage",
                           direction="higher", competency="klantgevoelig", people_centred=True)
    assert figure_text(typed, 70, m(typed, "2026", value=70), "nl") == "70% (aantal niet bekend)"
    # other units stay as they were; no figure is a dash, without cases
    days = m(lead_time, "2026", numerator=400, denominator=25)
    assert figure_text(lead_time, value_of(lead_time, days), days, "nl") == "16,0 dagen"
    assert figure_text(heard, None, None, "nl") == "–"
