"""Files as Dutch offices make them (issue 28): CSV files written by LibreOffice itself, from a spreadsheet whose
numbers are formatted in Dutch (a thousands dot, a decimal comma), with accents and periods typed as text, saved
as Windows-1252 with ";" (what Dutch Excel's "CSV (gescheiden door lijstscheidingsteken)" writes), as UTF-8 and
as UTF-16 with tabs (Excel's "Unicode-tekst"). They import with exactly the figures a person means, value by
value; the same files with a cell that can be read two ways, or with half a complainant, are refused by row and
column, and store nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import text

from assessment import service
from conftest import ME, libreoffice
from exports.kpi_file import template_csv
from exports.problems import FileImportError
from i18n import t
from indicators.figures import figure_over, shown
from indicators.library import DEFAULT_FILE, load_library
from kpi import service as kpis

TODAY = date(2026, 11, 23)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")

# the filter options of LibreOffice's CSV export: separator, text quote, character set, first line
WINDOWS_1252 = "59,34,1,1"  # ";" and Windows-1252, as Dutch Excel saves CSV
UTF_8 = "59,34,76,1"
UTF_16_TABS = "9,34,65535,1"  # tabs and UTF-16 with a BOM, as Excel's "Unicode-tekst"

HEADER = ["kpi", "naam", "periode", "teller", "noemer", "waarde"]
NAME = "Klagers gehoord in Súdwest-Fryslân"
# (kpi, name, period, numerator, denominator, value): a number is a float cell, formatted in Dutch by LibreOffice
# ("1.040" with a thousands dot, "9.137,5" with a decimal comma); a text is a text cell
GOOD = [
    ("klagers-gehoord", NAME, "jan 2026", 1040, 2000, None),
    ("klagers-gehoord", NAME, "februari 2026", 500, 1000, None),
    ("klagers-gehoord", NAME, "Q2 2025", 300, 400, None),
    ("aantal-klachten", "Aantal klachten (één telling)", "1-3-2026", None, None, 1234),
    ("aantal-klachten", "Aantal klachten (één telling)", "K3 2026", None, None, 87),
    ("doorlooptijd", "Doorlooptijd in dagen", "2025", 9137.5, 850, None),
    ("doorlooptijd", "Doorlooptijd in dagen", "2026-1", 1312.25, 96, None),
]
EXPECTED = {  # (kpi, period) -> (value, numerator, denominator): what the person means
    ("klagers-gehoord", "2026-01"): (None, 1040, 2000),
    ("klagers-gehoord", "2026-02"): (None, 500, 1000),
    ("klagers-gehoord", "2025-Q2"): (None, 300, 400),
    ("aantal-klachten", "2026-03"): (1234, None, None),
    ("aantal-klachten", "2026-Q3"): (87, None, None),
    ("doorlooptijd", "2025"): (None, 9137.5, 850),
    ("doorlooptijd", "2026-01"): (None, 1312.25, 96),
}
# the total of days over the cases of one month: 1.040 days can be 1040 or 1,04, and nothing in the file says which
AMBIGUOUS = [("doorlooptijd", "Doorlooptijd in dagen (Súdwest-Fryslân)", "januari 2026", 1040, 80, None),
             ("doorlooptijd", "Doorlooptijd in dagen (Súdwest-Fryslân)", "februari 2026", 980, 75, None)]
FRACTIONAL = GOOD[:1] + [("klagers-gehoord", NAME, "februari 2026", 1.5, 1000, None)] + GOOD[2:]

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
# Dutch number formats: "#.##0" and "#.##0,##" in the language nl-NL
_STYLES = """<office:automatic-styles>
 <number:number-style style:name="N1" number:language="nl" number:country="NL">
  <number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
 <number:number-style style:name="N2" number:language="nl" number:country="NL">
  <number:number number:decimal-places="2" number:min-decimal-places="0" number:min-integer-digits="1"
   number:grouping="true"/></number:number-style>
 <style:style style:name="whole" style:family="table-cell" style:data-style-name="N1"/>
 <style:style style:name="decimal" style:family="table-cell" style:data-style-name="N2"/>
</office:automatic-styles>"""


def _cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
    style = "whole" if float(value).is_integer() else "decimal"
    return f'<table:table-cell table:style-name="{style}" office:value-type="float" office:value="{value}"/>'


def fods(rows: list[tuple]) -> str:
    """A flat ODF spreadsheet with the rows under the header, numbers as numbers in Dutch formats."""
    body = "".join("<table:table-row>" + "".join(_cell(c) for c in row) + "</table:table-row>"
                   for row in [tuple(HEADER)] + rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">{_STYLES}<office:body>'
            f'<office:spreadsheet><table:table table:name="Blad1">{body}</table:table></office:spreadsheet>'
            f'</office:body></office:document>')


class LibreOffice:
    def __init__(self, folder: Path):
        self.folder = folder

    def convert(self, sources: dict[str, str | bytes], options: str, suffix: str = ".fods",
                infilter: str | None = None) -> dict[str, bytes]:
        """The files LibreOffice writes when it saves each source as CSV with the filter options."""
        work = self.folder / f"run-{len(list(self.folder.iterdir()))}"
        (work / "out").mkdir(parents=True)
        paths = []
        for name, content in sources.items():
            path = work / f"{name}{suffix}"
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            paths.append(str(path))
        arguments = [f"--infilter={infilter}"] if infilter else []
        arguments += ["--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(work / "out")]
        done = libreoffice(*arguments, *paths, timeout=300)
        assert done.returncode == 0, done.stderr
        return {name: (work / "out" / f"{name}.csv").read_bytes() for name in sources}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, bytes]:
    office = LibreOffice(tmp_path_factory.mktemp("libreoffice"))
    files = {f"{name}-1252": data for name, data in office.convert(
        {"good": fods(GOOD), "ambiguous": fods(AMBIGUOUS), "fractional": fods(FRACTIONAL)}, WINDOWS_1252).items()}
    files["good-utf8"] = office.convert({"good": fods(GOOD)}, UTF_8)["good"]
    files["good-utf16"] = office.convert({"good": fods(GOOD)}, UTF_16_TABS)["good"]
    template = template_csv([("klagers-gehoord", NAME), ("aantal-klachten", "Aantal klachten (één telling)")])
    files["template-1252"] = office.convert({"template": template}, WINDOWS_1252, suffix=".csv",
                                            infilter="Text - txt - csv (StarCalc):59,34,76,1")["template"]
    return files


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULT_FILE)


@pytest.fixture
def organisation(db, library):
    org = service.create_organisation(db, actor=ME, name="Gemeente Súdwest-Fryslân", org_type="gemeente",
                                      size_class="inw-50-100k")
    kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                          kpi_ids=["klagers-gehoord", "aantal-klachten", "doorlooptijd"])
    return org


def stored(db, organisation, library) -> dict:
    register = kpis.get_register(db, actor=ME, organisation_id=organisation.id, library=library)
    return {(entry.code, v.period.code): (v.value, v.numerator, v.denominator)
            for entry in register.kpis for v in register.values[entry.id]}


def dump(db) -> list:
    with db.read() as session:
        return sorted(map(repr, session.execute(text("SELECT * FROM kpi_values")).all()))


def test_libreoffice_writes_what_a_dutch_office_writes(made):
    """The test files are what the issue is about: Dutch notation, accents in Windows-1252, ";"."""
    good = made["good-1252"]
    assert "Súdwest-Fryslân".encode("cp1252") in good and not good.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        good.decode("utf-8")
    lines = good.decode("cp1252").splitlines()
    assert lines[1] == f'"klagers-gehoord";"{NAME}";"jan 2026";1.040;2.000;'
    assert lines[6] == '"doorlooptijd";"Doorlooptijd in dagen";"2025";9.137,5;850;'
    assert made["good-utf16"].startswith((b"\xff\xfe", b"\xfe\xff")) and "\t" in made["good-utf16"].decode("utf-16")


@pytest.mark.parametrize("name, encoding, separator", [
    ("good-1252", "Windows-1252", ";"), ("good-utf8", "UTF-8", ";"), ("good-utf16", "UTF-16", "\t")])
def test_a_dutch_file_imports_with_exactly_the_figures_a_person_means(db, organisation, library, made, name,
                                                                      encoding, separator):
    preview = kpis.preview_import(db, actor=ME, organisation_id=organisation.id, library=library,
                                  filename="metingen.csv", data=made[name], today=TODAY)
    assert (preview.values, preview.kpis, preview.replaced) == (7, 3, [])
    assert (preview.encoding, preview.separator, preview.notation) == (encoding, separator, "nl")
    assert stored(db, organisation, library) == {}  # a preview stores nothing
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                              filename="metingen.csv", data=made[name], today=TODAY) == 7
    assert stored(db, organisation, library) == EXPECTED


def test_a_quarter_from_months_with_thousands_dots_adds_up_as_a_calculator_does(db, organisation, library, made):
    kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                       data=made["good-1252"], today=TODAY)
    register = kpis.get_register(db, actor=ME, organisation_id=organisation.id, library=library)
    entry = next(k for k in register.kpis if k.code == "klagers-gehoord")
    quarter = figure_over(entry.definition, register.measurements(entry.id), 2026 * 12, 3)  # 2026-Q1
    # 1.040 of 2.000 in January and 500 of 1.000 in February: 1540 of 3000 = 51,33%, shown as 51%
    assert (quarter.numerator, quarter.denominator, quarter.periods) == (1540, 3000, ("2026-01", "2026-02"))
    assert quarter.value == pytest.approx(1540 / 3000 * 100) and shown(entry.definition, quarter.value) == 51


def test_the_file_again_replaces_the_values_and_the_preview_shows_old_and_new(db, organisation, library, made):
    kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                       data=made["good-utf8"], today=TODAY)
    changed = made["good-1252"].replace(b"1.040;2.000", b"1.100;2.000")
    preview = kpis.preview_import(db, actor=ME, organisation_id=organisation.id, library=library,
                                  filename="metingen.csv", data=changed, today=TODAY)
    assert (preview.values, preview.kpis, len(preview.replaced)) == (7, 3, 1)  # the same value again is no change
    january = next(r for r in preview.replaced if (r.kpi.id, r.period) == ("klagers-gehoord", "2026-01"))
    assert (january.old.numerator, january.new.numerator, january.new.denominator) == (1040, 1100, 2000)
    # someone stores a value meanwhile: what was confirmed is no longer what would happen
    kpis.save_value(db, actor=ME, entry_id=next(k.id for k in kpis.get_register(
        db, actor=ME, organisation_id=organisation.id, library=library).kpis if k.code == "aantal-klachten"),
        library=library, period="2026-Q2", value=5, today=TODAY)
    before = dump(db)
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                           data=changed + b'"aantal-klachten";"x";"Q2 2026";;;6\r\n', replace=True, today=TODAY,
                           expected_replacements=preview.replaced_keys)
    assert [p.code for p in refused.value.problems] == ["kpifile.changed_since_preview"]
    assert dump(db) == before
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                              filename="metingen.csv", data=changed, replace=True, today=TODAY,
                              expected_replacements=preview.replaced_keys) == 7
    assert stored(db, organisation, library)[("klagers-gehoord", "2026-01")] == (None, 1100, 2000)


def messages(problem) -> dict[str, str]:
    found = {}
    for lang in ("nl", "en"):
        params = {k: v.get(lang) if hasattr(v, "nl") else v for k, v in problem.params.items()}
        found[lang] = t("kpifile.where", lang, row=problem.row, column=problem.column) + t(problem.code, lang, **params)
    return found


def test_a_cell_that_reads_two_ways_is_refused_naming_both_readings(db, organisation, library, made):
    before = dump(db)
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="dagen.csv",
                           data=made["ambiguous-1252"], today=TODAY)
    [problem] = refused.value.problems
    assert (problem.code, problem.row, problem.column) == ("error.kpi_ambiguous_number", 2, "teller")
    said = messages(problem)
    assert said["nl"] == ("Regel 2, kolom 'teller': Gemiddelde doorlooptijd van klachten, 2026-01: '1.040' bij "
                          "'teller' kan twee getallen zijn. Bedoelt u 1040 of 1,04? Schrijf duizendtallen zonder "
                          "punt, dan is het duidelijk.")
    assert "Do you mean 1040 or 1.04?" in said["en"] and said["en"].startswith("Row 2, column 'teller': ")
    assert dump(db) == before


def test_half_a_complainant_is_refused_by_name(db, organisation, library, made):
    before = dump(db)
    with pytest.raises(FileImportError) as refused:
        kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library, filename="metingen.csv",
                           data=made["fractional-1252"], today=TODAY)
    [problem] = refused.value.problems
    assert (problem.code, problem.row, problem.column) == ("error.kpi_count_not_whole", 3, "teller")
    assert messages(problem)["nl"] == ("Regel 3, kolom 'teller': Klagers die zich gehoord voelen, 2026-02: 'teller' "
                                       "is een aantal. Een aantal is een heel getal, niet 1,5.")
    assert dump(db) == before


def test_the_template_saved_back_by_libreoffice_without_changes_imports(db, organisation, library, made):
    saved = made["template-1252"]
    assert saved.decode("cp1252").splitlines()[1] == f'"klagers-gehoord";"{NAME}";;;;'
    preview = kpis.preview_import(db, actor=ME, organisation_id=organisation.id, library=library,
                                  filename="kpi-waarden.csv", data=saved, today=TODAY)
    assert (preview.values, preview.encoding, preview.separator) == (0, "Windows-1252", ";")
    assert kpis.import_values(db, actor=ME, organisation_id=organisation.id, library=library,
                              filename="kpi-waarden.csv", data=saved, today=TODAY) == 0
