"""Results people can rely on: who scores which items, subjects left out (不参评) or with
items that do not apply (不适用), administrators' overrides of derived items, the office's
own settings (issuer, 文号 prefix, contact, address) and the number each printed document
was given, so a reprint carries the same 文号 and certificate number.

Every existing score, event and assessment is kept: the new columns default to "nothing
changed" (all items, taking part, no override).

Revision ID: 0007_results_rules
Revises: 0006_compact_punches
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_results_rules"
down_revision = "0006_compact_punches"
branch_labels = None
depends_on = None


def _rebuild() -> str:
    """SQLite rebuilds the table to change a constraint; PostgreSQL alters it in place
    (a rebuild there would drop the key the scores' foreign keys depend on)."""
    return "always" if op.get_context().dialect.name == "sqlite" else "never"


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: no table is rebuilt, so nothing cascades
    op.add_column("assessor_group", sa.Column("items", sa.Text(), nullable=False,
                                              server_default=""))
    op.add_column("subject", sa.Column("excluded", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column("subject", sa.Column("exclude_reason", sa.Text(), nullable=False,
                                       server_default=""))
    op.add_column("assessment", sa.Column("origin", sa.Text(), nullable=False,
                                          server_default=""))
    op.add_column("staff", sa.Column("head", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    # one person may sit in several groups of one assessment (360: a colleague who also
    # assesses themselves): an assessor is unique per name *and group*. SQLite rebuilds the
    # table for this; migrations run with foreign keys off and checked before the commit,
    # so the scores that point at assessors stay.
    with op.batch_alter_table("assessor", recreate=_rebuild()) as batch:
        batch.drop_constraint("uq_assessor_assessment_id", type_="unique")
        batch.create_unique_constraint("uq_assessor_assessment_id",
                                       ["assessment_id", "name", "group_id"])
    op.create_table(
        "subject_item_na",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ondelete="CASCADE",
                                name=op.f("fk_subject_item_na_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_item_na")),
        sa.UniqueConstraint("subject_id", "item_code", name=op.f("uq_subject_item_na_subject_id")),
    )
    op.create_table(
        "score_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ondelete="CASCADE",
                                name=op.f("fk_score_override_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_override")),
        sa.UniqueConstraint("subject_id", "item_code", name=op.f("uq_score_override_subject_id")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "document_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE",
                                name=op.f("fk_document_issue_assessment_id_assessment")),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ondelete="CASCADE",
                                name=op.f("fk_document_issue_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_issue")),
        sa.UniqueConstraint("assessment_id", "subject_id", "kind", "recipient",
                            name=op.f("uq_document_issue_assessment_id")),
    )
    # A database made before settings existed is an office's real data: its documents went
    # out under the issuer typed on the command line or in the window, so nothing is guessed
    # here; the window asks at first use and `kaohe settings set` fills them in.


def downgrade() -> None:
    op.drop_table("document_issue")
    op.drop_table("setting")
    op.drop_table("score_override")
    op.drop_table("subject_item_na")
    with op.batch_alter_table("assessor", recreate=_rebuild()) as batch:
        batch.drop_constraint("uq_assessor_assessment_id", type_="unique")
        batch.create_unique_constraint("uq_assessor_assessment_id", ["assessment_id", "name"])
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("head")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("origin")
    with op.batch_alter_table("subject") as batch:
        batch.drop_column("exclude_reason")
        batch.drop_column("excluded")
    with op.batch_alter_table("assessor_group") as batch:
        batch.drop_column("items")
