"""Benchmark file import: good files load; every kind of bad file gives its message and stores nothing."""

import io

import pytest
from openpyxl import Workbook

from peers import service as peers
from conftest import lookup_for, ME
from exports.benchmark_file import BenchmarkFileError, organisation_key, read_benchmark_file


@pytest.fixture
def lookup(mini):
    return lookup_for(mini)


HEADER = "organisatie;type;grootte;jaar;vragenlijst;versie;d1-1;d1-2;d1-3;d1-4;d2-1;d2-2;d3-1;d3-2;d3-3"
GOOD = [f"Gemeente {i};gemeente;inw-20-50k;2025;mini;0.1;{1 + i % 5};3;nvt;weetniet;4;;2;2;3" for i in range(6)]


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


def problems_of(filename, data, lookup):
    with pytest.raises(BenchmarkFileError) as caught:
        read_benchmark_file(filename, data, lookup)
    return [(p.code, p.row, p.column) for p in caught.value.problems]


def test_a_good_csv_with_dutch_headers(lookup):
    result = read_benchmark_file("peers.csv", csv_bytes(HEADER, *GOOD), lookup)
    assert result.kind == "answers" and len(result.records) == 6
    first = dict(result.records[0])
    key = first.pop("organisation_key")
    assert first == {"org_type": "gemeente", "size_class": "inw-20-50k", "year": 2025, "answers": {
        "d1-1": 1, "d1-2": 3, "d1-3": "nvt", "d1-4": "weetniet", "d2-1": 4, "d3-1": 2, "d3-2": 2, "d3-3": 3}}
    # an opaque key instead of the label: the same for the same organisation, another for the next one
    assert "Gemeente" not in key and key == organisation_key("  gemeente   0 ")
    assert len({r["organisation_key"] for r in result.records}) == 6


def test_a_good_xlsx_with_dimension_scores(lookup):
    book = Workbook()
    sheet = book.active
    sheet.append(["organisation", "org_type", "size_class", "year", "questionnaire_id", "questionnaire_version",
                  "d1", "d2", "d3"])
    for i in range(5):
        sheet.append([f"W{i}", "waterschap", "fte-lt-250", 2026, "mini", "0.1", 2.5, 3, None])
    data = io.BytesIO()
    book.save(data)
    result = read_benchmark_file("peers.xlsx", data.getvalue(), lookup)
    assert result.kind == "scores" and result.records[0]["scores"] == {"d1": 2.5, "d2": 3.0}


@pytest.mark.parametrize("lines, expected", [
    ([HEADER.replace("d3-3", "d9-9"), GOOD[0]], [("unknown_column", 1, "d9-9")]),
    ([HEADER, GOOD[0].replace(";4;;", ";7;;")], [("level_out_of_range", 2, "d2-1")]),
    ([HEADER, GOOD[0].replace(";4;;", ";veel;;")], [("not_a_level", 2, "d2-1")]),
    # a column is named as the file writes it (here in Dutch)
    ([HEADER, GOOD[0], GOOD[0]], [("duplicate", 3, "organisatie")]),
    ([HEADER, GOOD[0], GOOD[1].replace(";0.1;", ";0.2;")], [("wrong_version", 3, "versie")]),
    ([HEADER, GOOD[0].replace(";gemeente;", ";dorp;")], [("unknown_type", 2, "type")]),
    ([HEADER, GOOD[0].replace(";inw-20-50k;", ";fte-lt-250;")], [("unknown_size", 2, "grootte")]),
    ([HEADER, GOOD[0].replace(";2025;", ";vorig jaar;")], [("invalid_year", 2, "jaar")]),
    # empty rows are passed over, and a row is named as the file numbers it
    (["", HEADER, GOOD[0], "", ";;;;;;", GOOD[1].replace(";4;;", ";7;;")], [("level_out_of_range", 6, "d2-1")]),
    (["", HEADER.replace("d3-3", "d9-9"), GOOD[0]], [("unknown_column", 2, "d9-9")]),
    ([HEADER], [("empty", None, "")]),
    (["organisatie;jaar", "x;2025"], [("missing_column", 1, m) for m in
                                      ("org_type", "size_class", "questionnaire_id", "questionnaire_version")]),
    ([HEADER.replace("d3-3", "d3"), GOOD[0]], [("mixed_columns", 1, "")]),
])
def test_every_kind_of_bad_csv(lookup, lines, expected):
    assert problems_of("peers.csv", csv_bytes(*lines), lookup) == expected


def test_text_in_a_score_column_and_unknown_questionnaire(lookup):
    header = "organisation,org_type,size_class,year,questionnaire_id,questionnaire_version,d1,d2"
    assert problems_of("s.csv", csv_bytes(header, "A,gemeente,inw-lt-20k,2025,mini,0.1,hoog,3"), lookup) == [
        ("not_a_number", 2, "d1")]
    assert problems_of("s.csv", csv_bytes(header, "A,gemeente,inw-lt-20k,2025,mini,0.1,6,3"), lookup) == [
        ("score_out_of_range", 2, "d1")]
    assert problems_of("s.csv", csv_bytes(header, "A,gemeente,inw-lt-20k,2025,andere,1.0,3,3"), lookup) == [
        ("unknown_questionnaire", 2, "questionnaire_version")]


def test_files_that_are_not_csv_or_xlsx_or_too_large(lookup):
    assert problems_of("peers.pdf", b"%PDF-1.4", lookup) == [("not_csv_or_xlsx", None, "")]
    assert problems_of("peers.xlsx", b"not a zip", lookup) == [("not_csv_or_xlsx", None, "")]
    assert problems_of("peers.csv", b"\x81\x8d\x8f bad", lookup) == [("unknown_encoding", None, "")]
    assert problems_of("peers.csv", b"x" * (6 * 1024 * 1024), lookup) == [("too_large", None, "")]


def test_a_bad_file_stores_nothing_and_a_good_one_can_be_listed_and_removed(db, lookup):
    from assessment import service
    own = service.create_organisation(db, actor=ME, name="Eigen", org_type="gemeente", size_class="inw-lt-20k")
    with pytest.raises(BenchmarkFileError):
        peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers.csv",
                                    data=csv_bytes(HEADER, GOOD[0], GOOD[0]), lookup=lookup)
    assert peers.list_peer_sets(db, actor=ME, organisation_id=own.id) == []
    imported = peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers.csv",
                                           data=csv_bytes(HEADER, *GOOD), lookup=lookup)
    set_id = imported.peer_set_id
    assert (imported.records, imported.encoding, imported.separator) == (6, "UTF-8", ";")
    [stored] = peers.list_peer_sets(db, actor=ME, organisation_id=own.id)
    assert (stored.id, stored.source, stored.is_demo, stored.records) == (set_id, "import", False, 6)
    peers.delete_peer_set(db, actor=ME, peer_set_id=set_id)
    assert peers.list_peer_sets(db, actor=ME, organisation_id=own.id) == []


def test_an_organisation_year_already_stored_is_refused_naming_its_row_and_set(db, lookup):
    from assessment import service
    own = service.create_organisation(db, actor=ME, name="Eigen", org_type="gemeente", size_class="inw-lt-20k")
    peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers-2025.csv",
                                data=csv_bytes(HEADER, *GOOD), lookup=lookup)
    # a new year's file that repeats a row of last year's: refused as a whole, naming the row and the set
    next_year = [line.replace(";2025;", ";2026;") for line in GOOD]
    with pytest.raises(BenchmarkFileError) as caught:
        peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers-2026.csv",
                                    data=csv_bytes(HEADER, *next_year, GOOD[2]), lookup=lookup)
    assert [(p.code, p.row, p.column, p.params) for p in caught.value.problems] == [
        ("already_stored", 8, "organisatie", {"organisation": "Gemeente 2", "year": 2025, "set": "peers-2025.csv"})]
    assert [s.name for s in peers.list_peer_sets(db, actor=ME, organisation_id=own.id)] == ["peers-2025.csv"]
    # the same organisation written otherwise (capitals, spaces) is the same organisation
    with pytest.raises(BenchmarkFileError) as caught:
        peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="again.csv",
                                    data=csv_bytes(HEADER, GOOD[0].replace("Gemeente 0", "GEMEENTE  0")),
                                    lookup=lookup)
    assert [(p.code, p.row) for p in caught.value.problems] == [("already_stored", 2)]
    imported = peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers-2026.csv",
                                           data=csv_bytes(HEADER, *next_year), lookup=lookup)
    assert imported.records == 6
    # another organisation's peer data is not this one's: it stores the same file
    other = service.create_organisation(db, actor=ME, name="Ander", org_type="gemeente", size_class="inw-lt-20k")
    peers.import_benchmark_file(db, actor=ME, organisation_id=other.id, filename="peers-2025.csv",
                                data=csv_bytes(HEADER, *GOOD), lookup=lookup)
    # once the set is removed, its organisation-years can be stored again
    first = peers.list_peer_sets(db, actor=ME, organisation_id=own.id)[0]
    peers.delete_peer_set(db, actor=ME, peer_set_id=first.id)
    peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="peers-2025.csv",
                                data=csv_bytes(HEADER, *GOOD), lookup=lookup)
    assert sorted(s.name for s in peers.list_peer_sets(db, actor=ME, organisation_id=own.id)) == [
        "peers-2025.csv", "peers-2026.csv"]


def test_every_problem_has_a_message():
    import re
    from i18n import has
    from conftest import ROOT
    sources = [ROOT / "exports" / "benchmark_file.py", ROOT / "exports" / "table_file.py", ROOT / "peers" / "service.py"]
    codes = {code for source in sources for code in re.findall(r'FileProblem\("(\w+)"', source.read_text())}
    assert {"not_csv_or_xlsx", "duplicate", "already_stored", "score_out_of_range"} <= codes  # the search finds them
    assert sorted(c for c in codes | {"where"} if not has(f"peerfile.{c}")) == []


def test_a_first_row_shorter_than_the_header_is_a_problem_not_a_crash(lookup):
    header = "organisation,org_type,size_class,year,questionnaire_id,questionnaire_version,d1-1"
    problems = problems_of("peers.csv", csv_bytes(header, "Org A,gemeente"), lookup)
    assert problems == [("unknown_questionnaire", 2, "questionnaire_version")]


def test_a_semicolon_file_with_a_quoted_comma_is_read_with_the_right_separator(lookup):
    rows = [f'"Gemeente {i}, afdeling KCC";gemeente;inw-20-50k;2025;mini;0.1;3;3;3;3;3;3;3;3;3' for i in range(5)]
    result = read_benchmark_file("peers.csv", csv_bytes(HEADER, *rows), lookup)
    assert len(result.records) == 5 and result.records[0]["answers"]["d1-1"] == 3


def test_limits_are_checked_before_everything_is_read(lookup, monkeypatch):
    import exports.benchmark_file as benchmark_file
    monkeypatch.setattr(benchmark_file, "MAX_ROWS", 10)
    assert problems_of("peers.csv", csv_bytes(HEADER, *(GOOD * 2)), lookup) == [("too_many_rows", None, "")]
    wide = HEADER + ";" + ";".join(f"x{i}" for i in range(300))
    assert problems_of("peers.csv", csv_bytes(wide, GOOD[0] + ";1" * 300), lookup) == [("too_many_columns", None, "")]


def test_a_formula_in_a_workbook_cell_is_refused_with_its_place(lookup):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for line in GOOD:
        sheet.append([int(v) if v.isdigit() else v for v in line.split(";")])
    sheet["G3"] = "=1+2"
    data = io.BytesIO()
    book.save(data)
    assert problems_of("peers.xlsx", data.getvalue(), lookup) == [("formula", 3, "d1-1")]



def test_a_benchmark_file_as_dutch_excel_saves_it(lookup):
    """Windows-1252 with ";" and decimal commas (issue 28): the accents and the scores come through as meant."""
    lines = ["organisatie;type;grootte;jaar;vragenlijst;versie;d1;d2;d3"] + [
        f"{name};gemeente;inw-50-100k;2025;mini;0.1;2,5;3;4,25" for name in ("Súdwest-Fryslân", "Fryslân", "Sneek")]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    result = read_benchmark_file("peers.csv", data, lookup)
    assert (result.kind, result.encoding, result.separator) == ("scores", "Windows-1252", ";")
    assert result.records[0]["organisation_key"] == organisation_key("Súdwest-Fryslân")
    assert [r["scores"] for r in result.records] == [{"d1": 2.5, "d2": 3.0, "d3": 4.25}] * 3
    # the same in UTF-16 with tabs, as Excel's "Unicode-tekst"
    utf16 = ("\r\n".join(line.replace(";", "\t") for line in lines) + "\r\n").encode("utf-16")
    again = read_benchmark_file("peers.txt", utf16, lookup)
    assert (again.encoding, again.separator, again.records) == ("UTF-16", "\t", result.records)
