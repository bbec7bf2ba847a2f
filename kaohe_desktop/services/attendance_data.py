"""Attendance data read inside a use-case's session: shifts, the calendar, leave types, and
each person's days judged by the domain rules.

Which days are judged: the requested range cut to what the imported files cover (their
own 统计日期, else their first and last day), so a summary made mid-month does not count
the rest of the month as absence. Without any import in the range it runs to today.

Who is judged: everyone with a punch, an export day status or leave in the range and,
when files cover the range, every active staff member the clock has ever seen — someone
absent all month leaves no punch, but must still show 旷工.

Hot path: the monthly summary for 300 people (< 0.5 s): three queries for the range,
the calendar judged once, day rules in plain Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import exists, or_, select, union
from sqlalchemy.orm import Session

from kaohe_desktop.domain.attendance import (
    DAY_STARTS,
    DayResult,
    Shift,
    evaluate_days,
    punches_by_day,
)
from kaohe_desktop.domain.attendance_status import read_status
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.workcalendar import WorkCalendar, work_calendar
from kaohe_desktop.store.models import (
    AttendanceDay,
    CalendarDay,
    ImportLog,
    Leave,
    LeaveType,
    Punch,
    ShiftRow,
    Staff,
    Unit,
)
from kaohe_desktop.store.queries import stored_punches

DEFAULT_COUNTING_LEAVE = frozenset({"事假"})  # until the user marks leave types themselves


def time_text(t: time | None) -> str:
    if t is None:
        return ""
    return f"{t:%H:%M:%S}" if t.second else f"{t:%H:%M}"


def parse_clock(text: str, column: str) -> time:
    """'09:00', '9:00', '0900' or '09:00:00'; InputError naming the option otherwise."""
    raw = str(text).strip().replace("：", ":")
    if raw.isdigit() and len(raw) in (3, 4):
        raw = f"{raw[:-2]}:{raw[-2:]}"
    try:
        parts = [int(p) for p in raw.split(":")]
        if len(parts) not in (2, 3):
            raise ValueError
        return time(*parts)
    except (ValueError, TypeError):
        raise InputError(Problem("时间应写作 09:00 这样的时:分", column=column, value=text)) from None


def shift_of_row(row: ShiftRow) -> Shift:
    return Shift(parse_clock(row.start, "上班时间"), parse_clock(row.end, "下班时间"),
                 row.late_grace_min, row.early_grace_min, row.half_day_late_min,
                 row.absent_late_min)


def load_shifts(s: Session) -> tuple[Shift, dict[int, Shift]]:
    """(the default shift, unit id → that unit's own shift)."""
    default = Shift()
    per_unit: dict[int, Shift] = {}
    for row in s.scalars(select(ShiftRow)):
        if row.unit_id is None:
            default = shift_of_row(row)
        else:
            per_unit[row.unit_id] = shift_of_row(row)
    return default, per_unit


def load_calendar(s: Session, start: date, end: date) -> WorkCalendar:
    overrides = dict(s.execute(select(CalendarDay.day, CalendarDay.workday)
                               .where(CalendarDay.day.between(start, end))).all())
    return work_calendar(start, end, overrides)


def counting_leave_types(s: Session) -> set[str]:
    marked = dict(s.execute(select(LeaveType.name, LeaveType.counts)).all())
    return {k for k, v in marked.items() if v} | {k for k in DEFAULT_COUNTING_LEAVE
                                                   if k not in marked}


def calendar_notes(cal: WorkCalendar) -> tuple[str, ...]:
    return tuple(f"{y} 年的法定节假日未知，按周一至周五计算；可在日历中设置调休和节假日"
                 for y in cal.guessed_years)


def covered_range(s: Session, start: date, end: date) -> tuple[date, date] | None:
    """The requested range cut to the periods of the imports that overlap it."""
    spans = s.execute(select(ImportLog.period_start, ImportLog.period_end)
                      .where(ImportLog.period_start <= end, ImportLog.period_end >= start)).all()
    if not spans:
        return None
    return max(start, min(a for a, _ in spans)), min(end, max(b for _, b in spans))


def judged_range(s: Session, start: date, end: date) -> tuple[date, date, bool]:
    """(first, last, covered): the days to judge; first > last when there are none."""
    covered = covered_range(s, start, end)
    if covered is not None:
        return covered[0], covered[1], True
    return start, min(end, date.today()), False


@dataclass
class PersonDays:
    staff_id: int
    code: str
    name: str
    unit_name: str
    shift: Shift
    days: list[DayResult]


def _moment(d: date) -> datetime:
    """Where attendance day `d` begins (see DAY_STARTS)."""
    return datetime.combine(d, DAY_STARTS)


def _people(s: Session, start: date, end: date, covered: bool) -> set[int]:
    """Staff with a punch, an export day status or leave in the range (punches by an index
    seek per person: the punch table's only index starts with the staff id)."""
    in_range = exists().where(Punch.staff_id == Staff.id, Punch.at >= _moment(start),
                              Punch.at < _moment(end + timedelta(1)))
    ids = set(s.scalars(select(Staff.id).where(in_range)))
    ids |= set(s.scalars(union(
        select(AttendanceDay.staff_id).where(AttendanceDay.day.between(start, end)),
        select(Leave.staff_id).where(Leave.day.between(start, end)))))
    if covered:  # the clock's users who left no trace this month are absent, not missing
        ever = or_(exists().where(Punch.staff_id == Staff.id),
                   exists().where(AttendanceDay.staff_id == Staff.id))
        ids |= set(s.scalars(select(Staff.id).where(Staff.active.is_(True), ever)))
    return ids


def evaluate_people(s: Session, start: date, end: date, *, staff_ids: Collection[int] | None = None,
                    unit_id: int | None = None) -> tuple[WorkCalendar | None, list[PersonDays]]:
    """Each person's judged days over [start, end] cut to what imports cover, by code."""
    first, last, covered = judged_range(s, start, end)
    if first > last:
        return None, []
    ids = _people(s, first, last, covered)
    if staff_ids is not None:
        ids &= set(staff_ids)
    query = (select(Staff.id, Staff.code, Staff.name, Staff.unit_id, Unit.name)
             .outerjoin(Unit, Staff.unit_id == Unit.id).where(Staff.id.in_(ids)))
    if unit_id is not None:
        query = query.where(Staff.unit_id == unit_id)
    staff = s.execute(query.order_by(Staff.code)).all()
    if not staff:
        return None, []
    ids = {row[0] for row in staff}
    cal = load_calendar(s, first, last)
    default, per_unit = load_shifts(s)
    # the range's attendance days: from DAY_STARTS on the first day to just before it on
    # the day after the last (a 01:30 check-out belongs to the evening before)
    stored = stored_punches(s, ids, _moment(first),
                            _moment(last + timedelta(1)) - timedelta(microseconds=1))
    punches = {sid: punches_by_day(moments) for sid, moments in stored.items()}
    leave: dict[int, dict[date, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for sid, day, kind, days in s.execute(select(Leave.staff_id, Leave.day, Leave.leave_type,
                                                 Leave.days).where(Leave.day.between(first, last))):
        if sid in ids:
            leave[sid][day][kind] = Decimal(days)
    reported: dict[int, dict] = defaultdict(dict)
    for sid, day, status in s.execute(select(AttendanceDay.staff_id, AttendanceDay.day,
                                             AttendanceDay.status)
                                      .where(AttendanceDay.day.between(first, last))):
        if sid in ids:
            reported[sid][day] = read_status(status)
    out = []
    for sid, code, name, uid, unit_name in staff:
        shift = per_unit.get(uid, default) if uid is not None else default
        days = evaluate_days(cal, punches.get(sid, {}), shift, leave=leave.get(sid),
                             reported=reported.get(sid))
        out.append(PersonDays(sid, code, name, unit_name or "", shift, days))
    return cal, out
