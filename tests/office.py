"""LibreOffice for the tests, started once per test process and kept running.

`libreoffice --headless --convert-to ...` starts the whole office for every file: about 1.5 s, most of it
starting. Here the first call starts one office (headless, with this process's own user profile) and a small
bridge to it in Debian's Python, which has LibreOffice's `uno` module; each conversion is then a load and a
store in the running office, the same import and export filters the command line uses. Where that cannot run
(no `uno` module, an office that does not answer), each call runs the command line instead, as before.

The bridge is `python3 tests/office.py <pipe name>`: it reads one conversion per line (JSON) and answers each
with one line (JSON).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# the export filter the command line picks for `--convert-to <extension>` of a spreadsheet
FILTERS = {"pdf": "calc_pdf_Export", "xlsx": "Calc MS Excel 2007 XML", "csv": "Text - txt - csv (StarCalc)"}
SYSTEM_PYTHON = "/usr/bin/python3"


def parse(arguments: tuple[str, ...]) -> dict:
    """The conversion that `libreoffice` command-line `arguments` ask for: {to, outdir, infilter, files}."""
    request = {"to": None, "outdir": None, "infilter": None, "files": []}
    items = list(arguments)
    while items:
        item = items.pop(0)
        if item == "--convert-to":
            request["to"] = items.pop(0)
        elif item == "--outdir":
            request["outdir"] = items.pop(0)
        elif item.startswith("--infilter="):
            request["infilter"] = item.split("=", 1)[1]
        elif item.startswith("-"):
            raise ValueError(f"not a conversion argument: {item}")
        else:
            request["files"].append(str(Path(item).resolve()))
    if not request["to"] or not request["files"]:
        raise ValueError(f"not a conversion: {arguments}")
    request["outdir"] = str(Path(request["outdir"] or os.getcwd()).resolve())
    return request


class Office:
    """One running office and its bridge; `convert` returns None where it could not convert (the caller then
    runs the command line)."""

    def __init__(self, profile_uri: str):
        self.profile_uri = profile_uri
        self.office = self.bridge = None
        self.broken = not (shutil.which("soffice") and os.path.exists(SYSTEM_PYTHON))

    def _start(self) -> None:
        pipe = f"kb-tests-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={self.profile_uri}", "--headless", "--invisible", "--nologo",
             "--norestore", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        system_python = {name: value for name, value in os.environ.items()
                         if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        self.bridge = subprocess.Popen([SYSTEM_PYTHON, __file__, pipe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True, env=system_python)
        atexit.register(self.close)
        if self._ask({"hello": True}) is None:  # the bridge has reached the office (it waits up to 120 s)
            self.close()
            self.broken = True

    def _ask(self, request: dict, timeout: float = 180) -> dict | None:
        """The bridge's answer, or None when it has none within `timeout` seconds (one answer per line, one
        line per request: nothing is left in the buffer between requests, so `select` sees a new answer)."""
        try:
            self.bridge.stdin.write(json.dumps(request) + "\n")
            self.bridge.stdin.flush()
            if not select.select([self.bridge.stdout], [], [], timeout)[0]:
                return None
            line = self.bridge.stdout.readline()
            return json.loads(line) if line else None
        except (OSError, ValueError):
            return None

    def convert(self, arguments: tuple[str, ...], timeout: float = 180) -> subprocess.CompletedProcess | None:
        if self.broken:
            return None
        if self.bridge is None:
            self._start()
            if self.broken:
                return None
        try:
            request = parse(arguments)
        except ValueError:
            return None
        answer = self._ask(request, timeout)
        if answer is None:  # the bridge or the office died or hangs: the command line from now on
            self.close()
            self.broken = True
            return None
        return subprocess.CompletedProcess(["office"] + list(arguments), 0 if answer["ok"] else 1,
                                           answer.get("log", ""), answer.get("error", ""))

    def close(self) -> None:
        """The bridge ends the office when its input closes; whatever is left after 10 s (an office that hangs)
        is killed, the office with every process it started (its own session)."""
        if self.bridge is not None:
            try:
                self.bridge.stdin.close()
                self.bridge.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.bridge.kill()
        if self.office is not None:
            try:
                self.office.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.office.pid, signal.SIGKILL)  # soffice is a script that starts soffice.bin
            except (ProcessLookupError, PermissionError):
                pass
            self.office.wait()
        self.bridge = self.office = None


_OFFICE: list[Office] = []


def libreoffice(*arguments: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """What `libreoffice --headless <arguments>` does (a conversion), in this test process's running office,
    or by the command line (with the same user profile) where that cannot be had."""
    if not _OFFICE:
        folder = tempfile.mkdtemp(prefix="kb-libreoffice-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _OFFICE.append(Office(Path(folder).as_uri()))
    office = _OFFICE[0]
    done = office.convert(arguments, timeout)
    if done is not None:
        return done
    command = ["libreoffice", f"-env:UserInstallation={office.profile_uri}", "--headless", "--norestore",
               *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def _serve(pipe: str) -> None:  # pragma: no cover - runs in Debian's Python, beside the office
    import uno
    from com.sun.star.beans import PropertyValue

    def properties(**values):
        return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # the office is still starting
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("hello"):
            print(json.dumps({"ok": True}), flush=True)
            continue
        log, error, source = [], "", ""
        target, _, options = request["to"].partition(":")
        name, _, options = options.partition(":") if options else (FILTERS.get(target, target), "", "")
        extension = target
        try:
            for source in request["files"]:
                load = {"Hidden": True}
                if request["infilter"]:
                    in_name, _, in_options = request["infilter"].partition(":")
                    load.update(FilterName=in_name, FilterOptions=in_options)
                document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                                        properties(**load))
                if document is None:
                    raise RuntimeError(f"LibreOffice could not open {source}")
                try:
                    out = Path(request["outdir"]) / (Path(source).stem + "." + extension)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    store = {"FilterName": name, "Overwrite": True}
                    if options:
                        store["FilterOptions"] = options
                    document.storeToURL(uno.systemPathToFileUrl(str(out)), properties(**store))
                    log.append(f"convert {source} -> {out} using filter : {name}")
                finally:
                    document.close(True)
        except Exception as problem:
            error = f"{source}: {type(problem).__name__}: {problem}"
        print(json.dumps({"ok": not error, "log": "\n".join(log), "error": error}), flush=True)
    try:  # the test process has gone (its end of the pipe closed), also one that was killed: so goes the office
        desktop.terminate()
    except Exception:
        pass


if __name__ == "__main__":
    _serve(sys.argv[1])
