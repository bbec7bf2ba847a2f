"""Bulk reads and writes of the service records (issue 17) for the service layer.

An export holds up to 100,000 records: they go in as plain tuples (`insert_rows`) with
one executemany through the SQLite driver (the plain indexes built once afterwards when
the table held fewer records than arrive) or COPY on PostgreSQL; the ORM unit of work
costs ten times as much. The service checks the write
permission once and records the import through its `service_import` row, the way
attendance punches are recorded through their import log.

`service_month` holds each person's and unit's counts per month (`MonthTally`), kept up
to date at every import, so the measures of any period read at most a few thousand rows
instead of every record (issue 17: 300 people × 12 months in well under 0.5 s). It is a
cache: `service_month_state` holds the digest of what the counts were judged with (the
calendar's working days, the rectification limit); when that changes they are rebuilt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from .models import SERVICE_COUNTS as COUNTS
from .models import service_month, service_month_state

CHUNK = 20_000
# SQLite's page cache while a large import writes (KiB): a year's records with their five
# indexes outgrow the default 2 MB, and every page evicted is written and read again
# (100,000 办件: 1.0 s of CPU with the default, 0.6 s with this)
IMPORT_CACHE_KIB = 16 * 1024
DEFER_INDEXES_FROM = 10_000  # rows: below this, building the indexes afresh gains nothing
STAGE_FROM = 1_000  # rows: below this, a staging table is not worth its statements
ROWS_PER_STATEMENT = 500  # rows bound per INSERT into the staging table
_STAGE = "import_stage"
T = TypeVar("T")
MonthKey = tuple[str, int, int, int]  # kind, subject id, year, month


def month_rows(s: Session, kind: str, first: tuple[int, int],
               last: tuple[int, int]) -> list[tuple[Any, ...]]:
    """(subject_id, year, month, *COUNTS) of one kind for the months first…last."""
    t = service_month.c
    lo, hi = first[0] * 12 + first[1], last[0] * 12 + last[1]
    q = (select(t.subject_id, t.year, t.month, *(t[c] for c in COUNTS))
         .where(t.kind == kind, (t.year * 12 + t.month).between(lo, hi)))
    return [tuple(r) for r in s.connection().execute(q)]


def stored_months(s: Session, keys: list[MonthKey]) -> dict[MonthKey, tuple[int, ...]]:
    """The counts stored for these keys (missing keys absent)."""
    t = service_month.c
    out: dict[MonthKey, tuple[int, ...]] = {}
    wanted = set(keys)
    for kind in {k[0] for k in keys}:
        ids = sorted({k[1] for k in keys if k[0] == kind})
        for i in range(0, len(ids), 500):
            q = select(t.kind, t.subject_id, t.year, t.month, *(t[c] for c in COUNTS)).where(
                t.kind == kind, t.subject_id.in_(ids[i:i + 500]))
            for r in s.connection().execute(q):
                key = (r[0], r[1], r[2], r[3])
                if key in wanted:
                    out[key] = tuple(r[4:])
    return out


def replace_months(s: Session, values: dict[MonthKey, tuple[int, ...]]) -> None:
    """Write these keys' counts, replacing what was stored for them."""
    if not values:
        return
    t = service_month.c
    conn = s.connection()
    by_month: dict[tuple[str, int, int], list[int]] = {}
    for kind, sid, y, m in values:  # delete exactly these keys, month by month
        by_month.setdefault((kind, y, m), []).append(sid)
    for (kind, y, m), ids in by_month.items():
        for i in range(0, len(ids), 500):
            conn.execute(service_month.delete().where(
                t.kind == kind, t.year == y, t.month == m, t.subject_id.in_(ids[i:i + 500])))
    insert_records(s, _Months, [{"kind": k[0], "subject_id": k[1], "year": k[2], "month": k[3],
                                 **dict(zip(COUNTS, v, strict=True))} for k, v in values.items()])


def clear_months(s: Session) -> None:
    s.connection().execute(service_month.delete())


def summary_digest(s: Session) -> str | None:
    return s.connection().execute(select(service_month_state.c.digest)).scalar()


def set_summary_digest(s: Session, digest: str) -> None:
    conn = s.connection()
    conn.execute(service_month_state.delete())
    conn.execute(service_month_state.insert().values(id=1, digest=digest))


class _Months:
    """`insert_records` takes a model; the table has none."""

    __table__ = service_month


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
    # one C-level pass per row (defaults merged, columns picked in order); only the
    # DateTime columns need converting (bool is an int to the driver)
    fill = {c: defaults[c] for c in cols}
    pick = itemgetter(*cols)
    times = [k for k, c in enumerate(cols) if isinstance(table.c[c].type, DateTime)]
    for i in range(0, len(rows), CHUNK):
        batch = []
        for r in rows[i:i + CHUNK]:
            values = list(pick({**fill, **r}))
            for k in times:
                v = values[k]
                if v is not None:
                    values[k] = v.isoformat(" ", "microseconds")
            batch.append(values)
        cursor.executemany(sql, batch)


def insert_rows(s: Session, model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                fixed: Mapping[str, int], alongside: Callable[[], T] | None = None) -> T | None:
    """Insert records given as tuples of `columns`, each with the `fixed` values (the
    import's id) added: what an import of 100,000 records writes, without a dict per row.
    DateTime columns come as stored text, "YYYY-MM-DD HH:MM:SS.ffffff" (the form
    SQLAlchemy keeps in SQLite, so comparisons in SQL still hold), so the rows go to the
    driver as they are.

    `alongside` (work that touches no database: the import's counting) is run meanwhile
    and its result returned. On SQLite a large insert goes through a staging table: the
    driver binds the values into it (Python's work), then one statement moves them into
    the table and a few more build its indexes, SQLite's work, during which the driver
    lets other Python threads run — so `alongside` runs in a thread then, on the
    machine's other core (100,000 办件: 0.5 s of wall time instead of 0.7 s)."""
    dialect = s.connection().dialect.name
    if rows and dialect == "sqlite" and len(rows) >= STAGE_FROM:
        return _sqlite(s, lambda cursor: _insert_staged(cursor, model.__table__.name, columns,
                                                         rows, fixed, alongside))
    if rows and dialect == "sqlite":
        _sqlite(s, lambda cursor: _insert_direct(cursor, model.__table__.name, columns, rows,
                                                 fixed))
    elif rows and dialect == "postgresql":
        _copy(s, model.__table__, columns, rows, fixed)
    elif rows:
        _insert_batches(s, model.__table__, columns, rows, fixed)
    return alongside() if alongside is not None else None


def _copy(s: Session, table: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
          fixed: Mapping[str, int]) -> None:
    # COPY through the driver (psycopg adapts each value as a parameter would be; the
    # server reads the moments' text): a year's 办件 in about a second instead of seven
    # through INSERT batches
    extra = tuple(fixed.values())
    cursor = s.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join([*columns, *fixed])}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r + extra)


def _insert_batches(s: Session, table: Any, columns: Sequence[str],
                    rows: Sequence[tuple[Any, ...]], fixed: Mapping[str, int]) -> None:
    """Another server: SQLAlchemy's INSERT in batches, the moments as datetimes."""
    times = [c for c in columns if isinstance(table.c[c].type, DateTime)]
    for i in range(0, len(rows), CHUNK):
        batch = [{**dict(zip(columns, r, strict=True)), **fixed} for r in rows[i:i + CHUNK]]
        for b in batch:
            for c in times:
                if b[c] is not None:
                    b[c] = datetime.fromisoformat(b[c])
        s.connection().execute(table.insert(), batch)


def _sqlite(s: Session, write: Callable[[Any], T]) -> T:
    """`write(cursor)` on the driver's own cursor with a large page cache meanwhile."""
    cursor = s.connection().connection.driver_connection.cursor()
    before = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        return write(cursor)
    finally:
        cursor.execute(f"PRAGMA cache_size={int(before)}")


def _insert_direct(cursor: Any, table: str, columns: Sequence[str],
                   rows: Sequence[tuple[Any, ...]], fixed: Mapping[str, int]) -> None:
    # the driver's executemany over the tuples themselves, the fixed values (ids) written
    # into the statement
    values = ", ".join(["?"] * len(columns) + [_int_literal(v) for v in fixed.values()])
    cursor.executemany(f"INSERT INTO {table} ({', '.join([*columns, *fixed])}) VALUES ({values})",
                       rows)


def _insert_staged(cursor: Any, table: str, columns: Sequence[str],
                   rows: Sequence[tuple[Any, ...]], fixed: Mapping[str, int],
                   alongside: Callable[[], T] | None) -> T | None:
    """Bind into a temporary table without keys or indexes, then move the rows and build
    the indexes with `alongside` running in a thread. All within the import's transaction:
    a failure rolls the staging table, the drop of the indexes and the rows back."""
    cols = ", ".join(columns)
    cursor.execute(f"DROP TABLE IF EXISTS temp.{_STAGE}")
    cursor.execute(f"CREATE TEMP TABLE {_STAGE} ({cols})")
    _bind_all(cursor, f"INSERT INTO temp.{_STAGE} VALUES ", len(columns), rows)
    deferred = _defer_indexes(cursor, table, len(rows))
    fixed_values = "".join(f", {_int_literal(v)}" for v in fixed.values())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-count") as pool:
        # started only now: while the binding above runs, a Python thread beside it would
        # take the interpreter's lock between every two rows and slow both down
        pending = pool.submit(alongside) if alongside is not None else None
        cursor.execute(f"INSERT INTO {table} ({', '.join([*columns, *fixed])}) "
                       f"SELECT {cols}{fixed_values} FROM temp.{_STAGE}")
        cursor.execute(f"DROP TABLE temp.{_STAGE}")
        for create in deferred:
            cursor.execute(create)
        return pending.result() if pending is not None else None


def _bind_all(cursor: Any, insert: str, width: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """`insert` + VALUES for every row, a few hundred rows per statement: the driver's
    work per statement (reset, step, the next row) is paid once for them all (100,000
    办件: 0.14 s instead of 0.21 s with executemany)."""
    limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    whole = len(rows) - len(rows) % per
    if whole:
        sql = insert + ", ".join([one] * per)
        flat = chain.from_iterable
        for k in range(0, whole, per):
            cursor.execute(sql, tuple(flat(rows[k:k + per])))
    if whole < len(rows):
        cursor.executemany(insert + one, rows[whole:])


def _int_literal(value: int | None) -> str:
    if value is None:
        return "NULL"
    if type(value) is not int:
        raise TypeError(f"a fixed value of an insert must be an id, not {value!r}")
    return str(value)


def _defer_indexes(cursor: Any, table: str, adding: int) -> list[str]:
    """Drop the table's plain indexes (not the unique key) when the rows being added are
    at least as many as those it holds, and give back their CREATE statements to run after
    the insert: one sorted build costs less than 100,000 random insertions into each
    (0.4 s instead of 0.6 s of CPU for a year's 办件). All within the import's
    transaction: a failed import rolls the drop back with everything else."""
    if adding < DEFER_INDEXES_FROM:
        return []
    held = cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if adding < held:
        return []
    found = cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]
