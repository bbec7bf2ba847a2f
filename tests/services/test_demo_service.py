"""The demo's service records: half a year of 办件, 好差评 and complaints written through the
import's own commit, a HALL-PERF quarter whose metric items are computed from them, and
all of it gone again when the demo is removed (the user's own records stay)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kaohe_desktop.services import metric_items, service_records, service_stats
from kaohe_desktop.services.demo import load_demo, remove_demo
from kaohe_desktop.services.roster import add_staff, add_unit
from kaohe_desktop.services.service_records import ServicePreview
from kaohe_desktop.services.service_rows import stamp
from kaohe_desktop.store.models import (
    ServiceComplaint,
    ServiceCost,
    ServiceImport,
    ServiceRating,
    ServiceRequest,
    Staff,
)


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_demo_has_service_records_feeding_its_quarter(db):
    ids = load_demo(db)
    assert _count(db, ServiceRequest) > 5000 and _count(db, ServiceRating) > 3000
    assert _count(db, ServiceComplaint) > 0
    with db.session() as s:
        logs = sorted(s.scalars(select(ServiceImport.file_name)))
    assert logs == ["演示数据（办件）", "演示数据（好差评）", "演示数据（投诉）"]
    # the measures are the records': checked against counting them here
    q4 = {m.code: m for m in service_stats.measures(db, "2024-Q4", "unit")}
    with db.session() as s:
        per_unit = dict(s.execute(
            select(ServiceRequest.unit_id, func.count()).where(
                ServiceRequest.accepted.is_(True),
                ServiceRequest.accepted_at >= datetime(2024, 10, 1),
                ServiceRequest.accepted_at < datetime(2025, 1, 1)).group_by(ServiceRequest.unit_id)).all())
    assert sum(m.tally.requests for m in q4.values()) == sum(per_unit.values())
    assert all(m.tally.requests > 0 and m.satisfied_rate is not None for m in q4.values())
    assert {u.code: u.amount for u in service_stats.unit_costs(db, 2024)}["FR01"] > 0
    # the quarter's 1.1 满意率, 1.2 投诉 and 2.1 办理时长 come from the records, with workings
    by_code, derived = metric_items.subject_metrics(db, ids["quarter"])
    assert len(by_code) == 36
    for code, values in derived.items():
        got = {v.item_code: v for v in values}
        assert set(got) == {"1.1", "1.2", "2.1"}, code
        assert "满意率" in got["1.1"].remark and got["1.1"].points is not None


def test_removing_the_demo_takes_its_records_and_keeps_the_users(db):
    load_demo(db)
    add_unit(db, "西岭村便民服务室", code="XL01")
    add_staff(db, "林志强", "XL01", code="0101")
    with db.session() as s:
        staff = s.scalar(select(Staff).where(Staff.code == "0101"))
        sid, uid = staff.id, staff.unit_id
    mine = ServicePreview("我的办件.xlsx", "requests", "办件", "", {}, "f" * 64, 1, records=[
        ("MY0001", "居住证办理", False, 7, uid, sid, stamp(datetime(2024, 11, 4, 9)),
         stamp(datetime(2024, 11, 8, 16)), "已办结", True)])
    service_records.commit_import(db, mine)
    remove_demo(db)
    assert _count(db, ServiceRequest) == 1 and _count(db, ServiceRating) == 0
    assert _count(db, ServiceComplaint) == 0 and _count(db, ServiceCost) == 0
    with db.session() as s:
        assert list(s.scalars(select(ServiceImport.file_name))) == ["我的办件.xlsx"]
    # the monthly counts were rebuilt from what stays
    q4 = [m for m in service_stats.measures(db, "2024-Q4", "person") if m.tally.requests]
    assert [(m.code, m.tally.requests) for m in q4] == [("0101", 1)]
