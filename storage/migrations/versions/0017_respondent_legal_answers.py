"""Respondents answer the legal minimum too: a respondent's answer to a legal requirement (stored under
"legal:<item id>") is ja, nee or weetniet; ja and nee are never an answer to a question (as 0014 for answers).

`respondent_answers` is rebuilt on SQLite (batch mode) to change its CHECK constraint; it has no triggers
(migration 0012's triggers are on other tables), so none need to be created again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD = "non_score IS NULL OR non_score IN ('nvt', 'weetniet')"
NEW = ("non_score IS NULL OR non_score IN ('nvt', 'weetniet') "
       "OR (non_score IN ('ja', 'nee') AND question_id LIKE 'legal:%')")


def upgrade() -> None:
    with op.batch_alter_table("respondent_answers") as batch:
        batch.drop_constraint("ck_respondent_answer_non_score", type_="check")
        batch.create_check_constraint("ck_respondent_answer_non_score", NEW)


def downgrade() -> None:
    op.execute("DELETE FROM respondent_answers WHERE non_score IN ('ja', 'nee')")
    with op.batch_alter_table("respondent_answers") as batch:
        batch.drop_constraint("ck_respondent_answer_non_score", type_="check")
        batch.create_check_constraint("ck_respondent_answer_non_score", OLD)
