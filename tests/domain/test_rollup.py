"""The year-end roll-up rules (domain.rollup): parsing a mix, means over the periods a
subject took part in, re-weighing missing parts, vetoes, the top-grade lists."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rollup import (
    ANNUAL,
    MONTHLY,
    QUARTERLY,
    PeriodTotal,
    default_mix,
    mix_text,
    parse_mix,
    roll_up,
    top_graded,
)


def test_parse_mix_forms():
    assert parse_mix("monthly:0.4,annual:0.6") == {MONTHLY: D("0.4"), ANNUAL: D("0.6")}
    assert parse_mix("月度:40%，年度:60%") == {MONTHLY: D("0.4"), ANNUAL: D("0.6")}
    assert parse_mix("annual=6, monthly=4") == {MONTHLY: D("0.4"), ANNUAL: D("0.6")}  # shares of the sum
    assert parse_mix("quarterly:1") == {QUARTERLY: D(1)}
    assert mix_text(parse_mix("monthly:0.4,annual:0.6")) == "月度平均 40% + 年度考核 60%"


@pytest.mark.parametrize("text, words", [
    ("weekly:1", "无法识别"), ("monthly:0.4,monthly:0.6", "重复"), ("monthly:x", "不是数字"),
    ("monthly:-1,annual:2", "不能为负"), ("monthly:0", "大于 0"), ("monthly", "无法识别"),
])
def test_parse_mix_refuses(text, words):
    with pytest.raises(ValueError, match=words):
        parse_mix(text)


def test_default_mix_prefers_months_then_quarters_then_the_year():
    assert default_mix({ANNUAL, MONTHLY}) == {MONTHLY: 1}
    assert default_mix({ANNUAL, QUARTERLY}) == {QUARTERLY: 1}
    assert default_mix({ANNUAL}) == {ANNUAL: 1}


def test_weighted_mix_and_missing_parts():
    periods = [PeriodTotal(MONTHLY, "2024-01", D(80)), PeriodTotal(MONTHLY, "2024-02", D(90)),
               PeriodTotal(ANNUAL, "2024", D(70))]
    r = roll_up(periods, {MONTHLY: D("0.4"), ANNUAL: D("0.6")})
    assert r.parts == {MONTHLY: D(85), ANNUAL: D(70)} and r.total == D(76) and r.missing == ()
    only_months = roll_up(periods[:2], {MONTHLY: D("0.4"), ANNUAL: D("0.6")})
    assert only_months.total == D(85) and only_months.missing == (ANNUAL,)
    assert roll_up([PeriodTotal(QUARTERLY, "2024-Q1", D(1))], {MONTHLY: D(1)}) is None


def test_a_veto_in_any_counted_period_vetoes_the_year():
    periods = [PeriodTotal(MONTHLY, "2024-01", D(95)), PeriodTotal(MONTHLY, "2024-02", D(96), vetoed=True)]
    assert roll_up(periods, {MONTHLY: D(1)}).vetoed
    assert not roll_up(periods[:1], {MONTHLY: D(1)}).vetoed


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=12), st.lists(st.integers(0, 1000), max_size=2),
       st.integers(1, 9))
def test_roll_up_equals_an_exact_computation(months, annual, w):
    mix = {MONTHLY: D(w) / 10, ANNUAL: D(10 - w) / 10}
    periods = [PeriodTotal(MONTHLY, f"2024-{k + 1:02d}", D(v) / 10) for k, v in enumerate(months)]
    periods += [PeriodTotal(ANNUAL, "2024", D(v) / 10) for v in annual]
    got = roll_up(periods, mix)
    m = Fraction(sum(months), 10 * len(months))
    if annual:
        a = Fraction(sum(annual), 10 * len(annual))
        exact = (Fraction(w, 10) * m + Fraction(10 - w, 10) * a)
    else:
        exact = m
    assert shown(got.total) == shown(D(exact.numerator) / D(exact.denominator))


def test_top_graded_lists_best_first_ties_by_code():
    rows = [("B", 2, "优秀"), ("A", 2, "优秀"), ("C", 1, "优秀"), ("D", 4, "良好")]
    assert top_graded(rows, "优秀") == ["C", "A", "B"]
