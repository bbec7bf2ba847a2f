"""Turning a month's attendance counts into points for a rubric item (VILLAGE-ATT item 1).

points = max(0, item max − deductions), where deductions are per late arrival, per early
leave, per missing punch, per absent day and per day of leave of a type that counts.
Optionally every N late arrivals also count as half a day absent — on top of their
per-late deduction, so one more late arrival can never raise the points.
The remark spells the sum out, e.g. "迟到 2 次 −2，缺卡 1 次 −0.5；30 − 2.5 = 27.5".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from .attendance import MonthlySummary
from .completeness import ATTENDANCE_SOURCE
from .errors import Problem
from .numbers import ZERO, shown, to_decimal

# The assessor name under which attendance-derived values are stored. It scores only the
# derived items, so it is never counted among the assessors expected to finish a sheet.
ATTENDANCE_ASSESSOR = ATTENDANCE_SOURCE  # the assessor whose values come from attendance

HALF = Decimal("0.5")
# rule keys as a rubric item's `rule` dict spells them → field names
RULE_KEYS = {"late": "per_late", "early": "per_early", "missing": "per_missing",
             "absent_day": "per_absent_day", "late_per_half_day": "late_per_half_day",
             "leave_day": "per_leave_day"}


@dataclass(frozen=True)
class AttendancePointsRule:
    per_late: Decimal = Decimal(1)
    per_early: Decimal = Decimal(1)
    per_missing: Decimal = HALF
    per_absent_day: Decimal = Decimal(3)
    late_per_half_day: int | None = None  # e.g. 3: every 3 lates also count as half a day absent
    per_leave_day: Decimal = ZERO  # per day of a leave type that counts against the score

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": "attendance"}
        for key, name in RULE_KEYS.items():
            value = getattr(self, name)
            if value is None:
                continue
            out[key] = value if isinstance(value, int) else _plain(value)
        return out

    def text(self) -> str:
        parts = [f"迟到每次扣 {shown(self.per_late)}", f"早退每次扣 {shown(self.per_early)}",
                 f"缺卡每次扣 {shown(self.per_missing)}", f"旷工每天扣 {shown(self.per_absent_day)}"]
        if self.per_leave_day:
            parts.append(f"计扣请假每天扣 {shown(self.per_leave_day)}")
        if self.late_per_half_day:
            parts.append(f"每迟到 {self.late_per_half_day} 次另记旷工半天")
        return "，".join(parts)


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def rule_from_dict(raw: Mapping[str, Any] | None) -> tuple[AttendancePointsRule, list[Problem]]:
    """A rule from its stored or rubric form; unknown keys are ignored, missing keys take
    the defaults. Returns the rule (defaults where a value was bad) and the problems."""
    raw = raw or {}
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, name in RULE_KEYS.items():
        if key not in raw or raw[key] in (None, ""):
            continue
        value = raw[key]
        if name == "late_per_half_day":
            if isinstance(value, bool) or not isinstance(value, int | str) or \
                    not str(value).strip().isdigit() or int(value) < 1:
                problems.append(Problem("“每迟到几次记旷工半天”应为正整数", column=key, value=value))
                continue
            fields[name] = int(value)
            continue
        try:
            number = to_decimal(value)
        except ValueError:
            problems.append(Problem("扣分值不是数字", column=key, value=value))
            continue
        if number < 0:
            problems.append(Problem("扣分值不能为负数", column=key, value=value))
            continue
        fields[name] = number
    return AttendancePointsRule(**fields), problems


def rule_problems(rule: AttendancePointsRule, step: Decimal | None = None) -> list[Problem]:
    """Amounts must be ≥ 0 and, when the item has a step, multiples of it, so the points
    always land on the item's grid."""
    problems = []
    for key, name in RULE_KEYS.items():
        value = getattr(rule, name)
        if name == "late_per_half_day":
            if value is not None and value < 1:
                problems.append(Problem("“每迟到几次记旷工半天”应为正整数", column=key, value=value))
            continue
        if value < 0:
            problems.append(Problem("扣分值不能为负数", column=key, value=shown(value)))
        elif step and step > 0 and (value / step) != (value / step).to_integral_value():
            problems.append(Problem(f"扣分值应是该项步长 {shown(step)} 的整数倍", column=key,
                                    value=shown(value)))
    if step and step > 0 and rule.late_per_half_day:
        half = rule.per_absent_day * HALF
        if (half / step) != (half / step).to_integral_value():
            problems.append(Problem(f"旷工半天的扣分 {shown(half)} 不是步长 {shown(step)} 的整数倍",
                                    column="absent_day", value=shown(rule.per_absent_day)))
    return problems


@dataclass(frozen=True)
class PointsResult:
    points: Decimal
    deduction: Decimal
    parts: tuple[tuple[str, Decimal], ...]  # ("迟到 2 次", 2) …
    remark: str


def attendance_points(summary: MonthlySummary, rule: AttendancePointsRule, maximum: Decimal,
                      step: Decimal | None = None) -> PointsResult:
    """The item's points from the counts; never below 0. With a step, points that fall
    between steps round down to the step (the remark says so)."""
    parts: list[tuple[str, Decimal]] = []

    def charge(label: str, count: Decimal | int, each: Decimal) -> None:
        if count and each:
            parts.append((label, Decimal(count) * each))

    charge(f"迟到 {summary.late} 次", summary.late, rule.per_late)
    if rule.late_per_half_day:
        halves = summary.late_arrivals // rule.late_per_half_day
        counted = (f"（含已记旷工的迟到 {summary.late_as_absent} 次）"
                   if summary.late_as_absent and halves else "")
        charge(f"每迟到 {rule.late_per_half_day} 次记旷工半天{counted}，折旷工 {shown(halves * HALF)} 天",
               halves * HALF, rule.per_absent_day)
    charge(f"早退 {summary.early} 次", summary.early, rule.per_early)
    charge(f"缺卡 {summary.missing} 次", summary.missing, rule.per_missing)
    charge(f"旷工 {shown(summary.absent_days)} 天", summary.absent_days, rule.per_absent_day)
    charge(f"计扣请假 {shown(summary.counted_leave_days)} 天", summary.counted_leave_days,
           rule.per_leave_day)
    deduction = sum((amount for _, amount in parts), ZERO)
    points = max(ZERO, maximum - deduction)
    rounded = ""
    if step and step > 0 and (points / step) != (points / step).to_integral_value():
        points = (points / step).to_integral_value(rounding=ROUND_FLOOR) * step
        rounded = f"，按步长 {shown(step)} 取 {shown(points)}"
    if not parts:
        remark = f"考勤无扣分，得满分 {shown(maximum)}"
    else:
        listed = "，".join(f"{label} −{shown(amount)}" for label, amount in parts)
        floor = "（扣完为止）" if deduction > maximum else ""
        remark = (f"{listed}；{shown(maximum)} − {shown(deduction)} = "
                  f"{shown(max(ZERO, maximum - deduction))}{floor}{rounded}")
    return PointsResult(points, deduction, tuple(parts), remark)
