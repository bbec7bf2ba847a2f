"""`kaohe attendance …` in-process on real SQLite files and the fixtures' real exports.

Until cli.py wires the commands in, `build_parser` is extended here with
`add_attendance_commands` exactly as cli.py will do it, and `cli.main` runs as usual
(exit codes, one line per problem on stderr).
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest

from kaohe_desktop import cli
from kaohe_desktop.cli.attendance import SUMMARY_KEYS, add_attendance_commands
from kaohe_desktop.io.attendance.records import ParsedAttendance, Punch
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import open_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = next((p for p in (ROOT / "tests" / "fixtures" / "attendance",
                             ROOT.parent / "shared" / "fixtures" / "attendance")
                 if (p / "expected.json").is_file()), None)
needs_fixtures = pytest.mark.skipif(FIXTURES is None, reason="attendance fixtures not present")
PEOPLE = [("0101", "周建国"), ("0102", "吴晓燕"), ("0103", "郑海"), ("0104", "买买提·艾力"),
          ("0105", "欧阳秀英"), ("0106", "冯玥")]
EXPECTED = {"0101": (1, 0, 0, 0), "0102": (0, 1, 0, 1), "0103": (0, 0, 1, 0),
            "0104": (1, 1, 0, 1), "0105": (0, 0, 1, 0), "0106": (2, 0, 0, 0)}


def _extended_parser() -> argparse.ArgumentParser:
    parser = _original_build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "attendance" not in sub.choices:  # not wired into cli.py yet
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--db", default=argparse.SUPPRESS)
        common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

        def add(parent, name, func, help_text):
            sp = parent.add_parser(name, help=help_text, parents=[common])
            sp.set_defaults(func=func)
            return sp

        add_attendance_commands(sub, add)
    return parser


_original_build_parser = cli.build_parser


@pytest.fixture(autouse=True)
def _wired(monkeypatch):
    monkeypatch.setattr(cli, "build_parser", _extended_parser)


@pytest.fixture
def office(kaohe):
    """One village room with the fixtures' six people; 工号 = 考勤号 = their empno."""
    kaohe.ok("unit", "add", "红岭村便民服务室", "--code", "U1", "--area", "红岭镇")
    kaohe.ok("unit", "add", "青山村便民服务室", "--code", "U2", "--area", "红岭镇")
    for pid, name in PEOPLE:
        kaohe.ok("staff", "add", name, "--unit", "U1", "--code", pid, "--attendance-no", pid)
    return kaohe


def summary(kaohe, month="2024-06") -> dict[str, tuple]:
    rows = kaohe.json("attendance", "summary", "--month", month)
    return {r["staff_code"]: (r["late"], r["early"], r["absent_days"], r["missing"]) for r in rows}


def fixture(tmp_path: Path, name: str) -> Path:
    assert FIXTURES is not None
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


@needs_fixtures
@pytest.mark.parametrize("name", ["dingtalk_raw_records.xlsx", "zkteco_1_attlog.dat",
                                  "wecom_monthly.xlsx"])
def test_import_then_summary_counts_as_expected(office, tmp_path, name, snapshot):
    path = fixture(tmp_path, name)
    before = snapshot()
    dry = office.ok("attendance", "import", path, "--dry-run")
    assert "试导入，未写入" in dry.out and snapshot() == before
    out = office.json("attendance", "import", path)
    assert {p["status"] for p in out["people"]} == {"matched"} and out["punches_added"] >= 0
    assert summary(office) == EXPECTED | ({"0105": (0, 0, 0, 0)} if "wecom" in name else {})
    rows = office.json("attendance", "summary", "--month", "2024-06")
    assert all(tuple(r) == SUMMARY_KEYS for r in rows)
    assert rows[0]["workdays"] == 19
    again = office.json("attendance", "import", path)
    assert again["punches_added"] == 0 and again["days_saved"] == again["leave_saved"] == 0


@needs_fixtures
def test_unmatched_people_need_a_choice(kaohe, tmp_path, snapshot, rows_in):
    kaohe.ok("unit", "add", "红岭村便民服务室", "--code", "U1")
    kaohe.ok("staff", "add", "周建国", "--unit", "U1", "--code", "S1")
    kaohe.ok("staff", "add", "郑海", "--unit", "U1", "--code", "S3")
    kaohe.ok("staff", "add", "郑海", "--unit", "U1", "--code", "S9")
    path = fixture(tmp_path, "dingtalk_raw_records.xlsx")
    before = snapshot()
    r = kaohe("attendance", "import", path)
    assert r.code == 2 and "Traceback" not in r.err and snapshot() == before
    assert len(r.err_lines) == 6  # 郑海 同名 + 4 unknown + the count line
    assert any("S3 郑海" in line and "S9 郑海" in line for line in r.err_lines)
    r = kaohe("attendance", "import", path, "--map", "郑海=S9", "--map", "张三=S1")
    assert r.code == 2 and "张三" in r.err and snapshot() == before
    kaohe.ok("attendance", "import", path, "--map", "0103=S9", "--skip-unmatched")
    assert summary(kaohe) == {"S1": (1, 0, 0, 0), "S9": (0, 0, 1, 0)}
    staff_before = rows_in("staff")
    out = kaohe.json("attendance", "import", path, "--create-unmatched", "U1")
    assert len(out["staff_created"]) == 4 and rows_in("staff") == staff_before + 4
    assert len(summary(kaohe)) == 6


def test_bad_files_and_options_are_refused(office, tmp_path, snapshot):
    before = snapshot()
    fake = tmp_path / "考勤.xlsx"
    fake.write_text("不是表格", encoding="utf-8")
    for args in (["import", fake], ["import", tmp_path / "没有.xlsx"],
                 ["import", fake, "--format", "bogus"],
                 ["shift", "--start", "25:61"], ["shift", "--start", "18:00", "--end", "09:00"],
                 ["leave", "0101", "2024-02-30", "事假"], ["leave", "无此人", "2024-06-03", "事假"],
                 ["leave", "0101", "2024-06-03", "事假", "--days", "0.3"],
                 ["summary", "--month", "2024-13"], ["summary", "--month", "2024-06", "--unit", "U9"],
                 ["log", "--month", "2024-06", "--status", "摸鱼"],
                 ["rule", "--late", "abc"], ["rule", "--item", "2", "--late", "1"],
                 ["apply", "99"]):
        r = office("attendance", *args)
        assert r.code == 2, args
        assert r.err_lines and r.err_lines[0].startswith("错误：") and "Traceback" not in r.err
    assert snapshot() == before
    r = office("attendance", "import", fake)
    assert "考勤.xlsx" in r.err


def month_of_punches(db_path: Path, late_for: str = "0106") -> None:
    """June 2024 for the six people straight through the service: on time but for
    two late arrivals (09:10, 09:20) of `late_for`."""
    workdays = [date(2024, 6, d) for d in (3, 4, 5, 6, 7, 11, 12, 13, 14, 17, 18, 19, 20, 21,
                                           24, 25, 26, 27, 28)]
    punches = []
    for pid, _ in PEOPLE:
        for d in workdays:
            first = time(9, 10 * (d.day - 25)) if pid == late_for and d.day in (26, 27) else time(8, 50)
            punches += [Punch(pid, "", datetime.combine(d, first), "x"),
                        Punch(pid, "", datetime.combine(d, time(18)), "x")]
    db = open_db(db_path)
    try:
        preview = attendance.preview_parsed(db, ParsedAttendance("t.dat", "zkteco_attlog", punches,
                                                                 [], []), "1" * 64)
        attendance.commit_import(db, preview)
    finally:
        db.close()


def test_shift_leave_calendar_and_the_day_log(office, db_path):
    month_of_punches(db_path)
    assert summary(office)["0106"] == (2, 0, 0, 0)
    r = office.ok("attendance", "shift", "--start", "09:00", "--end", "17:30", "--grace", "15")
    assert "迟到宽限 15 分钟" in r.out
    assert summary(office)["0106"] == (1, 0, 0, 0)
    office.ok("attendance", "shift", "--grace", "5", "--half-day-late", "10", "--unit", "U1")
    assert summary(office)["0106"] == (1, 0, 0.5, 0)  # 09:10 late, 09:20 half a day absent
    office.ok("attendance", "shift", "--half-day-late", "0", "--unit", "U1")
    r = office.ok("attendance", "shift", "--unit", "U1", "--default")
    assert "已改用默认班次" in r.out and "迟到宽限 15 分钟" in r.out
    assert summary(office)["0106"] == (1, 0, 0, 0)  # the default's 15 minutes again
    assert "本来就使用" in office.ok("attendance", "shift", "--unit", "U1", "--default").out
    office.ok("attendance", "shift", "--grace", "5", "--unit", "U1")
    r = office.ok("attendance", "leave", "0101", "2024-06-07", "年假", "--days", "2")
    assert "2024-06-11" in r.out  # 端午 (06-10) is skipped
    rows = office.json("attendance", "summary", "--month", "2024-06")
    assert rows[0]["leave_days"] == {"年假": 2}
    office.ok("attendance", "calendar", "2024-06-10", "workday", "--note", "补班")
    assert office.json("attendance", "summary", "--month", "2024-06")[0]["workdays"] == 20
    assert summary(office)["0102"] == (0, 0, 1, 0)  # nobody punched on the 10th
    office.ok("attendance", "calendar", "2024-06-10", "auto")
    log = office.json("attendance", "log", "--month", "2024-06", "--status", "迟到")
    assert [(x["staff_code"], x["date"], x["status"]) for x in log] == [  # U1's own grace: 5
        ("0106", "2024-06-26", "迟到 10 分钟"), ("0106", "2024-06-27", "迟到 20 分钟")]
    text = office.ok("attendance", "summary", "--month", "2024-06").out
    assert "买买提·艾力" in text and "共 6 人" in text


def test_rule_and_apply_to_a_month_assessment(office, db_path):
    month_of_punches(db_path)
    created = office.ok("assessment", "create", "--rubric", "VILLAGE-ATT", "--period", "2024-06",
                        "--subjects", "staff", "--group", "考核组:上级")
    aid = int(created.out.split()[0])
    assert office.json("attendance", "rule")["late"] == 1
    office.ok("attendance", "rule", "--late", "2")
    out = office.json("attendance", "apply", aid)
    values = {v["staff_code"]: v for v in out["values"]}
    assert values["0106"]["points"] == 26 and values["0106"]["remark"].startswith("迟到 2 次 −4")
    assert values["0101"]["points"] == 30 and out["assessor"] == "考勤系统"
    ranked = {r["subject_code"]: r for r in office.json("rank", aid)}
    assert ranked["0106"]["items"]["1"] == 26
    again = office.json("attendance", "apply", aid)
    assert {v["status"] for v in again["values"]} == {"unchanged"}
    # attendance alone is not a result: submitting waits for the people's items too
    assert office("review", aid, "submit").code == 2
    for code in ranked:
        for item, value in (("2", 18), ("3", 27), ("4", 18)):
            office.ok("scores", "set", aid, code, item, value, "--assessor", "站长")
    office.ok("review", aid, "submit")
    office.ok("review", aid, "approve")
    r = office("attendance", "apply", aid)
    assert r.code == 2 and "已锁定" in r.err


def test_summary_json_is_the_documented_shape(office, db_path):
    month_of_punches(db_path)
    rows = office.json("attendance", "summary", "--month", "2024-06", "--unit", "U1")
    assert [r["staff_code"] for r in rows] == [pid for pid, _ in PEOPLE]
    assert rows[5] == {"staff_code": "0106", "name": "冯玥", "workdays": 19, "late": 2,
                       "late_minutes": 30, "early": 0, "early_minutes": 0, "missing": 0,
                       "absent_days": 0, "leave_days": {}}
    assert json.loads(json.dumps(rows)) == rows
