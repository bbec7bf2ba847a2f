"""Attendance through the services on a real SQLite file: matching people, committing in
one transaction, re-importing, rules, the summary and the day log, and the points written
into a VILLAGE-ATT month assessment.

Files are stood in for by the readers' plain records (`io.attendance.records`), built here
from the fixtures' June 2024 people; tests/io reads the real files.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from backends import raw_connect

from kaohe_desktop.domain.attendance import Shift
from kaohe_desktop.domain.attendance_points import AttendancePointsRule
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.io.attendance.records import DayRecord, ParsedAttendance, Punch
from kaohe_desktop.services import assessments, attendance, ranking, roster
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.results import PersonChoice

PEOPLE = [("0101", "周建国"), ("0102", "吴晓燕"), ("0103", "郑海"), ("0104", "买买提·艾力"),
          ("0105", "欧阳秀英"), ("0106", "冯玥")]
WORKDAYS = [date(2024, 6, d) for d in (3, 4, 5, 6, 7, 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25,
                                        26, 27, 28)]
TRAPS = {
    "0101": {"2024-06-03": ["09:40", "17:45"], "2024-06-10": ["09:50", "11:30"],
             "2024-06-22": ["09:15", "16:30"]},
    "0102": {"2024-06-04": ["08:40", "16:50"], "2024-06-05": ["08:41", "08:42"]},
    "0103": {"2024-06-12": [], "2024-06-13": ["09:05:00", "17:30:00"]},
    "0104": {"2024-06-17": ["17:50"], "2024-06-18": ["10:00", "15:00"]},
    "0105": {"2024-06-20": []},
    "0106": {"2024-06-26": ["09:10", "17:40"], "2024-06-27": ["09:20", "17:50"]},
}
# staff code → (late, early, absent, missing) for a file without leave
EXPECTED = {"S01": (1, 0, 0, 0), "S02": (0, 1, 0, 1), "S03": (0, 0, 1, 0), "S04": (1, 1, 0, 1),
            "S05": (0, 0, 1, 0), "S06": (2, 0, 0, 0)}


def punches(pid: str, name: str = "", like: str = "") -> list[Punch]:
    """A month of punches under `pid`, with the traps of fixture person `like` (or pid)."""
    plan = {d.isoformat(): ["08:45", "18:00"] for d in WORKDAYS} | TRAPS.get(like or pid, {})
    return [Punch(pid, name, datetime.combine(date.fromisoformat(d), time.fromisoformat(t)),
                  f"第 {n} 行") for n, (d, stamps) in enumerate(sorted(plan.items()))
            for t in stamps]


def log_file(name: str = "1_attlog.dat", people=PEOPLE, with_names: bool = False,
             extra: list[Punch] = ()) -> ParsedAttendance:
    out = [p for pid, who in people for p in punches(pid, who if with_names else "")]
    return ParsedAttendance(name, "zkteco_attlog", [*out, *extra], [], [])


@pytest.fixture
def staffed(db):
    roster.add_unit(db, "红岭村便民服务室", code="U1", area="红岭镇", kind="村便民服务室")
    roster.add_unit(db, "青山村便民服务室", code="U2", area="红岭镇", kind="村便民服务室")
    for n, (pid, name) in enumerate(PEOPLE, 1):
        roster.add_staff(db, name, "U1", code=f"S{n:02d}", attendance_no=pid)
    return db


def rows(db, table: str) -> int:
    con = raw_connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def counts(db, month="2024-06", unit=None) -> dict[str, tuple]:
    return {r.staff_code: (r.late, r.early, r.absent_days, r.missing)
            for r in attendance.monthly_summary(db, month, unit)}


def test_preview_writes_nothing_and_commit_imports_once(staffed):
    db = staffed
    preview = attendance.preview_parsed(db, log_file(), "a" * 64)
    assert {p.status for p in preview.people} == {"matched"} and not preview.needs_choice
    assert {p.matched_by for p in preview.people} == {"考勤号"}
    p2 = next(p for p in preview.people if p.person_id == "0102")
    assert (p2.staff_code, p2.days, p2.punches, p2.new_punches) == ("S02", 19, 38, 38)
    assert rows(db, "attendance_punch") == 0
    result = attendance.commit_import(db, preview)
    assert result.punches_added == rows(db, "attendance_punch") == 227  # as 1_attlog.dat
    assert counts(db) == EXPECTED
    again = attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    assert (again.punches_added, again.punches_known) == (0, result.punches_added)
    assert rows(db, "attendance_import") == 1
    assert attendance.preview_parsed(db, log_file(), "a" * 64).imported_before


def test_a_second_source_of_the_same_punches_changes_no_count(staffed):
    db = staffed
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    dup = [Punch("0102", "", datetime(2024, 6, 5, 8, 41, 30), "x"),  # a minute apart: collapses
           Punch("0101", "", datetime(2024, 6, 3, 9, 40, 40), "x")]
    result = attendance.commit_import(db, attendance.preview_parsed(db, log_file(extra=dup), "b" * 64))
    assert result.punches_added == 2
    assert counts(db) == EXPECTED


def test_people_matched_by_number_and_by_name(staffed):
    db = staffed
    roster.update_staff(db, "S01", attendance_no="")
    file = ParsedAttendance("x.xlsx", "zkteco_log", [
        *punches("101", like="0101"),
        *punches("0102", "吴晓燕"), *[Punch("", "郑海", p.at, p.source) for p in punches("0103")],
        *punches("9999", "买买提•艾力", like="0104")], [], [])
    preview = attendance.preview_parsed(db, file, "c" * 64)
    by_key = {p.key: p for p in preview.people}
    assert by_key["101"].status == "unmatched"  # S01 lost its 考勤号 and has code S01
    assert (by_key["0102"].matched_by, by_key["郑海"].matched_by) == ("考勤号", "姓名")
    assert (by_key["9999"].staff_code, by_key["9999"].matched_by) == ("S04", "姓名")
    roster.update_staff(db, "S01", attendance_no="0101")
    preview = attendance.preview_parsed(db, file, "c" * 64)
    assert {p.key: p.staff_code for p in preview.people}["101"] == "S01"  # 101 == 0101


def test_unmatched_and_same_names_need_a_choice(staffed):
    db = staffed
    roster.add_staff(db, "郑海", "U2", code="S07")
    file = ParsedAttendance("x.xlsx", "dingtalk_raw", [
        *[Punch("", "郑海", p.at, p.source) for p in punches("0103")],
        *punches("0888", "新来的"), *punches("0999", "路过的")], [], [])
    preview = attendance.preview_parsed(db, file, "d" * 64)
    need = {p.key: p for p in preview.needs_choice}
    assert need["郑海"].status == "ambiguous"
    assert [c.code for c in need["郑海"].candidates] == ["S03", "S07"]
    assert need["0888"].status == need["0999"].status == "unmatched"
    with pytest.raises(InputError) as err:
        attendance.commit_import(db, preview)
    assert len(err.value.problems) == 3 and "S03 郑海" in err.value.lines()[0]
    with pytest.raises(InputError, match="文件中没有这个人"):
        attendance.commit_import(db, preview, {"郑海": PersonChoice("map", "S07"),
                                               "0888": PersonChoice("skip"),
                                               "0999": PersonChoice("skip"),
                                               "张三": PersonChoice("skip")})
    assert rows(db, "attendance_punch") == 0 and len(roster.list_staff(db)) == 7
    s07 = next(p.id for p in roster.list_staff(db) if p.code == "S07")
    result = attendance.commit_import(db, preview, {
        "郑海": PersonChoice("map", s07), "新来的": PersonChoice("create", unit="U2"),
        "0999": PersonChoice("skip")})
    assert result.skipped == ("路过的",) and len(result.staff_created) == 1
    created = next(p for p in roster.list_staff(db) if p.code == result.staff_created[0])
    assert (created.name, created.unit_code, created.attendance_no) == ("新来的", "U2", "0888")
    assert counts(db, unit="U2") == {"S07": (0, 0, 1, 0), created.code: (0, 0, 0, 0)}
    assert counts(db, unit="U1") == {}


def test_one_id_with_two_names_blocks_the_import(staffed):
    db = staffed
    file = ParsedAttendance("x.xlsx", "zkteco_log",
                            [*punches("0101", "周建国"), Punch("0101", "吴晓燕",
                                                            datetime(2024, 6, 4, 9), "第 9 行")],
                            [], [])
    preview = attendance.preview_parsed(db, file, "e" * 64)
    assert "同一考勤号下有不同的人" in preview.problems[0].reason
    with pytest.raises(InputError):
        attendance.commit_import(db, preview)
    assert rows(db, "attendance_punch") == 0


def report_file() -> ParsedAttendance:
    """A monthly report: day cells only, the vendor's wording, leave in the file."""
    cells = {date(2024, 6, 3): "上班迟到40分钟", date(2024, 6, 4): "下班早退40分钟",
             date(2024, 6, 5): "下班缺卡", date(2024, 6, 12): "旷工",
             date(2024, 6, 20): "病假 1天", date(2024, 6, 26): "上班迟到3分钟"}
    days = [DayRecord("U01", "周建国", d, (), cells.get(d, "正常"),
                      "病假" if d.day == 20 else "", D(1) if d.day == 20 else D(0), f"第 {d.day} 列")
            for d in WORKDAYS]
    days += [DayRecord("U01", "周建国", date(2024, 6, n), (), "休息") for n in (1, 2)]
    return ParsedAttendance("月报.xlsx", "wecom_monthly", [], days, [],
                            period=(date(2024, 6, 1), date(2024, 6, 30)))


def test_day_statuses_and_leave_from_a_report(staffed):
    db = staffed
    attendance.commit_import(db, attendance.preview_parsed(db, report_file(), "f" * 64))
    [row] = attendance.monthly_summary(db, "2024-06")
    assert (row.staff_code, row.late, row.late_minutes, row.early, row.missing, row.absent_days) == (
        "S01", 1, 40, 1, 1, 1)
    assert row.leave_days == {"病假": 1} and row.workdays == 19
    log = {r.day.day: r for r in attendance.day_log(db, "2024-06")}
    assert log[3].status == "迟到 40 分钟" and log[3].from_report
    assert log[20].status == "请假（病假）" and log[26].status == "正常"
    assert attendance.list_leave(db, "2024-06")[0].source == "f" * 64


def test_rules_shift_leave_and_calendar(staffed):
    db = staffed
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    attendance.set_shift(db, Shift(time(9), time(17, 30), late_grace_min=15))
    assert counts(db)["S06"] == (1, 0, 0, 0)  # 09:10 is within 15 minutes' grace
    attendance.set_shift(db, Shift(time(9), time(17, 30), 5, 0, half_day_late_min=30), unit="U1")
    assert attendance.get_shift(db, "U1").half_day_late_min == 30
    assert counts(db)["S01"] == (0, 0, D("0.5"), 0)  # 40 minutes late: half a day absent
    assert attendance.units_with_own_shift(db) == {"U1"}
    assert attendance.clear_unit_shift(db, "U1") and not attendance.clear_unit_shift(db, "U1")
    assert attendance.get_shift(db, "U1").late_grace_min == 15  # the default again
    assert counts(db)["S01"][2] == 0
    with pytest.raises(InputError, match="默认班次不能删除"):
        attendance.clear_unit_shift(db, "")
    attendance.set_shift(db, Shift(time(9), time(17, 30), 5, 0, half_day_late_min=30), unit="U1")
    with pytest.raises(InputError, match="下班时间必须晚于上班时间"):
        attendance.set_shift(db, Shift(time(18), time(9)))
    attendance.add_leave(db, "S05", date(2024, 6, 20), "病假")
    attendance.add_leave(db, "S03", date(2024, 6, 12), "事假", "0.5")
    assert counts(db)["S05"][2] == 0 and counts(db)["S03"][2] == D("0.5")
    with pytest.raises(InputError, match="合计不能超过 1 天"):
        attendance.add_leave(db, "S03", date(2024, 6, 12), "年假", 1)
    spread = attendance.add_leave(db, "周建国", date(2024, 6, 7), "年假", 2)
    assert [x.day for x in spread] == [date(2024, 6, 7), date(2024, 6, 11)]  # over 端午
    attendance.set_calendar_day(db, date(2024, 6, 10), True, "补班")
    assert attendance.monthly_summary(db, "2024-06")[0].workdays == 20
    attendance.set_calendar_day(db, date(2024, 6, 10), None)
    assert attendance.monthly_summary(db, "2024-06")[0].workdays == 19
    summary = {r.staff_code: r for r in attendance.monthly_summary(db, "2024-06")}
    assert summary["S03"].counted_leave_days == D("0.5")  # 事假 counts by default
    attendance.set_leave_type(db, "事假", False)
    assert attendance.monthly_summary(db, "2024-06")[2].counted_leave_days == 0
    with pytest.raises(InputError, match=r"0\.5 的整数倍"):
        attendance.add_leave(db, "S01", date(2024, 6, 3), "事假", "0.3")


def test_day_log_filters(staffed):
    db = staffed
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    late = attendance.day_log(db, "2024-06", status="迟到")
    assert [(r.staff_code, r.day.day) for r in late] == [("S01", 3), ("S04", 18), ("S06", 26),
                                                         ("S06", 27)]
    [row] = attendance.day_log(db, "2024-06", person="S02", status="missing")
    assert (row.day, row.punches, row.check_in, row.status) == (date(2024, 6, 5), ("08:41", "08:42"),
                                                                "08:41", "下班缺卡")
    holiday = [r for r in attendance.day_log(db, "2024-06", person="周建国") if r.day.day == 10]
    assert holiday[0].status == "休息（端午）" and holiday[0].kinds == ("休息",)
    with pytest.raises(InputError, match="状态只能是"):
        attendance.day_log(db, "2024-06", status="摸鱼")
    with pytest.raises(InputError, match="没有这个单位"):
        attendance.monthly_summary(db, "2024-06", unit="U9")


@pytest.fixture
def month_assessment(staffed):
    info = assessments.create_assessment(staffed, "VILLAGE-ATT", parse_period("2024-06"),
                                         subjects="staff", groups=[GroupSpec("考核组", "上级")])
    return info.id


def test_apply_writes_the_points_with_how_they_were_derived(staffed, month_assessment, leave_out_unfinished):
    db = staffed
    imported = attendance.commit_import(
        db, attendance.preview_parsed(db, log_file(people=PEOPLE[:5]), "a" * 64))
    # the import brought the open June assessment up to date by itself
    assert imported.scores.updated == ("2024年6月村便民服务室考勤考核管理制度",)
    assert "已更新2024年6月" in imported.summary()
    result = attendance.apply_to_assessment(db, month_assessment)
    values = {v.staff_code: v for v in result.values}
    assert result.no_data == ("S06",) and result.assessor == "考勤系统"
    assert {v.status for v in result.values} == {"unchanged"}
    assert values["S04"].points == D("27.5") and values["S05"].points == 27
    assert values["S04"].remark == "迟到 1 次 −1，早退 1 次 −1，缺卡 1 次 −0.5；30 − 2.5 = 27.5"
    sheet = {(r.subject_code, r.items["1"]) for r in ranking.rank_assessment(db, month_assessment)}
    assert ("S04", D("27.5")) in sheet

    def points() -> dict[str, D]:
        return {r.subject_code: r.items.get("1") for r in ranking.rank_assessment(db, month_assessment)}

    # leave by hand, then the sixth person's file: each brings the values up to date
    attendance.add_leave(db, "S05", date(2024, 6, 20), "病假")
    assert points()["S05"] == 30
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(people=PEOPLE[5:]), "b" * 64))
    assert points()["S06"] == 28 and points()["S01"] == 29
    attendance.set_shift(db, Shift(time(9), time(17, 30), late_grace_min=15))  # rules too
    assert points()["S06"] == 29
    again = attendance.apply_to_assessment(db, month_assessment)
    assert {v.status for v in again.values} == {"unchanged"} and again.no_data == ()
    leave_out_unfinished(db, month_assessment)  # only attendance is scored here
    for action in ("submit", "approve"):
        assessments.change_state(db, month_assessment, action)
    with pytest.raises(InputError, match="已锁定"):
        attendance.apply_to_assessment(db, month_assessment)
    attendance.set_shift(db, Shift(time(9), time(17, 30), late_grace_min=5))  # locked: kept
    assert points()["S06"] == 29
    later = attendance.commit_import(
        db, attendance.preview_parsed(db, log_file(people=PEOPLE[:1], extra=[
            Punch("0101", "", datetime(2024, 6, 29, 9, 0), "第 9 行")]), "c" * 64))
    assert later.scores.locked == ("2024年6月村便民服务室考勤考核管理制度",)
    assert "已锁定，考勤得分未更新" in later.summary()


def test_a_new_month_assessment_takes_its_attendance_at_once(staffed):
    db = staffed
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    info = assessments.create_assessment(db, "VILLAGE-ATT", parse_period("2024-06"),
                                         subjects="staff", groups=[GroupSpec("考核组", "上级")])
    got = {r.subject_code: r.items.get("1") for r in ranking.rank_assessment(db, info.id)}
    assert got["S04"] == D("27.5") and got["S06"] == 28
    empty = assessments.create_assessment(db, "VILLAGE-ATT", parse_period("2024-08"),
                                          subjects="staff", groups=[GroupSpec("考核组", "上级")])
    from kaohe_desktop.services.score_sheet import list_assessors

    assert [a.name for a in list_assessors(db, empty.id)] == []  # no attendance yet: nothing


def test_points_rule_is_editable_and_stored(staffed, month_assessment):
    db = staffed
    assert attendance.get_points_rule(db, "VILLAGE-ATT", "1") == AttendancePointsRule()
    attendance.set_points_rule(db, "VILLAGE-ATT", "1", {"late": 2, "missing": 1,
                                                        "late_per_half_day": 3})
    rule = attendance.get_points_rule(db, "VILLAGE-ATT", "1")
    assert (rule.per_late, rule.per_missing, rule.per_early, rule.late_per_half_day) == (2, 1, 1, 3)
    with pytest.raises(InputError, match="步长"):
        attendance.set_points_rule(db, "VILLAGE-ATT", "1", AttendancePointsRule(per_late=D("0.05")))
    with pytest.raises(InputError, match="取自考勤的项目只有：1"):
        attendance.set_points_rule(db, "VILLAGE-ATT", "2", AttendancePointsRule())
    attendance.commit_import(db, attendance.preview_parsed(db, log_file(), "a" * 64))
    values = {v.staff_code: v for v in attendance.apply_to_assessment(db, month_assessment).values}
    assert values["S06"].points == 30 - 4  # 2 lates × 2
    assert values["S02"].points == 30 - 1 - 1


def test_apply_refuses_a_rubric_without_attendance_items(staffed):
    info = assessments.create_assessment(staffed, "WINDOW-STAFF", parse_period("2024-06"),
                                         subjects="staff")
    with pytest.raises(InputError, match="没有取自考勤"):
        attendance.apply_to_assessment(staffed, info.id)


def test_column_mappings_are_remembered(db):
    assert attendance.remembered_mapping(db, "姓名|日期|时间") is None
    attendance.remember_mapping(db, "姓名|日期|时间", {"person": "B", "date": "C"})
    attendance.remember_mapping(db, "姓名|日期|时间", {"person": "A", "date": "C"})
    assert attendance.remembered_mapping(db, "姓名|日期|时间") == {"person": "A", "date": "C"}


def test_the_attendance_assessor_is_not_expected_to_finish_sheets(db):
    """Completion counts only people, on the items people score: 考勤系统 gives just the
    derived item, and the person's sheet is done without it (issue 12: a derived item
    belongs to its source)."""
    from kaohe_desktop.domain.attendance_points import ATTENDANCE_ASSESSOR
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services import assessments, ranking, roster, scores

    roster.add_unit(db, "东风站", code="U1")
    roster.add_staff(db, "张三", "U1", code="P1")
    info = assessments.create_assessment(db, "VILLAGE-ATT", parse_period("2024-06"),
                                         subjects="staff")
    for item, value in (("2", 18), ("3", 25)):
        scores.set_score(db, info.id, "P1", item, value, assessor="站长")
    [row] = ranking.rank_assessment(db, info.id)
    assert (row.assessors_done, row.assessors_expected) == (0, 1)
    assert not row.complete and row.grade is None and row.rank is None
    assert any("1 尚无数据" in line for line in row.missing), row.missing
    assert any(line.endswith("：4") for line in row.missing), row.missing
    scores.set_score(db, info.id, "P1", "4", 17, assessor="站长")
    scores.set_score(db, info.id, "P1", "1", 28, assessor=ATTENDANCE_ASSESSOR)
    [row] = ranking.rank_assessment(db, info.id)
    assert (row.assessors_done, row.assessors_expected) == (1, 1)
    assert row.complete and row.missing == () and row.grade is not None and row.rank == 1
    assert row.total == 88


def test_a_report_row_checked_out_after_midnight(staffed):
    """'08:50 / 次日 01:30' in a report row: that day is complete and the next is not
    touched (found with unseen DingTalk and template exports)."""
    day = date(2024, 6, 13)
    late_out = datetime(2024, 6, 14, 1, 30)
    rows = [DayRecord("0101", "周建国", day, (time(8, 50), time(1, 30)), "", source="第 2 行",
                      punch_at=(datetime(2024, 6, 13, 8, 50), late_out)),
            DayRecord("0101", "周建国", date(2024, 6, 14), (time(8, 55), time(17, 40)),
                      source="第 3 行"),
            DayRecord("0102", "吴晓燕", day, (time(8, 40), time(0, 45)), "", source="第 4 行")]
    parsed = ParsedAttendance("模板.xlsx", "template", [], rows, [],
                              period=(date(2024, 6, 13), date(2024, 6, 14)))
    attendance.commit_import(staffed, attendance.preview_parsed(staffed, parsed, "c" * 64))
    log = {(r.staff_code, r.day): r for r in attendance.day_log(staffed, "2024-06")}
    first = log[("S01", day)]
    assert (first.check_in, first.check_out, first.status) == ("08:50", "次日 01:30", "正常")
    assert log[("S01", date(2024, 6, 14))].punches == ("08:55", "17:40")
    second = log[("S02", day)]  # a time with no 次日 mark in a report row: the same rule
    assert (second.check_out, second.status) == ("次日 00:45", "正常")
    assert counts(staffed, "2024-06")["S01"] == (0, 0, 0, 0)


def test_one_number_written_two_ways_is_one_person(db):
    """刘洋 as 204 (a number cell) on some rows and "0204" (text) on others: one person,
    so creating the unmatched makes one staff member, not two."""
    roster.add_unit(db, "红岭村便民服务室", code="U1")
    rows = [Punch("204", "刘洋", datetime(2024, 6, 3, 8, 50), "第 2 行"),
            Punch("0204", "刘洋", datetime(2024, 6, 3, 17, 40), "第 3 行"),
            Punch("0204", "刘洋", datetime(2024, 6, 4, 8, 45), "第 4 行"),
            Punch("0205", "刘洋", datetime(2024, 6, 4, 8, 46), "第 5 行")]  # another 刘洋
    preview = attendance.preview_parsed(db, ParsedAttendance("log.xlsx", "zkteco_log", rows, [], []),
                                        "d" * 64)
    assert [(p.person_id, p.punches, p.days) for p in preview.people] == [("204", 3, 2), ("0205", 1, 1)]
    choices = {p.key: PersonChoice("create", unit="U1") for p in preview.people}
    result = attendance.commit_import(db, preview, choices)
    assert result.punches_added == 4 and len(result.staff_created) == 2
    assert sorted(s.attendance_no for s in roster.list_staff(db)) == ["0205", "204"]


def test_a_person_created_from_a_clock_file_obeys_the_roster_text_rule(staffed):
    """"王\u200b伟" (a zero-width space inside) from a clock's export would become a
    look-alike of 王伟: creating them is refused naming the character; nothing is written."""
    db = staffed
    parsed = log_file(people=[("0777", "王\u200b伟")], with_names=True)
    preview = attendance.preview_parsed(db, parsed, "z" * 64)
    key = next(p.key for p in preview.people if p.status != "matched")
    before = rows(db, "attendance_punch"), len(roster.list_staff(db))
    with pytest.raises(InputError) as refused:
        attendance.commit_import(db, preview, {key: PersonChoice("create", unit="U2")})
    assert "U+200B" in str(refused.value) and "姓名" in str(refused.value)
    assert (rows(db, "attendance_punch"), len(roster.list_staff(db))) == before
