"""A version number on every score row: a save that started from an older version of the
value (another assessor's PC saved it meanwhile — the township's shared server) is refused
and shown the other's value instead of overwriting it.

Revision ID: 0012_score_versions
Revises: 0011_published_labels
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_score_versions"
down_revision = "0011_published_labels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN on both backends: no table is rebuilt, existing rows start at 1
    op.add_column("score", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("score") as batch:
        batch.drop_column("version")
