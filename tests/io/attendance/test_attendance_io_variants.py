"""The variations real exports show from office to office (expected.json `uncertain`, the
fixtures README): legacy .xls (GBK), one header row instead of two, extra columns, 次日
times, a year missing from the title, attlog with spaces, a period across two months."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from attendance_builders import legacy_xls, xlsx
from python_calamine import CalamineWorkbook

from kaohe_desktop.io.attendance import detect_format, read_attendance


def sheet_rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def punch_set(parsed):
    return {(p.person_id, p.name, p.at) for p in parsed.punches}


def day_set(parsed):
    return {(r.person_id, r.name, r.day, r.punches, r.status, r.leave_type, r.leave_days)
            for r in parsed.days}


@pytest.mark.parametrize("biff", [5, 8])
def test_legacy_xls_reads_like_the_xlsx(fixtures, tmp_path, biff):
    """ZKTeco's 考勤记录.xls: BIFF5 with GBK text (code page 936) or BIFF8; text and real
    Excel date-times mixed — the same punches as the .xlsx sample, through calamine."""
    rows = sheet_rows(fixtures / "zkteco_punch_log.xlsx", "Sheet1")
    path = legacy_xls(tmp_path / "考勤记录.xls", rows, sheet="考勤记录", biff=biff)
    assert detect_format(path) == "zkteco_log"
    parsed = read_attendance(path)
    assert parsed.problems == []
    assert parsed.sheet == "考勤记录"
    assert punch_set(parsed) == punch_set(read_attendance(fixtures / "zkteco_punch_log.xlsx"))
    assert "买买提·艾力" in {p.name for p in parsed.punches}


def test_dingtalk_daily_with_one_header_row_and_extra_columns(fixtures, tmp_path):
    rows = sheet_rows(fixtures / "dingtalk_report.xlsx", "每日统计")
    top, low = rows[2], rows[3]
    single = [b if b else t for t, b in zip(top, low, strict=True)]
    body = [["备注", *r] for r in rows[4:]]
    path = xlsx(tmp_path / "每日统计.xlsx", [rows[0][:1], rows[1][:1], ["备注", *single], *body],
                sheet="每日统计")
    assert detect_format(path) == "dingtalk_report"
    parsed = read_attendance(path)
    assert parsed.problems == []
    assert day_set(parsed) == day_set(read_attendance(fixtures / "dingtalk_report.xlsx"))


def test_extra_and_reordered_columns_in_a_punch_log(fixtures, tmp_path):
    rows = sheet_rows(fixtures / "zkteco_punch_log.xlsx", "Sheet1")
    shuffled = [["序号", r[3], r[2], r[1], r[0], "备注"] for r in rows]
    shuffled[0][0] = "序号"
    path = xlsx(tmp_path / "log.xlsx", shuffled)
    parsed = read_attendance(path)
    assert parsed.problems == []
    assert punch_set(parsed) == punch_set(read_attendance(fixtures / "zkteco_punch_log.xlsx"))


def test_printed_header_repeated_mid_sheet(tmp_path):
    header = ["部门", "姓名", "登记号码", "日期时间"]
    path = xlsx(tmp_path / "log.xlsx", [header, ["窗口", "周建国", 101, "2024/06/03 08:30:00"],
                                       header, ["窗口", "周建国", 101, "2024/06/03 17:40:00"]])
    parsed = read_attendance(path)
    assert parsed.problems == [] and len(parsed.punches) == 2


def test_next_day_times_in_a_daily_report(tmp_path):
    rows = [["每日统计表 统计日期：2024-06-01 至 2024-06-30"], ["报表生成时间：2024-07-01 10:15"],
            ["姓名", "考勤组", "工号", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果",
             "下班1打卡时间", "下班1打卡结果"],
            ["郑海", "夜班组", "0103", "u3", "24-06-03 星期一", "夜班 18:00-02:00", "17:55", "正常",
             "次日 02:05", "正常"]]
    parsed = read_attendance(xlsx(tmp_path / "r.xlsx", rows, sheet="每日统计"))
    assert parsed.format == "dingtalk_report" and parsed.problems == []
    (rec,) = parsed.days
    assert rec.punches == (time(17, 55), time(2, 5))
    assert rec.punch_at == (datetime(2024, 6, 3, 17, 55), datetime(2024, 6, 4, 2, 5))
    assert (rec.person_id, rec.other_ids) == ("u3", ("0103",))


def test_next_day_in_a_punch_log_time_column(tmp_path):
    path = xlsx(tmp_path / "log.xlsx", [["工号", "姓名", "日期", "时间"],
                                       ["0103", "郑海", "2024-06-03", "17:55"],
                                       ["0103", "郑海", "2024-06-03", "次日 02:05"]])
    parsed = read_attendance(path)
    assert [p.at for p in parsed.punches] == [datetime(2024, 6, 3, 17, 55), datetime(2024, 6, 4, 2, 5)]
    assert parsed.punches[0].person_id == "0103"        # text id keeps its leading zero


def test_wecom_monthly_year_from_weekdays_when_title_has_none(fixtures, tmp_path):
    rows = sheet_rows(fixtures / "wecom_monthly.xlsx", "上下班打卡_月报")
    rows[1] = ["统计时间:06-01 ～ 06-30"] + [""] * (len(rows[1]) - 1)
    path = xlsx(tmp_path / "月报.xlsx", rows, sheet="上下班打卡_月报")
    parsed = read_attendance(path)
    assert parsed.period == (date(2024, 6, 1), date(2024, 6, 30))     # 6/1 a Saturday: 2024
    assert parsed.problems == [] and len(parsed.days) == 180


def test_attlog_with_spaces_lf_and_bom(tmp_path):
    path = tmp_path / "attlog.txt"
    path.write_bytes("\ufeff 0101  2024-06-03 08:30:12  1  0  1  0\n"
                     " 0102  2024-06-03 08:31:00  1  0  1  0\n\n".encode("utf-8"))
    parsed = read_attendance(path)
    assert parsed.format == "zkteco_attlog" and parsed.problems == []
    assert [p.person_id for p in parsed.punches] == ["0101", "0102"]


def test_usb_report_period_across_two_months(tmp_path):
    days = list(range(26, 32)) + list(range(1, 26))
    rows = [["刷卡记录表"], [], ["考勤日期 : ", "", "2024/05/26 ~ 06/25"], days,
            ["工 号：", "", "0107", "", "", "", "", "", "姓 名:", "", "陈·亮"],
            ["08:50\n17:40", "", "", "", "", "", "09:01\n"] + [""] * 24]
    parsed = read_attendance(xlsx(tmp_path / "汇总.xlsx", rows, sheet="刷卡记录"))
    assert parsed.format == "zkteco_usb" and parsed.problems == []
    assert [p.at for p in parsed.punches] == [datetime(2024, 5, 26, 8, 50), datetime(2024, 5, 26, 17, 40),
                                              datetime(2024, 6, 1, 9, 1)]
    assert parsed.punches[0].person_id == "0107" and parsed.punches[0].name == "陈·亮"


def test_mid_month_export_lists_days_still_to_come(tmp_path):
    today = date.today()
    rows = [["每日统计表"], ["报表生成时间：x"],
            ["姓名", "考勤组", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果",
             "下班1打卡时间", "下班1打卡结果"],
            ["郑海", "组", "u3", today.isoformat(), "正常班", "08:50", "正常", "", ""],
            ["郑海", "组", "u3", (today + timedelta(days=1)).isoformat(), "正常班", "", "", "", ""],
            ["郑海", "组", "u3", (today + timedelta(days=2)).isoformat(), "正常班", "08:50", "", "", ""]]
    parsed = read_attendance(xlsx(tmp_path / "r.xlsx", rows, sheet="每日统计"))
    assert [r.day for r in parsed.days] == [today]
    (problem,) = parsed.problems                      # a punch in the future cannot be right
    assert problem.row == 6 and "今天" in problem.reason
    assert problem.column.startswith("D") and "日期" in problem.column
    assert problem.value == (today + timedelta(days=2)).isoformat()


def test_non_bmp_name_kept(tmp_path):
    path = xlsx(tmp_path / "log.xlsx", [["登记号码", "姓名", "日期时间"],
                                       ["0108", "\U00020bb7野", "2024/06/03 08:30:00"]])
    (punch,) = read_attendance(path).punches
    assert punch.name == "\U00020bb7野" and punch.person_id == "0108"


def test_html_table_saved_as_xls(tmp_path):
    """Web and clock software often save an HTML table named .xls (in GBK)."""
    html = ("<html><head><meta charset='gbk'></head><body><table border=1>"
            "<tr><th>部门</th><th>姓名</th><th>考勤号码</th><th>日期时间</th></tr>"
            "<tr><td>综合窗口</td><td>周建国</td><td>0101</td><td>2024-06-03 09:40:00</td></tr>"
            "<tr><td>综合窗口</td><td>买买提·艾力</td><td>0104</td><td>2024-06-03 08:55:00</td></tr>"
            "</table></body></html>")
    path = tmp_path / "考勤记录.xls"
    path.write_bytes(html.encode("gbk"))
    assert detect_format(path) == "zkteco_log"
    parsed = read_attendance(path)
    assert [(p.person_id, p.name, p.at.hour) for p in parsed.punches] == [
        ("0101", "周建国", 9), ("0104", "买买提·艾力", 8)]
    assert parsed.punches[0].source == "考勤记录.xls 工作表“表1” 第 2 行 D 列"


def test_tab_separated_text_saved_as_xls(tmp_path):
    text = ("登记号码\t姓名\t日期时间\t机器号\r\n"
            "101\t周建国\t2024/06/03 09:40:00\t1\r\n"
            "102\t吴晓燕\t2024/06/03 25:10:00\t1\r\n")
    path = tmp_path / "考勤记录.xls"
    path.write_bytes(text.encode("gbk"))
    parsed = read_attendance(path)
    assert parsed.format == "zkteco_log" and [p.name for p in parsed.punches] == ["周建国"]
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "C（日期时间）")]
