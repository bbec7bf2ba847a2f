"""Accounts, assessors linked to accounts, and the hash-chained audit record.

Existing data counts as written by the local user: one genesis row records it, holding
the values the verifier compares (every score, correction, event and assessment state),
so an edit made to old data with another tool is caught too. Nothing existing changes.

Revision ID: 0009_accounts_audit
Revises: 0008_document_register
Create Date: 2026-12-20
"""
import json

import sqlalchemy as sa
from alembic import op

from kaohe_desktop.domain.audit_chain import (
    GENESIS_PREV,
    KEY_COLUMNS,
    LOCAL_USER,
    WATCHED,
    now_text,
    row_hash,
)

revision = "0009_accounts_audit"
down_revision = "0008_document_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_account_staff_id_staff",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("login", name="uq_account_login"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("table_name", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("assessment_id", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=20), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_assessment_id", "audit", ["assessment_id"])
    op.create_index("ix_audit_subject_id", "audit", ["subject_id"])
    # ALTER TABLE ADD COLUMN with its REFERENCES clause: the assessor table is not
    # rebuilt (a rebuild drops the parent of scores), so no score is touched
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE assessor ADD COLUMN account_id INTEGER CONSTRAINT "
                   "fk_assessor_account_id_account REFERENCES account (id)")
    else:
        op.add_column("assessor", sa.Column("account_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_assessor_account_id_account", "assessor", "account",
                              ["account_id"], ["id"])
    op.create_index("ix_assessor_account_id", "assessor", ["account_id"])
    _genesis()


def _genesis() -> None:
    """One row for everything written before the record existed (by the local user)."""
    conn = op.get_bind()
    snapshot: dict[str, dict[str, dict]] = {}
    for table, fields in WATCHED.items():
        cols = KEY_COLUMNS.get(table, ("id",))
        rows = conn.execute(sa.text(
            f"SELECT {', '.join(cols + fields)} FROM {table}")).all()  # noqa: S608 (fixed names)
        snapshot[table] = {"/".join(str(v) for v in r[:len(cols)]): dict(zip(fields, r[len(cols):]))
                           for r in rows}
    after = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    at = now_text()
    fields = dict(at=at, actor=LOCAL_USER, action="genesis", table="*", key="", assessment_id="",
                  subject_id="", before="", after=after, reason="升级前的数据（本机用户）")
    digest = row_hash(GENESIS_PREV, **fields)
    conn.execute(sa.text(
        "INSERT INTO audit (at, actor, action, table_name, key, assessment_id, subject_id, "
        "before, after, reason, prev_hash, hash) VALUES (:at, :actor, :action, :table, :key, "
        ":assessment_id, :subject_id, :before, :after, :reason, :prev, :hash)"),
        {**fields, "prev": GENESIS_PREV, "hash": digest})


def downgrade() -> None:
    with op.batch_alter_table("assessor") as batch:
        batch.drop_index("ix_assessor_account_id")
        batch.drop_column("account_id")
    op.drop_table("audit")
    op.drop_table("account")
