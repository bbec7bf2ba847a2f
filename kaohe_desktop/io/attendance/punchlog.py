"""The loop shared by every one-row-per-punch sheet (ZKTeco 考勤记录, DingTalk 原始记录, a
mapped layout): id, name, and either one date-time cell or a date cell plus time cells.

This is the hot path for a township-year log (150,000 rows), so the common case — a
'YYYY/MM/DD HH:MM:SS' string or a real Excel date-time in one cell — goes through
`parse_datetime`'s fast path and nothing else per row is heavier than a dict lookup.
A row whose time cell is blank or says 未打卡/缺卡 has no punch and is skipped silently;
anything else that cannot be read becomes a problem naming the row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kaohe_desktop.io.workbook import column_letter

from .cells import (
    MERIDIEM_BEFORE,
    NO_PUNCH,
    CellError,
    id_text,
    parse_date,
    parse_datetime,
    parse_times,
    text,
)
from .collect import PROGRESS_EVERY, Collector
from .records import Punch
from .table import Header

_TIME_ONLY = re.compile(rf"^\s*(?:次日)?\s*(?:{MERIDIEM_BEFORE})?\s*\d{{1,2}}\s*[:：时]")

ID_ALIASES = ("登记号码", "考勤号码", "考勤号", "考勤编号", "工号", "人员编号", "员工编号", "员工号",
              "用户编号", "用户号", "用户ID", "人员ID", "UserId", "AC-No.", "AC-No", "AC No.", "PIN",
              "EnNo", "No.", "ID")
NAME_ALIASES = ("姓名", "名字", "员工姓名", "人员姓名", "用户名", "Name")
DATETIME_ALIASES = ("日期时间", "打卡时间", "签到时间", "刷卡时间", "考勤时间", "记录时间", "识别时间",
                    "通行时间", "时间", "DateTime", "Date/Time", "Time")
DATE_ALIASES = ("日期", "考勤日期", "打卡日期", "刷卡日期", "Date")
RESULT_ALIASES = ("打卡结果", "考勤结果", "状态", "签到/退", "State")


@dataclass
class LogColumns:
    time: int                         # the date-time cell, or the time cell with `date`
    person_id: int | None = None
    name: int | None = None
    date: int | None = None
    extra_times: list[int] = field(default_factory=list)  # more time cells on the same row
    result: int | None = None
    other_ids: list[int] = field(default_factory=list)


def first_of(header: Header, aliases: tuple[str, ...]) -> int | None:
    """The column of the first alias (in the order given) that the header has."""
    for alias in aliases:
        col = header.find((alias,))
        if col is not None:
            return col
    return None


def read_log(col: Collector, sheet: str, rows: list[list[object]], header: Header,
             cols: LogColumns) -> None:
    """Add a Punch per readable time of every data row below `header` to `col`.

    Written for speed (bench/attendance_bench.py): rows whose one date-time cell is a
    plain 'YYYY/MM/DD HH:MM:SS' text or a real Excel date-time, with an id/name already
    seen, take an inlined path; every other row goes through `_Rows.row`, which handles
    all cases (date + time cells, several times, problems, first sight of an id).
    Consumes `rows` from the header down: each is set to None once read, so the peak
    memory is the larger of rows and punches, not their sum.
    """
    rows_reader = _Rows(col, sheet, header, cols)
    slow = rows_reader.row
    total = len(rows)
    simple = cols.date is None and not cols.extra_times and not cols.other_ids and cols.result is None
    if not simple:
        for i in range(header.first_data, total):
            if i % PROGRESS_EVERY == 0:
                col.tick(i, total)
            row, rows[i] = rows[i], None
            slow(i, row)
        col.rows_read += rows_reader.read
        col.tick(total, total)
        return
    c_id, c_name, c_time = cols.person_id, cols.name, cols.time
    prefix = f"{col.file} 工作表“{sheet}” 第 "
    suffix = f" 行 {column_letter(c_time)} 列"
    earliest = datetime(2000, 1, 1)
    latest = datetime.combine(col.today, datetime.max.time())
    fromiso = datetime.fromisoformat
    known, id_cache = rows_reader.known, rows_reader.id_cache
    seen, append = col._punch_keys, col.punches.append
    seen_add = seen.add
    fast = 0
    new_punch = tuple.__new__      # Punch(...) runs a Python-level __new__: 150,000 calls
    for block in range(header.first_data, total, PROGRESS_EVERY):
        col.tick(block, total)
        for i in range(block, min(block + PROGRESS_EVERY, total)):
            row = rows[i]
            rows[i] = None         # release each row once read: peak memory ≈ rows or punches, not both
            try:
                value = row[c_time]
                raw_id = row[c_id] if c_id is not None else ""
                name = row[c_name] if c_name is not None else ""
            except IndexError:
                slow(i, row)
                continue
            if type(value) is str and len(value) in (16, 19) and value[10] == " " and value[4] in "-/":
                try:               # 'YYYY/MM/DD HH:MM[:SS]': no room for a fraction or a time zone
                    at = fromiso(value.replace("/", "-"))
                except ValueError:
                    slow(i, row)
                    continue
            elif type(value) is datetime and not value.microsecond:
                at = value
            else:
                slow(i, row)
                continue
            if not (earliest <= at <= latest):
                slow(i, row)
                continue
            pid = raw_id.strip() if type(raw_id) is str else id_cache.get(raw_id)
            if type(name) is str:
                name = name.strip()
            else:
                slow(i, row)
                continue
            if pid is None or known.get(pid) != name:
                slow(i, row)
                continue
            fast += 1
            key = (pid, name, at)
            if key in seen:
                continue
            seen_add(key)
            append(new_punch(Punch, (pid, name, at, f"{prefix}{i + 1}{suffix}", "", ())))
    col.rows_read += rows_reader.read + fast
    col.tick(total, total)


class _Rows:
    """The general per-row path of `read_log`."""

    def __init__(self, col: Collector, sheet: str, header: Header, cols: LogColumns) -> None:
        self.col, self.sheet, self.header, self.cols = col, sheet, header, cols
        self.time_cols = [cols.time, *cols.extra_times]
        self.letters = {c: column_letter(c) for c in self.time_cols}
        self.labels = {c: header.label(c) for c in self.time_cols}
        self.name_label = header.labels[cols.name] if cols.name is not None else None
        self.name_col = header.label(cols.name) if cols.name is not None else ""
        self.id_cache: dict[object, str] = {}
        self.known: dict[str, str] = {}        # id → the name already checked for it
        self.earliest = datetime(2000, 1, 1)
        self.latest = datetime.combine(col.today, datetime.max.time())
        self.read = 0

    def row(self, i: int, row: list[object]) -> None:
        col, cols, sheet, header = self.col, self.cols, self.sheet, self.header
        c_id, c_name, c_date, c_res = cols.person_id, cols.name, cols.date, cols.result
        width = len(row)
        raw_id = row[c_id] if c_id is not None and c_id < width else ""
        pid = raw_id.strip() if type(raw_id) is str else self.id_cache.get(raw_id)
        if pid is None:
            pid = self.id_cache[raw_id] = id_text(raw_id)
        name = row[c_name] if c_name is not None and c_name < width else ""
        name = name.strip() if type(name) is str else text(name)
        if name and name == self.name_label:
            return                                 # a header repeated on every printed page
        others: tuple[str, ...] = ()
        if cols.other_ids:
            others = tuple(o for o in (id_text(row[k]) for k in cols.other_ids if k < width) if o)
            if not pid and others:
                pid, others = others[0], others[1:]
            others = tuple(o for o in others if o != pid)
        r = i + 1
        for c in self.time_cols:
            value = row[c] if c < width else ""
            if value == "" or value is None or (type(value) is str and value.strip() in NO_PUNCH):
                continue
            self.read += 1
            try:
                stamps = _stamps(value, row, c_date, width)
            except _DateCellError as exc:
                col.problem(str(exc), sheet=sheet, row=r, column=header.label(c_date),
                            value=text(row[c_date]))
                continue
            except CellError as exc:
                col.problem(str(exc), sheet=sheet, row=r, column=self.labels[c], value=text(value))
                continue
            if not pid and not name:
                col.problem("这一行有打卡时间，但没有考勤号也没有姓名", sheet=sheet, row=r,
                            column=self.labels[c], value=text(value))
                continue
            if self.known.get(pid) != name:
                col.check_name(pid, name, sheet=sheet, row=r, column=self.name_col)
                self.known.setdefault(pid, name)
            result = text(row[c_res]) if c_res is not None and c_res < width else ""
            for at in stamps:
                if not (self.earliest <= at <= self.latest):
                    col.problem(col.date_problem(at.date()) or "日期超出范围", sheet=sheet, row=r,
                                column=self.labels[c], value=text(value))
                    continue
                col.add_punch(Punch(pid, name, at,
                                    f"{col.file} 工作表“{sheet}” 第 {r} 行 {self.letters[c]} 列",
                                    result, others))


class _DateCellError(CellError):
    pass


def _stamps(value: object, row: list[object], c_date: int | None, width: int) -> list[datetime]:
    """The punches in one time cell: a full date-time, or times on the row's date."""
    if c_date is None or not _time_only(value):
        return [parse_datetime(value)]
    raw_date = row[c_date] if c_date < width else ""
    try:
        day = parse_date(raw_date)
    except CellError as exc:
        raise _DateCellError(str(exc)) from None
    out = []
    for t, next_day in parse_times(value):
        at = datetime.combine(day, t)
        out.append(at + timedelta(days=1) if next_day else at)
    return out


def _time_only(value: object) -> bool:
    if isinstance(value, datetime):
        return False
    if isinstance(value, float | int):
        return 0 <= value < 1
    if isinstance(value, str):
        return bool(_TIME_ONLY.match(value))
    return True   # datetime.time, timedelta
