"""Completeness, 不适用 and 不参评 in the services (issue 12 §1), on a real database.

A small unit rubric (100 points: two sections) written here, with one item that may be
marked 不适用; CY2019-style groups and roles.
"""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, ranking, roster, rubrics, scores, subject_marks
from kaohe_desktop.services.assessments import GroupSpec

RUBRIC = {
    "code": "T-NA", "version": 1, "name": "测试细则", "subject_kind": "unit", "full_marks": 100,
    "items": [
        {"code": "1", "title": "基础工作", "max": 60, "children": [
            {"code": "1.1", "title": "制度上墙", "max": 30, "kind": "points", "step": 0.5},
            {"code": "1.2", "title": "代办服务", "max": 30, "kind": "points", "step": 0.5,
             "allow_na": True}]},
        {"code": "2", "title": "群众评价", "max": 40, "kind": "points", "step": 0.5},
    ],
    "grades": {"mode": "threshold", "scale": [{"name": "优秀", "min": 90}, {"name": "合格", "min": 60},
                                               {"name": "不合格", "min": 0}]},
}


@pytest.fixture
def units(db, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(RUBRIC, ensure_ascii=False), encoding="utf-8")
    rubrics.import_rubric(db, path)
    for n in (1, 2, 3):
        roster.add_unit(db, f"第{n}站", code=f"U{n}", area="测试街道")
    return db


def fill(db, aid, code, values, assessor, group=None):
    for item, value in values.items():
        scores.set_score(db, aid, code, item, value, assessor=assessor, group=group)


def by_code(db, aid):
    return {r.subject_code: r for r in ranking.rank_assessment(db, aid)}


def test_a_group_that_scored_nothing_is_missing_not_dropped_from_the_weights(units):
    db = units
    info = assessments.create_assessment(
        db, "T-NA", parse_period("2024"), subjects="units",
        groups=[GroupSpec("领导小组", "上级"), GroupSpec("自评", "自评")],
        weights={"上级": D("0.8"), "自评": D("0.2")})
    for code in ("U1", "U2", "U3"):
        fill(db, info.id, code, {"1.1": 30, "1.2": 20, "2": 30}, "组长", "领导小组")
    rows = by_code(db, info.id)
    assert all(not r.complete and r.grade is None and r.rank is None for r in rows.values())
    assert rows["U1"].missing == ("自评：尚无评分人，1.1、1.2、2 未评",)
    # one self-assessor who finishes U1 only: U1 complete, the others still wait for them
    fill(db, info.id, "U1", {"1.1": 28, "1.2": 20, "2": 40}, "U1站长", "自评")
    rows = by_code(db, info.id)
    assert rows["U1"].complete and rows["U1"].rank == 1
    assert rows["U2"].missing == ("自评/U1站长：1.1、1.2、2",)
    # weights as set: 0.8 × 80 + 0.2 × 88 = 81.6, never the 上级 mean alone
    assert rows["U1"].total == D("81.6")


def test_not_applicable_converts_to_the_full_scale_and_is_shown(units):
    db = units
    info = assessments.create_assessment(db, "T-NA", parse_period("2024"), subjects="units",
                                         groups=[GroupSpec("考核组", "上级")])
    fill(db, info.id, "U1", {"1.1": 27, "2": 36}, "甲")  # U1 has no 代办服务 at all
    fill(db, info.id, "U2", {"1.1": 27, "1.2": 15, "2": 36}, "甲")
    fill(db, info.id, "U3", {"1.1": 20, "1.2": 20, "2": 20}, "甲")
    assert not by_code(db, info.id)["U1"].complete
    with pytest.raises(InputError, match=r"不允许把项目 1\.1"):
        subject_marks.mark_not_applicable(db, info.id, "U1", "1.1", reason="无")
    with pytest.raises(InputError, match="理由"):
        subject_marks.mark_not_applicable(db, info.id, "U1", "1.2", reason=" ")
    subject_marks.mark_not_applicable(db, info.id, "U1", "1.2", reason="本站未开展代办业务")
    rows = by_code(db, info.id)
    u1 = rows["U1"]
    assert u1.complete and u1.not_applicable == ("1.2",)
    assert u1.base == D("90") and u1.conversion == "63 ÷ 70 × 100 = 90"  # 得分 ÷ 适用项满分 × 满分
    assert (u1.rank, u1.grade) == (1, "优秀")
    assert (rows["U2"].rank, rows["U2"].total) == (2, D(78))
    # a value typed for the item before it was marked does not count either
    fill(db, info.id, "U1", {"1.2": 30}, "甲")
    assert by_code(db, info.id)["U1"].base == D("90")
    assert subject_marks.unmark_not_applicable(db, info.id, "U1", "1.2")
    assert by_code(db, info.id)["U1"].total == D(93)


def test_excluded_subjects_are_left_out_of_ranks_and_grade_quotas(units):
    db = units
    info = assessments.create_assessment(db, "T-NA", parse_period("2024"), subjects="units",
                                         groups=[GroupSpec("考核组", "上级")])
    for code, v in (("U1", 25), ("U2", 20), ("U3", 30)):
        fill(db, info.id, code, {"1.1": v, "1.2": v, "2": v}, "甲")
    subject_marks.exclude_subject(db, info.id, "U3", reason="年中新建，不满一年")
    rows = by_code(db, info.id)
    assert rows["U3"].excluded and rows["U3"].rank is None and rows["U3"].grade is None
    assert rows["U3"].grade_text == "不参评" and rows["U3"].complete
    assert (rows["U1"].rank, rows["U2"].rank) == (1, 2)
    assert [r.subject_code for r in ranking.rank_assessment(db, info.id)] == ["U1", "U2", "U3"]
    assessments.change_state(db, info.id, "submit")  # an excluded subject does not hold it up
    assessments.change_state(db, info.id, "approve")
    with pytest.raises(InputError, match="已锁定"):  # marks follow the lock like scores
        subject_marks.include_subject(db, info.id, "U3")
