"""The attendance tables: punches written in bulk straight to the driver must read back
through the ORM exactly, skip what is stored, and roll back with the session."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kaohe_desktop.store.db import open_database
from kaohe_desktop.store.models import Punch, Staff
from kaohe_desktop.store.queries import insert_punches, stored_punches

MOMENTS = [datetime(2024, 6, 3, 8, 41), datetime(2024, 6, 3, 8, 42, 5),
           datetime(2024, 6, 3, 17, 30, 0, 250000), datetime(2024, 6, 4, 9, 0)]


@pytest.fixture
def db(db_target):
    database = open_database(db_target)
    with database.session() as s:
        s.add_all([Staff(code="S1", name="甲"), Staff(code="S2", name="乙")])
    yield database
    database.close()


def test_bulk_punches_read_back_through_the_orm(db):
    with db.session() as s:
        assert insert_punches(s, {1: MOMENTS, 2: MOMENTS[:1]}, None) == 5
        assert insert_punches(s, {1: MOMENTS[:2], 2: MOMENTS[:2]}, None) == 1
    with db.session() as s:
        back = s.execute(select(Punch.staff_id, Punch.at).where(
            Punch.at >= datetime(2024, 6, 3), Punch.at < datetime(2024, 6, 4))
            .order_by(Punch.staff_id, Punch.at)).all()
        assert back == [(1, MOMENTS[0]), (1, MOMENTS[1]), (1, MOMENTS[2]), (2, MOMENTS[0]),
                        (2, MOMENTS[1])]
        assert stored_punches(s, {1}, MOMENTS[1], MOMENTS[2]) == {1: {MOMENTS[1], MOMENTS[2]}}
        assert stored_punches(s, set(), MOMENTS[0], MOMENTS[-1]) == {}
    with pytest.raises(IntegrityError), db.session() as s:  # the ORM meets the same index
        s.add(Punch(staff_id=1, at=MOMENTS[0]))


def test_bulk_punches_roll_back_with_the_session(db):
    with db.session() as s:
        s.info["dry_run"] = True
        assert insert_punches(s, {1: MOMENTS}, None) == 4
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Punch)) == 0
    with pytest.raises(RuntimeError), db.session() as s:
        insert_punches(s, {1: MOMENTS}, None)
        raise RuntimeError("cancelled")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Punch)) == 0


def test_both_ways_of_writing_punches_store_the_same_rows(tmp_path: Path):
    """The JSON path (json_each) and the row-by-row fallback for an SQLite without JSON."""
    import sqlite3

    from kaohe_desktop.store import queries

    by_staff = {2: set(MOMENTS), 1: {MOMENTS[3], MOMENTS[0]}}
    stored = []
    for insert in (queries._insert_per_person, queries._insert_per_row):
        db = open_database(tmp_path / f"{insert.__name__}.db")
        with db.session() as s:
            s.add_all([Staff(code="S1", name="甲"), Staff(code="S2", name="乙")])
        with db.session() as s:
            driver = s.connection().connection.driver_connection
            insert(driver, by_staff, queries._iso_microseconds, None)
            insert(driver, by_staff, queries._iso_microseconds, None)  # the key skips repeats
        db.close()
        conn = sqlite3.connect(tmp_path / f"{insert.__name__}.db")
        stored.append(conn.execute("SELECT staff_id, at, import_id FROM attendance_punch").fetchall())
        conn.close()
    assert stored[0] == stored[1] and len(stored[0]) == 6
    assert stored[0][0] == (1, "2024-06-03 08:41:00.000000", None)
