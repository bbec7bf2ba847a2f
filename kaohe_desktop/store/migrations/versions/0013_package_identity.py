"""Data packages between offline PCs (issue 18 §2): a UUID for each assessment and event
(their identity on every PC; existing rows get one now, and the models give every
new row one — nullable only so that a row written by another tool does not fail; the
export gives such a row its UUID), the record of packages received,
where merged records came from, and conflicts awaiting a choice.

Revision ID: 0013_package_identity
Revises: 0012_score_versions
Create Date: 2026-12-05
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0013_package_identity"
down_revision = "0012_score_versions"
branch_labels = None
depends_on = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _add_uuid(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column("uuid", sa.String))
    ids = [r[0] for r in conn.execute(sa.select(t.c.id))]
    if ids:
        conn.execute(sa.update(t).where(t.c.id == sa.bindparam("row_id"))
                     .values(uuid=sa.bindparam("new_uuid")),
                     [{"row_id": i, "new_uuid": str(uuid.uuid4())} for i in ids])
    with op.batch_alter_table(table) as batch:
        batch.create_unique_constraint(op.f(f"uq_{table}_uuid"), ["uuid"])


def upgrade() -> None:
    _add_uuid("assessment")
    _add_uuid("event")
    op.create_table(
        "package_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_uuid", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("office_uuid", sa.String(length=36), nullable=False),
        sa.Column("office_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("schema", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_receipt")),
    )
    op.create_index(op.f("ix_package_receipt_package_uuid"), "package_receipt", ["package_uuid"])
    op.create_index(op.f("ix_package_receipt_office_uuid"), "package_receipt", ["office_uuid"])
    op.create_table(
        "package_origin",
        sa.Column("table_name", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("office_uuid", sa.String(length=36), nullable=False),
        sa.Column("source_at", sa.DateTime(), nullable=False),
        sa.Column("package_at", sa.DateTime(), nullable=False),
        sa.Column("values_hash", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "key", name=op.f("pk_package_origin")),
    )
    op.create_table(
        "package_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("ours", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=10), server_default="", nullable=False),
        sa.Column("resolved_by", sa.String(length=50), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["receipt_id"], ["package_receipt.id"],
                                name=op.f("fk_package_conflict_receipt_id_package_receipt"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_conflict")),
    )
    op.create_index(op.f("ix_package_conflict_key"), "package_conflict", ["key"])


def downgrade() -> None:
    op.drop_table("package_conflict")
    op.drop_table("package_origin")
    op.drop_table("package_receipt")
    for table in ("event", "assessment"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"uq_{table}_uuid"), type_="unique")
            batch.drop_column("uuid")
