"""A Dutch office's KPI file on the KPI page in a real browser (issue 28): a Windows-1252 CSV with ";", thousands
dots, accents and periods as people type them is checked first, the preview says how it was read and which
stored values it replaces (old → new), and only the confirmation stores the values."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from assessment import service
from browser_support import axe_violations, choose_files, running_app, wait_idle, wait_settled
from conftest import ME, ROOT
from indicators.library import load_library
from kpi import service as kpis

ARTIFACTS = ROOT / "test-artifacts"
YEAR = date.today().year - 1  # every month of last year has begun
NL_TITLE, EN_TITLE = "Metingen inlezen uit een bestand (CSV of Excel)", "Import values from a file (CSV or Excel)"


def dutch_csv(rows: list[str]) -> bytes:
    """As Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)": ";", Windows-1252, CR LF."""
    return "\r\n".join(["kpi;naam;periode;teller;noemer;waarde"] + rows + [""]).encode("cp1252")


FIRST = dutch_csv([f"klagers-gehoord;Klagers gehoord (Súdwest-Fryslân);jan {YEAR};1.040;2.000;",
                   f"klagers-gehoord;Klagers gehoord (Súdwest-Fryslân);februari {YEAR};500;1.000;",
                   f"aantal-klachten;Aantal klachten;K3 {YEAR};;;1.234"])
SECOND = dutch_csv([f"klagers-gehoord;Klagers gehoord (Súdwest-Fryslân);jan {YEAR};1.100;2.000;",
                    f"klagers-gehoord;Klagers gehoord (Súdwest-Fryslân);maart {YEAR};600;1.000;",
                    f"aantal-klachten;Aantal klachten;{YEAR} K3;;;1.250"])


def upload(page, path, check_button: str, title: str) -> None:
    """Choose the file in the import expander (opening it if a run closed it) and have it checked."""
    details = page.locator("details").filter(has=page.get_by_text(title, exact=True))
    if details.get_attribute("open") is None:
        page.get_by_text(title, exact=True).click()
        wait_idle(page)  # opening the expander asks for a run (`on_change="rerun"`)
        expect(details).to_have_attribute("open", "", timeout=60_000)
    choose_files(page, str(path))
    page.get_by_role("button", name=check_button).click()
    wait_idle(page)


def open_import(page, base: str, org_id: int, language: str, title: str) -> None:
    page.goto(f"{base}/kpi?org={org_id}&lang={language}")
    expander = page.get_by_text(title, exact=True)
    expect(expander).to_be_visible(timeout=60_000)
    wait_idle(page)
    expander.click()
    wait_idle(page)  # opening the expander asks for a run (`on_change="rerun"`)
    expect(page.locator("input[type=file]")).to_be_attached(timeout=60_000)


def test_a_dutch_kpi_file_is_previewed_confirmed_and_stored(browser, tmp_path):
    library = load_library()
    ARTIFACTS.mkdir(exist_ok=True)
    first, second = tmp_path / "metingen.csv", tmp_path / "metingen-nieuw.csv"
    first.write_bytes(FIRST)
    second.write_bytes(SECOND)
    with running_app(tmp_path) as (base, db):  # a new, empty database
        org = service.create_organisation(db, actor=ME, name="Gemeente Súdwest-Fryslân", org_type="gemeente",
                                          size_class="inw-50-100k")
        heard, count = kpis.add_library_kpis(db, actor=ME, organisation_id=org.id, library=library,
                                             kpi_ids=["klagers-gehoord", "aantal-klachten"])

        def values():
            register = kpis.get_register(db, actor=ME, organisation_id=org.id, library=library)
            return {(v.period.code, v.value, v.numerator, v.denominator) for entry in (heard, count)
                    for v in register.values[entry]}

        page = browser.new_page(viewport={"width": 1366, "height": 1400})
        open_import(page, base, org.id, "nl", NL_TITLE)
        upload(page, first, "Bestand inlezen", NL_TITLE)
        preview = page.locator(".st-key-kpi_preview_box")
        expect(preview.get_by_text("3 waarden voor 2 KPI's, er wordt niets vervangen.")).to_be_visible()
        expect(preview.get_by_text("Gelezen als Windows-1252, met scheidingsteken puntkomma (;). Getallen: "
                                   "Nederlandse notatie (1.040 en 12,5).")).to_be_visible()
        assert values() == set()  # nothing stored before the confirmation
        preview.get_by_role("button", name="Bevestigen en opslaan").click()
        wait_idle(page)
        expect(page.get_by_text("3 metingen ingelezen.")).to_be_visible()
        # the imported file is no longer in the uploader: the next one is chosen into an empty one
        expect(page.get_by_test_id("stFileUploader")).not_to_contain_text("metingen.csv")
        assert values() == {(f"{YEAR}-01", None, 1040, 2000), (f"{YEAR}-02", None, 500, 1000),
                            (f"{YEAR}-Q3", 1234, None, None)}

        # a second file replaces two of them: the preview shows each old and new value
        upload(page, second, "Bestand inlezen", NL_TITLE)
        expect(preview.get_by_text("3 waarden voor 2 KPI's, 2 bestaande waarden worden vervangen.")).to_be_visible()
        expect(preview.get_by_text(f"Klagers die zich gehoord voelen, {YEAR}-01: 52% (1040/2000) → 55% (1100/2000)"))\
            .to_be_visible()
        expect(preview.get_by_text(f"Aantal klachten, {YEAR}-Q3: 1234 → 1250")).to_be_visible()
        wait_settled(page)
        preview.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "kpi-file-preview-nl.png"), full_page=True)
        found = axe_violations(page)
        assert found == [], "kpi file preview (nl): " + "\n".join(found)
        assert values() == {(f"{YEAR}-01", None, 1040, 2000), (f"{YEAR}-02", None, 500, 1000),
                            (f"{YEAR}-Q3", 1234, None, None)}
        preview.get_by_role("button", name="Bevestigen en opslaan").click()
        wait_idle(page)
        expect(page.get_by_text("3 metingen ingelezen.")).to_be_visible()
        assert values() == {(f"{YEAR}-01", None, 1100, 2000), (f"{YEAR}-02", None, 500, 1000),
                            (f"{YEAR}-03", None, 600, 1000), (f"{YEAR}-Q3", 1250, None, None)}
        # the quarter of the three months, as a calculator adds it up: 2200 of 4000 = 55%
        expect(page.get_by_text(f"Heel {YEAR}: 55%", exact=False).first).to_be_visible()
        page.close()

        english = browser.new_page(viewport={"width": 1366, "height": 1400})
        open_import(english, base, org.id, "en", EN_TITLE)
        upload(english, first, "Import file", EN_TITLE)
        preview = english.locator(".st-key-kpi_preview_box")
        expect(preview.get_by_text("3 values for 2 KPIs, 2 existing values will be replaced.")).to_be_visible()
        expect(preview.get_by_text("Read as Windows-1252, with separator semicolon (;). Numbers: Dutch notation "
                                   "(1.040 and 12,5).")).to_be_visible()
        expect(preview.get_by_text(f"Complainants who felt heard, {YEAR}-01: 55% (1100/2000) → 52% (1040/2000)",
                                   exact=False)).to_be_visible()
        wait_settled(english)
        english.screenshot(path=str(ARTIFACTS / "kpi-file-preview-en.png"), full_page=True)
        found = axe_violations(english)
        assert found == [], "kpi file preview (en): " + "\n".join(found)
        english.close()
