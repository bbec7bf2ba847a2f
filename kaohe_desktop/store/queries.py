"""Hand-written queries for hot paths, where ORM row handling costs more than the work.

The ranking reads every score of an assessment (175,000 rows for 1,000 units × 35 items
× 5 assessors). Grouping per subject and item in SQLite and returning the exact decimal
texts joined by commas cuts the rows Python touches five-fold; the decimal arithmetic
itself stays in the domain.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

# One row per subject and item with every value as exact text; the index
# ix_score_assessment_subject_item serves the grouping without a sort. Assessor ids ride
# along ("id:value") only when roles must be told apart.
_SCORE_VALUES = text("""
    SELECT subject_id, item_code, group_concat(value, ',')
    FROM score WHERE assessment_id = :aid
    GROUP BY subject_id, item_code
""")

_SCORE_VALUES_BY_ASSESSOR = text("""
    SELECT subject_id, item_code, group_concat(assessor_id || ':' || value, ',')
    FROM score WHERE assessment_id = :aid
    GROUP BY subject_id, item_code
""")

# Through the subject ids so SQLite walks the unique (subject, assessor, item) index in
# order: a covering scan with no sort, several times faster than filtering by assessment.
_SCORED_PER_ASSESSOR = text("""
    SELECT subject_id, assessor_id, count(*)
    FROM score
    WHERE subject_id IN (SELECT id FROM subject WHERE assessment_id = :aid)
    GROUP BY subject_id, assessor_id
""")

_SUBJECT_LABELS = text("""
    SELECT sub.id,
           coalesce(u.code, p.code),
           coalesce(u.name, p.name),
           CASE WHEN u.id IS NOT NULL THEN coalesce(ar.name, '') ELSE coalesce(pu.name, '') END
    FROM subject sub
    LEFT JOIN unit u ON u.id = sub.unit_id
    LEFT JOIN area ar ON ar.id = u.area_id
    LEFT JOIN staff p ON p.id = sub.staff_id
    LEFT JOIN unit pu ON pu.id = p.unit_id
    WHERE sub.assessment_id = :aid
    ORDER BY sub.id
""")


def _rows(s: Session, query: TextClause, params: dict[str, object]) -> list[tuple]:
    """All rows as plain tuples. On SQLite straight from the driver's cursor: SQLAlchemy's
    per-row wrapping costs more than SQLite's own work on these result sets."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        compiled = query.compile(dialect=conn.dialect)
        driver = conn.connection.driver_connection
        values = compiled.construct_params(params)
        return driver.execute(str(compiled), [values[k] for k in compiled.positiontup]).fetchall()
    return [tuple(r) for r in conn.execute(query, params)]


def score_values(s: Session, assessment_id: int, with_assessor: bool) -> list[tuple[int, str, str]]:
    """(subject id, item code, "v1,v2,…") or, with_assessor, "aid:v1,aid:v2,…"."""
    query = _SCORE_VALUES_BY_ASSESSOR if with_assessor else _SCORE_VALUES
    return _rows(s, query, {"aid": assessment_id})


def scored_per_assessor(s: Session, assessment_id: int) -> dict[tuple[int, int], int]:
    """(subject id, assessor id) → number of items that assessor scored for that subject."""
    return {(sid, aid): n for sid, aid, n in
            _rows(s, _SCORED_PER_ASSESSOR, {"aid": assessment_id})}


def subject_labels(s: Session, assessment_id: int) -> list[tuple[int, str, str, str]]:
    """(subject id, code, name, area — or unit for staff) for every subject, one query."""
    return _rows(s, _SUBJECT_LABELS, {"aid": assessment_id})
