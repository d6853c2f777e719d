"""Improvement plan: actions per assessment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("dimension_id", sa.String(100), nullable=False),
        sa.Column("library_action_id", sa.String(100), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("expected_gain", sa.Float(), nullable=False),
        sa.Column("kpi", sa.String(300), nullable=False),
        sa.Column("kpi_target", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="ck_plan_action_status"),
        sa.CheckConstraint("expected_gain >= 0 AND expected_gain <= 4", name="ck_plan_action_gain"),
    )
    op.create_index("ix_plan_actions_assessment_id", "plan_actions", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("plan_actions")
