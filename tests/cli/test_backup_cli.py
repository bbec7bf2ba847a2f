"""A damaged database is refused at open with the restore command; backups are checked
before they are kept; `kaohe backup list|restore` (real SQLite files, damaged on disk)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kaohe_desktop.services.backup import list_backups, restore_backup
from kaohe_desktop.store import db as store_db
from kaohe_desktop.store.db import KEEP_BACKUPS, BackupDamaged, backup_sqlite, kept_backups

Kaohe = Any  # tests/cli/conftest.py Kaohe (the fixture)




def _units(kaohe: Kaohe, n: int = 3) -> None:
    for i in range(1, n + 1):
        kaohe.ok("unit", "add", f"第{i}站", "--code", f"U{i:02d}", "--area", "芙蓉街道")


def damage(path: Path, first_page: int = 2, pages: int = 3) -> None:
    """Overwrite whole pages in the middle of the file, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(page * (first_page - 1))
        fh.write(b"\x5a" * page * pages)


@pytest.mark.sqlite_only("a damaged SQLite file and its file backups")
def test_damaged_database_is_refused_naming_the_backup_and_restored(kaohe: Kaohe, db_path: Path):
    _units(kaohe)
    good = backup_sqlite(db_path, "manual")
    kaohe.ok("unit", "add", "后加的站", "--code", "U09")
    damage(db_path)
    before, kept = db_path.read_bytes(), kept_backups(db_path)
    r = kaohe("unit", "add", "第四站", "--code", "U04")
    assert r.code == 2
    assert "数据库文件已损坏" in r.err and good.name in r.err and "kaohe backup restore" in r.err
    assert "Traceback" not in r.err
    assert db_path.read_bytes() == before  # nothing written, not even a daily backup
    assert kept_backups(db_path) == kept

    listed = kaohe.json("backup", "list")
    assert listed[0]["file"] == good.name and listed[0]["ok"] and listed[0]["units"] == 3
    r = kaohe.ok("backup", "restore", good.name)
    assert "原文件已损坏" in r.out
    assert [u["code"] for u in kaohe.json("unit", "list")] == ["U01", "U02", "U03"]
    # the damaged file is kept aside, outside the kept set
    assert list((db_path.parent / "backups" / "damaged").glob("*-before-restore.db"))
    assert kept_backups(db_path) == kept


@pytest.mark.sqlite_only("restoring a SQLite file copy over the file or into a new file")
def test_restore_over_a_good_file_backs_it_up_first_and_into_a_new_file(kaohe: Kaohe, db_path: Path):
    _units(kaohe, 2)
    backup_sqlite(db_path, "manual")
    kaohe.ok("unit", "add", "第三站", "--code", "U03")
    r = kaohe.ok("backup", "restore", "1")
    assert "恢复前的数据库已备份为" in r.out
    assert len(kaohe.json("unit", "list")) == 2
    newest = list_backups(db_path)[0]
    assert newest.reason == "before-restore" and newest.ok and newest.units == 3
    # into a new file: the current database is unchanged; an existing file is never overwritten
    other = db_path.parent / "副本.db"
    kaohe.ok("backup", "restore", newest.path.name, "--to", str(other))
    assert len(kaohe.json("unit", "list")) == 2
    assert len(kaohe.json("unit", "list", "--db", str(other))) == 3
    r = kaohe("backup", "restore", "1", "--to", str(other))
    assert r.code == 2 and "已存在" in r.err
    assert kaohe("backup", "restore", "no-such.db").code == 2


def test_a_damaged_copy_is_not_kept_and_never_pushes_good_ones_out(tmp_path: Path, monkeypatch):
    from kaohe_desktop.store.db import open_database

    path = tmp_path / "k.db"
    open_database(path).close()
    good = [backup_sqlite(path, "good") for _ in range(KEEP_BACKUPS)]
    real = store_db.integrity_problem
    monkeypatch.setattr(store_db, "integrity_problem", lambda conn, full=True: "page 3 corrupt")
    for _ in range(5):
        with pytest.raises(BackupDamaged):
            backup_sqlite(path, "bad")
    monkeypatch.setattr(store_db, "integrity_problem", real)
    assert kept_backups(path) == good
    assert len(list((tmp_path / "backups" / "damaged").glob("*-bad.db"))) == 5
    assert not list((tmp_path / "backups").glob(".*partial"))


@pytest.mark.sqlite_only("a damaged SQLite backup file")
def test_a_damaged_backup_is_listed_as_such_and_not_offered(kaohe: Kaohe, db_path: Path):
    _units(kaohe, 2)
    older = backup_sqlite(db_path, "manual")
    newer = backup_sqlite(db_path, "manual")
    damage(newer)
    found = {b.path.name: b for b in list_backups(db_path)}
    assert not found[newer.name].ok and found[older.name].ok
    damage(db_path)
    r = kaohe("unit", "list")
    assert r.code == 2 and older.name in r.err and newer.name not in r.err
    r = kaohe("backup", "restore", newer.name)
    assert r.code == 2 and "已损坏" in r.err
    with pytest.raises(Exception, match="已损坏"):
        restore_backup(db_path, newer)


def test_a_portable_backup_restores_every_row_on_either_database(kaohe: Kaohe, small, db_path,
                                                                 tmp_path: Path, snapshot):
    """`kaohe backup create --out` → changes → `kaohe backup restore FILE`: every table as it
    was (the audit chain too, so `audit verify` holds), ids go on after the restored ones."""
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三")
    out = tmp_path / "U盘" / "考核备份.zip"
    out.parent.mkdir()
    made = kaohe.json("backup", "create", "--out", out)
    assert made["path"] == str(out) and made["counts"]["score"] == 1 and out.is_file()
    before = snapshot()
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "19", "--assessor", "张三")
    kaohe.ok("unit", "add", "新建站", "--code", "FR09", "--area", "芙蓉街道")
    assert snapshot() != before
    done = kaohe.json("backup", "restore", out)
    assert done["backup"] == str(out) and Path(done["kept_copy"]).is_file()
    assert snapshot() == before
    assert kaohe.ok("audit", "verify").code == 0
    kaohe.ok("unit", "add", "新建站", "--code", "FR09", "--area", "芙蓉街道")  # the next id is free
    # a damaged dump is refused whole, naming the member; nothing changes
    damaged = tmp_path / "坏备份.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            altered = item.filename == "tables/unit.jsonl"
            dst.writestr(item, data.replace(b"FR01", b"FR77") if altered else data)
    now = snapshot()
    r = kaohe("backup", "restore", damaged)
    assert r.code == 2 and "tables/unit.jsonl" in r.err and "未恢复" in r.err
    assert snapshot() == now
