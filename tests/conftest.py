"""Shared fixtures: the small test questionnaire, the shipped questionnaire, and databases.

Storage tests run on SQLite always, and on PostgreSQL when KLANTBEWUST_TEST_POSTGRES_URL is set
(`.ci/run` starts a throwaway PostgreSQL server and sets it, so CI always runs both).
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access import LOCAL_USER  # noqa: E402
from storage.db import Database  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402

import office  # noqa: E402  (tests/office.py)

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_ENV = "KLANTBEWUST_TEST_POSTGRES_URL"
ME = LOCAL_USER  # who acts in tests that are not about access: the local user, who may do everything


@pytest.fixture(scope="session")
def mini():
    return load_questionnaire(FIXTURES / "mini.yaml")


@pytest.fixture(scope="session")
def zelfscan():
    return load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")


def member_of(db, organisation_id: int, email: str, role: str = "invuller"):
    """A signed-in person with `role` in the organisation (added by the local user, as a beheerder would)."""
    import access
    access.add_member(db, actor=ME, organisation_id=organisation_id, email=email, role=role)
    return access.sign_in(db, email=email, name=email.split("@")[0].title())


_SQLITE_TEMPLATE: list[Path] = []


def migrated_sqlite(path: Path) -> Path:
    """An empty SQLite database at the newest schema, at `path`: a copy of one migrated once per test process
    (running every migration costs 0.15 to 0.35 CPU second, a copy 0.01). The app opens it as it opens a
    database it migrated itself; a test of a first start or of an upgrade starts from no file or an old one."""
    if not _SQLITE_TEMPLATE:
        folder = tempfile.mkdtemp(prefix="kb-migrated-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Path(folder) / "migrated.sqlite"
        Database(f"sqlite:///{template}").dispose()  # the last connection to close folds the WAL in
        _SQLITE_TEMPLATE.append(template)
    shutil.copyfile(_SQLITE_TEMPLATE[0], path)
    return path


def libreoffice(*arguments: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`libreoffice --headless <arguments>` (a conversion), in one office per test process kept running, with
    its own user profile (`tests/office.py`): starting the office for each file cost about 1.5 s. The calls of one
    test process come one after another, and each parallel process has its own office and profile."""
    return office.libreoffice(*arguments, timeout=timeout)


def lookup_for(*questionnaires):
    """A questionnaire lookup like `Catalog.get`, knowing only the given questionnaires."""
    known = {(q.id, q.version): q for q in questionnaires}
    return lambda questionnaire_id, version: known.get((questionnaire_id, version))


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} not set (CI sets it)"))


@pytest.fixture(params=list(_backends()))
def backend(request) -> str:
    """The database engine of a storage test: SQLite always, PostgreSQL when a server is set."""
    return request.param


class PostgresServer:
    """Throwaway databases on the test server (KLANTBEWUST_TEST_POSTGRES_URL), created and dropped by name."""

    def __init__(self):
        from sqlalchemy import create_engine
        self.url = os.environ[POSTGRES_ENV]
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def create(self, prefix: str, template: str | None = None) -> tuple[str, str]:
        from sqlalchemy import text
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        return name, self.url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, name: str) -> None:
        from sqlalchemy import text
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL test server, or None when none is set."""
    if not os.environ.get(POSTGRES_ENV):
        yield None
        return
    server = PostgresServer()
    yield server
    server.admin.dispose()


@pytest.fixture
def empty_url(backend, tmp_path, postgres_server):
    """The URL of a new, empty database (no tables yet): SQLite, and PostgreSQL when a server is set."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    name, url = postgres_server.create("kb_test")
    yield url
    postgres_server.drop(name)


def _referred_first(table, rows: list[dict]) -> list[dict]:
    """`rows` of `table` ordered so that a row comes after every row of the same table it refers to."""
    links = [(key.parent.name, key.column.name) for key in table.foreign_keys if key.column.table is table]
    if not links:
        return rows
    ordered, seen, waiting = [], {referred: set() for _, referred in links}, rows
    while waiting:
        ready = [row for row in waiting
                 if all(row[column] is None or row[column] in seen[referred] for column, referred in links)]
        ready = ready or waiting  # a cycle: as they are (the database will say what is wrong)
        ordered.extend(ready)
        for row in ready:
            for _, referred in links:
                seen[referred].add(row[referred])
        placed = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in placed]
    return ordered


class PostgresWorkDatabase:
    """The PostgreSQL database the `db` tests of this process share, one after another: cloned once from the
    migrated template, and before each next test put back to what the template holds (every row of the
    template's, none other; sequences counting from where the template's do). Putting back costs a few
    milliseconds, where a clone costs the server a quarter of a CPU second (it copies the system catalogs too)."""

    def __init__(self, server: PostgresServer, template: str):
        from sqlalchemy import MetaData, create_engine
        self.name, self.url = server.create("kb_test", template=template)
        self.engine = create_engine(self.url, pool_pre_ping=True)
        self.metadata = MetaData()
        self.metadata.reflect(self.engine)
        self.rows = self.every_row()
        self.used = False

    def every_row(self) -> dict[str, list[dict]]:
        """Every row of every table, a row that another of its table refers to before that one (an assessment
        started from last year's), so that they can be put back in this order."""
        from sqlalchemy import select
        with self.engine.connect() as connection:
            return {table.name: _referred_first(table, [dict(row._mapping) for row in connection.execute(select(table))])
                    for table in self.metadata.sorted_tables}

    def reset(self, rows: dict[str, list[dict]] | None = None) -> None:
        """What the template holds (or `rows`, taken by `every_row`), again; connections a test left open are
        ended first."""
        from sqlalchemy import text
        if rows is None and not self.used:
            self.used = True
            return
        rows = self.rows if rows is None else rows
        with self.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            tables = self.metadata.sorted_tables
            for table in reversed(tables):  # children before parents; triggers run as for any delete
                connection.execute(table.delete())
            for table in tables:  # the template's rows last, so that what the triggers wrote is replaced too
                if rows[table.name]:
                    connection.execute(table.delete())
                    connection.execute(table.insert(), rows[table.name])
            for sequence, table, column in connection.execute(text(
                    "SELECT s.relname, t.relname, a.attname FROM pg_class s "
                    "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                    "JOIN pg_class t ON t.oid = d.refobjid "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                    "WHERE s.relkind = 'S'")).all():
                connection.execute(text(f'SELECT setval(\'"{sequence}"\', '
                                        f'COALESCE((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'))

    def drop(self, server: PostgresServer) -> None:
        self.engine.dispose()
        server.drop(self.name)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, postgres_server):
    """A database migrated to the newest schema once per test process and engine; `db` copies it (SQLite) or
    puts the process's work database back to it (PostgreSQL) instead of running every migration for every
    test. Tests keep the template's peer data stamp only while their data is the template's: any change of peer
    data draws a new random stamp."""
    made: dict[str, str] = {}
    work: list[PostgresWorkDatabase] = []

    def template(backend: str) -> str | PostgresWorkDatabase:
        if backend not in made:
            if backend == "sqlite":
                made[backend] = str(migrated_sqlite(tmp_path_factory.mktemp("template") / "migrated.sqlite"))
            else:
                name, url = postgres_server.create("kb_template")
                Database(url).dispose()
                made[backend] = name
                work.append(PostgresWorkDatabase(postgres_server, name))
        return made[backend] if backend == "sqlite" else work[0]

    yield template
    for database in work:
        database.drop(postgres_server)
    if "postgresql" in made:
        postgres_server.drop(made["postgresql"])


@pytest.fixture
def db(backend, tmp_path, migrated_template):
    """A new database at the newest schema, on each engine: a copy of the migrated template (SQLite), or the
    process's PostgreSQL work database put back to the template's state."""
    source = migrated_template(backend)
    if backend == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(source, path)
        database = Database(f"sqlite:///{path}")
    else:
        source.reset()
        database = Database(source.url)
    database.test_copy = (backend, path if backend == "sqlite" else source)  # for `built_once`
    yield database
    database.dispose()


_BUILT: dict[tuple[str, str], tuple[object, object]] = {}  # (what, engine): (the database as built, the value)


def built_once(db, what: str, build):
    """What `build(db)` writes into the test's new database and returns, made once per test process and engine:
    the next test that asks for `what` gets the database as `build` left it (a copy: SQLite's backup, or
    PostgreSQL's rows put back) and the same value (ids, people). For a set-up that many tests of a file share,
    asked for before the test writes anything: it costs its writes once, and each test's changes stay its own."""
    import sqlite3
    from contextlib import closing
    backend, place = db.test_copy
    key = (what, backend)
    if key not in _BUILT:
        value = build(db)
        if backend == "sqlite":
            built = sqlite3.connect(":memory:")
            with closing(sqlite3.connect(place)) as source:
                source.backup(built)
        else:
            built = place.every_row()
        _BUILT[key] = (built, value)
        return value
    built, value = _BUILT[key]
    db.dispose()  # no pooled connection keeps what it read before
    if backend == "sqlite":
        with closing(sqlite3.connect(place)) as target:
            built.backup(target)
    else:
        place.reset(built)
    return value


@pytest.fixture(scope="module")
def own_server():
    """A PostgreSQL server of the test module's own (tests/own_postgres.py), which a test may stop and start
    without disturbing the shared test server."""
    import own_postgres
    if not own_postgres.available():
        pytest.skip("PostgreSQL server binaries not installed (CI installs them)")
    server = own_postgres.OwnPostgres()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (Playwright's own download does not work
    here). Every page it opens counts the app's script runs, so that `browser_support.wait_idle` waits for a
    run that really happened instead of a fixed time."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch_chromium
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _close_what_the_test_opened(request):
    """The browser contexts (and so the tabs) a test opened are closed when it ends, also when it fails: an open
    page of the workshop, a phone or the projector keeps asking the app for a run every few seconds, which would
    cost the tests after it time. What a module's own fixtures opened stays open for the module."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = set(browser.contexts)
    yield
    report = getattr(request.node, "report_of_call", None)
    if report is not None and report.failed:
        _keep_what_the_pages_showed(request.node, browser)
    for context in browser.contexts:
        if context not in before:
            context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """The call's report on the test item, for `_close_what_the_test_opened` to know whether the test failed."""
    outcome = yield
    if call.when == "call":
        item.report_of_call = outcome.get_result()


def _keep_what_the_pages_showed(item, browser) -> None:
    """For a failed browser test: a screenshot and the text of every open page, and what its run counter knew
    (`browser_support.RUN_COUNTER`), in test-artifacts/failures/, so that a failure in a stress round can be
    read afterwards. Best effort: a page that cannot be read is skipped, the test's own error stays the one
    reported."""
    import json
    import re as regex

    folder = ROOT / "test-artifacts" / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    stem = regex.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("/")[-1])[:120]
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        try:
            page.screenshot(path=str(folder / f"{stem}-{number}.png"), full_page=True, timeout=10_000)
            facts = page.evaluate("""() => ({url: location.href,
              state: document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState,
              asked: window.__kbAsked, lastAsk: window.__kbLastAsk, lastEnd: window.__kbLastEnd, now: performance.now(),
              text: document.body.innerText})""")
            (folder / f"{stem}-{number}.txt").write_text(json.dumps(facts, indent=1, ensure_ascii=False),
                                                        encoding="utf-8")
        except Exception:  # noqa: BLE001 - a closed or crashed page: nothing to keep
            continue


def pytest_configure(config):
    _scan_for_streamlit_components_once()


def _scan_for_streamlit_components_once() -> None:
    """Every AppTest scans the installed packages for Streamlit components (`scan_component_manifests`, about
    0.06 CPU second each time, a hundred times or so a run); the packages do not change while the tests run,
    so a test process scans once and gives every AppTest the same findings. Where a Streamlit version has no such scanner,
    nothing changes."""
    import functools

    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is None or hasattr(scan, "kb_once"):
        return
    found = functools.cache(lambda: tuple(scan()))

    def scan_once(max_workers=None):
        return list(found())

    scan_once.kb_once = True
    manifest_scanner.scan_component_manifests = scan_once


# The longest test files, longest first (measured in a whole run on 2026-12-04: 25 to 72 s each), a file that
# mostly waits for the app's clocks (a session that runs out, a projector's refresh) next to one that keeps the
# CPU busy, so that the two test processes seldom wait at the same time. `.ci/run` prints the slowest tests:
# a file that grows long belongs here.
LONG_FILES = ["test_accessibility_browser.py", "test_sign_in.py", "test_browser.py", "test_first_hour.py",
              "test_respondents_browser.py", "test_room.py", "test_legal_browser.py", "test_workshop_trust.py",
              "test_scale_out.py", "test_database_away_browser.py", "test_workbook_import.py",
              "test_workbook.py", "test_workshop_legal_browser.py"]


def pytest_collection_modifyitems(config, items):
    """The long files first (`LONG_FILES`), then the other modules that drive a browser, then the rest, each
    in its file order: run in parallel (`-n`, files kept together), the long ones start early and the short
    ones fill the gaps at the end, so both test processes end at about the same time."""
    browser_files = {item.path for item in items if "browser" in getattr(item, "fixturenames", ())}

    def place(item):
        name = item.path.name
        return (LONG_FILES.index(name) if name in LONG_FILES else len(LONG_FILES), item.path not in browser_files)
    items.sort(key=place)

