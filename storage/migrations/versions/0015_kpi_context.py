"""KPIs that cannot mislead: an organisation's own KPI may have the direction "context" (no target verdict, no
better or worse). The column grows from 6 to 10 characters ("context" has 7) and its CHECK constraint takes the
new value. Stored KPIs keep their direction; library KPIs keep only their id here, so a library KPI whose
direction became context (the number of complaints) changes with the library file, not with this migration.

`kpi_register` is rebuilt on SQLite (batch mode) to change its CHECK constraint; it has no triggers (migration
0012's triggers are on other tables), so none need to be created again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD = "direction IS NULL OR direction IN ('higher', 'lower')"
NEW = "direction IS NULL OR direction IN ('higher', 'lower', 'context')"


def upgrade() -> None:
    with op.batch_alter_table("kpi_register") as batch:
        batch.drop_constraint("ck_kpi_register_direction", type_="check")
        batch.alter_column("direction", existing_type=sa.String(6), type_=sa.String(10), existing_nullable=True)
        batch.create_check_constraint("ck_kpi_register_direction", NEW)


def downgrade() -> None:
    # the old schema knows no "context": such an own KPI goes back as "higher" (its figures stay; the old app
    # would then give its target a verdict again)
    op.execute("UPDATE kpi_register SET direction = 'higher' WHERE direction = 'context'")
    with op.batch_alter_table("kpi_register") as batch:
        batch.drop_constraint("ck_kpi_register_direction", type_="check")
        batch.alter_column("direction", existing_type=sa.String(10), type_=sa.String(6), existing_nullable=True)
        batch.create_check_constraint("ck_kpi_register_direction", OLD)
