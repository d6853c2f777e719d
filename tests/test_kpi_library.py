"""The KPI library file: the shipped library is complete and valid; a broken file says where and what."""

import pytest
import yaml

from conftest import ROOT
from i18n import has
from indicators.library import DEFAULT_FILE, ENV_FILE, KpiLibraryError, library_file, load_library
from indicators.model import RATIO_UNITS
from questionnaires.loader import discover


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULT_FILE)


def test_the_shipped_library_has_the_kpis_of_the_field(library):
    ids = [k.id for k in library.kpis]
    assert len(ids) == len(set(ids)) == 17
    people = {k.id for k in library.current if k.people_centred}
    traditional = {k.id for k in library.current if not k.people_centred}
    # the people-centred KPIs of the model, and beside them the traditional ones
    assert people == {"klagers-gehoord", "klacht-opgelost", "klacht-iets-mee-gedaan", "persoonlijk-contact-2-werkdagen",
                      "informeel-opgelost", "signalen-per-1000-contacten", "melden-makkelijk", "herhaalde-oorzaak",
                      "u-zei-wij-deden", "mandaat-medewerkers"}
    assert traditional == {"aantal-klachten", "doorlooptijd", "binnen-wettelijke-termijn", "ombudsman-gegrond",
                           "zonder-ombudsman-verwijzing"}
    # kept so stored values stay readable, no longer offered
    assert {k.id for k in library.kpis if k.retired} == {"probleem-opgelost", "naar-ombudsman"}
    legal = library.kpi("binnen-wettelijke-termijn")
    assert "6 weken" in legal.definition.nl and "9:11" in legal.definition.nl and "9:11" in legal.definition.en
    assert library.kpi("signalen-per-1000-contacten").unit == "per_1000"
    # more signals or complaints is no success in itself (a failure brings more too): context, no verdict
    assert library.kpi("signalen-per-1000-contacten").direction == "context"
    assert library.kpi("aantal-klachten").direction == "context"
    assert library.kpi("herhaalde-oorzaak").direction == "lower"
    assert library.kpi("doorlooptijd").unit == "days" and library.kpi("doorlooptijd").is_ratio


def test_every_library_kpi_is_complete_in_both_languages(library):
    for kpi in library.kpis:
        for text in (kpi.name, kpi.definition, kpi.source, kpi.phrase):
            assert text is not None and text.nl and text.en, kpi.id
        assert "{value}" in kpi.phrase.nl and "{value}" in kpi.phrase.en
        assert (kpi.unit in RATIO_UNITS) <= kpi.is_ratio, kpi.id
        assert kpi.addable, kpi.id  # every library KPI can be added up over periods


def test_the_library_competencies_are_those_of_the_questionnaire(library, zelfscan):
    assert library.competency_ids == [c.id for c in zelfscan.competencies]
    assert [library.competency_title(c.id, "en") for c in zelfscan.competencies] == [
        c.title.en for c in zelfscan.competencies]


def test_the_questionnaire_loader_does_not_take_the_library_for_a_questionnaire():
    catalog = discover(ROOT / "questionnaires" / "definitions")
    assert catalog.problems == [] and list(catalog.questionnaires) == ["klantbewustzijn-zelfscan@1.0",
                                                                     "klantbewustzijn-zelfscan@1.1"]


def test_the_library_file_can_be_chosen(monkeypatch, tmp_path):
    assert library_file() == DEFAULT_FILE
    monkeypatch.setenv(ENV_FILE, str(tmp_path / "eigen.yaml"))
    assert library_file() == tmp_path / "eigen.yaml"


def broken(tmp_path, change) -> KpiLibraryError:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "kpis.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KpiLibraryError) as caught:
        load_library(path)
    return caught.value.problem


@pytest.mark.parametrize("change, location, code", [
    (lambda d: d["kpis"][1].update(id=d["kpis"][0]["id"]), "kpis[1]", "duplicate_id"),
    (lambda d: d["kpis"][2].update(competency="snel"), "kpis[2].competency", "kpi_unknown_competency"),
    (lambda d: d["kpis"][4].pop("denominator"), "kpis[4]", "kpi_half_ratio"),
    (lambda d: [d["kpis"][4].pop(k) for k in ("numerator", "denominator")], "kpis[4]", "kpi_ratio_needed"),
    (lambda d: d["kpis"][0].update(unit="procent"), "kpis[0].unit", "literal_error"),
    (lambda d: d["kpis"][3].update(direction="omhoog"), "kpis[3].direction", "literal_error"),
    (lambda d: d["kpis"][7].update(numerator={"nl": "a", "en": "a"}, denominator={"nl": "b", "en": "b"}),
     "kpis[7]", "kpi_count_ratio"),
    (lambda d: d["kpis"][0]["phrase"].update(en="complainants felt heard"), "kpis[0]", "kpi_phrase"),
    (lambda d: d["kpis"][5].pop("source"), "kpis[5].source", "kpi_source_missing"),
    (lambda d: d["kpis"][6]["name"].update(en="  "), "kpis[6].name.en", "blank_text"),
    (lambda d: d["kpis"][6].update(people_centred="misschien"), "kpis[6].people_centred", "bool_parsing"),
    (lambda d: d["kpis"][6].update(extra=1), "kpis[6].extra", "extra_forbidden"),
])
def test_a_broken_library_names_the_place_and_the_problem(tmp_path, change, location, code):
    problem = broken(tmp_path, change)
    assert (problem.file, problem.location, problem.code) == ("kpis.yaml", location, code)


def test_problems_in_the_library_can_be_said_in_both_languages(tmp_path):
    from i18n import t
    problem = broken(tmp_path, lambda d: d["kpis"][2].update(competency="snel"))
    assert has(f"qproblem.{problem.code}")
    assert t(f"qproblem.{problem.code}", "nl", **problem.params) == "'snel' is geen vaardigheid uit deze bibliotheek."
    for code in ("kpi_half_ratio", "kpi_ratio_needed", "kpi_count_ratio", "kpi_phrase", "kpi_source_missing",
                 "kpi_library_missing", "bool_parsing"):
        assert has(f"qproblem.{code}"), code


def test_a_file_that_is_no_yaml_or_is_missing(tmp_path):
    (tmp_path / "kapot.yaml").write_text("kpis: [\n", encoding="utf-8")
    with pytest.raises(KpiLibraryError) as syntax:
        load_library(tmp_path / "kapot.yaml")
    assert syntax.value.problem.code == "yaml_syntax" and syntax.value.problem.params["line"] == 2
    with pytest.raises(KpiLibraryError) as missing:
        load_library(tmp_path / "weg.yaml")
    assert missing.value.problem.code == "kpi_library_missing"


def test_no_library_kpi_can_be_improved_by_hiding_the_ombudsman(library):
    """A count of referrals that is "lower is better" rewards not naming the ombudsman (Awb 9:12). The old KPI stays
    readable as context; its replacements cannot be improved by hiding the route."""
    old = library.kpi("naar-ombudsman")
    assert old.retired and old.direction == "context"
    assert old.replaced_by == ["ombudsman-gegrond", "zonder-ombudsman-verwijzing"]
    justified, unnamed = (library.kpi(i) for i in old.replaced_by)
    assert justified.direction == unnamed.direction == "lower" and justified.unit == unnamed.unit == "percentage"
    assert "gegrond" in justified.numerator.nl and "ombudsman" in justified.denominator.nl
    assert "niet noemt" in unnamed.numerator.nl and "9:12" in unnamed.definition.nl
    for kpi in library.current:  # no current KPI counts referrals as something to push down
        if kpi.direction == "lower":
            assert "naar de ombudsman" not in kpi.definition.nl, kpi.id


def test_solved_and_something_done_are_two_kpis(library):
    old = library.kpi("probleem-opgelost")
    assert old.retired and old.replaced_by == ["klacht-opgelost", "klacht-iets-mee-gedaan"]
    solved, done = library.kpi("klacht-opgelost"), library.kpi("klacht-iets-mee-gedaan")
    assert "opgelost" in solved.numerator.nl and "gedaan" not in solved.numerator.nl
    assert "gedaan" in done.numerator.nl and "opgelost" not in done.numerator.nl
    assert "Deels" in solved.definition.nl  # what counts as solved is said


def test_the_library_names_the_gouden_oor_result_areas_and_the_cases(library):
    from indicators.model import RESULT_AREAS
    assert RESULT_AREAS == ("vertrouwen-reputatie", "procesverbetering", "verbonden-medewerkers",
                            "retentie-meerwaarde")
    assert library.kpi("klagers-gehoord").result_areas == ["vertrouwen-reputatie", "retentie-meerwaarde"]
    assert library.kpi("mandaat-medewerkers").result_areas == ["verbonden-medewerkers"]
    assert library.kpi("aantal-klachten").result_areas == []  # optional
    tagged = {area for k in library.current for area in k.result_areas}
    assert tagged == set(RESULT_AREAS)  # every area has a KPI that gives evidence of it
    for area in RESULT_AREAS:
        assert has(f"kpi.area_{area}"), area
    for kpi in library.current:  # every percentage says what its cases are
        if kpi.unit == "percentage":
            assert kpi.cases is not None and kpi.cases.nl and kpi.cases.en, kpi.id


@pytest.mark.parametrize("change, location, code", [
    (lambda d: d["kpis"][0].update(result_areas=["vertrouwen-reputatie", "klanttevredenheid"]),
     "kpis[0].result_areas[1]", "literal_error"),
    (lambda d: d["kpis"][0].update(result_areas=["procesverbetering", "procesverbetering"]), "kpis[0]",
     "kpi_duplicate_result_area"),
    (lambda d: d["kpis"][7].update(cases={"nl": "x", "en": "x"}), "kpis[7]", "kpi_cases_without_ratio"),
    (lambda d: d["kpis"][0].update(replaced_by=["klacht-opgelost"]), "kpis[0]", "kpi_replaced_not_retired"),
    (lambda d: d["kpis"][1].update(replaced_by=["klacht-opgeloste"]), "kpis[1].replaced_by[0]",
     "kpi_unknown_replacement"),
    (lambda d: d["kpis"][1].update(replaced_by=["naar-ombudsman"]), "kpis[1].replaced_by[0]",
     "kpi_unknown_replacement"),  # a retired KPI replaces nothing
])
def test_the_new_library_fields_are_checked(tmp_path, change, location, code):
    problem = broken(tmp_path, change)
    assert (problem.location, problem.code) == (location, code)
    assert has(f"qproblem.{code}")


def test_an_unknown_result_area_is_refused_with_the_four_that_exist(tmp_path):
    from i18n import t
    problem = broken(tmp_path, lambda d: d["kpis"][2].update(result_areas=["klanttevredenheid"]))
    message = t(f"qproblem.{problem.code}", "nl", **problem.params)
    for area in ("vertrouwen-reputatie", "procesverbetering", "verbonden-medewerkers", "retentie-meerwaarde"):
        assert area in message
