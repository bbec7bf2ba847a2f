"""Gathering what a reader found: punches, day records and problems, with the checks that
are the same for every format.

- a date after today or before 2000 is a problem (the row is left out); report rows for
  future days that carry nothing (a mid-month export) are skipped silently by the readers;
- one id under two names in one file is a problem at the first row of the second name;
- an exact duplicate punch (same id, name and second) is kept once; punches a minute
  apart are all kept (collapsing them is the rules' job);
- a second record for the same person-day: identical → kept once, different → problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.domain.names import name_key

from .records import DayRecord, ParsedAttendance, Punch

EARLIEST = date(2000, 1, 1)
PROGRESS_EVERY = 2000


class Collector:
    def __init__(self, file: str, fmt: str,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.file = file
        self.format = fmt
        self.progress = progress
        self.punches: list[Punch] = []
        self.days: list[DayRecord] = []
        self.problems: list[Problem] = []
        self.today = date.today()
        self.rows_read = 0
        self._punch_keys: set[tuple] = set()
        self._day_index: dict[tuple[str, str, date], int] = {}
        self._names: dict[str, tuple[str, int | None]] = {}   # id → (first name, its row)
        self._conflicts: set[tuple[str, str]] = set()
        self.leave_mismatches: list[tuple[str, int, str, str]] = []  # sheet, row, text, column

    def problem(self, reason: str, *, sheet: str = "", row: int | None = None,
                column: str = "", value: object = None) -> None:
        self.problems.append(Problem(reason, file=self.file, sheet=sheet, row=row,
                                     column=column, value=value))

    def date_problem(self, day: date) -> str | None:
        """The reason a date cannot be right, or None."""
        if day > self.today:
            return f"日期 {day.isoformat()} 在今天（{self.today.isoformat()}）之后"
        if day < EARLIEST:
            return f"日期 {day.isoformat()} 早于 2000 年，不像考勤记录"
        return None

    def check_name(self, person_id: str, name: str, *, sheet: str, row: int | None,
                   column: str) -> None:
        """Flag the first row where `person_id` appears under a second, different name."""
        if not person_id or not name:
            return
        first = self._names.get(person_id)
        if first is None:
            self._names[person_id] = (name, row)
            return
        if first[0] == name or name_key(first[0]) == name_key(name):
            return
        if (person_id, name) in self._conflicts:
            return
        self._conflicts.add((person_id, name))
        where = f"第 {first[1]} 行" if first[1] is not None else "前面"
        self.problem(f"考勤号“{person_id}”在{where}是“{first[0]}”，这里是“{name}”："
                     "同一个考勤号不能是两个人，请核对", sheet=sheet, row=row, column=column,
                     value=name)

    def add_punch(self, punch: Punch) -> None:
        key = (punch.person_id, punch.name, punch.at)
        if key in self._punch_keys:
            return
        self._punch_keys.add(key)
        self.punches.append(punch)

    def add_day(self, record: DayRecord, *, sheet: str = "", row: int | None = None) -> None:
        key = (record.person_id, record.name if not record.person_id else "", record.day)
        at = self._day_index.get(key)
        if at is None:
            self._day_index[key] = len(self.days)
            self.days.append(record)
            return
        old = self.days[at]
        if _same_day(old, record):
            return
        self.problem(f"同一人同一天（{record.day.isoformat()}）有两行且内容不同；"
                     f"已按前一行（{old.source}）读取", sheet=sheet, row=row,
                     value=record.name or record.person_id)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def result(self, *, sheet: str = "", period=None, notes: list[str] | None = None
               ) -> ParsedAttendance:
        notes = list(notes or [])
        if self.leave_mismatches:
            s, r, said, column = self.leave_mismatches[0]
            notes.append(f"{len(self.leave_mismatches)} 行的请假类型按审批/明细文字读取，与天数所在列不同"
                         f"（如工作表“{s}”第 {r} 行：文字是“{said}”，天数在“{column}”列）")
        return ParsedAttendance(file=self.file, format=self.format, punches=self.punches,
                                days=self.days, problems=self.problems, sheet=sheet,
                                period=period, rows_read=self.rows_read, notes=notes)


def _same_day(a: DayRecord, b: DayRecord) -> bool:
    return (a.punches, a.status, a.leave_type, a.leave_days, a.punch_at) == (
        b.punches, b.status, b.leave_type, b.leave_days, b.punch_at)
