"""The register of documents issued with a verification code (issue 16 §3): what each
states and the office's signature of it. A new table only; nothing existing changes.

Revision ID: 0014_issued_documents
Revises: 0013_package_identity
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_issued_documents"
down_revision = "0013_package_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_issued_document_content_hash")),
    )
    op.create_index(op.f("ix_issued_document_assessment_id"), "issued_document",
                    ["assessment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_document_assessment_id"), table_name="issued_document")
    op.drop_table("issued_document")
