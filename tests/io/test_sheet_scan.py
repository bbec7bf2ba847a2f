"""The sheet scan before python-calamine (io/sheet_scan via container_check): every way
of writing a far or dense range is refused, however the XML spells its cells; error and
NaN cells are found wherever they fall, including across the scan's block boundaries;
ordinary sheets pass and read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile_files import rows_xml, xlsx
from python_calamine import CalamineWorkbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io import sheet_scan
from kaohe_desktop.io.container_check import check_workbook

HEADER = rows_xml([["登记号码", "姓名", "日期时间"]])


def check(path: Path):
    return check_workbook(str(path), path.name, path.read_bytes()[:8], path.stat().st_size)


def refused(path: Path, *words: str) -> str:
    with pytest.raises(InputError) as exc:
        check(path)
    text = str(exc.value)
    assert path.name in text
    for word in words:
        assert word in text, text
    return text


@pytest.mark.parametrize("cells", [
    '<c r="XFD1048576"><v>1</v></c>',                       # the plain far cell
    "<c r='XFD1048576'><v>1</v></c>",                       # single quotes
    '<c r = "XFD1048576"><v>1</v></c>',                     # spaces around =
    '<c s="0" r="XFD1048576"><v>1</v></c>',                 # r not first
    '<c\nr="XFD1048576"><v>1</v></c>',                      # a newline inside the tag
    '<c r="xfd1048576"><v>1</v></c>',                       # lower case (calamine reads it)
    '<c r="A1" r="XFD1048576"><v>1</v></c>',                # repeated r: calamine keeps the last
    '<c r="A1" t="n" r="XFD1048576"><v>1</v></c>',
    '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'r="XFD1048576"><x:v>1</x:v></x:c>',                    # a namespace prefix
    '<c r="Z500000"><v>1</v></c>',                          # 26 columns × 500,000 rows
    '<c r="A1048577"><v>1</v></c>',                         # past Excel's rows
])
def test_far_and_dense_ranges_are_refused_however_written(tmp_path, cells):
    path = xlsx(tmp_path / "远.xlsx", {"Sheet1": HEADER + f'<row r="2">{cells}</row>'})
    refused(path, "拒绝读取")


def test_a_row_of_cells_without_references_is_counted(tmp_path):
    wide = "<c><v>1</v></c>" * (sheet_scan.MAX_COLUMNS + 1)
    path = xlsx(tmp_path / "宽.xlsx", {"Sheet1": HEADER + f"<row>{wide}</row>"})
    refused(path, "个单元格")


def test_unreferenced_cells_after_a_far_row_are_bounded(tmp_path):
    """Cells without r take their place from the row and the cells before them: a row
    numbered 1,000,000 followed by a row of 20 unreferenced cells spans 20 million."""
    cells = "<c><v>1</v></c>" * 20
    path = xlsx(tmp_path / "混.xlsx", {"Sheet1": HEADER + '<row r="1000000"><c r="A1000000"><v>1'
                                       f'</v></c></row><row>{cells}</row>'})
    refused(path, "拒绝读取")


@pytest.mark.parametrize("cells", [
    '<c s="0" r="C2"><v>1</v></c>',                   # other attribute order: the exact path
    "<c r='C2'><v>1</v></c>",
    '<c r="J2"><v>1</v></c><c r="AB2"><v>2</v></c>',  # wider than the fast bound, still small
    '<c r="A2"/><c/><c><v>3</v></c>',
])
def test_unusual_but_small_sheets_pass_and_read(tmp_path, cells):
    path = xlsx(tmp_path / "小.xlsx", {"Sheet1": HEADER + f'<row r="2">{cells}</row>'})
    checked = check(path)
    assert checked.errors == {}
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python()
    assert len(rows) == 2


def _big_sheet(rows: int, extra: dict[int, str] | None = None) -> str:
    """Rows of a log as openpyxl writes them, with raw cells put in at given rows."""
    extra = extra or {}
    out = [HEADER]
    for r in range(2, rows + 2):
        cell = extra.get(r, f'<c r="C{r}" t="inlineStr"><is><t>2024-03-01 08:{r % 60:02d}</t></is></c>')
        out.append(f'<row r="{r}"><c r="A{r}" t="n"><v>{1000 + r % 50}</v></c>'
                   f'<c r="B{r}" t="inlineStr"><is><t>王伟{r % 50}</t></is></c>{cell}</row>')
    return "".join(out)


@pytest.mark.parametrize("raw, value", [
    ('<c r="C{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    ("<c r='C{r}' t='e'><v>#N/A</v></c>", "#N/A"),
    ('<c t="e" r="C{r}"><v>#REF!</v></c>', "#REF!"),
    ('<c r="C{r}"><v>NaN</v></c>', ""),
    ('<c r="C{r}" t="n"><f>A1/0</f><v>-Infinity</v></c>', ""),
])
def test_error_cells_are_found_in_every_block(tmp_path, monkeypatch, raw, value):
    """With small blocks the sheet is scanned in dozens of pieces: cells at the start,
    in the middle and at the very end are all found, with their row and column."""
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_scan, "_RAW_READ", 512)
    at = [2, 777, 1501]
    path = xlsx(tmp_path / "错.xlsx", {"Sheet1": _big_sheet(1500, {r: raw.format(r=r) for r in at})})
    cells = check(path).errors["Sheet1"]
    assert [(c.row, c.column) for c in cells] == [(r, "C") for r in at]
    assert all(c.value == value for c in cells) if value else all(c.nonfinite for c in cells)


def test_text_that_reads_nan_is_not_an_error(tmp_path):
    """A formula's text result 'nan' (t="str") or an inline 'inf' stays text in calamine."""
    path = xlsx(tmp_path / "文本.xlsx", {"Sheet1": HEADER + '<row r="2"><c r="A2" t="str"><f>"nan"'
                                         '</f><v>nan</v></c><c r="B2" t="inlineStr"><is><t>inf</t>'
                                         '</is></c><c r="C2" t="str"><v>#不是错误</v></c></row>'})
    assert check(path).errors == {}


def test_a_large_ordinary_sheet_takes_the_fast_path(tmp_path, monkeypatch):
    """The usual shape never needs the exact reading (which would read the sheet again)."""
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_scan, "_RAW_READ", 512)
    called = []
    monkeypatch.setattr(sheet_scan, "_exact_extent", lambda *a: called.append(a))
    path = xlsx(tmp_path / "常.xlsx", {"Sheet1": _big_sheet(3000)})
    assert check(path).errors == {}
    assert called == []


def test_a_damaged_sheet_is_refused(tmp_path):
    """A member whose deflated bytes were altered fails its CRC (or inflating) and is
    refused as damaged, not read."""
    path = xlsx(tmp_path / "坏.xlsx", {"Sheet1": _big_sheet(2000)})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 8] = bytes(8)
    path.write_bytes(bytes(data))
    refused(path, "损坏")


def _wide_sheet(rows: int, columns: int, first: int = 1) -> str:
    from hostile_files import letter
    return "".join(f'<row r="{r}">' + "".join(f'<c r="{letter(c)}{r}"><v>{c}</v></c>'
                                             for c in range(1, columns + 1)) + "</row>"
                   for r in range(first, first + rows))


def test_a_report_up_to_z_keeps_the_fast_path(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_scan, "_RAW_READ", 512)
    called = []
    monkeypatch.setattr(sheet_scan, "_exact_extent", lambda *a: called.append(a))
    check(xlsx(tmp_path / "报表.xlsx", {"Sheet1": _wide_sheet(300, 26)}))
    assert called == []


@pytest.mark.parametrize(("columns", "first"), [(10, 900_000), (13, 370_000), (26, 1)])
def test_exports_up_to_their_bounds_keep_the_fast_path(tmp_path, monkeypatch, columns, first):
    """A 办件 log of ten columns (A–J) numbered past 99,999 rows, and a wider export below
    row 380,000, are proved small by the fast test: 10 × 999,999 and 26 × 379,999 cells
    are both under the limit."""
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_scan, "_RAW_READ", 512)
    called = []
    monkeypatch.setattr(sheet_scan, "_exact_extent", lambda *a: called.append(a))
    check(xlsx(tmp_path / "导出.xlsx", {"Sheet1": _wide_sheet(1, columns) + _wide_sheet(200, columns,
                                                                                     first)}))
    assert called == []


@pytest.mark.parametrize(("cell", "small"), [('<c r="Z380000"><v>1</v></c>', True),
                                             ('<c r="Z400000"><v>1</v></c>', False),
                                             ('<c r="K1000000"><v>1</v></c>', False)])
def test_just_past_the_fast_bounds_is_read_exactly(tmp_path, monkeypatch, cell, small):
    """Past either bound the sheet is read exactly, which passes 26 × 380,000 cells (under
    the limit) and refuses 26 × 400,000 and 11 × 1,000,000."""
    exact = sheet_scan._exact_extent
    called = []
    monkeypatch.setattr(sheet_scan, "_exact_extent", lambda *a: called.append(1) or exact(*a))
    path = xlsx(tmp_path / "越界.xlsx", {"Sheet1": rows_xml([["编号", "名称"]]) + cell})
    if small:
        assert check(path).errors == {}
    else:
        refused(path, "拒绝读取")
    assert called


def test_a_sheet_that_widens_after_its_first_block_is_read_exactly(tmp_path, monkeypatch):
    """Narrow rows numbered past 99,999 first, then a row reaching Z: the 26-column bound
    no longer holds for the blocks already passed, so the sheet is read again exactly —
    and 26 × 500,000 cells are refused."""
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_scan, "_RAW_READ", 512)
    body = _wide_sheet(200, 3, first=499_000) + _wide_sheet(1, 26, first=499_500)
    refused(xlsx(tmp_path / "变宽.xlsx", {"Sheet1": body}), "拒绝读取")
    # without the far rows the same shape is small and passes
    assert check(xlsx(tmp_path / "小.xlsx", {"Sheet1": _wide_sheet(200, 3) + _wide_sheet(1, 26, 300)})
                 ).errors == {}
