"""Editing a rubric in its JSON form (the dict `rubric_to_dict` gives) — pure, no Qt.

The editor keeps one working dict and changes it in place with these helpers. Nothing
here decides whether the result is a valid rubric: `check` asks `rubric_from_dict`,
which reports every problem at once. Invariants the helpers keep:
- a code is never reused: new codes avoid every item, event-rule and veto code;
- codes are not renumbered behind the user's back (scores refer to them); `renumber`
  does it only when asked;
- a parent whose last child goes away becomes a leaf again with whatever leaf fields
  (kind, step, levels) it had before it got children.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import InputError, Problem
from .grading import Ranked, assign_grades
from .numbers import ZERO, as_number, to_decimal
from .rubric import ItemKind, Rubric, combined_max, rubric_from_dict

Node = dict[str, Any]

NEW_TITLE = "新项目"
LEVEL_SHARES = (("优秀", Decimal(1)), ("良好", Decimal("0.8")), ("合格", Decimal("0.6")),
                ("不合格", ZERO))


# ---------------------------------------------------------------------------- finding


def walk(raw: Node) -> Iterator[Node]:
    """Every item, depth first, parents before their children."""

    def visit(items: list[Node]) -> Iterator[Node]:
        for item in items:
            yield item
            yield from visit(item.get("children") or [])

    yield from visit(raw.setdefault("items", []))


def locate(raw: Node, code: str) -> tuple[list[Node], int, Node | None]:
    """(the list holding the item, its index there, its parent or None); KeyError if absent."""

    def visit(items: list[Node], parent: Node | None) -> tuple[list[Node], int, Node | None] | None:
        for index, item in enumerate(items):
            if str(item.get("code", "")) == code:
                return items, index, parent
            found = visit(item.get("children") or [], item)
            if found is not None:
                return found
        return None

    found = visit(raw.setdefault("items", []), None)
    if found is None:
        raise KeyError(code)
    return found


def find_item(raw: Node, code: str) -> Node:
    siblings, index, _ = locate(raw, code)
    return siblings[index]


def all_codes(raw: Node) -> set[str]:
    """Item, bonus/deduction rule and veto codes: they share one namespace."""
    codes = {str(i.get("code", "")) for i in walk(raw)}
    for section in ("bonus", "deduction"):
        codes |= {str(r.get("code", "")) for r in (raw.get(section) or {}).get("rules") or []}
    codes |= {str(v.get("code", "")) for v in raw.get("veto") or []}
    return codes


def is_parent(item: Node) -> bool:
    return bool(item.get("children"))


# ---------------------------------------------------------------------------- changing


def to_number(value: object) -> int | float:
    """The JSON form of a number a user typed; ValueError (in Chinese) when it is none."""
    d = to_decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def next_code(raw: Node, parent_code: str | None, prefix: str = "") -> str:
    """A free code for a new child of `parent_code` (top level when None): `1.2.6`."""
    if parent_code is None:
        siblings = raw.setdefault("items", [])
        head = prefix
    else:
        siblings = find_item(raw, parent_code).get("children") or []
        head = f"{parent_code}."
    taken = all_codes(raw)
    n = len(siblings) + 1
    while f"{head}{n}" in taken:
        n += 1
    return f"{head}{n}"


def new_item(code: str, maximum: int | float = 1) -> Node:
    return {"code": code, "title": NEW_TITLE, "max": maximum, "kind": str(ItemKind.POINTS),
            "step": 0.1, "description": ""}


def add_child(raw: Node, parent_code: str | None) -> str:
    """Append a new item under `parent_code` (top level when None); its code."""
    code = next_code(raw, parent_code)
    if parent_code is None:
        raw.setdefault("items", []).append(new_item(code))
    else:
        find_item(raw, parent_code).setdefault("children", []).append(new_item(code))
    return code


def add_sibling(raw: Node, code: str) -> str:
    """Insert a new item right after `code`, at the same level; its code."""
    siblings, index, parent = locate(raw, code)
    new_code = next_code(raw, str(parent["code"]) if parent else None)
    siblings.insert(index + 1, new_item(new_code))
    return new_code


def _drop_empty_children(parent: Node | None) -> None:
    if parent is not None and not parent.get("children"):
        parent.pop("children", None)
        parent.pop("combine", None)


def remove_item(raw: Node, code: str) -> Node:
    """Take the item (and its subtree) out; the removed item."""
    siblings, index, parent = locate(raw, code)
    removed = siblings.pop(index)
    _drop_empty_children(parent)
    return removed


def move_item(raw: Node, code: str, delta: int) -> bool:
    """Move among its siblings by `delta` (−1 up, +1 down); False when it cannot."""
    siblings, index, _ = locate(raw, code)
    target = index + delta
    if not 0 <= target < len(siblings) or delta == 0:
        return False
    siblings.insert(target, siblings.pop(index))
    return True


def indent_item(raw: Node, code: str) -> bool:
    """Make the item the last child of the sibling above it; False when there is none."""
    siblings, index, _ = locate(raw, code)
    if index == 0:
        return False
    item = siblings.pop(index)
    siblings[index - 1].setdefault("children", []).append(item)
    return True


def outdent_item(raw: Node, code: str) -> bool:
    """Make the item the next sibling of its parent; False at the top level."""
    siblings, index, parent = locate(raw, code)
    if parent is None:
        return False
    item = siblings.pop(index)
    outer, parent_index, _ = locate(raw, str(parent["code"]))
    outer.insert(parent_index + 1, item)
    _drop_empty_children(parent)
    return True


def renumber(raw: Node) -> dict[str, str]:
    """Give every item the code of its place (1, 1.1, 1.1.1 …); old → new for those changed."""
    changed: dict[str, str] = {}

    def visit(items: list[Node], head: str) -> None:
        for n, item in enumerate(items, start=1):
            code = f"{head}{n}"
            if str(item.get("code", "")) != code:
                changed[str(item.get("code", ""))] = code
                item["code"] = code
            visit(item.get("children") or [], f"{code}.")

    visit(raw.setdefault("items", []), "")
    return changed


def default_levels(maximum: object) -> list[Node]:
    """优秀/良好/合格/不合格 at 100/80/60/0 % of the item's max (20 → 20/16/12/0)."""
    try:
        top = to_decimal(maximum)
    except ValueError:
        top = ZERO
    return [{"name": name, "points": as_number(top * share)} for name, share in LEVEL_SHARES]


def set_kind(item: Node, kind: ItemKind) -> None:
    """Change a leaf's kind; a new level item gets the default four levels."""
    item["kind"] = str(kind)
    if kind == ItemKind.LEVEL and not item.get("levels"):
        item["levels"] = default_levels(item.get("max"))
    if kind in (ItemKind.POINTS, ItemKind.DERIVED) and "step" not in item:
        item["step"] = 0.1


COMBINE_NAMES = {"sum": "下级合计", "weighted": "加权合计"}


def set_combine(item: Node, combine: str) -> None:
    """How a parent adds up its children: "sum" (Σ max) or "weighted" (Σ weight × max);
    the children keep their weights (1 unless set) either way."""
    if combine not in COMBINE_NAMES:
        raise ValueError(f"合计方式只能是 {'、'.join(COMBINE_NAMES.values())}")
    if combine == "sum":
        item.pop("combine", None)
    else:
        item["combine"] = combine


# ---------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Gap:
    """A parent whose max is not what its children add up to."""

    maximum: Decimal
    total: Decimal

    @property
    def difference(self) -> Decimal:
        """max − children's total: positive when the children give too little."""
        return self.maximum - self.total


def _number_or_none(value: object) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError:
        return None


def sum_gaps(raw: Node) -> dict[str, Gap]:
    """Parents (by code) whose max differs from their children's total.

    A parent with a child whose max or weight is not a number is left out: its problem
    is the child's, reported by `check`.
    """
    gaps: dict[str, Gap] = {}
    for item in walk(raw):
        children = item.get("children") or []
        if not children:
            continue
        maximum = _number_or_none(item.get("max"))
        pairs = [(_number_or_none(c.get("max")), _number_or_none(c.get("weight", 1)))
                 for c in children]
        if maximum is None or any(m is None or w is None for m, w in pairs):
            continue
        total = combined_max(str(item.get("combine", "sum")),
                             ((m, w) for m, w in pairs))  # type: ignore[misc]
        if total != maximum:
            gaps[str(item.get("code", ""))] = Gap(maximum, total)
    return gaps


def top_total(raw: Node) -> Decimal:
    """What the top-level items add up to (items whose max is not a number count 0)."""
    return sum((_number_or_none(i.get("max")) or ZERO for i in raw.get("items") or []), ZERO)


@dataclass(frozen=True)
class Check:
    """The outcome of validating a working dict: the rubric, or every problem."""

    rubric: Rubric | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.rubric is not None

    def about(self, code: str) -> list[Problem]:
        """The problems located at an item, rule or band (its code or name)."""
        return [p for p in self.problems if p.column == code]


def check(raw: Node) -> Check:
    try:
        return Check(rubric_from_dict(raw))
    except InputError as exc:
        return Check(None, tuple(exc.problems))


SAMPLE_SHARES = ("0.97", "0.93", "0.91", "0.88", "0.85", "0.82", "0.78", "0.72", "0.65", "0.55")


def sample_totals(raw: Node) -> list[Decimal]:
    """Ten example totals spread over the rubric's full marks, for a grade preview."""
    full = _number_or_none(raw.get("full_marks", 100)) or Decimal(100)
    return [full * Decimal(share) for share in SAMPLE_SHARES]


def grade_preview(raw: Node, totals: Sequence[Decimal]) -> list[tuple[Decimal, str]] | None:
    """The grade each total would get, ranked together under the working dict's scale.

    None while the grade scale itself has problems (the rest of the rubric may be
    unfinished: only the scale is validated here, by `rubric_from_dict`).
    """
    probe = {"code": "PREVIEW", "full_marks": 1, "grades": raw.get("grades"),
             "items": [{"code": "1", "title": "预览", "max": 1, "kind": "yesno"}]}
    result = check(probe)
    if result.rubric is None:
        return None
    keys = [f"{n:04d}" for n in range(len(totals))]
    grades = assign_grades(result.rubric.grades, [Ranked(k, t) for k, t in zip(keys, totals, strict=True)])
    return [(t, grades[k]) for k, t in zip(keys, totals, strict=True)]


# ---------------------------------------------------------------------------- event amounts

_RANGE = re.compile(r"^\s*([^\s~～\-–—至到]+)\s*(?:~|～|-|–|—|至|到)\s*([^\s(（/]+)\s*"
                    r"(?:[/（(]\s*(?:步长)?\s*([^\s)）]+)\s*[)）]?)?\s*$")
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _maybe_number(text: str) -> int | float | str:
    try:
        return to_number(text)
    except ValueError:
        return text  # left for rubric_from_dict to report, with the rule's code


def parse_amounts(text: str) -> Node:
    """A rule's allowed amounts from what a user types.

    `1～5` (also 1-5, 1~5, 1至5) is a range in steps of 1; `1～5（步长 0.5）` or `1-5/0.5`
    names the step; `1、3、5` (or 1,3,5) or a single `10` is a fixed set. Returns the
    fields of the rule's JSON form ({"min", "max", "step"} or {"amounts"}); text that is
    not a number stays as text so validation names it.
    """
    match = _RANGE.match(text)
    if match:
        low, high, step = match.groups()
        return {"min": _maybe_number(low), "max": _maybe_number(high),
                "step": _maybe_number(step) if step else 1}
    parts = [p for p in _LIST_SEPARATORS.split(text.strip()) if p]
    return {"amounts": [_maybe_number(p) for p in parts]}


def _plain(value: object) -> str:
    d = _number_or_none(value)
    if d is None:
        return str(value)
    return f"{d.normalize():f}" if d != d.to_integral_value() else str(int(d))


def amounts_text(rule: Node) -> str:
    """The text form `parse_amounts` reads back: `1～5`, `1～5（步长 0.5）`, `1、3、5`."""
    if rule.get("amounts"):
        return "、".join(_plain(a) for a in rule["amounts"])
    if rule.get("min") is None and rule.get("max") is None:
        return ""
    text = f"{_plain(rule.get('min', ''))}～{_plain(rule.get('max', ''))}"
    step = rule.get("step", 1)
    if _number_or_none(step) != 1:
        text += f"（步长 {_plain(step)}）"
    return text


def set_amounts(rule: Node, text: str) -> None:
    """Replace a rule's amounts (fixed set or range) with what `text` says."""
    for key in ("amounts", "min", "max", "step"):
        rule.pop(key, None)
    rule.update(parse_amounts(text))
