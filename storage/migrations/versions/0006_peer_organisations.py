"""Peer records know their organisation (an opaque key), so that the anonymity minimum counts organisations
instead of organisation-years.

Records stored before this revision have no organisation; each keeps counting as an organisation of its own
(as before) until its set is imported again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("peer_records") as batch:
        batch.add_column(sa.Column("organisation_key", sa.String(80), nullable=True))
    op.execute("UPDATE peer_records SET organisation_key = 'record-' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("peer_records") as batch:
        batch.alter_column("organisation_key", existing_type=sa.String(80), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("peer_records") as batch:
        batch.drop_column("organisation_key")
