"""Index scores by assessment, subject and item, the order ranking reads them in.

Revision ID: 0002_score_ranking_index
Revises: 0001_baseline
Create Date: 2026-11-24
"""
from alembic import op

revision = "0002_score_ranking_index"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("score") as batch:
        batch.drop_index("ix_score_assessment")
        batch.create_index("ix_score_assessment_subject_item",
                           ["assessment_id", "subject_id", "item_code"])


def downgrade() -> None:
    with op.batch_alter_table("score") as batch:
        batch.drop_index("ix_score_assessment_subject_item")
        batch.create_index("ix_score_assessment", ["assessment_id"])
