"""即办件 handling time (issue 17 §2, 平均办理时长 "or hours for 即办件"): two more monthly
counts per person and unit, the minutes from 受理 to 办结 of finished 即办件 and how many
there are. Existing rows get 0; the summary's digest carries a counting version, so the
first read after this upgrade rebuilds the counts from the records (services/
service_summary.py) and fills them.

Revision ID: 0016_instant_hours
Revises: 0015_service_metrics
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_instant_hours"
down_revision = "0015_service_metrics"
branch_labels = None
depends_on = None

COLUMNS = ("instant_minutes", "instant_n")


def upgrade() -> None:
    # batch: SQLite cannot add a NOT NULL column without a default in place; the
    # server default fills the rows there are (a cache: rebuilt on first read anyway)
    with op.batch_alter_table("service_month") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("service_month") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
