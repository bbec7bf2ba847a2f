"""Attendance rules: a shift, punch pairing, each day's status and a month's counts.

Pairing (the fixtures' expected.json states it; the tests hold it):
- on a workday take all punches of that attendance day, sorted: the calendar day, except
  that a punch before 04:00 (`DAY_STARTS`) belongs to the day before — someone leaving at
  01:30 after a long evening checks out of that day (exports write it "次日 01:30");
- if first and last are under 60 minutes apart they are one punch (duplicates a minute
  apart collapse): before the shift's midpoint (13:15 for 09:00–17:30) it is the check-in
  and the check-out is missing, otherwise it is the check-out and the check-in is missing;
- otherwise the first is the check-in and the last the check-out.

Counting:
- late iff the check-in is strictly later than start + late grace (09:05:00 is on time);
  minutes count from the start on whole-minute clock times (09:40:59 is 40 minutes);
- early iff the check-out is strictly earlier than end − early grace; minutes to the end;
- lateness beyond `half_day_late_min` counts as half a day absent, beyond `absent_late_min`
  as a whole day absent — instead of a late arrival, never both;
- missing punches count per missing punch; a workday with no punch at all is absent
  (旷工), never "missing";
- a full day of leave makes the day count as nothing; part-day leave excuses lateness,
  early leave and missing punches that day (which half was taken is not known), and a
  part-leave day without punches is absent for the rest of the day — also when an export
  says so in words ("请假, 缺卡" and nothing punched);
- rest days ignore punches; an export that says a workday was the person's rest day
  (their own schedule) is believed.
A day without punch times but with an export's status text (monthly reports) is judged
from the counts that text states (`attendance_status`), under the same grace and
thresholds.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from .attendance_status import Reported, leave_in_days
from .errors import Problem
from .numbers import ZERO, shown
from .workcalendar import WorkCalendar

PAIR_WINDOW = timedelta(minutes=60)  # punches closer than this are one punch
_PAIR_WINDOW_S = PAIR_WINDOW.total_seconds()
DAY_STARTS = time(4)  # a punch before this belongs to the day before
ONE = Decimal(1)
HALF = Decimal("0.5")


@dataclass(frozen=True)
class Shift:
    start: time = time(9, 0)
    end: time = time(17, 30)
    late_grace_min: int = 5
    early_grace_min: int = 0
    half_day_late_min: int | None = None  # lateness beyond this: half a day absent
    absent_late_min: int | None = None  # lateness beyond this: a whole day absent

    @property
    def midpoint(self) -> time:
        """Where a lone punch stops being a check-in and becomes a check-out."""
        a, b = _seconds(self.start), _seconds(self.end)
        mid = (a + b) // 2
        return time(mid // 3600, mid % 3600 // 60, mid % 60)

    @property
    def hours(self) -> Decimal:
        return Decimal(_seconds(self.end) - _seconds(self.start)) / 3600

    def text(self) -> str:
        parts = [f"{self.start:%H:%M}–{self.end:%H:%M}", f"迟到宽限 {self.late_grace_min} 分钟"]
        if self.early_grace_min:
            parts.append(f"早退宽限 {self.early_grace_min} 分钟")
        if self.half_day_late_min is not None:
            parts.append(f"迟到超过 {self.half_day_late_min} 分钟记旷工半天")
        if self.absent_late_min is not None:
            parts.append(f"迟到超过 {self.absent_late_min} 分钟记旷工一天")
        return "，".join(parts)


def shift_problems(shift: Shift) -> list[Problem]:
    """Everything wrong with a shift, for the rule editor and the command line."""
    problems = []
    if _seconds(shift.end) <= _seconds(shift.start):
        problems.append(Problem("下班时间必须晚于上班时间（不支持跨夜班次）", column="下班时间",
                                value=f"{shift.start:%H:%M}–{shift.end:%H:%M}"))
    length = (_seconds(shift.end) - _seconds(shift.start)) // 60
    for label, value in (("迟到宽限", shift.late_grace_min), ("早退宽限", shift.early_grace_min)):
        if not 0 <= value <= max(length, 0):
            problems.append(Problem(f"{label}分钟数应在 0～{max(length, 0)} 之间", column=label,
                                    value=value))
    half, whole = shift.half_day_late_min, shift.absent_late_min
    for label, value in (("迟到记旷工半天", half), ("迟到记旷工一天", whole)):
        if value is not None and not shift.late_grace_min <= value <= 24 * 60:
            problems.append(Problem(f"{label}的分钟数不能小于迟到宽限 {shift.late_grace_min}",
                                    column=label, value=value))
    if half is not None and whole is not None and whole <= half:
        problems.append(Problem("迟到记旷工一天的分钟数必须大于记旷工半天的分钟数",
                                column="迟到记旷工一天", value=whole))
    return problems


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _punch_seconds(t: time) -> int:
    """Seconds into the attendance day: 01:30 of the next morning is 25:30."""
    return _seconds(t) + (86400 if t < DAY_STARTS else 0)


def after_midnight(t: time) -> bool:
    """Whether a punch time of a day was made after midnight (shown as 次日)."""
    return t < DAY_STARTS


def attendance_day(at: datetime) -> date:
    """The day a punch counts for (see DAY_STARTS)."""
    return at.date() - timedelta(days=1) if at.time() < DAY_STARTS else at.date()


def _minutes_between(earlier: time, later: time) -> int:
    """Whole minutes between two clock times read to the minute (09:40:59 is 09:40)."""
    return later.hour * 60 + later.minute - earlier.hour * 60 - earlier.minute


def pair_punches(punches: Iterable[time], shift: Shift) -> tuple[time | None, time | None]:
    """(check-in, check-out) of one day's punches; either may be None (missing)."""
    ordered = sorted(punches, key=_punch_seconds)
    if not ordered:
        return None, None
    first, last = ordered[0], ordered[-1]
    span = _punch_seconds(last) - _punch_seconds(first)
    if span < PAIR_WINDOW.total_seconds():
        return (first, None) if _punch_seconds(first) < _seconds(shift.midpoint) else (None, last)
    return first, last


class DayKind(StrEnum):
    NORMAL = "正常"
    LATE = "迟到"
    EARLY = "早退"
    MISSING = "缺卡"
    ABSENT = "旷工"
    LEAVE = "请假"
    REST = "休息"


@dataclass(frozen=True)
class DayResult:
    day: date
    workday: bool
    punches: tuple[time, ...] = ()
    check_in: time | None = None
    check_out: time | None = None
    late: bool = False  # counted as a late arrival
    late_minutes: int = 0
    early: bool = False
    early_minutes: int = 0
    missing: int = 0
    absent: Decimal = ZERO  # 0, 0.5 or 1 (or what part-day leave leaves of the day)
    lateness: int = 0  # minutes late, when lateness was turned into absence
    leave: tuple[tuple[str, Decimal], ...] = ()  # (type, days)
    from_report: bool = False  # judged from the export's status text, not punch times
    note: str = ""  # holiday name, unreadable status text …

    @property
    def leave_days(self) -> Decimal:
        if not self.leave:  # most days: a month of 1,500 people asks 50,000 times
            return ZERO
        return min(sum((d for _, d in self.leave), ZERO), ONE)

    @property
    def kinds(self) -> frozenset[DayKind]:
        if not self.workday:
            return frozenset({DayKind.REST})
        kinds = set()
        if self.leave:
            kinds.add(DayKind.LEAVE)
        if self.absent > 0:
            kinds.add(DayKind.ABSENT)
        if self.late:
            kinds.add(DayKind.LATE)
        if self.early:
            kinds.add(DayKind.EARLY)
        if self.missing:
            kinds.add(DayKind.MISSING)
        return frozenset(kinds or {DayKind.NORMAL})

    @property
    def category(self) -> str:
        """Exactly one of rest / leave / absent / anomaly / normal: workdays split into the
        last four, so the month's category counts add up to its workdays."""
        if not self.workday:
            return "rest"
        if self.leave_days >= ONE:
            return "leave"
        if self.absent >= ONE or (self.absent > 0 and not self.attended):
            return "absent"
        if self.late or self.early or self.missing or self.absent > 0:
            return "anomaly"
        return "leave" if self.leave else "normal"

    @property
    def attended(self) -> bool:
        return bool(self.punches) or (self.from_report and self.absent < ONE)

    @property
    def text(self) -> str:
        """What the day log shows: 正常, 迟到 40 分钟，下班缺卡, 旷工, 请假（病假）, 休息 …"""
        if not self.workday:
            return "休息" + (f"（{self.note}）" if self.note else "")
        parts = []
        if self.leave:
            kinds = "、".join(f"{t} {shown(d)} 天" if d < ONE else t for t, d in self.leave)
            parts.append(f"请假（{kinds}）")
        if self.absent > 0:
            why = f"，迟到 {self.lateness} 分钟" if self.lateness else ""
            parts.append("旷工" + (f" {shown(self.absent)} 天" if self.absent != ONE else "") + why)
        if self.late:
            parts.append(f"迟到 {self.late_minutes} 分钟" if self.late_minutes else "迟到")
        if self.early:
            parts.append(f"早退 {self.early_minutes} 分钟" if self.early_minutes else "早退")
        if self.missing:
            which = ("上班" if self.check_in is None and self.check_out is not None else
                     "下班" if self.check_out is None and self.check_in is not None else "")
            parts.append(f"{which}缺卡" + (f" {self.missing} 次" if self.missing > 1 else ""))
        return "，".join(parts) or "正常"


def _late_outcome(minutes: int, shift: Shift) -> tuple[bool, Decimal]:
    """(counted as late, absent days) for a check-in this many minutes after the start."""
    if shift.absent_late_min is not None and minutes > shift.absent_late_min:
        return False, ONE
    if shift.half_day_late_min is not None and minutes > shift.half_day_late_min:
        return False, HALF
    return True, ZERO


def evaluate_day(day: date, workday: bool, punches: Sequence[time], shift: Shift, *,
                 leave: Mapping[str, Decimal] | None = None, reported: Reported | None = None,
                 note: str = "") -> DayResult:
    """One person's day. `leave` maps leave type → days (from leave records or the file);
    `reported` is the export's own status text, used only when there are no punches."""
    if not leave and reported is None and punches and workday:
        return _punched_day(day, punches, shift, note)  # most days: the same, built once
    stamps = tuple(sorted(punches, key=_punch_seconds))
    leave_items = {t: d for t, d in (leave or {}).items() if d > 0}
    if reported is not None:
        for kind, amount, unit in reported.leave:
            if amount > 0:
                leave_items[kind] = max(leave_items.get(kind, ZERO), leave_in_days(amount, unit,
                                                                                   shift.hours))
        unstated = [kind for kind, amount, _ in reported.leave if amount == 0]
        if unstated and not leave_items:  # "请假" with no amount and none recorded: a full day
            leave_items[unstated[0]] = ONE
    base = DayResult(day, workday, stamps, leave=tuple(sorted(leave_items.items())), note=note)
    if not workday:
        return DayResult(day, False, stamps, note=note)
    if reported is not None and not stamps and reported.rest and not reported.absent:
        return DayResult(day, False, stamps, note=note or "排班休息")
    leave_total = base.leave_days
    if leave_total >= ONE:
        return base
    if stamps:
        return _from_punches(base, shift, leave_total)
    if reported is not None and reported.says_anything:
        return _from_report(base, reported, shift, leave_total)
    unread = f"无法识别的状态“{reported.unknown}”" if reported and reported.unknown else ""
    return _replace(base, absent=ONE - leave_total, note=unread or note)


@lru_cache(maxsize=64)
def _bounds(shift: Shift) -> tuple[int, int, int]:
    """(latest on-time check-in, earliest on-time check-out, lone-punch midpoint) in
    seconds: asked once per shift, not per day."""
    return (_seconds(shift.start) + shift.late_grace_min * 60,
            _seconds(shift.end) - shift.early_grace_min * 60, _seconds(shift.midpoint))


def _punched_day(day: date, punches: Sequence[time], shift: Shift, note: str) -> DayResult:
    """A workday with punches and no leave or status text: what `_from_punches` makes of
    it (and the same result), in one construction — a township year asks 100,000 times."""
    stamps = tuple(sorted(punches, key=_punch_seconds))
    deadline, earliest, midpoint = _bounds(shift)
    first, last = stamps[0], stamps[-1]
    first_s, last_s = _punch_seconds(first), _punch_seconds(last)
    if last_s - first_s < _PAIR_WINDOW_S:
        check_in, check_out = (first, None) if first_s < midpoint else (None, last)
    else:
        check_in, check_out = first, last
    late = early = False
    late_minutes = early_minutes = lateness = 0
    absent = ZERO
    if check_in is not None and first_s > deadline:
        minutes = max(1, _minutes_between(shift.start, check_in))
        late, absent = _late_outcome(minutes, shift)
        late_minutes, lateness = (minutes, 0) if late else (0, minutes)
    if absent >= ONE:
        return DayResult(day, True, stamps, check_in, check_out, absent=absent,
                         lateness=lateness, note=note)
    if check_out is not None and last_s < earliest:
        early, early_minutes = True, max(1, _minutes_between(check_out, shift.end))
    missing = (check_in is None) + (check_out is None)
    return DayResult(day, True, stamps, check_in, check_out, late, late_minutes, early,
                     early_minutes, missing, absent, lateness, (), False, note)


def _replace(base: DayResult, **changes: object) -> DayResult:
    return DayResult(**{**base.__dict__, **changes})


def _from_punches(base: DayResult, shift: Shift, leave_total: Decimal) -> DayResult:
    check_in, check_out = pair_punches(base.punches, shift)
    if leave_total > 0:  # part-day leave excuses the day's lateness, early leave, missing
        return _replace(base, check_in=check_in, check_out=check_out)
    late = early = False
    late_minutes = early_minutes = lateness = 0
    absent = ZERO
    deadline = _seconds(shift.start) + shift.late_grace_min * 60
    if check_in is not None and _punch_seconds(check_in) > deadline:
        minutes = max(1, _minutes_between(shift.start, check_in))
        late, absent = _late_outcome(minutes, shift)
        late_minutes, lateness = (minutes, 0) if late else (0, minutes)
    if absent >= ONE:
        return _replace(base, check_in=check_in, check_out=check_out, absent=absent,
                        lateness=lateness)
    earliest = _seconds(shift.end) - shift.early_grace_min * 60
    if check_out is not None and _punch_seconds(check_out) < earliest:
        early, early_minutes = True, max(1, _minutes_between(check_out, shift.end))
    missing = (check_in is None) + (check_out is None)
    return _replace(base, check_in=check_in, check_out=check_out, late=late,
                    late_minutes=late_minutes, early=early, early_minutes=early_minutes,
                    missing=missing, absent=absent, lateness=lateness)


def _from_report(base: DayResult, r: Reported, shift: Shift, leave_total: Decimal) -> DayResult:
    base = _replace(base, from_report=True, note=f"无法识别的状态“{r.unknown}”" if r.unknown
                    else base.note)
    if r.absent or r.missing >= 2:
        return _replace(base, absent=ONE - leave_total)
    if leave_total > 0:
        if r.missing and not (r.normal or r.late or r.early):
            # "请假, 缺卡": the working part's punch is missing and nothing else was
            # punched — a part-leave day without punches, absent for the rest
            return _replace(base, absent=ONE - leave_total)
        return base
    late = early = False
    late_minutes = early_minutes = lateness = 0
    absent = ZERO
    if r.late and (r.late_minutes is None or r.late_minutes > shift.late_grace_min):
        minutes = r.late_minutes or 0
        late, absent = _late_outcome(minutes, shift)
        late_minutes, lateness = (minutes, 0) if late else (0, minutes)
    if absent >= ONE:
        return _replace(base, absent=absent, lateness=lateness)
    if r.early and (r.early_minutes is None or r.early_minutes > shift.early_grace_min):
        early, early_minutes = True, r.early_minutes or 0
    return _replace(base, late=late, late_minutes=late_minutes, early=early,
                    early_minutes=early_minutes, missing=r.missing, absent=absent,
                    lateness=lateness)


def evaluate_days(calendar: WorkCalendar, punches: Mapping[date, Sequence[time]], shift: Shift, *,
                  leave: Mapping[date, Mapping[str, Decimal]] | None = None,
                  reported: Mapping[date, Reported] | None = None) -> list[DayResult]:
    """Every day of the calendar's range for one person."""
    leave = leave or {}
    reported = reported or {}
    return [evaluate_day(d, calendar.is_workday(d), punches.get(d, ()), shift,
                         leave=leave.get(d), reported=reported.get(d),
                         note=calendar.names.get(d, ""))
            for d in calendar.days()]


def punches_by_day(stamps: Iterable[datetime]) -> dict[date, list[time]]:
    """Date-times grouped by attendance day (`attendance_day`), in order."""
    out: dict[date, list[time]] = {}
    for at in sorted(stamps):
        out.setdefault(attendance_day(at), []).append(at.time())
    return out


@dataclass(frozen=True)
class MonthlySummary:
    """One person's counts over a range of days (usually a month)."""

    workdays: int = 0
    late: int = 0
    late_minutes: int = 0
    early: int = 0
    early_minutes: int = 0
    missing: int = 0
    absent_days: Decimal = ZERO
    leave_days: Mapping[str, Decimal] = field(default_factory=dict)  # type → days
    counted_leave_days: Decimal = ZERO  # days of leave types that count against the score
    days_by_category: Mapping[str, int] = field(default_factory=dict)  # normal/anomaly/absent/leave
    # late arrivals turned into absence by the shift's thresholds: still late arrivals for
    # "every N lates count as half a day", or arriving later would cost less
    late_as_absent: int = 0

    @property
    def late_arrivals(self) -> int:
        return self.late + self.late_as_absent

    @property
    def total_leave_days(self) -> Decimal:
        return sum(self.leave_days.values(), ZERO)


def summarize(days: Iterable[DayResult], counting_leave: Container[str] = ()) -> MonthlySummary:
    """Add up day results; `counting_leave` names the leave types that count against the
    score (the others, e.g. 年假 or 公出, are listed but cost nothing)."""
    workdays = late = late_minutes = early = early_minutes = missing = late_as_absent = 0
    absent = ZERO
    leave: dict[str, Decimal] = {}
    categories = {"normal": 0, "anomaly": 0, "absent": 0, "leave": 0}
    for d in days:
        if not d.workday:
            continue
        workdays += 1
        categories[d.category] += 1
        late += d.late
        late_minutes += d.late_minutes if d.late else 0
        early += d.early
        early_minutes += d.early_minutes if d.early else 0
        missing += d.missing
        absent += d.absent
        late_as_absent += d.lateness > 0
        for kind, amount in d.leave:
            leave[kind] = leave.get(kind, ZERO) + amount
    counted = sum((v for k, v in leave.items() if k in counting_leave), ZERO)
    return MonthlySummary(workdays, late, late_minutes, early, early_minutes, missing, absent,
                          dict(sorted(leave.items())), counted, categories, late_as_absent)
