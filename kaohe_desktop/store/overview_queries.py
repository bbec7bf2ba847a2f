"""What the 概览 page shows, in four plain SQL statements.

Plain DB-API SQL and no SQLAlchemy import: at start-up the window runs these on the file
with the sqlite3 module while the database layer is still loading (the glance), and the
page runs the same statements through the open engine afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .schema_head import SCHEMA_HEAD

Execute = Callable[[str], Sequence[Sequence[object]]]

RECENT_LIMIT = 10

_UNITS = "SELECT count(*) FROM unit WHERE active"
_STAFF = "SELECT count(*) FROM staff WHERE active"
_ASSESSMENTS = "SELECT count(*) FROM assessment"
_RECENT = f"""
    SELECT a.id, a.name, a.period_kind, a.period_start, a.period_end, r.code,
           (SELECT count(*) FROM subject s WHERE s.assessment_id = a.id), a.state
    FROM assessment a JOIN rubric r ON r.id = a.rubric_id
    ORDER BY a.id DESC LIMIT {RECENT_LIMIT}
"""


@dataclass(frozen=True)
class OverviewRows:
    units: int
    staff: int
    assessments: int
    # (id, name, period kind, start, end, rubric code, subjects, state), oldest first;
    # dates as the driver returns them (ISO text from SQLite)
    recent: tuple[tuple[object, ...], ...]


def read_overview(execute: Execute) -> OverviewRows:
    def count(sql: str) -> int:
        return int(execute(sql)[0][0])

    recent = tuple(tuple(row) for row in execute(_RECENT))
    return OverviewRows(count(_UNITS), count(_STAFF), count(_ASSESSMENTS), recent[::-1])


def glance_sqlite(path: Path) -> OverviewRows | None:
    """The overview read straight from a SQLite file, opened read-only.

    None when there is nothing trustworthy to show yet: no file, an empty one, a schema
    that is not the newest (it will be migrated first), or anything unreadable.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        def execute(sql: str) -> list[tuple]:
            return conn.execute(sql).fetchall()

        version = execute("SELECT version_num FROM alembic_version")
        if [tuple(v) for v in version] != [(SCHEMA_HEAD,)]:
            return None
        return read_overview(execute)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
