"""A stamp of the peer data: `data_versions` holds one row, "peers", whose stamp the database itself changes
(triggers) whenever anything a peer comparison reads changes: an assessment becomes final or a final one goes,
an organisation starts or stops sharing or changes type or size, stored scores, peer sets or peer records.
A comparison keeps its peer rows in memory while the stamp stays the same (peers/service.py). Because the
triggers run inside the database, a change through another app server, a script or a restore changes the stamp
too. The stamp is random (not a counter), so two databases, or one database before and after a restore, never
share a stamp with different data.

SQLite drops a table's triggers when the table is rebuilt (Alembic's batch mode on SQLite). A later migration
that rebuilds one of these tables must create its triggers again, as this one does; tests/test_peer_cache.py
checks at the newest revision that every such change still changes the stamp.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NAME = "peers"

# (table, event, columns of an UPDATE, condition on the row): what changes the peer data
_CHANGES = [
    ("assessments", "INSERT", None, "NEW.status = 'final'"),
    ("assessments", "UPDATE", "status, year, organisation_id, questionnaire_id, questionnaire_version",
     "OLD.status = 'final' OR NEW.status = 'final'"),
    ("assessments", "DELETE", None, "OLD.status = 'final'"),
    ("organisations", "UPDATE", "share_anonymously, org_type, size_class", None),
    ("organisations", "DELETE", None, None),
    ("assessment_scores", "INSERT", None, None),
    ("assessment_scores", "UPDATE", None, None),
    ("assessment_scores", "DELETE", None, None),
    ("peer_sets", "INSERT", None, None),
    ("peer_sets", "UPDATE", None, None),
    ("peer_sets", "DELETE", None, None),
    ("peer_records", "INSERT", None, None),
    ("peer_records", "UPDATE", None, None),
    ("peer_records", "DELETE", None, None),
]


def _trigger_name(table: str, event: str) -> str:
    return f"peer_data_{table}_{event.lower()}"


def create_peer_data_triggers(connection, tables: set[str] | None = None) -> None:
    """Create the triggers (of `tables`, or all) that change the peer data stamp."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(sa.text(
            "CREATE OR REPLACE FUNCTION peer_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE data_versions SET stamp = replace(gen_random_uuid()::text, '-', '') WHERE name = '{NAME}'; "
            "RETURN NULL; END $$"))
    for table, event, columns, condition in _CHANGES:
        if tables is not None and table not in tables:
            continue
        on = f"{event} OF {columns}" if columns else event
        if postgres:
            # a row condition needs a trigger per row; otherwise once per statement (a file of 10,000 records)
            level = f"FOR EACH ROW WHEN ({condition})" if condition else "FOR EACH STATEMENT"
            connection.execute(sa.text(f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {on} ON {table} "
                                       f"{level} EXECUTE FUNCTION peer_data_changed()"))
        else:
            when = f" WHEN {condition}" if condition else ""
            connection.execute(sa.text(
                f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {on} ON {table}{when} BEGIN "
                f"UPDATE data_versions SET stamp = lower(hex(randomblob(16))) WHERE name = '{NAME}'; END"))


def drop_peer_data_triggers(connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    for table, event, _, _ in _CHANGES:
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}"
                                   + (f" ON {table}" if postgres else "")))
    if postgres:
        connection.execute(sa.text("DROP FUNCTION IF EXISTS peer_data_changed()"))


def upgrade() -> None:
    versions = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("stamp", sa.String(32), nullable=False),
    )
    op.bulk_insert(versions, [{"name": NAME, "stamp": secrets.token_hex(16)}])
    create_peer_data_triggers(op.get_bind())


def downgrade() -> None:
    drop_peer_data_triggers(op.get_bind())
    op.drop_table("data_versions")
