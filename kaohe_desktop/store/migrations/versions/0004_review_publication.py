"""Review and publication: the objection period (公示期) of an assessment, and on each
state change whether an administrator made it and the objection period it published.

Revision ID: 0004_review_publication
Revises: 0003_attendance
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_review_publication"
down_revision = "0003_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: no table is rebuilt, so nothing cascades
    op.add_column("assessment", sa.Column("objection_start", sa.Date(), nullable=True))
    op.add_column("assessment", sa.Column("objection_end", sa.Date(), nullable=True))
    op.add_column("state_change", sa.Column("actor_is_admin", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.add_column("state_change", sa.Column("objection_start", sa.Date(), nullable=True))
    op.add_column("state_change", sa.Column("objection_end", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("state_change") as batch:
        batch.drop_column("objection_end")
        batch.drop_column("objection_start")
        batch.drop_column("actor_is_admin")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("objection_end")
        batch.drop_column("objection_start")
