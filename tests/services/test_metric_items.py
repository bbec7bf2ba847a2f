"""Metric items fed from the service records: computed per subject with the derivation as
the remark, refused when typed, following re-imports until the assessment is locked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from service_data import EXPECTED, FIX, load_roster

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import (
    assessments,
    derived_items,
    metric_items,
    rubrics,
    scores,
    service_records,
)
from kaohe_desktop.services.assessments import GroupSpec

RUBRIC = {
    "code": "SVC-T", "name": "窗口服务测试", "subject_kind": "staff", "full_marks": 30,
    "items": [
        {"code": "1", "title": "满意率", "max": 10, "kind": "derived", "step": 0.1,
         "rule": {"source": "service", "measure": "satisfied_rate", "mode": "thresholds",
                  "bands": [{"at": 99, "percent": 100}, {"at": 88, "percent": 80}]}},
        {"code": "2", "title": "按时办结率", "max": 10, "kind": "derived", "step": 0.1,
         "rule": {"source": "service", "measure": "on_time_rate", "mode": "linear",
                  "target": 100, "per": 0.5}},
        {"code": "3", "title": "差评数", "max": 10, "kind": "derived", "step": 1,
         "rule": {"source": "service", "measure": "bad_ratings", "mode": "rank", "per": 2}},
    ],
    "grades": {"mode": "threshold", "scale": [{"name": "优秀", "min": 27}, {"name": "合格", "min": 0}]},
}


@pytest.fixture
def setup(db):
    load_roster(db)
    rubrics.save_rubric(db, dict(RUBRIC))
    info = assessments.create_assessment(db, "SVC-T", parse_period("2024-Q2"), subjects="staff",
                                         groups=[GroupSpec("主任", "上级", (), ())])
    return db, info.id


def values(db, aid):
    return {code: {k: (v.value, v.remark) for k, v in items.items()}
            for code, items in derived_items.derived_values(db, aid).items()}


def test_values_follow_imports_with_their_working(setup):
    db, aid = setup
    assert values(db, aid) == {}  # nothing imported: nothing concluded
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    got = values(db, aid)
    # 黄丽萍: 7 of 8 satisfied = 87.50% < 88 → 0; on time 10/11 = 90.91% → 100 − 9.09 × 0.5
    assert got["0102"]["1"] == (Decimal("0"), "满意率 87.50%（7/8）→ 未达到任何一档 → 0 分")
    assert got["0102"]["2"][0] == Decimal("5.4")
    assert got["0102"]["2"][1] == "按时办结率 90.91%（10/11）→ 低于目标 100% 9.09，扣 4.55 → 5.4 分"
    assert got["0101"]["1"][0] == 10 and got["0202"]["1"][0] == 8  # 100% → full; 88.89% → 80%
    # rank on 差评数: three with none share place 1, four with one share place 4 (10 − 3×2)
    assert got["0101"]["3"] == (Decimal("10"), "差评数 0 个 → 组内第 1 名 → 10 分")
    assert got["0103"]["3"] == (Decimal("4"), "差评数 1 个 → 组内第 4 名，扣 6 → 4 分")


def test_typed_value_refused_override_allowed(setup):
    db, aid = setup
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    with pytest.raises(InputError) as exc:
        scores.set_score(db, aid, "0102", "1", 10, assessor="张主任", group="主任")
    assert "取自服务记录" in exc.value.problems[0].reason
    derived_items.override_derived(db, aid, "0102", "1", 9, reason="评价器故障两周", actor="管理员")
    assert values(db, aid)["0102"]["1"] == (Decimal("9"), "管理员更正：评价器故障两周")


def test_locked_assessment_keeps_its_values(setup):
    db, aid = setup
    service_records.import_file(db, FIX / "pingjiaqi_xingji.xlsx")
    before = values(db, aid)
    assert before
    with db.session() as s:  # lock it the way approval does
        from kaohe_desktop.store.models import Assessment
        s.get(Assessment, aid).state = "reviewed"
    result = service_records.import_file(db, FIX / "haochaping_pingjia.xlsx")
    assert "已锁定" in result.refreshed
    assert values(db, aid) == before


def test_apply_without_metric_items_is_refused(db):
    load_roster(db)
    info = assessments.create_assessment(db, "WINDOW-STAFF", parse_period("2024-06"),
                                         subjects="staff")
    with pytest.raises(InputError):
        metric_items.apply_to_assessment(db, info.id)


def test_an_ad_hoc_period_counts_only_its_own_days(db):
    """A review of 2024-04-16 … 2024-05-15 sees the ratings of those days, not of the whole
    of April and May (the monthly summary would round it out to whole months)."""
    from datetime import date, datetime

    from sqlalchemy import func, select

    from kaohe_desktop.domain.periods import adhoc_period
    from kaohe_desktop.store.models import Staff
    from kaohe_desktop.store.service_models import ServiceRating

    load_roster(db)
    rubrics.save_rubric(db, dict(RUBRIC))
    start, end = date(2024, 4, 16), date(2024, 5, 15)
    info = assessments.create_assessment(db, "SVC-T", adhoc_period(start, end), subjects="staff",
                                         groups=[GroupSpec("主任", "上级", (), ())])
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    measures, _ = metric_items.subject_metrics(db, info.id)

    def counted(lo, hi):  # ratings per staff code in [lo, hi), counted by hand in SQL
        with db.session() as s:
            return dict(s.execute(
                select(Staff.code, func.count()).select_from(ServiceRating)
                .join(Staff, Staff.id == ServiceRating.staff_id)
                .where(ServiceRating.rated_at >= lo, ServiceRating.rated_at < hi)
                .group_by(Staff.code)).tuples().all())

    inside = counted(datetime(2024, 4, 16), datetime(2024, 5, 16))
    months = counted(datetime(2024, 4, 1), datetime(2024, 6, 1))
    assert inside and inside != months  # the fixture has ratings outside the span
    assert {c: m.tally.ratings for c, m in measures.items() if m.tally.ratings} == inside
