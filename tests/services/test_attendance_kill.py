"""An attendance import killed with SIGKILL leaves the punches and the points they give,
or neither (a real child process, a real SQLite file); importing the same file again
repairs points an older version left behind."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from backends import param, raw_connect, where
from test_attendance_service import PEOPLE, log_file

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, attendance, roster
from kaohe_desktop.services.assessments import GroupSpec

CHILD = textwrap.dedent("""
    import json, sys, time
    from kaohe_desktop.io.attendance.records import ParsedAttendance, Punch
    from kaohe_desktop.services import attendance
    from kaohe_desktop.services.database import open_db
    from datetime import datetime
    db = open_db(sys.argv[1])
    punches = [Punch(p[0], p[1], datetime.fromisoformat(p[2]), p[3]) for p in json.loads(sys.argv[2])]
    parsed = ParsedAttendance("1_attlog.dat", "zkteco_attlog", punches, [], [])
    stop = int(sys.argv[3])
    def progress(done, total):
        print(f"step {done}", flush=True)
        if done == stop:
            time.sleep(120)   # killed here
    attendance.commit_import(db, attendance.preview_parsed(db, parsed, "k" * 64), progress=progress)
    print("done", flush=True)
""")


def _counts(path: Path | str) -> tuple[int, int]:
    conn = raw_connect(path)
    try:
        punches = conn.execute("SELECT count(*) FROM attendance_punch").fetchone()[0]
        points = conn.execute("SELECT count(*) FROM score JOIN assessor ON assessor.id = score.assessor_id"
                              " WHERE assessor.name = '考勤系统'").fetchone()[0]
        if isinstance(conn, sqlite3.Connection):
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return punches, points
    finally:
        conn.close()


@pytest.fixture
def june(db):
    roster.add_unit(db, "红岭村便民服务室", code="U1", area="红岭镇", kind="村便民服务室")
    for n, (pid, name) in enumerate(PEOPLE, 1):
        roster.add_staff(db, name, "U1", code=f"S{n:02d}", attendance_no=pid)
    assessments.create_assessment(db, "VILLAGE-ATT", parse_period("2024-06"),
                                  subjects="staff", groups=[GroupSpec("考核组", "上级")])
    return db


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("stop", [1, 2, 3])
def test_a_kill_between_any_two_steps_leaves_neither(june, stop: int):
    db = june
    path = where(db)
    db.close()
    parsed = log_file()
    payload = json.dumps([(p.person_id, p.name, p.at.isoformat(), p.source) for p in parsed.punches])
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), payload, str(stop)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    while (line := child.stdout.readline().strip()) != f"step {stop}":
        assert line, "the import ended before the chosen step"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _counts(path) == (0, 0)  # nothing half-done: no punches without their points

    done = subprocess.run([sys.executable, "-c", CHILD, str(path), payload, "99"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    punches, points = _counts(path)
    assert punches == len(parsed.punches) and points == len(PEOPLE)


def test_importing_again_repairs_points_left_behind(june):
    db = june
    parsed = log_file()
    attendance.commit_import(db, attendance.preview_parsed(db, parsed, "a" * 64))
    conn = raw_connect(db)  # what the old two-transaction import could leave
    conn.execute("DELETE FROM score")
    conn.commit()
    conn.close()
    assert _counts(where(db))[1] == 0
    again = attendance.commit_import(db, attendance.preview_parsed(db, parsed, "a" * 64))
    assert again.punches_added == 0 and again.scores.updated
    assert _counts(where(db)) == (len(parsed.punches), len(PEOPLE))


def test_a_rule_or_leave_edit_and_its_points_are_one_transaction(june, monkeypatch):
    db = june
    parsed = log_file()
    attendance.commit_import(db, attendance.preview_parsed(db, parsed, "a" * 64))
    before = _counts(where(db))
    from kaohe_desktop.services import attendance_points

    def crash(s, assessment_id):  # the points step fails after the edit was made
        raise RuntimeError("断电")

    monkeypatch.setattr(attendance_points, "apply_in", crash)
    day = parsed.punches[0].at.date()
    rule = next(r for r in attendance.attendance_rule_items(db) if r.rubric_code == "VILLAGE-ATT")
    edits = [lambda: attendance.add_leave(db, "S01", day, "事假"),
             lambda: attendance.set_calendar_day(db, day, False, "调休"),
             lambda: attendance.set_leave_type(db, "婚假", True),
             lambda: attendance.set_points_rule(db, "VILLAGE-ATT", rule.item_code, rule.rule)]
    for edit in edits:
        with pytest.raises(RuntimeError):
            edit()
    monkeypatch.undo()
    assert attendance.list_leave(db, "2024-06") == []
    assert attendance.calendar_overrides(db, "2024-06") == []
    assert "婚假" not in attendance.leave_types(db)
    assert _counts(where(db)) == before


def test_submitting_recomputes_points_left_stale(june):
    db = june
    parsed = log_file()
    attendance.commit_import(db, attendance.preview_parsed(db, parsed, "a" * 64))
    conn = raw_connect(db)  # a value changed behind the program's back
    right = conn.execute("SELECT id, value FROM score ORDER BY id").fetchone()
    conn.execute(f"UPDATE score SET value = '0' WHERE id = {param()}", (right[0],))
    conn.commit()
    conn.close()
    aid = assessments.list_assessments(db)[0].id
    # the 考核组 has not scored yet, so the submit is refused — after the points were redone
    with pytest.raises(InputError, match="未评完"):
        assessments.change_state(db, aid, "submit", actor="录入员")
    conn = raw_connect(db)
    try:
        assert conn.execute(f"SELECT value FROM score WHERE id = {param()}",
                            (right[0],)).fetchone()[0] == right[1]
    finally:
        conn.close()
