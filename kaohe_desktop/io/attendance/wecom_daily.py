"""WeCom (企业微信) 打卡 → 上下班打卡_日报, sheet 概况统计与打卡明细: one row per person-day
(newest date first), title rows '概况统计与打卡明细' and '统计时间:06-01 ～ 06-30 制表时间:…',
then two merged header rows (基础信息 / 考勤概况 / 异常统计 / 假勤统计 / 上班1 / 下班1 …).

Read: 时间 ('2024/06/30 星期日'), 姓名, 账号 (the id; 工号 kept in `other_ids`, used when
账号 is blank), every time in 打卡时间记录 ('08:41 08:42') — else the 上班N/下班N 打卡时间
cells, else 最早/最晚 — and 考勤结果 as the status ('迟到40分钟', '正常（休息）' …, raw).
Leave: the 假勤统计 amounts ('病假(天)', '外出(小时)'), else the text of 假勤申请 ('病假1天').
"--" means none/zero everywhere.
"""

from __future__ import annotations

from .base import Found
from .cells import norm, text
from .collect import Collector
from .container import Source
from .dayrows import DayRow, add_day_row, clean_status, is_blank, leave_columns, person, row_date
from .period import find_period
from .table import Header, find_header

FORMAT = "wecom_daily"
WANTS = "企业微信 上下班打卡_日报：时间、姓名、账号、打卡时间记录/上班1 打卡时间、考勤结果"
ANCHORS = ("姓名", "账号")


def find(src: Source) -> Found | None:
    for sheet in src.sheet_names:
        header = find_header(src.head(sheet), ANCHORS,
                             [("时间", "日期"), ("账号", "所属规则"),
                              ("打卡时间记录", "打卡时间", "最早", "考勤结果")])
        if header is None or header.find(("时间", "日期")) is None:
            continue
        if header.find(("出勤天数", "应出勤天数(天)")) is not None:
            continue                  # a monthly sheet
        return Found(FORMAT, sheet, header)
    return None


def read(src: Source, found: Found, col: Collector) -> None:
    rows, h, sheet = src.rows(found.sheet), found.header, found.sheet
    found.extra["period"] = find_period(rows[:h.row])
    c_acct, c_emp, c_name = h.find(("账号",)), h.find(("工号",)), h.find(("姓名",))
    c_date = h.find(("时间", "日期"))
    c_status, c_apply = h.find(("考勤结果",)), h.find(("假勤申请",))
    times = _time_columns(h)
    result_cols = h.find_all(("打卡状态",))
    leaves = leave_columns(h)
    if c_acct is None:
        c_acct, c_emp = c_emp, None
    for i in range(h.first_data, len(rows)):
        row, r = rows[i], i + 1
        if is_blank(row):
            continue
        pid, name, others = person(row, c_acct, c_emp, c_name)
        if not pid and not name:
            continue
        day = row_date(col, h, sheet, row, r, c_date)
        if day is None:
            continue
        add_day_row(col, h, DayRow(
            sheet, r, pid, name, day,
            time_cells=[(c, row[c]) for c in times if c < len(row)],
            status=clean_status(row[c_status]) if c_status is not None and c_status < len(row) else "",
            leave_cells=[(lc, row[lc.col]) for lc in leaves if lc.col < len(row)],
            leave_text=text(row[c_apply]) if c_apply is not None and c_apply < len(row) else "",
            results=[text(row[c]) for c in result_cols if c < len(row)],
            other_ids=others, source_col=c_date, name_col=c_name))


def _time_columns(h: Header) -> list[int]:
    record = h.find(("打卡时间记录",))
    if record is not None:
        return [record]
    per_punch = [j for j in h.find_all(("打卡时间",)) if norm(h.groups[j]).startswith(("上班", "下班"))]
    if per_punch:
        return per_punch
    return [j for j in h.find_all(("最早", "最晚"), group=("考勤概况",))] or h.find_all(("最早", "最晚"))[:2]
