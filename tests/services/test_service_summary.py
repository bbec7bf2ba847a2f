"""The monthly counts kept at import are the records' counts: imported in any order, file
by file, they equal a count of every record; a calendar change (a 调休 day inside a 承诺
时限) rebuilds them before they are read."""

from __future__ import annotations

from datetime import date

import pytest
from service_data import EXPECTED, FIX, load_roster

from kaohe_desktop.domain.service_measures import MonthTally
from kaohe_desktop.services import attendance, service_records, service_stats, service_summary
from kaohe_desktop.store.models import SERVICE_COUNTS


def counted_from_records(db, by):
    with db.session() as s:
        per = service_summary.tallies(s, date(2024, 1, 1), date(2024, 12, 31), by)
    return {(sid, m): t for sid, months in per.items() for m, t in months.items() if t != MonthTally()}


def kept(db, by):
    with db.session() as s:
        per = service_summary.monthly(s, date(2024, 1, 1), date(2024, 12, 31), by)
    return {(sid, m): t for sid, months in per.items() for m, t in months.items() if t != MonthTally()}


def test_the_columns_are_the_tally_fields():
    assert tuple(MonthTally.__dataclass_fields__) == SERVICE_COUNTS


@pytest.mark.parametrize("order", [1, -1])
def test_kept_counts_equal_a_count_of_every_record(db, order):
    load_roster(db)
    for name in EXPECTED["import_order"][::order]:
        service_records.import_file(db, FIX / name)
        for by in ("person", "unit"):
            assert kept(db, by) == counted_from_records(db, by), (name, by)


def test_a_calendar_change_rebuilds_the_counts(db):
    load_roster(db)
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    before = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-Q2", "unit")}
    # every working day of April 2024 made a rest day: 承诺时限 run later, days taken fewer
    for d in range(1, 31):
        attendance.set_calendar_day(db, date(2024, 4, d), False)
    after = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-Q2", "unit")}
    assert after != before
    for by in ("person", "unit"):
        assert kept(db, by) == counted_from_records(db, by)


def test_an_ad_hoc_span_counts_a_deadline_from_a_受理_long_before_it(db, tmp_path):
    """A 20-day 承诺件 accepted Monday 2024-06-03 is due on its 20th working day, 07-02
    (06-04..07 4, 06-11..14 8 — 端午 06-10 —, 06-17..21 13, 06-24..28 18, 07-01 19, 07-02 20);
    finished 07-04 it is late and took 22 working days. A review of 06-16 … 07-15 counts it
    (finished inside) and must judge it from 06-03, not from a week before its own start."""
    from openpyxl import Workbook

    from kaohe_desktop.services import roster, service_span

    roster.add_unit(db, "青溪社区便民服务站", code="QX01")
    roster.add_staff(db, "张敏", "QX01", code="Q101")
    wb = Workbook()
    ws = wb.active
    ws.append(["办件编号", "事项名称", "办件类型", "受理窗口", "受理人", "工号", "受理时间", "承诺时限",
               "办结时间", "办理状态"])
    ws.append(["L1", "林地审批", "承诺件", "青溪社区便民服务站", "张敏", "Q101", "2024-06-03 09:00", 20,
               "2024-07-04 09:00", "已办结"])
    ws.append(["L2", "林地审批", "承诺件", "青溪社区便民服务站", "张敏", "Q101", "2024-06-03 10:00", 20,
               "2024-07-02 16:00", "已办结"])
    wb.save(tmp_path / "办件.xlsx")
    service_records.import_file(db, tmp_path / "办件.xlsx")
    with db.session() as s:
        (t,) = service_span.span_totals(s, date(2024, 6, 16), date(2024, 7, 15), "person").values()
    assert (t.requests, t.finished, t.on_time, t.days_sum, t.days_n) == (0, 2, 1, 22 + 20, 2)
    july = {m.code: m for m in service_stats.measures(db, "2024-07")}["Q101"]
    assert (july.tally.finished, july.tally.on_time, july.avg_days) == (2, 1, 21.0)
