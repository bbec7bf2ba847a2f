"""Every fixture export, end to end: read (io.attendance) → match → commit → monthly
summary, against the per-person counts of the fixtures' expected.json (09:00–17:30,
5 minutes' grace on arrival, the June 2024 calendar with 端午 on the 10th).

Staff are on the roster with 工号 = their empno and 考勤号 = the id the file uses, as an
office keeping that system would have them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe_desktop.services import attendance, roster
from kaohe_desktop.services.database import open_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = next((p for p in (ROOT / "tests" / "fixtures" / "attendance",
                             ROOT.parent / "shared" / "fixtures" / "attendance")
                 if (p / "expected.json").is_file()), None)
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")) if FIXTURES else {}
ENTRIES = sorted(EXPECTED.get("fixtures", {}))

pytestmark = pytest.mark.skipif(FIXTURES is None, reason="attendance fixtures not present")


def id_field(spec: dict) -> str:
    """Which of the people's ids (empno, userid, account, pin) the file's id column holds."""
    keys = set(spec["expected"])
    return next(f for f in ("empno", "userid", "account", "pin")
                if {str(p[f]) for p in EXPECTED["people"]} == keys)


def the_file(entry: str, tmp_path: Path) -> Path:
    """The fixture file; for `a.xlsx#sheet`, a copy holding only that sheet."""
    name, _, sheet = entry.partition("#")
    if not sheet:
        return FIXTURES / name
    wb = load_workbook(FIXTURES / name)
    for other in [ws for ws in wb.worksheets if ws.title != sheet]:
        wb.remove(other)
    path = tmp_path / f"{sheet}_{name}"
    wb.save(path)
    return path


@pytest.mark.parametrize("entry", ENTRIES)
def test_each_export_counts_as_expected(entry, tmp_path):
    spec = EXPECTED["fixtures"][entry]
    field = id_field(spec)
    db = open_db(tmp_path / "kaohe.db")
    try:
        roster.add_unit(db, "便民服务中心", code="U1")
        code_of = {}
        for p in EXPECTED["people"]:
            roster.add_staff(db, p["name"], "U1", code=p["empno"], attendance_no=str(p[field]))
            code_of[str(p[field])] = p["empno"]
        preview = attendance.preview_import(db, the_file(entry, tmp_path))
        assert not preview.problems, [p.line() for p in preview.problems]
        assert {(p.status, p.matched_by) for p in preview.people} == {("matched", "考勤号")}
        assert {p.name for p in preview.people} <= {p["name"] for p in EXPECTED["people"]} | {""}
        attendance.commit_import(db, preview)
        rows = {r.staff_code: r for r in attendance.monthly_summary(db, "2024-06")}
        assert {r.workdays for r in rows.values()} == {len(EXPECTED["calendar"]["workdays"])}
        got = {key: (rows[code_of[key]].late, rows[code_of[key]].early,
                     rows[code_of[key]].absent_days, rows[code_of[key]].missing)
               for key in spec["expected"]}
        want = {key: (e["late"], e["early_leave"], e["absent_days"], e["missing_punches"])
                for key, e in spec["expected"].items()}
        assert got == want
        again = attendance.commit_import(db, attendance.preview_import(db, the_file(entry, tmp_path)))
        assert (again.punches_added, again.days_saved, again.leave_saved) == (0, 0, 0)
        if spec["leave_info_in_file"]:
            return
        for leave in EXPECTED["leave_calendar"]:
            person = next(p for p in EXPECTED["people"] if p["key"] == leave["person_key"])
            attendance.add_leave(db, person["empno"], date.fromisoformat(leave["date"]),
                                 leave["type"])
        rows = {r.staff_code: r for r in attendance.monthly_summary(db, "2024-06")}
        assert {key: rows[code_of[key]].absent_days for key in spec["expected"]} == {
            key: e["absent_days_if_leave_calendar_applied"] for key, e in spec["expected"].items()}
    finally:
        db.close()
