"""`kaohe scores set … --seen-version N` (issue 18 §1): a value saved meanwhile by another
PC is not overwritten — exit 2, the other's value in Chinese, nothing written."""

from __future__ import annotations

from backends import raw_connect


def test_a_save_from_an_older_version_exits_2_naming_the_other_value(kaohe, small, snapshot):
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "15", "--assessor", "张三")
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三", "--seen-version", "1")
    before = snapshot()
    r = kaohe("scores", "set", small.id, "FR01", "1.1", "12", "--assessor", "张三", "--seen-version", "1")
    assert r.code == 2 and "Traceback" not in r.err
    assert "已被另一处修改为 18" in r.err and "第 2 版" in r.err and "未保存" in r.err
    assert snapshot() == before
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "12", "--assessor", "张三", "--seen-version", "2")
    r = kaohe("scores", "set", small.id, "FR02", "1.1", "9", "--assessor", "张三", "--seen-version", "3")
    assert r.code == 2 and "已被清除" in r.err  # nothing stored there at all


def test_two_processes_changing_one_value_from_the_same_version_one_wins(kaohe, small, db_path):
    """Two real `kaohe` processes, started together, both change FR01 1.1 from version 1:
    one is saved, the other exits 2 (the other's value, or busy) — neither is lost silently."""
    import os
    import subprocess
    import sys

    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "15", "--assessor", "张三")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = {value: subprocess.Popen(
        [sys.executable, "-m", "kaohe_desktop", "--db", str(db_path), "scores", "set", str(small.id),
         "FR01", "1.1", value, "--assessor", "张三", "--seen-version", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for value in ("18", "12")}
    done = {value: (p.wait(timeout=120), p.stderr.read() if p.stderr else "") for value, p in procs.items()}
    codes = sorted(code for code, _ in done.values())
    assert codes == [0, 2], done
    winner = next(v for v, (code, _) in done.items() if code == 0)
    loser_err = next(err for code, err in done.values() if code == 2)
    assert f"已被另一处修改为 {winner}" in loser_err or "正被另一个程序" in loser_err, loser_err
    con = raw_connect(db_path)
    try:
        stored = con.execute("SELECT value, version FROM score WHERE item_code = '1.1'").fetchall()
    finally:
        con.close()
    assert [(str(v), n) for v, n in stored] == [(winner, 2)]
