"""Printed documents: the last document number (文号) per year and prefix.

Revision ID: 0005_documents
Revises: 0004_review_publication
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_documents"
down_revision = "0004_review_publication"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_number",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "prefix", name=op.f("pk_document_number")),
    )


def downgrade() -> None:
    op.drop_table("document_number")
