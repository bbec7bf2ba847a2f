"""Opening, migrating and backing up the database (real SQLite files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kaohe_desktop.store.db import (
    KEEP_BACKUPS,
    SCHEMA_HEAD,
    MigrationFailed,
    backup_sqlite,
    current_revision,
    head_revision,
    open_database,
)
from kaohe_desktop.store.models import Base


@pytest.mark.sqlite_only("a new SQLite file and its WAL")
def test_new_database_is_created_at_the_newest_schema(tmp_path: Path):
    db = open_database(tmp_path / "sub dir 中文" / "k.db")
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        fk = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert (fk, journal, timeout) == (1, "wal", 5000)
    assert not (tmp_path / "sub dir 中文" / "backups").exists()  # nothing to back up yet
    db.close()


def test_models_match_the_migrations(db_target):
    db = open_database(db_target)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.close()
    assert diff == []


@pytest.mark.sqlite_only("the daily file copy of a SQLite database")
def test_daily_backup_once_per_day(tmp_path: Path):
    path = tmp_path / "k.db"
    open_database(path).close()
    open_database(path).close()
    open_database(path).close()
    backups = list((tmp_path / "backups").glob("k-*-daily.db"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    conn.close()


@pytest.mark.sqlite_only("the file copy before a migration")
def test_backup_before_migration_and_restore_when_it_fails(tmp_path: Path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    # An "older" database: it has a table the baseline also creates, so the upgrade fails.
    conn.execute("CREATE TABLE area (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO area (name) VALUES ('旧数据')")
    conn.commit()
    conn.close()
    with pytest.raises(MigrationFailed, match="已从备份"):
        open_database(path)
    assert list((tmp_path / "backups").glob("old-*-before-migration.db"))
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM area").fetchall() == [("旧数据",)]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"area"}  # restored exactly, nothing half-migrated


@pytest.mark.sqlite_only("the kept file copies of a SQLite database")
def test_only_the_newest_backups_are_kept(tmp_path: Path):
    path = tmp_path / "k.db"
    open_database(path).close()
    for _ in range(KEEP_BACKUPS + 5):
        backup_sqlite(path, "test")
    assert len(list((tmp_path / "backups").glob("k-*.db"))) == KEEP_BACKUPS


def test_the_head_constant_matches_the_migration_scripts():
    assert head_revision() == SCHEMA_HEAD
