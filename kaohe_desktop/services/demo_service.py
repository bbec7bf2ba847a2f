"""The demo's service records (issue 17): half a year of 办件, 好差评 and complaints for
the demo stations' staff, written through the same commit as an imported file (audit,
monthly counts, metric items following), so the page 服务记录 shows measures, a trend, the
整改 tracker and 较上期 from the first start, and the demo's HALL-PERF quarter has its
满意率, 投诉 and 办理时长 items computed from records rather than typed.

Deterministic for a seed. Each person has a habit (how quick, how well rated), so the
measures differ and the improvement plans in the feedback letters have something to say.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.service_measures import Workdays, accepted_status
from kaohe_desktop.domain.workcalendar import work_calendar
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    ServiceComplaint,
    ServiceCost,
    ServiceImport,
    ServiceRating,
    ServiceRequest,
    Staff,
    Unit,
)

from . import service_summary
from .service_records import ServicePreview, commit_import
from .service_rows import stamp
from .service_stats import set_cost

DEMO_FILE = "演示数据（{}）"  # the import log's file name: how remove_demo finds them
FIRST, LAST = date(2024, 7, 1), date(2024, 12, 31)
# (事项, 承诺时限 in working days; 0 = 即办件), weighted by how often a station sees them
MATTERS = [("社会保障卡信息变更", 0, 14), ("城乡居民养老保险参保登记", 0, 12),
           ("城乡居民医保参保登记", 0, 12), ("居住证明开具", 0, 9), ("老年人优待证办理", 0, 6),
           ("就业失业登记", 0, 5), ("高龄津贴申请", 5, 8), ("残疾人两项补贴申请", 7, 5),
           ("临时救助申请", 5, 4), ("生育登记服务", 3, 6), ("居住证办理", 7, 6),
           ("城乡最低生活保障申请", 10, 3)]
# how many 办件 a post takes on a working day (站长, two 窗口受理员, 代办员, 网格员)
PER_DAY = [0.8, 3.0, 3.0, 1.6, 0.4]
CHANNELS = [("窗口评价器", 60), ("二维码", 25), ("网上", 10), ("12345热线", 5)]
BAD_REASONS = ["等候时间较长", "材料要求没有一次告知清楚", "工作人员解释不耐心", "办理进度没有主动告知",
               "系统故障未能当场办理"]
COMPLAINTS = ["窗口人员态度生硬", "多次往返未能办结", "未按承诺时间办结", "中午时段无人值守"]


def _day_time(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 510))


def _people(s: Session, unit_ids: list[int]) -> list[tuple[int, int, int]]:
    """(staff id, unit id, post index) of the demo staff, in code order."""
    rows = s.execute(select(Staff.id, Staff.unit_id, Staff.code).where(
        Staff.unit_id.in_(unit_ids)).order_by(Staff.code)).all()
    return [(sid, uid, int(code.rsplit("-", 1)[1]) - 1) for sid, uid, code in rows]


def _records(people: list[tuple[int, int, int]], rng: random.Random
             ) -> tuple[list[tuple], list[tuple], list[tuple]]:
    requests: list[tuple] = []
    ratings: list[tuple] = []
    complaints: list[tuple] = []
    # the working days judged once (deadlines reach a few weeks past the last day)
    calendar = Workdays(work_calendar(FIRST, LAST + timedelta(days=60)).workdays)
    workdays = [d for d in calendar.days if d <= LAST]

    def nth_after(day: date, n: int) -> date:
        return calendar.nth_after(day, n) or LAST + timedelta(days=60)
    matters, weights = [m[:2] for m in MATTERS], [m[2] for m in MATTERS]
    levels_good = (5, 4, 3)
    for sid, uid, post in people:
        late = rng.uniform(0.0, 0.14)        # how often a 承诺件 runs past its 时限
        bad = rng.uniform(0.002, 0.035)      # how often a rating is a 差评
        slow = rng.uniform(0.4, 1.2)         # how much of the 时限 a 承诺件 takes
        for day in workdays:
            for _ in range(int(PER_DAY[post] + rng.random())):
                n = len(requests) + 1
                matter, limit = rng.choices(matters, weights)[0]
                acc = _day_time(day, rng)
                if rng.random() < 0.012:
                    status, fin = rng.choice(("不予受理", "退件")), None
                elif limit == 0:
                    status, fin = "已办结", acc + timedelta(minutes=rng.randint(8, 50))
                else:
                    used = (limit + rng.randint(1, 4) if rng.random() < late
                            else max(1, round(limit * slow * rng.uniform(0.5, 1.0))))
                    fin = _day_time(nth_after(day, used), rng)
                    status = "已办结" if fin.date() <= LAST else "办理中"
                    fin = fin if fin.date() <= LAST else None
                no = f"YS{n:06d}"
                requests.append((no, matter, limit == 0, limit, uid, sid, stamp(acc),
                                 stamp(fin) if fin else None, status, accepted_status(status)))
                if fin is None or rng.random() > 0.68:
                    continue
                at = fin + timedelta(minutes=rng.randint(1, 90))
                channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
                if rng.random() < bad:
                    level = rng.choice((1, 2, 2))
                    content = rng.choice(BAD_REASONS)
                    took = rng.choice((2, 5, 8, 12, 14, 15, 17, 22, None))
                    due = nth_after(at.date(), took) if took else None
                    done = _day_time(due, rng) if due is not None and due <= LAST else None
                    visit = (done + timedelta(days=rng.randint(1, 3))
                             if done and rng.random() < 0.8 else None)
                    note = "已向办事群众说明情况并改进" if done else ""
                    ratings.append((f"PJ{n:06d}", no, channel, level, content, stamp(at), uid, sid,
                                    note, stamp(done) if done else None,
                                    stamp(visit) if visit else None, "满意" if visit else ""))
                else:
                    level = rng.choices(levels_good, (78, 20, 2))[0]
                    ratings.append((f"PJ{n:06d}", no, channel, level, "", stamp(at), uid, sid, "",
                                    None, None, ""))
        if rng.random() < 0.35:  # a complaint now and then, half of them found true
            day = rng.choice(workdays)
            at = _day_time(day, rng)
            valid = rng.random() < 0.5
            closed = _day_time(nth_after(day, rng.randint(2, 10)), rng)
            complaints.append((f"TS{len(complaints) + 1:04d}", stamp(at), "12345热线",
                               rng.choice(COMPLAINTS), "属实" if valid else "不属实", valid,
                               stamp(closed), uid, sid))
    return requests, ratings, complaints


def load_demo_service(db: Database, unit_ids: list[int], rng: random.Random) -> int:
    """Write the demo's service records and each demo station's 2024 cost; returns how
    many records were added."""
    with db.session() as s:
        people = _people(s, unit_ids)
        codes = dict(s.execute(select(Unit.id, Unit.code).where(Unit.id.in_(unit_ids))).all())
    added = 0
    for kind, name, records in zip(("requests", "ratings", "complaints"), ("办件", "好差评", "投诉"),
                                   _records(people, rng), strict=True):
        sha = hashlib.sha256(f"demo {kind} {len(records)}".encode()).hexdigest()
        preview = ServicePreview(DEMO_FILE.format(name), kind, "", "演示数据", {}, sha,
                                 len(records), records=records)
        added += commit_import(db, preview).added
    for uid in unit_ids:
        set_cost(db, codes[uid], 2024, str(rng.randrange(180, 320) * 1000))
    return added


def remove_demo_service(s: Session, unit_ids: list[int], staff_ids: list[int]) -> None:
    """In the demo's removal (its transaction): the records of the demo's stations and
    staff, their import logs when nothing else came with them, the stations' costs, and
    the monthly counts rebuilt from what stays."""
    for model in (ServiceRequest, ServiceRating, ServiceComplaint):
        s.execute(delete(model).where(or_(model.unit_id.in_(unit_ids),
                                          model.staff_id.in_(staff_ids))))
    for log in s.scalars(select(ServiceImport).where(ServiceImport.file_name.like("演示数据（%"))):
        model = {"requests": ServiceRequest, "ratings": ServiceRating,
                 "complaints": ServiceComplaint}[log.kind]
        if s.scalar(select(model.id).where(model.import_id == log.id).limit(1)) is None:
            s.delete(log)
    s.execute(delete(ServiceCost).where(ServiceCost.unit_id.in_(unit_ids)))
    service_summary.rebuild(s)
