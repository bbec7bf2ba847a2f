"""The improvement plan of a feedback letter (issue 17 §5): how many points the next grade
needs, and where those points are most within reach — the items that lost most, and the
measures furthest below their target, each with a concrete target in records
("满意率 96.10% → 98%：约减少 20 个差评").

Pure: the service hands in the totals, the items' scores and the measures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .metric_rules import MetricRule, measure_value, metric_points, needed_for, value_text
from .numbers import ZERO, shown
from .rubric import GradeMode, GradeScale
from .service_measures import Measures

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class NextGrade:
    name: str  # the next better grade ("" when the subject already has the best)
    needed: Decimal | None  # points to reach it (None: quota only, nobody holds it)


def next_grade(scale: GradeScale, grade: str | None, total: Decimal,
               holders: dict[str, list[Decimal]]) -> NextGrade:
    """The grade above `grade` and the points that reach it: its line (thresholds), or the
    lowest total that holds it now (a quota) — whichever is higher."""
    names = [b.name for b in scale.bands]
    if grade not in names or names.index(grade) == 0:
        return NextGrade("", ZERO)
    band = scale.bands[names.index(grade) - 1]
    lines = []
    if scale.mode in (GradeMode.THRESHOLD, GradeMode.BOTH):
        lines.append(band.min)
    if scale.mode in (GradeMode.QUOTA, GradeMode.BOTH) and holders.get(band.name):
        lines.append(min(holders[band.name]))
    if not lines:
        return NextGrade(band.name, None)
    return NextGrade(band.name, max(ZERO, max(lines) - total))


def _ceil(x: Decimal) -> int:
    return max(0, math.ceil(x - Decimal("1e-9")))


def reach_count(measure: str, m: Measures, target: Decimal) -> int | None:
    """How many records reaching `target` (in the rule's unit) takes — the least that does;
    None for a measure not counted in whole records (the average days, the mean level)."""
    t = m.tally
    share = target / HUNDRED
    if measure == "satisfied_rate":
        return None if m.mean_satisfaction else _ceil(share * t.ratings - t.satisfied)
    if measure == "on_time_rate":
        return _ceil(share * t.finished - t.on_time)
    if measure == "bad_rectified_rate":
        return _ceil(share * t.bad - t.bad_in_time)
    if measure == "visit_rate":
        return _ceil(share * t.bad - t.visited)
    if measure in ("requests", "finished"):
        return _ceil(target - (t.requests if measure == "requests" else t.finished))
    if measure in _FEWER:
        return _ceil(getattr(t, _FEWER[measure]) - target)
    if measure == "valid_per_1000":
        return _ceil(t.valid - target * t.requests / 1000)
    return None


# counts that fall by the number of records the plan asks to avoid
_FEWER = {"bad_ratings": "bad", "complaints": "complaints", "valid_complaints": "valid"}


def after(measure: str, m: Measures, k: int) -> Measures:
    """The subject's measures had `k` records gone the better way: k 差评 fewer (the
    ratings as many, k more satisfied), k more 办件 on time, k fewer valid complaints …"""
    t = m.tally
    change: dict[str, int] = {
        "satisfied_rate": {"satisfied": t.satisfied + k, "bad": max(0, t.bad - k)},
        "on_time_rate": {"on_time": t.on_time + k},
        "bad_rectified_rate": {"bad_in_time": t.bad_in_time + k},
        "visit_rate": {"visited": t.visited + k},
        "requests": {"requests": t.requests + k},
        "finished": {"finished": t.finished + k},
        "valid_per_1000": {"valid": max(0, t.valid - k)},
    }.get(measure) or ({_FEWER[measure]: max(0, getattr(t, _FEWER[measure]) - k)}
                       if measure in _FEWER else {})
    return replace(m, tally=replace(t, **change))


def reach_text(measure: str, m: Measures, target: Decimal) -> str:
    """What reaching `target` (in the rule's unit) takes, in records: "约减少 20 个差评"."""
    t = m.tally
    k = reach_count(measure, m, target)
    if measure == "satisfied_rate":
        if m.mean_satisfaction:
            share = target / HUNDRED
            return f"平均评价等级提高到 {shown((share * 5).quantize(Decimal('0.01')))} 星"
        return f"约减少 {k} 个差评（共 {t.ratings:,} 次评价）"
    if measure == "on_time_rate":
        return f"约多 {k} 件按时办结（共办结 {t.finished:,} 件）"
    if measure == "bad_rectified_rate":
        return f"再按期整改 {k} 个差评（15 个工作日内）"
    if measure == "visit_rate":
        return f"再回访 {k} 个差评"
    if measure in ("requests", "finished"):
        return f"多办 {k} 件"
    if measure in _FEWER:
        what = {"bad_ratings": "差评", "complaints": "投诉", "valid_complaints": "有效投诉"}[measure]
        return f"{what}减少 {k} 个"
    if measure == "valid_per_1000":
        return f"有效投诉减少 {k} 件"
    if measure == "avg_days":
        now = Decimal(str(m.avg_days or 0))
        return f"平均每件缩短 {shown(max(ZERO, now - target))} 个工作日（{t.days_n:,} 件）"
    if measure == "avg_hours":
        now = Decimal(str(m.avg_hours or 0))
        return f"即办件平均每件缩短 {shown(max(ZERO, now - target))} 小时（{t.instant_n:,} 件）"
    return ""


def _unit_text(rule: MetricRule, value: Decimal) -> str:
    unit = rule.info.unit
    if unit == "%":
        return f"{shown(value.quantize(Decimal('0.01')))}%"
    if unit in ("件", "个"):
        return f"{int(value)} {unit}"
    return f"{shown(value.quantize(Decimal('0.01')))} {unit}"


def _value_text(rule: MetricRule, value: Decimal) -> str:
    """A measured value as the letter's measures table shows it (87.50%, 2.50 工作日): the
    plan's "87.50% → 90%" must read the same figure, not a shortened one."""
    unit = rule.info.unit
    if unit in ("件", "个"):
        return f"{int(value)} {unit}"
    fixed = f"{value.quantize(Decimal('0.01'))}"
    return f"{fixed}%" if unit == "%" else f"{fixed} {unit}"


@dataclass(frozen=True)
class MeasureLine:
    """A metric item's measure against its target (the value for full marks)."""

    item_code: str
    label: str
    value: str  # "96.10%（961/1,000）"
    target: str  # "98%"
    points: str  # "8/10"
    below: bool  # short of the target


@dataclass(frozen=True)
class Step:
    """One place to gain points, with its concrete target."""

    item_code: str
    title: str
    lost: Decimal
    gain: Decimal  # points the target gives back
    text: str


def measure_line(item_code: str, rule: MetricRule, m: Measures, points: Decimal | None,
                 maximum: Decimal) -> MeasureLine:
    full = needed_for(rule, maximum, maximum)
    value = measure_value(rule.measure, m)
    label = rule.info.label
    shown_value = value_text(rule.measure, m).removeprefix(label).strip()
    cmp = "≥" if rule.info.higher_better else "≤"
    target = f"{cmp} {_unit_text(rule, full)}" if full is not None else "组内第一"
    below = value is not None and full is not None and (
        value < full if rule.info.higher_better else value > full)
    if rule.mode == "rank" and points is not None:
        below = points < maximum
    pts = f"{shown(points)}/{shown(maximum)}" if points is not None else f"待定/{shown(maximum)}"
    return MeasureLine(item_code, label, shown_value, target, pts, below)


def metric_step(item_code: str, title: str, rule: MetricRule, m: Measures, points: Decimal,
                maximum: Decimal, step: Decimal | None) -> Step | None:
    """The nearest target of a metric item that gives points back: the next band up
    (thresholds), the target (linear); None at full marks or in rank mode."""
    value = measure_value(rule.measure, m)
    if value is None or points >= maximum or rule.mode == "rank":
        if rule.mode == "rank" and points < maximum:
            return Step(item_code, title, maximum - points, ZERO,
                        f"{item_code} {title}：按组内名次计分，{rule.info.label}每前进一名加 "
                        f"{shown(rule.per)} 分")
        return None
    target: Decimal | None = None
    if rule.mode == "thresholds":
        better = [b for b in rule.bands if maximum * b.percent / HUNDRED > points]
        target = better[-1].at if better else None
    else:
        target = needed_for(rule, maximum, maximum)
    if target is None:
        return None
    gain = metric_points(rule, target, maximum, step)[0] - points
    label = rule.info.label
    reached = ""
    # whole records move a small count past the target (1 差评 fewer of 8 ratings is 100%,
    # not 90%): the points are those of where the records really take the measure
    k = reach_count(rule.measure, m, target)
    if k is not None:
        landed = measure_value(rule.measure, after(rule.measure, m, k))
        if landed is not None:
            real = metric_points(rule, landed, maximum, step)[0] - points
            if real > gain:
                gain, reached = real, f"，即达 {_value_text(rule, landed)}"
    return Step(item_code, title, maximum - points, gain,
                f"{item_code} {title}：{label} {_value_text(rule, value)} → {_unit_text(rule, target)}："
                f"{reach_text(rule.measure, m, target)}{reached}，可多得 {shown(gain)} 分")


def plan(steps: Sequence[Step], needed: Decimal | None, limit: int = 4) -> list[Step]:
    """The steps most within reach: largest gain first (then most lost), enough to cover
    `needed` when they can, never more than `limit`."""
    ordered = sorted(steps, key=lambda s: (-(s.gain or s.lost), -s.lost, s.item_code))
    out: list[Step] = []
    got = ZERO
    for s in ordered:
        out.append(s)
        got += s.gain or s.lost
        if len(out) >= limit or (needed is not None and needed > 0 and got >= needed
                                 and len(out) >= 2):
            break
    return out


def manual_step(item_code: str, title: str, score: Decimal, maximum: Decimal) -> Step:
    lost = maximum - score
    return Step(item_code, title, lost, lost,
                f"{item_code} {title}：{shown(score)}/{shown(maximum)}，失 {shown(lost)} 分，"
                "对照细则逐条补齐可得回")
