"""Assessment periods: a year, a quarter, a month, or an ad-hoc range of dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    ADHOC = "adhoc"


PERIOD_KIND_NAMES = {PeriodKind.YEAR: "年度", PeriodKind.QUARTER: "季度",
                     PeriodKind.MONTH: "月度", PeriodKind.ADHOC: "专项"}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}年度"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()}至{self.end.isoformat()}"

    @property
    def key(self) -> str:
        """The short form a user types: 2024, 2024-Q1, 2024-03 or 2024-01-05..2024-02-01."""
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def parse_period(text: str) -> Period:
    """`2024`, `2024-Q1`, `2024-03` (also 2024年, 2024年3月); ValueError otherwise."""
    t = text.strip().upper().replace("年", "-").replace("月", "").rstrip("-")
    if m := re.fullmatch(r"(\d{4})", t):
        y = int(m[1])
        return Period(PeriodKind.YEAR, date(y, 1, 1), date(y, 12, 31))
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
        y, q = int(m[1]), int(m[2])
        first = 3 * q - 2
        return Period(PeriodKind.QUARTER, date(y, first, 1),
                      date(y, first + 2, calendar.monthrange(y, first + 2)[1]))
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", t)) and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return Period(PeriodKind.MONTH, date(y, mo, 1),
                      date(y, mo, calendar.monthrange(y, mo)[1]))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", t):
        return adhoc_period(m[1], m[2])
    raise ValueError(f"无法识别的考核周期“{text}”：应为 2024、2024-Q1、2024-03 之一，"
                     "或用 --from/--to 给出起止日期")


def adhoc_period(start: str | date, end: str | date) -> Period:
    try:
        s = start if isinstance(start, date) else date.fromisoformat(str(start).strip())
        e = end if isinstance(end, date) else date.fromisoformat(str(end).strip())
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{start} / {end}") from None
    if e < s:
        raise ValueError(f"结束日期 {e} 早于开始日期 {s}")
    return Period(PeriodKind.ADHOC, s, e)
