"""A large sheet parsed in two halves at once (io/sheet_halves) reads exactly as the
whole sheet does: the same rows, the same first rows for the header search, with the
sheet written in any of the ways that matter (a title above, an empty area above and to
the left, shared strings, dates, a second half reaching further right, another large
sheet in the workbook, rows out of order). The sizes are made small so that the
fixtures count as large: the scan's blocks shrink to a few KB and the split threshold to
nothing."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from kaohe_desktop.io import service as io_service
from kaohe_desktop.io import sheet_halves, sheet_scan
from kaohe_desktop.io.attendance.container import open_source
from kaohe_desktop.services import roster, service_records


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(sheet_scan, "BLOCK", 4096)
    monkeypatch.setattr(sheet_halves, "SPLIT_FROM", 1)
    monkeypatch.setattr(sheet_halves.os, "cpu_count", lambda: 2)


def _trimmed(rows):
    """Rows without the empty cells at their ends (the first rows of a split sheet are as
    wide as its first part; a wider second part adds empty cells only)."""
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] == "":
            r.pop()
        out.append(r)
    return out


def _read(path, split: bool, monkeypatch) -> tuple[dict, dict, dict]:
    monkeypatch.setattr(sheet_halves, "SPLIT_FROM", 1 if split else 10**12)
    src = open_source(path)
    heads = {name: _trimmed(src.head(name, 25)) for name in src.sheet_names}
    kinds = {name: type(src._sheet(name)).__name__ for name in src.sheet_names}
    rows = {name: src.rows(name) for name in src.sheet_names}
    return heads, rows, kinds


def _parts(path, monkeypatch):
    monkeypatch.setattr(sheet_halves, "SPLIT_FROM", 1)
    src = open_source(path)
    src.head("明细", 5)
    return list(src.row_parts("明细"))


def _book(path, rows, *, title=None, at=(1, 1), shared=False, second=None):
    wb = Workbook(write_only=not shared)
    ws = wb.create_sheet("明细") if not shared else wb.active
    if shared:
        ws.title = "明细"
    r0, c0 = at
    if title:
        rows = [[title], *rows]
    if shared:  # the normal workbook writes text to shared strings
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    ws.cell(row=r0 + i, column=c0 + j, value=v)
    else:
        for _ in range(r0 - 1):
            ws.append([])
        for row in rows:
            ws.append([None] * (c0 - 1) + list(row))
    if second is not None:
        other = wb.create_sheet("汇总")
        for row in second:
            other.append(row)
    wb.save(path)
    return path


def _rows(n, wide_from=None):
    out = [["编号", "姓名", "时间", "数量"]]
    for i in range(n):
        row = [f"BJ{i:05d}", f"员工{i % 7}", datetime(2024, 1, 1, 9) if i % 3 else "2024-01-02 10:00:00",
               i * 1.5]
        if wide_from is not None and i >= wide_from:
            row += [None, "备注"]  # rows of the second half reach two columns further
        out.append(row)
    return out


CASES = {
    "plain": dict(rows=_rows(3000)),
    "title row": dict(rows=_rows(3000), title="办件明细表"),
    "empty area above and left": dict(rows=_rows(3000), at=(3, 2)),
    "shared strings": dict(rows=_rows(2000), shared=True),
    "second half wider": dict(rows=_rows(3000, wide_from=2500)),
    "another large sheet": dict(rows=_rows(2500), second=_rows(2500)),
}


@pytest.mark.parametrize("case", CASES)
def test_halves_read_as_the_whole_sheet(tmp_path, monkeypatch, small_blocks, case):
    path = _book(tmp_path / "book.xlsx", **CASES[case])
    whole_heads, whole_rows, whole_kinds = _read(path, False, monkeypatch)
    heads, rows, kinds = _read(path, True, monkeypatch)
    assert kinds["明细"] == "Halves"  # it was split
    assert set(whole_kinds.values()) == {"CalamineSheet"}
    assert heads == whole_heads
    assert rows == whole_rows
    assert len(rows["明细"]) > 2000
    parts = _parts(path, monkeypatch)  # as the import takes them: the first part first
    assert parts[1][1] == 1.0
    assert 0.3 < len(parts[0][0]) / len(whole_rows["明细"]) < 0.5
    # the progress's total, known from the first part: exact by the sheet's <dimension>
    assert round(len(parts[0][0]) / parts[0][1]) == len(whole_rows["明细"])
    assert _trimmed(parts[0][0] + parts[1][0]) == _trimmed(whole_rows["明细"])


def _rewritten(path, to, change):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            out.writestr(info.filename, data)
    return to


def _requests_file(db, path, n, at=(1, 1)):
    """A 办件 export of `n` 即办件 by one person of one window (who is put in the roster)."""
    roster.add_unit(db, "政务服务中心", code="HL")
    roster.add_staff(db, "林志强", "HL", code="0101")
    header = ["办件编号", "事项名称", "办件类型", "受理部门", "受理人", "工号", "受理时间", "承诺时限",
              "办结时间", "办理状态"]
    data = [[f"BJ{k:05d}", "社保卡申领", "即办件", "政务服务中心", "林志强", "0101",
             f"2024-04-0{k % 9 + 1} 09:00:00", 0, f"2024-04-0{k % 9 + 1} 09:30:00", "已办结"]
            for k in range(n)]
    return _book(path, [header, *data], at=at)


def _last_row_first(xml: bytes) -> bytes:
    """The sheet's last row written before all the others (rows out of order)."""
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    last = xml.rindex(b"<row ")
    end = xml.index(b"</sheetData>")
    return xml[:start] + xml[last:end] + xml[start:last] + xml[end:]


def test_rows_out_of_order_are_read_whole(tmp_path, monkeypatch, small_blocks):
    """A hand-made sheet whose last row is written first: the second part holds a row
    above the first part's last, which is seen once it is parsed, so the rows come from
    the sheet parsed whole instead (and the parts say so before their second)."""
    plain = _book(tmp_path / "plain.xlsx", _rows(3000))

    path = _rewritten(plain, tmp_path / "odd.xlsx", _last_row_first)
    whole_heads, whole_rows, _kinds = _read(path, False, monkeypatch)
    heads, rows, kinds = _read(path, True, monkeypatch)
    assert kinds["明细"] == "Halves"
    assert (heads, rows) == (whole_heads, whole_rows)
    assert rows["明细"][-1][0] == "BJ02999"
    parts = open_source(path).row_parts("明细")
    assert 0 < next(parts)[1] < 1
    with pytest.raises(sheet_halves.SplitFailed):
        next(parts)


def test_an_import_of_rows_out_of_order_reads_the_sheet_whole(db, tmp_path, monkeypatch,
                                                              small_blocks):
    """The import takes the first part's rows while the second is parsed; when the second
    turns out to hold a row above (rows out of order), the preview starts again with the
    sheet read whole: the same records as a file in order."""
    plain = _requests_file(db, tmp_path / "plain.xlsx", 1500)

    odd = _rewritten(plain, tmp_path / "odd.xlsx", _last_row_first)
    expected = service_records.preview_import(db, plain)
    reads = []
    real = io_service.read_service
    monkeypatch.setattr(io_service, "read_service", lambda *a: reads.append(a[-1]) or real(*a))
    got = service_records.preview_import(db, odd)
    assert reads == [True, False]  # split, then whole
    assert got.problems == []
    assert sorted(got.records) == sorted(expected.records)
    assert len(got.records) == 1500


def test_a_sheet_without_its_usual_start_is_read_whole(tmp_path, monkeypatch, small_blocks):
    plain = _book(tmp_path / "plain.xlsx", _rows(3000))
    path = _rewritten(plain, tmp_path / "odd.xlsx",
                      lambda xml: xml.replace(b"<sheetData>", b'<sheetData xmlns:k="urn:k">'))
    heads, rows, kinds = _read(path, True, monkeypatch)
    assert kinds["明细"] == "CalamineSheet"
    assert (heads, rows) == _read(path, False, monkeypatch)[:2]


def test_the_kept_xml_is_freed_once_parsed(tmp_path, monkeypatch, small_blocks):
    path = _book(tmp_path / "book.xlsx", _rows(3000))
    src = open_source(path)
    assert "明细" in src.checked.xml
    src.head("明细", 5)
    assert src.checked.xml == {}


def test_an_import_with_an_empty_area_above_reads_its_rows(db, tmp_path):
    """The rows of a sheet whose table starts at B3 (two blank rows above, column A
    empty): python-calamine 0.9's iter_rows starts at A1, and counting the blank rows
    again moved every row two down, so the header was read as a record."""
    path = _requests_file(db, tmp_path / "办件.xlsx", 3, at=(3, 2))
    preview = service_records.preview_import(db, path)
    assert preview.problems == []
    assert [r[0] for r in preview.records] == ["BJ00000", "BJ00001", "BJ00002"]
    assert preview.layout == "表头第3行"


def test_rows_and_first_rows_agree_below_a1(tmp_path):
    """Every reader finds its header in `head` and reads on in `rows` by the same index
    (attendance exports as well as service records): for a table starting at B3 both
    put the header at index 2, column 1."""
    path = _book(tmp_path / "book.xlsx", _rows(20), at=(3, 2))
    src = open_source(path)
    head = src.head("明细", 10)
    rows = src.rows("明细")
    assert head[2][1] == rows[2][1] == "编号"
    assert [r[1:] for r in rows[:10] if any(r)] == [r[1:] for r in head if any(r)]
