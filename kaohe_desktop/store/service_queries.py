"""Bulk reads and writes of the service records (issue 17) for the service layer.

An export holds up to 100,000 records: they go in with one executemany on the core
table (the ORM unit of work costs ten times as much). The service checks the write
permission once and records the import through its `service_import` row, the way
attendance punches are recorded through their import log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

CHUNK = 20_000


def known_numbers(s: Session, model: Any) -> set[str]:
    """Every record number already stored in this model's table."""
    return set(s.scalars(select(model.no)))


def insert_records(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = model.__table__
    conn = s.connection()
    # every row with every column (defaults filled) so one compiled statement serves all
    cols = [c.name for c in table.columns if c.name != "id"]
    defaults = {c.name: (c.default.arg if c.default is not None and not callable(c.default.arg)
                         else None) for c in table.columns}
    if conn.dialect.name != "sqlite":
        for i in range(0, len(rows), CHUNK):
            chunk = [{c: r.get(c, defaults[c]) for c in cols} for r in rows[i:i + CHUNK]]
            conn.execute(table.insert(), chunk)
        return
    # SQLite: the driver's executemany with values in SQLAlchemy's own storage format
    # (DateTime as "YYYY-MM-DD HH:MM:SS.ffffff"); SQLAlchemy's per-row parameter
    # processing cost more than the whole spreadsheet read
    sql = (f"INSERT INTO {table.name} ({', '.join(cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    cursor = conn.connection.driver_connection.cursor()
    for i in range(0, len(rows), CHUNK):
        cursor.executemany(sql, [tuple(_stored(r.get(c, defaults[c])) for c in cols)
                                 for r in rows[i:i + CHUNK]])


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, bool):
        return int(value)
    return value
