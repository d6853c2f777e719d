"""First schema: organisations, assessments, answers, targets.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, unique=True),
        sa.Column("org_type", sa.String(40), nullable=False),
        sa.Column("size_class", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("questionnaire_id", sa.String(100), nullable=False),
        sa.Column("questionnaire_version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalised_by", sa.String(100), nullable=True),
        sa.UniqueConstraint("organisation_id", "period", "questionnaire_id", name="uq_assessment_period"),
        sa.CheckConstraint("status IN ('draft', 'final')", name="ck_assessment_status"),
    )
    op.create_index("ix_assessments_organisation_id", "assessments", ["organisation_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("non_score", sa.String(10), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "question_id", name="uq_answer_question"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_answer_level"),
        sa.CheckConstraint("non_score IS NULL OR non_score IN ('nvt', 'weetniet')", name="ck_answer_non_score"),
        sa.CheckConstraint("level IS NULL OR non_score IS NULL", name="ck_answer_one_value"),
    )
    op.create_index("ix_answers_assessment_id", "answers", ["assessment_id"])
    op.create_table(
        "targets",
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("dimension_id", sa.String(100), primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level >= 1 AND level <= 5", name="ck_target_level"),
    )


def downgrade() -> None:
    op.drop_table("targets")
    op.drop_table("answers")
    op.drop_table("assessments")
    op.drop_table("organisations")
