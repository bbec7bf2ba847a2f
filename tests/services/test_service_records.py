"""Service records: the shared fixtures imported and measured against their hand counts."""

from __future__ import annotations

from datetime import date

import pytest
from service_data import EXPECTED, FIX, load_roster

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import roster, service_records, service_stats


@pytest.fixture
def loaded(db):
    load_roster(db)
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    return db


def test_every_fixture_detected(db):
    load_roster(db)
    for name, spec in EXPECTED["files"].items():
        p = service_records.preview_import(db, FIX / name)
        assert p.kind == spec["kind"], name
        assert p.sheet == spec["sheet"]
        assert not p.problems, [x.line() for x in p.problems]
        assert not p.unmatched and not p.unmatched_units, name


@pytest.mark.parametrize("period", ["2024-04", "2024-05", "2024-06", "2024-Q2"])
@pytest.mark.parametrize("by", ["person", "unit"])
def test_measures_match_hand_counts(loaded, period, by):
    got = [m.as_dict() for m in service_stats.measures(loaded, period, by)]
    want = EXPECTED["expected"][period][by]
    assert {r["code"]: r for r in got} == {r["code"]: r for r in want}
    assert all(list(r) == EXPECTED["measures_keys"] for r in got) if "measures_keys" in EXPECTED \
        else True


@pytest.mark.parametrize("name", list(EXPECTED["expected_per_file_q2"]))
def test_each_file_alone(db, name):
    load_roster(db)
    service_records.import_file(db, FIX / name)
    for by in ("person", "unit"):
        got = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-Q2", by)}
        want = {r["code"]: r for r in EXPECTED["expected_per_file_q2"][name][by]}
        assert got == want, (name, by)


def test_reimport_adds_nothing(loaded):
    for name in EXPECTED["import_order"]:
        p = service_records.preview_import(loaded, FIX / name)
        assert p.new == 0 and p.imported_before
        assert service_records.commit_import(loaded, p).added == 0


def test_open_and_closed_bad_ratings(loaded):
    open_ = service_stats.open_bad_ratings(loaded, today=date(2024, 7, 1))
    assert [r.no for r in open_] == EXPECTED["open_bad_ratings"]
    assert open_[0].overdue and open_[0].deadline is not None
    assert service_stats.overdue(loaded, today=date(2024, 6, 6), near=3) == []
    near = service_stats.overdue(loaded, today=date(2024, 6, 24), near=3)
    assert [r.no for r in near] == EXPECTED["open_bad_ratings"] and not near[0].overdue


def test_unmatched_person_needs_a_choice(db):
    load_roster(db)
    roster.add_unit(db, "别的单位", code="X1")
    # without 林志强 in the roster his rows need a choice
    from kaohe_desktop.store.models import Staff
    with db.session() as s:
        s.query(Staff).filter(Staff.code == "0101").delete()
    p = service_records.preview_import(db, FIX / "haochaping_pingjia.xlsx")
    assert [u.name for u in p.unmatched] == ["林志强"]
    with pytest.raises(InputError) as err:
        service_records.commit_import(db, p)
    assert "林志强" in err.value.lines()[0]
    assert service_stats.measures(db, "2024-Q2", "unit")[0].tally.ratings == 0  # nothing written
    r = service_records.commit_import(db, p, {"林志强": ""})  # count for the window only
    assert r.added == 32
    unit = {m.code: m.tally.ratings for m in service_stats.measures(db, "2024-Q2", "unit")}
    assert unit["HL01"] == 18


def test_cost(db):
    load_roster(db)
    service_stats.set_cost(db, "HL01", 2024, "90000")
    assert str(service_stats.cost_per_person(db, 2024)["HL01"]) == "30000.00"
    with pytest.raises(InputError):
        service_stats.set_cost(db, "NOPE", "24", "-1")
