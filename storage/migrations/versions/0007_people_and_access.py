"""Sign-in and isolation: people, their roles per organisation, the activity log; peer sets belong to an
organisation; each workshop gets a projector token; "who" columns hold an e-mail address.

Existing organisations get no members: the application administrator assigns them. Existing peer sets
become sets for everyone (managed by the administrator). Existing workshops get a new projector link.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "memberships",
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.CheckConstraint("role IN ('beheerder', 'invuller', 'facilitator', 'lezer')", name="ck_membership_role"),
    )
    op.create_index("ix_memberships_person_id", "memberships", ["person_id"])
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("assessment_id", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_activity_organisation_id", "activity", ["organisation_id"])
    op.create_index("ix_activity_assessment_id", "activity", ["assessment_id"])

    with op.batch_alter_table("peer_sets") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(),
                                   sa.ForeignKey("organisations.id", ondelete="CASCADE",
                                                 name="fk_peer_sets_organisation"), nullable=True))
        batch.create_index("ix_peer_sets_organisation_id", ["organisation_id"])

    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("projector_token", sa.String(64), nullable=True))
    connection = op.get_bind()
    for (workshop_id,) in connection.execute(sa.text("SELECT id FROM workshops")).all():
        connection.execute(sa.text("UPDATE workshops SET projector_token = :token WHERE id = :id"),
                           {"token": secrets.token_urlsafe(24), "id": workshop_id})
    with op.batch_alter_table("workshops") as batch:
        batch.alter_column("projector_token", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_workshops_projector_token", ["projector_token"])

    for table, column, nullable in (("answers", "answered_by", False), ("targets", "set_by", False),
                                    ("assessments", "finalised_by", True)):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(100), type_=sa.String(254),
                               existing_nullable=nullable)


def downgrade() -> None:
    for table, column, nullable in (("answers", "answered_by", False), ("targets", "set_by", False),
                                    ("assessments", "finalised_by", True)):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(254), type_=sa.String(100),
                               existing_nullable=nullable)
    with op.batch_alter_table("workshops") as batch:
        batch.drop_constraint("uq_workshops_projector_token", type_="unique")
        batch.drop_column("projector_token")
    with op.batch_alter_table("peer_sets") as batch:
        batch.drop_index("ix_peer_sets_organisation_id")
        batch.drop_constraint("fk_peer_sets_organisation", type_="foreignkey")
        batch.drop_column("organisation_id")
    op.drop_table("activity")
    op.drop_table("memberships")
    op.drop_table("people")
