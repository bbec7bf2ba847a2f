"""DingTalk (钉钉) 考勤报表: sheet 每日统计 (one row per person-day) and sheet 月度汇总 (one
row per person, one result cell per day), each under a title row, a '报表生成时间' row and
two merged header rows ('迟到' over '迟到次数 | 迟到时长'); one header row is tolerated.

每日统计 is read when present: 日期 ('24-06-03 星期一'), 班次, every 上班N/下班N打卡时间 cell
(times, '次日 HH:MM' allowed) with its 打卡结果, the 请假 group's amounts ('事假(天)',
'调休(小时)' at 8 hours a day) or else the leave named in 关联的审批单. The id is UserId
(工号 kept in `other_ids`; 工号 when UserId is blank). Only when the workbook has no
每日统计 (or one with a header but no rows) is 月度汇总 read: its day cells give the status
and leave ('病假 1天'), no times.
"""

from __future__ import annotations

import re

from kaohe_desktop.domain.errors import InputError, Problem

from .base import Found
from .cells import norm, text
from .collect import Collector
from .container import Source
from .dayrows import DayRow, add_day_row, clean_status, is_blank, leave_columns, person, row_date
from .period import day_run, find_period, map_days
from .table import Header, find_header

FORMAT = "dingtalk_report"
WANTS = "钉钉 考勤报表：工作表 每日统计（姓名、UserId/工号、日期、上班1打卡时间…）或 月度汇总"
DAILY, MONTHLY = "每日统计", "月度汇总"
ANCHORS = ("姓名", "UserId", "工号")
_PUNCH = re.compile(r"^(上班|下班)(\d*)打卡时间$")


def _daily_header(rows: list[list[object]], named: bool) -> Header | None:
    need = [("日期",), ("上班1打卡时间", "上班打卡时间", "下班1打卡时间", "班次")]
    if not named:
        need.append(("考勤组", "UserId"))
    return find_header(rows, ANCHORS, need)


def _monthly_header(rows: list[list[object]], named: bool) -> Header | None:
    need = [("出勤天数", "应出勤天数", "考勤结果")]
    if not named:
        need.append(("考勤组", "UserId"))
    header = find_header(rows, ANCHORS, need)
    return header if header is not None and len(day_run(header.names)) >= 7 else None


def find(src: Source) -> Found | None:
    names = src.sheet_names
    empty_daily = None
    for sheet in sorted(names, key=lambda n: n != DAILY):
        head = src.head(sheet)
        header = _daily_header(head, norm(sheet) == DAILY)
        if header is not None:
            found = Found(FORMAT, sheet, header, {"kind": "daily"})
            if _has_rows(src, sheet, header):
                return found
            empty_daily = empty_daily or found   # header only: 月度汇总 may still hold the data
    for sheet in sorted(names, key=lambda n: n != MONTHLY):
        header = _monthly_header(src.head(sheet), norm(sheet) == MONTHLY)
        if header is not None:
            found = Found(FORMAT, sheet, header, {"kind": "monthly"})
            if empty_daily is not None:
                found.extra["notes"] = [f"工作表“{empty_daily.sheet}”只有表头没有数据，读取了“{sheet}”"]
            return found
    return empty_daily


def _has_rows(src: Source, sheet: str, header: Header) -> bool:
    """Whether anything but blank rows follows the header (an export can carry a 每日统计
    sheet with its header only, beside a filled 月度汇总)."""
    rows = src.head(sheet, header.first_data + 50)
    return any(not is_blank(row) for row in rows[header.first_data:]) or len(rows) >= header.first_data + 50


def read(src: Source, found: Found, col: Collector) -> None:
    rows = src.rows(found.sheet)
    found.extra["period"] = find_period(rows[:found.header.row])
    if found.extra["kind"] == "daily":
        _read_daily(col, found.sheet, rows, found.header)
        if MONTHLY in src.sheet_names:
            found.extra.setdefault("notes", []).append(
                f"读取了工作表“{found.sheet}”；“{MONTHLY}”是它的汇总，未重复读取")
    else:
        _read_monthly(col, found, rows)


def _read_daily(col: Collector, sheet: str, rows: list[list[object]], h: Header) -> None:
    c_user, c_emp, c_name = h.find(("UserId",)), h.find(("工号",)), h.find(("姓名",))
    c_date, c_shift = h.find(("日期", "考勤日期")), h.find(("班次",))
    c_status = h.find(("考勤结果",))
    c_note = h.find(("关联的审批单", "审批单"))
    punch_cols = [j for j, n in enumerate(h.names) if _PUNCH.match(n)]
    result_cols = [h.find((n.replace("时间", "结果"),)) for n in (h.names[j] for j in punch_cols)]
    leaves = leave_columns(h)
    if c_user is None:
        c_user, c_emp = c_emp, None
    for i in range(h.first_data, len(rows)):
        row, r = rows[i], i + 1
        if is_blank(row):
            continue
        pid, name, others = person(row, c_user, c_emp, c_name)
        if not pid and not name and (c_date >= len(row) or not text(row[c_date])):
            continue                  # a footer or spacer row
        day = row_date(col, h, sheet, row, r, c_date)
        if day is None:
            continue
        results = [text(row[c]) for c in result_cols if c is not None and c < len(row)]
        shift = text(row[c_shift]) if c_shift is not None and c_shift < len(row) else ""
        if c_status is not None and c_status < len(row) and text(row[c_status]):
            status = clean_status(row[c_status])
        else:
            status = _status_of_results(h, punch_cols, result_cols, row)
            if not status and shift == "休息":
                status = "休息"
        add_day_row(col, h, DayRow(
            sheet, r, pid, name, day,
            time_cells=[(c, row[c]) for c in punch_cols if c < len(row)],
            status=status,
            leave_cells=[(lc, row[lc.col]) for lc in leaves if lc.col < len(row)],
            leave_text=text(row[c_note]) if c_note is not None and c_note < len(row) else "",
            results=results, other_ids=others, source_col=c_date, name_col=c_name))


def _status_of_results(h: Header, punch_cols: list[int], result_cols: list[int | None],
                       row: list[object]) -> str:
    """The day's status from its 上班N/下班N打卡结果 cells when there is no 考勤结果 column:
    distinct results once each ('迟到,正常'), but every '缺卡' kept and named by its punch
    ('上班缺卡,下班缺卡' as 月度汇总 writes it), so a no-show day's two missing punches are
    not merged into one."""
    words: list[str] = []
    for j, c in zip(punch_cols, result_cols, strict=True):
        value = text(row[c]) if c is not None and c < len(row) else ""
        if value == "缺卡":
            words.append(_PUNCH.match(h.names[j]).group(1) + value)
        elif value and value not in words:
            words.append(value)
    return ",".join(words)


def _read_monthly(col: Collector, found: Found, rows: list[list[object]]) -> None:
    h, sheet = found.header, found.sheet
    period = found.extra["period"]
    days = day_run(h.names)
    if period is None:
        raise InputError(Problem("找不到统计日期（标题行应有“统计日期：2024-06-01 至 2024-06-30”），"
                                 "无法确定每一列是哪一天", file=col.file, sheet=sheet))
    day_of, reason = map_days(h.names, days, *period)
    if reason:
        col.problem(reason, sheet=sheet, row=h.row + h.depth)
    read_day_cells(col, h, sheet, rows, day_of, ("UserId",), ("工号",))


def read_day_cells(col: Collector, h: Header, sheet: str, rows: list[list[object]],
                   day_of: dict, id_names: tuple[str, ...], alt_names: tuple[str, ...]) -> None:
    """One DayRecord per non-empty day cell of a monthly sheet (status and leave only)."""
    c_id, c_alt, c_name = h.find(id_names), h.find(alt_names), h.find(("姓名",))
    if c_id is None:
        c_id, c_alt = c_alt, None
    for i in range(h.first_data, len(rows)):
        row, r = rows[i], i + 1
        if is_blank(row):
            continue
        pid, name, others = person(row, c_id, c_alt, c_name)
        if not pid and not name:
            continue
        for c, day in day_of.items():
            cell = row[c] if c < len(row) else ""
            status = clean_status(cell)
            if not status or status in ("--", "-"):
                continue
            add_day_row(col, h, DayRow(sheet, r, pid, name, day, status=status, leave_text=status,
                                       other_ids=others, source_col=c, name_col=c_name))
