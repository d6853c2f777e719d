"""Workshops: a group votes on questions; the facilitator records the agreed answer.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("join_code", sa.String(12), nullable=False, unique=True),
        sa.Column("facilitator_token", sa.String(64), nullable=False),
        sa.Column("question_ids", sa.Text(), nullable=False),
        sa.Column("current_question_id", sa.String(100), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workshops_assessment_id", "workshops", ["assessment_id"])
    op.create_table(
        "workshop_questions",
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("question_id", sa.String(100), primary_key=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("parked", sa.Boolean(), nullable=False),
        sa.Column("agreed_value", sa.String(10), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("aggregates", sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'voting', 'closed', 'revealed')", name="ck_workshop_question_state"),
    )
    op.create_table(
        "workshop_participants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workshop_participants_workshop_id", "workshop_participants", ["workshop_id"])
    op.create_table(
        "workshop_votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(64),
                  sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.String(10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workshop_id", "question_id", "round", "participant_id", name="uq_vote"),
    )


def downgrade() -> None:
    op.drop_table("workshop_votes")
    op.drop_table("workshop_participants")
    op.drop_table("workshop_questions")
    op.drop_table("workshops")
