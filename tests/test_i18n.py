"""The translation source is complete: every text in both languages, with the same placeholders."""

import re
import string

from assessment import service
from conftest import ROOT
import pytest

from i18n import LANGUAGES, has, is_plural, t, texts

CODE_DIRS = ["app.py", "views", "ui", "exports"]
LITERAL_KEY = re.compile(r"""\btr?\(\s*["']([a-z_]+\.[a-z0-9_.\-]+)["']\s*[,)]""")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def forms(value) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def test_every_text_has_both_languages_with_the_same_placeholders():
    for key, value in texts().items():
        assert set(value) == set(LANGUAGES), key
        found = {lang: set().union(*(placeholders(form) for form in forms(value[lang]))) for lang in LANGUAGES}
        assert found["nl"] == found["en"], key


def test_texts_that_depend_on_a_number_pick_the_right_form():
    assert is_plural("plan.late")
    assert t("plan.late", "nl", count=1, titles="A") == "1 actie is over de deadline: A"
    assert t("plan.late", "nl", count=2, titles="A, B") == "2 acties zijn over hun deadline: A, B"
    assert t("plan.late", "en", count=1, titles="A") == "1 action is past its due date: A"
    assert t("plan.late", "en", count=0, titles="") .startswith("0 actions are")
    with pytest.raises(KeyError):
        t("plan.late", "nl", titles="A")  # a form cannot be chosen without the number


def test_texts_with_a_count_have_a_form_for_one():
    """Every text whose number is filled in as {count} says "1 actie", never "1 acties"."""
    single = [key for key, value in texts().items() if not isinstance(value["nl"], dict)
              and "count" in placeholders(value["nl"]) and not key.startswith(("qproblem.", "history.not_comparable",
                                                                                  "plan.suggestions_title"))]
    assert single == []


def test_every_key_used_in_the_pages_exists():
    files = []
    for entry in CODE_DIRS:
        path = ROOT / entry
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    used = {key for f in files for key in LITERAL_KEY.findall(f.read_text(encoding="utf-8"))}
    assert len(used) > 50  # the pattern really finds the calls
    missing = sorted(k for k in used if not has(k))
    assert missing == []


def test_keys_built_from_domain_values_exist():
    keys = [f"orgtype.{v}" for v in service.ORGANISATION_TYPES] + [f"orgtype_plural.{v}" for v in
                                                                   service.ORGANISATION_TYPES]
    keys += [f"size.{v}" for classes in service.SIZE_CLASSES.values() for v in classes]
    keys += [f"status.{v}" for v in ("draft", "final")] + [f"rule.{v}" for v in ("average", "gating")]
    keys += [f"explain.stage_{v}" for v in ("average", "gating")]
    keys += [f"workshop.state_{v}" for v in ("waiting", "voting", "closed", "revealed")]
    keys += [f"workshop.role_{v}" for v in ("frontoffice", "backoffice", "management", "other")]
    keys += [f"counts.{v}" for v in ("scored", "not_applicable", "dont_know", "unanswered")]
    keys += [f"results.coverage{v}" for v in ("", "_dimensions", "_competencies", "_too_few", "_all_not_applicable",
                                              "_no_dimensions", "_no_competencies")]
    keys += [f"error.{code}" for code in ("required", "too_long", "control_characters", "unknown_choice",
                                          "organisation_exists", "invalid_period", "assessment_exists",
                                          "invalid_answer", "invalid_target")]
    keys += [f"field.{name}" for name in ("name", "org_type", "size_class", "period", "value", "comment",
                                          "answered_by", "level", "finalised_by", "set_by")]
    assert [k for k in keys if not has(k)] == []


def test_input_errors_read_well_in_both_languages():
    error = service.InputError("too_long", "comment", max=5000, length=5200)
    assert t("error.too_long", "nl", field=t("field.comment", "nl"), **error.params) == (
        "'Toelichting' is te lang: 5200 tekens. Het mogen er hoogstens 5000 zijn.")
    assert t("error.too_long", "en", field=t("field.comment", "en"), **error.params).startswith("'Comment' is too long")


def test_a_score_is_never_shown_as_the_next_stage():
    """1.96 is stage 1: shown as "2,0" it would contradict "Fase 1" next to it."""
    from i18n import format_score
    assert format_score(1.96, "nl") == "1,96"
    assert format_score(1.996, "en") == "1.996"
    assert format_score(1.9999, "nl") == "1,999"
    assert format_score(1.94, "nl") == "1,9" and format_score(2.0, "nl") == "2,0"
    assert format_score(3.45, "en") == "3.5"  # rounding up inside a stage is fine
    assert format_score(2.9999999999, "nl") == "3,0"  # a rounding error below 3 is stage 3 in the scoring too
    import math
    for tenth in range(10, 50):
        for delta in (-0.04, -0.004, 0.0, 0.03):
            score = tenth / 10 + delta
            shown = float(format_score(score, "en"))
            assert math.floor(shown + 1e-9) == math.floor(score + 1e-9), score


def test_the_gating_rule_is_worded_as_the_code_computes_it():
    # the code takes the highest level that every question with a chosen level reaches (its lowest level);
    # "weet niet" and "n.v.t." have no level and do not count
    for key in ("rule.gating", "explain.stage_gating", "about.stages"):
        assert "hoogste niveau dat elke vraag met een gekozen niveau haalt" in t(key, "nl"), key
        assert "highest level that every question with a chosen level reaches" in t(key, "en"), key
    for key, value in texts().items():
        assert "laagste niveau dat alle" not in value["nl"] and "lowest level that every" not in value["en"], key
        assert "lowest level that all answered" not in value["en"], key


def test_kpi_texts_built_from_domain_values_and_error_codes_exist():
    from indicators.model import DIRECTIONS, UNITS
    keys = [f"kpi.unit_{u}" for u in UNITS] + [f"kpi.direction_{d}" for d in DIRECTIONS]
    keys += [f"kpi.kind_{k}" for k in ("people", "traditional")]
    keys += [f"kpi.target_{s}" for s in ("reached", "not_reached", "unknown")]
    keys += [f"results.kpi_{s}" for s in ("reached", "not_reached")]
    keys += [f"export.kpi_status_{s}" for s in ("reached", "not_reached")]
    keys += [f"kpi.change_{c}" for c in ("better", "worse", "same")]
    keys += [f"kpi.value_{u}" for u in ("per_1000", "days")]
    # every code the KPI package and the KPI file reader can raise, as they write it
    sources = [ROOT / "indicators" / "figures.py", ROOT / "kpi" / "service.py", ROOT / "exports" / "kpi_file.py"]
    found = set()
    for source in sources:
        code = source.read_text(encoding="utf-8")
        found |= {f"error.{c}" for c in re.findall(r'(?:KpiValueError|InputError)\(\s*"([a-z_]+)"', code)}
        found |= set(re.findall(r'"((?:error|kpifile)\.[a-z_]+)"', code))
        found |= {f"kpifile.{c}" for c in re.findall(r'_problem\(\s*"kpifile\.([a-z_]+)"', code)}
    found |= {f"kpifile.{c}" for c in ("not_csv_or_xlsx", "unknown_encoding")}  # passed on from the table reader
    found |= {f"field.kpi_{f}" for f in ("period", "value", "numerator", "denominator", "target")}
    assert len(found) > 30
    assert [k for k in sorted(set(keys) | found) if not has(k)] == []


def test_a_shown_change_is_the_difference_of_the_shown_figures():
    """One rule for the pages and the workbook: 1,64 -> 2,16 shows as 1,6 -> 2,2, so its change is +0,6 (the
    unrounded difference 0,52 would show +0,5, which a reader who subtracts finds wrong)."""
    from i18n import format_change, shown_change, shown_score_change
    assert shown_change(1.64, 2.16) == 0.6 and round(2.16 - 1.64, 1) == 0.5
    assert shown_change(2.16, 1.64) == -0.6 and shown_change(None, 2.0) is None
    assert shown_change(2.04, 2.0) == 0.0
    # a score shown with two decimals (1,96 stays below stage 2) keeps them in its change
    assert shown_score_change(1.96, 2.4) == (0.44, 2)
    assert shown_score_change(2.35, 2.96) == (0.56, 2)
    assert [format_change(c, "nl") for c in (0.6, -0.6, 0.0)] == ["+0,6", "−0,6", "0,0"]
    assert format_change(0.44, "en", 2) == "+0.44"
