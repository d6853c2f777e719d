"""Respondents: colleagues answer an assessment on their own through personal links (role, optional name,
revocable, a deadline per assessment); their answers per question; and how a merged answer came about.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "respondent_surveys",
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token", name="uq_respondents_token"),
        sa.CheckConstraint("role IS NULL OR role IN ('frontoffice', 'backoffice', 'management', 'other')",
                           name="ck_respondent_role"),
    )
    op.create_index("ix_respondents_assessment_id", "respondents", ["assessment_id"])
    op.create_table(
        "respondent_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("respondent_id", sa.Integer(), sa.ForeignKey("respondents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("non_score", sa.String(10), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("respondent_id", "question_id", name="uq_respondent_answer_question"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_respondent_answer_level"),
        sa.CheckConstraint("non_score IS NULL OR non_score IN ('nvt', 'weetniet')",
                           name="ck_respondent_answer_non_score"),
        sa.CheckConstraint("level IS NULL OR non_score IS NULL", name="ck_respondent_answer_one_value"),
    )
    op.create_index("ix_respondent_answers_respondent_id", "respondent_answers", ["respondent_id"])
    op.create_table(
        "respondent_merges",
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("question_id", sa.String(100), primary_key=True),
        sa.Column("value", sa.String(10), nullable=False),
        sa.Column("suggested", sa.String(10), nullable=True),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("median", sa.Float(), nullable=True),
        sa.Column("agreement", sa.Float(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("merged_by", sa.String(254), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("respondent_merges")
    op.drop_table("respondent_answers")
    op.drop_table("respondents")
    op.drop_table("respondent_surveys")
