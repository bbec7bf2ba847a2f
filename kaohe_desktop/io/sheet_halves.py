"""A large worksheet parsed in two parts at once, on two cores.

python-calamine parses a sheet in one Rust call that lets other Python threads run but
works on one core: 0.75 s for a year's 办件 (59 MB of sheet XML). The scan before it
(`sheet_scan`, called by `container_check`) has inflated that XML already and kept it.
Cut at a row end, each part is written with the rest of the workbook into an
uncompressed temporary file and the two are parsed in two threads. The first part is
the smaller (`FIRST_SHARE`): it is ready sooner, and its rows are read (`Halves.parts`)
while the second is still being parsed. The rows keep their numbers (`r`), so the
parts' rows join into exactly the rows the whole sheet gives.

Only sheets the scan found written the usual way (every cell with its `r`, so no cell's
place depends on the cells before it) and large enough to gain are split; anything
unexpected in the XML leaves the sheet to be parsed whole, the usual way. Should the
second part hold a row above the first part's last (rows out of order: no program
writes them so) or fail to be written, `SplitFailed` says to read the sheet whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .container_check import calamine_call, read_member

SPLIT_FROM = 16 * 1024 * 1024  # bytes of sheet XML: below this the copying eats the gain
KEEP_AT_MOST = 160 * 1024 * 1024  # sheet XML kept from the scan per workbook, all sheets
# the first part's share of the XML: parsed sooner, its rows read while the rest is parsed
FIRST_SHARE = 0.4
Span = tuple[bytes, int, int]  # a buffer and the part of it that belongs to the sheet
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")
_OPEN, _CLOSE, _ROW_END = b"<sheetData>", b"</sheetData>", b"</row>"


class SplitFailed(Exception):
    """The second part cannot be joined to the first (rows out of order) or was not
    written: read the sheet whole instead."""


def worth_keeping(size: int, kept: int) -> bool:
    """Whether a sheet of `size` bytes of XML should be kept from the scan to be split,
    `kept` bytes being kept already for the workbook's other sheets."""
    return size >= SPLIT_FROM and kept + size <= KEEP_AT_MOST and (os.cpu_count() or 1) > 1


def _parts(spans: list[Span]) -> tuple[list[memoryview], list[memoryview]] | None:
    """The two parts' XML as pieces of the kept buffers (nothing copied): the first with
    the sheet's end added, the second with its start; None when the XML is not cut the
    way this expects (then the sheet is parsed whole)."""
    if not spans:
        return None
    buf0, s0, e0 = spans[0]
    opened = buf0.find(_OPEN, s0, e0)
    last, ls, le = spans[-1]
    closed = last.rfind(_CLOSE, ls, le)
    if opened < 0 or closed < 0:
        return None
    head = memoryview(buf0)[s0:opened + len(_OPEN)]
    tail = memoryview(last)[closed:le]
    aim = int(sum(e - s for _b, s, e in spans) * FIRST_SHARE)
    done = 0
    for k, (buf, s, e) in enumerate(spans):
        if done + (e - s) > aim:
            lo = max(s + aim - done, opened + len(_OPEN) if k == 0 else s)
            hi = closed if k == len(spans) - 1 else e
            cut = buf.find(_ROW_END, lo, hi)
            if cut < 0:
                return None
            cut += len(_ROW_END)
            first = [memoryview(b)[a:z] for b, a, z in spans[:k]] + [memoryview(buf)[s:cut], tail]
            second = [head, memoryview(buf)[cut:e]] + [memoryview(b)[a:z] for b, a, z in spans[k + 1:]]
            return first, second
        done += e - s
    return None


_LAST_ROW = re.compile(rb'<row\s+r="(\d{1,7})"')
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]{1,3}\d+:[A-Z]{1,3}(\d{1,7})"')


def _declared_rows(spans: list[Span]) -> int | None:
    """How many rows the sheet has, for the progress: the number of its last row tag
    (rows are written in order), else the last row its <dimension> names; None when the
    XML says neither (a wrong figure only misjudges the progress)."""
    m = None
    for buf, start, end in reversed(spans[-3:]):  # the last span may hold the end alone
        at = buf.rfind(b"<row ", start, end)
        if at >= 0:
            m = _LAST_ROW.match(buf, at, end)
            break
    if m is None:
        buf, start, end = spans[0]
        opened = buf.find(_OPEN, start, end)
        m = _DIMENSION.search(buf, start, opened if opened >= 0 else end)
    return int(m[1]) if m else None


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


class _Slot:
    """A parsed part, handed over from its thread in this rather than as the thread's
    result: a future keeps its result, and a part's cells are let go once read."""

    sheet: Any = None


def _part(path: Path, member: str, pieces: list[memoryview], to: Path, raw: str, file: str,
          sheet: str, slot: _Slot) -> None:
    """One part written and parsed, in its own thread (the writing of one overlaps the
    parsing of the other; both let Python run); its file is removed once parsed."""
    try:
        with zipfile.ZipFile(path) as src:
            _write_zip(src, member, pieces, to)
        pieces.clear()
        slot.sheet = calamine_call(
            lambda: CalamineWorkbook.from_path(str(to)).get_sheet_by_name(raw), file, sheet,
            "无法读取工作表")
    finally:
        # still open to a virus scanner, say: then it goes with its folder
        with contextlib.suppress(OSError):
            to.unlink(missing_ok=True)


def parse(path: Path, member: str, spans: list[Span], raw: str, file: str, sheet: str,
          whole: Callable[[], Any]) -> Halves | None:
    """Sheet `raw` (stored as `member`) parsed from its kept XML in two parts at once,
    returned once the first is parsed (the second goes on in its thread); None when the
    XML cannot be cut or the first part has no cells: the caller then parses the sheet
    whole. `spans` is emptied (the kept XML freed) as the parts are written. `whole()`
    parses the sheet the usual way, for `Halves.all_rows` should the parts not join."""
    cut = _parts(spans)
    if cut is None:
        spans.clear()
        return None
    rows = _declared_rows(spans)
    # files, not memory: python-calamine copies a file-like object whole into its own
    # buffer, which with ours would hold the sheet three times over while it parses
    folder = Path(tempfile.mkdtemp(prefix="kaohe-halves-"))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet-half")
    slots = (_Slot(), _Slot())
    futures = [pool.submit(_part, path, member, piece, folder / f"part{k}.xlsx", raw, file, sheet,
                           slot) for k, (piece, slot) in enumerate(zip(cut, slots, strict=True))]
    pool.shutdown(wait=False)  # the threads end with their parts
    # each part's thread holds its pieces until written: the kept XML is freed as the
    # parts are written, before they are parsed
    del cut
    spans.clear()
    halves = Halves(futures, slots, folder, whole, rows)
    try:
        first = halves.first
    except OSError:  # no room for the parts in the temporary folder: parse it whole
        halves.settle()
        return None
    except BaseException:
        halves.settle()
        raise
    if first.start is None:
        halves.settle()
        return None
    return halves


class Halves:
    """The two parsed parts read as the whole sheet would be: `to_python(skip_empty_area=
    False, nrows=…)` for the first rows (as the header search reads them: the first part
    holds them), `parts()` for the rows as they become ready, `all_rows()` for every row
    (row i is Excel row i + 1, column j is column j)."""

    def __init__(self, futures: list[Future], slots: tuple[_Slot, _Slot], folder: Path,
                 whole: Callable[[], Any], rows: int | None = None) -> None:
        self._futures, self._slots, self.whole = futures, slots, whole
        self._declared = rows  # the sheet's rows as its <dimension> says, if it does
        # the temporary folder goes when the parts are done with, whoever asks last
        self._cleanup = weakref.finalize(self, _remove_after, futures, folder)

    def settle(self) -> None:
        """Wait for both parts and remove their folder (a part's error is left unraised)."""
        self._cleanup()

    def share_after(self, rows: int) -> float:
        """The share of the sheet's rows read once the first part's `rows` are: by the
        rows the sheet declares when it does (and they are not fewer), else by bytes."""
        declared = self._declared
        return rows / declared if declared and declared >= rows > 0 else FIRST_SHARE

    def _part(self, k: int) -> Any:
        self._futures[k].result()  # its error, if any
        sheet = self._slots[k].sheet
        if sheet is None:
            raise RuntimeError("the parts of a split sheet were read with release=True already")
        return sheet

    @property
    def first(self) -> Any:
        return self._part(0)

    def second(self) -> Any:
        """The second part, parsed; SplitFailed when it cannot be joined to the first."""
        return self._second_below(self.first.end[0])

    def _second_below(self, last: int) -> Any:
        """The second part, which must start below row index `last` (the first's last)."""
        try:
            second = self._part(1)
        except OSError as exc:
            raise SplitFailed(str(exc)) from exc
        finally:
            self.settle()
        if second.start is not None and second.start[0] <= last:
            raise SplitFailed("rows out of order")
        return second

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        if skip_empty_area:
            raise ValueError("split sheets are read from A1, as the import reads sheets")
        rows = self.first.to_python(skip_empty_area=False, nrows=nrows)
        if nrows is not None and len(rows) >= nrows:
            return rows  # as wide as the first part (a wider second adds empty cells only)
        return self.all_rows()[:nrows]

    def width(self) -> int:
        """The widest part's width (columns from A)."""
        second = self.second()
        return max(self.first.end[1], second.end[1] if second.start is not None else 0) + 1

    def parts(self, release: bool = False) -> Iterator[list[list[Any]]]:
        """The rows of the first part, then (once parsed) those below it; joined they are
        `all_rows()` but for the empty cells that make rows equally wide. SplitFailed
        before the second part's rows when the parts do not join. `release`: each part's
        cells are let go once its rows are made (an import reads the rows once; the
        parts cannot be read again)."""
        first = self.first
        rows = all_rows(first)
        last = first.end[0]
        if release:
            first = self._slots[0].sheet = None
        yield rows
        second = self._second_below(last)
        if release:
            self._slots[1].sheet = None
        if second.start is None:
            return
        # from the second part's first cell on: to_python trims the empty area above
        # (the first part's rows) and to the left
        first_row, first_col = second.start
        rest: list[list[Any]] = [[] for _ in range(first_row - (last + 1))]
        body = second.to_python(skip_empty_area=True)
        second = None  # its cells: Python rows now
        if first_col:
            pad = [""] * first_col
            rest.extend(pad + r for r in body)
        else:
            rest.extend(body)
        del body
        yield rest

    def all_rows(self) -> list[list[Any]]:
        try:
            parts = list(self.parts())
            width = self.width()
        except SplitFailed:
            return all_rows(self.whole())
        rows = parts[0]
        for part in parts[1:]:
            rows.extend(part)
        for r in rows:  # each row as wide as the widest part's (empty rows above stay)
            if r and len(r) < width:
                r.extend([""] * (width - len(r)))
        return rows


def _remove_after(futures: list[Future], folder: Path) -> None:
    for f in futures:
        f.exception()  # waits; the error, if any, is raised where the part is asked for
    shutil.rmtree(folder, ignore_errors=True)


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
