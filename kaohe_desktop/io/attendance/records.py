"""What an attendance file holds, as plain data: the contract between the readers (io)
and the attendance rules (domain) and services.

A reader returns either punches (log formats: one clock event per row or per time in a
cell) or day records (report formats: one person-day, possibly with its punch times,
result text and leave) — never both for the same person-day. `problems` lists every cell
that could not be read; the rows it names are left out of `punches`/`days`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import NamedTuple

from kaohe_desktop.domain.errors import Problem

FORMATS: tuple[str, ...] = (
    "dingtalk_raw", "dingtalk_report", "wecom_daily", "wecom_monthly",
    "zkteco_log", "zkteco_attlog", "zkteco_usb", "template", "mapped",
)


class Punch(NamedTuple):     # one clock event; a tuple: a year's log makes 150,000 of them
    person_id: str           # 考勤号/工号/UserId/PIN exactly as text (keep leading zeros); "" if none
    name: str                # as in the file ("" if none); keep U+00B7 and non-BMP characters intact
    at: datetime             # naive local time; "次日 HH:MM" means the next calendar day
    source: str              # where it came from, for messages: "文件.xlsx 工作表“x” 第 5 行 D 列"
    result: str = ""         # the export's own word for this punch, raw (DingTalk 打卡结果, attlog status)
    other_ids: tuple[str, ...] = ()  # further ids on the same row (UserId beside 工号, …)


@dataclass(frozen=True)
class DayRecord:             # one person-day from a statistics/report export (maybe no punch times)
    person_id: str
    name: str
    day: date
    punches: tuple[time, ...]       # check-in/out times shown for that day, if any
    status: str = ""                # the export's own result text (正常/迟到/缺卡/旷工/休息 …), raw
    leave_type: str = ""            # 事假/病假/年假/公出/调休 … when the export says so
    leave_days: Decimal = Decimal(0)  # 1 for a full day, 0.5 for half
    source: str = ""
    punch_at: tuple[datetime, ...] = ()  # the same punches as date-times: a 次日 time is on day + 1
    other_ids: tuple[str, ...] = ()


@dataclass
class ParsedAttendance:
    file: str
    format: str              # one of FORMATS
    punches: list[Punch]
    days: list[DayRecord]
    problems: list[Problem]  # every cell that could not be read: file, sheet, row, column, value, reason
    sheet: str = ""          # the sheet read ("" for attlog text)
    period: tuple[date, date] | None = None  # the export's own 统计日期, when its title states one
    rows_read: int = 0       # data rows looked at (for "n rows, m problems" summaries)
    notes: list[str] = field(default_factory=list)  # what the reader chose, for the preview
