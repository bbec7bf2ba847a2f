"""Two programs at once and what a killed one leaves (real processes, real files).

- a second writer that waits out the busy timeout gets a Chinese message, exit 2, and
  nothing written — never `database is locked`;
- a temporary file of an export killed with SIGKILL is removed by the next export to
  that folder; one of a running export is left alone;
- the database runs synchronous=FULL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaohe_desktop.io.safe_write import remove_leftovers, safe_write
from kaohe_desktop.store.db import open_database

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork semantics")


def run_kaohe(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.sqlite_only("SQLite's synchronous=FULL")
def test_synchronous_full(tmp_path: Path):
    db = open_database(tmp_path / "k.db")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.close()


@posix_only
@pytest.mark.sqlite_only("SQLite's file lock and busy timeout")
def test_a_second_writer_gets_a_chinese_message_not_database_is_locked(tmp_path: Path):
    path = tmp_path / "k.db"
    assert run_kaohe(path, "unit", "add", "第一站", "--code", "U01").returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"UPDATE unit SET name = '改名' WHERE code = 'U01'\")\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
        "c.execute('ROLLBACK')\n"), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        done = run_kaohe(path, "unit", "add", "第二站", "--code", "U02")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2, done.stderr
    assert "正被另一个程序" in done.stderr and "locked" not in done.stderr
    assert "Traceback" not in done.stderr
    assert waited >= 4.5  # it did wait for the other writer first
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT code FROM unit")] == ["U01"]
    conn.close()
    # once the other program is done, the same command goes through
    assert run_kaohe(path, "unit", "add", "第二站", "--code", "U02").returncode == 0


@posix_only
def test_a_killed_exports_temporary_file_is_removed_by_the_next_export(tmp_path: Path):
    out = tmp_path / "U盘"
    out.mkdir()
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from kaohe_desktop.io.safe_write import safe_write\n"
        "def produce(tmp):\n"
        "    tmp.write_bytes(b'x' * 100000)\n"
        "    print(tmp, flush=True)\n"
        "    time.sleep(60)\n"
        "safe_write(Path(sys.argv[1]) / '名册.xlsx', produce)\n"), str(out)],
        stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    tmp = Path(child.stdout.readline().strip())
    assert tmp.exists() and tmp.parent == out
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert tmp.exists()  # what a kill leaves behind

    # a temporary file of an export still running (this process) is not touched
    mine = out / f".另一份.{os.getpid()}.tmp.pdf"
    mine.write_bytes(b"%PDF")
    db = tmp_path / "k.db"
    assert run_kaohe(db, "unit", "add", "第一站", "--code", "U01").returncode == 0
    done = run_kaohe(db, "unit", "export", str(out / "单位.xlsx"))
    assert done.returncode == 0, done.stderr
    assert not tmp.exists() and mine.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([mine.name, "单位.xlsx"])


def test_remove_leftovers_keeps_other_files(tmp_path: Path):
    keep = [tmp_path / "a.tmp.xlsx", tmp_path / ".hidden", tmp_path / "报告.pdf"]
    for p in keep:
        p.write_bytes(b"1")
    assert remove_leftovers(tmp_path) == []
    safe_write(tmp_path / "x.pdf", lambda t: t.write_bytes(b"%PDF-1.4\n%%EOF\n"))
    assert all(p.exists() for p in keep)
