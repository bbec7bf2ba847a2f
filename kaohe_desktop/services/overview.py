"""概览: how many stations, staff and assessments there are, and the latest assessments.

`glance` reads a database file before the database layer (SQLAlchemy) has loaded, so the
window shows real figures at once; `overview` reads the same through the open database.
Both run the same statements (store/overview_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kaohe_desktop.domain.periods import Period, PeriodKind
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.settings import is_server_url
from kaohe_desktop.store.overview_queries import OverviewRows, glance_sqlite, read_overview

if TYPE_CHECKING:
    from kaohe_desktop.store.db import Database


@dataclass(frozen=True)
class RecentAssessment:
    id: int
    name: str
    period_label: str
    rubric_code: str
    subjects: int
    state_name: str


@dataclass(frozen=True)
class Overview:
    units: int  # active stations
    staff: int  # active staff
    assessments: int
    recent: tuple[RecentAssessment, ...]  # the latest few, oldest first


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _overview(rows: OverviewRows) -> Overview:
    recent = tuple(
        RecentAssessment(int(i), str(name), Period(PeriodKind(kind), _day(start), _day(end)).label,
                         str(code), int(subjects), STATE_NAMES[State(state)])
        for i, name, kind, start, end, code, subjects, state in rows.recent)
    return Overview(rows.units, rows.staff, rows.assessments, recent)


def glance(path: str | Path) -> Overview | None:
    """The overview of a SQLite file that is already at the newest schema, else None
    (always for a server database: there the page reads it once the database is open)."""
    if is_server_url(path):
        return None
    rows = glance_sqlite(Path(path).expanduser())
    return None if rows is None else _overview(rows)


def overview(db: Database) -> Overview:
    with db.engine.connect() as conn:
        return _overview(read_overview(lambda sql: conn.exec_driver_sql(sql).all()))
