"""Hand-written queries for totals over many assessments (year-end roll-up, the previous
period's ranks), where only each subject's total is wanted, not its items.

Exactness: per subject and item, the count n and the sum of the values; those sums are
then added per subject and n. The database adds them as doubles (DOUBLE PRECISION: on
PostgreSQL REAL is single precision; BIGINT is SQLite's INTEGER and PostgreSQL's 64-bit
integer), which is exact enough to be turned back into integer millionths: values with
at most 6 decimals (the caller checks the rubric allows no more) are below 10^3, so a
few hundred of them carry an error far below 10^-6 / 2; the caller rounds the sum × 10^6
to an integer and checks it lies within 10^-3 of one. Rounding per group instead of per
row keeps the query as cheap as the plain average that the benchmark's SQL floor computes.

`item_cents` goes one step further for the shown totals (README 计分规则: each item's mean
is rounded half up to 2 decimals once, the base is the exact sum): per item the sum is
turned into integer millionths m, and its mean over n values rounded half up to cents is
the integer (2m + n·10⁴) div (2n·10⁴) — exact integer arithmetic (scores are never
negative, so SQLite's truncating division is a floor). The largest distance of an item
sum from its integer millionths comes back too, for the caller's exactness check.
"""


from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

SCALE = 1_000_000
MAX_DECIMALS = 6

# Per (assessment, subject, n): Σ over the items scored by n assessors of the item sums.
# The (assessment, subject, item) index serves the inner grouping without a sort.
_ITEM_SUMS = """
    SELECT assessment_id, subject_id, n, SUM(s)
    FROM (SELECT assessment_id, subject_id, COUNT(*) AS n,
                 SUM(CAST(value AS DOUBLE PRECISION)) AS s
          FROM score WHERE assessment_id IN ({ids})
          GROUP BY assessment_id, subject_id, item_code) AS per_item
    GROUP BY assessment_id, subject_id, n
"""

# Per (assessment, subject): Σ over items of the item's mean in cents rounded half up, the
# most assessors of an item (trimmed means start at 5), the worst rounding error of an
# item sum in millionths, the fewest assessors of an item and the number of items scored
# (for completeness: every item scored by every assessor expected).
_ITEM_CENTS = """
    SELECT assessment_id, subject_id, SUM((2 * m + n * 10000) / (2 * n * 10000)), MAX(n),
           MAX(ABS(x - m)), MIN(n), COUNT(*)
    FROM (SELECT assessment_id, subject_id, COUNT(*) AS n,
                 SUM(CAST(value AS DOUBLE PRECISION)) * 1000000 AS x,
                 CAST(ROUND(SUM(CAST(value AS DOUBLE PRECISION)) * 1000000) AS BIGINT) AS m
          FROM score WHERE assessment_id IN ({ids})
          GROUP BY assessment_id, subject_id, item_code) AS per_item
    GROUP BY assessment_id, subject_id
"""

# Assessments with a subject's derived value overridden or an item marked 不适用: their
# totals need the general path, which knows those rules.
_SPECIAL = """
    SELECT DISTINCT sub.assessment_id FROM subject sub
    WHERE sub.assessment_id IN ({ids})
      AND (EXISTS (SELECT 1 FROM score_override o WHERE o.subject_id = sub.id)
           OR EXISTS (SELECT 1 FROM subject_item_na na WHERE na.subject_id = sub.id)
           OR sub.excluded)
"""

# Who is expected to score each subject, for assessments whose groups score every item:
# (assessment, subject, group id or NULL, that group's assessors) — a group without
# assessors comes with 0; loose assessors (no group) come once with group NULL.
_EXPECTED = """
    SELECT sub.assessment_id, sub.id, g.id,
           (SELECT COUNT(*) FROM assessor a WHERE a.group_id = g.id)
    FROM subject sub JOIN assessor_group g ON g.assessment_id = sub.assessment_id
    WHERE sub.assessment_id IN ({ids})
      AND (NOT EXISTS (SELECT 1 FROM group_subject gs WHERE gs.group_id = g.id)
           OR EXISTS (SELECT 1 FROM group_subject gs
                      WHERE gs.group_id = g.id AND gs.subject_id = sub.id))
    UNION ALL
    SELECT a.assessment_id, NULL, NULL, COUNT(*) FROM assessor a
    WHERE a.assessment_id IN ({ids}) AND a.group_id IS NULL GROUP BY a.assessment_id
"""

# Assessments where some group scores only some items: the general path counts those.
_ITEM_LIMITED = """
    SELECT DISTINCT assessment_id FROM assessor_group
    WHERE assessment_id IN ({ids}) AND items != ''
"""

_LABELS = """
    SELECT sub.id, sub.assessment_id,
           coalesce(sub.shown_code, u.code, p.code),
           coalesce(sub.shown_name, u.name, p.name),
           coalesce(sub.shown_area,
                    CASE WHEN u.id IS NOT NULL THEN coalesce(ar.name, '') ELSE coalesce(pu.name, '') END)
    FROM subject sub
    LEFT JOIN unit u ON u.id = sub.unit_id
    LEFT JOIN area ar ON ar.id = u.area_id
    LEFT JOIN staff p ON p.id = sub.staff_id
    LEFT JOIN unit pu ON pu.id = p.unit_id
    WHERE sub.assessment_id IN ({ids})
    ORDER BY sub.assessment_id, sub.id
"""

_EVENTS = """
    SELECT id, assessment_id, subject_id, rule_code, amount, matter
    FROM event WHERE assessment_id IN ({ids}) ORDER BY id
"""

_ASSESSOR_ROLES = """
    SELECT assessment_id, count(DISTINCT role) FROM assessor
    WHERE assessment_id IN ({ids}) GROUP BY assessment_id
"""


def _ids(assessment_ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in assessment_ids) or "NULL"


def _fetch(s: Session, sql: str) -> list[tuple]:
    """Plain tuples; on SQLite straight from the driver (SQLAlchemy's row wrapping costs
    more than SQLite's own work on these result sets). The SQL holds only integers."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        return conn.connection.driver_connection.execute(sql).fetchall()
    return [tuple(r) for r in conn.execute(text(sql))]


def item_sums(s: Session, assessment_ids: Sequence[int]) -> list[tuple[int, int, int, float]]:
    """(assessment id, subject id, n, Σ of the sums of the items scored n times) rows."""
    return _fetch(s, _ITEM_SUMS.format(ids=_ids(assessment_ids)))


def item_cents(s: Session, assessment_ids: Sequence[int]) -> list[tuple[int, int, int, int, float, int, int]]:
    """(assessment id, subject id, Σ items' rounded means in cents, most assessors of an
    item, worst item-sum error in millionths, fewest assessors of an item, items) rows."""
    return _fetch(s, _ITEM_CENTS.format(ids=_ids(assessment_ids)))


def expected_assessors(s: Session, assessment_ids: Sequence[int]
                       ) -> list[tuple[int, int | None, int | None, int]]:
    """(assessment id, subject id, group id, assessors in it) per group covering a subject,
    and (assessment id, None, None, loose assessors) per assessment with loose ones."""
    return _fetch(s, _EXPECTED.format(ids=_ids(assessment_ids)))


def item_limited(s: Session, assessment_ids: Sequence[int]) -> set[int]:
    """The assessments with a group that scores only some items."""
    return {aid for (aid,) in _fetch(s, _ITEM_LIMITED.format(ids=_ids(assessment_ids)))}


def special_assessments(s: Session, assessment_ids: Sequence[int]) -> set[int]:
    """The assessments with an override, a 不适用 item or a 不参评 subject."""
    return {aid for (aid,) in _fetch(s, _SPECIAL.format(ids=_ids(assessment_ids)))}


def subject_labels_of(s: Session, assessment_ids: Sequence[int]) -> list[tuple[int, int, str, str, str]]:
    """(subject id, assessment id, code, name, area — or unit for staff)."""
    return _fetch(s, _LABELS.format(ids=_ids(assessment_ids)))


def events_of(s: Session, assessment_ids: Sequence[int]) -> list[tuple[int, int, int, str, str, str]]:
    """(event id, assessment id, subject id, rule code, amount text, matter)."""
    return _fetch(s, _EVENTS.format(ids=_ids(assessment_ids)))


def role_counts(s: Session, assessment_ids: Sequence[int]) -> dict[int, int]:
    """Assessment id → number of distinct assessor roles (absent: no assessors)."""
    return dict(_fetch(s, _ASSESSOR_ROLES.format(ids=_ids(assessment_ids))))
