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
