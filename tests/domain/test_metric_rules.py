"""Metric items' scoring rules: thresholds, linear, rank — never below 0, never above the
item's max, on the item's step, and never fewer points for a better value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.metric_rules import (
    MEASURES,
    derivation,
    metric_points,
    needed_for,
    ranks,
    rule_from_raw,
)
from kaohe_desktop.domain.rubric import rubric_from_dict
from kaohe_desktop.domain.service_measures import Measures, MonthTally

D = Decimal


def rule(**raw):
    got, problems = rule_from_raw({"source": "service", **raw})
    assert not problems, [p.line() for p in problems]
    return got


SAT_BANDS = [{"at": 99, "percent": 100}, {"at": 97, "percent": 80}, {"at": 95, "percent": 60}]
values = st.decimals(min_value=-50, max_value=2000, places=2, allow_nan=False)
maxima = st.sampled_from([D(5), D(10), D(12.5), D(20), D(30)])
steps = st.sampled_from([None, D("0.1"), D("0.5"), D(1)])


def rules_strategy():
    measure = st.sampled_from(sorted(MEASURES))
    thresholds = st.builds(
        lambda m, cuts, pcts: rule(measure=m, mode="thresholds", bands=[
            {"at": float(c), "percent": float(p)} for c, p in zip(
                sorted(cuts, reverse=MEASURES[m].higher_better),
                sorted(pcts, reverse=True), strict=False)]),
        measure, st.lists(st.integers(0, 1000), min_size=1, max_size=4, unique=True),
        st.lists(st.integers(0, 100), min_size=4, max_size=4))
    linear = st.builds(lambda m, t, p: rule(measure=m, mode="linear", target=t, per=p),
                       measure, st.integers(0, 1000), st.sampled_from([0, 0.1, 0.5, 1, 2, 5]))
    return st.one_of(thresholds, linear)


@given(rules_strategy(), values, values, maxima, steps)
def test_points_within_bounds_on_step_and_monotone(r, a, b, maximum, step):
    pa, _ = metric_points(r, a, maximum, step)
    pb, _ = metric_points(r, b, maximum, step)
    for p in (pa, pb):
        assert D(0) <= p <= maximum
        if step:
            assert (p / step) == (p / step).to_integral_value()
    better, worse = (a, b) if (a >= b) == r.info.higher_better else (b, a)
    assert metric_points(r, better, maximum, step)[0] >= metric_points(r, worse, maximum, step)[0]


@given(st.lists(values, min_size=1, max_size=12), st.booleans(),
       st.sampled_from([0, 0.5, 1, 3]), maxima)
def test_rank_mode_best_full_never_negative_and_monotone(vals, higher, per, maximum):
    measure = "satisfied_rate" if higher else "bad_ratings"
    r = rule(measure=measure, mode="rank", per=per)
    places = ranks({str(i): v for i, v in enumerate(vals)}, higher)
    points = {k: metric_points(r, vals[int(k)], maximum, None, p)[0] for k, p in places.items()}
    assert all(D(0) <= p <= maximum for p in points.values())
    best = max(vals) if higher else min(vals)
    assert all(points[k] == maximum for k in points if vals[int(k)] == best)
    for i, x in enumerate(vals):
        for j, y in enumerate(vals):
            if (x > y) == higher and x != y:
                assert points[str(i)] >= points[str(j)]


def test_thresholds_as_the_issue_states():
    r = rule(measure="satisfied_rate", mode="thresholds", bands=SAT_BANDS)
    assert metric_points(r, D("99.5"), D(10))[0] == 10
    assert metric_points(r, D(99), D(10))[0] == 10
    assert metric_points(r, D("98.2"), D(10)) == (D(8), "≥ 97% 得 80%")
    assert metric_points(r, D("94.9"), D(10))[0] == 0
    lower = rule(measure="bad_ratings", mode="thresholds",
                 bands=[{"at": 0, "percent": 100}, {"at": 2, "percent": 50}])
    assert metric_points(lower, D(0), D(10))[0] == 10
    assert metric_points(lower, D(2), D(10))[0] == 5
    assert metric_points(lower, D(3), D(10))[0] == 0


def test_linear_each_point_below_target():
    r = rule(measure="satisfied_rate", mode="linear", target=98, per=0.5)
    assert metric_points(r, D("96.1"), D(10), D("0.1"))[0] == D("9.0")  # 1.9 × 0.5 = 0.95 → 9.0
    assert metric_points(r, D(50), D(10))[0] == 0  # never below 0
    assert metric_points(r, D(100), D(10))[0] == 10
    assert needed_for(r, D(10), D(10)) == 98


def test_derivation_spells_out_the_fraction():
    r = rule(measure="satisfied_rate", mode="thresholds", bands=SAT_BANDS)
    m = Measures("0101", "林志强", MonthTally(ratings=1050, satisfied=1031, bad=19))
    points, remark = derivation(r, m, D(10), D("0.1"))
    assert points == 8
    assert remark == "满意率 98.19%（1,031/1,050）→ ≥ 97% 得 80% → 8 分"


def test_no_data_pending_unless_the_rule_says():
    m = Measures("0101", "林志强", MonthTally())
    assert derivation(rule(measure="satisfied_rate", mode="linear", target=98, per=1),
                      m, D(10), None) is None
    full = rule(measure="satisfied_rate", mode="linear", target=98, per=1, no_data="full")
    assert derivation(full, m, D(10), None)[0] == 10


@pytest.mark.parametrize("raw, words", [
    ({"measure": "微笑率", "mode": "linear", "target": 1}, "指标只能是"),
    ({"measure": "satisfied_rate", "mode": "magic"}, "计分方式只能是"),
    ({"measure": "satisfied_rate", "mode": "thresholds", "bands": []}, "至少要有一档"),
    ({"measure": "satisfied_rate", "mode": "thresholds",
      "bands": [{"at": 97, "percent": 80}, {"at": 99, "percent": 100}]}, "从最好排到最差"),
    ({"measure": "satisfied_rate", "mode": "thresholds",
      "bands": [{"at": 97, "percent": 180}]}, "0～100"),
    ({"measure": "satisfied_rate", "mode": "linear", "target": "九十八"}, "目标值不是数字"),
    ({"measure": "satisfied_rate", "mode": "linear", "target": 98, "per": -1}, "不能为负数"),
])
def test_bad_rules_are_named_in_the_rubric(raw, words):
    rubric = {"code": "T", "name": "T", "subject_kind": "staff", "full_marks": 10,
              "items": [{"code": "1", "title": "满意率", "max": 10, "kind": "derived",
                         "rule": {"source": "service", **raw}}]}
    with pytest.raises(InputError) as exc:
        rubric_from_dict(rubric)
    assert any(words in p.reason and p.column == "1" for p in exc.value.problems), \
        [p.line() for p in exc.value.problems]
