"""Whether a subject's score is complete, and what is missing if not.

A subject is complete when every assessor group assigned to it has scored every item that
group is assigned (less the items marked 不适用 for the subject), and every derived item
has its value from its data or an administrator's override. Missing items are not zero:
an incomplete subject gets no grade, no rank among the graded and no document.

Nothing here reads the database: the services gather who must score what and what was
scored, and ask `missing_items`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import Problem
from .numbers import ZERO, round2, shown
from .rubric import Item, ItemKind, Rubric

PENDING = "待定"  # the grade shown for an incomplete subject
EXCLUDED = "不参评"
# Assessors that are data sources, not people: their values are the derived items'
# values (attendance; an annual roll-up's parts). A person's typed value for a derived
# item never counts; an administrator's override replaces the source's value.
ATTENDANCE_SOURCE = "考勤系统"
ROLLUP_SOURCE = "年度综合"
SERVICE_RECORDS_SOURCE = "服务记录"  # metric items: measures from the service records
DATA_SOURCES = frozenset({ATTENDANCE_SOURCE, ROLLUP_SOURCE, SERVICE_RECORDS_SOURCE})


@dataclass(frozen=True)
class Slot:
    """One assessor (or a group nobody sits in yet) who must score `leaves` of a subject."""

    label: str  # "第一组/张三"; "第一组" for a group without assessors
    leaves: frozenset[str]
    assessor_id: int | None = None


def leaves_under(rubric: Rubric, codes: Iterable[str]) -> frozenset[str]:
    """The scored (non-derived) leaves a group assigned `codes` scores; none named: all.

    A section's code stands for every leaf beneath it.
    """
    wanted = [c for c in codes if c]
    items: list[Item] = list(rubric.items) if not wanted else [
        it for it in (rubric.item(c) for c in wanted) if it is not None]
    out: set[str] = set()
    for top in items:
        out.update(i.code for i in top.walk() if i.is_leaf and i.kind != ItemKind.DERIVED)
    return frozenset(out)


def check_item_codes(rubric: Rubric, codes: Iterable[str], column: str = "--items") -> list[Problem]:
    """A problem for each code the rubric does not have."""
    known = {i.code for i in rubric.walk()}
    bad = [c for c in codes if c not in known]
    return [Problem(f"细则 {rubric.code} 没有项目 {c}", column=column, value=c) for c in bad]


def derived_leaves(rubric: Rubric) -> frozenset[str]:
    return frozenset(i.code for i in rubric.leaves() if i.kind == ItemKind.DERIVED)


def missing_items(slots: Iterable[Slot], scored: Mapping[int, Collection[str]],
                  derived: Collection[str], derived_present: Collection[str],
                  not_applicable: Collection[str]) -> tuple[str, ...]:
    """What keeps a subject incomplete, one line per assessor (group) or derived source:
    "第一组/张三：1.1、2.3". Empty when complete.

    `scored` maps an assessor id to the leaves they scored for this subject.
    """
    out: list[str] = []
    for slot in slots:
        done = scored.get(slot.assessor_id, ()) if slot.assessor_id is not None else ()
        wanted = slot.leaves - set(not_applicable)
        left = sorted(wanted - set(done), key=_code_key)
        # nothing scored yet: the count says it (the group's items are its assignment)
        some = "、".join(left) if len(left) < len(wanted) or len(left) <= 5 else f"全部 {len(left)} 项"
        if slot.assessor_id is None and wanted:
            out.append(f"{slot.label}：尚无评分人，{some} 未评")
        elif left and len(left) == len(wanted) and len(left) > 5:
            out.append(f"{slot.label}：{some}未评")
        elif left:
            out.append(f"{slot.label}：{some}")
    gone = sorted(set(derived) - set(derived_present) - set(not_applicable), key=_code_key)
    if gone:
        out.append(f"数据折算：{'、'.join(gone)} 尚无数据")
    return tuple(out)


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.replace("-", ".").split("."))


@dataclass(frozen=True)
class Conversion:
    """A base converted to the full scale when items do not apply: 得分 ÷ 适用项满分 × 满分."""

    raw: Decimal  # the base over the items that apply
    applicable: Decimal  # their full marks
    full: Decimal
    value: Decimal  # rounded once, half up, 2 decimals

    def text(self) -> str:
        return f"{shown(self.raw)} ÷ {shown(self.applicable)} × {shown(self.full)} = {shown(self.value)}"


def convert_base(rubric: Rubric, base: Decimal, not_applicable: Collection[str]) -> Conversion | None:
    """The conversion for a subject with items marked 不适用; None when every item applies."""
    na_max = sum((i.max for i in rubric.leaves() if i.code in not_applicable), ZERO)
    if na_max == 0:
        return None
    applicable = rubric.full_marks - na_max
    value = round2(base / applicable * rubric.full_marks) if applicable > 0 else ZERO
    return Conversion(base, applicable, rubric.full_marks, value)
