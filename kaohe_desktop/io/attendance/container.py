"""Opening whatever file a user picked: a workbook (.xlsx/.xlsm/.xls/.ods, by content,
not by extension) or the clock's text download (attlog.dat).

`open_source` raises InputError naming the file for anything that is not one of those:
an empty file, a .txt or .docx renamed .xlsx, a password-protected (encrypted) workbook,
a damaged zip. Workbooks pass `container_check.check_workbook` first (zip bombs, ranges
too large for memory, error cells, broken .xls structure). Sheets are parsed by
python-calamine once and cached, so detecting the format and then reading it costs one
parse; a large sheet is parsed in two parts at once (`sheet_halves`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook

from kaohe_desktop.domain.errors import InputError, Problem

from .. import sheet_halves
from ..container_check import Checked, calamine_call, check_workbook
from ..ole import MAGIC as OLE_MAGIC
from ..source_file import regular_file
from .texttable import ATTLOG_RX, delimited, html_tables
from .xls_codepage import declared_dbcs, patched, recode

DAMAGED = "工作簿已损坏，无法打开"
# A township's year of punches as text is a few MB; a clock's attlog of 150,000 lines
# about 8 MB. Anything past this is not an attendance export.
MAX_TEXT_BYTES = 64 * 1024 * 1024
NOT_ATTENDANCE = "不是电子表格（.xlsx/.xls）也不是考勤机导出的 attlog 文本，可能是改了扩展名的其他文件"


class Source:
    """One opened file. `kind` is "workbook" or "text"."""

    def __init__(self, path: Path, kind: str, book: CalamineWorkbook | None = None,
                 lines: list[str] | None = None, codec: str = "",
                 tables: dict[str, list[list[object]]] | None = None,
                 checked: Checked | None = None) -> None:
        self.path = path
        self.checked = checked        # error cells found before parsing, refused per sheet read
        self.name = path.name
        self.kind = kind
        self.book = book
        self.lines = lines or []
        self.codec = codec            # a legacy .xls read with its code page patched (xls_codepage)
        self._sheets: dict[str, object] = {}
        self._rows: dict[str, list[list[object]]] = dict(tables or {})
        self.text_table = bool(tables)   # an HTML/CSV "xls": sheets are in `_rows` already
        raw = list(book.sheet_names) if book is not None else list(self._rows)
        self._raw_names = {(recode(n, codec) if codec else n): n for n in raw}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._raw_names)

    def _fix(self, rows: list[list[object]]) -> list[list[object]]:
        if self.codec:
            codec = self.codec
            for row in rows:
                for j, v in enumerate(row):
                    if type(v) is str and not v.isascii():
                        row[j] = recode(v, codec)
        return rows

    def _sheet(self, name: str):
        if name not in self._sheets:
            if self.checked is not None:
                self.checked.refuse_errors(self.name, [name])
            raw = self._raw_names.get(name, name)
            def whole() -> object:
                return calamine_call(lambda: self.book.get_sheet_by_name(raw), self.name, name,
                                     "无法读取工作表")

            xml = self.checked.xml.pop(name, None) if self.checked is not None else None
            halves = (sheet_halves.parse(self.path, xml[0], xml[1], raw, self.name, name, whole)
                      if xml is not None else None)
            del xml  # the kept XML: freed as soon as its parts are written
            self._sheets[name] = halves or whole()
        return self._sheets[name]

    def head(self, name: str, n: int = 20) -> list[list[object]]:
        """The first `n` rows (A1-based, empty leading rows kept)."""
        if name in self._rows:
            return self._rows[name][:n]
        sheet = self._sheet(name)
        return self._fix(calamine_call(lambda: sheet.to_python(skip_empty_area=False, nrows=n),
                                       self.name, name, "无法读取工作表"))

    def rows(self, name: str) -> list[list[object]]:
        """Every row of the sheet; index i is Excel row i + 1, index j is column j (A = 0)."""
        if name not in self._rows:
            sheet = self._sheet(name)
            self._rows[name] = self._fix(calamine_call(lambda: sheet_halves.all_rows(sheet),
                                                       self.name, name, "无法读取工作表"))
        return self._rows[name]

    def row_parts(self, name: str) -> Iterator[tuple[list[list[object]], float]]:
        """The sheet's rows in parts, in order, as they are ready, each with the share of
        the sheet read once it is: a split sheet's first part while the second is still
        being parsed (`sheet_halves.SplitFailed` before the second when they do not join).
        Joined they are `rows(name)` but for empty cells at the ends of some rows. Read
        once: a split sheet's parsed parts are let go as they are read."""
        sheet = None if name in self._rows else self._sheet(name)
        if not isinstance(sheet, sheet_halves.Halves):
            yield self.rows(name), 1.0
            return
        parts = sheet.parts(release=True)  # each part's cells let go once its rows are made
        first = self._fix(next(parts))
        yield first, sheet.share_after(len(first))
        for part in parts:
            yield self._fix(part), 1.0

    def forget(self, name: str) -> None:
        """Drop a sheet's cached rows (after reading a large one)."""
        if self.text_table:
            return
        self._rows.pop(name, None)
        self._sheets.pop(name, None)


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                return None
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def open_source(path: Path | str, split: bool = True) -> Source:
    """`split`: a large sheet may be parsed in two parts at once (`sheet_halves`)."""
    path = regular_file(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise InputError(Problem("文件是空的（0 字节）", file=path.name))
    size = path.stat().st_size
    if head.startswith(b"PK"):
        checked = check_workbook(str(path), path.name, head, size,
                                 keep=sheet_halves.worth_keeping if split else None)
    elif head == OLE_MAGIC:
        data = path.read_bytes()
        checked = check_workbook(str(path), path.name, head, size, data)
        declared = declared_dbcs(data)
        if declared is not None:
            codec, offset = declared
            fixed = patched(data, offset)
            book = calamine_call(lambda: CalamineWorkbook.from_filelike(io.BytesIO(fixed)),
                                 path.name)
            return Source(path, "workbook", book=book, codec=codec, checked=checked)
        del data
    else:
        if size > MAX_TEXT_BYTES:
            raise InputError(Problem(f"文件过大（{size // (1024 * 1024):,} MB），不像考勤导出文件",
                                     file=path.name))
        text = _decode(path.read_bytes())
        if text is None:
            raise InputError(Problem(NOT_ATTENDANCE, file=path.name))
        lines = text.splitlines()
        tables = html_tables(text)
        if tables:
            names = [f"表{k + 1}" for k in range(len(tables))]
            return Source(path, "workbook", tables=dict(zip(names, tables, strict=True)))
        first = next((ln for ln in lines if ln.strip()), "")
        if not ATTLOG_RX.match(first):         # an attlog starts with a punch, a table with its header
            rows = delimited(lines)
            if rows:
                return Source(path, "workbook", tables={"Sheet1": rows})
        return Source(path, "text", lines=lines)
    book = calamine_call(lambda: CalamineWorkbook.from_path(str(path)), path.name)
    return Source(path, "workbook", book=book, checked=checked)
