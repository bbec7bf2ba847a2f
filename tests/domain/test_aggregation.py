"""Several assessors: mean per role, trimmed mean, role weights."""

from __future__ import annotations

from decimal import Decimal as D

from kaohe_desktop.domain.aggregation import aggregate_leaves, combine_roles, role_mean


def test_mean_per_role_then_weights():
    by_role = {"上级": [D(8), D(10)], "同事": [D(6)], "自评": [D(10)]}
    weights = {"上级": D("0.5"), "同事": D("0.3"), "自评": D("0.2")}
    # 0.5·9 + 0.3·6 + 0.2·10 = 8.3
    assert combine_roles(by_role, weights) == D("8.3")


def test_missing_role_is_renormalised_not_counted_as_zero():
    weights = {"上级": D("0.5"), "同事": D("0.5")}
    assert combine_roles({"上级": [D(8)]}, weights) == D(8)


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five():
    values = [D(1), D(7), D(8), D(9), D(20)]
    assert role_mean(values, trimmed=True) == D(8)
    assert role_mean(values[:4], trimmed=True) == D("6.25")  # fewer than 5: plain mean


def test_nobody_scored_gives_no_value_and_equal_weights_by_default():
    assert combine_roles({}, {}) is None
    out = aggregate_leaves([("甲", "1", D(4)), ("乙", "1", D(8)), ("甲", "2", D(1))], {})
    assert out == {"1": D(6), "2": D(1)}


def test_full_precision_is_kept():
    out = aggregate_leaves([("上级", "1", D(10)), ("上级", "1", D(10)), ("上级", "1", D(9))], {})
    assert out["1"] != D("9.67") and abs(out["1"] - D(29) / 3) < D("1e-20")
