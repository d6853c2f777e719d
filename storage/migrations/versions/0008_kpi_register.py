"""KPI register: per organisation the KPIs it steers on (from the library or its own), a target per KPI, and
measured values per period; a plan action may name a register KPI.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_register",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("from_library", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(12), nullable=True),
        sa.Column("numerator", sa.String(300), nullable=False),
        sa.Column("denominator", sa.String(300), nullable=False),
        sa.Column("direction", sa.String(6), nullable=True),
        sa.Column("competency", sa.String(100), nullable=False),
        sa.Column("people_centred", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("organisation_id", "code", name="uq_kpi_register_code"),
        sa.CheckConstraint("unit IS NULL OR unit IN ('percentage', 'per_1000', 'days', 'count')",
                           name="ck_kpi_register_unit"),
        sa.CheckConstraint("direction IS NULL OR direction IN ('higher', 'lower')", name="ck_kpi_register_direction"),
    )
    op.create_index("ix_kpi_register_organisation_id", "kpi_register", ["organisation_id"])
    op.create_table(
        "kpi_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("kpi_register.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("entered_by", sa.String(254), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "period", name="uq_kpi_value_period"),
        sa.CheckConstraint("months IN (1, 3, 12)", name="ck_kpi_value_months"),
    )
    op.create_index("ix_kpi_values_entry_id", "kpi_values", ["entry_id"])
    with op.batch_alter_table("plan_actions") as batch:
        batch.add_column(sa.Column("kpi_entry_id", sa.Integer(),
                                   sa.ForeignKey("kpi_register.id", ondelete="SET NULL",
                                                 name="fk_plan_actions_kpi_entry"), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_actions") as batch:
        batch.drop_constraint("fk_plan_actions_kpi_entry", type_="foreignkey")
        batch.drop_column("kpi_entry_id")
    op.drop_table("kpi_values")
    op.drop_table("kpi_register")
