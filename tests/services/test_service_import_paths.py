"""The fast paths of the service import keep its behaviour: the quick date-time parse
agrees with the general one, cells converted once per distinct value still tell True from
1, every problem is named with file, sheet, row, column and value and nothing is written,
the choices for the unmatched reach the stored records, and a large import that builds
the indexes after inserting leaves the same schema and the same counts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from backends import sqlite_only
from service_data import EXPECTED, FIX, export_xlsx, load_roster
from sqlalchemy import func, select, text

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.service_measures import MonthTally
from kaohe_desktop.services import service_records, service_stats, service_summary
from kaohe_desktop.services.service_rows import parse_moment, parse_time, stamp, stamp_of
from kaohe_desktop.store import service_queries
from kaohe_desktop.store.models import ServiceImport, ServiceRequest

HEADER = ["办件编号", "事项名称", "办件类型", "受理部门", "受理人", "工号", "受理时间", "承诺时限",
          "办结时间", "办理状态"]


def workbook(path, rows, header=HEADER):
    return export_xlsx(path, header, rows, sheet="办件明细")


@pytest.mark.parametrize("value", [
    "2024-04-02 09:02:14", "2024-04-02 09:30", "2024-04-02", "2024-02-29 23:59:59",
    "2024-02-30 09:00:00", "2024-04-02 24:00:00", "2024-W14-2 09:02:14", "2024-04-02 9:02:1",
    "2024-04-02T09:02:14", "2024-04-02 09:02:14.5", " 2024-04-02 09:02:14", "２０２４-04-02 09:02",
    "2024-4-2 9:02", "2024年4月2日", "20240402", "", "--", None, 45390.5, 12.0, True,
    datetime(2024, 4, 2, 9, 2), date(2024, 4, 2)])
def test_the_fast_time_parse_agrees_with_the_general_one(value):
    try:
        want: object = parse_time(value)
    except ValueError:
        want = ValueError
    try:
        got: object = parse_moment(value)
    except ValueError:
        got = ValueError
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("value", [
    "2024-04-02 09:02:14", "2024-04-02 09:30", "2024-04-02", "2024-02-29 23:59:59",
    "2024-02-30 09:00:00", "2024-04-02 24:00:00", "2024-04-02 23:00:00", "2024-W14-2 09:02:14",
    "2024-04-02T09:02:14", "2024-04-02x09:02:14", "2024-04-02 09:05+08", "2024-04-02 09+08",
    "2024-04-02 09:02:14.5", " 2024-04-02 09:02", "２０２４-04-02 09:02", "2024-4-2 9:02",
    "2024年4月2日", "", "--", None, 45390.5, 12.0, datetime(2024, 4, 2, 9, 2, 3, 500),
    date(2024, 4, 2)])
def test_a_time_kept_as_written_is_the_time_read(value):
    """The stored form made without parsing twice is the parsed moment's stored form: same
    text, so order and month bounds in SQL hold."""
    try:
        moment = parse_time(value)
        want: object = None if moment is None else stamp(moment)
    except ValueError:
        want = ValueError
    try:
        got: object = stamp_of(value)
    except ValueError:
        got = ValueError
    assert got == want


def test_a_record_at_midnight_on_the_first_counts_in_its_month(db, tmp_path):
    """Times written as text are stored padded to SQLAlchemy's form: the ORM reads them back
    as the same moments and a month's bounds split them where the calendar does."""
    load_roster(db)
    path = workbook(tmp_path / "办件.xlsx", [
        ["M1", "社保卡", "即办件", "", "林志强", "0101", "2024-05-01 00:00:00", 0,
         "2024-05-01 00:30", "已办结"],
        ["M2", "社保卡", "即办件", "", "林志强", "0101", "2024-04-30 23:59:59", 0,
         "2024-04-30 23:59:59", "已办结"]])
    service_records.import_file(db, path)
    with db.session() as s:
        got = {no: at for no, at in s.execute(select(ServiceRequest.no, ServiceRequest.accepted_at))}
    assert got == {"M1": datetime(2024, 5, 1), "M2": datetime(2024, 4, 30, 23, 59, 59)}

    def requests(period):
        return {m.code: m.tally.requests for m in service_stats.measures(db, period, "person")
                if m.tally.requests}

    assert requests("2024-04") == requests("2024-05") == {"0101": 1}
    with db.session() as s:  # counted again from the stored records: the same months
        service_summary.rebuild(s)
    assert requests("2024-04") == requests("2024-05") == {"0101": 1}


def test_every_problem_named_and_nothing_written(db, tmp_path):
    load_roster(db)
    path = workbook(tmp_path / "坏办件.xlsx", [
        ["B1", "社保卡申领", "即办件", "HL01", "林志强", "0101", "2024-04-02 09:02:14", 0,
         "2024-04-02 10:00:00", "已办结"],
        ["B2", "医保变更", "承诺件", "", "林志强", "", "2024-04-0x 09:00:00", 5, "", ""],
        ["B3", "低保", "承诺件", "", "林志强", "", "2024-04-03 09:00:00", True, "", ""],
        ["B4", "低保", "承诺件", "", "林志强", "", "2024-04-03 09:00:00", 1, "", ""],
        ["B5", "低保", "承诺件", "", "林志强", "", "2024-04-08 09:00:00", 1,
         "2024-04-07 09:00:00", "已办结"],
        ["", "低保", "承诺件", "", "林志强", "", "2024-04-08 09:00:00", 1, "", ""],
        ["B6", "低保", "承诺件", "", "", "", "2024-04-08 09:00:00", 1, "", ""],
        ["B4", "低保", "承诺件", "", "林志强", "", "2024-04-03 09:00:00", 1, "", ""],
    ])
    p = service_records.preview_import(db, path)
    assert [x.line() for x in p.problems] == [
        "坏办件.xlsx，工作表“办件明细”，第 3 行，列“G（受理时间）”，值“2024-04-0x 09:00:00”："
        "无法识别的日期时间（应如 2024-04-02 09:30 或 2024年4月2日）",
        "坏办件.xlsx，工作表“办件明细”，第 4 行，列“H（承诺时限）”，值“True”："
        "无法识别的承诺时限（应为工作日数，如 5、5个工作日，或 即办）",
        "坏办件.xlsx，工作表“办件明细”，第 6 行，列“I（办结时间）”，值“2024-04-07 09:00:00”："
        "办结时间早于受理时间",
        "坏办件.xlsx，工作表“办件明细”，第 7 行，列“A（办件编号）”：缺少编号：无法判断是否已导入，请补上编号",
        "坏办件.xlsx，工作表“办件明细”，第 8 行，列“E（受理人）”："
        "记录没有写明人员或窗口/单位，无法计入任何人",
    ]
    assert (p.rows, p.new, p.duplicates) == (8, 2, 1)  # B1 and B4 (1 working day) are fine
    assert p.period == (date(2024, 4, 2), date(2024, 4, 3))
    with pytest.raises(InputError):
        service_records.commit_import(db, p)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRequest)) == 0
        assert s.scalar(select(func.count()).select_from(ServiceImport)) == 0


def test_choices_for_the_unmatched_reach_the_records(db, tmp_path):
    load_roster(db)
    path = workbook(tmp_path / "办件.xlsx", [
        ["C1", "社保卡申领", "即办件", "", "林之强", "", "2024-04-02 09:02:14", 0,
         "2024-04-02 10:00:00", "已办结"],
        ["C2", "社保卡申领", "即办件", "新窗口", "黄丽萍", "", "2024-04-02 09:02:14", 0,
         "2024-04-02 10:00:00", "已办结"],
        ["C3", "社保卡申领", "即办件", "新窗口", "", "", "2024-04-03 09:02:14", 0,
         "2024-04-03 10:00:00", "已办结"],
        ["C4", "社保卡申领", "即办件", "HL02", "林志强", "", "2024-04-03 09:02:14", 0,
         "2024-04-03 10:00:00", "已办结"],
    ])
    p = service_records.preview_import(db, path)
    assert [u.key for u in p.unmatched] == ["林之强"] and p.unmatched_units == ["新窗口"]
    result = service_records.commit_import(db, p, {"林之强": "0101"}, {"新窗口": ""})
    assert result.added == 3  # C3: its window chosen as nobody's, and no person: left out
    with db.session() as s:
        got = {no: (staff, unit) for no, staff, unit in s.execute(
            text("SELECT r.no, s.code, u.code FROM service_request r "
                 "LEFT JOIN staff s ON s.id = r.staff_id LEFT JOIN unit u ON u.id = r.unit_id"))}
    assert got == {"C1": ("0101", "HL01"),  # chosen person, unit from the roster
                   "C2": ("0102", "HL01"),  # unknown window: the person's unit
                   "C4": ("0101", "HL02")}  # the file's window kept over the person's unit


def _indexes(db):
    with db.session() as s:
        return sorted(s.execute(text(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name LIKE 'service_%'")).all())


def _counts(db, by):
    with db.session() as s:
        kept = service_summary.monthly(s, date(2024, 1, 1), date(2024, 12, 31), by)
        counted = service_summary.tallies(s, date(2024, 1, 1), date(2024, 12, 31), by)
    flat = [{(k, m): t for k, months in per.items() for m, t in months.items() if t != MonthTally()}
            for per in (kept, counted)]
    return flat


@sqlite_only("the indexes are built after the insert only on SQLite")
@pytest.mark.parametrize("staged", [True, False], ids=["staged", "direct"])
def test_indexes_built_after_a_large_insert_are_the_same(db, monkeypatch, staged):
    """A large import (the fixtures made to count as one) goes through the staging table,
    its counting in a thread: the same records, indexes and hand-counted measures."""
    load_roster(db)
    before = _indexes(db)
    monkeypatch.setattr(service_queries, "DEFER_INDEXES_FROM", 1)  # the fixtures are small
    monkeypatch.setattr(service_queries, "STAGE_FROM", 1 if staged else 10**9)
    monkeypatch.setattr(service_queries, "ROWS_PER_STATEMENT", 3)  # and a remainder
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
        assert _indexes(db) == before, name
    with db.session() as s:
        plan = " ".join(str(r) for r in s.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM service_request WHERE accepted_at > '2024-05-01'")))
    assert "ix_service_request_accepted_at" in plan
    for by in ("person", "unit"):
        kept, counted = _counts(db, by)
        assert kept == counted
        got = {m.code: m.as_dict() for m in service_stats.measures(db, "2024-Q2", by)}
        assert got == {r["code"]: r for r in EXPECTED["expected"]["2024-Q2"][by]}
    for name in EXPECTED["import_order"]:  # again: nothing added, indexes kept
        assert service_records.import_file(db, FIX / name).added == 0
    assert _indexes(db) == before


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "direct"])
@pytest.mark.parametrize("where", ["counting", "storing the counts"])
def test_a_commit_failing_after_the_insert_leaves_everything_as_it_was(db, monkeypatch, staged,
                                                                     where):
    """The counting runs in a thread while SQLite moves the staged rows and builds the
    indexes: its failure, or one after it, rolls the whole import back."""
    load_roster(db)
    before = _indexes(db) if db.engine.dialect.name == "sqlite" else None
    monkeypatch.setattr(service_queries, "DEFER_INDEXES_FROM", 1)
    monkeypatch.setattr(service_queries, "STAGE_FROM", 1 if staged else 10**9)
    monkeypatch.setattr(service_queries, "ROWS_PER_STATEMENT", 3)  # and a remainder

    def broken(*_args):
        raise RuntimeError("disk full")

    if where == "counting":
        monkeypatch.setattr(service_summary, "_count", broken)
    else:
        monkeypatch.setattr(service_summary, "store_counts", broken)
    with pytest.raises(RuntimeError):
        service_records.import_file(db, FIX / EXPECTED["import_order"][0])
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRequest)) == 0
        assert s.scalar(select(func.count()).select_from(ServiceImport)) == 0
        if db.engine.dialect.name == "sqlite":  # the staging table went with the rest
            assert s.execute(text("SELECT name FROM sqlite_temp_master")).all() == []
    if before is not None:
        assert _indexes(db) == before


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "direct"])
def test_text_comes_back_exactly_as_written(db, tmp_path, monkeypatch, staged):
    """Values go to the server as COPY data on PostgreSQL: tabs, line breaks, backslashes
    and a literal \\N stay text, empty stays empty, times and levels keep their types
    (on SQLite also through the staging table of a large import)."""
    monkeypatch.setattr(service_queries, "STAGE_FROM", 1 if staged else 10**9)
    monkeypatch.setattr(service_queries, "ROWS_PER_STATEMENT", 2)
    load_roster(db)
    odd = ["态度差\t等了\n很久", "C:\\办事\\N", "\\N", "", "100%满意 'quoted' \"double\""]
    path = workbook(tmp_path / "评价.xlsx", [
        [f"P{k}", f"B{k}", "窗口评价器", "不满意" if k % 2 else 5, datetime(2024, 4, 2 + k, 9, 30),
         "林志强", "0101", "", content] for k, content in enumerate(odd)],
        header=["评价编号", "办件编号", "评价渠道", "评价等级", "评价时间", "被评价人", "工号", "所属窗口",
                "评价内容"])
    assert service_records.import_file(db, path).added == len(odd)
    with db.session() as s:
        got = {no: (content, level, at) for no, content, level, at in s.execute(
            text("SELECT no, content, level, rated_at FROM service_rating"))}
    assert {no: c for no, (c, _level, _at) in got.items()} == {
        f"P{k}": content for k, content in enumerate(odd)}
    assert got["P1"][1] == 2 and got["P0"][1] == 5
    assert service_stats.measures(db, "2024-04", "person")[0].tally.ratings == len(odd)
