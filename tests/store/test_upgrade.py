"""Upgrading keeps the data: a database made by an older schema opens, is backed up,
migrates, and keeps every score; a failed migration restores the backup and says so.

The old databases are made the way an older program made them: Alembic upgrades a fresh
file only to an older revision, and the rows go in with plain sqlite3 at that schema.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from pathlib import Path

import chinese_calendar
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from kaohe_desktop.domain.service_measures import RECTIFY_DAYS
from kaohe_desktop.services import service_stats
from kaohe_desktop.services.database import open_db
from kaohe_desktop.store import db as db_module
from kaohe_desktop.store.db import SCHEMA_HEAD, MigrationFailed, current_revision, make_engine, open_database

pytestmark = pytest.mark.sqlite_only(
    "upgrades of SQLite files made by older versions, their file backups and restores")

# table → rows, in baseline (0001) columns; columns a revision does not have are left out.
ROWS: dict[str, list[dict[str, object]]] = {
    "area": [{"id": 1, "name": "芙蓉 街道", "kind": "街道"}],
    "rubric": [{"id": 1, "code": "OLD-2023", "version": 1, "name": "2023年社区便民服务站考核办法",
                "subject_kind": "unit", "definition": "{}", "builtin": 0}],
    "unit": [{"id": i, "code": f"FR0{i}", "name": f"第{i}社区便民服务站", "area_id": 1,
              "kind": "社区便民服务站", "phone": "", "address": "", "active": 1} for i in (1, 2, 3)],
    "staff": [{"id": 1, "code": "P001", "name": "王芳", "unit_id": 1, "post": "站长", "attendance_no": "7",
               "phone": "", "active": 1}],
    "assessment": [{"id": 1, "name": "2023年度考核", "rubric_id": 1, "period_kind": "year",
                    "period_start": "2023-01-01", "period_end": "2023-12-31", "state": "已提交",
                    "trimmed_mean": 0}],
    "assessment_role": [{"id": 1, "assessment_id": 1, "role": "上级", "weight": "0.8"},
                        {"id": 2, "assessment_id": 1, "role": "自评", "weight": "0.2"}],
    "assessor_group": [{"id": 1, "assessment_id": 1, "name": "第一组", "role": "上级"}],
    "assessor": [{"id": 1, "assessment_id": 1, "name": "张三", "role": "上级", "group_id": 1},
                 {"id": 2, "assessment_id": 1, "name": "李四", "role": "自评", "group_id": None}],
    "subject": [{"id": i, "assessment_id": 1, "unit_id": i, "staff_id": None} for i in (1, 2, 3)],
    "group_subject": [{"group_id": 1, "subject_id": i} for i in (1, 2, 3)],
    "event": [{"id": 1, "assessment_id": 1, "subject_id": 2, "section": "bonus", "rule_code": "B2",
               "amount": "3", "matter": "省级媒体报道", "note": "", "occurred_on": "2023-06-01",
               "evidence": ""}],
    "state_change": [{"id": 1, "assessment_id": 1, "from_state": "草稿", "to_state": "已提交",
                      "actor": "管理员", "reason": ""}],
}
ITEMS = ("1.1", "1.2.1", "1.2.2", "2.1", "3")
ROWS["score"] = [
    {"assessment_id": 1, "subject_id": s, "assessor_id": a, "item_code": item,
     "value": f"{10 + s + a / 4 + n / 100:.2f}", "remark": "说明" if n == 0 else ""}
    for s in (1, 2, 3) for a in (1, 2) for n, item in enumerate(ITEMS)
]
SCORE_QUERY = "SELECT assessment_id, subject_id, assessor_id, item_code, value, remark FROM score"


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(db_module.MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def older_revisions() -> list[str]:
    """Every revision before the head, newest first (the previous release's comes first)."""
    return [r.revision for r in _script().walk_revisions() if r.revision != SCHEMA_HEAD]


def make_old_database(path: Path, revision: str) -> set[tuple]:
    """A database at `revision` holding ROWS; returns its scores."""
    engine = make_engine(f"sqlite:///{path}")
    db_module.upgrade(engine, revision)
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        for table, rows in ROWS.items():
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            for row in rows:
                cols = [c for c in row if c in have]
                conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [row[c] for c in cols])
        conn.commit()
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(revision,)]
        return set(conn.execute(SCORE_QUERY))
    finally:
        conn.close()


def read(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def counts(path: Path) -> dict[str, int]:
    return {table: read(path, f"SELECT count(*) FROM {table}")[0][0] for table in ROWS}


def add_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, body: str) -> None:
    """Scripts as shipped plus one more revision on top, which becomes the head."""
    folder = tmp_path / "migrations"
    shutil.copytree(db_module.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{name}.py").write_text(
        f'"""Test revision."""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        f'revision = "{name}"\ndown_revision = "{SCHEMA_HEAD}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        f"def upgrade() -> None:\n{textwrap.indent(textwrap.dedent(body), '    ')}\n", encoding="utf-8")
    monkeypatch.setattr(db_module, "MIGRATIONS", folder)
    monkeypatch.setattr(db_module, "SCHEMA_HEAD", name)


def test_there_is_an_older_revision_to_upgrade_from():
    assert older_revisions()
    assert older_revisions()[-1] == "0001_baseline"


@pytest.mark.parametrize("revision", older_revisions())
def test_an_older_database_is_backed_up_migrated_and_keeps_every_score(tmp_path: Path, revision: str):
    path = tmp_path / "旧 版本" / "考核 数据.db"
    path.parent.mkdir()
    scores = make_old_database(path, revision)
    before = counts(path)
    assert len(scores) == 30

    db = open_database(path)
    assert current_revision(db.engine) == SCHEMA_HEAD
    db.close()

    assert set(read(path, SCORE_QUERY)) == scores
    assert counts(path) == before
    backups = list((path.parent / "backups").glob("考核 数据-*-before-migration.db"))
    assert len(backups) == 1
    assert read(backups[0], "SELECT version_num FROM alembic_version") == [(revision,)]
    assert set(read(backups[0], SCORE_QUERY)) == scores
    # Opening again: already current, so no second migration backup.
    open_database(path).close()
    assert len(list((path.parent / "backups").glob("*-before-migration.db"))) == 1


def test_a_failing_migration_restores_the_backup_and_says_so(tmp_path: Path, monkeypatch):
    path = tmp_path / "数据 库.db"
    scores = make_old_database(path, SCHEMA_HEAD)
    add_migration(tmp_path, monkeypatch, "9999_fails_half_way", """
        op.execute("DELETE FROM score")
        op.add_column("unit", sa.Column("extra", sa.Integer(), nullable=True))
        raise RuntimeError("升级脚本出错")
    """)
    with pytest.raises(MigrationFailed, match="已从备份") as failed:
        open_database(path)
    assert "升级脚本出错" in str(failed.value)
    assert str(failed.value.backup) in str(failed.value) and failed.value.backup.exists()
    assert set(read(path, SCORE_QUERY)) == scores
    assert read(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert "extra" not in {r[1] for r in read(path, "PRAGMA table_info(unit)")}


def test_damage_outside_the_migration_transaction_is_undone_by_the_restore(tmp_path: Path, monkeypatch):
    """SQLite's rollback cannot undo what another connection committed; the file copy can."""
    path = tmp_path / "k.db"
    scores = make_old_database(path, older_revisions()[0])
    real_upgrade = db_module.upgrade

    def upgrade_then_fail(engine, revision="head"):
        real_upgrade(engine, revision)
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM score")
        conn.commit()
        conn.close()
        raise OSError("磁盘已满")

    monkeypatch.setattr(db_module, "upgrade", upgrade_then_fail)
    with pytest.raises(MigrationFailed, match="磁盘已满"):
        open_database(path)
    assert set(read(path, SCORE_QUERY)) == scores
    assert read(path, "SELECT version_num FROM alembic_version") == [(older_revisions()[0],)]


def test_a_migration_that_rebuilds_a_parent_table_keeps_the_scores(tmp_path: Path, monkeypatch):
    path = tmp_path / "k.db"
    scores = make_old_database(path, SCHEMA_HEAD)
    add_migration(tmp_path, monkeypatch, "9999_rebuild_assessment", """
        with op.batch_alter_table("assessment", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    """)
    open_database(path).close()
    assert set(read(path, SCORE_QUERY)) == scores


def test_punches_keep_their_moments_and_find_their_import_in_0006(tmp_path: Path):
    """0006 moves punches into the WITHOUT ROWID table and swaps the file hash on each
    row for the import's number (none when the log does not have the file)."""
    path = tmp_path / "考勤 旧库.db"
    make_old_database(path, "0005_documents")
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO attendance_import (id, file_name, sha256, format, rows, added) "
                     "VALUES (4, '考勤.xlsx', ?, 'zkteco_log', 3, 3)", ("a" * 64,))
        conn.executemany("INSERT INTO attendance_punch (staff_id, at, source_sha) VALUES (1, ?, ?)",
                         [("2024-06-03 08:41:00.000000", "a" * 64),
                          ("2024-06-03 17:40:05.000000", "a" * 64),
                          ("2024-06-04 08:50:00.000000", "f" * 64)])
        conn.commit()
    finally:
        conn.close()
    open_database(path).close()
    assert read(path, "SELECT staff_id, at, import_id FROM attendance_punch ORDER BY at") == [
        (1, "2024-06-03 08:41:00.000000", 4), (1, "2024-06-03 17:40:05.000000", 4),
        (1, "2024-06-04 08:50:00.000000", None)]
    (ddl,) = read(path, "SELECT sql FROM sqlite_master WHERE name = 'attendance_punch'")[0]
    assert "WITHOUT ROWID" in ddl


# 0016: two 即办件 of 王芳 (P001) finished in June 2024, 150 + 30 minutes: 1.50 hours each
# on average; the monthly counts the 0015 program kept for them, and its digest.
INSTANT_REQUESTS = [
    {"no": "J1", "matter": "社保卡申领", "instant": 1, "limit_days": 0, "unit_id": 1, "staff_id": 1,
     "accepted_at": "2024-06-03 09:00:00.000000", "finished_at": "2024-06-03 11:30:00.000000",
     "status": "已办结", "accepted": 1},
    {"no": "J2", "matter": "社保卡申领", "instant": 1, "limit_days": 0, "unit_id": 1, "staff_id": 1,
     "accepted_at": "2024-06-04 08:30:00.000000", "finished_at": "2024-06-04 09:00:00.000000",
     "status": "已办结", "accepted": 1},
]
COUNTS_0015 = ("requests", "finished", "on_time", "days_sum", "days_n", "ratings", "satisfied",
               "level_sum", "bad", "bad_in_time", "visited", "complaints", "valid")
MONTHS_0015 = [{"id": i + 1, "kind": kind, "subject_id": 1, "year": 2024, "month": 6,
                **dict.fromkeys(COUNTS_0015, 0), "requests": 2, "finished": 2, "on_time": 2}
               for i, kind in enumerate(("person", "unit"))]


def digest_0015() -> str:
    """The 0015 program's digest of an empty calendar table (no counting version in it)."""
    return hashlib.sha256(f"{chinese_calendar.__version__}|{RECTIFY_DAYS}".encode()).hexdigest()


def test_0016_adds_the_即办件_minutes_and_the_counts_are_rebuilt_once(tmp_path: Path):
    path = tmp_path / "服务 旧库.db"
    make_old_database(path, "0015_service_metrics")
    conn = sqlite3.connect(path)
    try:
        for table, rows in (("service_request", INSTANT_REQUESTS), ("service_month", MONTHS_0015)):
            for r in rows:
                conn.execute(f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' * len(r))})",
                             list(r.values()))
        conn.execute("INSERT INTO service_month_state (id, digest) VALUES (1, ?)", (digest_0015(),))
        conn.commit()
    finally:
        conn.close()
    open_database(path).close()
    # migrated: the old counts kept, the new ones 0 (not null), the old digest still there
    assert read(path, "SELECT kind, requests, finished, instant_minutes, instant_n FROM service_month "
                      "ORDER BY kind") == [("person", 2, 2, 0, 0), ("unit", 2, 2, 0, 0)]
    assert read(path, "SELECT digest FROM service_month_state") == [(digest_0015(),)]
    db = open_db(path)
    try:
        (m,) = [m for m in service_stats.measures(db, "2024-06") if m.code == "P001"]
        assert (m.tally.instant_minutes, m.tally.instant_n, m.avg_hours) == (180, 2, 1.5)
        assert (m.tally.requests, m.tally.finished, m.tally.on_time) == (2, 2, 2)
    finally:
        db.close()
    assert read(path, "SELECT kind, instant_minutes, instant_n FROM service_month ORDER BY kind") == [
        ("person", 180, 2), ("unit", 180, 2)]
    assert read(path, "SELECT digest FROM service_month_state") != [(digest_0015(),)]
