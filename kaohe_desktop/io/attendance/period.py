"""The period a report covers (its title says '统计日期：2024-06-01 至 2024-06-30' or, in
WeCom, '统计时间:06-01 ～ 06-30' without a year) and the date of each day column of a
monthly sheet (headers '3', '1\\n星期六', or only '六'/'日' on weekends).

Day columns are matched to dates by walking forward from the period's start: a day
number moves to the next date with that day of the month (so a 26th-to-25th period
works), a weekday must agree with the date reached. A mismatch means the sheet is not
what it seems and is reported, never guessed around.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .cells import norm

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_YMD = r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
PERIOD_RX = re.compile(rf"{_YMD}\s*(?:星期.|周.)?\s*(?:至|~|～|〜|—|–|-|到)\s*{_YMD}")
MADE_RX = re.compile(r"(?:生成时间|制表时间|导出时间|制表日期|打印时间)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*"
                     r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
DAY_RX = re.compile(r"^(\d{1,2})(?:日|号)?(?:(?:星期|周)?([一二三四五六日天]))?$")
WEEKDAY_RX = re.compile(r"^(?:星期|周)?([一二三四五六日天])$")


def _title_text(rows: list[list[object]], scan: int) -> str:
    return "  ".join(" ".join(str(v) for v in row if isinstance(v, str) and v.strip())
                     for row in rows[:scan])


def find_period(rows: list[list[object]], scan: int = 4) -> tuple[date, date] | None:
    """The period named in the title rows, or None (also when the year cannot be known)."""
    text = _title_text(rows, scan)
    m = PERIOD_RX.search(text)
    if not m:
        return None
    y1, m1, d1, y2, m2, d2 = m.groups()
    made = MADE_RX.search(text)
    try:
        if y1:
            year = int(y1)
        elif made:
            made_day = date(int(made.group(1)), int(made.group(2)), int(made.group(3)))
            year = made_day.year - ((int(m1), int(d1)) > (made_day.month, made_day.day))
        else:
            return None
        start = date(year, int(m1), int(d1))
        end = date(int(y2) if y2 else year, int(m2), int(d2))
    except ValueError:
        return None
    if end < start and not y2:
        end = end.replace(year=end.year + 1)
    return (start, end) if end >= start else None


def day_key(value: object) -> tuple[int | None, int | None] | None:
    """(day of month, weekday) from a day-column header, or None if it is not one."""
    text = norm(value)
    m = DAY_RX.match(text)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1)), WEEKDAYS[m.group(2)] if m.group(2) else None
    m = WEEKDAY_RX.match(text)
    if m:
        return None, WEEKDAYS[m.group(1)]
    return None


def day_run(cells: list[object]) -> list[int]:
    """Columns of the longest contiguous run of day-column headers."""
    best: list[int] = []
    run: list[int] = []
    for j, value in enumerate(cells):
        if day_key(value) is not None:
            run.append(j)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    return best


def map_days(cells: list[object], columns: list[int], start: date, end: date
             ) -> tuple[dict[int, date], str | None]:
    """Column → date for the day columns; (partial map, reason) when the headers disagree
    with the calendar."""
    out: dict[int, date] = {}
    cursor = start
    for j in columns:
        key = day_key(cells[j])
        if key is None:
            continue
        day, weekday = key
        if day is not None:
            steps = 0
            while cursor.day != day and steps < 31:
                cursor += timedelta(days=1)
                steps += 1
            if cursor.day != day:
                return out, f"第 {j + 1} 列的日期“{day}”对不上统计期间"
        if cursor > end:
            if day is not None:
                break          # e.g. a 31st column in a 30-day month
            return out, "日期列比统计期间多"
        if weekday is not None and cursor.weekday() != weekday:
            return out, (f"日期列与日历不符：{cursor.isoformat()} 是星期"
                         f"{'一二三四五六日'[cursor.weekday()]}，表头写的是星期{'一二三四五六日'[weekday]}")
        out[j] = cursor
        cursor += timedelta(days=1)
    return out, None


def year_from_weekdays(month: int, first_day: int, weekday: int, latest: int) -> int | None:
    """The latest year ≤ `latest` (back to 2000) in which month/first_day is `weekday`."""
    for year in range(latest, 1999, -1):
        try:
            if date(year, month, first_day).weekday() == weekday:
                return year
        except ValueError:
            continue
    return None
