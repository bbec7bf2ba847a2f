"""ZKTeco (中控) ZKTime / 考勤管理程序 "考勤记录" export, .xlsx or legacy .xls (often GBK):
one row per punch — 部门 姓名 登记号码 日期时间 机器号 编号 比对方式 卡号 — with text
date-times and real Excel date-times mixed in one column.

Also takes any other clock's one-row-per-punch sheet with an id or name column and a
date-time column (or 日期 + 时间), since their shape is the same; other vendors' header
words are in `punchlog`'s alias lists. The id is 登记号码/考勤号码/工号 as text (101.0 → "101").
"""

from __future__ import annotations

from .base import Found
from .collect import Collector
from .container import Source
from .punchlog import (
    DATE_ALIASES,
    DATETIME_ALIASES,
    ID_ALIASES,
    NAME_ALIASES,
    LogColumns,
    first_of,
    read_log,
)
from .table import Header, find_header

FORMAT = "zkteco_log"
WANTS = "打卡记录表（中控 考勤记录 等）：登记号码/考勤号码/工号 或 姓名，加 日期时间（或 日期 + 时间）"
TIME_ALIASES = ("时间", "打卡时间", "签到时间", "刷卡时间", "Time")


def columns(header: Header) -> LogColumns | None:
    pid = first_of(header, ID_ALIASES)
    name = first_of(header, NAME_ALIASES)
    if pid is None and name is None:
        return None
    date = first_of(header, DATE_ALIASES)
    if date is not None:
        time = first_of(header, TIME_ALIASES)
        if time is not None:
            return LogColumns(time=time, person_id=pid, name=name, date=date)
    time = first_of(header, DATETIME_ALIASES)
    if time is None:
        return None
    return LogColumns(time=time, person_id=pid, name=name, date=date)


def find(src: Source) -> Found | None:
    for sheet in src.sheet_names:
        head = src.head(sheet)
        header = find_header(head, ID_ALIASES + NAME_ALIASES, [DATETIME_ALIASES + DATE_ALIASES])
        if header is not None and columns(header) is not None:
            return Found(FORMAT, sheet, header)
    return None


def read(src: Source, found: Found, col: Collector) -> None:
    rows = src.rows(found.sheet)
    read_log(col, found.sheet, rows, found.header, columns(found.header))
    src.forget(found.sheet)
