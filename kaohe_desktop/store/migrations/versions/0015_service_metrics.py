"""Service measures per month (issue 17 §3, §4): each person's and unit's counts of
办件, ratings and complaints per month, kept at import so that any period's measures
read a few thousand rows, and the digest of the calendar they were judged with. A cache:
built from the records on first use. Nothing existing changes.

Revision ID: 0015_service_metrics
Revises: 0014_issued_documents
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_service_metrics"
down_revision = "0014_issued_documents"
branch_labels = None
depends_on = None

COUNTS = ("requests", "finished", "on_time", "days_sum", "days_n", "ratings", "satisfied",
          "level_sum", "bad", "bad_in_time", "visited", "complaints", "valid")


def upgrade() -> None:
    op.create_table(
        "service_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_month")),
        sa.UniqueConstraint("kind", "subject_id", "year", "month",
                            name=op.f("uq_service_month_kind")),
    )
    op.create_table(
        "service_month_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_month_state")),
    )


def downgrade() -> None:
    op.drop_table("service_month_state")
    op.drop_table("service_month")
