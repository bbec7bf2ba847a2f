"""The improvement plan's arithmetic: the next grade's points, and targets in records."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kaohe_desktop.domain.improvement import Step, metric_step, next_grade, plan, reach_text
from kaohe_desktop.domain.metric_rules import rule_from_raw
from kaohe_desktop.domain.rubric import GradeBand, GradeMode, GradeScale
from kaohe_desktop.domain.service_measures import Measures, MonthTally

D = Decimal
SCALE = GradeScale(GradeMode.THRESHOLD, (GradeBand("优秀", D(90)), GradeBand("良好", D(80)),
                                         GradeBand("合格", D(60)), GradeBand("不合格", D(0))))


def test_next_grade_by_line_and_by_quota():
    assert next_grade(SCALE, "良好", D("83.5"), {}).__dict__ == {"name": "优秀", "needed": D("6.5")}
    assert next_grade(SCALE, "优秀", D(95), {}).name == ""
    quota = GradeScale(GradeMode.BOTH, SCALE.bands)
    # the line is 90 but the quota's last holder has 92.5: that is what it takes
    assert next_grade(quota, "良好", D(88), {"优秀": [D(97), D("92.5")]}).needed == D("4.5")


def test_the_issues_example():
    m = Measures("0101", "林志强", MonthTally(ratings=1050, satisfied=1009, bad=41))  # 96.10%
    assert reach_text("satisfied_rate", m, D(98)) == "约减少 20 个差评（共 1,050 次评价）"
    late = Measures("x", "x", MonthTally(finished=40, on_time=36))
    assert reach_text("on_time_rate", late, D(95)) == "约多 2 件按时办结（共办结 40 件）"


@given(st.integers(1, 5000), st.data())
def test_the_reach_count_is_the_least_that_reaches(n, data):
    s = data.draw(st.integers(0, n))
    target = D(data.draw(st.integers(0, 100)))
    text = reach_text("satisfied_rate", Measures("x", "x", MonthTally(ratings=n, satisfied=s)), target)
    k = int(text.split("约减少 ")[1].split(" ")[0])
    assert (s + k) * 100 >= target * n  # reaches the target
    assert k == 0 or (s + k - 1) * 100 < target * n  # and one fewer would not


def test_plan_takes_the_largest_gains_enough_for_the_next_grade():
    steps = [Step("1", "a", D(5), D(2), "a"), Step("2", "b", D(10), D(8), "b"),
             Step("3", "c", D(4), D(4), "c"), Step("4", "d", D(1), D(1), "d")]
    assert [s.item_code for s in plan(steps, D(11))] == ["2", "3"]
    assert [s.item_code for s in plan(steps, None)] == ["2", "3", "1", "4"]


SATISFIED = {"source": "service", "measure": "satisfied_rate", "mode": "thresholds",
             "bands": [{"at": 99, "percent": 100}, {"at": 97, "percent": 80},
                       {"at": 95, "percent": 60}, {"at": 90, "percent": 40}]}


def test_a_small_count_lands_past_the_target_and_the_plan_says_so():
    """7 of 8 satisfied (87.50%): the nearest band is ≥ 90% (40% of 15 = 6), but one 差评
    fewer of 8 ratings is 8/8 = 100% — full marks, 15 more, not 6."""
    rule, problems = rule_from_raw(SATISFIED)
    assert rule is not None and not problems
    few = Measures("0102", "黄丽萍", MonthTally(ratings=8, satisfied=7, bad=1))
    step = metric_step("1.3", "服务质量（满意率）", rule, few, D(0), D(15), None)
    assert step is not None and step.gain == 15
    assert step.text == ("1.3 服务质量（满意率）：满意率 87.50% → 90%：约减少 1 个差评（共 8 次评价），"
                         "即达 100.00%，可多得 15 分")
    # the issue's example: 20 of 1,050 lands on 98.00%, inside the ≥ 97% band it aims at
    many = Measures("0101", "林志强", MonthTally(ratings=1050, satisfied=1009, bad=41))  # 96.10%
    step = metric_step("1.3", "服务质量（满意率）", rule, many, D(9), D(15), None)
    assert step is not None and step.gain == 3  # 60% → 80% of 15
    assert step.text == ("1.3 服务质量（满意率）：满意率 96.10% → 97%：约减少 10 个差评（共 1,050 次评价），"
                         "可多得 3 分")
