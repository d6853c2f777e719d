"""Storage through the service layer, on SQLite and (in CI) on a real PostgreSQL server."""

import threading
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import numpy as np
from sqlalchemy import inspect, select, text

from access import AccessDenied
from assessment import service
from storage.db import Database
from storage.models import Base
from conftest import ME, built_once, member_of


@pytest.fixture
def organisation(db):
    return service.create_organisation(db, actor=ME, name="Gemeente Voorbeeld", org_type="gemeente", size_class="inw-50-100k")


@pytest.fixture
def assessment(db, organisation, mini):
    return service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026", questionnaire=mini)


def test_migrations_build_exactly_the_model_schema(db):
    with db.write_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0017"


_STAMP_AT_START: dict[str, str] = {}  # the peer data stamp a new test database has, by engine


def _peer_stamp(db) -> str:
    with db.read() as session:
        return session.execute(text("SELECT stamp FROM data_versions WHERE name = 'peers'")).scalar()


def test_a_test_writes_in_its_database(db, backend, mini):
    """This test and the next one, in this order: what a test writes, the next test does not find (the
    PostgreSQL database of a test process is put back between tests, tests/conftest.py; SQLite is copied)."""
    from peers import service as peers
    _STAMP_AT_START[backend] = _peer_stamp(db)
    organisation = service.create_organisation(db, actor=ME, name="Gemeente Eerst", org_type="gemeente",
                                               size_class="inw-50-100k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026",
                                           questionnaire=mini)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    peers.load_demo_set(db, actor=ME, organisation_id=organisation.id, questionnaire=mini)
    assert _peer_stamp(db) != _STAMP_AT_START[backend]


def test_the_next_test_finds_a_new_database(db, backend):
    with db.read() as session:
        filled = {table: session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                  for table in inspect(session.connection()).get_table_names()}
    assert {table: count for table, count in filled.items() if count} == {"alembic_version": 1, "data_versions": 1}
    assert _peer_stamp(db) == _STAMP_AT_START.get(backend, _peer_stamp(db))  # the stamp of a new database
    organisation = service.create_organisation(db, actor=ME, name="Gemeente Daarna", org_type="gemeente",
                                               size_class="inw-50-100k")
    assert organisation.id == 1  # numbering starts again


def test_a_set_up_built_once_comes_back_as_it_was_built_for_each_test(db):
    """`built_once`: the set-up is written once per test process and engine; a later test that asks for it gets
    the database as the set-up left it (a test's own writes gone, numbering going on from the set-up's), and the
    same value."""
    builds = []

    def build(database):
        builds.append(database)
        return service.create_organisation(database, actor=ME, name="Gemeente Eenmaal", org_type="gemeente",
                                           size_class="inw-50-100k").id

    def names():
        with db.read() as session:
            return [name for (name,) in session.execute(text("SELECT name FROM organisations ORDER BY id"))]

    what = f"test_storage.once.{uuid.uuid4().hex}"
    first = built_once(db, what, build)
    own = service.create_organisation(db, actor=ME, name="Gemeente Eigen", org_type="gemeente",
                                      size_class="inw-50-100k")
    assert names() == ["Gemeente Eenmaal", "Gemeente Eigen"]
    again = built_once(db, what, build)  # as the next test asks for it
    assert (len(builds), again) == (1, first)
    assert names() == ["Gemeente Eenmaal"]
    after = service.create_organisation(db, actor=ME, name="Gemeente Daarna", org_type="gemeente",
                                        size_class="inw-50-100k")
    assert after.id == own.id  # numbered on from the set-up, as in a database where it was just written


def test_rows_that_refer_to_a_row_of_their_own_table_are_put_back_after_it():
    """PostgreSQL's rows are put back in the order `every_row` gives: an assessment started from last year's
    after last year's, whatever order the server read them in."""
    from conftest import _referred_first
    from storage.models import Base
    assessments = Base.metadata.tables["assessments"]
    rows = [dict(id="c", previous_assessment_id="b"), dict(id="b", previous_assessment_id="a"),
            dict(id="a", previous_assessment_id=None), dict(id="d", previous_assessment_id=None)]
    assert [row["id"] for row in _referred_first(assessments, rows)] == ["a", "d", "b", "c"]


def test_sqlite_runs_in_wal_mode(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    with database.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()


def test_existing_data_survives_reopening_and_migration(tmp_path, mini):
    url = f"sqlite:///{tmp_path / 'keep.sqlite'}"
    first = Database(url)
    org = service.create_organisation(first, actor=ME, name="Waterschap Test", org_type="waterschap", size_class="fte-lt-250")
    kept = service.create_assessment(first, actor=ME, organisation_id=org.id, period="2025", questionnaire=mini)
    service.save_answer(first, actor=ME, assessment_id=kept.id, question_id="d1-1", value=3)
    first.dispose()
    second = Database(url)  # runs the migrations again: a no-op that must keep everything
    assert service.get_answers(second, actor=ME, assessment_id=kept.id)["d1-1"].value == 3
    assert inspect(second.write_engine).has_table("alembic_version")
    second.dispose()


def test_a_database_at_the_newest_migration_opens_while_another_process_writes(tmp_path, mini, monkeypatch):
    """Opening a database that is already up to date only reads which migration it is at: a second server
    starts while the first holds SQLite's write lock (a long import), instead of waiting for the lock as a
    migration must. One that is behind is still migrated."""
    import sqlite3
    from contextlib import closing
    from storage import db as storage_db
    path = tmp_path / "busy.sqlite"
    url = f"sqlite:///{path}"
    first = Database(url)
    org = service.create_organisation(first, actor=ME, name="Gemeente Bezig", org_type="gemeente",
                                      size_class="inw-lt-20k")
    first.dispose()
    monkeypatch.setenv(storage_db.ENV_BUSY_SECONDS, "0.2")
    with closing(sqlite3.connect(path, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # another process's write, in progress
        second = Database(url)
        assert [o.name for o in service.list_organisations(second, actor=ME)] == [org.name]
        second.dispose()
        behind = tmp_path / "behind.sqlite"
        old = Database(f"sqlite:///{behind}", migrate=False)
        old.migrate("0013")
        old.dispose()
    upgraded = Database(f"sqlite:///{behind}")
    with upgraded.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == storage_db._head_revision()
    upgraded.dispose()


def test_upgrade_from_the_first_schema_keeps_the_data(tmp_path):
    """A database made by the first release (revision 0001) is upgraded in place when the app starts."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = Database(url, migrate=False)
    old.migrate("0001")
    with old.write() as session:
        session.execute(text("INSERT INTO organisations (id, name, name_key, org_type, size_class, created_at) "
                             "VALUES (1, 'Gemeente Oud', 'gemeente oud', 'gemeente', 'inw-lt-20k', '2025-01-01')"))
        session.execute(text("INSERT INTO assessments (id, organisation_id, year, period, questionnaire_id, "
                             "questionnaire_version, status, created_at, updated_at) VALUES ('" + "a" * 32 +
                             "', 1, 2025, '2025', 'mini', '0.1', 'final', '2025-01-01', '2025-01-02')"))
        session.execute(text("INSERT INTO answers (assessment_id, question_id, level, comment, answered_by, "
                             "updated_at) VALUES ('" + "a" * 32 + "', 'd1-1', 4, 'bewijs', 'Anna', '2025-01-02')"))
    old.dispose()
    upgraded = Database(url)
    answer = service.get_answers(upgraded, actor=ME, assessment_id="a" * 32)["d1-1"]
    assert (answer.value, answer.comment, answer.answered_by, answer.carried_from) == (4, "bewijs", "Anna", None)
    assert service.get_assessment(upgraded, "a" * 32, actor=ME).is_final
    upgraded.dispose()


def test_peer_records_from_before_0006_keep_counting_as_one_organisation_each(tmp_path):
    url = f"sqlite:///{tmp_path / 'peers.sqlite'}"
    old = Database(url, migrate=False)
    old.migrate("0005")
    with old.write() as session:
        session.execute(text("INSERT INTO peer_sets (id, name, source, is_demo, questionnaire_id, "
                             "questionnaire_version, created_at) VALUES (1, 'oud.csv', 'import', 0, 'mini', '0.1', "
                             "'2025-01-01')"))
        for record in (1, 2):
            session.execute(text("INSERT INTO peer_records (id, peer_set_id, org_type, size_class, year, answers) "
                                 f"VALUES ({record}, 1, 'gemeente', 'inw-lt-20k', 2025, '{{}}')"))
    old.dispose()
    upgraded = Database(url)
    with upgraded.read() as session:
        keys = session.execute(text("SELECT id, organisation_key FROM peer_records ORDER BY id")).all()
    assert [tuple(k) for k in keys] == [(1, "record-1"), (2, "record-2")]
    upgraded.dispose()


def test_upgrade_to_0008_keeps_plan_actions_and_adds_the_kpi_register(tmp_path, mini):
    """Plan actions made before the KPI register keep everything, and can name a register KPI afterwards."""
    url = f"sqlite:///{tmp_path / 'before-kpis.sqlite'}"
    old = Database(url, migrate=False)
    old.migrate("0007")
    with old.write() as session:
        session.execute(text("INSERT INTO organisations (id, name, name_key, org_type, size_class, created_at, "
                             "share_anonymously) VALUES (1, 'Gemeente Plan', 'gemeente plan', 'gemeente', "
                             "'inw-lt-20k', '2025-01-01', 0)"))
        session.execute(text("INSERT INTO assessments (id, organisation_id, year, period, questionnaire_id, "
                             "questionnaire_version, status, created_at, updated_at) VALUES ('" + "b" * 32 +
                             "', 1, 2026, '2026', 'mini', '0.1', 'draft', '2026-01-01', '2026-01-02')"))
        session.execute(text("INSERT INTO plan_actions (id, assessment_id, dimension_id, title, description, owner, "
                             "status, expected_gain, kpi, kpi_target, created_at, updated_at) VALUES (7, '" + "b" * 32
                             + "', 'd1', 'Terugbellen', '', 'Team', 'planned', 1.0, 'Klagers gehoord', '80%', "
                             "'2026-01-01', '2026-01-01')"))
    old.dispose()
    upgraded = Database(url)
    from plan import service as plan
    from kpi import service as kpis
    from indicators.library import load_library
    [action] = plan.list_actions(upgraded, actor=ME, assessment_id="b" * 32)
    assert (action.id, action.title, action.owner, action.kpi, action.kpi_entry_id) == (
        7, "Terugbellen", "Team", "Klagers gehoord", None)
    library = load_library()
    [entry] = kpis.add_library_kpis(upgraded, actor=ME, organisation_id=1, library=library,
                                    kpi_ids=["klagers-gehoord"])
    plan.update_action(upgraded, actor=ME, assessment_id="b" * 32, action_id=7, questionnaire=mini,
                       kpi_entry_id=entry)
    assert plan.list_actions(upgraded, actor=ME, assessment_id="b" * 32)[0].kpi_entry_id == entry
    upgraded.dispose()


def test_organisation_rules(db, organisation):
    assert service.list_organisations(db, actor=ME) == [organisation]
    with pytest.raises(service.InputError) as duplicate:
        service.create_organisation(db, actor=ME, name="  gemeente voorbeeld ", org_type="gemeente", size_class="inw-lt-20k")
    assert (duplicate.value.code, duplicate.value.field) == ("organisation_exists", "name")
    with pytest.raises(service.InputError) as empty:
        service.create_organisation(db, actor=ME, name="   ", org_type="gemeente", size_class="inw-lt-20k")
    assert empty.value.code == "required"
    with pytest.raises(service.InputError) as wrong_size:
        service.create_organisation(db, actor=ME, name="Provincie X", org_type="provincie", size_class="inw-lt-20k")
    assert wrong_size.value.field == "size_class"
    assert len(service.list_organisations(db, actor=ME)) == 1  # nothing half-written


def test_assessment_records_questionnaire_and_period(db, organisation, assessment, mini):
    assert (assessment.questionnaire_id, assessment.questionnaire_version) == ("mini", "0.1")
    assert assessment.status == "draft" and assessment.year == 2026
    assert service.get_assessment(db, assessment.id, actor=ME) == assessment
    with pytest.raises(AccessDenied):  # no such assessment: told apart from nothing else
        service.get_assessment(db, "not-an-id", actor=ME)
    with pytest.raises(service.InputError) as twice:
        service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026", questionnaire=mini)
    assert twice.value.code == "assessment_exists"
    with pytest.raises(service.InputError) as bad_period:
        service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="volgend jaar", questionnaire=mini)
    assert bad_period.value.code == "invalid_period"
    half = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2027-h1", questionnaire=mini)
    assert half.period == "2027-H1" and half.year == 2027
    assert [a.period for a in service.list_assessments(db, actor=ME, organisation_id=organisation.id)] == ["2027-H1", "2026"]


def test_answers_levels_non_scores_and_comments(db, organisation, assessment):
    anna, bram = (member_of(db, organisation.id, email) for email in ("anna@voorbeeld.nl", "bram@voorbeeld.nl"))
    service.save_answer(db, actor=anna, assessment_id=assessment.id, question_id="d1-1", value=4)
    service.save_comment(db, actor=bram, assessment_id=assessment.id, question_id="d1-1",
                         comment="Zie jaarverslag 2025")
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-2", value="nvt")
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-3", value="weetniet")
    service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d2-1", comment="Nog navragen")
    answers = service.get_answers(db, actor=ME, assessment_id=assessment.id)
    assert answers["d1-1"].value == 4 and answers["d1-1"].comment == "Zie jaarverslag 2025"
    assert answers["d1-1"].answered_by == "bram@voorbeeld.nl"  # who changed it last: from the identity
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=5)
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].answered_by == "local"
    assert answers["d1-2"].value == "nvt" and answers["d1-3"].value == "weetniet"
    assert answers["d2-1"].value is None and answers["d2-1"].comment == "Nog navragen"
    assert service.answer_values(answers) == {"d1-1": 4, "d1-2": "nvt", "d1-3": "weetniet"}
    assert service.count_answers(db, actor=ME, assessment_id=assessment.id) == 3
    # changing the level keeps the comment; clearing keeps it too
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=2)
    service.clear_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1")
    cleared = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert cleared.value is None and cleared.comment == "Zie jaarverslag 2025"
    for bad in (0, 6, "maybe", True, 2.5):
        with pytest.raises(service.InputError):
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-4", value=bad)
    with pytest.raises(service.InputError) as too_long:
        service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-4", comment="x" * 5001)
    assert too_long.value.code == "too_long"
    assert "d1-4" not in service.get_answers(db, actor=ME, assessment_id=assessment.id)


def test_targets(db, assessment):
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=4)
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=5)
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d2", level=3)
    assert service.get_targets(db, actor=ME, assessment_id=assessment.id) == {"d1": 5, "d2": 3}
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d2", level=None)
    assert service.get_targets(db, actor=ME, assessment_id=assessment.id) == {"d1": 5}
    with pytest.raises(service.InputError):
        service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=6)


def test_final_assessment_is_read_only(db, assessment):
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    director = member_of(db, assessment.organisation_id, "directeur@voorbeeld.nl", "beheerder")
    final = service.finalise_assessment(db, actor=director, assessment_id=assessment.id)
    assert final.is_final and final.finalised_at is not None and final.finalised_by == "directeur@voorbeeld.nl"
    for write in (
        lambda: service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=5),
        lambda: service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="later"),
        lambda: service.clear_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1"),
        lambda: service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=4),
        lambda: service.finalise_assessment(db, actor=ME, assessment_id=assessment.id),
    ):
        with pytest.raises(service.AssessmentIsFinal):
            write()
    answer = service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert answer.value == 3 and answer.comment == ""
    assert service.get_targets(db, actor=ME, assessment_id=assessment.id) == {}


def test_two_concurrent_writers_lose_nothing(db, assessment, mini):
    """Two people fill in the same assessment at the same moment: every answer and comment arrives."""
    questions = [q.id for q in mini.questions()]
    errors = []
    barrier = threading.Barrier(2)

    def writer(person: str, level: int):
        try:
            barrier.wait()
            for round_ in range(5):
                for qid in questions:
                    if person == "levels":
                        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=qid, value=level)
                    else:
                        service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id=qid,
                                             comment=f"bewijs {qid} ronde {round_}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=("levels", 4)), threading.Thread(target=writer, args=("notes", 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    answers = service.get_answers(db, actor=ME, assessment_id=assessment.id)
    assert sorted(answers) == sorted(questions)
    for qid in questions:
        assert answers[qid].value == 4, qid  # the level writer's value survived the comment writer
        assert answers[qid].comment == f"bewijs {qid} ronde 4", qid  # and the comments survived the levels


def test_start_from_previous_copies_and_marks_and_never_touches_the_previous(db, organisation, assessment, mini):
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=4)
    service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="Zie verslag 2026")
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d2-1", value="nvt")
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=4)
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
    before = service.get_answers(db, actor=ME, assessment_id=assessment.id)

    new = service.start_from_previous(db, actor=ME, previous_id=assessment.id, period="2027", questionnaire=mini,
                                      previous_questionnaire=mini)
    assert new.status == "draft" and new.previous_assessment_id == assessment.id and new.period == "2027"
    copied = service.get_answers(db, actor=ME, assessment_id=new.id)
    assert copied["d1-1"].value == 4 and copied["d1-1"].comment == "Zie verslag 2026"
    assert copied["d1-1"].carried_from == "2026" and copied["d2-1"].value == "nvt"
    assert service.get_targets(db, actor=ME, assessment_id=new.id) == {"d1": 4}
    # reviewing removes the mark: by changing the answer, or by confirming it
    service.save_answer(db, actor=ME, assessment_id=new.id, question_id="d1-1", value=5)
    service.confirm_answer(db, actor=ME, assessment_id=new.id, question_id="d2-1")
    after = service.get_answers(db, actor=ME, assessment_id=new.id)
    assert after["d1-1"].carried_from is None and after["d2-1"].carried_from is None
    assert after["d2-1"].value == "nvt"
    # the previous, final assessment is unchanged
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id) == before
    assert service.get_assessment(db, assessment.id, actor=ME).is_final
    # copying into a period that already exists is refused and writes nothing
    with pytest.raises(service.InputError) as exists:
        service.start_from_previous(db, actor=ME, previous_id=new.id, period="2026", questionnaire=mini,
                                    previous_questionnaire=mini)
    assert exists.value.code == "assessment_exists"
    assert len(service.list_assessments(db, actor=ME, organisation_id=organisation.id)) == 2


def test_start_from_previous_follows_the_version_mapping(db, organisation, zelfscan):
    from conftest import FIXTURES
    from questionnaires.loader import load_questionnaire
    v11 = load_questionnaire(FIXTURES / "versions" / "klantbewustzijn-zelfscan-1.1.yaml")
    earlier = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2025", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=ME, assessment_id=earlier.id, question_id=question.id, value=3)
    later = service.start_from_previous(db, actor=ME, previous_id=earlier.id, period="2026", questionnaire=v11,
                                        previous_questionnaire=zelfscan)
    copied = service.get_answers(db, actor=ME, assessment_id=later.id)
    assert copied["ont-toegang-2-web"].value == 3  # renamed: copied under the new id
    for not_copied in ("kg-afhandeling-eerlijk", "le-sturing-3-tijd", "le-analyse-4", "ont-toegang-2"):
        assert not_copied not in copied
    assert len(copied) == 32


# --- the first hour: organisations change, drafts go, copied answers are checked ---------------------------

def test_an_organisation_can_be_renamed_but_never_to_another_ones_name(db, organisation):
    other = service.create_organisation(db, actor=ME, name="Gemeente Ander", org_type="gemeente", size_class="inw-lt-20k")
    changed = service.update_organisation(db, actor=ME, organisation_id=organisation.id, name="Gemeente Nieuw",
                                          org_type="gemeente", size_class="inw-100-250k")
    assert (changed.name, changed.size_class) == ("Gemeente Nieuw", "inw-100-250k")
    with pytest.raises(service.InputError) as taken:
        service.update_organisation(db, actor=ME, organisation_id=organisation.id, name="gemeente ANDER", org_type="gemeente",
                                    size_class="inw-lt-20k")
    assert taken.value.code == "organisation_exists"
    with pytest.raises(service.InputError) as wrong_size:
        service.update_organisation(db, actor=ME, organisation_id=other.id, name="Gemeente Ander", org_type="provincie",
                                    size_class="inw-lt-20k")  # a size of a gemeente for a provincie
    assert wrong_size.value.field == "size_class"
    # nothing of the refused changes was written
    assert service.get_organisation(db, organisation.id, actor=ME).name == "Gemeente Nieuw"
    assert service.get_organisation(db, other.id, actor=ME).org_type == "gemeente"
    # the own name in another case is fine
    assert service.update_organisation(db, actor=ME, organisation_id=other.id, name="GEMEENTE ANDER", org_type="gemeente",
                                       size_class="inw-lt-20k").name == "GEMEENTE ANDER"


def test_a_draft_can_be_deleted_with_everything_in_it_and_a_final_one_cannot(db, organisation, assessment, mini):
    from plan import service as plan
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    service.set_target(db, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=4)
    plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[dict(dimension_id="d1", title="A")])
    service.delete_assessment(db, actor=ME, assessment_id=assessment.id)
    with pytest.raises(AccessDenied):
        service.get_assessment(db, assessment.id, actor=ME)
    with db.read() as session:
        for table in ("answers", "targets", "plan_actions"):
            left = session.execute(text(f"SELECT COUNT(*) FROM {table} WHERE assessment_id = :a"),
                                   {"a": assessment.id}).scalar()
            assert left == 0, table
    final = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2025", questionnaire=mini)
    service.finalise_assessment(db, actor=ME, assessment_id=final.id)
    with pytest.raises(service.AssessmentIsFinal):
        service.delete_assessment(db, actor=ME, assessment_id=final.id)
    assert service.get_assessment(db, final.id, actor=ME) is not None


def test_an_empty_period_asks_for_one(db, organisation, mini):
    with pytest.raises(service.InputError) as empty:
        service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="  ", questionnaire=mini)
    assert (empty.value.code, empty.value.field) == ("required", "period")


def test_copied_answers_are_checked_per_part_and_counted_apart(db, organisation, mini):
    previous = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2025", questionnaire=mini)
    for question in mini.questions():
        service.save_answer(db, actor=ME, assessment_id=previous.id, question_id=question.id, value=2)
    service.finalise_assessment(db, actor=ME, assessment_id=previous.id)
    draft = service.create_assessment(db, actor=ME, organisation_id=organisation.id, period="2026-Q1", questionnaire=mini)
    listed = service.list_assessments(db, actor=ME, organisation_id=organisation.id)
    assert service.default_source(listed).id == previous.id  # the final one, not the newer empty draft
    later = service.start_from_previous(db, actor=ME, previous_id=previous.id, period="2026", questionnaire=mini,
                                        previous_questionnaire=mini)
    counts = service.progress(db, actor=ME, assessment_ids=[later.id, draft.id, previous.id])
    assert counts[later.id] == service.Progress(answered=9, unchecked=9)
    assert counts[draft.id] == service.Progress(0, 0) and counts[previous.id] == service.Progress(9, 0)
    d1 = [q.id for q in mini.dimension("d1").questions]
    bo = member_of(db, organisation.id, "bo@voorbeeld.nl")
    assert service.confirm_answers(db, actor=bo, assessment_id=later.id, question_ids=d1) == 4
    assert service.progress(db, actor=ME, assessment_ids=[later.id])[later.id] == service.Progress(9, 5)
    answers = service.get_answers(db, actor=ME, assessment_id=later.id)
    assert {answers[q].answered_by for q in d1} == {"bo@voorbeeld.nl"} and answers["d2-1"].carried_from == "2025"
    assert service.confirm_answers(db, actor=ME, assessment_id=later.id, question_ids=d1) == 0  # nothing left to check there
    with pytest.raises(service.AssessmentIsFinal):
        service.confirm_answers(db, actor=ME, assessment_id=previous.id, question_ids=d1)


def test_a_change_made_meanwhile_is_never_overwritten_silently(db, assessment):
    service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="eerste")
    # two tabs both showed "eerste"; one saves "tweede"; the other, still showing "eerste", tries "derde"
    service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="tweede",
                         seen="eerste")
    with pytest.raises(service.AnswerChanged) as changed:
        service.save_comment(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", comment="derde",
                             seen="eerste")
    assert changed.value.current.comment == "tweede"
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].comment == "tweede"
    # the level is another field: a comment changed meanwhile does not stop a level
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3, seen=None)
    with pytest.raises(service.AnswerChanged):
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=5, seen=None)
    with pytest.raises(service.AnswerChanged):  # a new question someone else answered first
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-2", value=1, seen=2)
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].value == 3


def test_upgrade_to_0011_stores_the_scores_of_existing_final_assessments_and_peer_records(empty_url, mini,
                                                                                          monkeypatch):
    """A database of 0010 with final assessments and a peer set: the upgrade keeps everything and stores their
    scores (exactly the scores of the answers), so the first comparison scores nothing again."""
    import json

    from peers import service as peers
    from peers import scores
    from storage.models import AssessmentScoreRow, PeerRecordRow
    from conftest import FIXTURES
    from questionnaires.loader import ENV_DIR
    from scoring.engine import score_assessment
    from test_stored_scores import as_list

    monkeypatch.setenv(ENV_DIR, str(FIXTURES))  # where the app finds the mini questionnaire
    old = Database(empty_url, migrate=False)
    old.migrate("0010")
    answers = {"a" * 32: {"d1-1": 4, "d1-2": "nvt", "d1-3": "weetniet", "d2-1": 2, "d2-2": 5},
               "b" * 32: {"d1-1": 1, "d1-2": 2, "d2-1": 3, "d3-1": 4},
               "c" * 32: {"d1-1": 5},  # a draft: no stored scores
               "d" * 32: {"x-1": 3}}  # final, of a questionnaire that is not there: scored when first needed
    with old.write() as session:
        for org, name, share in ((1, "Gemeente Een", True), (2, "Gemeente Twee", True), (3, "Kijker", False)):
            session.execute(text("INSERT INTO organisations (id, name, name_key, org_type, size_class, created_at, "
                                 "share_anonymously) VALUES (:id, :name, :key, 'gemeente', 'inw-lt-20k', "
                                 "'2025-01-01', :share)"), dict(id=org, name=name, key=name.lower(), share=share))
        for assessment_id, org, status, questionnaire in (("a" * 32, 1, "final", ("mini", "0.1")),
                                                          ("b" * 32, 2, "final", ("mini", "0.1")),
                                                          ("c" * 32, 2, "draft", ("mini", "0.1")),
                                                          ("d" * 32, 1, "final", ("weg", "9.9"))):
            session.execute(text("INSERT INTO assessments (id, organisation_id, year, period, questionnaire_id, "
                                 "questionnaire_version, status, created_at, updated_at) VALUES (:id, :org, 2025, "
                                 ":period, :qid, :version, :status, '2025-01-01', '2025-01-02')"),
                            dict(id=assessment_id, org=org, period="2025" if status == "final" else "2026",
                                 qid=questionnaire[0], version=questionnaire[1], status=status))
            for question_id, value in answers[assessment_id].items():
                session.execute(text("INSERT INTO answers (assessment_id, question_id, level, non_score, comment, "
                                     "answered_by, updated_at) VALUES (:a, :q, :level, :other, '', 'Anna', "
                                     "'2025-01-02')"),
                                dict(a=assessment_id, q=question_id, level=value if isinstance(value, int) else None,
                                     other=value if isinstance(value, str) else None))
        session.execute(text("INSERT INTO peer_sets (id, name, source, is_demo, questionnaire_id, "
                             "questionnaire_version, created_at, organisation_id) VALUES (1, 'oud.csv', 'import', "
                             ":demo, 'mini', '0.1', '2025-01-01', 3)"), dict(demo=False))
        for record, given_answers, given_scores in ((1, {"d1-1": 3, "d1-2": 4, "d2-1": "nvt", "d2-2": 2}, None),
                                                    (2, {}, {"d1": 2.5, "d3": 4.0})):
            session.execute(text("INSERT INTO peer_records (id, peer_set_id, org_type, size_class, year, answers, "
                                 "scores, organisation_key) VALUES (:id, 1, 'gemeente', 'inw-lt-20k', 2025, "
                                 ":answers, :scores, :key)"),
                            dict(id=record, answers=json.dumps(given_answers),
                                 scores=json.dumps(given_scores) if given_scores else None, key=f"record-{record}"))
    old.dispose()

    upgraded = Database(empty_url)
    try:
        def expected(given):
            result = score_assessment(mini, given)
            return [result.dimensions[d.id].score for d in mini.dimensions()] + \
                [result.competencies[c.id].score for c in mini.competencies] + [result.score]

        with upgraded.read() as session:
            stored = {row.assessment_id: (row.scoring_key, as_list(row.scores))
                      for row in session.scalars(select(AssessmentScoreRow))}
            records = session.execute(select(PeerRecordRow.id, PeerRecordRow.unit_scores, PeerRecordRow.scoring_key)
                                      .order_by(PeerRecordRow.id)).all()
        key = scores.scoring_key(mini)
        assert stored == {"a" * 32: (key, expected(answers["a" * 32])), "b" * 32: (key, expected(answers["b" * 32]))}
        assert [(r.id, as_list(r.unit_scores), r.scoring_key) for r in records] == [
            (1, expected({"d1-1": 3, "d1-2": 4, "d2-1": "nvt", "d2-2": 2}), key), (2, [2.5, None, 4.0, 2.5, 4.0, 3.25], key)]
        assert service.get_answers(upgraded, actor=ME, assessment_id="a" * 32)["d1-2"].value == "nvt"  # kept

        def no_scoring(*args, **kwargs):
            raise AssertionError("everything was scored by the upgrade")

        monkeypatch.setattr(peers, "_score_stale", no_scoring)
        comparison = peers.compare_with_peers(upgraded, actor=ME, organisation_id=3, questionnaire=mini,
                                              own_scores={}, group=peers.PeerGroup("gemeente", ("inw-lt-20k",),
                                                                                   (2025,), min_group=3))
        assert (comparison.n_peers, comparison.n_organisations) == (4, 4)
        overall = [expected(answers["a" * 32])[-1], expected(answers["b" * 32])[-1],
                   expected({"d1-1": 3, "d1-2": 4, "d2-1": "nvt", "d2-2": 2})[-1], 3.25]
        assert comparison.figures["overall"].median == float(np.median(overall))
    finally:
        upgraded.dispose()
