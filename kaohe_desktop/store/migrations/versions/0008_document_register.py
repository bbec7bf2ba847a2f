"""The register of documents issued (发证登记): each numbered document also keeps the
title it was printed with (the honour of a certificate) and the date on it.

Rows numbered before this revision keep an empty title and no date; the register shows
the day they were numbered instead.

Revision ID: 0008_document_register
Revises: 0007_results_rules
Create Date: 2026-12-12
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_document_register"
down_revision = "0007_results_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: no table is rebuilt, so nothing cascades
    op.add_column("document_issue", sa.Column("title", sa.String(length=300), nullable=False,
                                              server_default=""))
    op.add_column("document_issue", sa.Column("issued", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_issue") as batch:
        batch.drop_column("issued")
        batch.drop_column("title")
