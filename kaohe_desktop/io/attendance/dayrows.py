"""Pieces shared by the readers of day-based reports (DingTalk 每日统计/月度汇总, WeCom
日报/月报, the program's template): leave columns, punch-time cells, status text, and
turning one row into a `DayRecord` with every unreadable cell reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from kaohe_desktop.io.workbook import column_letter

from .cells import CellError, id_text, parse_date, parse_leave, parse_number, parse_times, text
from .collect import Collector
from .records import DayRecord
from .table import Header

LEAVE_WORDS = ("事假", "病假", "年假", "婚假", "产假", "陪产假", "护理假", "育儿假", "丧假", "调休假", "调休",
               "哺乳假", "探亲假", "工伤假", "公出", "出差", "外出", "其他假", "其他")
_LEAVE_HEADER = re.compile(
    r"^(" + "|".join(LEAVE_WORDS) + r")(?:时长|天数)?(?:[(（](天|日|小时|h|时)[)）])?$")
HOURS_PER_DAY = Decimal(8)


@dataclass
class LeaveColumn:
    col: int
    kind: str
    hours: bool       # the column counts hours (调休(小时), 外出(小时)); 8 hours make a day


def leave_columns(header: Header, groups: tuple[str, ...] = ("请假", "假勤统计")) -> list[LeaveColumn]:
    """Columns holding an amount of one leave type: '事假(天)', '调休(小时)', '出差时长' …,
    inside a 请假/假勤统计 group or standing alone."""
    out = []
    for j, name in enumerate(header.names):
        m = _LEAVE_HEADER.match(name)
        if not m:
            continue
        kind, unit = m.group(1), m.group(2)
        if unit is None and header.groups[j] not in groups and not name.endswith(("时长", "天数")):
            continue
        hours = unit in ("小时", "h", "时") or (unit is None and kind == "外出")
        out.append(LeaveColumn(j, kind.removesuffix("假") if kind == "调休假" else kind, hours))
    return out


def clean_status(value: object) -> str:
    """'正常 ;' → '正常'; '迟到60分钟; 早退150分钟;' → '迟到60分钟; 早退150分钟'."""
    return re.sub(r"[\s;；,，]+$", "", text(value)).strip()


@dataclass
class DayRow:
    """The cells of one person-day, gathered by a format's reader."""
    sheet: str
    row: int                          # Excel row number
    person_id: str
    name: str
    day: date
    time_cells: list[tuple[int, object]] = field(default_factory=list)
    status: str = ""
    leave_cells: list[tuple[LeaveColumn, object]] = field(default_factory=list)
    leave_text: str = ""              # 假勤申请 / 关联的审批单 / a day cell
    results: list[str] = field(default_factory=list)
    other_ids: tuple[str, ...] = ()
    source_col: int = 0
    name_col: int | None = None
    leave: tuple[str, Decimal] | None = None   # given outright (the template)


def add_day_row(col: Collector, header: Header, d: DayRow) -> None:
    """Read the times and leave of `d` and add the DayRecord; problems for bad cells."""
    stamps: list[tuple[time, datetime]] = []
    bad = False
    for c, value in d.time_cells:
        try:
            for t, next_day in parse_times(value):
                at = datetime.combine(d.day, t) + timedelta(days=1 if next_day else 0)
                stamps.append((t, at))
        except CellError as exc:
            col.problem(str(exc), sheet=d.sheet, row=d.row, column=header.label(c), value=text(value))
            bad = True
    col_kind, col_days = "", Decimal(0)
    for lc, value in d.leave_cells:
        try:
            amount = parse_number(value)
        except CellError as exc:
            col.problem(str(exc), sheet=d.sheet, row=d.row, column=header.label(lc.col),
                        value=text(value))
            bad = True
            continue
        if lc.hours:
            amount = amount / HOURS_PER_DAY
        if amount > col_days:
            col_kind, col_days = lc.kind, amount.normalize()
    kind, days = col_kind, col_days
    if d.leave is not None:
        kind, days = d.leave
    elif d.leave_text:
        # The approval/day text names the leave of this very day; when it disagrees with
        # the amount columns (seen in samples: 病假 approved, the 1 day under 事假(天)),
        # the text's type wins and the columns still give the amount.
        text_kind, text_days = parse_leave(d.leave_text)
        if text_kind:
            if col_kind and col_kind != text_kind:
                col.leave_mismatches.append((d.sheet, d.row, text_kind, col_kind))
            kind, days = text_kind, text_days or col_days
            if not days:
                asked = [r for r in d.results if r]
                days = (Decimal(1) if asked and all(r == "请假" for r in asked)
                        else Decimal("0.5") if "请假" in asked else Decimal(0))
    if bad:
        return
    if d.day > col.today:
        if stamps:  # the date is what is wrong, so its column is named, not the time's
            col.problem(col.date_problem(d.day), sheet=d.sheet, row=d.row,
                        column=header.label(d.source_col), value=d.day.isoformat())
        return                        # a mid-month export lists the days still to come
    if not d.person_id and not d.name:
        col.problem("这一行没有考勤号也没有姓名", sheet=d.sheet, row=d.row)
        return
    col.check_name(d.person_id, d.name, sheet=d.sheet, row=d.row,
                   column=header.label(d.name_col) if d.name_col is not None else "")
    col.rows_read += 1
    col.add_day(DayRecord(
        d.person_id, d.name, d.day, tuple(t for t, _ in stamps), d.status, kind, days,
        f"{col.file} 工作表“{d.sheet}” 第 {d.row} 行 {column_letter(d.source_col)} 列",
        tuple(at for _, at in stamps), d.other_ids), sheet=d.sheet, row=d.row)


def person(row: list[object], c_id: int | None, c_alt: int | None, c_name: int | None
           ) -> tuple[str, str, tuple[str, ...]]:
    """(person_id, name, other_ids) of a row: the primary id, else the alternative one."""
    def cell(c: int | None) -> object:
        return row[c] if c is not None and c < len(row) else ""
    pid, alt = id_text(cell(c_id)), id_text(cell(c_alt))
    if not pid:
        pid, alt = alt, ""
    return pid, text(cell(c_name)), (alt,) if alt and alt != pid else ()


def row_date(col: Collector, header: Header, sheet: str, row: list[object], r: int, c_date: int
             ) -> date | None:
    """The date of a row; a problem (and None) when it cannot be read or is before 2000."""
    value = row[c_date] if c_date < len(row) else ""
    try:
        day = parse_date(value)
    except CellError as exc:
        col.problem(str(exc), sheet=sheet, row=r, column=header.label(c_date), value=text(value))
        return None
    if day.year < 2000:
        col.problem(col.date_problem(day), sheet=sheet, row=r, column=header.label(c_date),
                    value=text(value))
        return None
    return day


def is_blank(row: list[object]) -> bool:
    return all(v == "" or v is None or (isinstance(v, str) and not v.strip()) for v in row)
