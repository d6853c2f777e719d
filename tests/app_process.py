"""The app's server process for the browser tests, started from an interpreter that has already imported
Streamlit and the libraries the app uses (a `multiprocessing` fork server, one per test process).

A server started with `python -m streamlit run app.py` spends about three CPU seconds importing Streamlit,
pandas, plotly, SQLAlchemy and the rest before and during its first page; a run of the tests starts some
twenty-five servers, on two cores. A server forked from the fork server runs the same command line
(`streamlit run app.py ...`, Streamlit's own command-line entry) with its own environment, working folder and
log. The fork server has imported the app's own modules too (`APP_MODULES`): they read their settings when
used, not when imported (`test_architecture.py` holds every module to that), so a server's own environment,
set after the fork, is the one they see. One test (`test_first_hour`) starts the app exactly as the README
says, with a new interpreter.

This module imports nothing heavy itself: the fork server imports it to run `_serve`.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import types

# the libraries, then the app's own modules (those of `ui`, and what the pages of `views` import besides)
PRELOAD = ["app_process", "streamlit", "streamlit.web.cli", "streamlit.web.bootstrap", "streamlit.runtime",
           "streamlit.web.server.starlette.starlette_agent_routes", "streamlit.web.server.app_discovery",
           "uvicorn.main", "uvicorn.protocols.http.h11_impl", "uvicorn.protocols.websockets.websockets_sansio_impl",
           "uvicorn.lifespan.on", "starlette.applications", "starlette.staticfiles", "starlette.websockets",
           "starlette.middleware.sessions", "pandas", "numpy", "plotly.graph_objects", "plotly.io", "openpyxl",
           "sqlalchemy", "sqlalchemy.orm", "alembic", "pydantic", "yaml", "segno", "httpx"]
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP_MODULES = sorted(f"ui.{name[:-3]}" for name in os.listdir(os.path.join(_ROOT, "ui"))
                     if name.endswith(".py") and name != "__init__.py") + [
    "report.service", "assessment.history", "peers.scores", "exports.benchmark_file", "exports.kpi_file"]

_context = None


def _serve(arguments: list[str], environment: dict[str, str], folder: str, log_path: str) -> None:
    """In the forked process: the environment, working folder and output of `streamlit run`, then run it."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(folder)
    sys.argv = ["streamlit", *arguments]
    from streamlit.web import cli
    cli.main(prog_name="streamlit")


class AppProcess:
    """A forked `streamlit run`, with the part of `subprocess.Popen` that `running_app` uses."""

    def __init__(self, process: multiprocessing.Process):
        self._process = process
        self.pid = process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        if self._process.exitcode is None:  # did not stop when asked: as `kill -9`
            self._process.kill()
            self._process.join(10)
        return self._process.exitcode


def start(arguments: list[str], environment: dict[str, str], folder: str, log_path: str) -> AppProcess:
    """`streamlit <arguments>` forked from this test process's fork server (started, with its imports, on the
    first call)."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD + APP_MODULES)
    process = _context.Process(target=_serve, args=(arguments, environment, folder, log_path), daemon=False)
    # multiprocessing has the new process run this process's `__main__` first. After an AppTest in this test
    # process, `sys.modules["__main__"]` is still the last script Streamlit ran (app.py): the new process would
    # run app.py outside `streamlit run` and die before serving. So it starts with an empty `__main__`.
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        process.start()
    finally:
        if main is not None:
            sys.modules["__main__"] = main
    return AppProcess(process)
