from __future__ import annotations

from datetime import date

import pytest

from kaohe_desktop.domain.periods import PeriodKind, adhoc_period, parse_period
from kaohe_desktop.domain.states import State, editable, next_state


@pytest.mark.parametrize("text, kind, start, end, label", [
    ("2024", PeriodKind.YEAR, date(2024, 1, 1), date(2024, 12, 31), "2024年度"),
    ("2024-Q1", PeriodKind.QUARTER, date(2024, 1, 1), date(2024, 3, 31), "2024年第1季度"),
    ("2024-q4", PeriodKind.QUARTER, date(2024, 10, 1), date(2024, 12, 31), "2024年第4季度"),
    ("2024-02", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
    ("2024年3月", PeriodKind.MONTH, date(2024, 3, 1), date(2024, 3, 31), "2024年3月"),
])
def test_period_forms(text, kind, start, end, label):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)
    assert parse_period(p.key) == p


def test_bad_periods():
    for bad in ("2024-13", "24", "2024-Q5", "明年"):
        with pytest.raises(ValueError, match="考核周期"):
            parse_period(bad)
    with pytest.raises(ValueError, match="早于"):
        adhoc_period("2024-03-01", "2024-02-01")
    assert adhoc_period("2024-01-05", "2024-02-01").kind == PeriodKind.ADHOC


def test_state_flow():
    s = next_state(State.DRAFT, "submit")
    s = next_state(s, "approve")
    assert not editable(s)
    s = next_state(s, "publish")
    assert s == State.PUBLISHED and not editable(s)
    with pytest.raises(ValueError, match="不能提交"):
        next_state(s, "submit")
    assert next_state(s, "reopen") == State.DRAFT
