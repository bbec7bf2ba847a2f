"""A realistic demo: one 街道, 12 community stations, ~60 staff, a year-end CY2019
assessment scored by two cross-assessment groups with a few events, and three months
of VILLAGE-ATT staff assessments whose 工作时间 item comes from the clock punches of those
months (the demo has punches; typed values never stand in for a derived item), and half a
year of service records (办件, 好差评, 投诉: `demo_service`) feeding a HALL-PERF quarter of
the window staff. Deterministic: the same seed gives the same data.

The demo marks the database (setting `demo`), so 文件 → 清除演示数据 is offered only where
the demo is; a database filled before the mark existed is recognised by its twelve
stations (codes and names exactly the demo's). `remove_demo` backs the file up, then
removes the demo's stations, their staff with their punches and service records, and
every assessment whose
subjects are all the demo's — refusing, with names, while an assessment of the user's
own also assesses a demo station or person."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.domain.workcalendar import is_workday
from kaohe_desktop.services.server_backup import backup_database
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    Assessor,
    DocumentNumber,
    ImportLog,
    Punch,
    Score,
    Setting,
    Staff,
    Subject,
    Unit,
)

from .assessment_lookup import load_assessment, subjects_by_code
from .assessments import GroupSpec, create_assessment
from .demo_service import load_demo_service, remove_demo_service
from .roster import add_staff, add_unit
from .rubrics import ensure_builtin_rubrics, get_rubric
from .scores import add_event, ensure_assessor

STREET = "芙蓉街道"
COMMUNITIES = ["东风", "向阳", "红旗", "新华", "光明", "长青", "和平", "幸福", "金桥", "南湖",
               "青松", "朝阳"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志强海燕晓东"
POSTS = ["站长", "窗口受理员", "窗口受理员", "代办员", "网格员"]
DEMO_IMPORT = "演示数据（考勤机打卡）"
DEMO_MARK = "demo"  # setting key: present while the database holds the demo
DEMO_OFFICE = {"issuer": f"{STREET}便民服务中心", "prefix": "芙街便",
               "contact": "王伟 0731-85551234", "address": f"{STREET}芙蓉南路1号便民服务中心"}
DEMO_UNITS = {f"FR{n:02d}": f"{c}社区便民服务站" for n, c in enumerate(COMMUNITIES, start=1)}


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _leaf_value(rng: random.Random, item: Item, quality: float) -> Decimal:
    if item.kind == ItemKind.YESNO:
        return item.max if rng.random() < quality else Decimal(0)
    if item.kind == ItemKind.LEVEL:
        index = min(len(item.levels) - 1, int((1 - quality) * len(item.levels) + rng.random()))
        return item.levels[index].points
    share = max(0.0, min(1.0, rng.gauss(quality, 0.08)))
    steps = int(item.max / item.step)
    return item.step * round(share * steps)


def _fill(db: Database, assessment_id: int, rubric: Rubric, assessor: str,
          quality: dict[str, float], rng: random.Random, codes: list[str]) -> None:
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        who: Assessor = ensure_assessor(s, a, assessor)
        subjects = subjects_by_code(s, assessment_id)
        rows = [
            {"assessment_id": assessment_id, "subject_id": subjects[c].id, "assessor_id": who.id,
             "item_code": item.code, "value": _leaf_value(rng, item, quality[c]), "remark": ""}
            for c in codes for item in rubric.leaves() if item.kind != ItemKind.DERIVED
        ]
        s.execute(insert(Score), rows)


def _punch(db: Database, first: date, last: date, rng: random.Random) -> None:
    """Clock punches for every staff member on the workdays of [first, last]: mostly on
    time, now and then late, early or a forgotten punch, rarely a day away. Written
    before the monthly assessments are made, which take their 工作时间 from them."""
    rows = []
    with db.session() as s:
        staff_ids = list(s.scalars(select(Staff.id).order_by(Staff.id)))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    workdays = [d for d in days if is_workday(d)]
    for staff_id in staff_ids:
        habit = rng.uniform(0.0, 0.12)  # how often this person slips
        for day in workdays:
            if rng.random() < habit / 6:
                continue  # a day away
            start = datetime.combine(day, time(8, 40)) + timedelta(minutes=rng.randint(0, 18))
            if rng.random() < habit:
                start += timedelta(minutes=rng.randint(10, 40))  # late
            end = datetime.combine(day, time(17, 31)) + timedelta(minutes=rng.randint(0, 40))
            if rng.random() < habit / 2:
                end -= timedelta(minutes=rng.randint(20, 60))  # early
            rows.append({"staff_id": staff_id, "at": start})
            if rng.random() > habit / 3:  # a forgotten check-out now and then
                rows.append({"staff_id": staff_id, "at": end})
    with db.session() as s:
        # logged as an import, so the 考勤 page offers these months like an imported file's
        log = ImportLog(file_name=DEMO_IMPORT, sha256="0" * 64, format="demo", rows=len(rows),
                        added=len(rows), period_start=first, period_end=last)
        s.add(log)
        s.flush()
        s.execute(insert(Punch), [{**row, "import_id": log.id} for row in rows])


def load_demo(db: Database, seed: int = 2024) -> dict[str, int]:
    """Fill an empty database with the demo; returns the ids of what it created."""
    ensure_builtin_rubrics(db)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Unit)):
            raise InputError("数据库里已有单位数据；演示数据只能装入空数据库（可用 --db 指定新文件）")
    rng = random.Random(seed)
    used: set[str] = set()
    unit_codes = []
    for n, community in enumerate(COMMUNITIES, start=1):
        code = f"FR{n:02d}"
        add_unit(db, f"{community}社区便民服务站", code=code, area=STREET,
                 phone=f"0731-8{rng.randint(1000000, 9999999)}",
                 address=f"{STREET}{community}社区服务中心一楼")
        unit_codes.append(code)
        for k in range(5):
            add_staff(db, _name(rng, used), code, code=f"{code}-{k + 1:02d}", post=POSTS[k],
                      attendance_no=f"{n:02d}{k + 1:02d}",
                      phone=f"13{rng.randint(100000000, 999999999)}")

    cy = get_rubric(db, "CY2019")
    north, south = unit_codes[:6], unit_codes[6:]
    # 交叉考核: each group scores the other half of the street's stations.
    year = create_assessment(
        db, "CY2019", parse_period("2024"), subjects="units",
        groups=[GroupSpec("第一组", "上级", tuple(south)), GroupSpec("第二组", "上级", tuple(north))],
        name="2024年度社区便民服务站管理考核")
    quality = {c: rng.uniform(0.62, 0.97) for c in unit_codes}
    for group, codes in (("第一组", south), ("第二组", north)):
        for assessor in (_name(rng, used) for _ in range(3)):
            with db.session() as s:
                        ensure_assessor(s, load_assessment(s, year.id), assessor, group=group)
            _fill(db, year.id, cy, assessor, quality, rng, codes)
    add_event(db, year.id, "FR02", "B2", 3, matter="省级媒体报道便民服务经验",
              note="《湖南日报》2024年6月报道", occurred_on=date(2024, 6, 18))
    add_event(db, year.id, "FR02", "B1", 5, matter="省级媒体报道便民服务经验",
              note="同一事项另行申报，按最高标准计分", occurred_on=date(2024, 6, 20))
    add_event(db, year.id, "FR05", "B3", 6, matter="区政务服务下沉试点",
              occurred_on=date(2024, 9, 1))
    add_event(db, year.id, "FR09", "D2", 3, matter="窗口人员被投诉（2024-05）",
              note="经查实，已整改", occurred_on=date(2024, 5, 12))
    add_event(db, year.id, "FR11", "D1", 1, matter="未按时上报材料", occurred_on=date(2024, 3, 8))

    _punch(db, date(2024, 10, 1), date(2024, 12, 31), rng)
    att = get_rubric(db, "VILLAGE-ATT")
    monthly = []
    for month in ("2024-10", "2024-11", "2024-12"):
        info = create_assessment(db, "VILLAGE-ATT", parse_period(month), subjects="staff",
                                 groups=[GroupSpec("站长评分", "上级")],
                                 name=f"{parse_period(month).label}工作人员考核")
        staff_codes = [x.code for x in info.subjects]
        staff_quality = {c: rng.uniform(0.6, 0.98) for c in staff_codes}
        _fill(db, info.id, att, "街道便民服务中心", staff_quality, rng, staff_codes)
        monthly.append(info.id)
    # half a year of service records, and a HALL-PERF quarter for the window staff whose
    # 满意率, 投诉 and 办理时长 items are computed from them
    with db.session() as s:
        demo_units = _demo_unit_ids(s)
    load_demo_service(db, demo_units, rng)
    hall = get_rubric(db, "HALL-PERF")
    window_staff = [f"{u}-{k:02d}" for u in unit_codes for k in (2, 3, 4)]
    quarter = create_assessment(db, "HALL-PERF", parse_period("2024-Q4"), subjects=window_staff,
                                groups=[GroupSpec("中心考核组", "上级")],
                                name="2024年第四季度窗口工作人员绩效考核")
    _fill(db, quarter.id, hall, "街道便民服务中心", {c: rng.uniform(0.65, 0.97) for c in window_staff},
          rng, window_staff)
    from .office_settings import save_office_settings  # the demo office's own letterhead

    save_office_settings(db, DEMO_OFFICE)
    with db.session() as s:
        s.merge(Setting(key=DEMO_MARK, value=f"{STREET} seed={seed}"))
    return {"year": year.id, "monthly": monthly[0], "quarter": quarter.id}


# ---------------------------------------------------------------- removing it again
@dataclass(frozen=True)
class DemoRemoval:
    units: int
    staff: int
    assessments: int
    backup: Path | None  # the copy taken first (None for a database that is not a file)

    def summary(self) -> str:
        return (f"已清除演示数据：{self.units} 个站点、{self.staff} 名工作人员、"
                f"{self.assessments} 次考核")


def _demo_unit_ids(s: Session) -> list[int]:
    """The demo's stations: those it created, recognised by code and name."""
    return [u.id for u in s.scalars(select(Unit).where(Unit.code.in_(DEMO_UNITS)))
            if DEMO_UNITS[u.code] == u.name]


def has_demo(db: Database) -> bool:
    """Whether the database holds the demo (its mark, or all twelve demo stations)."""
    with db.session() as s:
        if s.get(Setting, DEMO_MARK) is not None:
            return True
        return len(_demo_unit_ids(s)) == len(DEMO_UNITS)


def remove_demo(db: Database) -> DemoRemoval:
    """Back up, then remove the demo; the user's own stations, staff and assessments stay.

    Refused (InputError naming them) while an assessment also assesses anyone else:
    removing the demo must not take the user's own subjects or scores with it.
    """
    if not has_demo(db):
        raise InputError("这个数据库里没有演示数据")
    with db.session() as s:
        units = _demo_unit_ids(s)
        staff = list(s.scalars(select(Staff.id).where(Staff.unit_id.in_(units))))
        ours = (Subject.unit_id.in_(units)) | (Subject.staff_id.in_(staff))
        touched = set(s.scalars(select(Subject.assessment_id).where(ours)))
        mixed = set(s.scalars(select(Subject.assessment_id).where(
            Subject.assessment_id.in_(touched), ~ours)))
        if mixed:
            names = s.scalars(select(Assessment.name).where(Assessment.id.in_(mixed)))
            raise InputError([Problem(f"考核“{n}”既考核演示站点（人员）又考核其他站点（人员），"
                                      "请先在“考核评分”中删除它，或另建空数据库")
                              for n in names])
    backup = backup_database(db, "demo-removal")
    with db.session() as s:
        # ON DELETE CASCADE takes subjects, scores, events; staff take punches and leave
        s.execute(delete(Assessment).where(Assessment.id.in_(touched)))
        remove_demo_service(s, units, staff)  # before the staff and stations they name
        s.execute(delete(Staff).where(Staff.id.in_(staff)))
        s.execute(delete(Unit).where(Unit.id.in_(units)))
        street = s.scalar(select(Area).where(Area.name == STREET))
        if street is not None and not s.scalar(select(func.count(Unit.id)).where(
                Unit.area_id == street.id)):
            s.delete(street)
        for key, value in DEMO_OFFICE.items():  # the demo's letterhead, unless changed
            row = s.get(Setting, key)
            if row is not None and row.value == value:
                s.delete(row)
        s.execute(delete(DocumentNumber).where(DocumentNumber.prefix == DEMO_OFFICE["prefix"]))
        s.execute(delete(Setting).where(Setting.key == DEMO_MARK))
        s.execute(delete(ImportLog).where(ImportLog.format == "demo"))
    return DemoRemoval(len(units), len(staff), len(touched), backup)
