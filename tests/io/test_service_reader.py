"""Reading a service export row by row (`ParsedService.take`): Excel row numbers kept under
title rows, blank and total rows skipped wherever the number column is, a field the file
lacks read as None, short rows of a text export padded, the rows handed over only once."""

from __future__ import annotations

from datetime import datetime

import pytest
from service_data import export_xlsx

from kaohe_desktop.io.service import read_service

HEADER = ["序号", "办件编号", "事项名称", "受理部门", "受理人", "受理时间", "承诺时限", "办结时间"]


def workbook(path, rows):
    return export_xlsx(path, None, rows, sheet="办件")


def test_rows_numbered_as_in_excel_with_totals_and_blanks_skipped(tmp_path):
    path = workbook(tmp_path / "办件.xlsx", [
        ["某平台办件明细"],
        ["导出时间：2024-07-01"],
        HEADER,
        [1, "B1", "社保卡申领", "红岭街道便民服务中心", "林志强", "2024-04-02 09:02:14", 0,
         datetime(2024, 4, 2, 9, 30)],
        [],
        [2, "B2", "  医保变更 ", "", "黄丽萍", "2024/4/3 9:00", "5个工作日", None],
        ["合 计", None, None, None, None, None, None, None],      # number empty: a total
        ["总计", "2", None, None, None, None, None, None],         # number filled, still a total
        ["小王", "B3", "低保", "", "", "2024-04-05", 3, None],    # a name, not a total word
        [3, "小计：B4", "x", "", "", "", "", ""],                 # the first value is the 序号
    ])
    parsed = read_service(path)
    assert parsed.kind == "requests" and parsed.layout == "表头第3行"
    got = {row: dict(zip(parsed.fields, values, strict=True)) for row, values in parsed.take()}
    assert list(got) == [4, 6, 9, 10]
    first = got[4]
    assert first["no"] == "B1" and first["accepted"] == "2024-04-02 09:02:14"
    assert first["finished"] == datetime(2024, 4, 2, 9, 30)
    assert first["person_code"] is None and first["status"] is None  # columns the file lacks
    assert got[6]["matter"] == "  医保变更 "  # raw: the service converts and names problems
    assert got[10]["no"] == "小计：B4"


def test_rows_are_taken_once_and_progress_reaches_the_end(tmp_path):
    path = workbook(tmp_path / "办件.xlsx", [HEADER] + [
        [k, f"B{k}", "事项", "", "林志强", "2024-04-02 09:00:00", 1, ""] for k in range(1, 4)])
    seen = []
    parsed = read_service(path, progress=lambda done, total: seen.append((done, total)))
    assert len(list(parsed.take())) == 3
    assert seen[-1] == (4, 4)
    with pytest.raises(RuntimeError):
        parsed.take()


def test_a_text_export_with_short_rows(tmp_path):
    path = tmp_path / "办件.csv"
    path.write_text("\n".join([
        ",".join(HEADER),
        "1,B1,社保卡申领,红岭街道便民服务中心,林志强,2024-04-02 09:02:14,0,2024-04-02 09:30:00",
        "2,B2,医保变更,,黄丽萍,2024-04-03 09:00:00",          # the last columns left off
        "3,B3,低保,,何晓东,2024-04-05 10:00:00,3,",
        "4,B4,低保,,何晓东,2024-04-05 10:00:00,3,",
        "5,B5,低保,,何晓东,2024-04-05 10:00:00,3,",
    ]) + "\n", encoding="utf-8")
    parsed = read_service(path)
    rows = {row: dict(zip(parsed.fields, values, strict=True)) for row, values in parsed.take()}
    assert list(rows) == [2, 3, 4, 5, 6]
    assert rows[3]["limit"] == "" and rows[3]["finished"] == ""   # padded: present but empty
    assert rows[3]["person_code"] is None                         # not in the file at all


def test_sign_off_rows_under_the_table_are_not_records(tmp_path):
    """制表人 / 审核人 / 导出时间 / 注： lines, in the 序号 column or in the number column
    itself, are skipped like totals; a record whose number merely starts with such a
    character is kept."""
    path = workbook(tmp_path / "办件.xlsx", [
        HEADER,
        [1, "B1", "社保卡申领", "", "林志强", "2024-04-02 09:02:14", 0, None],
        [2, "制证2024001", "证照", "", "林志强", "2024-04-02 10:00", 0, None],
        ["制表人：王红", None, None, None, "审核人：", None, None, None],
        [None, "导出时间：2024-08-01 08:30", None, None, None, None, None, None],
        ["注：本表数据截至 2024 年 7 月 31 日"],
        [None, "打印日期 2024-08-01"],
    ])
    parsed = read_service(path)
    assert [(row, values[0]) for row, values in parsed.take()] == [(2, "B1"), (3, "制证2024001")]
