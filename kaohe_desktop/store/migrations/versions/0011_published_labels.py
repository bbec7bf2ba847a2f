"""What a published assessment showed: each subject's code, name and area (or unit, for
staff) as they stood when the results were published, so that a later roster edit (a unit
renamed by an import) does not change a published list. NULL until published.

Revision ID: 0011_published_labels
Revises: 0010_service_records
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_published_labels"
down_revision = "0010_service_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: no table is rebuilt, so nothing cascades
    op.add_column("subject", sa.Column("shown_code", sa.String(length=50), nullable=True))
    op.add_column("subject", sa.Column("shown_name", sa.String(length=200), nullable=True))
    op.add_column("subject", sa.Column("shown_area", sa.String(length=200), nullable=True))
    # assessments published before this revision keep today's roster labels: the best
    # record there is of what they showed
    op.execute("""
        UPDATE subject SET
            shown_code = (SELECT coalesce(u.code, p.code) FROM subject s2
                          LEFT JOIN unit u ON u.id = s2.unit_id
                          LEFT JOIN staff p ON p.id = s2.staff_id WHERE s2.id = subject.id),
            shown_name = (SELECT coalesce(u.name, p.name) FROM subject s2
                          LEFT JOIN unit u ON u.id = s2.unit_id
                          LEFT JOIN staff p ON p.id = s2.staff_id WHERE s2.id = subject.id),
            shown_area = (SELECT CASE WHEN u.id IS NOT NULL THEN coalesce(ar.name, '')
                                      ELSE coalesce(pu.name, '') END
                          FROM subject s2
                          LEFT JOIN unit u ON u.id = s2.unit_id
                          LEFT JOIN area ar ON ar.id = u.area_id
                          LEFT JOIN staff p ON p.id = s2.staff_id
                          LEFT JOIN unit pu ON pu.id = p.unit_id WHERE s2.id = subject.id)
        WHERE assessment_id IN (SELECT id FROM assessment WHERE state = 'published')
    """)


def downgrade() -> None:
    with op.batch_alter_table("subject") as batch:
        batch.drop_column("shown_area")
        batch.drop_column("shown_name")
        batch.drop_column("shown_code")
