"""The translation source is complete: every text in both languages, with the same placeholders."""

import re
import string

from assessment import service
from conftest import ROOT
from i18n import LANGUAGES, has, t, texts

CODE_DIRS = ["app.py", "views", "ui"]
LITERAL_KEY = re.compile(r"""\btr?\(\s*["']([a-z_]+\.[a-z0-9_.\-]+)["']\s*[,)]""")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_both_languages_with_the_same_placeholders():
    for key, value in texts().items():
        assert set(value) == set(LANGUAGES), key
        assert placeholders(value["nl"]) == placeholders(value["en"]), key


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


def test_the_gating_rule_is_worded_as_the_code_computes_it():
    # the code takes the highest level that every question with a chosen level reaches (its lowest level);
    # "weet niet" and "n.v.t." have no level and do not count
    for key in ("rule.gating", "explain.stage_gating", "about.stages"):
        assert "hoogste niveau dat elke vraag met een gekozen niveau haalt" in t(key, "nl"), key
        assert "highest level that every question with a chosen level reaches" in t(key, "en"), key
    for key, value in texts().items():
        assert "laagste niveau dat alle" not in value["nl"] and "lowest level that every" not in value["en"], key
        assert "lowest level that all answered" not in value["en"], key
