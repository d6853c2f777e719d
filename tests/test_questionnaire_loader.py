"""Loading questionnaire files: a valid one loads, each kind of broken one gives its own clear message."""

import shutil

import pytest
import yaml

from conftest import FIXTURES
from i18n import t
from questionnaires.loader import QuestionnaireFileError, discover, load_questionnaire


@pytest.fixture
def mini_data():
    return yaml.safe_load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))


def write(tmp_path, data, name="broken.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problem_of(tmp_path, data):
    with pytest.raises(QuestionnaireFileError) as caught:
        load_questionnaire(write(tmp_path, data))
    return caught.value.problem


def test_valid_file_loads_with_its_structure(mini):
    assert mini.key == "mini@0.1"
    assert [c.id for c in mini.competencies] == ["c1", "c2"]
    assert [d.id for d in mini.dimensions()] == ["d1", "d2", "d3"]
    assert mini.question("d1-2").weight == 2
    assert mini.question("d1-1").descriptor(5, "en") == "d1-1 level 5"
    assert mini.scoring.stage_rule == "average" and mini.scoring.min_coverage == 0.5
    assert mini.competency_of("d3").id == "c2"
    assert [a.id for a in mini.dimension("d1").actions_for_step(1)] == ["d1-a12"]
    assert mini.framework_item_title("fw:a", "nl") == "A"


def test_four_level_descriptors(tmp_path, mini_data):
    mini_data["competencies"][1]["dimensions"][0]["questions"][0]["levels"].pop()
    problem = problem_of(tmp_path, mini_data)
    assert problem.file == "broken.yaml"
    assert problem.location == "competencies[1].dimensions[0].questions[0].levels"
    assert problem.code == "too_short"
    assert t("qproblem.too_short", "nl", **problem.params) == "er staan 4 onderdelen, er moeten er minstens 5 zijn."


def test_descriptor_missing_in_english(tmp_path, mini_data):
    del mini_data["competencies"][0]["dimensions"][1]["questions"][1]["levels"][2]["en"]
    problem = problem_of(tmp_path, mini_data)
    assert problem.location == "competencies[0].dimensions[1].questions[1].levels[2].en"
    assert problem.code == "missing"


def test_empty_text(tmp_path, mini_data):
    mini_data["competencies"][0]["dimensions"][0]["questions"][0]["text"]["nl"] = "   "
    problem = problem_of(tmp_path, mini_data)
    assert problem.location == "competencies[0].dimensions[0].questions[0].text.nl"
    assert problem.code == "blank_text"


def test_duplicate_question_id(tmp_path, mini_data):
    mini_data["competencies"][1]["dimensions"][0]["questions"][2]["id"] = "d1-1"
    problem = problem_of(tmp_path, mini_data)
    assert problem.code == "duplicate_id"
    assert problem.location == "competencies[1].dimensions[0].questions[2]"
    assert problem.params["id"] == "d1-1"
    assert problem.params["first"] == "competencies[0].dimensions[0].questions[0]"


def test_weight_must_be_positive(tmp_path, mini_data):
    mini_data["competencies"][0]["dimensions"][0]["questions"][1]["weight"] = 0
    problem = problem_of(tmp_path, mini_data)
    assert problem.location == "competencies[0].dimensions[0].questions[1].weight"
    assert problem.code == "greater_than"
    assert t("qproblem.greater_than", "en", **problem.params) == "the number must be greater than 0."


def test_tag_that_refers_to_nothing(tmp_path, mini_data):
    mini_data["competencies"][0]["dimensions"][1]["questions"][0]["tags"] = ["fw:a", "iso:bestaat-niet"]
    problem = problem_of(tmp_path, mini_data)
    assert problem.code == "unknown_reference"
    assert problem.location == "competencies[0].dimensions[1].questions[0].tags[1]"
    assert problem.params["tag"] == "iso:bestaat-niet"


def test_unknown_field_and_wrong_rule(tmp_path, mini_data):
    mini_data["competencies"][0]["dimensions"][0]["questions"][0]["wieght"] = 2
    assert problem_of(tmp_path, mini_data).code == "extra_forbidden"
    del mini_data["competencies"][0]["dimensions"][0]["questions"][0]["wieght"]
    mini_data["scoring"]["stage_rule"] = "median"
    problem = problem_of(tmp_path, mini_data)
    assert problem.location == "scoring.stage_rule" and problem.code == "literal_error"


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("id: x\nversion: '1.0'\ntitle: {nl: a, en: [b\n", encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as caught:
        load_questionnaire(path)
    problem = caught.value.problem
    assert problem.code == "yaml_syntax" and problem.file == "syntax.yaml"
    assert problem.params["line"] >= 3
    assert "regel" in t("qproblem.yaml_syntax", "nl", **problem.params)


def test_not_a_mapping_and_not_utf8(tmp_path):
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as caught:
        load_questionnaire(tmp_path / "list.yaml")
    assert caught.value.problem.code == "not_a_mapping"
    (tmp_path / "latin.yaml").write_bytes("titel: Ã©Ã©n \xe9".encode("latin-1", errors="replace") + b"\xff")
    with pytest.raises(QuestionnaireFileError) as caught:
        load_questionnaire(tmp_path / "latin.yaml")
    assert caught.value.problem.code == "not_utf8"


def test_discover_keeps_good_files_usable_next_to_a_broken_one(tmp_path, mini_data):
    shutil.copy(FIXTURES / "mini.yaml", tmp_path / "a-mini.yaml")
    broken = dict(mini_data, id="kapot")
    broken["competencies"] = []
    write(tmp_path, broken, "b-kapot.yaml")
    write(tmp_path, mini_data, "c-copy.yaml")  # same id and version as a-mini.yaml
    (tmp_path / "notes.txt").write_text("not a questionnaire", encoding="utf-8")
    catalog = discover(tmp_path)
    assert list(catalog.questionnaires) == ["mini@0.1"]
    assert [(p.file, p.code) for p in catalog.problems] == [("b-kapot.yaml", "too_short"),
                                                            ("c-copy.yaml", "duplicate_questionnaire")]
    assert catalog.get("mini", "0.1") is not None and catalog.get("mini", "9.9") is None


def test_every_problem_code_has_a_message_in_both_languages(tmp_path, mini_data):
    """Each problem the tests above produce can be shown to the user in Dutch and English."""
    codes = ["too_short", "missing", "blank_text", "duplicate_id", "greater_than", "unknown_reference",
             "extra_forbidden", "literal_error", "yaml_syntax", "not_a_mapping", "not_utf8",
             "duplicate_questionnaire", "string_pattern_mismatch", "scale_levels", "string_type", "list_type",
             "unknown_old_question"]
    for code in codes:
        for lang in ("nl", "en"):
            assert t(f"qproblem.{code}", lang)  # raises KeyError when missing


V10 = FIXTURES.parent.parent / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml"
V11 = FIXTURES / "versions" / "klantbewustzijn-zelfscan-1.1.yaml"


def with_mapping_typo(tmp_path, earlier_too=True):
    """Version 1.1 whose renamed change names 'ont-toegang-9' (a typo: 1.0 has ont-toegang-2)."""
    data = yaml.safe_load(V11.read_text(encoding="utf-8"))
    assert data["mappings"][0]["changes"][0]["old"] == ["ont-toegang-2"]
    data["mappings"][0]["changes"][0]["old"] = ["ont-toegang-9"]
    if earlier_too:
        shutil.copy(V10, tmp_path / "zelfscan-1.0.yaml")
    return write(tmp_path, data, "zelfscan-1.1.yaml")


def test_an_unknown_old_id_in_a_mapping_is_reported_with_file_place_and_id(tmp_path):
    with_mapping_typo(tmp_path)
    catalog = discover(tmp_path)
    assert list(catalog.questionnaires) == ["klantbewustzijn-zelfscan@1.0"]  # 1.1 is not loaded, 1.0 is
    [problem] = catalog.problems
    assert (problem.file, problem.location, problem.code, problem.params) == (
        "zelfscan-1.1.yaml", "mappings[0].changes[0].old[0]", "unknown_old_question",
        {"id": "ont-toegang-9", "version": "1.0"})
    assert t("qproblem.unknown_old_question", "nl", **problem.params) == (
        "'ont-toegang-9' is geen vraag van versie 1.0 van deze vragenlijst. Controleer de id.")
    assert t("qproblem.unknown_old_question", "en", **problem.params).startswith(
        "'ont-toegang-9' is not a question of version 1.0")
    # without the earlier version in the folder there is nothing to check it against
    alone = tmp_path / "alone"
    alone.mkdir()
    with_mapping_typo(alone, earlier_too=False)
    assert list(discover(alone).questionnaires) == ["klantbewustzijn-zelfscan@1.1"]
    # the correct mapping loads next to 1.0
    correct = tmp_path / "correct"
    correct.mkdir()
    shutil.copy(V10, correct / "zelfscan-1.0.yaml")
    shutil.copy(V11, correct / "zelfscan-1.1.yaml")
    assert discover(correct).problems == []
