"""Competition ranking and grading by thresholds, quota, both, and veto."""

from __future__ import annotations

from decimal import Decimal as D

from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.domain.rubric import GradeBand, GradeMode, GradeScale


def scale(mode, *bands):
    return GradeScale(mode, tuple(bands))


def test_ties_share_a_rank_and_are_ordered_by_code():
    subjects = [Ranked("C", D(90)), Ranked("A", D(95)), Ranked("B", D(90)), Ranked("D", D(80))]
    assert competition_ranks(subjects) == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_ranks_follow_the_displayed_total():
    subjects = [Ranked("A", D("85.3333333")), Ranked("B", D("85.331")), Ranked("C", D("85.32"))]
    assert competition_ranks(subjects) == {"A": 1, "B": 1, "C": 3}


def test_round_half_up():
    assert round2(D("2.675")) == D("2.68")
    assert round2(D("2.665")) == D("2.67")
    assert shown(D("85.50")) == "85.5" and shown(D("90")) == "90"


def test_thresholds():
    s = scale(GradeMode.THRESHOLD, GradeBand("优秀", D(90)), GradeBand("良好", D(80)),
              GradeBand("合格", D(60)), GradeBand("不合格", D(0)))
    got = assign_grades(s, [Ranked("A", D("89.995")), Ranked("B", D("89.99")),
                            Ranked("C", D(60)), Ranked("D", D("59.99"))])
    assert got == {"A": "优秀", "B": "良好", "C": "合格", "D": "不合格"}


def test_quota_at_most_share_and_ties_at_the_boundary_drop():
    s = scale(GradeMode.QUOTA, GradeBand("优秀", quota_share=D("0.2")), GradeBand("合格"))
    ten = [Ranked(f"U{i:02d}", D(100 - i)) for i in range(10)]
    got = assign_grades(s, ten)
    assert [k for k, g in got.items() if g == "优秀"] == ["U00", "U01"]
    tied = [Ranked("A", D(99)), Ranked("B", D(98)), Ranked("C", D(98)), *ten[3:]]
    got = assign_grades(s, tied)
    assert [k for k, g in got.items() if g == "优秀"] == ["A"]


def test_thresholds_limited_by_quota():
    s = scale(GradeMode.BOTH, GradeBand("优秀", D(90), quota_count=1),
              GradeBand("良好", D(80)), GradeBand("一般", D(0)))
    got = assign_grades(s, [Ranked("A", D(95)), Ranked("B", D(92)), Ranked("C", D(70))])
    assert got == {"A": "优秀", "B": "良好", "C": "一般"}


def test_veto_forces_the_lowest_grade_and_takes_no_quota_place():
    s = scale(GradeMode.BOTH, GradeBand("优秀", D(90), quota_count=1), GradeBand("不合格", D(0)))
    got = assign_grades(s, [Ranked("A", D(99), vetoed=True), Ranked("B", D(95))])
    assert got == {"A": "不合格", "B": "优秀"}
