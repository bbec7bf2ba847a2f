"""Leaf values, parent sums, events with caps and matter keys, totals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.rubric import ItemKind, rubric_from_dict
from kaohe_desktop.domain.scoring import (
    Event,
    ValueRefused,
    check_event,
    counted_claims,
    parse_leaf_value,
    score_subject,
    section_total,
)
from kaohe_desktop.services.rubrics import builtin_rubric


@pytest.fixture(scope="module")
def cy():
    return builtin_rubric("CY2019")


def small_rubric(**extra):
    raw = {
        "code": "T", "full_marks": 10,
        "items": [
            {"code": "1", "title": "甲", "max": 6, "children": [
                {"code": "1.1", "title": "分值", "max": 4, "kind": "points", "step": 0.5},
                {"code": "1.2", "title": "是否", "max": 2, "kind": "yesno"},
            ]},
            {"code": "2", "title": "等次", "max": 4, "kind": "level",
             "levels": [{"name": "优秀", "points": 4}, {"name": "合格", "points": 2},
                        {"name": "不合格", "points": 0}]},
        ],
        "bonus": {"cap": 3, "rules": [{"code": "B1", "title": "加", "min": 1, "max": 3}]},
        "deduction": {"cap": 2, "rules": [{"code": "D1", "title": "减", "amounts": [1, 2]}]},
        "veto": [{"code": "V1", "title": "重大事故"}],
        "grades": {"scale": [{"name": "好", "min": 8}, {"name": "差", "min": 0}]},
    }
    raw.update(extra)
    return rubric_from_dict(raw)


def test_points_leaf_accepts_range_and_step_and_refuses_the_rest():
    r = small_rubric()
    leaf = r.item("1.1")
    assert parse_leaf_value(leaf, 3.5) == D("3.5")
    assert parse_leaf_value(leaf, "4") == D(4)
    for bad, words in ((4.5, "超过满分 4"), (-1, "不能为负数"), ("abc", "不是数字"),
                       (1.2, "步长 0.5")):
        with pytest.raises(ValueRefused) as exc:
            parse_leaf_value(leaf, bad)
        message = str(exc.value)
        assert words in message and "1.1" in message and "0～4" in message


def test_yesno_and_level_leaves():
    r = small_rubric()
    yes = r.item("1.2")
    assert parse_leaf_value(yes, "是") == D(2)
    assert parse_leaf_value(yes, "否") == D(0)
    assert parse_leaf_value(yes, 2) == D(2)
    with pytest.raises(ValueRefused, match="只能是 0 或满分"):
        parse_leaf_value(yes, 1)
    level = r.item("2")
    assert level.kind == ItemKind.LEVEL
    assert parse_leaf_value(level, "合格") == D(2)
    assert parse_leaf_value(level, 4) == D(4)
    with pytest.raises(ValueRefused, match="优秀=4"):
        parse_leaf_value(level, 3)


def test_parents_sum_their_children(cy):
    leaves = {leaf.code: leaf.max for leaf in cy.leaves()}
    result = score_subject(cy, leaves)
    assert result.base == D(100)
    assert result.items["1"] == D(50) and result.items["1.2"] == D(10)
    leaves["1.2.5"] = D("1.5")
    result = score_subject(cy, leaves)
    assert result.items["1.2"] == D("8.5") and result.items["1"] == D("48.5")
    assert result.base == D("98.5")


def test_weighted_parent():
    r = rubric_from_dict({
        "code": "W", "full_marks": 10,
        "items": [{"code": "1", "title": "折合", "max": 10, "combine": "weighted", "children": [
            {"code": "1.1", "title": "a", "max": 10, "weight": 0.6, "kind": "points"},
            {"code": "1.2", "title": "b", "max": 10, "weight": 0.4, "kind": "points"}]}]})
    assert score_subject(r, {"1.1": D(10), "1.2": D(5)}).total == D("8.0")


def test_same_matter_counts_once_at_highest_and_section_is_capped(cy):
    events = [Event("B2", D(3), "省级媒体报道"), Event("B1", D(5), "省级媒体报道"),
              Event("B3", D(8), "试点")]
    claimed, counted = section_total(cy.bonus, events)
    assert claimed == D(13)  # 5 (highest of the shared matter) + 8
    assert counted == D(10)  # cap
    # unnamed matters are separate claims
    claimed, _ = section_total(cy.bonus, [Event("B1", D(2), "", 1), Event("B1", D(2), "", 2)])
    assert claimed == D(4)


def test_total_is_base_plus_capped_bonus_minus_capped_deduction(cy):
    leaves = {leaf.code: leaf.max * D("0.8") for leaf in cy.leaves()}
    events = [Event("B3", D(10), "a"), Event("B1", D(5), "b"), Event("D3", D(10), "c", 1),
              Event("D2", D(5), "d", 2)]
    result = score_subject(cy, leaves, events)
    assert result.base == D(80)
    assert (result.bonus, result.deduction) == (D(10), D(10))
    assert result.total == D(80)


def test_event_amount_must_be_allowed_by_its_rule(cy):
    assert check_event(cy, "D1", 3) == ("deduction", D(3))
    assert check_event(cy, "B3", "7") == ("bonus", D(7))
    with pytest.raises(ValueRefused, match="1、3、5"):
        check_event(cy, "D1", 2)
    with pytest.raises(ValueRefused, match="1～5"):
        check_event(cy, "B1", 6)
    with pytest.raises(ValueRefused, match="没有加减分规则 X9"):
        check_event(cy, "X9", 1)


def test_veto_event_is_recorded():
    r = small_rubric()
    assert check_event(r, "V1", 0) == ("veto", D(0))
    result = score_subject(r, {"1.1": D(4), "1.2": D(2), "2": D(4)}, [Event("V1", D(0))])
    assert result.vetoed == ("V1",) and result.total == D(10)


@pytest.mark.parametrize("change, words", [
    ({"full_marks": 11}, "与总分 11 不符"),
    ({"items": [{"code": "1", "title": "甲", "max": 6, "children": [
        {"code": "1.1", "title": "a", "max": 4, "kind": "points"},
        {"code": "1.2", "title": "b", "max": 3, "kind": "points"}]},
        {"code": "2", "title": "乙", "max": 4, "kind": "points"}]}, "上级项目满分 6 与下级合计 7 不符"),
    ({"bonus": {"cap": 3, "rules": [{"code": "B1", "title": "x", "min": 1, "max": 5}]}},
     "超过本部分封顶 3"),
    ({"deduction": {"cap": 2, "rules": [{"code": "1.1", "title": "x", "amounts": [1]}]}}, "重复"),
    ({"grades": {"scale": [{"name": "差", "min": 0}, {"name": "好", "min": 8}]}}, "从高到低"),
])
def test_bad_rubrics_are_refused_with_every_problem_named(change, words):
    with pytest.raises(InputError) as exc:
        small_rubric(**change)
    assert any(words in line for line in exc.value.lines()), exc.value.lines()


def test_counted_claims_is_the_one_same_matter_rule():
    claims = [(1, "bonus", "报道", D(3)), (2, "bonus", "报道", D(5)), (3, "bonus", "", D(2)),
              (4, "bonus", "", D(2)), (5, "deduction", "报道", D(1)), (6, "bonus", "报道", D(5))]
    # the highest per section and matter (first of equals); unnamed claims count alone;
    # the same matter in another section is another claim
    assert counted_claims(claims) == {2, 3, 4, 5}
