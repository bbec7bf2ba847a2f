"""A large worksheet parsed as two halves at once, on two cores.

python-calamine parses a sheet in one Rust call that lets other Python threads run but
works on one core: 0.75 s for a year's 办件 (59 MB of sheet XML). The scan before it
(`sheet_scan`, called by `container_check`) has inflated that XML already and kept it.
Cut at a row end near its middle, each half is written with the rest of the workbook
into an uncompressed zip in memory, and the two are parsed in two threads (0.42 s
together, the copying included). The rows keep their numbers (`r`), so the halves' rows
join into exactly the rows the whole sheet gives.

Only sheets the scan found written the usual way (every cell with its `r`, so no cell's
place depends on the cells before it) and large enough to gain are split; anything
unexpected in the XML leaves the sheet to be parsed whole, the usual way.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .container_check import calamine_call, read_member

SPLIT_FROM = 16 * 1024 * 1024  # bytes of sheet XML: below this the copying eats the gain
KEEP_AT_MOST = 160 * 1024 * 1024  # sheet XML kept from the scan per workbook, all sheets
Span = tuple[bytes, int, int]  # a buffer and the part of it that belongs to the sheet
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")
_OPEN, _CLOSE, _ROW_END = b"<sheetData>", b"</sheetData>", b"</row>"


def worth_keeping(size: int, kept: int) -> bool:
    """Whether a sheet of `size` bytes of XML should be kept from the scan to be split,
    `kept` bytes being kept already for the workbook's other sheets."""
    return size >= SPLIT_FROM and kept + size <= KEEP_AT_MOST and (os.cpu_count() or 1) > 1


def _halves(spans: list[Span]) -> tuple[list[memoryview], list[memoryview]] | None:
    """The two halves' XML as pieces of the kept buffers (nothing copied): the first half
    with the sheet's end added, the second with its start; None when the XML is not cut
    the way this expects (then the sheet is parsed whole)."""
    if len(spans) < 2:
        return None
    buf0, s0, e0 = spans[0]
    opened = buf0.find(_OPEN, s0, e0)
    last, ls, le = spans[-1]
    closed = last.rfind(_CLOSE, ls, le)
    if opened < 0 or closed < 0:
        return None
    head = memoryview(buf0)[s0:opened + len(_OPEN)]
    tail = memoryview(last)[closed:le]
    total = sum(e - s for _b, s, e in spans)
    done = 0
    for k, (buf, s, e) in enumerate(spans):
        if done + (e - s) >= total // 2 and 0 < k < len(spans) - 1:
            cut = buf.find(_ROW_END, s + max(0, total // 2 - done), e)
            if cut < 0:
                cut = buf.find(_ROW_END, s, e)
            if cut < 0:
                return None
            cut += len(_ROW_END)
            first = [memoryview(b)[a:z] for b, a, z in spans[:k]] + [memoryview(buf)[s:cut], tail]
            second = [head, memoryview(buf)[cut:e]] + [memoryview(b)[a:z] for b, a, z in spans[k + 1:]]
            return first, second
        done += e - s
    return None


def _write_zip(src: zipfile.ZipFile, member: str, pieces: list[memoryview], to: Path) -> None:
    """The workbook again, uncompressed, with `member` made of `pieces` and the other
    large worksheets left empty (only this sheet is read from it)."""
    with zipfile.ZipFile(to, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            name = info.filename
            if name == member:
                with z.open(name, "w", force_zip64=True) as w:
                    for piece in pieces:
                        w.write(piece)
            elif name.startswith("xl/worksheets/") and info.file_size > 1024 * 1024:
                z.writestr(name, _EMPTY_SHEET)
            else:
                z.writestr(name, read_member(src, info))


def _open_sheet(path: Path, raw: str) -> Any:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(raw)


def parse(path: Path, member: str, spans: list[Span], raw: str, file: str,
          sheet: str) -> Halves | None:
    """Sheet `raw` (stored as `member`) parsed from its kept XML in two halves at once;
    None when the XML cannot be cut, or its rows are not in order (the second half holds
    a row above the first half's last): the caller then parses the sheet whole. `spans`
    is emptied (the kept XML freed) before the parsing starts."""
    cut = _halves(spans)
    if cut is None:
        spans.clear()
        return None
    # files, not memory: python-calamine copies a file-like object whole into its own
    # buffer, which with ours would hold the sheet three times over while it parses
    try:
        with (tempfile.TemporaryDirectory(prefix="kaohe-halves-",
                                          ignore_cleanup_errors=True) as folder,
              ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet-half") as pool):
            futures = [pool.submit(_half, path, member, part, Path(folder, f"half{k}.xlsx"),
                                   raw, file, sheet) for k, part in enumerate(cut)]
            # each half's thread holds its pieces until written: the kept XML is freed
            # as the halves are written, before they are parsed
            del cut
            spans.clear()
            first, second = (f.result() for f in futures)
    except OSError:  # no room for the halves in the temporary folder: parse it whole
        return None
    if first.start is None or second.start is None or second.start[0] <= first.end[0]:
        return None
    return Halves(first, second)


def _half(path: Path, member: str, pieces: list[memoryview], to: Path, raw: str, file: str,
          sheet: str) -> Any:
    """One half written and parsed, in its own thread (the writing of one overlaps the
    parsing of the other; both let Python run)."""
    with zipfile.ZipFile(path) as src:
        _write_zip(src, member, pieces, to)
    pieces.clear()
    return calamine_call(lambda: _open_sheet(to, raw), file, sheet, "无法读取工作表")


class Halves:
    """The two parsed halves (each with cells, the second's rows all below the first's),
    read as the whole sheet would be: `to_python(skip_empty_area=False, nrows=…)` for the
    first rows (as the header search reads them) and `all_rows` for every row (row i is
    Excel row i + 1, column j is column j), each row as wide as the widest half."""

    def __init__(self, first: Any, second: Any) -> None:
        self.first, self.second = first, second
        self.start = (first.start[0], min(first.start[1], second.start[1]))
        self.end = (second.end[0], max(first.end[1], second.end[1]))

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        if skip_empty_area:
            raise ValueError("halves are read from A1, as the import reads sheets")
        rows = self.first.to_python(skip_empty_area=False, nrows=nrows)
        if nrows is None or len(rows) < nrows:
            return self.all_rows()[:nrows]
        return _widened(rows, self.end[1] + 1)

    def all_rows(self) -> list[list[Any]]:
        width = self.end[1] + 1
        rows = _widened(all_rows(self.first), width)
        # the second half from its first cell on: to_python trims the empty area above
        # (the first half's rows) and to the left
        first_row, first_col = self.second.start
        rows.extend([] for _ in range(first_row - len(rows)))
        rest = self.second.to_python(skip_empty_area=True)
        if first_col:
            pad = [""] * first_col
            rest = [pad + r for r in rest]
        rows.extend(_widened(rest, width))
        return rows


def _widened(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Rows of one half made as wide as the whole sheet's (the other half may reach
    further right); the empty rows above the first cell stay as they are."""
    for r in rows:
        if r and len(r) < width:
            r.extend([""] * (width - len(r)))
    return rows


def all_rows(sheet: Any) -> list[list[Any]]:
    """The sheet's rows with leading empty rows and columns kept (as to_python does with
    skip_empty_area=False), but row by row: to_python converts the whole sheet while
    holding the GIL (seconds on a 50 MB file, freezing the window); iter_rows lets other
    threads run between rows. iter_rows starts at the first row (older python-calamine)
    or at A1 (0.9: the empty rows above included), in the range's columns either way."""
    if isinstance(sheet, Halves):
        return sheet.all_rows()
    start = sheet.start
    if start is None:
        return []
    first_col = start[1]
    if first_col:
        pad = [""] * first_col
        rows = [pad + r for r in sheet.iter_rows()]
    else:
        rows = list(sheet.iter_rows())  # each row is already a fresh list
    above = sheet.end[0] + 1 - len(rows)  # rows iter_rows left out above the first
    if above > 0:
        rows[:0] = [[] for _ in range(above)]
    return rows
