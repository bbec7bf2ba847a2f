"""Service records (issue 17): 办件, 好差评 ratings, complaints, their import log, a
yearly cost per unit and remembered column mappings. Nothing existing changes.

Revision ID: 0010_service_records
Revises: 0009_accounts_audit
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_service_records"
down_revision = "0009_accounts_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_import")),
    )
    op.create_index(op.f("ix_service_import_sha256"), "service_import", ["sha256"])
    common = {
        "service_request": [
            sa.Column("no", sa.String(length=100), nullable=False),
            sa.Column("matter", sa.String(length=300), nullable=False),
            sa.Column("instant", sa.Boolean(), nullable=False),
            sa.Column("limit_days", sa.Integer(), nullable=True),
            sa.Column("accepted_at", sa.DateTime(), nullable=False),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.Column("status", sa.String(length=50), nullable=False),
            sa.Column("accepted", sa.Boolean(), nullable=False),
        ],
        "service_rating": [
            sa.Column("no", sa.String(length=100), nullable=False),
            sa.Column("request_no", sa.String(length=100), nullable=False),
            sa.Column("channel", sa.String(length=50), nullable=False),
            sa.Column("level", sa.Integer(), nullable=False),
            sa.Column("content", sa.Text(), nullable=False),
            sa.Column("rated_at", sa.DateTime(), nullable=False),
            sa.Column("rect_note", sa.Text(), nullable=False),
            sa.Column("rect_done_at", sa.DateTime(), nullable=True),
            sa.Column("visit_at", sa.DateTime(), nullable=True),
            sa.Column("visit_result", sa.String(length=200), nullable=False),
        ],
        "service_complaint": [
            sa.Column("no", sa.String(length=100), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("source", sa.String(length=100), nullable=False),
            sa.Column("content", sa.Text(), nullable=False),
            sa.Column("verdict", sa.String(length=50), nullable=False),
            sa.Column("valid", sa.Boolean(), nullable=False),
            sa.Column("closed_at", sa.DateTime(), nullable=True),
        ],
    }
    time_col = {"service_request": ["accepted_at", "finished_at"], "service_rating": ["rated_at"],
                "service_complaint": ["at"]}
    for table, cols in common.items():
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            *cols,
            sa.Column("unit_id", sa.Integer(), nullable=True),
            sa.Column("staff_id", sa.Integer(), nullable=True),
            sa.Column("import_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f(f"fk_{table}_unit_id_unit")),
            sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f(f"fk_{table}_staff_id_staff")),
            sa.ForeignKeyConstraint(["import_id"], ["service_import.id"],
                                    name=op.f(f"fk_{table}_import_id_service_import")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("no", name=op.f(f"uq_{table}_no")),
        )
        for c in ["unit_id", "staff_id", *time_col[table]]:
            op.create_index(op.f(f"ix_{table}_{c}"), table, [c])
    op.create_table(
        "service_cost",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_service_cost_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_cost")),
        sa.UniqueConstraint("unit_id", "year", name=op.f("uq_service_cost_unit_id")),
    )
    op.create_table(
        "service_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_mapping")),
        sa.UniqueConstraint("signature", name=op.f("uq_service_mapping_signature")),
    )


def downgrade() -> None:
    for table in ("service_mapping", "service_cost", "service_complaint", "service_rating",
                  "service_request", "service_import"):
        op.drop_table(table)
