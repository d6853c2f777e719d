"""Shared fixtures: the small test questionnaire, the shipped questionnaire, and databases.

Storage tests run on SQLite always, and on PostgreSQL when KLANTBEWUST_TEST_POSTGRES_URL is set
(`.ci/run` starts a throwaway PostgreSQL server and sets it, so CI always runs both).
"""

import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access import LOCAL_USER  # noqa: E402
from storage.db import Database  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402

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


def lookup_for(*questionnaires):
    """A questionnaire lookup like `Catalog.get`, knowing only the given questionnaires."""
    known = {(q.id, q.version): q for q in questionnaires}
    return lambda questionnaire_id, version: known.get((questionnaire_id, version))


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} not set (CI sets it)"))


@pytest.fixture(params=list(_backends()))
def empty_url(request, tmp_path):
    """The URL of a new, empty database (no tables yet): SQLite, and PostgreSQL when a server is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    # a fresh database per test on the PostgreSQL server
    from sqlalchemy import create_engine, text
    server_url = os.environ[POSTGRES_ENV]
    name = f"kb_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(empty_url):
    database = Database(empty_url)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (Playwright's own download does not work
    here)."""
    from playwright.sync_api import sync_playwright

    from browser_support import CHROMIUM, CHROMIUM_ARGS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
