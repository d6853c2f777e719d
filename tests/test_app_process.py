"""A forked app server of the browser tests does not run the script this test process ran last (its `__main__`)."""

import sys
import types

import app_process


def test_a_forked_server_starts_after_a_script_took_the_place_of_main(tmp_path, monkeypatch):
    # what an AppTest leaves behind: Streamlit runs the script as `__main__` and keeps it in sys.modules
    script = tmp_path / "script.py"
    script.write_text("raise SystemExit('the last script ran again in the new process')\n")
    leftover = types.ModuleType("__main__")
    leftover.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", leftover)

    log = tmp_path / "streamlit.log"
    process = app_process.start(["version"], {"PATH": "/usr/bin:/bin"}, str(tmp_path), str(log))
    assert process.wait(120) == 0
    assert log.read_text().startswith("Streamlit, version ")
    assert sys.modules["__main__"] is leftover  # this process's own `__main__` is put back
