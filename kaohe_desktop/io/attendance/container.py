"""Opening whatever file a user picked: a workbook (.xlsx/.xlsm/.xls/.ods, by content,
not by extension) or the clock's text download (attlog.dat).

`open_source` raises InputError naming the file for anything that is not one of those:
an empty file, a .txt or .docx renamed .xlsx, a password-protected (encrypted) workbook,
a damaged zip. Sheets are parsed by python-calamine once and cached, so detecting the
format and then reading it costs one parse.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from kaohe_desktop.domain.errors import InputError, Problem

from .ole import MAGIC as OLE_MAGIC
from .ole import stream_names
from .texttable import ATTLOG_RX, delimited, html_tables
from .xls_codepage import declared_dbcs, patched, recode

ENCRYPTED = "工作簿设置了打开密码（已加密），无法读取：请在 Excel 里取消密码、另存后再导入"
DAMAGED = "工作簿已损坏，无法打开"
NOT_ATTENDANCE = "不是电子表格（.xlsx/.xls）也不是考勤机导出的 attlog 文本，可能是改了扩展名的其他文件"


class Source:
    """One opened file. `kind` is "workbook" or "text"."""

    def __init__(self, path: Path, kind: str, book: CalamineWorkbook | None = None,
                 lines: list[str] | None = None, codec: str = "",
                 tables: dict[str, list[list[object]]] | None = None) -> None:
        self.path = path
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
            try:
                self._sheets[name] = self.book.get_sheet_by_name(self._raw_names.get(name, name))
            except Exception as exc:
                raise InputError(Problem(_reason(exc, "无法读取工作表"), file=self.name,
                                         sheet=name)) from None
        return self._sheets[name]

    def head(self, name: str, n: int = 20) -> list[list[object]]:
        """The first `n` rows (A1-based, empty leading rows kept)."""
        if name in self._rows:
            return self._rows[name][:n]
        try:
            return self._fix(self._sheet(name).to_python(skip_empty_area=False, nrows=n))
        except Exception as exc:
            raise InputError(Problem(_reason(exc, "无法读取工作表"), file=self.name,
                                     sheet=name)) from None

    def rows(self, name: str) -> list[list[object]]:
        """Every row of the sheet; index i is Excel row i + 1, index j is column j (A = 0)."""
        if name not in self._rows:
            try:
                self._rows[name] = self._fix(_all_rows(self._sheet(name)))
            except Exception as exc:
                raise InputError(Problem(_reason(exc, "无法读取工作表"), file=self.name,
                                         sheet=name)) from None
        return self._rows[name]

    def forget(self, name: str) -> None:
        """Drop a sheet's cached rows (after reading a large one)."""
        if self.text_table:
            return
        self._rows.pop(name, None)
        self._sheets.pop(name, None)


def _all_rows(sheet) -> list[list[object]]:
    """The sheet's rows with leading empty rows and columns kept (as to_python does with
    skip_empty_area=False), but row by row: to_python converts the whole sheet while
    holding the GIL (seconds on a 50 MB file, freezing the window); iter_rows lets other
    threads run between rows."""
    start = sheet.start
    if start is None:
        return []
    first_row, first_col = start
    rows: list[list[object]] = [[] for _ in range(first_row)]
    if first_col:
        pad = [""] * first_col
        rows.extend(pad + r for r in sheet.iter_rows())
    else:
        rows.extend(sheet.iter_rows())  # each row is already a fresh list
    return rows


def _reason(exc: Exception, prefix: str) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return ENCRYPTED
    return f"{prefix}（{str(exc)[:120]}）" if str(exc) else prefix


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


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        raise InputError(Problem(f"{DAMAGED}（压缩结构损坏，可能下载不完整）", file=path.name)) from None
    if "word/document.xml" in names:
        raise InputError(Problem("这是 Word 文档（.docx），不是 Excel 工作簿", file=path.name))
    if "ppt/presentation.xml" in names:
        raise InputError(Problem("这是 PowerPoint 文件，不是 Excel 工作簿", file=path.name))
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise InputError(Problem("压缩包里没有工作簿，不是 Excel 文件", file=path.name))


def _check_ole(path: Path, data: bytes) -> None:
    """InputError unless the OLE container holds an Excel workbook stream."""
    try:
        names = {n.casefold() for n in stream_names(data)}
    except ValueError:
        raise InputError(Problem(f"{DAMAGED}（.xls 文件结构不完整）", file=path.name)) from None
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise InputError(Problem(ENCRYPTED, file=path.name))
    if "worddocument" in names:
        raise InputError(Problem("这是 Word 文档（.doc），不是 Excel 工作簿", file=path.name))
    if "workbook" not in names and "book" not in names:
        raise InputError(Problem("这个文件里没有 Excel 工作簿", file=path.name))


def open_source(path: Path | str) -> Source:
    path = Path(path)
    if not path.exists():
        raise InputError(Problem("文件不存在", file=str(path)))
    if path.is_dir():
        raise InputError(Problem("这是文件夹，不是文件", file=str(path)))
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise InputError(Problem("文件是空的（0 字节）", file=path.name))
    if head.startswith(b"PK"):
        _check_zip(path)
    elif head == OLE_MAGIC:
        data = path.read_bytes()
        _check_ole(path, data)
        declared = declared_dbcs(data)
        if declared is not None:
            codec, offset = declared
            try:
                book = CalamineWorkbook.from_filelike(io.BytesIO(patched(data, offset)))
            except Exception as exc:
                raise InputError(Problem(_reason(exc, DAMAGED), file=path.name)) from None
            return Source(path, "workbook", book=book, codec=codec)
        del data
    else:
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
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise InputError(Problem(_reason(exc, DAMAGED), file=path.name)) from None
    return Source(path, "workbook", book=book)
