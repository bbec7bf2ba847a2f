"""Metric items: a derived leaf that names a service measure and a rule turning it into
points (issue 17 §3).

The item's `rule` in the rubric reads, for example::

    {"source": "service", "measure": "satisfied_rate", "mode": "thresholds",
     "bands": [{"at": 99, "percent": 100}, {"at": 97, "percent": 80}]}
    {"source": "service", "measure": "satisfied_rate", "mode": "linear",
     "target": 98, "per": 0.5}
    {"source": "service", "measure": "bad_ratings", "mode": "rank", "per": 1}

Numbers are in the measure's own unit as people say it: rates in percent (99 = 99%),
counts in records, durations in working days. Whether more is better comes from the
measure (more 满意率 is better, more 差评 is worse), so a rule never has to say it.

- thresholds: the first band the value reaches (≥ `at`, or ≤ `at` where less is better)
  gives `percent` of the item's max; below every band 0.
- linear: full marks at the target; each unit short of it (or over it where less is
  better) takes `per` points off; never below 0.
- rank: best of the group full marks, each place below takes `per` points off (ties
  share a place: 1, 2, 2, 4); never below 0.

Points round down to the item's step, so a rule never gives more than its working says.
`no_data` says what a subject without any record gets: "pending" (the default — the
item waits, the subject stays 待定; an administrator may set it with a reason), "full"
or "zero".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from .errors import Problem
from .numbers import ZERO, shown, to_decimal
from .service_measures import Measures

SERVICE_SOURCE = "service"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class MeasureInfo:
    key: str
    label: str
    unit: str  # "%", "件", "个", "工作日", "小时", "‰"
    higher_better: bool


MEASURES: dict[str, MeasureInfo] = {m.key: m for m in (
    MeasureInfo("satisfied_rate", "满意率", "%", True),
    MeasureInfo("on_time_rate", "按时办结率", "%", True),
    MeasureInfo("bad_rectified_rate", "差评整改率", "%", True),
    MeasureInfo("visit_rate", "回访率", "%", True),
    MeasureInfo("requests", "办件量", "件", True),
    MeasureInfo("finished", "办结量", "件", True),
    MeasureInfo("avg_days", "平均办理时长", "工作日", False),
    MeasureInfo("avg_hours", "即办件平均办理时长", "小时", False),
    MeasureInfo("bad_ratings", "差评数", "个", False),
    MeasureInfo("complaints", "投诉数", "件", False),
    MeasureInfo("valid_complaints", "有效投诉数", "件", False),
    MeasureInfo("valid_per_1000", "有效投诉率（每千件）", "‰", False),
)}
MODES = {"thresholds": "分档", "linear": "按差距扣分", "rank": "按名次"}
NO_DATA = {"pending": "待定（须管理员填写）", "full": "得满分", "zero": "得 0 分"}


@dataclass(frozen=True)
class Band:
    at: Decimal
    percent: Decimal


@dataclass(frozen=True)
class MetricRule:
    measure: str
    mode: str = "thresholds"
    bands: tuple[Band, ...] = ()
    target: Decimal | None = None
    per: Decimal = ZERO
    no_data: str = "pending"

    @property
    def info(self) -> MeasureInfo:
        return MEASURES[self.measure]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": SERVICE_SOURCE, "measure": self.measure,
                               "mode": self.mode}
        if self.mode == "thresholds":
            out["bands"] = [{"at": _plain(b.at), "percent": _plain(b.percent)} for b in self.bands]
        if self.mode == "linear" and self.target is not None:
            out["target"] = _plain(self.target)
        if self.mode in ("linear", "rank"):
            out["per"] = _plain(self.per)
        if self.no_data != "pending":
            out["no_data"] = self.no_data
        return out

    def text(self) -> str:
        """The rule in words, for the editor and the documents."""
        info = self.info
        cmp = "≥" if info.higher_better else "≤"
        if self.mode == "thresholds":
            parts = [f"{cmp} {with_unit(b.at, info.unit)} 得 {shown(b.percent)}%" for b in self.bands]
            return f"{info.label}：" + "，".join(parts) + "，其余 0 分"
        if self.mode == "linear":
            side = "低于" if info.higher_better else "高于"
            return (f"{info.label}目标 {with_unit(self.target or ZERO, info.unit)}，每{side}"
                    f" {with_unit(Decimal(1), info.unit)} 扣 {shown(self.per)} 分，扣完为止")
        return f"{info.label}组内第一名满分，每后一名扣 {shown(self.per)} 分，扣完为止"


def with_unit(value: Decimal, unit: str) -> str:
    """"98%", "3 工作日", "2 个"."""
    return f"{shown(value)}{unit}" if unit in ("%", "‰") else f"{shown(value)} {unit}"


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def is_metric_rule(raw: Mapping[str, Any] | None) -> bool:
    return bool(raw) and (raw or {}).get("source") == SERVICE_SOURCE


def _dec(raw: object, column: str, what: str, problems: list[Problem]) -> Decimal | None:
    try:
        value = to_decimal(raw)
    except (ValueError, InvalidOperation):
        problems.append(Problem(f"{what}不是数字", column=column, value=raw))
        return None
    if not value.is_finite() or abs(value) > 1_000_000:
        problems.append(Problem(f"{what}超出范围", column=column, value=raw))
        return None
    return value


def rule_from_raw(raw: Mapping[str, Any], where: str = "") -> tuple[MetricRule | None,
                                                                     list[Problem]]:
    """The rule of a metric item, or None with every problem named (column: item code)."""
    problems: list[Problem] = []
    col = where or "rule"
    measure = str(raw.get("measure", "")).strip()
    if measure not in MEASURES:
        names = "、".join(f"{m.key}（{m.label}）" for m in MEASURES.values())
        problems.append(Problem(f"指标只能是：{names}", column=col, value=measure or "（空）"))
    mode = str(raw.get("mode", "thresholds")).strip()
    if mode not in MODES:
        problems.append(Problem("计分方式只能是 thresholds（分档）、linear（按差距扣分）、rank（按名次）",
                                column=col, value=mode))
    no_data = str(raw.get("no_data", "pending"))
    if no_data not in NO_DATA:
        problems.append(Problem("无数据时只能是 pending、full、zero", column=col, value=no_data))
    bands: list[Band] = []
    target = None
    per = ZERO
    if mode == "thresholds":
        raw_bands = raw.get("bands")
        if not isinstance(raw_bands, list) or not raw_bands:
            problems.append(Problem("分档计分至少要有一档", column=col))
            raw_bands = []
        for b in raw_bands:
            if not isinstance(b, Mapping):
                problems.append(Problem("每一档应写明 at 和 percent", column=col, value=b))
                continue
            at = _dec(b.get("at"), col, "分档界限", problems)
            pct = _dec(b.get("percent"), col, "得分比例", problems)
            if at is None or pct is None:
                continue
            if not ZERO <= pct <= HUNDRED:
                problems.append(Problem("得分比例应在 0～100（%）之间", column=col, value=shown(pct)))
            bands.append(Band(at, pct))
        if measure in MEASURES and bands:
            better = MEASURES[measure].higher_better
            for a, b in pairwise(bands):
                ordered = b.at < a.at if better else b.at > a.at
                if not ordered or b.percent > a.percent:
                    problems.append(Problem(
                        "各档应从最好排到最差：界限依次" + ("降低" if better else "升高")
                        + "，得分比例不升高", column=col, value=f"{shown(b.at)} → {shown(b.percent)}%"))
                    break
    elif mode in ("linear", "rank"):
        if mode == "linear":
            target = _dec(raw.get("target"), col, "目标值", problems)
        value = _dec(raw.get("per", 0), col, "每单位扣分", problems)
        if value is not None and value < 0:
            problems.append(Problem("每单位扣分不能为负数", column=col, value=shown(value)))
        per = value if value is not None and value >= 0 else ZERO
    if problems:
        return None, problems
    return MetricRule(measure, mode, tuple(bands), target, per, no_data), []


# ----------------------------------------------------------------------------- values


def measure_value(measure: str, m: Measures) -> Decimal | None:
    """The measure in the rule's unit (rates in percent, 2 decimals), None without data."""
    t = m.tally
    raw: object = {
        "satisfied_rate": m.satisfied_rate, "on_time_rate": m.on_time_rate,
        "bad_rectified_rate": m.bad_rectified_rate, "visit_rate": m.visit_rate,
        "requests": t.requests, "finished": t.finished, "avg_days": m.avg_days,
        "avg_hours": m.avg_hours,
        "bad_ratings": t.bad, "complaints": t.complaints, "valid_complaints": t.valid,
        "valid_per_1000": m.valid_per_1000,
    }[measure]
    if raw is None:
        return None
    value = Decimal(str(raw))
    return value * HUNDRED if MEASURES[measure].unit == "%" else value


def has_data(measure: str, m: Measures) -> bool:
    """Whether the subject has any record the measure is counted from."""
    t = m.tally
    if measure in ("satisfied_rate", "bad_ratings"):
        return t.ratings > 0
    if measure in ("bad_rectified_rate", "visit_rate"):
        return t.bad > 0
    if measure in ("complaints", "valid_complaints"):
        return t.complaints > 0 or t.requests > 0 or t.ratings > 0
    return t.requests > 0 or t.finished > 0


def value_text(measure: str, m: Measures) -> str:
    """"满意率 98.20%（1,031/1,050）", "差评数 3 个", "平均办理时长 2.40 工作日（12 件）"."""
    info = MEASURES[measure]
    value = measure_value(measure, m)
    if value is None:
        return f"{info.label}无数据"
    t = m.tally
    fraction = {
        "satisfied_rate": (t.level_sum, t.ratings * 5) if m.mean_satisfaction
        else (t.satisfied, t.ratings),
        "on_time_rate": (t.on_time, t.finished), "bad_rectified_rate": (t.bad_in_time, t.bad),
        "visit_rate": (t.visited, t.bad), "valid_per_1000": (t.valid, t.requests),
    }.get(measure)
    if info.unit == "%":
        text = f"{info.label} {value:.2f}%"
    elif info.unit in ("件", "个"):
        text = f"{info.label} {int(value):,} {info.unit}"
    else:
        text = f"{info.label} {value:.2f} {info.unit}"
    if fraction is not None:
        text += f"（{fraction[0]:,}/{fraction[1]:,}）"
    elif measure == "avg_days":
        text += f"（{t.days_n:,} 件）"
    elif measure == "avg_hours":
        text += f"（{t.instant_n:,} 件即办件）"
    return text


# ----------------------------------------------------------------------------- points


def _floor(points: Decimal, step: Decimal | None) -> Decimal:
    if step and step > 0:
        return (points / step).to_integral_value(rounding=ROUND_FLOOR) * step
    return points


def _clamp(points: Decimal, maximum: Decimal, step: Decimal | None) -> Decimal:
    return _floor(min(maximum, max(ZERO, points)), step)


def ranks(values: Mapping[str, Decimal], higher_better: bool) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the values; the best is 1."""
    ordered = sorted(values.values(), reverse=higher_better)
    first: dict[Decimal, int] = {}
    for i, v in enumerate(ordered, 1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in values.items()}


def metric_points(rule: MetricRule, value: Decimal, maximum: Decimal,
                  step: Decimal | None = None, rank: int | None = None) -> tuple[Decimal, str]:
    """Points for a value (in the rule's unit) and how they came about ("≥ 97% 得 80%").
    `rank` (1 = best) is needed for the rank mode."""
    info = rule.info
    if rule.mode == "thresholds":
        for band in rule.bands:
            reached = value >= band.at if info.higher_better else value <= band.at
            if reached:
                cmp = "≥" if info.higher_better else "≤"
                points = _clamp(maximum * band.percent / HUNDRED, maximum, step)
                return points, f"{cmp} {with_unit(band.at, info.unit)} 得 {shown(band.percent)}%"
        return ZERO, "未达到任何一档"
    if rule.mode == "linear":
        target = rule.target if rule.target is not None else ZERO
        gap = max(ZERO, target - value if info.higher_better else value - target)
        if not gap:
            return _clamp(maximum, maximum, step), f"达到目标 {with_unit(target, info.unit)}"
        lost = gap * rule.per
        side = "低于" if info.higher_better else "高于"
        return (_clamp(maximum - lost, maximum, step),
                f"{side}目标 {with_unit(target, info.unit)} {shown(gap)}，扣 {shown(lost)}")
    place = rank or 1
    lost = (place - 1) * rule.per
    return _clamp(maximum - lost, maximum, step), f"组内第 {place} 名" + (
        f"，扣 {shown(lost)}" if lost else "")


def no_data_points(rule: MetricRule, maximum: Decimal) -> Decimal | None:
    """What a subject without records gets (None: left pending)."""
    return {"full": maximum, "zero": ZERO}.get(rule.no_data)


def derivation(rule: MetricRule, m: Measures, maximum: Decimal, step: Decimal | None,
               rank: int | None = None) -> tuple[Decimal, str] | None:
    """(points, remark) — "满意率 98.20%（1,031/1,050）→ ≥ 97% 得 80% → 8 分" — or None
    when the subject has no data and the rule leaves it pending."""
    info = rule.info
    value = measure_value(rule.measure, m)
    if value is None or not has_data(rule.measure, m):
        points = no_data_points(rule, maximum)
        if points is None:
            return None
        return points, f"{info.label}无数据 → 按细则{NO_DATA[rule.no_data]} → {shown(points)} 分"
    points, why = metric_points(rule, value, maximum, step, rank)
    text = value_text(rule.measure, m)
    arrow = "→ " if text.endswith("）") else " → "  # no space after a full-width bracket
    return points, f"{text}{arrow}{why} → {shown(points)} 分"


def needed_for(rule: MetricRule, points: Decimal, maximum: Decimal) -> Decimal | None:
    """The least good value (in the rule's unit) that earns at least `points`, for the
    improvement plan: None when no value does, or the mode depends on the others (rank)."""
    info = rule.info
    if rule.mode == "thresholds":
        fits = [b for b in rule.bands if maximum * b.percent / HUNDRED >= points]
        return fits[-1].at if fits else None
    if rule.mode == "linear" and rule.target is not None:
        if points > maximum:
            return None
        if not rule.per:
            return rule.target if points > ZERO else None
        gap = (maximum - points) / rule.per
        return rule.target - gap if info.higher_better else rule.target + gap
    return None
