"""Respondents who are signed-in members (an invitation bound to their e-mail address instead of a link
that anyone holding it may use), and questions sent to a workshop for discussion.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("member_email", sa.String(254), nullable=True))
        batch.create_index("ix_respondents_member_email", ["member_email"])
    op.create_table(
        "discussion_items",
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("question_id", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("discussion_items")
    with op.batch_alter_table("respondents") as batch:
        batch.drop_index("ix_respondents_member_email")
        batch.drop_column("member_email")
