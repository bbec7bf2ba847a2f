"""A later export completes records imported while they were open: a 办件 办理中 in June's
file and 已办结 in July's, a 差评 whose 整改 and 回访 come in the next export, a complaint's
核实结果 — filled in, never overwritten, counted in the months they now belong to, each
completion in the audit record. Real .xlsx files on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from service_data import export_xlsx, load_roster
from sqlalchemy import select

from kaohe_desktop.domain.service_measures import MonthTally
from kaohe_desktop.services import audit, service_records, service_stats, service_summary
from kaohe_desktop.store.models import AuditRow, ServiceComplaint, ServiceRating, ServiceRequest

REQUESTS = ["办件编号", "事项名称", "办件类型", "受理人", "工号", "受理时间", "承诺时限", "办结时间",
            "办理状态"]
RATINGS = ["评价编号", "办件编号", "评价等级", "评价时间", "被评价人", "工号", "差评原因", "整改情况",
           "整改完成时间", "回访时间", "回访结果"]
COMPLAINTS = ["投诉编号", "投诉时间", "投诉来源", "被投诉人", "工号", "投诉内容", "核实结果", "办结时间"]


def june_requests(tmp_path):
    return export_xlsx(tmp_path / "办件6月.xlsx", REQUESTS, [
        ["BJ1", "居住证办理", "承诺件", "林志强", "0101", "2024-06-25 09:00", 5, None, "办理中"],
        ["BJ2", "社保卡", "即办件", "林志强", "0101", "2024-06-25 10:00", 0, "2024-06-25 10:20", "已办结"],
        ["BJ3", "高龄津贴", "承诺件", "黄丽萍", "0102", "2024-06-26 09:00", 5, None, "办理中"]])


def july_requests(tmp_path):
    # BJ1 finished on time on 07-02 (5 working days from 06-25 end on 07-02); BJ3 refused;
    # BJ2 again, as it was; BJ4 new
    return export_xlsx(tmp_path / "办件7月.xlsx", REQUESTS, [
        ["BJ1", "居住证办理", "承诺件", "林志强", "0101", "2024-06-25 09:00", 5, "2024-07-02 15:00",
         "已办结"],
        ["BJ2", "社保卡", "即办件", "林志强", "0101", "2024-06-25 10:00", 0, "2024-06-25 10:20", "已办结"],
        ["BJ3", "高龄津贴", "承诺件", "黄丽萍", "0102", "2024-06-26 09:00", 5, None, "不予受理"],
        ["BJ4", "社保卡", "即办件", "黄丽萍", "0102", "2024-07-03 09:00", 0, "2024-07-03 09:30", "已办结"]])


def _kept_equals_counted(db):
    with db.session() as s:
        kept = service_summary.monthly(s, date(2024, 1, 1), date(2024, 12, 31), "person")
        counted = service_summary.tallies(s, date(2024, 1, 1), date(2024, 12, 31), "person")
    flat = [{(k, m): t for k, months in per.items() for m, t in months.items() if t != MonthTally()}
            for per in (kept, counted)]
    assert flat[0] == flat[1]


def _person(db, period, code):
    return next(m for m in service_stats.measures(db, period, "person") if m.code == code)


def test_a_later_export_finishes_a_request_and_counts_it_where_it_now_belongs(db, tmp_path):
    load_roster(db)
    service_records.import_file(db, june_requests(tmp_path))
    assert _person(db, "2024-06", "0101").tally.finished == 1
    assert _person(db, "2024-06", "0102").tally.requests == 1
    preview = service_records.preview_import(db, july_requests(tmp_path))
    assert (preview.new, len(preview.updates), preview.existing) == (1, 2, 1)
    assert "补全已有记录 2 条（办结时间、办理状态）" in preview.summary()
    result = service_records.commit_import(db, preview)
    assert (result.added, result.updated) == (1, 2)
    with db.session() as s:
        got = {r.no: r for r in s.scalars(select(ServiceRequest))}
        assert got["BJ1"].finished_at == datetime(2024, 7, 2, 15) and got["BJ1"].status == "已办结"
        assert got["BJ3"].status == "不予受理" and got["BJ3"].accepted is False
        assert got["BJ3"].finished_at is None
    july = _person(db, "2024-07", "0101")
    assert (july.tally.finished, july.tally.on_time) == (1, 1)
    assert _person(db, "2024-06", "0102").tally.requests == 0  # 不予受理 counts nowhere
    _kept_equals_counted(db)
    with db.session() as s:
        rows = s.execute(select(AuditRow.key, AuditRow.reason).where(
            AuditRow.table_name == "service_request", AuditRow.action == "update")).all()
    assert sorted(rows) == [("BJ1", "重新导入补全"), ("BJ3", "重新导入补全")]
    said = [e.text for e in audit.audit_log(db) if "修改办件" in e.text]
    assert any("修改办件 BJ1：办结时间 从 — 改为 2024-07-02 15:00:00，办理状态 从 办理中 改为 已办结" in t
               for t in said), said
    # the same file again completes nothing more
    again = service_records.import_file(db, july_requests(tmp_path))
    assert (again.added, again.updated, again.existing) == (0, 0, 4)


def test_a_bad_rating_rectified_later_leaves_the_tracker_and_filled_values_stay(db, tmp_path):
    load_roster(db)
    service_records.import_file(db, export_xlsx(tmp_path / "评价6月.xlsx", RATINGS, [
        ["PJ1", "BJ1", "不满意", "2024-06-03 10:00", "林志强", "0101", "等候太久", None, None, None, None],
        ["PJ2", "BJ2", "非常不满意", "2024-06-04 10:00", "黄丽萍", "0102", "态度差", "已约谈",
         "2024-06-10 09:00", None, None],
        ["PJ3", "BJ3", "满意", "2024-06-04 11:00", "黄丽萍", "0102", None, None, None, None, None]]))
    assert {r.no for r in service_stats.open_bad_ratings(db, date(2024, 7, 30))} == {"PJ1"}
    # July's export: PJ1 rectified on day 10 and visited; PJ2's 整改 written with another
    # date (kept as stored) and its 回访 added
    result = service_records.import_file(db, export_xlsx(tmp_path / "评价7月.xlsx", RATINGS, [
        ["PJ1", "BJ1", "不满意", "2024-06-03 10:00", "林志强", "0101", "等候太久", "增设取号机",
         "2024-06-17 16:00", "2024-06-18 10:00", "满意"],
        ["PJ2", "BJ2", "非常不满意", "2024-06-04 10:00", "黄丽萍", "0102", "态度差", "已约谈",
         "2024-06-12 09:00", "2024-06-13 09:00", "基本满意"],
        ["PJ3", "BJ3", "满意", "2024-06-04 11:00", "黄丽萍", "0102", None, None, None, None, None]]))
    assert (result.added, result.updated, result.existing) == (0, 2, 1)
    assert service_stats.open_bad_ratings(db, date(2024, 7, 30)) == []
    with db.session() as s:
        got = {r.no: r for r in s.scalars(select(ServiceRating))}
    assert got["PJ1"].rect_done_at == datetime(2024, 6, 17, 16) and got["PJ1"].visit_result == "满意"
    assert got["PJ2"].rect_done_at == datetime(2024, 6, 10, 9)  # stored, not overwritten
    assert got["PJ2"].visit_at == datetime(2024, 6, 13, 9)
    june = _person(db, "2024-06", "0101")
    assert (june.tally.bad, june.tally.bad_in_time, june.tally.visited) == (1, 1, 1)
    _kept_equals_counted(db)


def test_a_complaints_verdict_arrives_later(db, tmp_path):
    load_roster(db)
    service_records.import_file(db, export_xlsx(tmp_path / "投诉6月.xlsx", COMPLAINTS, [
        ["TS1", "2024-06-05 09:00", "12345", "邓芳", "0302", "推诿", "", None]]))
    assert _person(db, "2024-06", "0302").tally.valid == 0
    result = service_records.import_file(db, export_xlsx(tmp_path / "投诉7月.xlsx", COMPLAINTS, [
        ["TS1", "2024-06-05 09:00", "12345", "邓芳", "0302", "推诿", "属实", "2024-06-20 17:00"]]))
    assert result.updated == 1
    with db.session() as s:
        c = s.scalar(select(ServiceComplaint))
    assert (c.verdict, c.valid, c.closed_at) == ("属实", True, datetime(2024, 6, 20, 17))
    assert _person(db, "2024-06", "0302").tally.valid == 1
    _kept_equals_counted(db)
