"""A layout the program does not know, read through a column mapping the user chose in a
dialog — and remembered for the next file of the same header shape.

`headers_of` shows the dialog the sheets, the (guessed) header row, its columns and a few
sample rows; `mapping_signature` is a stable key of that header shape (normalized header
texts and the header row), so the program can look up a saved `ColumnMapping`.

A mapping names columns by header text (preferred: survives reordered columns), by
letter ("D") or by 0-based index. Reading: with a date-time column, or a date and time
columns, each time is a Punch (the result column, if mapped, goes into `Punch.result`);
with a result column and at most one row per person-day, each row is a DayRecord instead
(status = the result text, leave taken from it when it names one).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.workbook import column_letter

from .base import Found
from .cells import CellError, norm, parse_date, parse_datetime, text
from .collect import Collector
from .container import Source
from .dayrows import DayRow, add_day_row, clean_status, is_blank, person, row_date
from .punchlog import LogColumns, read_log
from .table import SCAN_ROWS, Header, build_header

FORMAT = "mapped"
Column = str | int


@dataclass
class ColumnMapping:
    sheet: str | int = 0                 # sheet name or 0-based index
    header_row: int = 1                  # Excel row number of the header; data starts below it
    person_id: Column | None = None      # 考勤号/工号 column
    name: Column | None = None
    date: Column | None = None
    time: Column | tuple[Column, ...] | None = None   # one or more time columns (with `date`)
    date_time: Column | None = None      # one column holding date and time
    result: Column | None = None         # the export's result/status text

    def missing(self) -> list[str]:
        """What the mapping still needs, in words for the dialog ([] when complete)."""
        out = []
        if self.person_id is None and self.name is None:
            out.append("考勤号或姓名列")
        has_time = self.date_time is not None or (self.date is not None and self.time not in (None, ()))
        if not has_time and not (self.date is not None and self.result is not None):
            out.append("日期时间列（或 日期列 + 时间列）")
        return out


@dataclass(frozen=True)
class HeaderInfo:
    sheets: tuple[str, ...]
    sheet: str
    header_row: int                       # Excel row number (guessed unless given)
    columns: tuple[str, ...]              # header text per column, "" where blank
    letters: tuple[str, ...]              # A, B, …
    sample: tuple[tuple[str, ...], ...]   # up to 5 rows below the header, as text
    signature: str


def _is_value(v: object) -> bool:
    if isinstance(v, str):
        try:
            parse_datetime(v)
            return True
        except CellError:
            pass
        try:
            parse_date(v)
            return True
        except CellError:
            pass
        return bool(re.fullmatch(r"[\d.:\-/ ]+", v.strip()))
    return v not in ("", None)


def guess_header_row(rows: list[list[object]]) -> int:
    """0-based index of the first row that looks like column names: at least two filled
    cells, all text that is not a date, time or number."""
    for i, row in enumerate(rows[:SCAN_ROWS]):
        filled = [v for v in row if v not in ("", None)]
        if len(filled) >= 2 and all(isinstance(v, str) and not _is_value(v) for v in filled):
            return i
    return 0


def _sheet_name(src: Source, sheet: str | int | None) -> str:
    names = src.sheet_names
    if not names:
        raise InputError(Problem("不是工作簿，无法按列读取", file=src.name))
    if sheet is None:
        for name in names:
            if any(any(v not in ("", None) for v in row) for row in src.head(name, 5)):
                return name
        return names[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(Problem(f"没有第 {sheet + 1} 个工作表（共 {len(names)} 个）", file=src.name))
        return names[sheet]
    if sheet not in names:
        raise InputError(Problem(f"没有名为“{sheet}”的工作表（有：{'、'.join(names)}）", file=src.name))
    return sheet


def _signature(header: Header) -> str:
    names = list(header.names)
    while names and not names[-1]:
        names.pop()
    digest = hashlib.sha1(("\x1f".join(names) + f"|{header.row + 1}").encode()).hexdigest()
    return f"sheet:{digest[:16]}"


def header_info(src: Source, sheet: str | int | None = None, header_row: int | None = None) -> HeaderInfo:
    if src.kind != "workbook":
        raise InputError(Problem("文本文件没有表头，不能按列对应读取", file=src.name))
    name = _sheet_name(src, sheet)
    head = src.head(name, SCAN_ROWS + 6)
    index = guess_header_row(head) if header_row is None else header_row - 1
    if not 0 <= index < max(len(head), 1):
        raise InputError(Problem(f"第 {header_row} 行不在表格范围内", file=src.name, sheet=name))
    header = build_header(head, index, 1) if head else Header(0, 1, [], [], [])
    sample = tuple(tuple(text(v) for v in row) for row in head[index + 1:index + 6])
    return HeaderInfo(tuple(src.sheet_names), name, index + 1, tuple(header.labels),
                      tuple(column_letter(j) for j in range(len(header.labels))), sample,
                      _signature(header))


def _resolve(ref: Column | None, header: Header, what: str, src: Source, sheet: str) -> int | None:
    if ref is None or ref == "":
        return None
    if isinstance(ref, int):
        return ref
    wanted = norm(ref)
    for j, n in enumerate(header.names):
        if n == wanted:
            return j
    if re.fullmatch(r"[A-Za-z]{1,3}", ref.strip()):
        index = 0
        for ch in ref.strip().upper():
            index = index * 26 + ord(ch) - 64
        return index - 1
    raise InputError(Problem(f"{what}：第 {header.row + 1} 行表头里没有“{ref}”这一列（有："
                             f"{'、'.join(x for x in header.labels if x)}）", file=src.name, sheet=sheet))


def find(src: Source, mapping: ColumnMapping) -> Found:
    missing = mapping.missing()
    if missing:
        raise InputError(Problem("列对应还不完整，缺少：" + "、".join(missing), file=src.name))
    sheet = _sheet_name(src, mapping.sheet)
    rows = src.head(sheet, mapping.header_row + 1)
    if len(rows) < mapping.header_row:
        raise InputError(Problem(f"第 {mapping.header_row} 行不在表格范围内", file=src.name, sheet=sheet))
    return Found(FORMAT, sheet, build_header(rows, mapping.header_row - 1, 1), {"mapping": mapping})


def read(src: Source, found: Found, col: Collector) -> None:
    m: ColumnMapping = found.extra["mapping"]
    h, sheet = found.header, found.sheet

    def at(ref: Column | None, what: str) -> int | None:
        return _resolve(ref, h, what, src, sheet)

    c_id, c_name = at(m.person_id, "考勤号列"), at(m.name, "姓名列")
    c_date, c_dt, c_res = at(m.date, "日期列"), at(m.date_time, "日期时间列"), at(m.result, "结果列")
    refs = m.time if isinstance(m.time, tuple) else (m.time,) if m.time is not None else ()
    c_times = [c for c in (at(t, "时间列") for t in refs) if c is not None]
    rows = src.rows(sheet)
    by_day = c_res is not None and c_date is not None and c_dt is None
    if by_day and _one_row_per_day(rows, h, c_id, c_name, c_date):
        _read_days(col, sheet, rows, h, c_id, c_name, c_date, c_times, c_res)
        return
    if c_dt is not None:
        cols = LogColumns(time=c_dt, person_id=c_id, name=c_name, date=c_date, result=c_res)
    elif c_times:
        cols = LogColumns(time=c_times[0], person_id=c_id, name=c_name, date=c_date,
                          extra_times=c_times[1:], result=c_res)
    else:
        raise InputError(Problem("每行有多条记录时需要时间列或日期时间列", file=src.name, sheet=sheet))
    read_log(col, sheet, rows, h, cols)


def _one_row_per_day(rows: list[list[object]], h: Header, c_id: int | None, c_name: int | None,
                     c_date: int) -> bool:
    seen = set()
    for row in rows[h.first_data:]:
        if is_blank(row):
            continue
        pid, name, _ = person(row, c_id, None, c_name)
        key = (pid or name, text(row[c_date]) if c_date < len(row) else "")
        if key in seen:
            return False
        seen.add(key)
    return True


def _read_days(col: Collector, sheet: str, rows: list[list[object]], h: Header, c_id: int | None,
               c_name: int | None, c_date: int, c_times: list[int], c_res: int) -> None:
    for i in range(h.first_data, len(rows)):
        row, r = rows[i], i + 1
        if is_blank(row):
            continue
        pid, name, _ = person(row, c_id, None, c_name)
        if not pid and not name:
            continue
        day = row_date(col, h, sheet, row, r, c_date)
        if day is None:
            continue
        status = clean_status(row[c_res]) if c_res < len(row) else ""
        add_day_row(col, h, DayRow(sheet, r, pid, name, day,
                                   time_cells=[(c, row[c]) for c in c_times if c < len(row)],
                                   status=status, leave_text=status, source_col=c_date, name_col=c_name))


__all__ = ["ColumnMapping", "HeaderInfo", "find", "header_info", "read"]
