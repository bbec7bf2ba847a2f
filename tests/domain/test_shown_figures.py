"""Every figure shown adds up (README 计分规则), for random rubrics and random scores.

Random rubric trees (plain-sum and weighted parents, several levels), several assessors
in several weighted roles per leaf, bonus and deduction claims: each leaf's shown score
is its combined value rounded half up once; every plain-sum parent equals the sum of its
shown children exactly; a weighted parent is Σ weight × shown child rounded once; the
base is the sum of the top items and the total is base + bonus − deduction, as shown.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_desktop.domain.aggregation import combine_roles
from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.domain.rubric import rubric_from_dict
from kaohe_desktop.domain.scoring import Event, score_subject

CENT = D("0.01")
ROLES = {"上级": D("0.5"), "同事": D("0.3"), "自评": D("0.2")}


def half_up(fr: Fraction) -> Fraction:
    """Independent of domain.numbers: fr ≥ 0 to cents, half up."""
    return Fraction(int(fr * 100 + Fraction(1, 2)), 100)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0, prefix: str = "") -> dict[str, Any]:
    """One item (JSON form) with a max that agrees with its children."""
    code = prefix
    if depth >= 2 or (depth > 0 and draw(st.booleans())):
        step = draw(st.sampled_from([D("0.5"), D(1), D("0.1"), D("0.25")]))
        maximum = step * draw(st.integers(1, 40))
        return {"code": code, "title": f"项目{code}", "max": float(maximum), "kind": "points",
                "step": float(step)}
    children = [draw(trees(depth + 1, f"{code}.{n}" if code else str(n)))
                for n in range(1, draw(st.integers(1, 4)) + 1)]
    weighted = draw(st.booleans())
    if weighted:
        for c in children:
            c["weight"] = float(draw(st.sampled_from([D("0.2"), D("0.3"), D("0.5"), D("1.5")])))
        maximum = sum(D(str(c["max"])) * D(str(c["weight"])) for c in children)
    else:
        maximum = sum(D(str(c["max"])) for c in children)
    return {"code": code, "title": f"项目{code}", "max": float(maximum), "children": children,
            **({"combine": "weighted"} if weighted else {})}


@st.composite
def rubrics(draw: st.DrawFn) -> dict[str, Any]:
    tops = [draw(trees(1, str(n))) for n in range(1, draw(st.integers(1, 4)) + 1)]
    return {"code": "R", "name": "随机细则", "full_marks": float(sum(D(str(t["max"])) for t in tops)),
            "items": tops,
            "bonus": {"title": "加分", "cap": 5, "rules": [
                {"code": "B1", "title": "表彰", "min": 0.5, "max": 3, "step": 0.5}]},
            "deduction": {"title": "减分", "cap": 4, "rules": [
                {"code": "D1", "title": "投诉", "min": 0.25, "max": 2, "step": 0.25}]}}


def exact_combined(by_role: dict[str, list[D]], trimmed: bool) -> Fraction:
    """The leaf's value in exact fractions: per role the mean (one highest and one lowest
    dropped from 5 or more when trimmed), roles by their weights."""
    num = den = Fraction(0)
    for role, values in by_role.items():
        vals = sorted(Fraction(str(v)) for v in values)
        if trimmed and len(vals) >= 5:
            vals = vals[1:-1]
        w = Fraction(str(ROLES[role]))
        num += w * sum(vals) / len(vals)
        den += w
    return num / den


@settings(max_examples=150, deadline=None)
@given(rubrics(), st.data())
def test_every_shown_parent_is_the_sum_of_its_shown_children(raw, data):
    rubric = rubric_from_dict(raw)
    combined: dict[str, D] = {}
    exact_leaf: dict[str, Fraction] = {}
    for leaf in rubric.leaves():
        by_role: dict[str, list[D]] = {}
        for role in data.draw(st.lists(st.sampled_from(sorted(ROLES)), min_size=1, max_size=3, unique=True)):
            steps = int(leaf.max / leaf.step)
            by_role[role] = [leaf.step * data.draw(st.integers(0, steps))
                             for _ in range(data.draw(st.integers(1, 6)))]
        trimmed = data.draw(st.booleans())
        value = combine_roles(by_role, ROLES, trimmed=trimmed)
        if value is not None and data.draw(st.integers(0, 9)):  # now and then left unscored
            combined[leaf.code] = value
            exact_leaf[leaf.code] = exact_combined(by_role, trimmed)
    matters = st.sampled_from(["", "甲", "乙"])
    events = [Event("B1", D("0.5") * data.draw(st.integers(1, 6)), data.draw(matters))
              for _ in range(data.draw(st.integers(0, 4)))]
    events += [Event("D1", D("0.25") * data.draw(st.integers(1, 8)))
               for _ in range(data.draw(st.integers(0, 3)))]
    result = score_subject(rubric, combined, events)
    shown_of = result.items

    for item in rubric.walk():
        figure = shown_of[item.code]
        assert figure == figure.quantize(CENT), f"{item.code} shows more than 2 decimals: {figure}"
        if item.is_leaf:
            want = exact_leaf.get(item.code, Fraction(0))
            assert Fraction(str(figure)) == half_up(want), item.code  # rounded once
        elif item.combine == "weighted":
            exact = sum(Fraction(str(c.weight)) * Fraction(str(shown_of[c.code])) for c in item.children)
            assert Fraction(str(figure)) == half_up(exact), item.code  # rounded once, from shown
        else:
            assert figure == sum(shown_of[c.code] for c in item.children), item.code  # exactly
    assert result.base == sum(shown_of[t.code] for t in rubric.items)
    assert result.total == result.base + result.bonus - result.deduction
    # what a clerk does with the printed row: the shown texts add up to the shown total
    printed = [D(shown(shown_of[t.code])) for t in rubric.items]
    assert D(shown(result.total)) == sum(printed) + D(shown(result.bonus)) - D(shown(result.deduction))


def test_a_mean_of_thirds_is_rounded_once_and_the_parent_adds_the_shown_values():
    raw = {"code": "R", "name": "r", "full_marks": 20, "items": [
        {"code": "1", "title": "一", "max": 20, "children": [
            {"code": "1.1", "title": "a", "max": 10, "kind": "points", "step": 1},
            {"code": "1.2", "title": "b", "max": 10, "kind": "points", "step": 1}]}]}
    rubric = rubric_from_dict(raw)
    # 25/3 = 8.333… → 8.33 twice: the section shows 16.66 (not 16.67 from the exact 50/3)
    third = D(25) / 3
    r = score_subject(rubric, {"1.1": third, "1.2": third})
    assert r.items == {"1.1": D("8.33"), "1.2": D("8.33"), "1": D("16.66")}
    assert r.total == D("16.66") == round2(r.total)
