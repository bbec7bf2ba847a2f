"""概览: the start-up glance (sqlite3 on the file) and the page's read (the open engine)
run the same statements and must agree."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from kaohe_desktop.services import overview as overview_service
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.services.roster import set_unit_active


@pytest.mark.sqlite_only("the start-up glance reads the SQLite file itself")
def test_glance_and_overview_agree_on_the_demo(db):
    load_demo(db)
    set_unit_active(db, "FR01", False)
    db_view = overview_service.overview(db)
    assert db_view == overview_service.glance(db.path)
    assert (db_view.units, db_view.staff, db_view.assessments) == (11, 60, 5)
    first = db_view.recent[0]
    assert (first.period_label, first.rubric_code, first.subjects, first.state_name) == (
        "2024年度", "CY2019", 12, "草稿")
    assert [a.id for a in db_view.recent] == sorted(a.id for a in db_view.recent)


@pytest.mark.sqlite_only("the start-up glance reads the SQLite file itself")
def test_glance_shows_only_the_latest_ten_oldest_first(db):
    load_demo(db)
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services.assessments import create_assessment

    for month in range(1, 10):
        create_assessment(db, "VILLAGE-ATT", parse_period(f"2025-{month:02d}"))
    view = overview_service.glance(db.path)
    assert view.assessments == 14
    assert [a.id for a in view.recent] == list(range(5, 15))


def test_glance_declines_what_it_cannot_trust(tmp_path, db):
    assert overview_service.glance(tmp_path / "missing.db") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert overview_service.glance(tmp_path / "empty.db") is None
    (tmp_path / "text.db").write_text("这不是数据库", encoding="utf-8")
    assert overview_service.glance(tmp_path / "text.db") is None
    assert overview_service.glance("postgresql://host/kaohe") is None
    # an older schema is migrated before anything is shown
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0004_older')")
    assert overview_service.glance(old) is None


def test_glance_reads_a_path_with_chinese_and_spaces(tmp_path):
    from kaohe_desktop.services.database import open_db

    target = tmp_path / "街道 考核" / "数据 库.db"
    db = open_db(target)
    try:
        load_demo(db)
    finally:
        db.close()
    assert overview_service.glance(target).units == 12


def test_glance_does_not_load_sqlalchemy(tmp_path):
    code = ("import sys; from kaohe_desktop.services.overview import glance; "
            f"glance({str(tmp_path / 'x.db')!r}); print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
