"""Attendance use-cases: import, rules (shift, leave, calendar), the day log and the
monthly summary; points for rubric items are in `attendance_points`. A rule, shift,
calendar or leave change and the open staff assessments' attendance values it changes are
written in one transaction (`refresh_in`): a crash leaves both or neither.

Each function opens its own session, validates in full before writing (InputError,
nothing written) and returns plain values: the domain's `Shift`, or dataclasses from
`services.results`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.attendance import DayKind, Shift, after_midnight, shift_problems, summarize
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import as_number, shown, to_decimal
from kaohe_desktop.domain.periods import Period, parse_period
from kaohe_desktop.domain.workcalendar import WorkCalendar
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    CalendarDay,
    ColumnMapping,
    ImportLog,
    Leave,
    LeaveType,
    ShiftRow,
    Staff,
    Unit,
)

from .attendance_data import (
    DEFAULT_COUNTING_LEAVE,
    calendar_notes,
    counting_leave_types,
    evaluate_people,
    load_calendar,
    load_shifts,
    time_text,
)
from .attendance_import import commit_import, preview_import, preview_parsed
from .attendance_points import (
    apply_to_assessment,
    attendance_rule_items,
    get_points_rule,
    refresh_in,
    set_points_rule,
)
from .results import CalendarDayInfo, DayLogRow, LeaveInfo, MonthView, SummaryRow
from .roster import find_unit

__all__ = [
    "add_leave",
    "apply_to_assessment",
    "attendance_months",
    "attendance_rule_items",
    "calendar_overrides",
    "commit_import",
    "day_log",
    "detect_format",
    "export_summary",
    "file_headers",
    "get_points_rule",
    "get_shift",
    "leave_types",
    "list_leave",
    "month_calendar",
    "month_view",
    "monthly_summary",
    "preview_import",
    "preview_parsed",
    "remember_mapping",
    "remembered_mapping",
    "remembered_mapping_for",
    "remove_leave",
    "set_calendar_day",
    "set_leave_type",
    "set_points_rule",
    "set_shift",
    "write_template",
]

STATUS_WORDS = {k.value: k for k in DayKind} | {k.name.lower(): k for k in DayKind}


def period_range(month: str | Period | tuple[date, date]) -> tuple[date, date]:
    """A month "2024-03" (any period `parse_period` reads), a Period, or (start, end)."""
    if isinstance(month, tuple):
        return month
    if isinstance(month, Period):
        return month.start, month.end
    try:
        p = parse_period(str(month))
    except ValueError as exc:
        raise InputError(Problem(str(exc), column="--month", value=month)) from None
    return p.start, p.end


def _unit(s: Session, unit: str | None) -> Unit | None:
    if not unit:
        return None
    found = find_unit(s, unit.strip())
    if found is None:
        raise InputError(Problem("没有这个单位（按编号或名称查找）", column="--unit", value=unit))
    return found


def _staff(s: Session, key: str) -> Staff:
    """A staff member by code, else 考勤号, else a unique name."""
    key = key.strip()
    for column in (Staff.code, Staff.attendance_no, Staff.name):
        found = s.scalars(select(Staff).where(column == key)).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError(Problem("有多名人员符合，请用编号", column="人员", value=key))
    raise InputError(Problem("没有这个人员（按编号、考勤号或姓名查找）", column="人员", value=key))


# ---------------------------------------------------------------------------- rules


def get_shift(db: Database, unit: str | None = None) -> Shift:
    """The shift of a unit (its own, else the default), or the default shift."""
    with db.session() as s:
        u = _unit(s, unit)
        default, per_unit = load_shifts(s)
        return per_unit.get(u.id, default) if u else default


def set_shift(db: Database, shift: Shift, unit: str | None = None) -> Shift:
    """Set the default shift, or a unit's own shift."""
    problems = shift_problems(shift)
    if problems:
        raise InputError(problems)
    with db.session() as s:
        u = _unit(s, unit)
        uid = u.id if u else None
        row = s.scalar(select(ShiftRow).where(ShiftRow.unit_id.is_(None) if uid is None
                                              else ShiftRow.unit_id == uid))
        if row is None:
            row = ShiftRow(unit_id=uid)
            s.add(row)
        row.start, row.end = f"{shift.start:%H:%M}", f"{shift.end:%H:%M}"
        row.late_grace_min, row.early_grace_min = shift.late_grace_min, shift.early_grace_min
        row.half_day_late_min, row.absent_late_min = shift.half_day_late_min, shift.absent_late_min
        refresh_in(s)
    return shift


def units_with_own_shift(db: Database) -> set[str]:
    """The codes of the units that have a shift of their own (the rest follow the default)."""
    with db.session() as s:
        return set(s.scalars(select(Unit.code).join(ShiftRow, ShiftRow.unit_id == Unit.id)))


def clear_unit_shift(db: Database, unit: str) -> bool:
    """Let a unit follow the default shift again; False when it had no shift of its own."""
    with db.session() as s:
        u = _unit(s, unit)
        if u is None:
            raise InputError(Problem("请指定单位：默认班次不能删除", column="--unit", value=unit))
        row = s.scalar(select(ShiftRow).where(ShiftRow.unit_id == u.id))
        if row is None:
            return False
        s.delete(row)
        refresh_in(s)
    return True


def leave_types(db: Database) -> dict[str, bool]:
    """Leave type → whether it counts against the score (marked ones and the defaults)."""
    with db.session() as s:
        marked = dict(s.execute(select(LeaveType.name, LeaveType.counts)).all())
    return {**{k: True for k in DEFAULT_COUNTING_LEAVE}, **marked}


def set_leave_type(db: Database, name: str, counts: bool) -> None:
    name = name.strip()
    if not name or len(name) > 20:
        raise InputError(Problem("请假类型不能为空，最长 20 个字", column="类型", value=name))
    with db.session() as s:
        row = s.get(LeaveType, name)
        if row is None:
            s.add(LeaveType(name=name, counts=counts))
        else:
            row.counts = counts
        refresh_in(s)


def add_leave(db: Database, staff: str, day: date, leave_type: str, days: object = 1,
              note: str = "") -> list[LeaveInfo]:
    """Record leave from `day`: up to one day on it, more spreads over the following
    workdays (0.5 steps). A day's leave never totals more than one day."""
    kind = leave_type.strip()
    problems = []
    if not kind or len(kind) > 20:
        problems.append(Problem("请假类型不能为空，最长 20 个字", column="类型", value=leave_type))
    try:
        amount = to_decimal(days)
    except ValueError:
        amount = Decimal(0)
    if amount <= 0 or amount > 366 or (amount * 2) != (amount * 2).to_integral_value():
        problems.append(Problem("请假天数应为 0.5 的整数倍，大于 0", column="--days", value=days))
    if problems:
        raise InputError(problems)
    with db.session() as s:
        person = _staff(s, staff)
        cal = load_calendar(s, day, day + timedelta(int(amount) * 3 + 31))
        out: list[LeaveInfo] = []
        current, left = day, amount
        while left > 0:
            if current > cal.end:
                raise InputError(Problem("请假天数太多", column="--days", value=days))
            if current == day or cal.is_workday(current):
                part = min(left, Decimal(1))
                out.append(_put_leave(s, person, current, kind, part, note))
                left -= part
            current += timedelta(1)
        refresh_in(s, out[0].day, out[-1].day)
    return out


def _put_leave(s: Session, person: Staff, day: date, kind: str, amount: Decimal,
               note: str) -> LeaveInfo:
    rows = s.scalars(select(Leave).where(Leave.staff_id == person.id, Leave.day == day)).all()
    others = sum((r.days for r in rows if r.leave_type != kind), Decimal(0))
    if others + amount > 1:
        raise InputError(Problem(f"{person.name} {day} 已有请假 {shown(others)} 天，合计不能超过 1 天",
                                 column="--days", value=shown(amount)))
    row = next((r for r in rows if r.leave_type == kind), None)
    if row is None:
        row = Leave(staff_id=person.id, day=day, leave_type=kind)
        s.add(row)
    row.days, row.source, row.note = amount, "manual", note.strip()[:200]
    return LeaveInfo(person.code, person.name, day, kind, amount, "manual")


def remove_leave(db: Database, staff: str, day: date, leave_type: str) -> int:
    with db.session() as s:
        person = _staff(s, staff)
        done = s.execute(delete(Leave).where(Leave.staff_id == person.id, Leave.day == day,
                                             Leave.leave_type == leave_type.strip()))
        removed = int(done.rowcount or 0)
        if removed:
            refresh_in(s, day, day)
    return removed


def list_leave(db: Database, month: str | Period | tuple[date, date],
               unit: str | None = None) -> list[LeaveInfo]:
    start, end = period_range(month)
    with db.session() as s:
        u = _unit(s, unit)
        q = (select(Staff.code, Staff.name, Leave.day, Leave.leave_type, Leave.days, Leave.source)
             .join(Staff, Leave.staff_id == Staff.id).where(Leave.day.between(start, end)))
        if u is not None:
            q = q.where(Staff.unit_id == u.id)
        return [LeaveInfo(*row) for row in s.execute(q.order_by(Staff.code, Leave.day))]


def set_calendar_day(db: Database, day: date, workday: bool | None, note: str = "") -> None:
    """Make a day a workday (True) or a rest day (False); None returns it to the package's
    calendar (or the weekday, for a year the package does not know)."""
    with db.session() as s:
        row = s.get(CalendarDay, day)
        if workday is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(CalendarDay(day=day, workday=workday, note=note.strip()[:100]))
        else:
            row.workday, row.note = workday, note.strip()[:100]
        refresh_in(s, day, day)


def month_calendar(db: Database, month: str | Period | tuple[date, date]) -> WorkCalendar:
    start, end = period_range(month)
    with db.session() as s:
        return load_calendar(s, start, end)


def calendar_overrides(db: Database, month: str | Period | tuple[date, date]) -> list[CalendarDayInfo]:
    """The days of the range the user set by hand (调休, a year the package does not know)."""
    start, end = period_range(month)
    with db.session() as s:
        rows = s.scalars(select(CalendarDay).where(CalendarDay.day.between(start, end))
                         .order_by(CalendarDay.day))
        return [CalendarDayInfo(r.day, bool(r.workday), r.note or "") for r in rows]


def attendance_months(db: Database) -> list[str]:
    """Months ("2024-06") that imported files cover or that have leave records, oldest first."""
    with db.session() as s:
        spans = s.execute(select(ImportLog.period_start, ImportLog.period_end)
                          .where(ImportLog.period_start.is_not(None))).all()
        leave = s.execute(select(Leave.day).distinct()).scalars().all()
    months: set[tuple[int, int]] = {(d.year, d.month) for d in leave}
    for first, last in spans:
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month) and len(months) < 10_000:
            months.add((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [f"{y:04d}-{m:02d}" for y, m in sorted(months)]


# ---------------------------------------------------------------------------- log and summary


def _summary_rows(people: Sequence[Any], counting: set[str], notes: tuple[str, ...]
                  ) -> list[SummaryRow]:
    rows = []
    for p in people:
        m = summarize(p.days, counting)
        rows.append(SummaryRow(p.staff_id, p.code, p.name, p.unit_name, p.days[0].day,
                               p.days[-1].day, m.workdays, m.late, m.late_minutes, m.early,
                               m.early_minutes, m.missing, m.absent_days, dict(m.leave_days),
                               m.counted_leave_days, notes))
    return rows


def monthly_summary(db: Database, month: str | Period | tuple[date, date],
                    unit: str | None = None) -> list[SummaryRow]:
    """Each person's counts for the month (see `attendance_data` for who and which days)."""
    start, end = period_range(month)
    with db.session() as s:
        u = _unit(s, unit)
        cal, people = evaluate_people(s, start, end, unit_id=u.id if u else None)
        counting = counting_leave_types(s)
    return _summary_rows(people, counting, calendar_notes(cal) if cal else ())


def month_view(db: Database, month: str | Period | tuple[date, date]) -> MonthView:
    """Every judged day and each person's counts for the month, judged once: what the
    考勤 page shows (its filters work on these rows)."""
    start, end = period_range(month)
    with db.session() as s:
        cal, people = evaluate_people(s, start, end)
        counting = counting_leave_types(s)
    return MonthView(tuple(_log_rows(people, None)),
                     tuple(_summary_rows(people, counting, calendar_notes(cal) if cal else ())))


def _status(status: str | None) -> DayKind | None:
    if not status:
        return None
    kind = STATUS_WORDS.get(status.strip().lower())
    if kind is None:
        raise InputError(Problem(f"状态只能是 {'、'.join(k.value for k in DayKind)} 之一",
                                 column="--status", value=status))
    return kind


def day_log(db: Database, month: str | Period | tuple[date, date], unit: str | None = None,
            person: str | None = None, status: str | None = None) -> list[DayLogRow]:
    """Every judged day per person, filtered by unit, person and status (正常, 迟到 …)."""
    start, end = period_range(month)
    kind = _status(status)
    with db.session() as s:
        u = _unit(s, unit)
        ids = [_staff(s, person).id] if person else None
        _, people = evaluate_people(s, start, end, staff_ids=ids, unit_id=u.id if u else None)
    return _log_rows(people, kind)


def _log_rows(people: Sequence[Any], kind: DayKind | None) -> list[DayLogRow]:
    # A month of 1,500 people is 45,000 rows with few distinct times and kind sets:
    # each is turned into text once
    texts: dict[Any, str] = {}
    names: dict[frozenset[DayKind], tuple[str, ...]] = {}

    def text_of(t: Any) -> str:
        found = texts.get(t)
        if found is None:
            found = texts[t] = ("次日 " if t is not None and after_midnight(t) else "") + time_text(t)
        return found

    out = []
    for p in people:
        for d in p.days:
            kinds = d.kinds
            if kind is not None and kind not in kinds:
                continue
            shown_kinds = names.get(kinds)
            if shown_kinds is None:
                shown_kinds = names[kinds] = tuple(k.value for k in DayKind if k in kinds)
            out.append(DayLogRow(p.code, p.name, p.unit_name, d.day, d.workday,
                                 tuple(map(text_of, d.punches)), text_of(d.check_in),
                                 text_of(d.check_out), d.text, shown_kinds, d.from_report))
    return out


def coverage_note(db: Database, rows: Sequence[SummaryRow], start: date, end: date) -> str:
    """A note when the rows' data leave out working days of [start, end] (attendance imported
    for June only, in a year's summary), so a printout never passes for the whole period;
    "" when only weekends and holidays are outside the data."""
    if not rows:
        return ""
    first, last = min(r.start for r in rows), max(r.end for r in rows)
    with db.session() as s:
        cal = load_calendar(s, start, end)
    outside = [start + timedelta(n) for n in range((end - start).days + 1)
               if not first <= start + timedelta(n) <= last]
    if not any(cal.is_workday(d) for d in outside):
        return ""
    return f"考勤数据只覆盖 {first:%Y-%m-%d}～{last:%Y-%m-%d}，其余日期没有导入考勤，各数只计这段时间。"


def export_summary(db: Database, month: str | Period | tuple[date, date], path: Path | str,
                   unit: str | None = None) -> Path:
    """The monthly summary as an .xlsx workbook (one row per person, leave by type)."""
    from kaohe_desktop.io.table_workbook import write_table

    start, end = period_range(month)
    rows = monthly_summary(db, (start, end), unit)
    kinds = sorted({k for r in rows for k in r.leave_days})
    headers = ["编号", "姓名", "单位", "应出勤(天)", "迟到(次)", "迟到(分钟)", "早退(次)",
               "早退(分钟)", "缺卡(次)", "旷工(天)", *(f"{k}(天)" for k in kinds)]
    body = [[r.staff_code, r.name, r.unit_name, r.workdays, r.late, r.late_minutes, r.early,
             r.early_minutes, r.missing, as_number(r.absent_days),
             *(as_number(r.leave_days[k]) if k in r.leave_days else None for k in kinds)]
            for r in rows]
    title = f"考勤月度汇总 {start:%Y-%m-%d}～{end:%Y-%m-%d}" + (f"（{unit}）" if unit else "")
    notes = list(dict.fromkeys(n for r in rows for n in r.notes))
    partial = coverage_note(db, rows, start, end)
    if partial:
        notes.insert(0, partial)
    return write_table(Path(path), "考勤汇总", title, headers, body,
                       widths=(12, 10, 24, *([10] * (len(headers) - 3))), notes=notes)


# ---------------------------------------------------------------------------- files


def detect_format(path: Path | str) -> str:
    """The layout of an attendance file from its content, or "unknown"."""
    from kaohe_desktop.io.attendance import detect_format as detect

    return detect(path)


def file_headers(path: Path | str, sheet: str | int | None = None,
                 header_row: int | None = None) -> Any:
    """Sheets, header row, columns and sample rows (`io.attendance.HeaderInfo`) of a
    workbook whose layout is unknown, for choosing a column mapping."""
    from kaohe_desktop.io.attendance import headers_of

    return headers_of(path, sheet, header_row)


def write_template(path: Path | str) -> Path:
    """The program's own attendance template (考勤号, 姓名, 日期, 上班打卡, 下班打卡, 请假)."""
    from kaohe_desktop.io.attendance import write_attendance_template

    path = Path(path)
    write_attendance_template(path)
    return path


# ---------------------------------------------------------------------------- column mappings


def remembered_mapping(db: Database, signature: str) -> dict[str, Any] | None:
    """The column mapping chosen before for a file layout with this signature."""
    with db.session() as s:
        raw = s.scalar(select(ColumnMapping.mapping).where(ColumnMapping.signature == signature))
    return json.loads(raw) if raw else None


def remembered_mapping_for(db: Database, path: Path | str) -> Any:
    """The saved `io.attendance.ColumnMapping` for a file of this header shape, or None."""
    from kaohe_desktop.io.attendance import ColumnMapping as Mapped
    from kaohe_desktop.io.attendance import mapping_signature

    raw = remembered_mapping(db, mapping_signature(path))
    if raw is None:
        return None
    return Mapped(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def remember_mapping(db: Database, signature: str, mapping: Mapping[str, Any] | Any) -> None:
    """Save the column mapping (a dict or an `io.attendance.ColumnMapping`) for a layout."""
    if not signature.strip():
        raise InputError(Problem("列对应关系缺少版式标识", column="signature"))
    if is_dataclass(mapping) and not isinstance(mapping, type):
        mapping = asdict(mapping)
    text = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True, default=str)
    with db.session() as s:
        row = s.scalar(select(ColumnMapping).where(ColumnMapping.signature == signature))
        if row is None:
            s.add(ColumnMapping(signature=signature[:500], mapping=text))
        else:
            row.mapping = text
