"""WeCom (企业微信) 打卡 → 上下班打卡_月报: one row per person, statistics, then one cell per
day under 打卡明细 ('1\\n星期六' … headers; cells '正常 ;', '迟到40分钟 ;', '病假1天 ;',
'正常（休息） ;'). Each non-empty day cell becomes a DayRecord with that status (trailing
' ;' removed) and the leave it names; there are no punch times in a monthly report.

The title says '统计时间:06-01 ～ 06-30' without a year: the year comes from 制表时间, else
from the weekday in the day headers (the latest year, not after this one, that fits).
"""

from __future__ import annotations

from datetime import date

from kaohe_desktop.domain.errors import InputError, Problem

from .base import Found
from .collect import Collector
from .container import Source
from .dingtalk_report import read_day_cells
from .period import PERIOD_RX, _title_text, day_key, day_run, find_period, map_days, year_from_weekdays
from .table import find_header

FORMAT = "wecom_monthly"
WANTS = "企业微信 上下班打卡_月报：姓名、账号、按日的打卡明细列（1 星期六 …）"


def find(src: Source) -> Found | None:
    for sheet in src.sheet_names:
        header = find_header(src.head(sheet), ("姓名", "账号"),
                             [("账号", "所属规则"), ("应出勤天数(天)", "实际出勤天数(天)", "打卡明细")])
        if header is not None and len(day_run(header.names)) >= 7:
            return Found(FORMAT, sheet, header)
    return None


def _period(rows: list[list[object]], names: list[str], days: list[int]) -> tuple[date, date] | None:
    period = find_period(rows)
    if period is not None or not days:
        return period
    m = PERIOD_RX.search(_title_text(rows, 4))
    first = day_key(names[days[0]])
    if not m or first is None or first[1] is None:
        return None
    _, m1, d1, _, m2, d2 = m.groups()
    year = year_from_weekdays(int(m1), int(d1), first[1], date.today().year)
    if year is None:
        return None
    start = date(year, int(m1), int(d1))
    end = date(year + (int(m2) < int(m1)), int(m2), int(d2))
    return start, end


def read(src: Source, found: Found, col: Collector) -> None:
    rows, h, sheet = src.rows(found.sheet), found.header, found.sheet
    days = day_run(h.names)
    period = _period(rows[:h.row], h.names, days)
    found.extra["period"] = period
    if period is None:
        raise InputError(Problem("找不到统计时间（标题行应有“统计时间:06-01 ～ 06-30”），"
                                 "无法确定每一列是哪一天", file=col.file, sheet=sheet))
    day_of, reason = map_days(h.names, days, *period)
    if reason:
        col.problem(reason, sheet=sheet, row=h.row + h.depth)
    read_day_cells(col, h, sheet, rows, day_of, ("账号",), ("工号",))
