"""The rubric: a tree of items, bonus and deduction rules, veto rules and a grade scale.

A rubric is immutable once built; editing makes a new version. `rubric_from_dict`
validates everything (parents add up, caps sane, codes unique) and reports every
problem at once; a Rubric that exists is a valid one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .consequences import Consequence, consequences_from_raw, consequences_to_raw
from .errors import InputError, Problem
from .metric_rules import is_metric_rule, rule_from_raw
from .numbers import ZERO, is_multiple, shown, to_decimal
from .text_rules import echo, problem_of


class ItemKind(StrEnum):
    POINTS = "points"  # a number in [0, max] in steps of `step`
    YESNO = "yesno"  # worth max or nothing
    LEVEL = "level"  # one of a scale of named levels, each worth fixed points
    DERIVED = "derived"  # computed from data (attendance, survey rate) by a rule


KIND_NAMES = {
    ItemKind.POINTS: "分值",
    ItemKind.YESNO: "是/否",
    ItemKind.LEVEL: "等次",
    ItemKind.DERIVED: "数据折算",
}
YES_WORDS = {"是", "有", "√", "✓", "y", "yes", "true"}
NO_WORDS = {"否", "无", "×", "✗", "n", "no", "false"}


@dataclass(frozen=True)
class Level:
    name: str
    points: Decimal


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    max: Decimal
    kind: ItemKind | None = None  # None for a parent
    step: Decimal = Decimal("0.1")
    description: str = ""
    levels: tuple[Level, ...] = ()
    rule: dict[str, Any] | None = None
    children: tuple[Item, ...] = ()
    combine: str = "sum"  # parent only: "sum" or "weighted" (Σ weight × child)
    weight: Decimal = Decimal(1)  # used when the parent combines by weight
    # leaf only: an administrator may mark it 不适用 for one subject; the subject's score is
    # then converted to the full scale over the items that apply
    allow_na: bool = False

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Item]:
        yield self
        for child in self.children:
            yield from child.walk()

    def allowed_text(self) -> str:
        """The allowed values in words, for error messages and tooltips."""
        if self.kind == ItemKind.YESNO:
            return f"0 或 {shown(self.max)}（是/否）"
        if self.kind == ItemKind.LEVEL:
            return "、".join(f"{lv.name}={shown(lv.points)}" for lv in self.levels)
        return f"0～{shown(self.max)}，步长 {shown(self.step)}"


@dataclass(frozen=True)
class EventRule:
    """A bonus or deduction rule; an event's amount must be one it allows."""

    code: str
    title: str
    amounts: tuple[Decimal, ...] = ()  # a fixed set, e.g. 1, 3 or 5 by severity
    min: Decimal | None = None  # or a range min…max in steps
    max: Decimal | None = None
    step: Decimal = Decimal(1)

    def allows(self, amount: Decimal) -> bool:
        if self.amounts:
            return amount in self.amounts
        assert self.min is not None and self.max is not None
        return self.min <= amount <= self.max and is_multiple(amount - self.min, self.step)

    def allowed_text(self) -> str:
        if self.amounts:
            return "、".join(shown(a) for a in self.amounts)
        assert self.min is not None and self.max is not None
        return f"{shown(self.min)}～{shown(self.max)}（步长 {shown(self.step)}）"

    @property
    def highest(self) -> Decimal:
        return max(self.amounts) if self.amounts else (self.max or ZERO)


@dataclass(frozen=True)
class EventSection:
    title: str = ""
    cap: Decimal = ZERO
    rules: tuple[EventRule, ...] = ()

    def rule(self, code: str) -> EventRule | None:
        return next((r for r in self.rules if r.code == code), None)


@dataclass(frozen=True)
class VetoRule:
    code: str
    title: str


class GradeMode(StrEnum):
    THRESHOLD = "threshold"
    QUOTA = "quota"
    BOTH = "both"  # thresholds, then limited by quota


@dataclass(frozen=True)
class GradeBand:
    name: str
    min: Decimal = ZERO  # lowest total that reaches this grade (thresholds)
    quota_share: Decimal | None = None  # at most this share of subjects (0 < s ≤ 1)
    quota_count: int | None = None  # at most this many subjects


@dataclass(frozen=True)
class GradeScale:
    mode: GradeMode = GradeMode.THRESHOLD
    bands: tuple[GradeBand, ...] = ()  # best first; the last one is the lowest grade

    @property
    def lowest(self) -> str:
        return self.bands[-1].name if self.bands else ""


@dataclass(frozen=True)
class Rubric:
    code: str
    version: int
    name: str
    subject_kind: str  # "unit" or "staff"
    full_marks: Decimal
    items: tuple[Item, ...]
    bonus: EventSection = field(default_factory=EventSection)
    deduction: EventSection = field(default_factory=EventSection)
    veto: tuple[VetoRule, ...] = ()
    grades: GradeScale = field(default_factory=GradeScale)
    source: str = ""
    consequences: tuple[Consequence, ...] = ()  # which documents follow each grade

    def walk(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def leaves(self) -> list[Item]:
        return [i for i in self.walk() if i.is_leaf]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.walk() if i.code == code), None)

    def event_rule(self, code: str) -> tuple[str, EventRule] | None:
        """The section ('bonus' or 'deduction') and rule for an event rule code."""
        for section_name, section in (("bonus", self.bonus), ("deduction", self.deduction)):
            rule = section.rule(code)
            if rule is not None:
                return section_name, rule
        return None

    def veto_rule(self, code: str) -> VetoRule | None:
        return next((v for v in self.veto if v.code == code), None)


# ---------------------------------------------------------------------------- reading


def combined_max(combine: str, children: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """What a parent's children add up to — the parent's max must equal it.

    `children` are (max, weight) pairs; "weighted" sums weight × max, anything else Σ max.
    The one definition of the rule, shared by validation and the rubric editor.
    """
    if combine == "weighted":
        return sum((weight * maximum for maximum, weight in children), ZERO)
    return sum((maximum for maximum, _ in children), ZERO)


# Bounds of a rubric file, so a hostile one is a list of problems, never a crash: a score
# beyond a million points or finer than a millionth is no rubric's, and 10,000 nested
# items would exhaust the recursion.
MAX_POINTS = Decimal(1_000_000)
MAX_PLACES = 6
MAX_DEPTH = 12
MAX_NODES = 5_000
MAX_VERSION = 1_000_000
TEXT_LIMITS = {"code": 50, "name": 200, "title": 500, "description": 5_000, "kind": 20,
               "combine": 20, "subject_kind": 10, "source": 5_000, "mode": 20, "matter": 200}
_LISTS = ("items", "children", "levels", "rules", "amounts", "scale", "veto")
_OBJECTS = ("bonus", "deduction", "grades", "rule")


def _num(raw: object, where: str, problems: list[Problem], what: str) -> Decimal | None:
    try:
        value = to_decimal(raw)
    except ValueError:
        problems.append(Problem(f"{what}不是数字", column=where, value=echo(str(raw))))
        return None
    if not value.is_finite() or abs(value) > MAX_POINTS or (
            value and value.as_tuple().exponent < -MAX_PLACES):  # type: ignore[operator]
        problems.append(Problem(f"{what}超出范围（应在 ±{MAX_POINTS:,} 之内，最多 {MAX_PLACES} 位小数）",
                                column=where, value=echo(str(raw))))
        return None
    return value


def shape_problems(raw: object) -> list[Problem]:
    """What is wrong with the file's structure before any rule is looked at: the wrong
    type where a list, an object, a text or a number belongs, nesting or size beyond the
    bounds above, text with invisible or unstorable characters. Every rule of a rubric
    is then checked by `rubric_from_dict` on a structure known to be sound."""
    problems: list[Problem] = []
    nodes = 0

    def walk(value: object, key: str, depth: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            if nodes == MAX_NODES + 1:
                problems.append(Problem(f"细则过大：超过 {MAX_NODES} 个条目"))
            return
        if depth > MAX_DEPTH:
            problems.append(Problem(f"细则嵌套过深（超过 {MAX_DEPTH} 层）", column=key))
            return
        if key in _LISTS and value is not None and not isinstance(value, list):
            problems.append(Problem(f"“{key}”应是列表，不是{_type_name(value)}", column=key,
                                    value=echo(str(value))))
            return
        if key in _OBJECTS and value is not None and not isinstance(value, dict):
            problems.append(Problem(f"“{key}”应是对象，不是{_type_name(value)}", column=key,
                                    value=echo(str(value))))
            return
        if key in TEXT_LIMITS and value is not None:
            if not isinstance(value, str | int) or isinstance(value, bool):
                problems.append(Problem(f"“{key}”应是文字，不是{_type_name(value)}", column=key))
                return
            reason = problem_of(str(value), what=f"“{key}”", limit=TEXT_LIMITS[key])
            if reason:
                problems.append(Problem(reason[0], column=key, value=reason[1]))
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k), depth + 1)
        elif isinstance(value, list):
            item_key = {"items": "item", "children": "item", "levels": "level", "rules": "rule_item",
                        "scale": "band", "veto": "veto_item", "amounts": "amount"}.get(key, "entry")
            for v in value:
                if item_key in ("item", "level", "rule_item", "band", "veto_item") and \
                        not isinstance(v, dict):
                    problems.append(Problem(f"“{key}”里的每一项应是对象，不是{_type_name(v)}",
                                            column=key, value=echo(str(v))))
                    continue
                walk(v, item_key, depth + 1)
        elif isinstance(value, str):
            reason = problem_of(value, what=f"“{key}”", limit=TEXT_LIMITS["source"])
            if reason:
                problems.append(Problem(reason[0], column=key, value=reason[1]))

    if not isinstance(raw, dict):
        return [Problem("细则文件的顶层应是一个对象")]
    version = raw.get("version", 1)
    if isinstance(version, int) and not isinstance(version, bool) and version > MAX_VERSION:
        problems.append(Problem(f"版本号过大（最多 {MAX_VERSION:,}）", column="version",
                                value=echo(str(version))))
    walk(raw, "", 0)
    return problems[:50]


def _type_name(value: object) -> str:
    return {str: "文字", int: "数字", float: "数字", bool: "真假值", list: "列表", dict: "对象",
            type(None): "空值"}.get(type(value), type(value).__name__)


def _item(raw: dict[str, Any], problems: list[Problem], seen: set[str]) -> Item | None:
    code = str(raw.get("code", "")).strip()
    title = str(raw.get("title", "")).strip()
    if not code:
        problems.append(Problem("细则项目缺少编号", value=title))
        return None
    if code in seen:
        problems.append(Problem("编号重复", column=code, value=code))
    seen.add(code)
    if not title:
        problems.append(Problem("缺少项目名称", column=code))
    maximum = _num(raw.get("max"), code, problems, "满分")
    if maximum is None:
        return None
    if maximum <= 0:
        problems.append(Problem("满分必须大于 0", column=code, value=raw.get("max")))
    children_raw = raw.get("children") or []
    children = tuple(
        c for c in (_item(child, problems, seen) for child in children_raw) if c is not None
    )
    weight = _num(raw.get("weight", 1), code, problems, "权重")
    if weight is not None and weight <= 0:
        problems.append(Problem("权重必须大于 0", column=code, value=raw.get("weight")))
    weight = weight or Decimal(1)
    common = dict(code=code, title=title, max=maximum, description=str(raw.get("description", "")),
                  weight=weight)
    if children_raw:
        combine = str(raw.get("combine", "sum"))
        if combine not in ("sum", "weighted"):
            problems.append(Problem("合计方式只能是 sum 或 weighted", column=code, value=combine))
        if len(children) == len(children_raw):
            total = combined_max(combine, ((c.max, c.weight) for c in children))
            if total != maximum:
                problems.append(Problem(
                    f"上级项目满分 {shown(maximum)} 与下级合计 {shown(total)} 不符",
                    column=code, value=shown(maximum)))
        return Item(children=children, combine=combine, **common)
    try:
        kind = ItemKind(str(raw.get("kind", "points")))
    except ValueError:
        problems.append(Problem("评分方式只能是 points、yesno、level、derived 之一",
                                column=code, value=raw.get("kind")))
        return None
    step = _num(raw.get("step", "0.1"), code, problems, "步长") or Decimal("0.1")
    if kind in (ItemKind.POINTS, ItemKind.DERIVED):
        if step <= 0:
            problems.append(Problem("步长必须大于 0", column=code, value=raw.get("step")))
        elif not is_multiple(maximum, step):
            problems.append(Problem(f"满分 {shown(maximum)} 不是步长的整数倍", column=code,
                                    value=raw.get("step")))
    levels: list[Level] = []
    if kind == ItemKind.LEVEL:
        for lv in raw.get("levels") or []:
            points = _num(lv.get("points"), code, problems, "等次分值")
            name = str(lv.get("name", "")).strip()
            if points is None:
                continue
            if not name or any(x.name == name for x in levels):
                problems.append(Problem("等次名称为空或重复", column=code, value=name))
            if not ZERO <= points <= maximum:
                problems.append(Problem(f"等次“{name}”的分值超出 0～{shown(maximum)}",
                                        column=code, value=shown(points)))
            levels.append(Level(name, points))
        if not levels:
            problems.append(Problem("等次评分的项目至少要有一个等次", column=code))
    rule = raw.get("rule")
    if kind == ItemKind.DERIVED and isinstance(rule, dict) and is_metric_rule(rule):
        problems.extend(rule_from_raw(rule, code)[1])
    return Item(kind=kind, step=step, levels=tuple(levels),
                rule=dict(rule) if isinstance(rule, dict) else None,
                allow_na=bool(raw.get("allow_na", False)), **common)


def _section(raw: dict[str, Any] | None, name: str, problems: list[Problem],
             codes: set[str]) -> EventSection:
    raw = raw or {}
    cap = _num(raw.get("cap", 0), name, problems, "封顶分") or ZERO
    if cap < 0:
        problems.append(Problem("封顶分不能为负", column=name, value=raw.get("cap")))
    rules: list[EventRule] = []
    for r in raw.get("rules") or []:
        code = str(r.get("code", "")).strip()
        if not code or code in codes:
            problems.append(Problem("加减分规则编号为空或与其他编号重复", column=name, value=code))
        codes.add(code)
        if r.get("amounts"):
            amounts = tuple(a for a in (_num(x, code, problems, "分值") for x in r["amounts"])
                            if a is not None)
            rule = EventRule(code, str(r.get("title", "")), amounts=tuple(sorted(set(amounts))))
            low, high = (min(amounts), max(amounts)) if amounts else (ZERO, ZERO)
        else:
            low = _num(r.get("min"), code, problems, "最低分")
            high = _num(r.get("max"), code, problems, "最高分")
            step = _num(r.get("step", 1), code, problems, "步长") or Decimal(1)
            if low is None or high is None:
                continue
            if step <= 0:
                problems.append(Problem("步长必须大于 0", column=code, value=r.get("step")))
            rule = EventRule(code, str(r.get("title", "")), min=low, max=high, step=step)
        if low <= 0 or low > high:
            problems.append(Problem("分值必须大于 0，且最低不高于最高", column=code,
                                    value=rule.allowed_text()))
        elif high > cap:
            problems.append(Problem(f"单项分值超过本部分封顶 {shown(cap)}", column=code,
                                    value=shown(high)))
        rules.append(rule)
    return EventSection(str(raw.get("title", "")), cap, tuple(rules))


def _grades(raw: dict[str, Any] | None, problems: list[Problem]) -> GradeScale:
    raw = raw or {}
    try:
        mode = GradeMode(str(raw.get("mode", "threshold")))
    except ValueError:
        problems.append(Problem("定档方式只能是 threshold、quota、both", column="grades",
                                value=raw.get("mode")))
        mode = GradeMode.THRESHOLD
    bands: list[GradeBand] = []
    for b in raw.get("scale") or []:
        name = str(b.get("name", "")).strip()
        low = _num(b.get("min", 0), name, problems, "分数线") or ZERO
        share = b.get("quota_share")
        share_d = _num(share, name, problems, "比例") if share is not None else None
        if share_d is not None and not ZERO < share_d <= 1:
            problems.append(Problem("比例必须在 0～1 之间", column=name, value=share))
        count = b.get("quota_count")
        if count is not None and (not isinstance(count, int) or count < 0):
            problems.append(Problem("名额必须是非负整数", column=name, value=count))
            count = None
        if not name or any(x.name == name for x in bands):
            problems.append(Problem("等次名称为空或重复", column="grades", value=name))
        if bands and low > bands[-1].min:
            problems.append(Problem("分数线必须从高到低排列", column=name, value=shown(low)))
        bands.append(GradeBand(name, low, share_d, count))
    return GradeScale(mode, tuple(bands))


def rubric_from_dict(raw: dict[str, Any], *, file: str = "") -> Rubric:
    """Build and validate a rubric; InputError lists every problem found."""
    problems: list[Problem] = shape_problems(raw)
    if problems:
        raise InputError([Problem(**{**p.__dict__, "file": p.file or file}) for p in problems])
    try:
        return _rubric_from_dict(raw, file=file)
    except (TypeError, AttributeError, ValueError, ArithmeticError, RecursionError) as exc:
        # the shape check should have caught it; a message all the same, never a traceback
        raise InputError(Problem(f"细则文件的格式不对（{type(exc).__name__}）", file=file)) from None


def _rubric_from_dict(raw: dict[str, Any], *, file: str = "") -> Rubric:
    problems: list[Problem] = []
    code = str(raw.get("code", "")).strip()
    if not code:
        problems.append(Problem("细则缺少编号（code）"))
    version = raw.get("version", 1)
    if not isinstance(version, int) or version < 1:
        problems.append(Problem("版本号必须是正整数", column="version", value=version))
        version = 1
    subject_kind = str(raw.get("subject_kind", "unit"))
    if subject_kind not in ("unit", "staff"):
        problems.append(Problem("考核对象只能是 unit 或 staff", column="subject_kind",
                                value=subject_kind))
    full = _num(raw.get("full_marks", 100), "full_marks", problems, "满分") or Decimal(100)
    seen: set[str] = set()
    items = tuple(i for i in (_item(x, problems, seen) for x in raw.get("items") or [])
                  if i is not None)
    if not items:
        problems.append(Problem("细则没有任何评分项目"))
    elif sum((i.max for i in items), ZERO) != full:
        problems.append(Problem(
            f"各项满分合计 {shown(sum((i.max for i in items), ZERO))} 与总分 {shown(full)} 不符",
            column="full_marks", value=shown(full)))
    bonus = _section(raw.get("bonus"), "bonus", problems, seen)
    deduction = _section(raw.get("deduction"), "deduction", problems, seen)
    veto: list[VetoRule] = []
    for v in raw.get("veto") or []:
        vcode = str(v.get("code", "")).strip()
        if not vcode or vcode in seen:
            problems.append(Problem("一票否决项编号为空或重复", column="veto", value=vcode))
        seen.add(vcode)
        veto.append(VetoRule(vcode, str(v.get("title", ""))))
    grades = _grades(raw.get("grades"), problems)
    consequences = consequences_from_raw(raw.get("consequences"),
                                         {b.name for b in grades.bands}, problems)
    if problems:
        raise InputError([Problem(**{**p.__dict__, "file": p.file or file}) for p in problems])
    return Rubric(code=code, version=version, name=str(raw.get("name", code)),
                  subject_kind=subject_kind, full_marks=full, items=items, bonus=bonus,
                  deduction=deduction, veto=tuple(veto), grades=grades,
                  source=str(raw.get("source", "")), consequences=consequences)


# ---------------------------------------------------------------------------- writing


def _n(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _item_dict(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "title": item.title, "max": _n(item.max),
                           "description": item.description}
    if item.weight != 1:
        out["weight"] = _n(item.weight)
    if item.children:
        if item.combine != "sum":
            out["combine"] = item.combine
        out["children"] = [_item_dict(c) for c in item.children]
        return out
    out["kind"] = str(item.kind)
    if item.kind in (ItemKind.POINTS, ItemKind.DERIVED):
        out["step"] = _n(item.step)
    if item.levels:
        out["levels"] = [{"name": lv.name, "points": _n(lv.points)} for lv in item.levels]
    if item.rule:
        out["rule"] = dict(item.rule)
    if item.allow_na:
        out["allow_na"] = True
    return out


def _section_dict(section: EventSection) -> dict[str, Any]:
    rules = []
    for r in section.rules:
        if r.amounts:
            rules.append({"code": r.code, "title": r.title, "amounts": [_n(a) for a in r.amounts]})
        else:
            assert r.min is not None and r.max is not None
            rules.append({"code": r.code, "title": r.title, "min": _n(r.min), "max": _n(r.max),
                          "step": _n(r.step)})
    return {"title": section.title, "cap": _n(section.cap), "rules": rules}


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    """The JSON form; `rubric_from_dict(rubric_to_dict(r)) == r`."""
    scale = []
    for b in rubric.grades.bands:
        band: dict[str, Any] = {"name": b.name, "min": _n(b.min)}
        if b.quota_share is not None:
            band["quota_share"] = _n(b.quota_share)
        if b.quota_count is not None:
            band["quota_count"] = b.quota_count
        scale.append(band)
    return {
        "code": rubric.code,
        "version": rubric.version,
        "name": rubric.name,
        "subject_kind": rubric.subject_kind,
        "full_marks": _n(rubric.full_marks),
        "source": rubric.source,
        "items": [_item_dict(i) for i in rubric.items],
        "bonus": _section_dict(rubric.bonus),
        "deduction": _section_dict(rubric.deduction),
        "veto": [{"code": v.code, "title": v.title} for v in rubric.veto],
        "grades": {"mode": str(rubric.grades.mode), "scale": scale},
        "consequences": consequences_to_raw(rubric.consequences),
    }
