"""Counting working days forward: the 公示期 of N working days."""

from __future__ import annotations

from datetime import date

import pytest

from kaohe_desktop.domain.workcalendar import nth_workday, workdays_between


def test_five_working_days_skip_weekends_and_holidays():
    assert nth_workday(date(2024, 12, 20), 5) == date(2024, 12, 26)  # Fri → Thu
    # 调休: Sunday 2024-09-29 is a workday, 10-01…10-07 are not
    assert nth_workday(date(2024, 9, 27), 5) == date(2024, 10, 9)
    assert workdays_between(date(2024, 9, 27), date(2024, 10, 9)) == 5


def test_a_start_on_a_rest_day_does_not_count_and_overrides_win():
    assert nth_workday(date(2024, 12, 21), 1) == date(2024, 12, 23)  # Saturday → Monday
    office_rest = {date(2024, 12, 23): False}
    assert nth_workday(date(2024, 12, 21), 1, office_rest) == date(2024, 12, 24)
    with pytest.raises(ValueError):
        nth_workday(date(2024, 12, 21), 0)
    assert workdays_between(date(2024, 12, 2), date(2024, 12, 1)) == 0
