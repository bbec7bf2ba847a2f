"""The year-end roll-up rules (domain.rollup): parsing a mix, means over the periods a
subject took part in, re-weighing missing parts, vetoes, the top-grade lists."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe_desktop.domain.rollup import (
    ADHOC,
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


def cents(fr: Fraction) -> Fraction:
    """Half up to 2 decimals, independently of domain.numbers (fr ≥ 0)."""
    return Fraction(int(fr * 100 + Fraction(1, 2)), 100)


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=12), st.lists(st.integers(0, 1000), max_size=2),
       st.integers(1, 9))
def test_roll_up_equals_an_exact_computation(months, annual, w):
    """The README's rule: each part's mean rounded once, each weighted share rounded
    once, the total their exact sum — computed here with fractions."""
    mix = {MONTHLY: D(w) / 10, ANNUAL: D(10 - w) / 10}
    periods = [PeriodTotal(MONTHLY, f"2024-{k + 1:02d}", D(v) / 10) for k, v in enumerate(months)]
    periods += [PeriodTotal(ANNUAL, "2024", D(v) / 10) for v in annual]
    got = roll_up(periods, mix)
    m = cents(Fraction(sum(months), 10 * len(months)))
    if annual:
        a = cents(Fraction(sum(annual), 10 * len(annual)))
        shares = [cents(Fraction(w, 10) * m), cents(Fraction(10 - w, 10) * a)]
    else:
        shares = [m]  # re-weighed over the part present: all of it
    assert got.total == D(sum(shares).numerator) / D(sum(shares).denominator)
    assert got.total == sum(got.contributions.values())  # the shown parts add up
    assert all(v == v.quantize(D("0.01")) for v in (*got.parts.values(), *got.contributions.values()))


def test_adhoc_results_are_a_part_with_a_weight():
    mix = parse_mix("monthly:0.4,annual:0.5,adhoc:0.1")
    assert mix == {MONTHLY: D("0.4"), ANNUAL: D("0.5"), ADHOC: D("0.1")}
    assert parse_mix("月度:40%,年度:50%,抽查:10%") == mix
    r = roll_up([PeriodTotal(MONTHLY, "2024-01", D("80.33")), PeriodTotal(MONTHLY, "2024-02", D(90)),
                 PeriodTotal(ANNUAL, "2024", D("70.15")),
                 PeriodTotal(ADHOC, "2024-05-01..2024-05-31", D(60)),
                 PeriodTotal(ADHOC, "2024-09-01..2024-09-30", D("65.5"))], mix)
    # means 85.165 → 85.17, 70.15, 62.75; shares 34.068 → 34.07, 35.075 → 35.08, 6.275 → 6.28
    assert r.parts == {MONTHLY: D("85.17"), ANNUAL: D("70.15"), ADHOC: D("62.75")}
    assert r.contributions == {MONTHLY: D("34.07"), ANNUAL: D("35.08"), ADHOC: D("6.28")}
    assert r.total == D("75.43") and r.counts[ADHOC] == 2
    assert "专项平均 10%" in mix_text(mix)


def test_top_graded_lists_best_first_ties_by_code():
    rows = [("B", 2, "优秀"), ("A", 2, "优秀"), ("C", 1, "优秀"), ("D", 4, "良好")]
    assert top_graded(rows, "优秀") == ["C", "A", "B"]
