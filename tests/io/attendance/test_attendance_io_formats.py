"""Every sample export: detected from its content, and read into the punches / day records
that give the counts worked out by hand in expected.json."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date, time
from decimal import Decimal

import pytest
from attendance_oracle import reference_counts

from kaohe_desktop.io.attendance import FORMATS, detect_format, read_attendance

SAMPLES = {
    "dingtalk_raw_records.xlsx": ("dingtalk_raw", "dingtalk_raw_records.xlsx"),
    "dingtalk_report.xlsx": ("dingtalk_report", "dingtalk_report.xlsx#每日统计"),
    "wecom_daily.xlsx": ("wecom_daily", "wecom_daily.xlsx"),
    "wecom_monthly.xlsx": ("wecom_monthly", "wecom_monthly.xlsx"),
    "zkteco_punch_log.xlsx": ("zkteco_log", "zkteco_punch_log.xlsx"),
    "zkteco_1_attlog.dat": ("zkteco_attlog", "zkteco_1_attlog.dat"),
    "zkteco_usb_report.xlsx": ("zkteco_usb", "zkteco_usb_report.xlsx"),
}
PUNCH_FILES = ("dingtalk_raw_records.xlsx", "zkteco_punch_log.xlsx", "zkteco_1_attlog.dat",
               "zkteco_usb_report.xlsx")
ID_KEY = {"dingtalk_raw_records.xlsx": "empno", "zkteco_punch_log.xlsx": "pin",
          "zkteco_1_attlog.dat": "pin", "zkteco_usb_report.xlsx": "pin",
          "dingtalk_report.xlsx": "userid", "wecom_daily.xlsx": "account"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_detects_format_from_content(fixtures, tmp_path, name):
    fmt = SAMPLES[name][0]
    assert fmt in FORMATS
    assert detect_format(fixtures / name) == fmt
    renamed = tmp_path / "导出数据.bin"          # the name and extension say nothing
    shutil.copy(fixtures / name, renamed)
    assert detect_format(renamed) == fmt


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_counts_match_expected(fixtures, expected, name):
    fmt, key = SAMPLES[name]
    parsed = read_attendance(fixtures / name)
    assert parsed.format == fmt
    assert parsed.problems == []
    want = expected["fixtures"][key]["expected"]
    got = reference_counts(parsed, expected)
    assert set(got) == set(want), "person ids as text, leading zeros kept"
    for pid, counts in want.items():
        for field in ("late", "early_leave", "absent_days", "missing_punches"):
            assert got[pid][field] == counts[field], (pid, field)
        if fmt != "zkteco_attlog":                                   # attlog has no names
            assert got[pid]["name"] == counts["name"]


def _first_last(parsed) -> dict[tuple[str, date], tuple[time, time]]:
    stamps = defaultdict(list)
    for p in parsed.punches:
        stamps[(p.person_id, p.at.date())].append(p.at.time().replace(second=0))
    for r in parsed.days:
        if r.punches:
            stamps[(r.person_id, r.day)].extend(t.replace(second=0) for t in r.punches)
    return {k: (min(v), max(v)) for k, v in stamps.items()}


def _by_person_key(expected, name) -> dict[str, str]:
    field = ID_KEY[name]
    return {str(p[field]): p["key"] for p in expected["people"]}


def test_punch_formats_agree_on_days_and_first_last_punch(fixtures, expected):
    """The four punch sources (ZKTeco log, attlog, USB report, DingTalk raw) hold the
    same punches: per person and day, the same first and last punch to the minute."""
    views = {}
    for name in PUNCH_FILES:
        keys = _by_person_key(expected, name)
        fl = _first_last(read_attendance(fixtures / name))
        views[name] = {(keys[pid], day): v for (pid, day), v in fl.items()}
    reference = views["zkteco_punch_log.xlsx"]
    assert len(reference) == 6 * 19 - 1 - 1 + 2      # 19 workdays; P3 absent, P5 on leave; P1 2 rest days
    for name, view in views.items():
        assert view == reference, name
    p1 = {day for (key, day) in reference if key == "P1"}
    assert date(2024, 6, 10) in p1 and date(2024, 6, 22) in p1      # rest-day punches are kept
    assert reference[("P3", date(2024, 6, 13))] == (time(9, 5), time(17, 30))
    assert ("P3", date(2024, 6, 12)) not in reference


def test_punch_log_details(fixtures):
    log = read_attendance(fixtures / "zkteco_punch_log.xlsx")
    attlog = read_attendance(fixtures / "zkteco_1_attlog.dat")
    assert {(p.person_id, p.at) for p in log.punches} == {(p.person_id, p.at) for p in attlog.punches}
    p2 = sorted(p.at.time() for p in log.punches if p.person_id == "102" and p.at.day == 5)
    assert p2 == [time(8, 41), time(8, 42)]      # two check-ins a minute apart: both kept
    first = log.punches[0]
    assert first.source == "zkteco_punch_log.xlsx 工作表“Sheet1” 第 2 行 D 列"
    serial = next(p for p in log.punches if p.source.endswith("第 7 行 D 列"))    # a real Excel date-time
    assert serial.at.isoformat() == "2024-06-05T18:13:21"
    assert {p.name for p in log.punches if p.person_id == "104"} == {"买买提·艾力"}
    assert attlog.punches[0].source == "zkteco_1_attlog.dat 第 1 行" and attlog.punches[0].name == ""


def test_dingtalk_raw_keeps_ids_and_result(fixtures):
    parsed = read_attendance(fixtures / "dingtalk_raw_records.xlsx")
    first = parsed.punches[0]
    assert (first.person_id, first.name, first.result) == ("0101", "周建国", "迟到")
    assert first.other_ids == ("0336201207718811201",)
    assert parsed.period == (date(2024, 6, 1), date(2024, 6, 30))
    assert first.source == "dingtalk_raw_records.xlsx 工作表“原始记录” 第 4 行 I 列"


def test_dingtalk_daily_records(fixtures):
    parsed = read_attendance(fixtures / "dingtalk_report.xlsx")
    assert parsed.sheet == "每日统计" and len(parsed.days) == 6 * 30
    day = {(r.person_id[-4:], r.day.day): r for r in parsed.days}
    late = day[("1201", 3)]
    assert late.punches == (time(9, 40), time(17, 45)) and late.status == "迟到,正常"
    assert late.other_ids == ("0101",) and late.name == "周建国"
    assert day[("1202", 5)].punches == (time(8, 41),) and "缺卡" in day[("1202", 5)].status
    assert day[("1203", 12)].punches == () and day[("1203", 12)].status == "旷工"
    assert day[("1204", 17)].punches == (time(17, 50),)
    leave = day[("1205", 20)]
    assert (leave.leave_type, leave.leave_days, leave.punches) == ("病假", Decimal(1), ())
    assert [r for r in parsed.days if r.leave_type] == [leave]
    assert day[("1201", 10)].status == "休息" and day[("1201", 10)].punches == (time(9, 50), time(11, 30))
    assert any("事假" in n for n in parsed.notes)      # the samples' 1 day sits under 事假(天)


def test_dingtalk_monthly_summary_when_alone(fixtures, expected, tmp_path):
    from openpyxl import load_workbook
    wb = load_workbook(fixtures / "dingtalk_report.xlsx")
    del wb["每日统计"]
    path = tmp_path / "月度汇总.xlsx"
    wb.save(path)
    assert detect_format(path) == "dingtalk_report"
    parsed = read_attendance(path)
    assert parsed.sheet == "月度汇总" and parsed.problems == []
    assert all(r.punches == () for r in parsed.days)
    got = reference_counts(parsed, expected)
    for pid, counts in expected["fixtures"]["dingtalk_report.xlsx#月度汇总"]["expected"].items():
        assert {k: got[pid][k] for k in counts if k != "name"} == {
            k: v for k, v in counts.items() if k != "name"}
    leave = [r for r in parsed.days if r.leave_type]
    assert [(r.name, r.day, r.leave_type, r.leave_days) for r in leave] == [
        ("欧阳秀英", date(2024, 6, 20), "病假", Decimal(1))]
    two = next(r for r in parsed.days if r.name == "买买提·艾力" and r.day.day == 18)
    assert two.status == "上班迟到60分钟,下班早退150分钟"


def test_wecom_daily_records(fixtures):
    parsed = read_attendance(fixtures / "wecom_daily.xlsx")
    day = {(r.person_id, r.day.day): r for r in parsed.days}
    assert day[("WuXiaoyan", 5)].punches == (time(8, 41), time(8, 42))      # 打卡时间记录, both kept
    assert day[("WuXiaoyan", 5)].status == "缺卡1次"
    assert day[("ZhengHai", 12)].punches == () and day[("ZhengHai", 12)].status == "旷工510分钟"
    assert day[("MaimaitiAili", 17)].punches == (time(17, 50),)
    leave = day[("OuyangXiuying", 20)]
    assert (leave.leave_type, leave.leave_days) == ("病假", Decimal(1))
    assert day[("ZhouJianguo", 22)].status == "正常（休息）"
    assert day[("ZhouJianguo", 3)].other_ids == ("0101",)
    assert parsed.period == (date(2024, 6, 1), date(2024, 6, 30))


def test_wecom_monthly_records(fixtures):
    parsed = read_attendance(fixtures / "wecom_monthly.xlsx")
    assert parsed.period == (date(2024, 6, 1), date(2024, 6, 30))     # year from 制表时间
    day = {(r.person_id, r.day.day): r for r in parsed.days}
    assert day[("MaimaitiAili", 18)].status == "迟到60分钟; 早退150分钟"    # trailing ' ;' dropped
    assert day[("ZhouJianguo", 1)].status == "正常（休息）"
    assert (day[("OuyangXiuying", 20)].leave_type, day[("OuyangXiuying", 20)].leave_days) == (
        "病假", Decimal(1))
    assert day[("ZhouJianguo", 3)].source == "wecom_monthly.xlsx 工作表“上下班打卡_月报” 第 5 行 AW 列"


def test_zkteco_usb_report(fixtures):
    parsed = read_attendance(fixtures / "zkteco_usb_report.xlsx")
    assert parsed.sheet == "刷卡记录" and parsed.period == (date(2024, 6, 1), date(2024, 6, 30))
    p4 = sorted(p.at for p in parsed.punches if p.person_id == "104" and p.at.day in (17, 18))
    assert [t.strftime("%d %H:%M") for t in p4] == ["17 17:50", "18 10:00", "18 15:00"]
    assert {p.name for p in parsed.punches} >= {"买买提·艾力", "欧阳秀英"}
    assert parsed.punches[0].source == "zkteco_usb_report.xlsx 工作表“刷卡记录” 第 6 行 C 列"


def test_progress_is_reported(fixtures):
    calls = []
    read_attendance(fixtures / "zkteco_punch_log.xlsx",
                    progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_explicit_format_must_fit(fixtures):
    from kaohe_desktop.domain.errors import InputError
    with pytest.raises(InputError, match="钉钉 原始记录"):
        read_attendance(fixtures / "zkteco_punch_log.xlsx", format="dingtalk_raw")
    parsed = read_attendance(fixtures / "zkteco_punch_log.xlsx", format="zkteco_log")
    assert len(parsed.punches) == 227
