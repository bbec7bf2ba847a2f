"""Editing a rubric's JSON form: inserting, moving, removing items; gaps and amounts."""

from __future__ import annotations

import copy
import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from kaohe_desktop.domain import rubric_edit as edit
from kaohe_desktop.domain.rubric import ItemKind, rubric_to_dict

CY2019 = Path(__file__).resolve().parents[2] / "resources" / "rubrics" / "CY2019.json"


@pytest.fixture
def raw() -> dict:
    return json.loads(CY2019.read_text(encoding="utf-8"))


def codes(items: list[dict]) -> list[str]:
    return [i["code"] for i in items]


def test_walk_and_locate(raw):
    assert len(list(edit.walk(raw))) == 46
    siblings, index, parent = edit.locate(raw, "1.2.3")
    assert (siblings[index]["title"], parent["code"]) == ("有检查、有考核", "1.2")
    assert edit.locate(raw, "2")[2] is None
    with pytest.raises(KeyError):
        edit.locate(raw, "9.9")
    assert {"1", "3.3", "B1", "D3"} <= edit.all_codes(raw)


def test_the_untouched_rubric_checks_out(raw):
    result = edit.check(raw)
    assert result.ok and result.problems == ()
    assert edit.sum_gaps(raw) == {}
    assert edit.top_total(raw) == D(100)


def test_adding_a_child_flags_the_parents_that_no_longer_add_up(raw):
    code = edit.add_child(raw, "1.2")
    assert code == "1.2.6"
    assert edit.find_item(raw, code) == edit.new_item("1.2.6")
    gaps = edit.sum_gaps(raw)
    assert set(gaps) == {"1.2"}  # 1 still adds up: 1.2 still says 10
    assert (gaps["1.2"].maximum, gaps["1.2"].total, gaps["1.2"].difference) == (D(10), D(11), D(-1))
    assert edit.top_total(raw) == D(100)  # top level unchanged: 1 still says 50
    result = edit.check(raw)
    assert not result.ok
    assert [p.reason for p in result.about("1.2")] == ["上级项目满分 10 与下级合计 11 不符"]
    edit.find_item(raw, "1.2.5")["max"] = 2
    assert edit.sum_gaps(raw) == {} and edit.check(raw).ok


def test_new_codes_skip_taken_ones(raw):
    assert edit.next_code(raw, None) == "4"
    edit.find_item(raw, "3")["children"].append(edit.new_item("3.4"))  # out of order
    assert edit.next_code(raw, "3") == "3.5"
    assert edit.add_sibling(raw, "1.1") == "1.5"
    assert codes(edit.find_item(raw, "1")["children"]) == ["1.1", "1.5", "1.2", "1.3", "1.4"]
    assert edit.add_child(raw, None) == "4"


def test_a_leaf_gets_children_and_becomes_a_leaf_again(raw):
    leaf = edit.find_item(raw, "3.3")
    before = copy.deepcopy(leaf)
    child = edit.add_child(raw, "3.3")
    assert child == "3.3.1" and edit.is_parent(leaf)
    assert edit.check(raw).about("3.3")  # 10 vs 1
    edit.remove_item(raw, child)
    assert leaf == before and edit.check(raw).ok


def test_move_indent_outdent(raw):
    top = raw["items"]
    assert edit.move_item(raw, "2", -1)
    assert codes(top) == ["2", "1", "3"]
    assert not edit.move_item(raw, "2", -1)
    assert edit.move_item(raw, "2", +1) and codes(top) == ["1", "2", "3"]
    assert not edit.move_item(raw, "3", +1)
    assert not edit.indent_item(raw, "1.1")  # nothing above it
    assert edit.indent_item(raw, "1.3")  # under 1.2
    assert codes(edit.find_item(raw, "1.2")["children"])[-1] == "1.3"
    assert edit.outdent_item(raw, "1.3")
    assert codes(edit.find_item(raw, "1")["children"]) == ["1.1", "1.2", "1.3", "1.4"]
    assert not edit.outdent_item(raw, "1")
    assert edit.check(raw).ok


def test_outdenting_the_only_child_turns_the_parent_back_into_a_leaf(raw):
    edit.add_child(raw, "3.3")
    assert edit.outdent_item(raw, "3.3.1")
    assert "children" not in edit.find_item(raw, "3.3")
    assert codes(edit.find_item(raw, "3")["children"]) == ["3.1", "3.2", "3.3", "3.3.1"]


def test_remove_takes_the_subtree(raw):
    removed = edit.remove_item(raw, "1.2")
    assert len(removed["children"]) == 5
    assert len(list(edit.walk(raw))) == 40
    assert edit.sum_gaps(raw)["1"].difference == D(10)


def test_renumber_follows_the_places(raw):
    edit.move_item(raw, "2", -1)
    changed = edit.renumber(raw)
    assert changed["2"] == "1" and changed["1"] == "2" and changed["2.1.1"] == "1.1.1"
    assert codes(raw["items"]) == ["1", "2", "3"]
    assert edit.find_item(raw, "1")["title"] == "服务设施"
    assert edit.renumber(raw) == {}


def test_set_kind_gives_a_level_item_default_levels(raw):
    item = edit.find_item(raw, "1.1")  # max 20
    edit.set_kind(item, ItemKind.LEVEL)
    assert item["levels"] == [{"name": "优秀", "points": 20}, {"name": "良好", "points": 16},
                              {"name": "合格", "points": 12}, {"name": "不合格", "points": 0}]
    assert edit.check(raw).ok
    edit.set_kind(item, ItemKind.YESNO)
    rubric = edit.check(raw).rubric
    assert rubric is not None and rubric.item("1.1").kind == ItemKind.YESNO
    assert "levels" not in rubric_to_dict(rubric)["items"][0]["children"][0]


def test_default_levels_of_an_odd_max():
    assert [lv["points"] for lv in edit.default_levels(3)] == [3, 2.4, 1.8, 0]
    assert [lv["points"] for lv in edit.default_levels("x")] == [0, 0, 0, 0]


@pytest.mark.parametrize(("text", "fields"), [
    ("1～5", {"min": 1, "max": 5, "step": 1}),
    ("1-10", {"min": 1, "max": 10, "step": 1}),
    ("0.5 ~ 5", {"min": 0.5, "max": 5, "step": 1}),
    ("1～5（步长 0.5）", {"min": 1, "max": 5, "step": 0.5}),
    ("1-5/0.5", {"min": 1, "max": 5, "step": 0.5}),
    ("1至3", {"min": 1, "max": 3, "step": 1}),
    ("1、3、5", {"amounts": [1, 3, 5]}),
    ("3,5，10", {"amounts": [3, 5, 10]}),
    ("10", {"amounts": [10]}),
    ("1、三", {"amounts": [1, "三"]}),
    ("", {"amounts": []}),
])
def test_parse_amounts(text, fields):
    assert edit.parse_amounts(text) == fields


@pytest.mark.parametrize("rule", [
    {"min": 1, "max": 5, "step": 1}, {"min": 1, "max": 5, "step": 0.5}, {"amounts": [1, 3, 5]},
    {"amounts": [10]}, {"min": 0.5, "max": 2.5, "step": 0.5},
])
def test_amounts_text_reads_back(rule):
    assert edit.parse_amounts(edit.amounts_text(rule)) == rule


def test_set_amounts_replaces_the_form_and_bad_text_is_reported_by_check(raw):
    rule = raw["deduction"]["rules"][0]
    edit.set_amounts(rule, "1～4")
    assert rule == {"code": "D1", "title": rule["title"], "min": 1, "max": 4, "step": 1}
    assert edit.amounts_text(rule) == "1～4"
    assert edit.check(raw).ok
    edit.set_amounts(rule, "1、三")
    problems = edit.check(raw).about("D1")
    assert [p.reason for p in problems] == ["分值不是数字"]
    edit.set_amounts(rule, "1～20")  # over the section cap of 10
    assert "封顶" in edit.check(raw).about("D1")[0].reason


def test_to_number():
    assert edit.to_number("5") == 5 and isinstance(edit.to_number("5.0"), int)
    assert edit.to_number("0.1") == 0.1
    with pytest.raises(ValueError):
        edit.to_number("五")


def test_grade_preview_uses_the_scale_being_edited(raw):
    totals = edit.sample_totals(raw)
    assert totals[0] == D(97) and len(totals) == 10
    preview = edit.grade_preview(raw, totals)
    assert [g for _, g in preview] == ["优秀"] * 3 + ["良好"] * 3 + ["合格"] * 3 + ["不合格"]
    raw["grades"] = {"mode": "both", "scale": [
        {"name": "优秀", "min": 90, "quota_share": 0.2}, {"name": "合格", "min": 60},
        {"name": "不合格", "min": 0}]}
    assert [g for _, g in edit.grade_preview(raw, totals)][:3] == ["优秀", "优秀", "合格"]
    raw["grades"]["scale"][1]["min"] = 95  # not from high to low
    assert edit.grade_preview(raw, totals) is None


def test_a_weighted_parent_counts_weight_times_max_and_weights_must_be_positive(raw):
    parent = edit.find_item(raw, "1.2")
    edit.set_combine(parent, "weighted")
    assert parent["combine"] == "weighted" and edit.sum_gaps(raw) == {}
    parent["children"][0]["weight"] = 1.5  # 1.5 × 2 + 8 = 11
    assert edit.sum_gaps(raw) == {"1.2": edit.Gap(D(10), D(11))}
    parent["children"][0]["weight"] = 0
    assert "权重必须大于 0" in [p.reason for p in edit.check(raw).problems]
    edit.set_combine(parent, "sum")
    assert "combine" not in parent
    with pytest.raises(ValueError, match="合计方式只能是"):
        edit.set_combine(parent, "average")
