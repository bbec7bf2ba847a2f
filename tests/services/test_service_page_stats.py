"""The service functions behind the 服务记录 page: periods before and after, both periods'
measures, the span of the records, recent periods, unit costs, headers of an unknown layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook
from service_data import FIX, import_all, load_roster

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import service_layout, service_stats


@pytest.mark.parametrize(("now", "before", "after"), [
    ("2024-06", "2024-05", "2024-07"), ("2024-01", "2023-12", "2024-02"),
    ("2024-12", "2024-11", "2025-01"), ("2024-Q1", "2023-Q4", "2024-Q2"),
    ("2024-Q4", "2024-Q3", "2025-Q1"), ("2024", "2023", "2025")])
def test_previous_and_next_period(now, before, after):
    assert service_stats.previous_period(now) == before
    assert service_stats.next_period(now) == after


def test_a_bad_period_is_refused():
    with pytest.raises(InputError):
        service_stats.previous_period("明年")


def test_compare_pairs_each_subject_with_the_period_before(db):
    load_roster(db)
    assert service_stats.record_span(db) is None
    assert service_stats.recent_periods(None) == []
    import_all(db)
    previous, rows = service_stats.compare(db, "2024-06", "person")
    assert previous == "2024-05"
    may = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-05")}
    june = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-06")}
    assert {r.now.code: r.now.as_dict() for r in rows} == june
    assert {r.before.code: r.before.as_dict() for r in rows} == may
    first, last = service_stats.record_span(db)
    assert first.year == 2024 and first.month == 4 and (last.year, last.month) == (2024, 6)
    periods = service_stats.recent_periods((first, last))
    assert periods == ["2024-06", "2024-05", "2024-04", "2024-Q2", "2024"]


def test_unit_costs(db):
    load_roster(db)
    service_stats.set_cost(db, "HL01", 2024, "360000")
    costs = {c.code: c for c in service_stats.unit_costs(db, 2024)}
    assert costs["HL01"].amount == Decimal("360000") and costs["HL01"].staff == 3
    assert costs["HL01"].per_person == service_stats.cost_per_person(db, 2024)["HL01"]
    assert costs["HL02"].amount is None and costs["HL02"].per_person is None
    assert service_stats.unit_costs(db, 2023)[0].amount is None


def test_headers_of_a_file_in_an_unknown_layout(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "导出"
    ws.append(["2024年7月"])
    ws.append(["单号", "业务名称", "承办人", "接件时间", "评价星级"])
    ws.append(["X1", "居住证", "林志强", "2024-07-02 09:30", 5])
    wb.save(tmp_path / "x.xlsx")
    h = service_layout.file_headers(tmp_path / "x.xlsx")
    assert (h.sheet, h.header_row) == ("导出", 2)
    assert h.columns == ("单号", "业务名称", "承办人", "接件时间", "评价星级")
    assert h.letters == ("A", "B", "C", "D", "E")
    assert h.sample == (("X1", "居住证", "林志强", "2024-07-02 09:30", "5"),)
    assert h.signature
    assert service_layout.guess_mapping(h.columns, "ratings")["level"] == 4
    with pytest.raises(InputError):
        service_layout.file_headers(FIX / "expected.json")


def test_every_fixture_has_headers_and_its_kind_is_guessed():
    kinds = {"banjian": "requests", "daiban": "requests", "haochaping": "ratings",
             "pingjiaqi": "ratings", "tousu": "complaints"}
    for path in sorted(FIX.glob("*.xls*")):
        h = service_layout.file_headers(path)
        assert service_layout.guess_kind(h.columns) == kinds[path.name.split("_")[0]], path.name
