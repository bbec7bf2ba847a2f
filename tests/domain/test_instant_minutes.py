"""即办件 minutes from stored moments (real elapsed time, to the nearest minute) and the
average in hours over a tally."""

from __future__ import annotations

import pytest

from kaohe_desktop.domain.service_measures import Measures, MonthTally, instant_minutes


@pytest.mark.parametrize(("accepted", "finished", "minutes"), [
    ("2024-06-03 09:00:00.000000", "2024-06-03 09:45:00.000000", 45),
    ("2024-06-03 09:00:00.000000", "2024-06-03 09:00:29.000000", 0),    # under half a minute
    ("2024-06-03 09:00:00.000000", "2024-06-03 09:00:30.000000", 1),    # half up
    ("2024-06-07 09:00:30.000000", "2024-06-07 09:10:00.000000", 10),   # 9 min 30 s
    ("2024-06-04 16:30:00.000000", "2024-06-05 09:15:00.000000", 1005),  # the night counts
    ("2024-12-31 23:50:00.000000", "2025-01-01 00:10:00.000000", 20),   # across the year
    ("2024-06-03 10:00:00.000000", "2024-06-03 09:00:00.000000", 0),    # refused at import
])
def test_minutes_from_受理_to_办结(accepted, finished, minutes):
    assert instant_minutes(accepted, finished) == minutes


def test_average_hours_two_decimals_none_without_即办件():
    assert Measures("x", "x", MonthTally(instant_minutes=5110, instant_n=5)).avg_hours == 17.03
    assert Measures("x", "x", MonthTally(instant_minutes=45, instant_n=2)).avg_hours == 0.38  # 0.375 up
    assert Measures("x", "x", MonthTally(requests=3, finished=3, days_n=3)).avg_hours is None
