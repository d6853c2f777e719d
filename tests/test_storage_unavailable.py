"""When the database cannot be used for a while: the storage layer raises our StorageUnavailable with a reason
(never the driver's error), nothing is half-written, and the same Database works again once the database is
back, on SQLite and on PostgreSQL."""

import sqlite3
import threading

import pytest

from assessment import service
from conftest import ME
from storage.db import BUSY, ENV_BUSY_SECONDS, FULL, READ_ONLY, UNREACHABLE, Database, StorageUnavailable


def _scan(db, mini):
    organisation = service.create_organisation(db, actor=ME, name="Gemeente Weg", org_type="gemeente",
                                               size_class="inw-50-100k")
    return service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                     questionnaire=mini)


def test_sqlite_locked_past_the_busy_timeout_is_busy_and_then_works(tmp_path, mini, monkeypatch):
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    path = tmp_path / "locked.sqlite"
    db = Database(f"sqlite:///{path}")
    assessment = _scan(db, mini)
    other = sqlite3.connect(path, isolation_level=None)  # another process holding the write lock
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageUnavailable) as raised:
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    assert raised.value.reason == BUSY
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id) == {}  # reads go on; nothing written
    other.execute("ROLLBACK")
    other.close()
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].value == 3


def test_sqlite_in_process_writer_queue_waits_no_longer_than_the_busy_timeout(tmp_path, mini, monkeypatch):
    monkeypatch.setenv(ENV_BUSY_SECONDS, "0.3")
    db = Database(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    assessment = _scan(db, mini)
    held, release = threading.Event(), threading.Event()

    def long_writer():
        with db.write():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=long_writer)
    thread.start()
    held.wait(10)
    with pytest.raises(StorageUnavailable) as raised:
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    assert raised.value.reason == BUSY
    release.set()
    thread.join()
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)


def test_sqlite_read_only_file_is_read_only_and_writes_nothing_half(tmp_path, mini):
    path = tmp_path / "ro.sqlite"
    db = Database(f"sqlite:///{path}")
    assessment = _scan(db, mini)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=2)
    db.dispose()
    # the file opened read-only (as a file without write permission opens; root ignores permissions)
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true", migrate=False)
    assert read_only.check() == READ_ONLY
    with pytest.raises(StorageUnavailable) as raised:
        service.save_answer(read_only, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=5)
    assert raised.value.reason == READ_ONLY
    assert service.get_answers(read_only, actor=ME, assessment_id=assessment.id)["d1-1"].value == 2
    read_only.dispose()


def test_sqlite_full_disk_is_full_and_writes_nothing_half(tmp_path, mini):
    from sqlalchemy import event

    db = Database(f"sqlite:///{tmp_path / 'full.sqlite'}")
    assessment = _scan(db, mini)

    def no_room(dbapi_connection, _record):  # the disk is full: the file cannot grow by one page
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(db.write_engine, "connect", no_room)
    db.write_engine.dispose()
    with pytest.raises(StorageUnavailable) as raised:
        for number in range(200):  # comments large enough to need new pages
            service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1",
                                 comment=f"{number} " + "x" * 1900)
    assert raised.value.reason == FULL
    event.remove(db.write_engine, "connect", no_room)
    db.write_engine.dispose()  # the disk has room again (the pool was dropped by the failure as well)
    before = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].comment
    assert before.endswith("x" * 1900)  # the last comment that fitted, whole
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-2", value=4)
    assert db.check() is None


def test_postgresql_stopped_is_unreachable_and_the_same_database_recovers(own_server, mini):
    db = Database(own_server.create_database("away"))
    assessment = _scan(db, mini)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=1)
    own_server.stop()
    try:
        with pytest.raises(StorageUnavailable) as raised:
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=4)
        assert raised.value.reason == UNREACHABLE
        with pytest.raises(StorageUnavailable):
            service.get_answers(db, actor=ME, assessment_id=assessment.id)
        assert db.check() == UNREACHABLE
    finally:
        own_server.start()
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=4)  # same object
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].value == 4
    assert db.check() is None
    db.dispose()


def test_health_check_says_ok_or_unavailable_with_the_reason(own_server, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    url = own_server.create_database("health")

    def health():
        done = subprocess.run([sys.executable, str(ROOT / "tools" / "health.py")], capture_output=True, text=True,
                              env={"KLANTBEWUST_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=120)
        assert "Traceback" not in done.stderr
        return done.returncode, done.stdout.strip()

    # before the first migration: a clear word, not an error, and no tables made by the check
    assert health() == (1, "unavailable: no_tables (the database has no tables yet; start the app once, or run "
                           "its migration)")
    assert health()[0] == 1
    Database(url).dispose()

    assert health() == (0, "ok")
    own_server.stop()
    try:
        assert health() == (1, "unavailable: unreachable")
    finally:
        own_server.start()
    assert health() == (0, "ok")


def test_health_check_on_an_empty_sqlite_file_says_it_has_no_tables(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "health.py")], capture_output=True, text=True,
                          env={"KLANTBEWUST_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (
        1, "unavailable: no_tables (the database has no tables yet; start the app once, or run its migration)")
    assert "Traceback" not in done.stderr
    Database(url).dispose()
    assert Database(url, migrate=False).check() is None
