"""Numbers in Dutch and English notation, decided per column (rules.numbers; issue 28)."""

from __future__ import annotations

import pytest

from rules.numbers import Ambiguous, read_cell, read_columns, readings


@pytest.mark.parametrize("text, found", [
    ("1040", {"nl": 1040, "en": 1040}), ("12,5", {"nl": 12.5}), ("12.5", {"en": 12.5}),
    ("1.040", {"nl": 1040, "en": 1.04}), ("1,040", {"nl": 1.04, "en": 1040}), ("1 040", {"nl": 1040, "en": 1040}),
    ("1\u00a0040,5", {"nl": 1040.5}), ("1.234.567", {"nl": 1234567}), ("1,234,567", {"en": 1234567}),
    ("1.234,5", {"nl": 1234.5}), ("1,234.5", {"en": 1234.5}), ("0,500", {"nl": 0.5}), ("0.500", {"en": 0.5}),
    ("12.3456", {"en": 12.3456}), ("41%", {"nl": 41, "en": 41}), ("-3", {"nl": -3, "en": -3}),
    ("veel", None), ("1.2.3", None), ("1,234.567,8", None), ("", None), ("1.23.456", None),
])
def test_every_reading_of_a_cell(text, found):
    assert readings(text) == found


def test_a_column_is_read_in_the_notation_its_cells_agree_on():
    read, notation = read_columns({"teller": ["1.040", "12,5", "7"]})
    assert (read["teller"], notation) == ([1040, 12.5, 7], "nl")
    read, notation = read_columns({"teller": ["1.040", "12.25"]})
    assert (read["teller"], notation) == ([1.04, 12.25], "en")


def test_a_column_that_nothing_settles_keeps_both_readings():
    read, notation = read_columns({"waarde": ["1.040", "80"]})
    assert notation is None and read["waarde"] == [Ambiguous("1.040", 1040, 1.04), 80]
    # cells that disagree settle nothing either
    read, _ = read_columns({"waarde": ["1.040", "12,5", "3.25"]})
    assert read["waarde"] == [Ambiguous("1.040", 1040, 1.04), 12.5, 3.25]


def test_a_count_settles_its_column_and_a_silent_column_follows_the_file():
    # 1.040 of 2.000: as counts, 1,04 is no reading, so the numerator is Dutch; the denominator says nothing
    # itself (2 and 2000 are both whole) and follows the file, as one spreadsheet writes one notation
    read, notation = read_columns({"teller": ["1.040"], "noemer": ["2.000"]},
                                  {"teller": [True], "noemer": [True]})
    assert (read, notation) == ({"teller": [1040], "noemer": [2000]}, "nl")


def test_a_cell_outside_a_file():
    assert read_cell("1.040", None) == Ambiguous("1.040", 1040, 1.04)
    assert read_cell("1.040", None, whole=True) == 1040
    assert read_cell("2.000", None, whole=True) == Ambiguous("2.000", 2000, 2)
    assert read_cell("veel", "nl") == "veel" and read_cell(12, "nl") == 12
