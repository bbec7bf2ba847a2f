"""Working days: Chinese statutory holidays and make-up workdays (调休), plus the user's own
calendar for what the package does not know.

The `chinese-calendar` package (import name `chinese_calendar`; imported only here) knows
the years its release covers and raises NotImplementedError for any other. The user's
overrides (date → workday or rest, kept in the database and handed in as data) win over
the package. A day neither knows is judged by its weekday (Monday–Friday work) and listed
in `WorkCalendar.guessed`, so the caller can tell the user that year's holidays are
missing instead of silently counting a holiday as a workday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

# The package's English holiday names → what a user here reads.
_HOLIDAY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class WorkCalendar:
    """Every day of a range judged once: workdays, rest days and why."""

    start: date
    end: date
    workdays: frozenset[date]
    guessed: frozenset[date] = frozenset()  # judged by weekday only: year unknown, no override
    names: Mapping[date, str] = field(default_factory=dict)  # 端午, 春节 (调休) … when known

    def is_workday(self, day: date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} 不在日历范围 {self.start}～{self.end} 内")
        return day in self.workdays

    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days + 1)]

    @property
    def guessed_years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.guessed}))


def package_knows(day: date) -> bool:
    """Whether the installed chinese-calendar has data for this day's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def _judge(day: date, overrides: Mapping[date, bool]) -> tuple[bool, bool, str]:
    """(workday, guessed, name) for one day."""
    if day in overrides:
        return bool(overrides[day]), False, ""
    try:
        workday = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return day.weekday() < 5, True, ""
    label = _HOLIDAY_NAMES.get(name, name or "")
    if label and workday:
        label += "（调休上班）"
    return workday, False, label


def work_calendar(start: date, end: date, overrides: Mapping[date, bool] | None = None) -> WorkCalendar:
    """Judge every day from `start` to `end` (inclusive); `overrides` maps a date to True
    (workday) or False (rest day) and wins over the package."""
    if end < start:
        raise ValueError(f"结束日期 {end} 早于开始日期 {start}")
    overrides = overrides or {}
    workdays: set[date] = set()
    guessed: set[date] = set()
    names: dict[date, str] = {}
    day = start
    while day <= end:
        workday, was_guessed, name = _judge(day, overrides)
        if workday:
            workdays.add(day)
        if was_guessed:
            guessed.add(day)
        if name:
            names[day] = name
        day += timedelta(1)
    return WorkCalendar(start, end, frozenset(workdays), frozenset(guessed), names)


def is_workday(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """One day (weekday fallback for a year neither the package nor the overrides know)."""
    return _judge(day, overrides or {})[0]


def nth_workday(start: date, n: int, overrides: Mapping[date, bool] | None = None) -> date:
    """The n-th working day counted from `start` (which counts when it is one): a 公示期 of
    5 working days from Friday 2024-09-27 counts Sunday 09-29 (调休上班) and 09-30, skips
    the National Day holiday and ends on 10-09."""
    if n < 1:
        raise ValueError(f"工作日数应至少为 1：{n}")
    overrides = overrides or {}
    day, found = start, 0
    while True:
        if _judge(day, overrides)[0]:
            found += 1
            if found == n:
                return day
        day += timedelta(1)


def workdays_between(start: date, end: date, overrides: Mapping[date, bool] | None = None) -> int:
    """How many working days from `start` to `end`, both included."""
    if end < start:
        return 0
    return len(work_calendar(start, end, overrides).workdays)
