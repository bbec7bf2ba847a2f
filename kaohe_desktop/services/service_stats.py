"""Service measures per person or unit and period (issue 17 §2), the 整改 tracker of open
差评 and the yearly cost per unit.

`measures(db, period, by=…)` is what a rubric's derived item calls per subject: one row
per person (or unit) of the roster, keyed by staff/unit code. The records of the period's
months are read once and tallied per subject and month (`domain.service_measures`); a
quarter or year sums its months, so the trend over twelve months costs one pass too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    ServiceComplaint,
    ServiceCost,
    ServiceRating,
    ServiceRequest,
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


def previous_period(text: str) -> str:
    """The period of the same length just before: 2024-06 → 2024-05, 2024-Q1 → 2023-Q4,
    2024 → 2023."""
    start, end = period_range(text)
    n = (end.year - start.year) * 12 + end.month - start.month + 1
    y, m = divmod(start.year * 12 + start.month - 1 - n, 12)
    if n == 12:
        return str(y)
    if n == 3:
        return f"{y}-Q{m // 3 + 1}"
    return f"{y}-{m + 1:02d}"


def next_period(text: str) -> str:
    """The period of the same length just after (the chooser's ▶)."""
    start, end = period_range(text)
    n = (end.year - start.year) * 12 + end.month - start.month + 1
    y, m = divmod(start.year * 12 + start.month - 1 + n, 12)
    if n == 12:
        return str(y)
    if n == 3:
        return f"{y}-Q{m // 3 + 1}"
    return f"{y}-{m + 1:02d}"


@dataclass(frozen=True)
class Compared:
    """A subject's measures in a period and in the period before (the 较上期 columns)."""

    now: Measures
    before: Measures


def compare(db: Database, period: str, by: str = "person", *,
            mean_satisfaction: bool = False) -> tuple[str, list[Compared]]:
    """(the previous period's text, each subject's measures now and then)."""
    before_text = previous_period(period)
    now = measures(db, period, by, mean_satisfaction=mean_satisfaction)
    before = {m.code: m for m in measures(db, before_text, by, mean_satisfaction=mean_satisfaction)}
    return before_text, [Compared(m, before.get(m.code, Measures(m.code, m.name))) for m in now]


def record_span(db: Database) -> tuple[date, date] | None:
    """The first and last day any service record (办件, 评价, 投诉) falls on; None when
    nothing has been imported (the page's empty state and its list of periods)."""
    with db.session() as s:
        spans = [s.execute(select(func.min(col), func.max(col))).one()
                 for col in (ServiceRequest.accepted_at, ServiceRating.rated_at, ServiceComplaint.at)]
    firsts = [a for a, _ in spans if a is not None]
    lasts = [b for _, b in spans if b is not None]
    if not firsts:
        return None
    return min(firsts).date(), max(lasts).date()


def recent_periods(span: tuple[date, date] | None, months: int = 12) -> list[str]:
    """Periods to offer in the page's chooser, newest first: the years, the quarters and
    the last `months` months that have records."""
    if span is None:
        return []
    all_months = months_of(*span)
    years = sorted({y for y, _ in all_months}, reverse=True)
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in all_months}, reverse=True)
    shown_months = [f"{y}-{m:02d}" for y, m in reversed(all_months[-months:])]
    return shown_months + [f"{y}-Q{q}" for y, q in quarters] + [str(y) for y in years]


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    months: list[Month]
    rows: list[Measures]   # one per month
    # per month, the kinds of record anyone has ("requests", "ratings", "complaints"): a
    # month before the first export or one whose file was never imported has no data, which
    # is not the same as nobody having 办件 that month
    recorded: list[frozenset[str]] = field(default_factory=list)


def trend(db: Database, start: date, end: date, by: str = "person", *,
          mean_satisfaction: bool = False) -> list[Trend]:
    """Each subject's measures month by month (the page's trend chart), in one pass."""
    with db.session() as s:
        per = monthly(s, start, end, by)
        months = months_of(start, end)
        kinds: dict[Month, set[str]] = {m: set() for m in months}
        for subject in per.values():
            for m, t in subject.items():
                if m in kinds:
                    kinds[m].update(k for k, n in (("requests", t.requests + t.finished),
                                                   ("ratings", t.ratings),
                                                   ("complaints", t.complaints)) if n)
        recorded = [frozenset(kinds[m]) for m in months]
        return [Trend(code, name, months, [Measures(code, name, per.get(i, {}).get(m, MonthTally()),
                                                    mean_satisfaction)
                                           for m in months], recorded)
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


@dataclass(frozen=True)
class UnitCost:
    code: str
    name: str
    amount: Decimal | None      # the year's cost (元), None when not entered
    staff: int                  # active staff of the unit
    per_person: Decimal | None


def unit_costs(db: Database, year: int) -> list[UnitCost]:
    """Every unit with its yearly cost, head count and 人均成本 (the page's cost table)."""
    with db.session() as s:
        costs = dict(s.execute(select(ServiceCost.unit_id, ServiceCost.amount)
                               .where(ServiceCost.year == year)).all())
        heads = dict(s.execute(select(Staff.unit_id, func.count()).where(Staff.active.is_(True))
                               .group_by(Staff.unit_id)).all())
        return [UnitCost(code, name, costs.get(uid), heads.get(uid, 0),
                         per_person_cost(costs.get(uid), heads.get(uid, 0)))
                for uid, code, name in s.execute(select(Unit.id, Unit.code, Unit.name)
                                                 .order_by(Unit.code))]
