"""The common day (a workday with punches, no leave, no status text) is built in one go;
it must be exactly what the general path makes of it, for any punches and shift."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_desktop.domain.attendance import (
    ZERO,
    DayResult,
    Shift,
    _from_punches,
    _punch_seconds,
    evaluate_day,
)

times = st.times(min_value=time(0, 0), max_value=time(23, 59, 59))
shifts = st.builds(
    Shift,
    start=st.sampled_from([time(8, 0), time(8, 30), time(9, 0)]),
    end=st.sampled_from([time(17, 0), time(17, 30), time(18, 0)]),
    late_grace_min=st.integers(0, 30),
    early_grace_min=st.integers(0, 30),
    half_day_late_min=st.one_of(st.none(), st.integers(31, 120)),
    absent_late_min=st.one_of(st.none(), st.integers(121, 300)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(times, min_size=1, max_size=6), shifts, st.sampled_from(["", "调休上班"]))
def test_the_common_day_is_what_the_general_path_makes(punches, shift, note):
    day = date(2024, 3, 5)
    stamps = tuple(sorted(punches, key=_punch_seconds))
    general = _from_punches(DayResult(day, True, stamps, note=note), shift, ZERO)
    assert evaluate_day(day, True, punches, shift, note=note) == general
