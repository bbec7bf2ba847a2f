"""Hand-written queries for hot paths, where ORM row handling costs more than the work.

The ranking reads every score of an assessment (175,000 rows for 1,000 units × 35 items
× 5 assessors). Grouping per subject and item in SQLite and returning the exact decimal
texts joined by commas cuts the rows Python touches five-fold; the decimal arithmetic
itself stays in the domain. Attendance imports write punches in bulk the same way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from sqlalchemy import TextClause, func, select, text
from sqlalchemy.orm import Session

from .models import Punch, Score

# One row per subject and item with every value as exact text; the index
# ix_score_assessment_subject_item serves the grouping without a sort. Assessor ids ride
# along ("id:value") only when roles must be told apart.
# PostgreSQL spells SQLite's group_concat string_agg (same order-free join).
_SCORE_VALUES = {
    agg: text(f"""
    SELECT subject_id, item_code, {agg}(value, ',')
    FROM score WHERE assessment_id = :aid
    GROUP BY subject_id, item_code
""") for agg in ("group_concat", "string_agg")}

_SCORE_VALUES_BY_ASSESSOR = {
    agg: text(f"""
    SELECT subject_id, item_code, {agg}(assessor_id || ':' || value, ',')
    FROM score WHERE assessment_id = :aid
    GROUP BY subject_id, item_code
""") for agg in ("group_concat", "string_agg")}

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
           coalesce(sub.shown_code, u.code, p.code),
           coalesce(sub.shown_name, u.name, p.name),
           coalesce(sub.shown_area,
                    CASE WHEN u.id IS NOT NULL THEN coalesce(ar.name, '') ELSE coalesce(pu.name, '') END)
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
    queries = _SCORE_VALUES_BY_ASSESSOR if with_assessor else _SCORE_VALUES
    agg = "group_concat" if s.connection().dialect.name == "sqlite" else "string_agg"
    return _rows(s, queries[agg], {"aid": assessment_id})


def scored_per_assessor(s: Session, assessment_id: int) -> dict[tuple[int, int], int]:
    """(subject id, assessor id) → number of items that assessor scored for that subject."""
    return {(sid, aid): n for sid, aid, n in
            _rows(s, _SCORED_PER_ASSESSOR, {"aid": assessment_id})}


def subject_labels(s: Session, assessment_id: int) -> list[tuple[int, str, str, str]]:
    """(subject id, code, name, area — or unit for staff) for every subject, one query."""
    return _rows(s, _SUBJECT_LABELS, {"aid": assessment_id})


def _iso_microseconds(at: datetime) -> str:
    return at.isoformat(" ", "microseconds")


def _punch_text(conn: object, sample: datetime):
    """How SQLAlchemy's DateTime writes a moment on this dialect: `isoformat` (C speed)
    when that gives the very same text, else SQLAlchemy's own processor."""
    to_text = Punch.__table__.c.at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return _iso_microseconds if to_text(sample) == _iso_microseconds(sample) else to_text


def stored_punches(s: Session, staff_ids: Collection[int], first: datetime,
                   last: datetime) -> dict[int, set[datetime]]:
    """Staff id → the moments of their stored punches between first and last."""
    out: dict[int, set[datetime]] = {}
    if not staff_ids:
        return out
    ids = sorted(set(staff_ids))
    conn = s.connection()
    if conn.dialect.name == "sqlite" and _punch_text(conn, first) is _iso_microseconds:
        parse = datetime.fromisoformat  # 150,000 rows: SQLAlchemy's own parsing takes 1 s
        driver = conn.connection.driver_connection
        found = driver.execute(
            f"SELECT staff_id, at FROM attendance_punch WHERE staff_id IN ({','.join('?' * len(ids))})"
            " AND at BETWEEN ? AND ?", [*ids, _iso_microseconds(first), _iso_microseconds(last)])
        for sid, at in found:
            out.setdefault(sid, set()).add(parse(at))
        return out
    table = Punch.__table__
    for sid, at in conn.execute(select(table.c.staff_id, table.c.at).where(
            table.c.staff_id.in_(ids), table.c.at.between(first, last))):
        out.setdefault(sid, set()).add(at)
    return out


_INSERT_PUNCH = "INSERT OR IGNORE INTO attendance_punch (staff_id, at, import_id) "


def _insert_per_person(driver: sqlite3.Connection, by_staff: Mapping[int, Collection[datetime]],
                       to_text: Callable[[datetime], str], import_id: int | None) -> None:
    """One statement per person with their moments as a JSON array that SQLite unpacks
    itself (json_each): binding 150,000 rows one by one costs twice as much. Sorted per
    person, not in one call: one sorted() over 1.5 million rows holds the GIL for seconds
    and freezes the window; many small sorts let it breathe."""
    driver.executemany(
        _INSERT_PUNCH + "SELECT ?, value, ? FROM json_each(?)",
        ((sid, import_id, json.dumps([to_text(at) for at in sorted(by_staff[sid])]))
         for sid in sorted(by_staff)))


def _insert_per_row(driver: sqlite3.Connection, by_staff: Mapping[int, Collection[datetime]],
                    to_text: Callable[[datetime], str], import_id: int | None) -> None:
    driver.executemany(_INSERT_PUNCH + "VALUES (?, ?, ?)",
                       ((sid, to_text(at), import_id) for sid in sorted(by_staff)
                        for at in sorted(by_staff[sid])))


def insert_punches(s: Session, by_staff: Mapping[int, Collection[datetime]],
                   import_id: int | None) -> int:
    """Store each staff member's punches, skipping any already stored; how many were new.

    A township-year file is 150,000 punches. On SQLite they go straight to the driver as
    `INSERT OR IGNORE` in the key's order (staff, then moment: each row lands at the end
    of the B-tree, and the key does the skipping), with the moments written exactly as
    SQLAlchemy's DateTime writes them; elsewhere the stored ones are filtered out first
    and the rest inserted through Core.
    """
    by_staff = {sid: stamps for sid, stamps in by_staff.items() if stamps}
    if not by_staff:
        return 0
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        sample = next(iter(next(iter(by_staff.values()))))
        to_text = _punch_text(conn, sample)
        driver = conn.connection.driver_connection
        before = driver.total_changes
        try:
            _insert_per_person(driver, by_staff, to_text, import_id)
        except sqlite3.OperationalError as exc:  # an SQLite built without JSON
            if "json_each" not in str(exc):
                raise
            _insert_per_row(driver, by_staff, to_text, import_id)
        return driver.total_changes - before
    stamps = [at for moments in by_staff.values() for at in moments]
    stored = stored_punches(s, by_staff, min(stamps), max(stamps))
    new = [{"staff_id": sid, "at": at, "import_id": import_id}
           for sid, moments in by_staff.items() for at in set(moments) - stored.get(sid, set())]
    if new:
        conn.execute(Punch.__table__.insert(), new)
    return len(new)


def scored_counts(s: Session, assessment_id: int, assessor_ids: Collection[int],
                  item_codes: Collection[str]) -> dict[tuple[int, int], int]:
    """(subject id, assessor id) → how many of `item_codes` that assessor scored for it.

    Through the subject ids, like `scored_per_assessor`: SQLite counts from the unique
    (subject, assessor, item) index alone, never reading the score rows."""
    wanted = set(assessor_ids)
    codes = sorted(item_codes)
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        sql = ("SELECT subject_id, assessor_id, count(*) FROM score "
               "WHERE subject_id IN (SELECT id FROM subject WHERE assessment_id = ?) "
               f"AND item_code IN ({','.join('?' * len(codes))}) GROUP BY subject_id, assessor_id")
        rows = conn.connection.driver_connection.execute(sql, [assessment_id, *codes]).fetchall()
    else:
        rows = s.execute(
            select(Score.subject_id, Score.assessor_id, func.count())
            .where(Score.assessment_id == assessment_id, Score.item_code.in_(codes))
            .group_by(Score.subject_id, Score.assessor_id)).all()
    return {(sid, aid): n for sid, aid, n in rows if aid in wanted}


def scored_items(s: Session, assessment_id: int,
                 pairs: Collection[tuple[int, int]]) -> dict[int, dict[int, set[str]]]:
    """Subject id → assessor id → the item codes scored, for the (subject, assessor) pairs
    asked (those that fell short: their missing items are listed)."""
    out: dict[int, dict[int, set[str]]] = {}
    if not pairs:
        return out
    wanted = set(pairs)
    subjects = sorted({sid for sid, _ in wanted})
    for start in range(0, len(subjects), 500):  # bound the IN list
        rows = s.execute(select(Score.subject_id, Score.assessor_id, Score.item_code)
                         .where(Score.assessment_id == assessment_id,
                                Score.subject_id.in_(subjects[start:start + 500])))
        for sid, aid, code in rows:
            if (sid, aid) in wanted:
                out.setdefault(sid, {}).setdefault(aid, set()).add(code)
    return out


# Each item's mean over its assessors, rounded half up to cents, in SQLite alone. The
# values (at most 6 decimals, which the caller checks) are added as doubles, as the plain
# average the benchmark's floor computes does: for values below 10^3 a sum of even a few
# hundred carries an error far below half a millionth, so rounding the sum × 10^6 gives
# the exact sum in integer millionths (store/ranking_queries.py relies on the same);
# then cents = ⌊(200·Σ + D) / 2D⌋ with D = n·10^6 is the mean rounded half up (values
# ≥ 0) — `domain.numbers.round2` of the exact mean.
# The same SQL on PostgreSQL (DOUBLE PRECISION and BIGINT spelled out: there REAL is single
# precision and INTEGER 32 bits; integer division truncates on both).
_ITEM_CENTS = """
    SELECT subject_id, item_code, (200 * micro + n * 1000000) / (2 * n * 1000000), n
    FROM (SELECT subject_id, item_code, COUNT(*) AS n,
                 CAST(ROUND(SUM(CAST(value AS DOUBLE PRECISION)) * 1000000) AS BIGINT) AS micro
          FROM score WHERE assessment_id = ?
          GROUP BY subject_id, item_code) AS per_item
"""


def item_mean_cents(s: Session, assessment_id: int) -> list[tuple[int, str, int, int]] | None:
    """(subject id, item code, mean in cents rounded half up, how many scored it) for every
    scored item of a one-role assessment; None on a database other than SQLite and
    PostgreSQL (the caller averages)."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        return conn.connection.driver_connection.execute(_ITEM_CENTS, (assessment_id,)).fetchall()
    if conn.dialect.name == "postgresql":
        return [tuple(r) for r in conn.execute(text(_ITEM_CENTS.replace("?", ":aid")),
                                                {"aid": assessment_id})]
    return None


# The same per-item means, added up per subject and top-level section in SQL (a rubric
# whose parents only add: a section is the exact sum of its leaves' rounded means). The
# ranking table then touches one row per subject and section instead of one per leaf.
# Each item's section comes from a binary search over the sorted leaf codes written as
# nested CASEs (`_section_case`): about six comparisons per item where a flat CASE over
# 35 codes makes eighteen on average, and an exact match at the end, so codes that are
# no leaves of the rubric are left out, as the per-leaf path ignores them. Per section
# also how many of its leaves were scored exactly `everyone` times, from which the
# caller tells whether everyone scored everything. The cents are worked out in the
# inner query, so the outer one has two sums to keep per group.
_SECTION_CENTS = """
    SELECT subject_id, section, SUM(cents), SUM(CASE WHEN n = {everyone} THEN 1 ELSE 0 END)
    FROM (SELECT subject_id, {case} AS section, COUNT(*) AS n,
                 (200 * CAST(ROUND(SUM(CAST(value AS DOUBLE PRECISION)) * 1000000) AS BIGINT)
                  + COUNT(*) * 1000000) / (2 * COUNT(*) * 1000000) AS cents
          FROM score WHERE assessment_id = {aid}
          GROUP BY subject_id, item_code) AS per_item
    WHERE section IS NOT NULL
    GROUP BY subject_id, section
"""


def _section_case(codes: list[str], section_of: Mapping[str, int], column: str,
                  bind: Callable[[str], str]) -> str:
    """A CASE giving the section of `column`'s code, or NULL for a code not in
    `section_of`: a binary search over `codes` (sorted as the database compares them),
    each code bound through `bind`, never spliced into the SQL."""
    if len(codes) == 1:
        return f"CASE WHEN {column} = {bind(codes[0])} THEN {int(section_of[codes[0]])} END"
    middle = len(codes) // 2
    below = bind(codes[middle])  # bound first: placeholders are numbered in text order
    return (f"CASE WHEN {column} < {below} THEN {_section_case(codes[:middle], section_of, column, bind)}"
            f" ELSE {_section_case(codes[middle:], section_of, column, bind)} END")


# Where each section's leaves lie next to each other in the codes' sorted order (as
# numbered rubrics have them: 1.1 … 1.9, 2.1 …), an item's section is the number of
# section starts at or below its code — a comparison or two instead of the search
# above, a sixth of the query's time. Codes that are no leaves could then land in a
# section, so each group also lists its codes (joined by a control character no code
# has) and Python checks them against the section's leaves; any stranger and the
# caller takes the per-leaf path, which leaves it out.
_SECTION_RUNS = """
    SELECT subject_id, run, SUM(cents), SUM(CASE WHEN n = {everyone} THEN 1 ELSE 0 END),
           COUNT(*), {joined}
    FROM (SELECT subject_id, item_code, {run} AS run, COUNT(*) AS n,
                 (200 * CAST(ROUND(SUM(CAST(value AS DOUBLE PRECISION)) * 1000000) AS BIGINT)
                  + COUNT(*) * 1000000) / (2 * COUNT(*) * 1000000) AS cents
          FROM score WHERE assessment_id = {aid}
          GROUP BY subject_id, item_code) AS per_item
    GROUP BY subject_id, run
"""
_JOIN = "\x1f"  # the unit separator


def _runs(codes: list[str], section_of: Mapping[str, int]) -> list[list[str]] | None:
    """The sorted leaf codes cut where the section changes, when each section is one
    such run and no code holds the separator; None otherwise."""
    runs: list[list[str]] = []
    for code in codes:
        if runs and section_of[runs[-1][0]] == section_of[code]:
            runs[-1].append(code)
        else:
            runs.append([code])
    contiguous = len(runs) == len({section_of[run[0]] for run in runs})
    return runs if contiguous and not any(_JOIN in code for code in codes) else None


def _only_leaves(rows: list[tuple], runs: list[list[str]]) -> bool:
    """Whether every group's codes are leaves of its run (and as many as it counted)."""
    leaves = [frozenset(run) for run in runs]
    checked: dict[tuple[int, str], bool] = {}  # most subjects' groups list the same codes
    for _, run, _, _, count, joined in rows:
        ok = checked.get((run, joined))
        if ok is None:
            parts = joined.split(_JOIN)
            ok = checked[(run, joined)] = len(parts) == count and leaves[run].issuperset(parts)
        if not ok:
            return False
    return True


def section_mean_cents(s: Session, assessment_id: int, section_of: Mapping[str, int],
                       everyone: int | None = None) -> list[tuple[int, int, int, int]] | None:
    """(subject id, section, Σ of its leaves' means in cents rounded half up, how many of
    its leaves were scored exactly `everyone` times) per subject and section, for a
    one-role assessment; `section_of` maps each leaf code to its section's index. None
    on a database other than SQLite and PostgreSQL, or when codes that are no leaves
    were scored (the caller averages per leaf)."""
    conn = s.connection()
    if not section_of or conn.dialect.name not in ("sqlite", "postgresql"):
        return None
    sqlite = conn.dialect.name == "sqlite"
    # Python orders str by code point, which is the byte order of their UTF-8: SQLite's
    # BINARY collation and PostgreSQL's "C"
    codes = sorted(section_of)
    column = "item_code" if sqlite else 'item_code COLLATE "C"'
    params: list[object] = []

    def bind(value: object) -> str:
        params.append(value)
        return "?" if sqlite else f":p{len(params) - 1}"

    def run_sql(sql: str) -> list[tuple]:
        if sqlite:
            return conn.connection.driver_connection.execute(sql, params).fetchall()
        return [tuple(r) for r in conn.execute(text(sql), {f"p{n}": v for n, v in enumerate(params)})]

    everyone_sql = bind(-1 if everyone is None else everyone)
    runs = _runs(codes, section_of)
    if runs is None:
        case = _section_case(codes, section_of, column, bind)
        return run_sql(_SECTION_CENTS.format(case=case, everyone=everyone_sql, aid=bind(assessment_id)))
    joined = f"group_concat(item_code, {bind(_JOIN)})" if sqlite else f"string_agg(item_code, {bind(_JOIN)})"
    starts = [f"({column} >= {bind(run[0])})" if sqlite else
              f"CASE WHEN {column} >= {bind(run[0])} THEN 1 ELSE 0 END" for run in runs[1:]]
    rows = run_sql(_SECTION_RUNS.format(everyone=everyone_sql, joined=joined,
                                        run=" + ".join(starts) or "0", aid=bind(assessment_id)))
    if not _only_leaves(rows, runs):
        return None
    section = [section_of[run[0]] for run in runs]
    return [(sid, section[run], cents, by_everyone) for sid, run, cents, by_everyone, _, _ in rows]
