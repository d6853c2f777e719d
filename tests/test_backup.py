"""A backup taken while 100 people vote restores with every row committed before it began, on SQLite (the
online backup API) and on PostgreSQL (pg_dump), with the one command the README gives."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import uuid

from sqlalchemy import create_engine, select, text

from assessment import service
from workshops import service as workshop
from storage.db import ENV_URL, Database
from storage.models import VoteRow
from conftest import FIXTURES, ME, POSTGRES_ENV, ROOT
from questionnaires.loader import load_questionnaire

VOTERS = 100


def new_target(db, tmp_path):
    """A new, empty database of the same kind to restore into, and how to remove it."""
    if db.is_sqlite:
        return f"sqlite:///{tmp_path / 'restored.sqlite'}", lambda: None
    server = os.environ[POSTGRES_ENV]
    name = f"kb_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}", drop


def tool(*arguments, url: str | None = None):
    environment = dict(os.environ, **({ENV_URL: url} if url else {}))
    return subprocess.run([sys.executable, str(ROOT / "tools" / "backup.py"), *arguments], env=environment,
                          capture_output=True, text=True, timeout=300)


def test_a_backup_during_a_hundred_votes_restores_every_committed_row(db, tmp_path):
    """The voters pause after a known number of committed votes until the backup says its snapshot is taken,
    then go on: so "some votes before" and "some after" hold by construction, on any machine."""
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Back-up", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    questions = [q.id for q in mini.questions()]
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                             question_ids=questions)
    workshop.open_voting_many(db, actor=ME, workshop_id=started.id, token=token, question_ids=questions)
    seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(VOTERS)]
    total = VOTERS * len(questions)
    first = total // 3  # this many votes are committed before the backup begins, the rest after
    tickets = itertools.count()
    before: set[tuple[str, str]] = set()
    after: set[tuple[str, str]] = set()
    failures: list[BaseException] = []
    lock = threading.Lock()
    first_committed, snapshot_taken = threading.Event(), threading.Event()

    def voter(seat: str) -> None:
        try:
            for question_id in questions:
                with lock:
                    ticket = next(tickets)
                if ticket >= first:
                    snapshot_taken.wait()
                workshop.cast_vote(db, participant_token=seat, question_id=question_id, value="3")
                with lock:
                    (before if ticket < first else after).add((seat, question_id))
                    if len(before) == first:
                        first_committed.set()
        except BaseException as failure:  # noqa: BLE001 - reported by the test below
            failures.append(failure)
            first_committed.set()

    threads = [threading.Thread(target=voter, args=(seat,)) for seat in seats]
    for thread in threads:
        thread.start()
    backup = tmp_path / ("backup.sqlite" if db.is_sqlite else "backup.dump")
    try:
        assert first_committed.wait(timeout=600) and not failures, failures
        process = subprocess.Popen([sys.executable, str(ROOT / "tools" / "backup.py"), "create", str(backup)],
                                   env=dict(os.environ, **{ENV_URL: db.url}), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        said = process.stdout.readline()  # blocks until the tool has fixed its snapshot (or ended)
    finally:
        snapshot_taken.set()  # the other votes go on while the backup runs
        for thread in threads:
            thread.join()
    rest, errors = process.communicate(timeout=300)
    assert process.returncode == 0 and said.strip() == "backup: snapshot taken", said + rest + errors
    assert not failures, failures
    assert len(before) == first and len(after) == total - first  # really taken during the voting

    target, drop = new_target(db, tmp_path)
    try:
        restored = tool("restore", str(backup), target)
        assert restored.returncode == 0, restored.stderr
        assert "restored: schema version" in restored.stdout
        copy = Database(target, migrate=False)
        with copy.read() as session:
            rows = {(r.participant_id, r.question_id) for r in session.execute(
                select(VoteRow.participant_id, VoteRow.question_id)).all()}
        copy.dispose()
        assert rows == before  # every vote committed before the snapshot, and none of those after it
        # restoring never overwrites a database that has data
        again = tool("restore", str(backup), target)
        assert again.returncode != 0 and "restore into a new database" in (again.stderr + again.stdout)
    finally:
        drop()
