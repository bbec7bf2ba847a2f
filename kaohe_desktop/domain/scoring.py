"""Scoring one subject: leaf values, parent sums, bonus and deduction events, the total.

Invariants the tests hold:
- a leaf value outside its allowed set is refused (never clamped) with the item, the
  value and the allowed range named;
- claims for the same matter (同一事项) count once, at the highest amount; each section
  is capped;
- every figure shown adds up (README 计分规则): a leaf's combined value (the mean over
  assessors, roles weighted) is rounded half up to 2 decimals once; a plain parent is the
  exact sum of its rounded children; a weighted parent is Σ weight × child rounded once;
  base = Σ top items; total = base + bonus − deduction, each section rounded once. So
  every figure is a 2-decimal value and a clerk summing a printed row gets its total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import Problem
from .numbers import ZERO, is_multiple, round2, shown, to_decimal
from .rubric import NO_WORDS, YES_WORDS, EventSection, Item, ItemKind, Rubric


class ValueRefused(ValueError):
    """A value a leaf cannot take; `problem` says why in Chinese."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.line())
        self.problem = problem


def parse_leaf_value(item: Item, raw: object) -> Decimal:
    """The points a raw cell or typed value is worth for `item`.

    Accepts numbers and numeric text for every kind; for yes/no also 是/否 (and √/×),
    for levels the level's name. Raises ValueRefused naming the item and allowed values.
    """

    def refuse(reason: str) -> ValueRefused:
        return ValueRefused(Problem(
            f"项目 {item.code}“{item.title}”{reason}，允许：{item.allowed_text()}",
            column=item.code, value=raw))

    if isinstance(raw, str):
        text = raw.strip()
        if item.kind == ItemKind.YESNO and text.lower() in YES_WORDS:
            return item.max
        if item.kind == ItemKind.YESNO and text.lower() in NO_WORDS:
            return ZERO
        if item.kind == ItemKind.LEVEL:
            for level in item.levels:
                if level.name == text:
                    return level.points
    try:
        value = to_decimal(raw)
    except ValueError:
        raise refuse("的值不是数字") from None
    if value < 0:
        raise refuse("不能为负数")
    if value > item.max:
        raise refuse(f"超过满分 {shown(item.max)}")
    if item.kind == ItemKind.YESNO and value not in (ZERO, item.max):
        raise refuse("只能是 0 或满分")
    if item.kind == ItemKind.LEVEL and value not in {lv.points for lv in item.levels}:
        raise refuse("不是任何等次的分值")
    if item.kind in (ItemKind.POINTS, ItemKind.DERIVED) and not is_multiple(value, item.step):
        raise refuse(f"不是步长 {shown(item.step)} 的整数倍")
    return value


class ScoringPlan:
    """A rubric flattened once for scoring many subjects: parents after their children.

    Scoring 1,000 subjects walks the same tree 1,000 times; a flat list of steps keeps
    that walk out of the hot loop.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.leaf_codes: list[str] = []
        self.parents: list[tuple[str, list[tuple[str, Decimal | None]]]] = []
        self.top_codes = [i.code for i in rubric.items]
        self._rounded: dict[Decimal, Decimal] = {}  # value → round2(value), per plan

        def visit(item: Item) -> None:
            if item.is_leaf:
                self.leaf_codes.append(item.code)
                return
            for child in item.children:
                visit(child)
            weighted = item.combine == "weighted"
            self.parents.append((item.code, [(c.code, c.weight if weighted else None)
                                             for c in item.children]))

        for top in rubric.items:
            visit(top)

    def item_scores(self, leaves: Mapping[str, Decimal],
                    rounded_already: bool = False) -> dict[str, Decimal]:
        """Every item's shown score: leaves rounded once, parents from rounded children.

        `rounded_already`: the leaves are shown values (2 decimals) already — the ranking's
        SQL averages round each item itself — so they are taken as they are."""
        out: dict[str, Decimal] = {}
        rounded = self._rounded
        if rounded_already:
            out = {code: leaves.get(code, ZERO) for code in self.leaf_codes}
        for code in (() if rounded_already else self.leaf_codes):
            value = leaves.get(code)
            if value is None:
                out[code] = ZERO
                continue
            # means of a few scores repeat a lot across 1,000 subjects: round each distinct
            # value once (the hot loop of ranking)
            shown_value = rounded.get(value)
            if shown_value is None:
                shown_value = rounded[value] = round2(value)
            out[code] = shown_value
        for code, children in self.parents:
            total = ZERO
            weighted = False
            for child, weight in children:
                if weight is None:
                    total += out[child]
                else:
                    total += weight * out[child]
                    weighted = True
            # a plain sum of 2-decimal values is exact; a weighted one is rounded once
            out[code] = round2(total) if weighted else total
        return out


def item_scores(rubric: Rubric, leaves: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Shown scores for every item code: leaves rounded once (missing = 0), parents
    combined from them (see the module's rule)."""
    return ScoringPlan(rubric).item_scores(leaves)


@dataclass(frozen=True)
class Event:
    """A bonus, deduction or veto claim against one subject."""

    rule_code: str
    amount: Decimal
    matter: str = ""  # 同一事项 key; empty means a matter of its own
    key: object = None  # the stored event's id, to tell unnamed matters apart


def check_event(rubric: Rubric, rule_code: str, amount: object) -> tuple[str, Decimal]:
    """The section ('bonus', 'deduction' or 'veto') and amount of a valid claim.

    Raises ValueRefused for an unknown rule or an amount the rule does not allow.
    """
    if rubric.veto_rule(rule_code) is not None:
        return "veto", ZERO
    found = rubric.event_rule(rule_code)
    if found is None:
        codes = [r.code for r in (*rubric.bonus.rules, *rubric.deduction.rules, *rubric.veto)]
        raise ValueRefused(Problem(
            f"细则 {rubric.code} 没有加减分规则 {rule_code}，可用：{'、'.join(codes) or '无'}",
            column="规则", value=rule_code))
    section, rule = found
    try:
        value = to_decimal(amount)
    except ValueError:
        raise ValueRefused(Problem(f"规则 {rule_code} 的分值不是数字", column="分值",
                                   value=amount)) from None
    if not rule.allows(value):
        raise ValueRefused(Problem(
            f"规则 {rule_code}“{rule.title}”不允许该分值，允许：{rule.allowed_text()}",
            column="分值", value=amount))
    return section, value


def counted_claims(claims: Iterable[tuple[object, str, str, Decimal]]) -> set[object]:
    """Keys of the claims that count, from (key, section, matter, amount): per section and
    matter (同一事项) the highest, the first of equals; a claim with no matter counts alone.
    The one place the rule lives — totals, drill-downs and notices all ask it."""
    best: dict[object, tuple[object, Decimal]] = {}
    for n, (key, section, matter, amount) in enumerate(claims):
        matter = matter.strip() if matter else ""
        group: object = ("matter", section, matter) if matter else ("claim", n)
        if group not in best or amount > best[group][1]:
            best[group] = (key, amount)
    return {key for key, _ in best.values()}


def section_total(section: EventSection, events: Iterable[Event]) -> tuple[Decimal, Decimal]:
    """(claimed, counted): the sum with each matter at its highest, and that sum capped."""
    codes = {r.code for r in section.rules}
    mine = [e for e in events if e.rule_code in codes]
    counted = counted_claims((n, "", e.matter, e.amount) for n, e in enumerate(mine))
    claimed = sum((e.amount for n, e in enumerate(mine) if n in counted), ZERO)
    return claimed, min(claimed, section.cap)


def event_totals(rubric: Rubric, events: Iterable[Event]) -> tuple[Decimal, Decimal]:
    """(bonus, deduction) as shown: each section's counted sum, capped, rounded once (a
    rule may allow finer amounts than cents). Both the item path and the totals fast path
    use it, so they agree to the cent."""
    events = list(events)
    _, bonus = section_total(rubric.bonus, events)
    _, deduction = section_total(rubric.deduction, events)
    return round2(bonus), round2(deduction)


@dataclass(frozen=True)
class SubjectScore:
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    items: dict[str, Decimal] = field(default_factory=dict)
    vetoed: tuple[str, ...] = ()  # veto rule codes that apply


def score_subject(rubric: Rubric, leaves: Mapping[str, Decimal],
                  events: Iterable[Event] = (), plan: ScoringPlan | None = None, *,
                  rounded_already: bool = False) -> SubjectScore:
    """The subject's score from aggregated leaf values and its events.

    Pass a `ScoringPlan` of the same rubric when scoring many subjects, and
    `rounded_already` when the leaves are shown (2-decimal) values already."""
    events = list(events)
    items = (plan or ScoringPlan(rubric)).item_scores(leaves, rounded_already)
    base = sum((items[code] for code in (plan.top_codes if plan else
                                         [i.code for i in rubric.items])), ZERO)
    if not events:  # most subjects: nothing to add, cap or veto
        return SubjectScore(base, ZERO, ZERO, base, items, ())
    bonus, deduction = event_totals(rubric, events)
    veto_codes = {v.code for v in rubric.veto}
    vetoed = tuple(sorted({e.rule_code for e in events if e.rule_code in veto_codes}))
    return SubjectScore(base, bonus, deduction, base + bonus - deduction, items, vetoed)
