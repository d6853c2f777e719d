"""Peer benchmarking: opt-in to share anonymously, and peer sets from imports or the demo generator.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("share_anonymously", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "peer_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("questionnaire_id", sa.String(100), nullable=False),
        sa.Column("questionnaire_version", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('import', 'demo')", name="ck_peer_set_source"),
    )
    op.create_table(
        "peer_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("peer_set_id", sa.Integer(), sa.ForeignKey("peer_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("org_type", sa.String(40), nullable=False),
        sa.Column("size_class", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("scores", sa.Text(), nullable=True),
    )
    op.create_index("ix_peer_records_peer_set_id", "peer_records", ["peer_set_id"])


def downgrade() -> None:
    op.drop_table("peer_records")
    op.drop_table("peer_sets")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("share_anonymously")
