"""Start from the previous assessment: remember the source assessment and mark copied answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("previous_assessment_id", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_assessments_previous", "assessments", ["previous_assessment_id"], ["id"],
                                 ondelete="SET NULL")
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("carried_from", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("carried_from")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_constraint("fk_assessments_previous", type_="foreignkey")
        batch.drop_column("previous_assessment_id")
