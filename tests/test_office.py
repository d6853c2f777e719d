"""The tests' running office (`tests/office.py`) converts as `libreoffice --convert-to` does: the tests that
open the workbook in LibreOffice use it, so what it writes must be what the command line writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

import office
from conftest import libreoffice

pytestmark = pytest.mark.skipif(shutil.which("libreoffice") is None,
                                reason="LibreOffice not installed (.ci/run installs it)")


def cells(data: bytes) -> dict:
    book = load_workbook(BytesIO(data))
    return {(sheet.title, cell.coordinate): cell.value
            for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None}


def test_the_running_office_writes_what_the_command_line_writes(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Scores"
    sheet.append(["Onderdeel", "Niveau", "Toelichting"])
    sheet.append(["Ontvankelijk", 3.5, "één klacht =SOM(A1)"])
    sheet.append(["Lerend", 2, None])
    source = tmp_path / "scan.xlsx"
    book.save(source)

    done = libreoffice("--convert-to", "xlsx", "--outdir", str(tmp_path / "office"), str(source))
    assert done.returncode == 0, done.stderr
    has_uno = os.path.exists(office.SYSTEM_PYTHON) and subprocess.run([office.SYSTEM_PYTHON, "-c", "import uno"],
                                                                      capture_output=True).returncode == 0
    if has_uno:  # (.ci/run installs Debian's python3-uno)
        assert done.args[0] == "office"  # converted in the running office, not by the command line
    profile = (tmp_path / "profile").as_uri()
    by_command = subprocess.run(["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                                 "--convert-to", "xlsx", "--outdir", str(tmp_path / "command"), str(source)],
                                capture_output=True, text=True, timeout=180)
    assert by_command.returncode == 0, by_command.stderr

    written = cells((tmp_path / "office" / "scan.xlsx").read_bytes())
    assert written == cells((tmp_path / "command" / "scan.xlsx").read_bytes())
    assert written[("Scores", "B2")] == 3.5 and written[("Scores", "C2")] == "één klacht =SOM(A1)"


def test_a_file_the_office_cannot_open_is_an_error_not_an_empty_success(tmp_path):
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    done = libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(broken))
    assert not (tmp_path / "out" / "kapot.pdf").exists()
    if done.args[0] == "office":
        assert done.returncode != 0 and "kapot.xlsx" in done.stderr
