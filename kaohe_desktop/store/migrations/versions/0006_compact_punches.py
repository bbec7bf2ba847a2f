"""Punches in a WITHOUT ROWID table keyed (staff_id, at), naming their import by number.

The 0003 table kept each punch twice (the rowid table and the unique (staff_id, at)
index) and repeated the file's sha256 on every row: 22 MB for a township year. Now the
key's B-tree holds the rows and `import_id` points at attendance_import; existing rows
keep their import where the log has the file's hash.

Revision ID: 0006_compact_punches
Revises: 0005_documents
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_compact_punches"
down_revision = "0005_documents"
branch_labels = None
depends_on = None


def _free_key_name() -> None:
    """PostgreSQL names a primary key's index in the schema: the old table's must move
    aside before the new table takes the same name (SQLite keeps them per table)."""
    if op.get_context().dialect.name != "sqlite":
        op.execute("ALTER TABLE attendance_punch RENAME CONSTRAINT pk_attendance_punch "
                   "TO pk_attendance_punch_replaced")


def upgrade() -> None:
    _free_key_name()
    op.create_table(
        "attendance_punch_new",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_attendance_punch_staff_id_staff"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["import_id"], ["attendance_import.id"],
                                name=op.f("fk_attendance_punch_import_id_attendance_import"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("staff_id", "at", name=op.f("pk_attendance_punch")),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO attendance_punch_new (staff_id, at, import_id) "
        "SELECT p.staff_id, p.at, (SELECT min(i.id) FROM attendance_import i "
        "WHERE i.sha256 = p.source_sha) FROM attendance_punch p ORDER BY p.staff_id, p.at")
    op.drop_table("attendance_punch")
    op.rename_table("attendance_punch_new", "attendance_punch")


def downgrade() -> None:
    _free_key_name()
    op.create_table(
        "attendance_punch_old",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("source_sha", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_attendance_punch_staff_id_staff"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_punch")),
        sa.UniqueConstraint("staff_id", "at", name=op.f("uq_attendance_punch_staff_id")),
    )
    op.execute(
        "INSERT INTO attendance_punch_old (staff_id, at, source_sha) "
        "SELECT p.staff_id, p.at, coalesce((SELECT i.sha256 FROM attendance_import i "
        "WHERE i.id = p.import_id), '') FROM attendance_punch p")
    op.drop_table("attendance_punch")
    op.rename_table("attendance_punch_old", "attendance_punch")
