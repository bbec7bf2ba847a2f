"""Service exports in layouts the other tests have not seen (tests/fixtures/service/unseen,
README there): other platforms' headers, merged title rows over a two-row header, 制表人 /
导出时间 rows under the table, times as 14-digit text or "2024年7月5日9时5分", levels as
hollow stars, 是否属实 是/否, a legacy .xls, an HTML ".xls", a GBK .csv, an .ods, a summary
sheet before the records — each read into exactly the records a clerk counts by hand, and
the measures those give (July–September 2024: 中秋 09-15…17 off, Saturday 09-14 worked).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from service_data import FIX, load_roster

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import service_layout, service_records, service_stats
from kaohe_desktop.services.service_rows import RECORD_COLUMNS

UNSEEN = FIX / "unseen"


def preview(db, name: str, kind: str | None = None) -> service_records.ServicePreview:
    p = service_records.preview_import(db, UNSEEN / name, kind)
    assert not p.problems, [x.line() for x in p.problems]
    return p


def records(p: service_records.ServicePreview) -> dict[str, dict[str, object]]:
    """Number → the record's fields, its moments (kept as stored text) as datetimes."""
    cols = RECORD_COLUMNS[p.kind]
    return {r[0]: {c: datetime.fromisoformat(v) if c in MOMENTS and v is not None else v
                   for c, v in zip(cols, r, strict=True)} for r in p.records}


MOMENTS = {"accepted_at", "finished_at", "rated_at", "rect_done_at", "visit_at", "at", "closed_at"}


def staff_code(db, staff_id: int | None) -> str | None:
    from sqlalchemy import select

    from kaohe_desktop.store.models import Staff

    if staff_id is None:
        return None
    with db.session() as s:
        return s.scalar(select(Staff.code).where(Staff.id == staff_id))


def measures(db, period: str, by: str = "person") -> dict[str, dict[str, object]]:
    return {m.code: m.as_dict() for m in service_stats.measures(db, period, by)}


def picked(row: dict[str, object], *keys: str) -> tuple[object, ...]:
    return tuple(row[k] for k in keys)


REQ = ("requests", "finished", "on_time", "avg_days")


def test_merged_title_two_row_header_and_sign_off_rows(db):
    """县级平台 办件明细表: the 收件信息 / 办结信息 groups over their columns, 序号 first, a
    hidden ID-card column, 合计 / 制表人 / 审核人 / 导出时间 rows under the table."""
    load_roster(db)
    p = preview(db, "banjian_shenban_hebing_2024-07.xlsx")
    assert (p.kind, p.sheet, p.layout) == ("requests", "办件明细", "表头第3–4行（合并表头）")
    assert (p.rows, p.new, p.duplicates) == (6, 6, 0)  # 合计, blank and sign-off rows skipped
    assert p.columns["no"] == "B（申办流水号）"
    assert p.columns["accepted"] == "F（收件信息 收件时间）"
    assert p.columns["limit"] == "G（承诺办结时限（工作日））"
    assert p.columns["finished"] == "H（办结信息 实际办结时间）"
    r = records(p)
    assert picked(r["SB2024070500002"], "accepted_at", "finished_at", "limit_days", "status") == (
        datetime(2024, 7, 5, 9, 5), None, 10, "办理中")  # "2024年7月5日9时5分"
    assert picked(r["SB2024070200011"], "instant", "accepted_at", "finished_at") == (
        True, datetime(2024, 7, 2, 9, 5), datetime(2024, 7, 2, 9, 40))
    assert r["SB2024070800003"]["accepted"] is False  # 撤销申请
    assert staff_code(db, r["SB2024070300007"]["staff_id"]) == "0103"
    service_records.commit_import(db, p)
    m = measures(db, "2024-07")
    assert picked(m["0101"], *REQ) == (2, 1, 1, None)   # 即办 on time; 办理中
    assert picked(m["0102"], *REQ) == (1, 1, 1, 4.0)    # 5 days from 07-02: 07-09, done 07-08
    # 3 days from 07-03 end 07-08, done 07-09 (late, 4 days); 5 from 07-10 end 07-17 (5)
    assert picked(m["0103"], *REQ) == (2, 2, 1, 4.5)


def test_compact_times_and_numeric_staff_codes(db):
    """省平台 办事过程数据: 业务流水号, times as yyyyMMddHHmmss / yyyyMMddHHmm text,
    窗口人员工号 201 for 0201, 承诺时限 "5工作日"."""
    load_roster(db)
    p = preview(db, "banjian_banshiguocheng_2024-07.xlsx")
    assert (p.kind, p.rows, p.new) == ("requests", 5, 5)
    assert p.columns["person_code"] == "E（窗口人员工号）"
    assert p.columns["accepted"] == "G（事项受理时间）"
    r = records(p)
    assert picked(r["44030020240715000101"], "accepted_at", "finished_at", "limit_days") == (
        datetime(2024, 7, 15, 9, 30), datetime(2024, 7, 19, 17, 0), 5)
    assert picked(r["44030020240718000105"], "instant", "accepted_at", "finished_at") == (
        True, datetime(2024, 7, 18, 16, 20), datetime(2024, 7, 19, 10, 0))
    assert staff_code(db, r["44030020240715000101"]["staff_id"]) == "0201"
    assert r["44030020240717000104"]["accepted"] is False  # 不予受理
    service_records.commit_import(db, p)
    m = measures(db, "2024-07")
    assert picked(m["0201"], *REQ) == (2, 1, 1, 4.0)
    assert picked(m["0202"], *REQ) == (2, 2, 1, None)  # a 即办件 finished the next morning


def test_legacy_xls_with_date_cells_bare_serials_and_a_sign_off_row(db):
    """The village room's old system as Excel 97-2003 (BIFF8, written by xlwt): 受理号, 收件日期
    date cells, 办结日期 as General-format serials (45506.4583333333 is 11:00, not a
    microsecond before), names with a full-width space inside, 制表：… under the table."""
    load_roster(db)
    p = preview(db, "daiban_laoxitong_2024-08.xls")
    assert (p.kind, p.sheet, p.layout, p.rows, p.new) == ("requests", "Sheet1", "表头第2行", 4, 4)
    r = records(p)
    assert picked(r["XL-0802"], "instant", "accepted_at", "finished_at") == (
        True, datetime(2024, 8, 2, 10, 30), datetime(2024, 8, 2, 11, 0))
    assert picked(r["XL-0801"], "limit_days", "finished_at") == (3, datetime(2024, 8, 2, 15, 0))
    assert [staff_code(db, r[n]["staff_id"]) for n in ("XL-0802", "XL-0803")] == ["0302", "0301"]
    service_records.commit_import(db, p)
    m = measures(db, "2024-08")
    assert picked(m["0301"], *REQ) == (2, 2, 1, 2.5)  # 08-09 is past 3 days from 08-05
    assert picked(m["0302"], *REQ) == (1, 1, 1, None)  # 不予受理 counts nowhere


def test_html_table_saved_as_xls_across_mid_autumn(db):
    """A web platform's 导出Excel: an HTML table with an .xls name. 2 working days from Friday
    09-13 are Saturday 09-14 (调休) and Wednesday 09-18 (中秋 09-15…17 off)."""
    load_roster(db)
    p = preview(db, "banjian_wangye_2024-09.xls")
    assert (p.kind, p.sheet, p.layout, p.rows, p.new) == ("requests", "表1", "表头第2行", 4, 4)
    assert p.columns["status"] == "H（当前环节）"
    r = records(p)
    assert picked(r["BJ2409020001"], "limit_days", "status") == (3, "办结")
    service_records.commit_import(db, p)
    m = measures(db, "2024-09")
    assert picked(m["0302"], *REQ) == (2, 2, 2, 2.5)  # 09-18 on time (days 09-14, 09-18)
    assert picked(m["0301"], *REQ) == (2, 2, 1, 5.0)  # 09-09 after 3 days from 09-02: late


def test_one_sheet_per_month_after_a_notes_sheet(db):
    """A quarter workbook: 说明, then 7月, 8月, 9月 (September's template has an extra column,
    so its columns sit elsewhere); a 办件 pasted into two months is one record."""
    load_roster(db)
    p = preview(db, "banjian_anyue_2024-Q3.xlsx")
    assert (p.kind, p.sheet, p.sheets, p.layout) == ("requests", "7月", ["7月", "8月", "9月"],
                                                     "表头第2行")
    assert (p.rows, p.new, p.duplicates) == (6, 5, 1)
    assert p.summary().startswith("banjian_anyue_2024-Q3.xlsx：办件记录，工作表“7月”、“8月”、“9月”表头第2行")
    r = records(p)
    assert picked(r["Q9-001"], "matter", "limit_days", "accepted_at", "finished_at") == (
        "医保异地备案", 2, datetime(2024, 9, 13, 10, 0), datetime(2024, 9, 18, 9, 0))
    assert staff_code(db, r["Q9-002"]["staff_id"]) == "0102"
    service_records.commit_import(db, p)
    assert picked(measures(db, "2024-Q3")["0101"], *REQ) == (2, 2, 2, 2.0)
    assert picked(measures(db, "2024-08")["0102"], *REQ) == (0, 1, 1, 4.0)


def test_a_problem_on_a_later_sheet_names_that_sheet_and_its_column(db, tmp_path):
    from openpyxl import Workbook

    load_roster(db)
    wb = Workbook()
    july = wb.active
    july.title = "7月"
    july.append(["办件编号", "受理人", "受理时间", "承诺时限"])
    july.append(["A1", "林志强", "2024-07-01 09:00", 3])
    august = wb.create_sheet("8月")
    august.append(["办件编号", "联系电话", "受理人", "受理时间", "承诺时限"])
    august.append(["A2", "", "林志强", "2024-08-32 09:00", 3])
    path = tmp_path / "两月.xlsx"
    wb.save(path)
    p = service_records.preview_import(db, path)
    assert [x.line() for x in p.problems] == [
        "两月.xlsx，工作表“8月”，第 2 行，列“D（受理时间）”，值“2024-08-32 09:00”："
        "无法识别的日期时间（应如 2024-04-02 09:30 或 2024年4月2日）"]
    assert p.columns["accepted"] == "C（受理时间）"  # the first sheet's, for the summary


def test_requests_and_ratings_on_two_sheets_imported_once_each(db):
    """A station's monthly report: 办件 on one sheet, 评价 on the next. The first import takes
    the 办件 and says the ratings are left for --kind ratings; that import is not "imported
    before". A 5-day limit from Tuesday 09-10 ends on 09-18 (09-14 worked, 09-15…17 off)."""
    load_roster(db)
    name = "donghu_yuebao_2024-09.xlsx"
    p = preview(db, name)
    assert (p.kind, p.sheet, p.new, p.other_kinds) == ("requests", "办件", 2, [("评价", "ratings")])
    assert p.summary().endswith("；工作表“评价”是好差评记录，未读取，请另行导入（命令行加 --kind ratings）")
    service_records.commit_import(db, p)
    q = preview(db, name, "ratings")
    assert (q.kind, q.sheet, q.new, q.imported_before) == ("ratings", "评价", 2, False)
    service_records.commit_import(db, q)
    m = measures(db, "2024-09")
    assert picked(m["0201"], *REQ, "ratings", "bad_ratings") == (1, 1, 0, 6.0, 1, 1)
    assert picked(m["0202"], *REQ, "ratings", "satisfied_rate") == (1, 1, 1, None, 1, 1.0)
    assert preview(db, name).imported_before and preview(db, name, "ratings").imported_before


def test_stars_every_way(db):
    """好差评 评价明细 with ★★★★☆, hollow ☆☆☆☆☆ (the national 标识), 4星, 五星, 5, 满意（4星）."""
    load_roster(db)
    p = preview(db, "pingjia_xingji_2024-07.xlsx")
    assert (p.kind, p.layout, p.rows, p.new) == ("ratings", "表头第2行", 8, 8)
    assert p.columns["level"] == "F（评价星级）"
    assert [r[3] for r in p.records] == [5, 4, 5, 4, 5, 5, 1, 4]
    r = records(p)
    assert picked(r["PJ202407190001"], "staff_id", "request_no") == (None, "")  # the station
    assert r["PJ202407220001"]["content"] == "等候时间太长，窗口只开一个"
    service_records.commit_import(db, p)
    m = measures(db, "2024-07")
    assert picked(m["0101"], "ratings", "satisfied_rate", "bad_ratings") == (2, 0.5, 1)
    assert picked(m["0102"], "ratings", "satisfied_rate", "bad_ratings") == (2, 1.0, 0)
    units = measures(db, "2024-07", "unit")
    assert units["HL02"]["ratings"] == 3


def test_summary_sheet_first_and_serial_dates(db):
    """A city 好差评 report: a 汇总 sheet before the 评价明细 one, 评价ID, 业务流水号, 被评价人员 /
    窗口人员工号, dates as bare serial numbers, a 差评 rectified and visited."""
    load_roster(db)
    p = preview(db, "haochaping_liangbiao_2024-08.xlsx")
    assert (p.kind, p.sheet, p.rows, p.new) == ("ratings", "评价明细", 5, 5)
    assert p.columns["rect_note"] == "K（整改结果）"
    r = records(p)
    assert picked(r["E0804"], "level", "rated_at", "rect_done_at", "visit_at", "visit_result") == (
        2, datetime(2024, 8, 8, 10, 0), datetime(2024, 8, 23, 12, 0),
        datetime(2024, 8, 24, 10, 0), "满意")
    assert picked(r["E0801"], "request_no", "channel") == ("44030020240715000101", "pc端")
    service_records.commit_import(db, p)
    m = measures(db, "2024-08")
    # rated Thursday 08-08: the 15th working day after is 08-29; rectified 08-23
    assert picked(m["0202"], "ratings", "satisfied_rate", "bad_ratings",
                  "bad_rectified_in_time") == (2, 0.5, 1, 1)
    assert picked(m["0201"], "ratings", "satisfied_rate") == (2, 1.0)


def test_excel_2003_xml_saved_as_xls(db):
    """SpreadsheetML with an .xls name: typed cells, a merged title, a cell placed by ss:Index."""
    load_roster(db)
    p = preview(db, "pingjia_xmlbiaoge_2024-08.xls")
    assert (p.kind, p.sheet, p.layout, p.rows, p.new) == ("ratings", "评价明细", "表头第2行", 3, 3)
    r = records(p)
    assert [x["level"] for x in r.values()] == [5, 2, 4]
    assert picked(r["X0803"], "request_no", "channel", "rated_at") == (
        "", "二维码", datetime(2024, 8, 12, 11, 0))
    service_records.commit_import(db, p)
    assert picked(measures(db, "2024-08")["0301"], "ratings", "satisfied_rate", "bad_ratings") == (
        2, 0.5, 1)


def test_ods_with_numbers_for_levels(db):
    load_roster(db)
    p = preview(db, "pingjia_wps_2024-09.ods")
    assert (p.kind, p.sheet, p.rows, p.new) == ("ratings", "评价列表", 3, 3)
    assert p.columns["level"] == "D（满意度）"
    r = records(p)
    assert [x["level"] for x in r.values()] == [5, 2, 4]
    assert picked(r["WPS-0902"], "rated_at", "request_no") == (
        datetime(2024, 9, 9, 9, 40), "BJ2409020002")
    assert staff_code(db, r["WPS-0901"]["staff_id"]) == "0302"  # 邓芳(0302)
    assert staff_code(db, r["WPS-0902"]["staff_id"]) == "0301"  # 何晓东/0301
    assert not p.unmatched


def test_hotline_work_orders_keep_only_complaints(db):
    """12345 工单: 咨询 / 求助 / 建议 / 举报 rows skipped, 是否属实 是 / 否 / blank."""
    load_roster(db)
    p = preview(db, "gongdan_12345_2024-07.xlsx")
    assert (p.kind, p.layout, p.rows, p.new, p.skipped) == ("complaints", "表头第3行", 7, 3, 4)
    assert p.columns["at"] == "E（来电时间）"
    r = records(p)
    assert [(n, x["verdict"], x["valid"]) for n, x in r.items()] == [
        ("GD20240709000456", "是", True), ("GD20240711000789", "否", False),
        ("GD20240722000654", "", False)]
    assert r["GD20240709000456"]["at"] == datetime(2024, 7, 9, 15, 2, 10)
    service_records.commit_import(db, p)
    units = measures(db, "2024-07", "unit")
    assert [picked(units[c], "complaints", "valid_complaints") for c in ("HL01", "HL02", "HL03")] \
        == [(1, 0), (1, 1), (1, 0)]


def test_gbk_csv_register_with_verdict_sentences(db):
    load_roster(db)
    p = preview(db, "tousu_taizhang_2024-09.csv")
    assert (p.kind, p.layout, p.rows, p.new) == ("complaints", "表头第2行", 4, 4)
    r = records(p)
    assert [x["valid"] for x in r.values()] == [True, True, False, False]
    assert picked(r["TS-2409-02"], "verdict", "at", "closed_at", "source") == (
        "经核实，部分属实", datetime(2024, 9, 10), datetime(2024, 9, 20), "来信")
    assert picked(r["TS-2409-04"], "staff_id", "content") == (None, "午休时间无人值守")
    service_records.commit_import(db, p)
    m = measures(db, "2024-09")
    assert picked(m["0102"], "complaints", "valid_complaints") == (1, 1)
    assert picked(m["0201"], "complaints", "valid_complaints") == (1, 0)


def test_every_unseen_file_twice_adds_nothing(db):
    load_roster(db)
    names = sorted(f.name for f in UNSEEN.iterdir()
                   if f.suffix in (".xlsx", ".xls", ".csv", ".ods") and f.stem != "ziding_geshi")
    added = {n: service_records.import_file(db, UNSEEN / n).added for n in names}
    assert service_records.import_file(db, UNSEEN / "donghu_yuebao_2024-09.xlsx", "ratings").added == 2
    assert sum(added.values()) == 6 + 5 + 4 + 4 + 5 + 2 + 8 + 5 + 3 + 3 + 3 + 4
    again = [service_records.preview_import(db, UNSEEN / n) for n in names]
    assert [(p.new, p.imported_before) for p in again] == [(0, True)] * len(names)


def test_an_unknown_layout_names_what_is_missing_and_maps_once(db, tmp_path):
    """Headers no platform uses: the reader says what it needs and where to map the columns;
    the mapping dialog's source (service_layout) shows the header; mapped once, remembered
    for that header shape, the same layout then imports by itself."""
    load_roster(db)
    path = UNSEEN / "ziding_geshi.xlsx"
    with pytest.raises(InputError) as err:
        service_records.preview_import(db, path)
    (problem,) = err.value.problems
    assert problem.file == "ziding_geshi.xlsx" and problem.value == "单据号|日子|打分|谁办的|备注"
    assert "没有找到办件、好差评或投诉记录的表头" in problem.reason
    assert "“指定列”" in problem.reason
    headers = service_layout.file_headers(path)
    assert (headers.header_row, headers.columns) == (1, ("单据号", "日子", "打分", "谁办的", "备注"))
    mapping = {"__kind__": "ratings", "no": "单据号", "at": "日子", "level": "打分",
               "person_name": "谁办的", "content": "备注"}
    p = service_records.preview_import(db, path, "ratings", mapping)
    assert not p.problems and [(r[0], r[3]) for r in p.records] == [("D-001", 5), ("D-002", 2)]
    service_records.commit_import(db, p, remember=mapping)
    copy = tmp_path / "下月.xlsx"
    copy.write_bytes(path.read_bytes())
    assert service_records.preview_import(db, copy).existing == 2  # read by itself now


def test_a_kind_forced_on_the_wrong_file_names_its_columns(db):
    load_roster(db)
    with pytest.raises(InputError) as err:
        service_records.preview_import(db, UNSEEN / "pingjia_xingji_2024-07.xlsx", "complaints")
    reason = err.value.problems[0].reason
    assert reason.startswith("像是投诉记录，但找不到这些列：投诉编号（或 工单编号、编号、投诉单号）；"
                             "投诉时间（或 投诉日期、交办时间、登记时间）")


def test_a_missing_column_is_named_in_words(db, tmp_path):
    """A problem about a field the file has no column for names the field (姓名), not its key."""
    from openpyxl import Workbook

    load_roster(db)
    wb = Workbook()
    wb.active.append(["评价编号", "评价等级", "评价时间"])
    wb.active.append(["R1", "满意", "2024-07-01 09:00"])
    path = Path(tmp_path / "无人.xlsx")
    wb.save(path)
    p = service_records.preview_import(db, path)
    assert [(x.row, x.column) for x in p.problems] == [(2, "姓名")]


def test_numbers_excel_cut_to_15_digits_are_named(db, tmp_path):
    """A 20-digit 业务流水号 typed into a number cell keeps 15 significant digits: two
    different 办件 become one number. Refused with the reason, not merged as duplicates —
    in a workbook (a float cell) and in the CSV Excel writes (4.40300202407150E+19)."""
    from openpyxl import Workbook

    load_roster(db)
    header = ["*业务流水号", "事项名称", "受理人", "受理时间【收件】", "承诺时限[工作日]", "办结时间"]
    wb = Workbook()
    wb.active.append(header)
    wb.active.append([44030020240715000101, "居住证申领", "陈国栋", "2024-07-15 09:00", 0,
                      "2024-07-15 09:30"])
    wb.active.append(["44030020240715000102", "居住证申领", "陈国栋", "2024-07-15 10:00", 0,
                      "2024-07-15 10:30"])
    book = tmp_path / "数字编号.xlsx"
    wb.save(book)
    p = service_records.preview_import(db, book)
    assert p.columns["no"] == "A（*业务流水号）" and p.columns["limit"] == "E（承诺时限[工作日]）"
    assert [(x.row, x.column, x.value) for x in p.problems] == [
        (2, "A（*业务流水号）", "4.40300202407150E+19")]  # as Excel shows it
    assert p.problems[0].reason.startswith("编号超过 15 位却存成了数字")
    assert p.new == 1
    csv = tmp_path / "数字编号.csv"
    csv.write_bytes("\r\n".join([
        ",".join(header),
        "4.40300202407150E+19,居住证申领,陈国栋,2024-07-15 09:00,0,2024-07-15 09:30",
        "4.40300202407150E+19,居住证申领,陈国栋,2024-07-15 10:00,0,2024-07-15 10:30",
    ]).encode("gbk"))
    q = service_records.preview_import(db, csv)
    assert [(x.row, x.value) for x in q.problems] == [(3, "4.40300202407150E+19")]
    assert (q.duplicates, q.new) == (0, 1)


def test_a_csv_whose_title_and_sign_off_are_single_cells(db, tmp_path):
    """A CSV written line by line (a script, not Excel): the title and the 制表人 line have
    one field each. Read as a table; problems keep the file's line numbers."""
    load_roster(db)
    path = tmp_path / "投诉.csv"
    path.write_text("\n".join([
        "红岭街道投诉登记（2024年9月）",
        "投诉编号,投诉时间,被投诉人,核实结果",
        "C1,2024-09-02 10:00,林志强,属实",
        "C2,2024-09-31 10:00,黄丽萍,不属实",
        "C3,2024/9/5,陈国栋,",
        "制表人：王红",
    ]) + "\n", encoding="utf-8")
    p = service_records.preview_import(db, path)
    assert (p.kind, p.layout, p.rows) == ("complaints", "表头第2行", 3)
    assert [(x.row, x.column, x.value) for x in p.problems] == [(4, "B（投诉时间）", "2024-09-31 10:00")]
    assert [(r[0], r[5]) for r in p.records] == [("C1", True), ("C3", False)]


def test_a_one_record_csv_with_a_title_and_a_sign_off_line(db, tmp_path):
    load_roster(db)
    path = tmp_path / "一条.csv"
    path.write_text("红岭街道投诉登记\n投诉编号,投诉时间,被投诉人,核实结果\nC1,2024-09-02 10:00,林志强,属实\n"
                    "制表人：王红\n", encoding="utf-8")
    p = service_records.preview_import(db, path)
    assert (p.rows, p.new, p.problems) == (1, 1, [])
