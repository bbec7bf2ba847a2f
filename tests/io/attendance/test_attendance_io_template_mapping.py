"""The program's own template (write, fill, read back) and reading a layout the program
does not know through a column mapping remembered by header shape."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from attendance_builders import xlsx
from openpyxl import load_workbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.attendance import (
    ColumnMapping,
    detect_format,
    headers_of,
    mapping_signature,
    read_attendance,
    write_attendance_template,
)


def test_template_layout(tmp_path):
    path = write_attendance_template(tmp_path / "考勤模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["考勤记录", "说明"]
    ws = wb["考勤记录"]
    assert [c.value for c in ws[1]] == ["考勤号", "姓名", "日期", "上班打卡", "下班打卡", "请假类型",
                                        "请假天数"]
    assert ws.column_dimensions["A"].number_format == "@"      # ids keep leading zeros
    assert "请假天数" in [c.value for c in wb["说明"]["A"]]
    assert detect_format(path) == "template"
    with pytest.raises(InputError, match="没有任何考勤数据"):
        read_attendance(path)


def test_template_filled_and_read_back(tmp_path):
    path = write_attendance_template(tmp_path / "考勤模板.xlsx")
    wb = load_workbook(path)
    ws = wb["考勤记录"]
    ws.append(["0101", "周建国", date(2024, 6, 3), time(9, 40), time(17, 45), None, None])
    ws.append(["0102", "吴晓燕", "2024-06-05", "08:41", None, None, None])
    ws.append(["0105", "欧阳秀英", datetime(2024, 6, 20), None, None, "病假", None])
    ws.append(["0105", "欧阳秀英", "2024/06/21", "13:30", "17:35", "事假", 0.5])
    ws.append(["", "买买提·艾力", "2024-06-18", "10:00", "15:00", "", ""])
    wb.save(path)
    parsed = read_attendance(path)
    assert parsed.format == "template" and parsed.problems == []
    got = [(r.person_id, r.name, r.day, r.punches, r.leave_type, r.leave_days) for r in parsed.days]
    assert got == [
        ("0101", "周建国", date(2024, 6, 3), (time(9, 40), time(17, 45)), "", Decimal(0)),
        ("0102", "吴晓燕", date(2024, 6, 5), (time(8, 41),), "", Decimal(0)),
        ("0105", "欧阳秀英", date(2024, 6, 20), (), "病假", Decimal(1)),
        ("0105", "欧阳秀英", date(2024, 6, 21), (time(13, 30), time(17, 35)), "事假", Decimal("0.5")),
        ("", "买买提·艾力", date(2024, 6, 18), (time(10), time(15)), "", Decimal(0)),
    ]
    assert parsed.days[0].source == "考勤模板.xlsx 工作表“考勤记录” 第 2 行 C 列"


def test_template_leave_problems(tmp_path):
    path = write_attendance_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["考勤记录"]
    ws.append(["0101", "周建国", "2024-06-03", None, None, None, 1])
    ws.append(["0101", "周建国", "2024-06-04", None, None, "事假", "一天"])
    ws.append(["0101", "周建国", "2024-06-05", None, None, "事假", 3])
    wb.save(path)
    parsed = read_attendance(path)
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [
        (2, "F（请假类型）", "1"), (3, "G（请假天数）", "一天"), (4, "G（请假天数）", "3")]
    assert parsed.days == []



def test_template_future_date_is_reported_under_the_date_column(tmp_path):
    from datetime import timedelta

    path = write_attendance_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["考勤记录"]
    later = date.today() + timedelta(days=3)
    ws.append(["0101", "周建国", "2024-06-03", "08:50", "17:40", None, None])
    ws.append(["0101", "周建国", later.isoformat(), "08:50", None, None, None])
    wb.save(path)
    parsed = read_attendance(path)
    (problem,) = parsed.problems
    assert (problem.row, problem.column, problem.value) == (3, "C（日期）", later.isoformat())
    assert "今天" in problem.reason

UNKNOWN = [["门禁通行记录"], ["员工ID", "员工", "刷卡日期", "刷卡时刻", "门禁点"],
           ["00012", "周建国", "2024-06-03", "08:31", "东门"],
           ["00012", "周建国", "2024-06-03", "17:42", "东门"],
           ["00013", "郑海", "2024-06-03", "25:10", "东门"]]


def test_unknown_layout_mapping(tmp_path):
    path = xlsx(tmp_path / "门禁.xlsx", UNKNOWN)
    assert detect_format(path) == "unknown"
    info = headers_of(path)
    assert info.header_row == 2 and info.sheet == "Sheet1"
    assert info.columns == ("员工ID", "员工", "刷卡日期", "刷卡时刻", "门禁点")
    assert info.letters == ("A", "B", "C", "D", "E") and info.sample[0][0] == "00012"
    mapping = ColumnMapping(sheet=0, header_row=2, person_id="员工ID", name="员工", date="刷卡日期",
                            time="刷卡时刻")
    parsed = read_attendance(path, mapping=mapping)                 # auto + unknown → mapped
    assert parsed.format == "mapped"
    assert [(p.person_id, p.at) for p in parsed.punches] == [
        ("00012", datetime(2024, 6, 3, 8, 31)), ("00012", datetime(2024, 6, 3, 17, 42))]
    (problem,) = parsed.problems
    assert (problem.row, problem.column, problem.value) == (5, "D（刷卡时刻）", "25:10")
    by_letter = ColumnMapping(header_row=2, person_id="A", name="B", date="C", time=("D",))
    assert read_attendance(path, format="mapped", mapping=by_letter).punches == parsed.punches


def test_mapping_signature_follows_header_shape(tmp_path):
    one = xlsx(tmp_path / "六月.xlsx", UNKNOWN)
    two = xlsx(tmp_path / "七月.xlsx", [*UNKNOWN[:2], ["00014", "冯玥", "2024-07-01", "08:59", "西门"]],
               sheet="7月")
    other = xlsx(tmp_path / "别的.xlsx", [["员工ID", "员工", "刷卡时间"], ["1", "a", "2024-06-03 08:00"]])
    assert mapping_signature(one) == mapping_signature(two) == headers_of(two).signature
    assert mapping_signature(one) != mapping_signature(other)


def test_mapping_by_day_with_result(tmp_path):
    path = xlsx(tmp_path / "日.xlsx", [["人员", "名", "日", "签到", "签退", "结论"],
                                      ["7", "郑海", "2024-06-12", "", "", "旷工"],
                                      ["7", "郑海", "2024-06-13", "09:05", "17:30", "正常"],
                                      ["7", "郑海", "2024-06-14", "", "", "病假1天"]])
    mapping = ColumnMapping(person_id="人员", name="名", date="日", time=("签到", "签退"), result="结论")
    parsed = read_attendance(path, format="mapped", mapping=mapping)
    got = [(r.day.day, r.punches, r.status, r.leave_type, r.leave_days) for r in parsed.days]
    assert got == [(12, (), "旷工", "", Decimal(0)), (13, (time(9, 5), time(17, 30)), "正常", "", Decimal(0)),
                   (14, (), "病假1天", "病假", Decimal(1))]


def test_incomplete_or_wrong_mapping(tmp_path):
    path = xlsx(tmp_path / "门禁.xlsx", UNKNOWN)
    with pytest.raises(InputError, match="日期时间列"):
        read_attendance(path, format="mapped", mapping=ColumnMapping(header_row=2, person_id="员工ID"))
    with pytest.raises(InputError, match="没有“打卡”这一列"):
        read_attendance(path, format="mapped",
                        mapping=ColumnMapping(header_row=2, person_id="员工ID", date_time="打卡"))
    with pytest.raises(InputError, match="没有名为“考勤”的工作表"):
        read_attendance(path, format="mapped",
                        mapping=ColumnMapping(sheet="考勤", person_id="员工ID", date_time="刷卡时刻"))
