"""The KPI register through its service, on SQLite and (in CI) PostgreSQL: choosing KPIs, own KPIs, targets,
values by hand and from a file (all or nothing), the link with plan actions, and comparing with peers."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from access import AccessDenied
from plan import service as plan
from assessment import service
from storage.models import Base
from conftest import ME, member_of
from exports.problems import FileImportError
from kpi import service as kpis
from indicators.library import DEFAULT_FILE, load_library
from scoring.peers import DEFAULT_MIN_GROUP

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULT_FILE)


@pytest.fixture
def organisation(db):
    return service.create_organisation(db, actor=ME, name="Gemeente Meetbaar", org_type="gemeente",
                                       size_class="inw-20-50k")


@pytest.fixture
def register(db, organisation, library):
    ids = kpis.add_library_kpis(db, actor=ME, organisation_id=organisation.id, library=library,
                                kpi_ids=["aantal-klachten", "klagers-gehoord", "doorlooptijd", "herhaalde-oorzaak"])
    return dict(zip(["aantal-klachten", "klagers-gehoord", "doorlooptijd", "herhaalde-oorzaak"], ids))


def dump(db) -> dict[str, list]:
    with db.read() as session:
        return {table.name: sorted(map(repr, session.execute(text(f'SELECT * FROM "{table.name}"')).all()))
                for table in Base.metadata.sorted_tables}


def current(db, organisation, library) -> kpis.Register:
    return kpis.get_register(db, actor=ME, organisation_id=organisation.id, library=library)


# --- the register -------------------------------------------------------------------------------------------

def test_library_kpis_are_listed_people_centred_first(db, organisation, library, register):
    found = current(db, organisation, library)
    # people-centred first (by competency: klantgevoelig before lerend), then the traditional ones
    assert [k.code for k in found.kpis] == ["klagers-gehoord", "herhaalde-oorzaak", "aantal-klachten", "doorlooptijd"]
    assert all(k.from_library and k.definition is library.kpi(k.code) for k in found.kpis)
    before = dump(db)
    with pytest.raises(service.InputError) as twice:  # all or nothing: the new one is not added either
        kpis.add_library_kpis(db, actor=ME, organisation_id=organisation.id, library=library,
                              kpi_ids=["mandaat-medewerkers", "klagers-gehoord"])
    assert twice.value.code == "kpi_in_register" and twice.value.params["kpi"].nl == "Klagers die zich gehoord voelen"
    with pytest.raises(service.InputError) as unknown:
        kpis.add_library_kpis(db, actor=ME, organisation_id=organisation.id, library=library, kpi_ids=["geluk"])
    assert (unknown.value.code, unknown.value.params) == ("kpi_unknown", {"value": "geluk"})
    assert dump(db) == before


def test_an_own_kpi_has_the_same_fields(db, organisation, library):
    own = kpis.add_own_kpi(db, actor=ME, organisation_id=organisation.id, library=library,
                           name="Klachten over de Wmo-loket", definition="Alle klachten over het Wmo-loket.",
                           unit="count", direction="lower", competency="ontvankelijk", people_centred=False,
                           source="Zaaksysteem")
    assert own.code == "eigen-klachten-over-de-wmo-loket" and not own.from_library
    stored = current(db, organisation, library).entry(own.id).definition
    assert (stored.name.nl, stored.unit, stored.direction, stored.competency, stored.people_centred,
            stored.source.en) == ("Klachten over de Wmo-loket", "count", "lower", "ontvankelijk", False, "Zaaksysteem")
    ratio = kpis.add_own_kpi(db, actor=ME, organisation_id=organisation.id, library=library, id="wijk-tevreden",
                             name="Tevreden na wijkgesprek", definition="Bewoners die tevreden zijn na een gesprek.",
                             unit="percentage", direction="higher", competency="klantgevoelig", people_centred=True,
                             numerator="Tevreden bewoners", denominator="Bewoners in gesprek")
    assert current(db, organisation, library).entry(ratio.id).definition.is_ratio
    before = dump(db)
    base = dict(name="X", definition="Y", unit="count", direction="higher", competency="lerend", people_centred=True)
    for changes, code, field in [
            (dict(unit="per_1000"), "kpi_ratio_needed", "kpi_numerator_text"),
            (dict(numerator="a", denominator="b"), "kpi_count_ratio", "kpi_numerator_text"),
            (dict(unit="days", numerator="dagen"), "kpi_half_ratio", "kpi_denominator_text"),
            (dict(id="klagers-gehoord"), "kpi_id_taken", "kpi_id"),  # a library id
            (dict(id="wijk-tevreden"), "kpi_id_taken", "kpi_id"),  # already in the register
            (dict(id="Met Spaties"), "kpi_invalid_id", "kpi_id"),
            (dict(unit="procent"), "unknown_choice", "kpi_unit"),
            (dict(competency="snel"), "unknown_choice", "kpi_competency"),
            (dict(name="  "), "required", "kpi_name"),
            (dict(definition=""), "required", "kpi_definition")]:
        with pytest.raises(service.InputError) as refused:
            kpis.add_own_kpi(db, actor=ME, organisation_id=organisation.id, library=library, **(base | changes))
        assert (refused.value.code, refused.value.field) == (code, field), changes
    assert dump(db) == before


def test_removing_a_kpi_removes_its_values_and_unlinks_plan_actions(db, organisation, library, register, mini):
    entry = register["klagers-gehoord"]
    kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-Q1", numerator=3, denominator=4,
                    today=TODAY)
    assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                           questionnaire=mini)
    [action] = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                actions=[dict(dimension_id="d1", title="Terugbellen", kpi_entry_id=entry)])
    kpis.remove_kpi(db, actor=ME, entry_id=entry)
    assert "klagers-gehoord" not in {k.code for k in current(db, organisation, library).kpis}
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM kpi_values")).scalar() == 0
    [kept] = plan.list_actions(db, actor=ME, assessment_id=assessment.id)
    assert (kept.id, kept.title, kept.kpi_entry_id) == (action, "Terugbellen", None)


# --- values and targets ---------------------------------------------------------------------------------------

def test_a_ratio_is_stored_as_numerator_and_denominator(db, organisation, library, register):
    entry = register["klagers-gehoord"]
    saved = kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-q1", numerator=30,
                            denominator=50, today=TODAY)
    assert (saved.period.code, saved.numerator, saved.denominator, saved.value, saved.entered_by, saved.source) == (
        "2026-Q1", 30, 50, None, "local", "app")
    kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-Q2", numerator=45, denominator=60,
                    today=TODAY)
    kpis.set_target(db, actor=ME, entry_id=entry, library=library, target=60)
    found = current(db, organisation, library)
    assert found.entry(entry).target == 60
    from indicators.figures import yearly
    year = yearly(found.entry(entry).definition, found.measurements(entry))[2026]
    assert (year.numerator, year.denominator) == (75, 110)
    assert [v.period.code for v in found.values[entry]] == ["2026-Q1", "2026-Q2"]


@pytest.mark.parametrize("kpi, period, numbers, code, params", [
    ("klagers-gehoord", "2026-Q1", dict(numerator=70, denominator=50), "kpi_numerator_above_denominator",
     {"period": "2026-Q1", "numerator": "70", "denominator": "50"}),
    ("klagers-gehoord", "2026-Q1", dict(numerator=-2, denominator=50), "kpi_negative",
     {"period": "2026-Q1", "value": "-2"}),
    ("aantal-klachten", "2026-Q1", dict(value=-3), "kpi_negative", {"period": "2026-Q1", "value": "-3"}),
    ("aantal-klachten", "2027-Q1", dict(value=3), "kpi_future_period", {"period": "2027-Q1"}),
    ("aantal-klachten", "Q1-2026-x", dict(value=3), "kpi_invalid_period", {"period": "", "value": "Q1-2026-x"}),
    ("klagers-gehoord", "2026", dict(value=60), "kpi_value_for_ratio", {"period": "2026"}),
])
def test_bad_values_are_refused_with_the_kpi_and_the_period_and_nothing_is_written(
        db, organisation, library, register, kpi, period, numbers, code, params):
    before = dump(db)
    with pytest.raises(service.InputError) as refused:
        kpis.save_value(db, actor=ME, entry_id=register[kpi], library=library, period=period, today=TODAY, **numbers)
    error = refused.value
    assert error.code == code and error.params["kpi"] == library.kpi(kpi).name
    assert {k: v for k, v in error.params.items() if k != "kpi"} == params
    assert dump(db) == before


def test_a_period_with_a_value_is_only_replaced_on_request_and_never_overlapped(db, organisation, library, register):
    entry = register["aantal-klachten"]
    kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-Q1", value=12, today=TODAY)
    before = dump(db)
    with pytest.raises(service.InputError) as twice:
        kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-Q1", value=13, today=TODAY)
    assert (twice.value.code, twice.value.params["period"]) == ("kpi_duplicate_period", "2026-Q1")
    for period in ("2026", "2026-02"):  # a month would count twice
        with pytest.raises(service.InputError) as overlapping:
            kpis.save_value(db, actor=ME, entry_id=entry, library=library, period=period, value=1, today=TODAY,
                            replace=True)
        assert overlapping.value.code == "kpi_overlapping_period" and overlapping.value.params["other"] == "2026-Q1"
    assert dump(db) == before
    kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2026-Q1", value=13, today=TODAY,
                    replace=True)
    assert [v.value for v in current(db, organisation, library).values[entry]] == [13]
    kpis.delete_value(db, actor=ME, entry_id=entry, period="2026-Q1")
    assert current(db, organisation, library).values[entry] == []
    with pytest.raises(service.InputError) as gone:
        kpis.delete_value(db, actor=ME, entry_id=entry, period="2026-Q1")
    assert gone.value.code == "kpi_no_value"


def test_targets_are_checked(db, organisation, library, register):
    before = dump(db)
    for kpi, target in (("klagers-gehoord", 120), ("klagers-gehoord", -1), ("aantal-klachten", -4)):
        with pytest.raises(service.InputError) as refused:
            kpis.set_target(db, actor=ME, entry_id=register[kpi], library=library, target=target)
        assert refused.value.code == "kpi_invalid_target"
    assert dump(db) == before
    kpis.set_target(db, actor=ME, entry_id=register["doorlooptijd"], library=library, target=14)
    kpis.set_target(db, actor=ME, entry_id=register["doorlooptijd"], library=library, target=None)
    assert current(db, organisation, library).entry(register["doorlooptijd"]).target is None


def test_a_context_kpi_takes_no_target_and_an_own_kpi_can_be_context(db, organisation, library, register):
    before = dump(db)
    with pytest.raises(service.InputError) as refused:  # the number of complaints: more is not better or worse
        kpis.set_target(db, actor=ME, entry_id=register["aantal-klachten"], library=library, target=200)
    assert (refused.value.code, refused.value.field) == ("kpi_context_target", "kpi_target")
    assert refused.value.params["kpi"].nl == "Aantal klachten"
    assert dump(db) == before
    kpis.set_target(db, actor=ME, entry_id=register["aantal-klachten"], library=library, target=None)  # removing: fine
    own = kpis.add_own_kpi(db, actor=ME, organisation_id=organisation.id, library=library,
                           name="Meldingen openbare ruimte", definition="Alle meldingen over de openbare ruimte.",
                           unit="count", direction="context", competency="ontvankelijk", people_centred=False)
    stored = current(db, organisation, library).entry(own.id)  # "context" fits the column (7 characters)
    assert stored.definition.direction == "context" and not stored.definition.has_direction
    with pytest.raises(service.InputError) as unknown:
        kpis.add_own_kpi(db, actor=ME, organisation_id=organisation.id, library=library, name="X", definition="Y",
                         unit="count", direction="neutraal", competency="lerend", people_centred=False)
    assert (unknown.value.code, unknown.value.field) == ("unknown_choice", "kpi_direction")


def test_a_retired_library_kpi_is_no_longer_chosen(db, organisation, library):
    with pytest.raises(service.InputError) as refused:
        kpis.add_library_kpis(db, actor=ME, organisation_id=organisation.id, library=library,
                              kpi_ids=["naar-ombudsman"])
    assert refused.value.code == "kpi_retired"
    assert refused.value.params["replacements"].nl == ("Oordelen van de ombudsman: klacht gegrond, "
                                                       "Afgehandeld zonder de ombudsman te noemen")
    assert current(db, organisation, library).kpis == []


def test_kpis_stored_before_0015_keep_working(tmp_path, library):
    """An own KPI (lower is better) and the retired library KPI naar-ombudsman with a target and values, stored at
    revision 0013, survive the upgrade: the own KPI keeps its direction and verdict; the old ombudsman count is
    readable as context (no verdict); and an own context KPI can be added afterwards."""
    from indicators.figures import target_status, yearly
    from storage.db import Database
    url = f"sqlite:///{tmp_path / 'before-context.sqlite'}"
    old = Database(url, migrate=False)
    old.migrate("0013")
    with old.write() as session:
        session.execute(text("INSERT INTO organisations (id, name, name_key, org_type, size_class, created_at, "
                             "share_anonymously) VALUES (1, 'Gemeente Oud', 'gemeente oud', 'gemeente', "
                             "'inw-lt-20k', '2025-01-01', 0)"))
        for entry, code, library_kpi, unit, direction, numerator, denominator, target in (
                (1, "naar-ombudsman", 1, None, None, "", "", 5.0),
                (2, "eigen-wachttijd", 0, "days", "lower", "Dagen", "Zaken", 10.0)):
            session.execute(text(
                "INSERT INTO kpi_register (id, organisation_id, code, from_library, name, definition, unit, numerator, "
                "denominator, direction, competency, people_centred, source, target, created_at, updated_at) VALUES "
                f"({entry}, 1, '{code}', {library_kpi}, 'Wachttijd', 'Dagen tot antwoord', "
                f"{'NULL' if unit is None else repr(unit)}, '{numerator}', '{denominator}', "
                f"{'NULL' if direction is None else repr(direction)}, 'klantgevoelig', 0, '', {target}, "
                "'2025-01-01', '2025-01-01')"))
        session.execute(text("INSERT INTO kpi_values (entry_id, period, first_month, months, numerator, denominator, "
                             f"entered_by, source, updated_at) VALUES (1, '2025', {2025 * 12}, 12, 3, 120, 'Anna', "
                             "'app', '2025-01-02'), (2, '2025', " + str(2025 * 12) + ", 12, 240, 20, 'Anna', 'app', "
                             "'2025-01-02')"))
    old.dispose()
    upgraded = Database(url)
    register = kpis.get_register(upgraded, actor=ME, organisation_id=1, library=library)
    ombudsman, waiting = register.entry(1), register.entry(2)
    assert ombudsman.definition.retired and ombudsman.target == 5.0
    figure = yearly(ombudsman.definition, register.measurements(1))[2025]
    assert round(figure.value, 1) == 2.5 and figure.denominator == 120
    assert target_status(ombudsman.definition, figure.value, ombudsman.target) is None  # context: no verdict
    assert waiting.definition.direction == "lower"
    assert target_status(waiting.definition, yearly(waiting.definition, register.measurements(2))[2025].value,
                         waiting.target) == "not_reached"  # 12 days against 10: the verdict it always had
    added = kpis.add_own_kpi(upgraded, actor=ME, organisation_id=1, library=library, name="Meldingen",
                             definition="Alle meldingen.", unit="count", direction="context",
                             competency="ontvankelijk", people_centred=False)
    assert kpis.get_register(upgraded, actor=ME, organisation_id=1, library=library).entry(
        added.id).definition.direction == "context"
    upgraded.dispose()


def test_who_may_do_what_in_the_register(db, organisation, library, register):
    reader = member_of(db, organisation.id, "lezer@meetbaar.nl", "lezer")
    writer = member_of(db, organisation.id, "invuller@meetbaar.nl", "invuller")
    entry = register["aantal-klachten"]
    assert len(kpis.get_register(db, actor=reader, organisation_id=organisation.id, library=library).kpis) == 4
    before = dump(db)
    for attempt in (lambda: kpis.save_value(db, actor=reader, entry_id=entry, library=library, period="2026",
                                            value=3, today=TODAY),
                    lambda: kpis.set_target(db, actor=reader, entry_id=entry, library=library, target=3),
                    lambda: kpis.add_library_kpis(db, actor=writer, organisation_id=organisation.id,
                                                  library=library, kpi_ids=["mandaat-medewerkers"]),
                    lambda: kpis.remove_kpi(db, actor=writer, entry_id=entry)):
        with pytest.raises(AccessDenied):
            attempt()
        assert dump(db) == before
    kpis.save_value(db, actor=writer, entry_id=entry, library=library, period="2026", value=3, today=TODAY)
    assert current(db, organisation, library).values[entry][0].entered_by == "invuller@meetbaar.nl"
    with db.read() as session:
        actions = [row[0] for row in session.execute(text("SELECT action FROM activity WHERE action LIKE 'kpi%'"))]
    assert actions.count("kpi_added") == 4 and actions[-1] == "kpi_value_saved"


# --- importing a file ---------------------------------------------------------------------------------------------

GOOD_CSV = """kpi;naam;periode;teller;noemer;waarde
klagers-gehoord;Klagers die zich gehoord voelen;2026-Q1;30;50;
klagers-gehoord;Klagers die zich gehoord voelen;2026-Q2;45;60;
aantal-klachten;Aantal klachten;2025;;;1234
doorlooptijd;Gemiddelde doorlooptijd;2026-03;412,5;25;
herhaalde-oorzaak;Klachten met een bekende oorzaak;;;;
"""


def test_a_csv_file_is_imported_in_one_go(db, organisation, library, register):
    count = kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                               filename="metingen.csv", data=GOOD_CSV.encode("utf-8"), today=TODAY)
    assert count == 4  # the template row without period and numbers is skipped
    found = current(db, organisation, library)
    assert [(v.period.code, v.numerator, v.denominator) for v in found.values[register["klagers-gehoord"]]] == [
        ("2026-Q1", 30, 50), ("2026-Q2", 45, 60)]
    assert found.values[register["aantal-klachten"]][0].value == 1234
    assert found.values[register["doorlooptijd"]][0].numerator == 412.5
    assert {v.source for values in found.values.values() for v in values} == {"file"}
    # the same file again: every row is now a duplicate, unless replacing is asked for
    with pytest.raises(FileImportError) as again:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                           data=GOOD_CSV.encode("utf-8"), today=TODAY)
    assert [(p.code, p.row, p.column) for p in again.value.problems] == [
        ("error.kpi_duplicate_period", row, "periode") for row in (2, 3, 4, 5)]
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                              filename="metingen.csv", data=GOOD_CSV.replace("30;50", "31;50").encode("utf-8"),
                              replace=True, today=TODAY) == 4
    assert current(db, organisation, library).values[register["klagers-gehoord"]][0].numerator == 31


def test_an_xlsx_file_with_english_columns_and_spreadsheet_cells(db, organisation, library, register):
    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Period", "Numerator", "Denominator", "Value"])
    sheet.append(["aantal-klachten", 2025, None, None, 310])  # a year typed as a number
    sheet.append(["aantal-klachten", date(2026, 3, 1), None, None, 28])  # "2026-03" that Excel made a date
    sheet.append(["klagers-gehoord", "2026-Q1", 41, 100, None])
    data = BytesIO()
    book.save(data)
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                              filename="metingen.xlsx", data=data.getvalue(), today=TODAY) == 3
    assert [v.period.code for v in current(db, organisation, library).values[register["aantal-klachten"]]] == [
        "2025", "2026-03"]


BAD_CSV = """kpi,periode,teller,noemer,waarde
klagers-gehoord,2026-Q1,70,50,
aantal-klachten,2026-Q1,,,-3
klagers-gehoord,2027-Q1,1,2,
aantal-klachten,voorjaar,,,4
klagers-gehoord,2026-Q2,10,20,
klagers-gehoord,2026-Q2,11,20,
onbekend-ding,2026-Q1,,,1
mandaat-medewerkers,2026,3,4,
doorlooptijd,2026-Q3,100,0,
aantal-klachten,2026-Q2,,,12
aantal-klachten,2026-05,,,3
klagers-gehoord,2026-Q3,5,,
doorlooptijd,2026-Q4,veel,10,
"""


def test_empty_lines_before_the_header_are_passed_over_and_rows_keep_their_numbers(db, organisation, library,
                                                                                    register):
    data = ("\n;;;;;\n" + GOOD_CSV).encode("utf-8")  # an empty line and one of separators only, as offices save
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                              data=data, today=TODAY) == 4
    with pytest.raises(FileImportError) as again:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                           data=data, today=TODAY)
    assert [(p.code, p.row) for p in again.value.problems] == [
        ("error.kpi_duplicate_period", row) for row in (4, 5, 6, 7)]


def test_a_bad_file_names_every_problem_by_row_and_column_and_stores_nothing(db, organisation, library, register):
    kpis.save_value(db, actor=ME, entry_id=register["doorlooptijd"], library=library, period="2026-Q2",
                    numerator=20, denominator=2, today=TODAY)
    before = dump(db)
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="fout.csv",
                           data=BAD_CSV.encode("utf-8"), today=TODAY)
    found = [(p.code, p.row, p.column) for p in refused.value.problems]
    assert found == [
        ("error.kpi_numerator_above_denominator", 2, "teller"),
        ("error.kpi_negative", 3, "waarde"),
        ("error.kpi_future_period", 4, "periode"),
        ("error.kpi_invalid_period", 5, "periode"),
        ("error.kpi_duplicate_in_file", 7, "periode"),
        ("error.kpi_unknown", 8, "kpi"),
        ("error.kpi_not_in_register", 9, "kpi"),
        ("error.kpi_zero_denominator", 10, "noemer"),
        ("error.kpi_overlap_in_file", 12, "periode"),
        ("error.kpi_missing_number", 13, "noemer"),
        ("error.kpi_not_a_number", 14, "teller"),
    ]
    problems = {p.row: p.params for p in refused.value.problems}
    assert problems[2]["kpi"] == library.kpi("klagers-gehoord").name and problems[2]["period"] == "2026-Q1"
    assert problems[7]["first"] == 6 and problems[12] | {"kpi": None} == {
        "kpi": None, "period": "2026-05", "other": "2026-Q2", "first": 11}
    assert problems[8]["value"] == "onbekend-ding"
    assert dump(db) == before  # nothing half-written: the good rows (6 and 11) are not stored either


def test_every_problem_of_a_kpi_file_has_a_message_in_both_languages(db, organisation, library, register):
    from i18n import t
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="fout.csv",
                           data=BAD_CSV.encode("utf-8"), today=TODAY)
    problem = refused.value.problems[0]
    params = {k: v.get("nl") if hasattr(v, "nl") else v for k, v in problem.params.items()}
    assert t("kpifile.where", "nl", row=problem.row, column=problem.column) + t(problem.code, "nl", **params) == (
        "Regel 2, kolom 'teller': Klagers die zich gehoord voelen, 2026-Q1: de teller (70) is groter dan de "
        "noemer (50). Dat kan niet: controleer beide getallen.")
    for problem in refused.value.problems:
        for lang in ("nl", "en"):
            params = {k: v.get(lang) if hasattr(v, "nl") else v for k, v in problem.params.items()}
            assert t(problem.code, lang, **params)


@pytest.mark.parametrize("filename, content, codes", [
    ("x.csv", "kpi,periode,teller,noemer,kleur\nklagers-gehoord,2026,1,2,rood\n",
     [("kpifile.unknown_column", 1, "kleur")]),
    ("x.csv", "naam,teller,noemer\nx,1,2\n", [("kpifile.missing_column", 1, "kpi"),
                                              ("kpifile.missing_column", 1, "period")]),
    ("x.csv", "kpi,periode\nx,2026\n", [("kpifile.no_value_columns", 1, "")]),
    ("x.csv", "kpi,periode,waarde\n", [("kpifile.empty", None, "")]),
    ("x.pdf", "kpi,periode,waarde\n", [("kpifile.not_csv_or_xlsx", None, "")]),
    ("x.xlsx", "geen excel", [("kpifile.not_csv_or_xlsx", None, "")]),
    ("x.csv", "kpi,periode,waarde\n,2026,3\n", [("kpifile.missing_kpi", 2, "kpi")]),
    ("x.csv", "kpi,periode,waarde" + ",x" * 60 + "\nklagers-gehoord,2026,3" + ",1" * 60 + "\n",
     [("kpifile.too_many_columns", None, "")]),
    ("x.csv", "kpi;periode;waarde\n" + "aantal-klachten;2026;3\n" * 5001, [("kpifile.too_many_rows", None, "")]),
])
def test_files_of_the_wrong_shape(db, organisation, library, register, filename, content, codes):
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename=filename,
                           data=content.encode("utf-8"), today=TODAY)
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == codes


def test_a_formula_in_a_kpi_workbook_is_refused_with_its_place(db, organisation, library, register):
    book = Workbook()
    book.active.append(["kpi", "periode", "waarde"])
    book.active.append(["aantal-klachten", "2026-Q1", "=SUM(1,2)"])
    data = BytesIO()
    book.save(data)
    before = dump(db)
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="m.xlsx",
                           data=data.getvalue(), today=TODAY)
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [("kpifile.formula", 2, "waarde")]
    assert dump(db) == before


def test_a_file_needs_the_right_to_answer(db, organisation, library, register):
    reader = member_of(db, organisation.id, "lezer@meetbaar.nl", "lezer")
    with pytest.raises(AccessDenied):
        kpis.import_values(db, actor=reader, organisation_id=organisation.id, library=library, filename="m.csv",
                           data=GOOD_CSV.encode("utf-8"), today=TODAY)


# --- plan actions follow a register KPI ---------------------------------------------------------------------------

def test_plan_actions_name_a_register_kpi_of_their_own_organisation(db, organisation, library, register, mini):
    assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                           questionnaire=mini)
    [action] = plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[
        dict(dimension_id="d1", title="Terugbelbelofte", start_date=date(2026, 4, 1),
             kpi_entry_id=register["klagers-gehoord"])])
    [linked] = kpis.linked_actions(db, actor=ME, organisation_id=organisation.id)
    assert (linked.action_id, linked.entry_id, linked.title, linked.assessment_period) == (
        action, register["klagers-gehoord"], "Terugbelbelofte", "2026")
    other = service.create_organisation(db, actor=ME, name="Gemeente Anders", org_type="gemeente",
                                        size_class="inw-20-50k")
    [foreign] = kpis.add_library_kpis(db, actor=ME, organisation_id=other.id, library=library,
                                      kpi_ids=["klagers-gehoord"])
    before = dump(db)
    with pytest.raises(service.InputError) as refused:
        plan.update_action(db, actor=ME, assessment_id=assessment.id, action_id=action, questionnaire=mini,
                           kpi_entry_id=foreign)
    assert (refused.value.code, refused.value.field) == ("unknown_choice", "kpi_entry_id")
    assert dump(db) == before
    plan.update_action(db, actor=ME, assessment_id=assessment.id, action_id=action, questionnaire=mini,
                       kpi_entry_id=register["doorlooptijd"])
    assert plan.list_actions(db, actor=ME, assessment_id=assessment.id)[0].kpi_entry_id == register["doorlooptijd"]


def test_a_workbook_import_keeps_the_kpi_link_of_an_action_that_is_still_there(db, organisation, library, register,
                                                                               mini):
    from openpyxl import load_workbook

    from assessment.importing import apply_workbook, preview_workbook
    from report.service import gather_report
    from conftest import lookup_for
    from exports.workbook import build_workbook
    from exports.workbook_import import read_workbook
    assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                           questionnaire=mini)
    plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[
        dict(dimension_id="d1", title="Terugbelbelofte", kpi_entry_id=register["klagers-gehoord"]),
        dict(dimension_id="d2", title="Zonder KPI")])
    book = build_workbook(gather_report(db, actor=ME, assessment_id=assessment.id, lookup=lookup_for(mini),
                                        kpi_library=library))
    # the status of both actions changed in the workbook: the import writes the status, the links stay
    edited = load_workbook(BytesIO(book))
    for row in range(2, edited["Verbeterplan"].max_row + 1):
        if edited["Verbeterplan"].cell(row=row, column=1).value in ("Terugbelbelofte", "Zonder KPI"):
            edited["Verbeterplan"].cell(row=row, column=6).value = "lopend"
    out = BytesIO()
    edited.save(out)
    workbook = read_workbook(out.getvalue(), lookup_for(mini))
    preview = preview_workbook(db, workbook, actor=ME)
    assert preview.counts()["actions_changed"] == 2
    apply_workbook(db, workbook, actor=ME, confirmed=preview)
    assert {a.status for a in plan.list_actions(db, actor=ME, assessment_id=assessment.id)} == {"in_progress"}
    assert [(a.title, a.kpi_entry_id) for a in plan.list_actions(db, actor=ME, assessment_id=assessment.id)] == [
        ("Terugbelbelofte", register["klagers-gehoord"]), ("Zonder KPI", None)]


# --- peers ----------------------------------------------------------------------------------------------------------

def peer(db, library, number: int, heard: tuple[int, int] | None, *, share=True, org_type="gemeente",
         own_code: str | None = None):
    org = service.create_organisation(db, actor=ME, name=f"Peer {number} {org_type}", org_type=org_type,
                                      size_class=service.size_classes_for(org_type)[0])
    if own_code:  # an own KPI with a name like the library's: never compared
        entry = kpis.add_own_kpi(db, actor=ME, organisation_id=org.id, library=library, id=own_code,
                                 name="Klagers die zich gehoord voelen", definition="Eigen", unit="percentage",
                                 direction="higher", competency="klantgevoelig", people_centred=True,
                                 numerator="a", denominator="b").id
    else:
        [entry, count] = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                               kpi_ids=["klagers-gehoord", "aantal-klachten"])
        kpis.save_value(db, actor=ME, entry_id=count, library=library, period="2025", value=100 + number,
                        today=TODAY)
    if heard:
        # the year is made of two halves' quarters: the figure is added up, not averaged
        kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2025-Q1", numerator=heard[0],
                        denominator=heard[1], today=TODAY)
        kpis.save_value(db, actor=ME, entry_id=entry, library=library, period="2025-Q3", numerator=heard[0],
                        denominator=heard[1], today=TODAY)
    if share:
        from peers import service as peers
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
    return org


def test_kpis_are_compared_only_by_library_id_and_with_enough_distinct_organisations(db, organisation, library,
                                                                                      register):
    kpis.save_value(db, actor=ME, entry_id=register["klagers-gehoord"], library=library, period="2025",
                    numerator=50, denominator=100, today=TODAY)
    for number, heard in enumerate([(30, 100), (40, 100), (60, 100), (70, 100)]):
        peer(db, library, number, heard)
    # not counted: not sharing, another type, an own KPI, no value in the year
    peer(db, library, 10, (90, 100), share=False)
    peer(db, library, 11, (90, 100), org_type="provincie")
    peer(db, library, 12, (90, 100), own_code="eigen-gehoord")
    peer(db, library, 13, None)

    def compare():
        return kpis.compare_with_peers(db, actor=ME, organisation_id=organisation.id, library=library, year=2025)

    figures = compare()
    assert set(figures) == {"klagers-gehoord", "doorlooptijd", "herhaalde-oorzaak"}  # counts are not compared
    heard = figures["klagers-gehoord"]
    assert heard.suppressed and heard.organisations == 4 and heard.median is None
    assert DEFAULT_MIN_GROUP == 5
    peer(db, library, 4, (45, 90))  # the fifth organisation: 50%
    heard = compare()["klagers-gehoord"]
    assert not heard.suppressed and heard.organisations == 5
    assert heard.median == 50 and heard.p25 == 40 and heard.p75 == 60 and heard.own == 50
    assert heard.share_below == pytest.approx(2 / 5) and heard.share_equal == pytest.approx(1 / 5)
    assert kpis.compare_with_peers(db, actor=ME, organisation_id=organisation.id, library=library, year=2025,
                                   min_group=6)["klagers-gehoord"].suppressed
    outsider = member_of(db, service.create_organisation(db, actor=ME, name="Elders", org_type="gemeente",
                                                         size_class="inw-20-50k").id, "x@elders.nl", "beheerder")
    with pytest.raises(AccessDenied):
        kpis.compare_with_peers(db, actor=outsider, organisation_id=organisation.id, library=library, year=2025)


def test_the_files_of_issue_28_are_read_as_meant(db, organisation, library, register):
    """Dutch notation in a file whose cells give few clues: a count settles "1.040" (1,04 is no count), and the
    denominator "2.000" follows the file's notation; half a complainant is refused by name."""
    def read(content: str):
        return kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                                  filename="m.csv", data=content.encode("cp1252"), replace=True, today=TODAY)

    assert read("kpi;periode;teller;noemer\nklagers-gehoord;2026-04;1.040;2.000\n") == 1
    assert read("kpi;periode;teller;noemer\nklagers-gehoord;mei 2026;150;1.200\n") == 1
    # alone, "500;1.000" says nothing about its notation (1000 and 1 are both whole): refused with both readings
    with pytest.raises(FileImportError) as refused:
        read("kpi;periode;teller;noemer\nklagers-gehoord;1-6-2026;500;1.000\n")
    [problem] = refused.value.problems
    assert (problem.code, problem.row, problem.column, problem.params["first"].nl, problem.params["second"].nl) == (
        "error.kpi_ambiguous_number", 2, "noemer", "1000", "1")
    # next to a row that tells (1.040 as a count is Dutch), it is read as meant
    assert read("kpi;periode;teller;noemer\nklagers-gehoord;2026-04;1.040;2.000\n"
                "klagers-gehoord;1-6-2026;500;1.000\n") == 2
    values = current(db, organisation, library).values[register["klagers-gehoord"]]
    assert [(v.period.code, v.numerator, v.denominator) for v in values] == [
        ("2026-04", 1040, 2000), ("2026-05", 150, 1200), ("2026-06", 500, 1000)]
    with pytest.raises(FileImportError) as refused:
        read("kpi;periode;teller;noemer\nklagers-gehoord;K3 2026;1,5;2\n")
    assert [(p.code, p.row, p.column, p.params["field"]) for p in refused.value.problems] == [
        ("error.kpi_count_not_whole", 2, "teller", "teller")]
    with pytest.raises(FileImportError) as refused:
        read("kpi;periode;teller;noemer\nklagers-gehoord;03-04;1;2\n")
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [
        ("error.kpi_period_without_year", 2, "periode")]
