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
    assert len(ids) == len(set(ids)) == 13
    people = {k.id for k in library.kpis if k.people_centred}
    traditional = {k.id for k in library.kpis if not k.people_centred}
    # the people-centred KPIs of the model, and beside them the traditional ones
    assert people == {"klagers-gehoord", "probleem-opgelost", "persoonlijk-contact-2-werkdagen", "informeel-opgelost",
                      "signalen-per-1000-contacten", "melden-makkelijk", "herhaalde-oorzaak", "u-zei-wij-deden",
                      "mandaat-medewerkers", "naar-ombudsman"}
    assert traditional == {"aantal-klachten", "doorlooptijd", "binnen-wettelijke-termijn"}
    legal = library.kpi("binnen-wettelijke-termijn")
    assert "6 weken" in legal.definition.nl and "9:11" in legal.definition.nl and "9:11" in legal.definition.en
    assert library.kpi("signalen-per-1000-contacten").unit == "per_1000"
    assert library.kpi("signalen-per-1000-contacten").direction == "higher"  # a lower threshold
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
