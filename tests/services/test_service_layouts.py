"""Service exports in layouts the fixtures do not have (issue 17 §1): a 办件 log giving the
deadline (承诺办结时间) instead of the 承诺时限 in working days — judged on time across the
National Day holiday and its 调休 Sunday exactly as the days would be — and a layout the
program does not know, read once through a column mapping and then by itself."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from service_data import load_roster

from kaohe_desktop.services import service_records, service_stats

HEADER_DAYS = ["业务流水号", "事项名称", "受理部门", "受理人员", "受理日期", "承诺时限", "办结时间",
               "办件状态"]
HEADER_DEADLINE = [*HEADER_DAYS[:5], "承诺办结时间", *HEADER_DAYS[6:]]
ACCEPTED = datetime(2024, 9, 27, 9, 0)  # Friday; 9-29 (Sunday) is a 调休 workday, 10-1…10-7 off


def log(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["某某街道政务服务中心办件明细"])  # a title row above the header
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def person(db) -> tuple[str, str, str]:
    """The first person of the fixtures' roster: code, name, unit name."""
    from service_data import EXPECTED

    p = EXPECTED["roster"]["people"][0]
    return p["编号"], p["姓名"], p["所属单位"]


def test_a_deadline_date_is_judged_like_the_working_days_it_allows(db, tmp_path):
    load_roster(db)
    code, name, unit = person(db)
    finished = [datetime(2024, 10, 10, 16), datetime(2024, 10, 11, 9), datetime(2024, 9, 27, 11)]
    by_days = [[f"D{i}", "社保卡申领", unit, name, ACCEPTED, 5 if i < 2 else 0, fin, "已办结"]
               for i, fin in enumerate(finished)]
    # the fifth working day after Friday 9-27 is Thursday 10-10 (9-29, 9-30, 10-8, 10-9, 10-10)
    by_deadline = [[f"E{i}", "社保卡申领", unit, name, ACCEPTED,
                    "2024-10-10" if i < 2 else datetime(2024, 9, 27, 17), fin, "已办结"]
                   for i, fin in enumerate(finished)]
    a = service_records.preview_import(db, log(tmp_path / "天数.xlsx", HEADER_DAYS, by_days))
    b = service_records.preview_import(db, log(tmp_path / "期限.xlsx", HEADER_DEADLINE, by_deadline))
    assert not a.problems and not b.problems, [p.line() for p in (*a.problems, *b.problems)]
    assert b.columns["limit"] == "F（承诺办结时间）"
    # the same records but their numbers: limit days and 即办 judged alike
    assert [r[2:4] for r in a.records] == [r[2:4] for r in b.records] == [
        (False, 5), (False, 5), (True, 0)]
    service_records.import_file(db, tmp_path / "期限.xlsx")
    (m,) = [x for x in service_stats.measures(db, "2024-10", "person") if x.code == code]
    assert (m.tally.finished, m.tally.on_time) == (2, 1)  # 10-10 on time, 10-11 late


def test_a_deadline_before_acceptance_is_named(db, tmp_path):
    load_roster(db)
    _, name, unit = person(db)
    path = log(tmp_path / "倒挂.xlsx", HEADER_DEADLINE,
               [["F1", "社保卡申领", unit, name, ACCEPTED, "2024-09-20", None, "办理中"]])
    p = service_records.preview_import(db, path)
    assert [(x.row, x.column, x.reason) for x in p.problems] == [
        (3, "F（承诺办结时间）", "承诺办结时间早于受理时间")]


def test_a_mapped_layout_is_read_by_itself_next_time(db, tmp_path):
    """Headers no platform alias names: mapped once (with the kind), remembered for the
    header shape, and the next file of that shape is read without asking."""
    load_roster(db)
    _, name, _ = person(db)
    header = ["单号", "窗口人员", "开始", "结束", "天数"]
    mapping = {"__kind__": "requests", "no": "单号", "person_name": "窗口人员", "accepted": "开始",
               "finished": "结束", "limit": "天数"}
    first = log(tmp_path / "一月.xlsx", header, [["M1", name, ACCEPTED, datetime(2024, 9, 30), 3]])
    p = service_records.preview_import(db, first, "requests", mapping)
    assert not p.problems and p.new == 1
    service_records.commit_import(db, p, remember=mapping)
    second = log(tmp_path / "二月.xlsx", header, [["M2", name, ACCEPTED, datetime(2024, 10, 9), 3]])
    q = service_records.preview_import(db, second)  # no kind, no mapping: remembered
    assert q.kind == "requests" and not q.problems and q.new == 1
