"""One check of every spreadsheet a user hands in, before python-calamine parses it.

python-calamine is fast but trusts its input: a 4 MB .xlsx whose sheet inflates to 1 GiB
grows the process past 8 GB, a sheet with one cell in A1 and one in XFD1048576 makes it
allocate a dense 17-billion-cell range and abort the interpreter (an abort, not an
exception: nothing can catch it), and a truncated .xls header panics inside Rust. So every
reader (roster, scores, attendance) calls `check_workbook` first:

- the zip directory: member count, each member's and the total uncompressed size, and the
  compression ratio of large members (a real sheet compresses 5–15×, a bomb 200× and more);
- each worksheet's XML, streamed in blocks (never held whole) and searched at C speed
  (`sheet_scan`): the extent of the cells, so the dense range calamine builds stays under
  `MAX_CELLS`; and every error cell (`t="e"`: #DIV/0!, #N/A …), which calamine turns
  into blanks, and NaN/infinity;
- an OLE (.xls) file: its directory must be complete and hold a workbook stream; its
  error cells (BOOLERR and FORMULA records, `xls_errors`) are listed like a zip's.

`calamine_call` runs a calamine call and turns anything it raises — its own errors and,
as a last resort, a Rust panic (a BaseException) — into an InputError naming the file.
Every refusal is an InputError in Chinese naming the file.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeVar
from xml.parsers import expat

from kaohe_desktop.domain.errors import InputError, Problem

from .ole import MAGIC as OLE_MAGIC
from .ole import open_compound, stream_names
from .sheet_scan import (
    MAX_CELLS,  # noqa: F401  (the limits live with the scan; callers import them from here)
    MAX_COLUMNS,
    MAX_ERRORS_LISTED,
    MAX_ROWS,
    TOO_BIG,
    ErrorCell,
    scan_sheet,
)
from .sheet_scan import letters as _letters
from .xls_errors import xls_error_cells

T = TypeVar("T")
ENCRYPTED = "工作簿设置了打开密码（已加密），无法读取：请在 Excel 里取消密码、另存后再导入"

MAX_FILE_BYTES = 200 * 1024 * 1024         # on disk
MAX_MEMBERS = 5_000                        # zip members
MAX_MEMBER_BYTES = 512 * 1024 * 1024       # one member, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024       # all members, uncompressed
MAX_RATIO = 100                            # uncompressed / compressed, for large members
RATIO_FROM = 8 * 1024 * 1024               # members smaller than this may compress any way
_CHUNK = 4 * 1024 * 1024

DAMAGED = "工作簿已损坏，无法打开"

@dataclass
class Checked:
    """What the check learned: the container kind and the error cells per sheet name."""

    kind: str                                     # "zip" or "ole"
    errors: dict[str, list[ErrorCell]] = field(default_factory=dict)
    # sheet name → (zip member, its XML as the scan's spans): large sheets written the
    # usual way, kept when the caller asked (`sheet_halves` parses them in two parts)
    xml: dict[str, tuple[str, list[tuple[bytes, int, int]]]] = field(default_factory=dict)

    def error_problems(self, file: str, sheets: list[str] | None = None) -> list[Problem]:
        """Problems for the error cells of `sheets` (all sheets when None)."""
        out: list[Problem] = []
        for name, cells in self.errors.items():
            if sheets is not None and name not in sheets:
                continue
            out.extend(Problem("单元格的数值无效（NaN 或无穷大）" if c.nonfinite else
                               f"单元格是 Excel 错误值 {c.value}（公式出错或引用无效），"
                               "请改正或改为数值后再导入", file=file, sheet=c.sheet, row=c.row,
                               column=c.column, value=None) for c in cells)
        return out

    def refuse_errors(self, file: str, sheets: list[str] | None = None) -> None:
        problems = self.error_problems(file, sheets)
        if problems:
            raise InputError(problems)


def _refuse(file: str, reason: str) -> InputError:
    return InputError(Problem(reason, file=file))


def calamine_call(call: Callable[[], T], file: str, sheet: str = "",
                  prefix: str = DAMAGED) -> T:
    """`call()`, with anything python-calamine raises turned into an InputError naming the
    file. A Rust panic arrives as pyo3's PanicException, a BaseException: it is caught
    here on purpose (the check above should have refused the file already) — but never
    KeyboardInterrupt or SystemExit, which belong to the user."""
    try:
        return call()
    except InputError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # a panic from Rust code, see above
        text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
        lowered = text.lower()
        reason = (ENCRYPTED if "password" in lowered or "encrypt" in lowered
                  else f"{prefix}{_in_words(text)}")
        raise InputError(Problem(reason, file=file, sheet=sheet)) from None


_PART_RX = re.compile(r"'([^']+)' file not found in archive")


def _in_words(detail: str) -> str:
    """calamine's English reason as a Chinese note for the user ("" when it says nothing a
    clerk could act on); the English itself never reaches a message."""
    lowered = detail.lower()
    if m := _PART_RX.search(detail):
        return f"（缺少 {m.group(1)}，文件不完整或不是真正的电子表格）"
    if "entity" in lowered or "dtd" in lowered:
        return "（含有不允许的 XML 实体定义，已拒绝读取）"
    if "zip" in lowered or "eof" in lowered or "archive" in lowered:
        return "（压缩结构损坏，可能下载或复制不完整）"
    if any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return f"（{detail}）"
    return "（文件内部结构不符合格式）" if detail else ""


# ----------------------------------------------------------------------------- zip (xlsx, ods)

_ATTRS = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part name → sheet name, from xl/workbook.xml and its relationships.
    Parts the workbook does not name keep their part name (still checked for size)."""
    out: dict[str, str] = {}
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = (zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
                if "xl/_rels/workbook.xml.rels" in names else "")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return out
    targets: dict[str, str] = {}
    for m in _REL_TAG.finditer(rels):
        attrs = dict(_ATTRS.findall(m[1]))
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[attrs.get("Id", "")] = part
    for m in _SHEET_TAG.finditer(book):
        attrs = dict(_ATTRS.findall(m[1]))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        if rid in targets:
            out[targets[rid]] = html.unescape(attrs.get("name", ""))
    return out


def check_zip_members(infos: list[zipfile.ZipInfo], file: str,
                      max_member: int = MAX_MEMBER_BYTES) -> None:
    """Refuse, from the zip directory alone (nothing inflated yet), an encrypted member,
    too many members, a member or a total too large, or a large member compressed like a
    bomb. Shared by the workbook check and the data-package reader (io/package_format)."""
    if len(infos) > MAX_MEMBERS:
        raise _refuse(file, f"{TOO_BIG}：压缩包里有 {len(infos)} 个部件")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(file, "压缩包设置了密码，无法读取")
        total += info.file_size
        mb = info.file_size // (1024 * 1024)
        if info.file_size > max_member or total > MAX_TOTAL_BYTES:
            raise _refuse(file, f"{TOO_BIG}：解压后达 {mb:,} MB 以上（{info.filename}）")
        if (info.file_size > RATIO_FROM
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(file, f"{TOO_BIG}：{info.filename} 压缩了 {ratio} 倍"
                                f"（解压后 {mb:,} MB），正常文件不会这样")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read in chunks and never past its declared size (ValueError
    when it inflates to more: the directory lied)."""
    return b"".join(_plain_chunks(zf, info, info.file_size))


def _plain_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    total = 0
    with zf.open(info) as fh:
        while True:
            block = fh.read(_CHUNK)
            if not block:
                return
            total += len(block)
            if total > limit:
                raise ValueError("member larger than declared")
            yield block


def _check_zip(path_str: str, file: str, size: int,
               keep: Callable[[int, int], bool] | None = None) -> Checked:
    try:
        zf = zipfile.ZipFile(path_str)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(file, f"{DAMAGED}（压缩结构损坏，可能下载不完整）") from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "word/document.xml" in names:
            raise _refuse(file, "这是 Word 文档（.docx），不是 Excel 工作簿")
        if "ppt/presentation.xml" in names:
            raise _refuse(file, "这是 PowerPoint 文件，不是 Excel 工作簿")
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise _refuse(file, "压缩包里没有工作簿，不是 Excel 文件")
        check_zip_members(infos, file)
        checked = Checked("zip")
        parts = _sheet_parts(zf, names)
        kept = 0
        try:
            for info in infos:
                name = info.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    sheet = parts.get(name, name)
                    spans: list[tuple[bytes, int, int]] | None = (
                        [] if keep is not None and keep(info.file_size, kept) else None)
                    usual = scan_sheet(zf, info, file, sheet, checked.errors, MAX_MEMBER_BYTES,
                                       spans)
                    if spans and usual:
                        checked.xml[sheet] = (name, spans)
                        kept += info.file_size
                elif name == "content.xml" and _scan_ods(zf, info, file):
                    _ods_errors(zf, info, checked.errors)  # only when an error cell was seen
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError,
                RuntimeError):
            raise _refuse(file, f"{DAMAGED}（压缩内容损坏，可能下载不完整）") from None
        return checked


_REPEAT = re.compile(rb'number-(rows|columns)-repeated="(\d+)"')


_ROW_REPEAT = re.compile(rb'<table:table-row\b[^>]*?number-rows-repeated="(\d+)"[^>]*?(/?)>')
_CELL_TAG = re.compile(rb'<table:(?:covered-)?table-cell\b([^>]*?)(/?)>')
_COL_REPEAT = re.compile(rb'number-columns-repeated="(\d+)"')
_ROW_END = b"</table:table-row>"
# Rows repeated more often than this are looked into. LibreOffice saves runs of identical
# rows this way, and the empty rows to the sheet's end as one row repeated ~1,048,000
# times; a row *with values* repeated a million times is a few bytes that calamine
# spreads into a million rows (gigabytes), so the cells such repeats make are bounded.
_LOOK_FROM = 1_000
MAX_REPEATED_CELLS = 1_000_000
_CARRY = 256       # bytes kept from one block to the next, so a tag cut in two is seen whole
_ROW_MAX = 1 << 20  # a repeated row longer than this is taken as full of values


def _filled_cells(row: bytes) -> int:
    """Cells holding a value in one row's XML, their column repeats included."""
    n = 0
    for attrs, closed in _CELL_TAG.findall(row):
        if b"value-type" in attrs or (not closed and b"formula" in attrs):
            m = _COL_REPEAT.search(attrs)
            n += int(m.group(1)) if m else 1
    if n == 0 and b"<text:p" in row:  # text without a declared type still shows
        n = 1
    return n


def _scan_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bool:
    """An .ods names repeated rows and columns by count: refuse counts that would spread
    past the limits (a few bytes can claim a million rows of values). True when the same
    pass saw an error cell (`_ods_errors` then parses the sheet for where)."""
    rows = cols = made = 0
    has_errors = False
    carry = b""
    total = 0
    with zf.open(info) as fh:
        while True:
            block = fh.read(_CHUNK)
            total += len(block)
            if total > MAX_MEMBER_BYTES:
                raise ValueError("member larger than declared")
            buf = carry + block
            has_errors = has_errors or b'calcext:value-type="error"' in buf
            for kind, count in _REPEAT.findall(buf):
                if kind == b"rows":
                    rows = max(rows, int(count))
                else:
                    cols = max(cols, int(count))
            done, pending = 0, -1
            for m in _ROW_REPEAT.finditer(buf):
                n = int(m.group(1))
                if n <= _LOOK_FROM or m.group(2):
                    continue  # a short run, or an empty self-closed row
                stop = buf.find(_ROW_END, m.end())
                if stop < 0 and block and len(buf) - m.start() < _ROW_MAX:
                    pending = m.start()  # the row goes on in the next block
                    break
                row = buf[m.end():stop if stop >= 0 else len(buf)]
                made += n * (_filled_cells(row) if stop >= 0 else max(1, _filled_cells(row)))
                done = stop + len(_ROW_END) if stop >= 0 else len(buf)
                if made > MAX_REPEATED_CELLS:
                    raise _refuse(file, f"{TOO_BIG}：表格用“重复行”把少量内容铺成了 {made:,} "
                                  f"个以上的单元格（上限 {MAX_REPEATED_CELLS:,}），不像正常的导出文件")
            if not block:
                break
            carry = buf[pending:] if pending >= 0 else buf[max(done, len(buf) - _CARRY):]
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise _refuse(file, f"{TOO_BIG}：表格声明了 {max(rows, cols)} 个重复的行或列")
    return has_errors


def _ods_errors(zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                errors: dict[str, list[ErrorCell]]) -> None:
    """The error cells of an .ods (`calcext:value-type="error"`, as LibreOffice and WPS
    save #DIV/0! …), which calamine reads as text or blanks. Streamed through expat (no
    DTD, no entities: `_scan_ods` has already bounded the repeat counts), tracking each
    sheet, row and column, repeats included."""
    state = {"sheet": "", "row": 0, "col": 0, "found": 0}
    current: list[ErrorCell] = []  # the error cell whose text is being read

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "table:table":
            state["sheet"], state["row"] = attrs.get("table:name", ""), 0
        elif tag == "table:table-row":
            state["col"] = 0
        elif tag in ("table:table-cell", "table:covered-table-cell"):
            state["repeat"] = int(attrs.get("table:number-columns-repeated", "1"))
            if attrs.get("calcext:value-type") == "error" and state["found"] < MAX_ERRORS_LISTED:
                cell = ErrorCell(str(state["sheet"]), int(state["row"]) + 1,
                                 _letters(int(state["col"]) + 1), "")
                errors.setdefault(cell.sheet, []).append(cell)
                current.append(cell)
                state["found"] += 1
        if tag == "table:table-row":
            state["row_repeat"] = int(attrs.get("table:number-rows-repeated", "1"))

    def end(tag: str) -> None:
        if tag in ("table:table-cell", "table:covered-table-cell"):
            state["col"] += int(state.get("repeat", 1))
            current.clear()
        elif tag == "table:table-row":
            state["row"] += int(state.get("row_repeat", 1))

    def text(data: str) -> None:
        if current:
            current[-1].value = (current[-1].value + data)[:20]

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = lambda *args: (_ for _ in ()).throw(ValueError("entity"))
    try:
        with zf.open(info) as fh:  # expat must see each byte once, whole
            while block := fh.read(_CHUNK):
                parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise ValueError("content.xml is not well-formed") from None


# ----------------------------------------------------------------------------- OLE (xls)


def check_ole(data: bytes, file: str) -> Checked:
    """InputError unless the OLE container is complete and holds an Excel workbook
    stream; its error cells (BOOLERR/FORMULA records) from the same opened container."""
    try:
        ole = open_compound(data)
    except ValueError:
        raise _refuse(file, f"{DAMAGED}（.xls 文件结构不完整，可能只下载了一部分）") from None
    with ole:
        names = {n.casefold() for n in stream_names(ole)}
        _refuse_other_ole(names, file)
        errors: dict[str, list[ErrorCell]] = {}
        for sheet, row, column, text in xls_error_cells(ole, MAX_ERRORS_LISTED):
            errors.setdefault(sheet, []).append(ErrorCell(sheet, row, column, text))
    return Checked("ole", errors)


def _refuse_other_ole(names: set[str], file: str) -> None:
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise _refuse(file, ENCRYPTED)
    if "worddocument" in names:
        raise _refuse(file, "这是 Word 文档（.doc），不是 Excel 工作簿")
    if "workbook" not in names and "book" not in names:
        raise _refuse(file, "这个文件里没有 Excel 工作簿")


# ----------------------------------------------------------------------------- entry point


def check_workbook(path_str: str, file: str, head: bytes, size: int,
                   data: bytes | None = None,
                   keep: Callable[[int, int], bool] | None = None) -> Checked:
    """Check a zip (.xlsx/.ods) or OLE (.xls) workbook before calamine reads it.

    `head` is the file's first bytes; `data` the whole file when the caller already read
    it (an .xls). `keep(size, kept)` says whether to keep a worksheet's XML in
    `Checked.xml` (its size and the bytes kept so far). InputError naming `file` when it
    must not be parsed."""
    if size > MAX_FILE_BYTES:
        raise _refuse(file, f"文件过大（{size // (1024 * 1024):,} MB），超过 "
                            f"{MAX_FILE_BYTES // (1024 * 1024)} MB 的上限")
    if head.startswith(b"PK"):
        return _check_zip(path_str, file, size, keep)
    if head.startswith(OLE_MAGIC):
        if data is None:
            with open(path_str, "rb") as fh:
                data = fh.read()
        return check_ole(data, file)
    raise _refuse(file, "不是 Excel 工作簿（.xlsx/.xls）")
