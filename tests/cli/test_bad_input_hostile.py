"""Hostile files through the command line (issue 14, items 1, 4, 5, 9): zip bombs, ranges
too large for memory, truncated .xls headers, Excel error and NaN cells, malformed rubric
JSON, look-alike text, a --db that is no database. Each: exit 2, one Chinese reason naming
the file, no traceback, the database unchanged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hostile_files import (
    ERROR_CELL,
    INF_CELL,
    MB,
    NAN_CELL,
    attlog_with_junk,
    deflate_ratio,
    far_cell_xlsx,
    ods_with_error_cell,
    raw_cell_xlsx,
    tall_xlsx,
    truncated_xls,
    xls_with_error_cell,
    xlsx,
    xlsx_bomb,
)
from openpyxl import load_workbook

UNIT_HEADER = ["编号", "名称", "所属街道"]
STAFF_HEADER = ["编号", "姓名", "所属单位"]
ATT_HEADER = ["登记号码", "姓名", "日期时间"]


def refused(r, *words: str) -> None:
    assert r.code == 2, f"exit {r.code}: {r.err!r}"
    assert "Traceback" not in r.err and "Error:" not in r.err.replace("错误：", ""), r.err
    assert r.out == "", r.out
    for w in words:
        assert w in r.err, f"{w!r} not in {r.err!r}"


def run_import(kaohe, small, command: str, path: Path):
    if command == "scores":
        return kaohe("scores", "import", small.id, path, "--assessor", "张三")
    if command == "attendance":
        return kaohe("attendance", "import", path)
    return kaohe(command, "import", path)


HEADERS = {"unit": UNIT_HEADER, "staff": STAFF_HEADER, "attendance": ATT_HEADER,
           "scores": ["编号", "名称", "1.1 能够正常运转（20分）"]}
COMMANDS = list(HEADERS)


@pytest.mark.parametrize("command", COMMANDS)
def test_zip_bomb_is_refused_from_the_directory(kaohe, small, tmp_path, snapshot, command):
    path = xlsx_bomb(tmp_path / "炸弹.xlsx", HEADERS[command], 48 * MB)
    assert path.stat().st_size < 1 * MB and deflate_ratio(path) > 100
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "炸弹.xlsx", "压缩炸弹")
    assert snapshot() == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind, words", [
    ("far", ["XFD", "单元格的上限"]),
    ("tall", ["2000000", "1048576"]),
    ("wide-unreferenced", ["个单元格"]),
])
def test_range_too_large_for_memory(kaohe, small, tmp_path, snapshot, command, kind, words):
    """A few hundred bytes that python-calamine would expand into billions of cells
    (it aborts the process: no exception could catch that)."""
    path = tmp_path / "范围.xlsx"
    if kind == "far":
        far_cell_xlsx(path, HEADERS[command])
    elif kind == "tall":
        tall_xlsx(path, HEADERS[command])
    else:  # cells without r=: calamine counts them, so the row's cell count is the width
        xlsx(path, {"Sheet1": "<row>" + "<c><v>1</v></c>" * 20_000 + "</row>"})
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "范围.xlsx", *words)
    assert snapshot() == before


@pytest.mark.parametrize("command", COMMANDS)
def test_truncated_xls_header(kaohe, small, tmp_path, snapshot, command):
    path = truncated_xls(tmp_path / "半截.xls")
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "半截.xls", "结构不完整")
    assert snapshot() == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("raw, words", [
    (ERROR_CELL, ["Excel 错误值 #DIV/0!", "第 2 行", "列“C”", "工作表“Sheet1”"]),
    ('<c r="{ref}" t="e"><v>#N/A</v></c>', ["#N/A", "第 2 行", "列“C”"]),
    (NAN_CELL, ["NaN", "第 2 行", "列“C”"]),
    (INF_CELL, ["无穷大", "第 2 行", "列“C”"]),
])
def test_error_and_nan_cells(kaohe, small, tmp_path, snapshot, command, raw, words):
    row = {"unit": ["FR09", "金桥社区便民服务站", "芙蓉街道"],
           "staff": ["P1", "王伟", "FR01"],
           "attendance": ["1001", "王伟", "2024-03-01 08:00"],
           "scores": ["FR01", "东风社区便民服务站", 18]}[command]
    path = raw_cell_xlsx(tmp_path / "错误值.xlsx", HEADERS[command], row, {2: raw})
    if command == "attendance" and "t=\"e\"" not in raw:
        # the attendance reader refuses a NaN date-time cell itself, naming it the same way
        words = ["第 2 行", "列“C"]
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "错误值.xlsx", *words)
    assert snapshot() == before


def test_error_cell_written_by_openpyxl(kaohe, small, template, tmp_path, snapshot):
    """An error value as Excel saves it (openpyxl writes '#VALUE!' as an error cell)."""
    wb = load_workbook(template)
    ws = wb["评分表"]
    ws["C3"] = 18
    ws["D4"] = "#VALUE!"
    assert ws["D4"].data_type == "e"
    path = tmp_path / "公式出错.xlsx"
    wb.save(path)
    before = snapshot()
    refused(kaohe("scores", "import", small.id, path, "--assessor", "张三"),
            "公式出错.xlsx", "工作表“评分表”", "第 4 行", "列“D”", "#VALUE!")
    assert snapshot() == before


def test_error_cell_in_a_legacy_xls(kaohe, tmp_path, snapshot):
    """A .xls (BIFF8) error cell, which python-calamine reads as a blank, is refused
    naming sheet, row and column, as in an .xlsx."""
    kaohe.ok("demo")
    source = Path(__file__).parent.parent / "fixtures" / "service" / "daiban_taizhang_xiling.xls"
    row, col = xls_with_error_cell(source, tmp_path / "代办台账.xls", code=0x2A)
    before = snapshot()
    refused(kaohe("service", "import", tmp_path / "代办台账.xls"), "代办台账.xls",
            "工作表“台账”", f"第 {row + 1} 行", f"列“{chr(65 + col)}”", "#N/A")
    assert snapshot() == before
    assert kaohe("service", "import", source, "--dry-run").code == 0  # the untouched file reads


@pytest.mark.parametrize("command", ["unit", "staff", "scores"])
def test_error_cell_in_an_ods(kaohe, small, tmp_path, snapshot, command):
    row = {"unit": ["FR09", "金桥社区便民服务站", "芙蓉街道"],
           "staff": ["P1", "王伟", "FR01"],
           "scores": ["FR01", "东风社区便民服务站", 18]}[command]
    path = ods_with_error_cell(tmp_path / "表格.ods", HEADERS[command], row, error_column=2)
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "表格.ods", "工作表“Sheet1”", "第 4 行",
            "列“C”", "#DIV/0!")
    assert snapshot() == before


def test_score_workbook_with_only_meta(kaohe, small, template, tmp_path, snapshot):
    wb = load_workbook(template)
    for name in wb.sheetnames:
        if name != "_meta":
            del wb[name]
    wb["_meta"].sheet_state = "visible"
    path = tmp_path / "只有meta.xlsx"
    wb.save(path)
    before = snapshot()
    refused(kaohe("scores", "import", small.id, path, "--assessor", "张三"), "只有meta.xlsx", "没有评分表")
    assert snapshot() == before


def test_nan_in_meta(kaohe, small, tmp_path, snapshot):
    path = xlsx(tmp_path / "meta.xlsx", {
        "评分表": '<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c></row>',
        "_meta": '<row r="1"><c r="A1" t="inlineStr"><is><t>assessment_id</t></is></c>'
                 '<c r="B1"><v>NaN</v></c></row>'})
    before = snapshot()
    refused(kaohe("scores", "import", small.id, path, "--assessor", "张三"), "meta.xlsx", "_meta", "NaN")
    assert snapshot() == before


def test_attlog_with_junk_lines(kaohe, small, tmp_path, snapshot):
    path = attlog_with_junk(tmp_path / "1_attlog.dat", junk=400 * 80)
    before = snapshot()
    refused(kaohe("attendance", "import", path), "1_attlog.dat")
    assert snapshot() == before


# ----------------------------------------------------------------------------- rubric JSON


def _cy2019(kaohe, tmp_path: Path) -> dict:
    path = tmp_path / "cy.json"
    kaohe.ok("rubric", "export", "CY2019", path)
    return json.loads(path.read_text(encoding="utf-8"))


RUBRIC_CASES = {
    "nested-10000": (lambda raw: "[" * 10_000 + "]" * 10_000, ["嵌套"]),
    "items-string": (lambda raw: {**raw, "items": "全部"}, ["items", "列表"]),
    "children-5": (lambda raw: {**raw, "items": [{**raw["items"][0], "children": 5}]},
                   ["children", "列表"]),
    "nan": (lambda raw: json.dumps(raw).replace('"full_marks": 100', '"full_marks": NaN'), ["NaN"]),
    "infinity": (lambda raw: json.dumps(raw).replace('"full_marks": 100', '"full_marks": -Infinity'),
                 ["Infinity"]),
    "1e30": (lambda raw: json.dumps(raw).replace('"full_marks": 100', '"full_marks": 1E+30'),
             ["超出范围"]),
    "1e-999999": (lambda raw: json.dumps(raw).replace('"full_marks": 100', '"full_marks": 1E-999999'),
                  ["超出范围"]),
    "version-10^30": (lambda raw: {**raw, "version": 10 ** 30}, ["数字过长"]),
    "lone-surrogate": (lambda raw: json.dumps({**raw, "name": "细则\ud800"}), ["代理项"]),
    "items-numbers": (lambda raw: {**raw, "items": [1, 2]}, ["对象"]),
    "bonus-list": (lambda raw: {**raw, "bonus": [1]}, ["bonus", "对象"]),
    "title-dict": (lambda raw: {**raw, "items": [{**raw["items"][0], "title": {"a": 1}}]},
                   ["title", "文字"]),
    "zero-width-code": (lambda raw: {**raw, "code": "CY2019\u200b"}, ["不可见字符"]),
}


@pytest.mark.parametrize("case", list(RUBRIC_CASES))
def test_hostile_rubric_json(kaohe, tmp_path, snapshot, case):
    make, words = RUBRIC_CASES[case]
    raw = _cy2019(kaohe, tmp_path)
    raw["full_marks"] = 100
    body = make(raw)
    path = tmp_path / "细则.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False),
                    encoding="utf-8", errors="surrogatepass")
    before = snapshot()
    refused(kaohe("rubric", "import", path), "细则.json", *words)
    assert snapshot() == before


# ----------------------------------------------------------------------------- limits, look-alikes


def test_zero_width_code_does_not_become_a_second_unit(kaohe, units4, tmp_path, books, snapshot):
    path = books.write_rows(tmp_path / "单位.xlsx", [UNIT_HEADER, ["FR01\u200b", "东风", "芙蓉街道"]])
    before = snapshot()
    refused(kaohe("unit", "import", path), "单位.xlsx", "第 2 行", "列“A”", "不可见字符", "U+200B")
    assert snapshot() == before


def test_full_width_code_is_the_same_unit(kaohe, units4, tmp_path, books, rows_in):
    path = books.write_rows(tmp_path / "单位.xlsx",
                            [UNIT_HEADER, ["ＦＲ０１", "东风社区便民服务站", "芙蓉街道"]])
    kaohe.ok("unit", "import", path)
    assert rows_in("unit") == 4


@pytest.mark.parametrize("command, header, row, column", [
    ("unit", UNIT_HEADER, ["FR09", "名" * 100_000, "芙蓉街道"], "B"),
    ("staff", STAFF_HEADER, ["P1", "王" * 101, "FR01"], "B"),
    ("unit", UNIT_HEADER, ["F" * 51, "金桥", "芙蓉街道"], "A"),
])
def test_value_longer_than_the_column(kaohe, units4, tmp_path, books, snapshot,
                                      command, header, row, column):
    path = books.write_rows(tmp_path / "过长.xlsx", [header, row])
    before = snapshot()
    r = kaohe(command, "import", path)
    refused(r, "过长.xlsx", f"列“{column}”", "过长", "最多")
    assert len(r.err) < 400, "the value is echoed only as its first 50 characters"
    assert snapshot() == before


def test_bidi_control_in_a_name(kaohe, units4, tmp_path, books, snapshot):
    path = books.write_rows(tmp_path / "人员.xlsx", [STAFF_HEADER, ["P1", "王\u202e伟", "FR01"]])
    before = snapshot()
    refused(kaohe("staff", "import", path), "人员.xlsx", "U+202E")
    assert snapshot() == before


def test_event_date_outside_the_period(kaohe, small, snapshot):
    before = snapshot()
    refused(kaohe("event", "add", small.id, "FR01", "B2", "3", "--date", "2023-12-31"),
            "2023-12-31", "周期")
    assert snapshot() == before


def test_event_matter_with_zero_width(kaohe, small, snapshot):
    before = snapshot()
    refused(kaohe("event", "add", small.id, "FR01", "B2", "3", "--matter", "省级\u200b媒体"), "不可见")
    assert snapshot() == before


# ----------------------------------------------------------------------------- --db


@pytest.mark.parametrize("kind, words", [
    ("text", ["不是本程序的数据库"]),
    ("folder", ["文件夹"]),
    ("half", ["不完整"]),
    ("header-only", ["不完整"]),
])
@pytest.mark.sqlite_only("--db naming a file that is not a (whole) SQLite database")
def test_db_that_is_not_a_database(kaohe, units4, db_path, tmp_path, kind, words, capsys):
    target = tmp_path / "坏库.db"
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = db_path.read_bytes()
    if kind == "text":
        target.write_text("这不是数据库\n", encoding="utf-8")
    elif kind == "folder":
        target.mkdir()
    elif kind == "half":
        target.write_bytes(data[:len(data) // 2])
    else:
        target.write_bytes(data[:100])
    before = target.read_bytes() if target.is_file() else None
    r = type(kaohe)(target, capsys)("unit", "list")
    refused(r, "坏库.db", *words)
    if before is not None:
        assert target.read_bytes() == before, "the file was written to"


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", [*COMMANDS, "service", "rubric"])
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_pipe_or_device_is_refused_without_reading_it(kaohe, small, tmp_path, snapshot,
                                                        command, kind):
    """/dev/zero reads as 0 bytes long and never ends; a FIFO blocks until written. Either
    would hang an importer that reads it: each is refused before it is opened."""
    import os

    if kind == "pipe":
        path = tmp_path / "管道.xlsx"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero")
    before = snapshot()
    r = run_import(kaohe, small, command, path)
    refused(r, "不是普通文件")
    assert snapshot() == before


@pytest.mark.parametrize("command", ["unit", "staff", "attendance", "service"])
def test_a_row_of_values_repeated_a_million_times_is_refused(kaohe, small, tmp_path, snapshot,
                                                             command):
    """A few hundred bytes of .ods whose one row of values is `number-rows-repeated` a
    million times: calamine would spread it into a million rows (1.6 GB and 40 s in the
    roster import). Refused from the repeat count, before calamine reads it."""
    from hostile_files import ods_file, ods_row

    header = HEADERS.get(command, ["办件编号", "受理时间", "承诺时限"])
    path = ods_file(tmp_path / "重复行.ods", [ods_row(header), ods_row(["X1", "某某", "东街"], 1_000_000)])
    assert path.stat().st_size < 4096
    before = snapshot()
    refused(run_import(kaohe, small, command, path), "重复行.ods", "重复行", "1,000,000")
    assert snapshot() == before


def test_a_libreoffice_sheet_with_its_empty_tail_and_repeated_rows_is_read(kaohe, units4,
                                                                            tmp_path):
    """What LibreOffice writes is not a bomb: identical rows saved as one repeated row
    (here 5,000 rows of three values, read in full) and the empty rows to the sheet's end as
    one row repeated 1,048,570 times."""
    from hostile_files import ODS_EMPTY_TAIL, ods_file, ods_row

    from kaohe_desktop.io.workbook import read_workbook

    rows = [ods_row(UNIT_HEADER)] + [ods_row([f"LO{i:02d}", f"新站{i}", "芙蓉街道"]) for i in range(3)]
    r = kaohe("unit", "import", ods_file(tmp_path / "站点.ods", [*rows, ODS_EMPTY_TAIL]))
    assert r.code == 0, r.err
    assert "新增 3 条" in r.out
    same = ods_file(tmp_path / "相同行.ods", [ods_row(UNIT_HEADER), ods_row(["X", "同名", "东街"], 5000),
                                           ODS_EMPTY_TAIL])
    (sheet,) = read_workbook(same)
    filled = [row for row in sheet.rows if any(row)]
    assert len(filled) == 5001 and filled[-1] == ["X", "同名", "东街"]


@pytest.mark.parametrize(("case", "word"), [("entity", "实体"), ("no-manifest", "缺少")])
def test_a_broken_ods_is_named_in_chinese_only(kaohe, small, tmp_path, snapshot, case, word):
    """calamine's own English ("file not found in archive", "unrecognized entity") never
    reaches the user: the reason is said in Chinese."""
    import re

    from hostile_files import ods_file, ods_row

    doctype = ("<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;'>]>"
               if case == "entity" else "")
    body = ['<table:table-row><table:table-cell office:value-type="string"><text:p>&b;</text:p>'
            "</table:table-cell></table:table-row>"] if case == "entity" else [ods_row(UNIT_HEADER)]
    path = ods_file(tmp_path / "坏.ods", body, doctype=doctype, manifest=case == "entity")
    for command in ("unit", "attendance", "service"):
        before = snapshot()
        r = run_import(kaohe, small, command, path)
        refused(r, "坏.ods", word)
        # English words of calamine's: none (a part's own name, META-INF/manifest.xml, may show)
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"坏\.ods|META-INF/manifest\.xml", "", r.err)), r.err
        assert snapshot() == before
