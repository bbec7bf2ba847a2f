"""The monthly counts of the service records per person and unit (`store.service_queries.
service_month`), so measures of any period cost a few thousand rows, not every record.

- At import, the new records' counts are added to their months (`add_records`, in the
  import's transaction): records are only ever added (a number seen before adds nothing).
- The counts depend on the working days (承诺时限, 15 days to rectify a 差评): the calendar
  table's days, the chinese-calendar package, the rectification limit and the counting's
  version (`COUNTING`) make a digest stored with the counts; when it differs (someone
  marked a 调休 day, or a newer program counts more), the counts are rebuilt from the
  records before they are read (`ensure`).

A cache, so it is written through the core tables (no audit row per count): what it says
can always be rebuilt from the audited imports.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

import chinese_calendar
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.service_measures import (
    BAD_LEVELS,
    RECTIFY_DAYS,
    Month,
    MonthTally,
    Workdays,
    instant_minutes,
    months_of,
    rectified_in_time,
    request_facts,
)
from kaohe_desktop.store.models import (
    SERVICE_COUNTS,
    CalendarDay,
    ServiceComplaint,
    ServiceRating,
    ServiceRequest,
)
from kaohe_desktop.store.service_queries import (
    MonthKey,
    clear_months,
    month_rows,
    replace_months,
    set_summary_digest,
    stored_months,
    summary_digest,
)

from .attendance_data import load_calendar
from .service_rows import stamp, stamp_day

BY = ("person", "unit")  # subjects: people (staff ids) or units (unit ids)
# 承诺时限 and 整改 deadlines run past the period's end: judge enough days after it
CALENDAR_TAIL = timedelta(days=120)
# what the counts hold: raised when a count is added or counted differently, so that counts
# kept by an older program are rebuilt once (2: 即办件 minutes, migration 0016)
COUNTING = 2


def workdays(s: Session, start: date, end: date) -> Workdays:
    cal = load_calendar(s, start - timedelta(days=7), end + CALENDAR_TAIL)
    return Workdays(cal.workdays)


def _key(by: str, staff_id: int | None, unit_id: int | None) -> int | None:
    return staff_id if by == "person" else unit_id


Tallies = dict[int, dict[Month, MonthTally]]
# the records as counted: moments as stored text (`service_rows.stamp`), so the counting
# slices them instead of asking a datetime for its day, year and month 200,000 times
RequestRow = tuple[int | None, int | None, str, str | None, bool, int | None]
RatingRow = tuple[int | None, int | None, str, int, str | None, str | None]
ComplaintRow = tuple[int | None, int | None, str, bool]


def _month_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    lo = datetime(start.year, start.month, 1)
    last = months_of(start, end)[-1]
    return lo, datetime(last[0] + (last[1] == 12), last[1] % 12 + 1, 1)


def _month(ym: str) -> Month:
    return int(ym[:4]), int(ym[5:7])


# Counting goes through Counters of small keys (subject, "YYYY-MM", and what the record
# adds): 100,000 records make a few thousand keys, each added to the tallies once, and
# each distinct (受理 day, 办结 day, 时限) is judged against the working days once.


def count_requests(rows: Iterable[RequestRow], wd: Workdays, lo: str | None = None,
                   hi: str | None = None) -> tuple[Counter, Counter, Counter]:
    """(accepted per (staff, unit, month), finished per (staff, unit, month, on time, days
    taken), minutes of finished 即办件 per (staff, unit, month)) of accepted 办件: in their
    受理 month and their 办结 month, only moments within [lo, hi) when given (stored text,
    as the rows). A finished 即办件 is the one finished with no days taken (None)."""
    accepted: Counter = Counter()
    finished: Counter = Counter()
    minutes: Counter = Counter()
    facts: dict[tuple[Any, ...], tuple[bool, int | None]] = {}
    bounded = lo is not None and hi is not None
    for staff_id, unit_id, acc, fin, instant, limit in rows:
        if staff_id is None and unit_id is None:
            continue
        if not bounded or lo <= acc < hi:  # type: ignore[operator]
            accepted[(staff_id, unit_id, acc[:7])] += 1
        if fin is not None and (not bounded or lo <= fin < hi):  # type: ignore[operator]
            key = (acc[:10], fin[:10], instant, limit)
            f = facts.get(key)
            if f is None:
                got = request_facts(date.fromisoformat(key[0]), date.fromisoformat(key[1]),
                                    instant, limit, wd)
                f = facts[key] = (got.on_time, got.days)
            finished[(staff_id, unit_id, fin[:7], *f)] += 1
            if instant:  # hours, not days: the only count that reads the time of day
                minutes[(staff_id, unit_id, fin[:7])] += instant_minutes(acc, fin)
    return accepted, finished, minutes


def count_ratings(rows: Iterable[RatingRow], wd: Workdays) -> Counter:
    """Ratings per (staff, unit, month, level, rectified in time, visited); the last two
    only for a 差评."""
    out: Counter = Counter()
    for staff_id, unit_id, at, level, done, visit in rows:
        if staff_id is None and unit_id is None:
            continue
        if level in BAD_LEVELS:
            in_time = rectified_in_time(stamp_day(at), stamp_day(done) if done else None, wd)
            out[(staff_id, unit_id, at[:7], level, in_time, visit is not None)] += 1
        else:
            out[(staff_id, unit_id, at[:7], level, False, False)] += 1
    return out


def count_complaints(rows: Iterable[ComplaintRow]) -> Counter:
    out: Counter = Counter()
    for staff_id, unit_id, at, valid in rows:
        if staff_id is not None or unit_id is not None:
            out[(staff_id, unit_id, at[:7], bool(valid))] += 1
    return out


def _spread_requests(out: Tallies, by: str, counts: tuple[Counter, Counter, Counter]) -> None:
    accepted, finished, minutes = counts
    for (staff_id, unit_id, ym), n in accepted.items():
        k = _key(by, staff_id, unit_id)
        if k is not None:
            out[k][_month(ym)].requests += n
    for (staff_id, unit_id, ym, on_time, days), n in finished.items():
        k = _key(by, staff_id, unit_id)
        if k is None:
            continue
        t = out[k][_month(ym)]
        t.finished += n
        t.on_time += n * on_time
        if days is not None:
            t.days_sum += n * days
            t.days_n += n
        else:  # a 即办件: its hours
            t.instant_n += n
    for (staff_id, unit_id, ym), m in minutes.items():
        k = _key(by, staff_id, unit_id)
        if k is not None:
            out[k][_month(ym)].instant_minutes += m


def _spread_ratings(out: Tallies, by: str, counts: Counter) -> None:
    for (staff_id, unit_id, ym, level, in_time, visited), n in counts.items():
        k = _key(by, staff_id, unit_id)
        if k is None:
            continue
        t = out[k][_month(ym)]
        t.ratings += n
        t.level_sum += n * level
        if level in BAD_LEVELS:
            t.bad += n
            t.bad_in_time += n * in_time
            t.visited += n * visited
        else:
            t.satisfied += n


def _spread_complaints(out: Tallies, by: str, counts: Counter) -> None:
    for (staff_id, unit_id, ym, valid), n in counts.items():
        k = _key(by, staff_id, unit_id)
        if k is None:
            continue
        t = out[k][_month(ym)]
        t.complaints += n
        t.valid += n * valid


def add_requests(out: Tallies, rows: Iterable[RequestRow], by: str, wd: Workdays,
                 lo: str | None = None, hi: str | None = None) -> None:
    """Count accepted 办件 into `out`: in their 受理 month, and finished (on time, working
    days) in their 办结 month — only moments within [lo, hi) when given."""
    _spread_requests(out, by, count_requests(rows, wd, lo, hi))


def add_ratings(out: Tallies, rows: Iterable[RatingRow], by: str, wd: Workdays) -> None:
    _spread_ratings(out, by, count_ratings(rows, wd))


def add_complaints(out: Tallies, rows: Iterable[ComplaintRow], by: str) -> None:
    _spread_complaints(out, by, count_complaints(rows))


def _stamped(rows: Iterable[Sequence[Any]], *moments: int) -> Iterator[tuple[Any, ...]]:
    """Rows read back from the database with their moments as stored text again."""
    for r in rows:
        r = list(r)
        for i in moments:
            if r[i] is not None:
                r[i] = stamp(r[i])
        yield tuple(r)


def new_tallies() -> Tallies:
    return defaultdict(lambda: defaultdict(MonthTally))


def tallies(s: Session, start: date, end: date, by: str) -> Tallies:
    """Subject id → month → counts, for the months from `start` to `end`, counted from the
    records (the monthly summary, `service_summary`, is built with this)."""
    if by not in BY:
        raise InputError(Problem("--by 只能是 person 或 unit", column="--by", value=by))
    lo, hi = _month_bounds(start, end)
    return count_between(s, lo, hi, by)


def count_between(s: Session, lo: datetime, hi: datetime, by: str) -> Tallies:
    """Subject id → month → counts of the records in [lo, hi) (any instants: whole months
    for the summary, single days for an ad-hoc period)."""
    out = new_tallies()
    R = ServiceRequest
    in_span = (R.accepted.is_(True),
               or_(R.accepted_at.between(lo, hi), R.finished_at.between(lo, hi)))
    # a 办件 finished in the span may have been accepted long before it: its 承诺时限 and
    # days taken are counted from its 受理 date, so the working days must reach back there
    first = s.scalar(select(func.min(R.accepted_at)).where(*in_span)) or lo
    wd = workdays(s, min(lo, first).date(), hi.date())
    add_requests(out, _stamped(s.execute(
        select(R.staff_id, R.unit_id, R.accepted_at, R.finished_at, R.instant, R.limit_days)
        .where(*in_span)), 2, 3), by, wd, stamp(lo), stamp(hi))
    G = ServiceRating
    add_ratings(out, _stamped(s.execute(
        select(G.staff_id, G.unit_id, G.rated_at, G.level, G.rect_done_at, G.visit_at)
        .where(G.rated_at >= lo, G.rated_at < hi)), 2, 4, 5), by, wd)
    C = ServiceComplaint
    add_complaints(out, _stamped(s.execute(select(C.staff_id, C.unit_id, C.at, C.valid)
                                           .where(C.at >= lo, C.at < hi)), 2), by)
    return out


def calendar_digest(s: Session) -> str:
    """What the counts were judged with: every day of the calendar table, the package's
    holidays, the 差评 rectification limit and the version of the counting itself."""
    h = hashlib.sha256(f"{chinese_calendar.__version__}|{RECTIFY_DAYS}|{COUNTING}".encode())
    for day, workday in s.execute(select(CalendarDay.day, CalendarDay.workday)
                                  .order_by(CalendarDay.day)):
        h.update(f"|{day.isoformat()}{int(bool(workday))}".encode())
    return h.hexdigest()


def _span(s: Session) -> tuple[date, date] | None:
    """The first and last day any record counts in."""
    ends = []
    for col in (ServiceRequest.accepted_at, ServiceRequest.finished_at, ServiceRating.rated_at,
                ServiceComplaint.at):
        lo, hi = s.execute(select(func.min(col), func.max(col))).one()
        if lo is not None:
            ends += [lo, hi]
    return (min(ends).date(), max(ends).date()) if ends else None


_COUNTS = attrgetter(*SERVICE_COUNTS)  # a tally's counts in the table's column order


def _flatten(kind: str, per: Tallies) -> dict[MonthKey, tuple[int, ...]]:
    return {(kind, sid, y, m): _COUNTS(t) for sid, months in per.items()
            for (y, m), t in months.items()}


def rebuild(s: Session, digest: str | None = None) -> None:
    """Count every record again (after a calendar change, or the first time)."""
    clear_months(s)
    span = _span(s)
    if span is not None:
        for kind in BY:
            replace_months(s, _flatten(kind, tallies(s, span[0], span[1], kind)))
    set_summary_digest(s, digest or calendar_digest(s))


def ensure(s: Session) -> None:
    """Rebuild the counts when the calendar they were judged with has changed."""
    digest = calendar_digest(s)
    if summary_digest(s) != digest:
        rebuild(s, digest)


def add_records(s: Session, kind: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]], sign: int = 1) -> None:
    """Add records just inserted (tuples of `columns`, as `store.service_queries.
    insert_rows` took them) to the monthly counts; with sign −1, take records' old state
    out again (a record a later export completed). Call `ensure` before inserting them: a
    rebuild after would count them twice."""
    count = counting(s, kind, columns, rows)
    if count is not None:
        store_counts(s, count(), sign)


def counting(s: Session, kind: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
             ) -> Callable[[], dict[MonthKey, tuple[int, ...]]] | None:
    """The counting of these records ready to run: the calendar it judges with is read
    now, from the session; what is returned touches no database, so an import runs it in
    another thread while SQLite writes the records (see `store_counts`). None when there
    is nothing to count."""
    if not rows:
        return None
    at = {c: i for i, c in enumerate(columns)}
    stamps = [at[c] for c in ("accepted_at", "finished_at", "rated_at", "at") if c in at]
    ends: list[str] = []
    for i in stamps:
        present = list(filter(None, map(itemgetter(i), rows)))  # the moments (None dropped)
        if present:
            ends += (min(present), max(present))
    if not ends:
        return None
    lo, hi = stamp_day(min(ends)), stamp_day(max(ends))
    wd = workdays(s, lo, hi + timedelta(days=1))
    return partial(_count, kind, at, rows, wd)


def _count(kind: str, at: dict[str, int], rows: Sequence[Sequence[Any]],
           wd: Workdays) -> dict[MonthKey, tuple[int, ...]]:
    per = {by: new_tallies() for by in BY}
    if kind == "requests":
        fields = itemgetter(*(at[c] for c in ("staff_id", "unit_id", "accepted_at",
                                              "finished_at", "instant", "limit_days")))
        ok = at["accepted"]
        counted = count_requests((fields(r) for r in rows if r[ok]), wd)
        for by in BY:
            _spread_requests(per[by], by, counted)
    elif kind == "ratings":
        fields = itemgetter(*(at[c] for c in ("staff_id", "unit_id", "rated_at", "level",
                                              "rect_done_at", "visit_at")))
        counts = count_ratings(map(fields, rows), wd)
        for by in BY:
            _spread_ratings(per[by], by, counts)
    else:
        fields = itemgetter(*(at[c] for c in ("staff_id", "unit_id", "at", "valid")))
        counts = count_complaints(map(fields, rows))
        for by in BY:
            _spread_complaints(per[by], by, counts)
    new: dict[MonthKey, tuple[int, ...]] = {}
    for by in BY:
        new.update(_flatten(by, per[by]))
    return new


def store_counts(s: Session, new: dict[MonthKey, tuple[int, ...]], sign: int = 1) -> None:
    """Add counts made by `counting` to (sign −1: take them from) the stored months."""
    stored = stored_months(s, list(new))
    replace_months(s, {k: tuple(sign * a + b for a, b in zip(v, stored.get(k, (0,) * len(v)),
                                                              strict=True))
                       for k, v in new.items()})


def monthly(s: Session, start: date, end: date, by: str) -> Tallies:
    """Subject id → month → counts for the months of [start, end], from the summary."""
    if by not in BY:
        raise InputError(Problem("--by 只能是 person 或 unit", column="--by", value=by))
    ensure(s)
    out = new_tallies()
    for sid, y, m, *counts in month_rows(s, by, (start.year, start.month), (end.year, end.month)):
        out[sid][(y, m)] = MonthTally(*counts)
    return out
