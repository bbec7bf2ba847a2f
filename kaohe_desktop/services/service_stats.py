"""Service measures per person or unit and period (issue 17 §2), the 整改 tracker of open
差评 and the yearly cost per unit.

`measures(db, period, by=…)` is what a rubric's derived item calls per subject: one row
per person (or unit) of the roster, keyed by staff/unit code. The records of the period's
months are read once and tallied per subject and month (`domain.service_measures`); a
quarter or year sums its months, so the trend over twelve months costs one pass too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.domain.service_measures import (
    BAD_LEVELS,
    LEVEL_NAMES,
    Measures,
    Month,
    MonthTally,
    months_of,
    per_person_cost,
    rectify_deadline,
    sum_months,
)
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    ServiceCost,
    ServiceRating,
    Staff,
    Unit,
)

from .service_summary import monthly, workdays

BY = ("person", "unit")


def period_range(text: str) -> tuple[date, date]:
    """2024-06, 2024-Q2 or 2024 → (first day, last day)."""
    try:
        p = parse_period(text.strip())
    except (ValueError, InputError):
        p = None
    if p is None or getattr(p, "start", None) is None:
        raise InputError(Problem("期间应写作 2024-06、2024-Q2 或 2024", column="--period", value=text))
    return p.start, p.end


def _subjects(s: Session, by: str) -> list[tuple[int, str, str]]:
    model = Staff if by == "person" else Unit
    return [(i, c, n) for i, c, n in s.execute(select(model.id, model.code, model.name)
                                               .order_by(model.code))]


def measures(db: Database, period: str, by: str = "person", *,
             mean_satisfaction: bool = False) -> list[Measures]:
    """One row per person (or unit) of the roster for the period (2024-06, 2024-Q2, 2024).
    `Measures.as_dict()` has exactly the keys of `kaohe service measures --json`."""
    start, end = period_range(period)
    with db.session() as s:
        per = monthly(s, start, end, by)
        months = months_of(start, end)
        return [Measures(code, name, sum_months(per.get(i, {}), months), mean_satisfaction)
                for i, code, name in _subjects(s, by)]


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    months: list[Month]
    rows: list[Measures]   # one per month


def trend(db: Database, start: date, end: date, by: str = "person") -> list[Trend]:
    """Each subject's measures month by month (the page's trend chart), in one pass."""
    with db.session() as s:
        per = monthly(s, start, end, by)
        months = months_of(start, end)
        return [Trend(code, name, months, [Measures(code, name, per.get(i, {}).get(m, MonthTally()))
                                           for m in months])
                for i, code, name in _subjects(s, by)]


# ----------------------------------------------------------------------------- 整改 tracker


@dataclass(frozen=True)
class OpenBadRating:
    no: str
    rated_at: datetime
    level: str
    person: str
    unit: str
    content: str
    deadline: date | None
    days_left: int | None   # working days left (negative: overdue)
    overdue: bool


def overdue(db: Database, today: date | None = None, near: int = 3) -> list[OpenBadRating]:
    """Open 差评 (no 整改完成时间) past their deadline or within `near` working days of it,
    most urgent first."""
    today = today or date.today()
    with db.session() as s:
        G = ServiceRating
        rows = s.execute(select(G.no, G.rated_at, G.level, G.content, Staff.name, Unit.name)
                         .outerjoin(Staff, Staff.id == G.staff_id)
                         .outerjoin(Unit, Unit.id == G.unit_id)
                         .where(G.level.in_(tuple(BAD_LEVELS)), G.rect_done_at.is_(None))).all()
        if not rows:
            return []
        first = min(r[1].date() for r in rows)
        wd = workdays(s, first, max(today, first))
    out = []
    for no, at, level, content, person, unit in rows:
        deadline = rectify_deadline(at.date(), wd)
        if deadline is None:
            left = None
        elif deadline >= today:
            left = wd.between(today, deadline)
        else:
            left = -wd.between(deadline, today)
        is_over = deadline is not None and today > deadline
        if is_over or left is None or left <= near:
            out.append(OpenBadRating(no, at, LEVEL_NAMES.get(level, str(level)), person or "",
                                     unit or "", content, deadline, left, is_over))
    out.sort(key=lambda r: (r.deadline or date.max, r.no))
    return out


def open_bad_ratings(db: Database, today: date | None = None) -> list[OpenBadRating]:
    """Every open 差评 with its deadline (the page's tracker list)."""
    return overdue(db, today, near=10_000)


# ----------------------------------------------------------------------------- cost


def set_cost(db: Database, unit: str, year: int | str, amount: str) -> Decimal:
    """A unit's yearly cost (元) for 人均成本; replaces the year's figure."""
    from .roster import find_unit

    problems = []
    try:
        y = int(str(year))
        if not 2000 <= y <= 2100:
            raise ValueError
    except ValueError:
        problems.append(Problem("年份应为四位数字，如 2024", column="YEAR", value=year))
        y = 0
    try:
        value = Decimal(str(amount).replace(",", "").strip())
        if not value.is_finite() or value < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem("金额应为不小于 0 的数字（元）", column="AMOUNT", value=amount))
        value = Decimal(0)
    with db.session() as s:
        u = find_unit(s, unit.strip())
        if u is None:
            problems.append(Problem("没有这个单位（按编号或名称查找）", column="UNIT", value=unit))
        if problems:
            raise InputError(problems)
        row = s.scalar(select(ServiceCost).where(ServiceCost.unit_id == u.id, ServiceCost.year == y))
        if row is None:
            s.add(ServiceCost(unit_id=u.id, year=y, amount=value))
        else:
            row.amount = value
    return value


def cost_per_person(db: Database, year: int) -> dict[str, Decimal | None]:
    """Unit code → 人均成本 of the year (cost ÷ the unit's active staff)."""
    with db.session() as s:
        costs = dict(s.execute(select(ServiceCost.unit_id, ServiceCost.amount)
                               .where(ServiceCost.year == year)).all())
        heads = dict(s.execute(select(Staff.unit_id, func.count()).where(Staff.active.is_(True))
                               .group_by(Staff.unit_id)).all())
        return {code: per_person_cost(costs.get(uid), heads.get(uid, 0))
                for uid, code in s.execute(select(Unit.id, Unit.code).order_by(Unit.code))}
