"""Service measures over any span of days, counted from the records themselves.

The monthly summary (`service_summary.monthly`) answers whole months fast; an assessment
whose period starts or ends inside a month (an ad-hoc 2024-06-16 … 2024-07-15 review)
would be judged on days outside it if it were rounded to whole months. Such a span is
counted here from the records with the summary's own rules
(`service_summary.count_between`), so a metric item sees exactly the 办件, 评价 and 投诉
of its period.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kaohe_desktop.domain.service_measures import MonthTally

from .service_summary import count_between


def whole_months(start: date, end: date) -> bool:
    """True when [start, end] begins on a month's first day and ends on a month's last."""
    return start.day == 1 and end.day == monthrange(end.year, end.month)[1]


def span_totals(s: Session, start: date, end: date, by: str) -> dict[int, MonthTally]:
    """Subject id (staff for "person", unit for "unit") → counts of [start, end], by day."""
    lo = datetime.combine(start, datetime.min.time())
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time())
    out: dict[int, MonthTally] = {}
    for sid, months in count_between(s, lo, hi, by).items():
        total = MonthTally()
        for t in months.values():
            total.add(t)
        out[sid] = total
    return out
