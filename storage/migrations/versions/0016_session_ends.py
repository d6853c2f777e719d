"""Sessions that end: a sign-out ends that session on the server (a copy of its cookie no longer signs in), and
an administrator or the organisation's beheerder can end every session of a person.

`ended_sessions` keeps the key of each session that was signed out (a hash of its ID token's claims, never the
token); `people.sessions_ended_at` ends every session of a person that began before it. Both are added, no
table is rebuilt, so migration 0012's triggers stay.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ended_sessions_email", "ended_sessions", ["email"])
    op.add_column("people", sa.Column("sessions_ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("people", "sessions_ended_at")
    op.drop_index("ix_ended_sessions_email", table_name="ended_sessions")
    op.drop_table("ended_sessions")
