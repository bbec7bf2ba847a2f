"""Regressions found with export files the other tests had not seen (holiday months, no-show
days in DingTalk 每日统计 without a 考勤结果 column, …)."""

from __future__ import annotations

from datetime import date

import pytest
from attendance_builders import xlsx

from kaohe_desktop.domain.attendance_status import read_status
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.attendance import read_attendance

DAILY_HEADER = ["姓名", "考勤组", "工号", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果",
                "下班1打卡时间", "下班1打卡结果"]


def test_dingtalk_daily_no_show_keeps_both_missing_punches(tmp_path):
    """A no-show day whose 打卡结果 cells both say 缺卡 (no 考勤结果 column): the status must
    name two missing punches, as 月度汇总 writes it, not merge them into one."""
    rows = [["每日统计表 统计日期：2024-05-01 至 2024-05-31"], ["报表生成时间：2024-06-01 08:00"],
            DAILY_HEADER,
            ["\U00020bb7田娜", "站务组", "0202", "u2", "24-05-22 星期三", "正常班 09:00-17:30",
             None, "缺卡", None, "缺卡"],
            ["\U00020bb7田娜", "站务组", "0202", "u2", "24-05-23 星期四", "正常班 09:00-17:30",
             "08:50", "正常", None, "缺卡"],
            ["\U00020bb7田娜", "站务组", "0202", "u2", "24-05-24 星期五", "正常班 09:00-17:30",
             "09:20", "迟到", "17:40", "正常"]]
    parsed = read_attendance(xlsx(tmp_path / "考勤报表.xlsx", rows, sheet="每日统计"))
    assert parsed.problems == []
    status = {r.day: r.status for r in parsed.days}
    assert status[date(2024, 5, 22)] == "上班缺卡,下班缺卡"
    assert read_status(status[date(2024, 5, 22)]).missing == 2
    assert status[date(2024, 5, 23)] == "正常,下班缺卡"
    assert read_status(status[date(2024, 5, 23)]).missing == 1
    assert status[date(2024, 5, 24)] == "迟到,正常"


def test_dingtalk_daily_two_shifts_each_missing_counted(tmp_path):
    header = [*DAILY_HEADER, "上班2打卡时间", "上班2打卡结果", "下班2打卡时间", "下班2打卡结果"]
    rows = [["每日统计表 统计日期：2024-05-01 至 2024-05-31"], ["报表生成时间：2024-06-01 08:00"], header,
            ["刘洋", "组", "0204", "u4", "24-05-22 星期三", "两段班", "08:50", "正常", None, "缺卡",
             None, "缺卡", "17:40", "正常"]]
    (rec,) = read_attendance(xlsx(tmp_path / "r.xlsx", rows, sheet="每日统计")).days
    assert rec.status == "正常,下班缺卡,上班缺卡"


def test_dingtalk_report_with_empty_daily_sheet_reads_the_monthly_one(tmp_path):
    """考勤报表 whose 每日统计 sheet has its header but no rows, beside a filled 月度汇总:
    the monthly sheet is read (with a note), not "找到了表头，但下面没有任何考勤数据"."""
    monthly = [["月度汇总 统计日期：2024-05-01 至 2024-05-31"], ["报表生成时间：2024-06-01 08:00"],
               ["姓名", "考勤组", "工号", "UserId", "出勤天数", *[str(d) for d in range(1, 32)]],
               ["买买提·艾力", "组", "0201", "u1", 21, *["休息"] * 5, "上班缺卡,下班缺卡", *["正常"] * 25]]
    daily = [["每日统计表 统计日期：2024-05-01 至 2024-05-31"], ["报表生成时间：2024-06-01 08:00"],
             DAILY_HEADER, [], []]
    parsed = read_attendance(xlsx(tmp_path / "考勤报表.xlsx", daily, sheet="每日统计",
                                  more={"月度汇总": monthly}))
    assert parsed.format == "dingtalk_report" and parsed.sheet == "月度汇总"
    assert parsed.problems == [] and len(parsed.days) == 31
    assert {r.day: r.status for r in parsed.days}[date(2024, 5, 6)] == "上班缺卡,下班缺卡"
    assert any("每日统计" in n and "月度汇总" in n for n in parsed.notes)


def test_dingtalk_report_with_only_an_empty_daily_sheet_still_says_so(tmp_path):
    daily = [["每日统计表 统计日期：2024-05-01 至 2024-05-31"], ["报表生成时间：2024-06-01 08:00"],
             DAILY_HEADER]
    with pytest.raises(InputError, match="没有任何考勤数据"):
        read_attendance(xlsx(tmp_path / "考勤报表.xlsx", daily, sheet="每日统计"))
