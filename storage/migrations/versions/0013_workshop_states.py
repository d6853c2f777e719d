"""Workshops a room can trust: a question can be "agreed" (the last state of its life), and a seat knows when
its phone was last seen (present while it polls).

`workshop_questions` is rebuilt on SQLite (batch mode) to change its CHECK constraint; it has no triggers
(migration 0012's triggers are on other tables), so none need to be created again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD = "state IN ('waiting', 'voting', 'closed', 'revealed')"
NEW = "state IN ('waiting', 'voting', 'closed', 'revealed', 'agreed')"


def upgrade() -> None:
    with op.batch_alter_table("workshop_questions") as batch:
        batch.drop_constraint("ck_workshop_question_state", type_="check")
        batch.create_check_constraint("ck_workshop_question_state", NEW)
    # a question with an agreed answer that was revealed is now "agreed"
    op.execute("UPDATE workshop_questions SET state = 'agreed' WHERE agreed_value IS NOT NULL "
               "AND state = 'revealed'")
    op.add_column("workshop_participants", sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE workshop_participants SET last_seen = joined_at")


def downgrade() -> None:
    op.drop_column("workshop_participants", "last_seen")
    op.execute("UPDATE workshop_questions SET state = 'revealed' WHERE state = 'agreed'")
    with op.batch_alter_table("workshop_questions") as batch:
        batch.drop_constraint("ck_workshop_question_state", type_="check")
        batch.create_check_constraint("ck_workshop_question_state", OLD)
