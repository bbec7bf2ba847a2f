"""The scan of one .xlsx worksheet's XML before python-calamine parses it (container_check).

calamine builds a dense range from the smallest to the largest cell position it sees, so
a sheet naming A1 and XFD1048576 makes it allocate 17 billion cells and abort; and it
reads error cells (`t="e"`) as blanks. The scan refuses the first and lists the second.

It runs at C speed: the sheet is inflated in large blocks, cut at row ends so no cell is
split, and each block is searched by a few regular expressions whose matches are rare in
a normal sheet — never element by element in Python. The fast test proves the bound
outright for the usual shapes: every cell starts `<c r="X123456"` with a column A–J and at
most six row digits (a log or a 办件 export: at most 10 × 999,999 cells), or with a column
A–Z and a row below 380,000 (a report or a wide export: 26 × 379,999), and no tag repeats
its `r` attribute (calamine keeps the last one) — under MAX_CELLS and Excel's rows. A sheet
that is wider, taller or written in any other way (attributes in another order, single
quotes, namespace prefixes, cells without `r`) is looked at again by `_exact_extent`,
which reads every reference. Error cells are looked for only in blocks holding a `#`
(every Excel error value starts with one; calamine refuses a `t="e"` cell whose value does
not), NaN/infinity only in blocks where a value starts with n/i.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from kaohe_desktop.domain.errors import InputError, Problem

MAX_ROWS = 1_048_576                       # Excel's own limits
MAX_COLUMNS = 16_384
MAX_CELLS = 10_000_000                     # rows × columns of the dense range (≈ 320 MB)
MAX_ERRORS_LISTED = 20
BLOCK = 8 * 1024 * 1024                    # inflated bytes per read (zipfile's reader)
_RAW_READ = 512 * 1024                     # deflated bytes per read
TOO_BIG = "文件过大或内容异常（可能是“压缩炸弹”），为保护电脑已拒绝读取"


@dataclass
class ErrorCell:
    sheet: str
    row: int
    column: str
    value: str
    nonfinite: bool = False   # NaN or ±infinity rather than an Excel error value


# -- the fast test: a match means "look again exactly" (never a refusal by itself)
# a log: columns A–J and rows below 1,000,000 (10 × 999,999 cells); a report: columns A–Z
# and rows below 380,000 (26 × 379,999 = 9,879,974) — both under MAX_CELLS
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-J]\d{1,6}")[\s>/]')   # wider, taller, other spelling
_UNUSUAL_WIDE = re.compile(rb'<c(?! r="[A-Z](?:\d{1,5}|[12]\d{5}|3[0-7]\d{4})")[\s>/]')
_PREFIXED_CELL = re.compile(rb':c[\s>/]')                        # <x:c …>
_QUOTE_SPACE = re.compile(rb'" (?:r| )')                          # a hint of the next line
_SECOND_R = re.compile(rb'["\']\s+r\s*=')                        # an r after another attribute
_NONFINITE_HINT = re.compile(rb"v>[-+]?[nNiI]")                  # <v>NaN, <v>-inf, <x:v>Infinity

# -- the exact reading, used only on blocks (or sheets) the fast test flagged
_ATTR_R = re.compile(rb'\br\s*=\s*["\']([A-Za-z]{1,3})(\d+)["\']')
_ATTR_T = re.compile(rb'\bt\s*=\s*["\']([^"\']*)["\']')
# bounded repeats only: a crafted block of "<c<c<c…" must not make a pattern quadratic
# two patterns, each with a literal start the search can skip to (one "<(?:\w+:)?c" is 2× slower)
_CELL_WITHOUT_R = re.compile(rb"<c(?=[\s>/])(?![^>]{0,4096}\sr\s*=)")
_PREFIXED_CELL_WITHOUT_R = re.compile(rb":c(?=[\s>/])(?![^>]{0,4096}\sr\s*=)")
_FORMULA = rb"(?:\s*<(?:[\w.-]+:)?f\b[^<>]{0,4096}(?:/>|>[^<]*</(?:[\w.-]+:)?f>))?"
_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^<>]{0,4096}?\bt\s*=\s*[\"']e[\"'][^<>]{0,4096})>"
                         + _FORMULA + rb"\s*<(?:[\w.-]+:)?v>([^<]{0,20})")
_NONFINITE_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^<>]{0,4096})>" + _FORMULA
                             + rb"\s*<(?:[\w.-]+:)?v>[-+]?(?i:nan|inf|infinity)</")


def _refuse(file: str, reason: str) -> InputError:
    return InputError(Problem(reason, file=file))


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def letters(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def _cut(data: bytes, start: int) -> int:
    """Where to end a block so that no row (else no tag) is split: after the last row's
    end, else between the last two tags; the rest is carried into the next block."""
    at = data.rfind(b"row>", start)
    if at >= 0:
        return at + 4
    at = data.rfind(b"><", start)
    return at + 1 if at >= 0 else start


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The member's bytes in blocks of a few MB, checked against its CRC at the end; a
    ValueError once more than `limit` came out (the directory's size can lie) or when the
    data is damaged. A deflated member is inflated here with zlib directly: zipfile's
    reader copies each block several times, which costs as much as the search itself."""
    if info.compress_type != zipfile.ZIP_DEFLATED or zf.fp is None:
        with zf.open(info) as fh:
            total = 0
            while block := fh.read(BLOCK):
                total += len(block)
                if total > limit:
                    raise ValueError("member larger than declared")
                yield block
        return
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ValueError("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = zlib.decompressobj(-15)
    left, total, crc = info.compress_size, 0, 0
    while left > 0 and not inflater.eof:
        raw = fp.read(min(left, _RAW_READ))
        if not raw:
            raise ValueError("member cut short")
        left -= len(raw)
        while raw:   # at most BLOCK out per call: a local run of zeros can inflate 1000×
            block = inflater.decompress(raw, BLOCK)
            raw = inflater.unconsumed_tail
            total += len(block)
            if total > limit:
                raise ValueError("member larger than declared")
            if block:
                crc = zlib.crc32(block, crc)
                yield block
            if inflater.eof:
                break
    # at the end of the deflate stream every byte has come out (nothing left to flush)
    if not inflater.eof or crc != info.CRC or total != info.file_size:
        raise ValueError("member damaged")


def pieces(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
           ) -> Iterator[tuple[bytes, int, int]]:
    """The member's bytes as (buffer, start, end) spans of whole rows: searched in place
    with pos/endpos, so no block is copied. The few bytes after a block's last row end
    are joined with the next block's first row into a small span of their own. A row
    longer than a few blocks is cut between tags instead."""
    carry = b""
    for block in _inflated(zf, info, limit):
        start = 0
        if carry:
            first = block.find(b"row>")
            if first < 0 and len(carry) < 4 * BLOCK:
                carry += block
                continue
            if first < 0:
                block, carry = carry + block, b""
            else:
                start = first + 4
                joined = carry + block[:start]
                carry = b""
                yield joined, 0, len(joined)
        cut = _cut(block, start)
        if cut == start and len(block) - start < 4 * BLOCK:
            carry = block[start:]
            continue
        if cut == start:
            cut = len(block)
        yield block, start, cut
        carry = block[cut:]
    if carry:
        yield carry, 0, len(carry)


def scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, sheet: str,
               errors: dict[str, list[ErrorCell]], limit: int,
               keep: list[tuple[bytes, int, int]] | None = None) -> bool:
    """Refuse a sheet whose cells span more than MAX_CELLS (or Excel's rows and columns);
    collect its error and NaN/infinity cells into `errors[sheet]`. With `keep`, the
    sheet's XML is appended to it as the (buffer, start, end) spans searched, in order
    (`sheet_halves` parses a large sheet from them). True when the fast test held: every
    cell written the usual way, with its `r`."""
    found: list[ErrorCell] = []
    seen: set[tuple[int, str]] = set()
    with closing(pieces(zf, info, limit)) as spans:
        usual = _fast_scan(spans, sheet, found, seen, keep)
    if not usual:
        _exact_extent(zf, info, file, sheet, limit)
    if found:
        found.sort(key=lambda c: (c.row, len(c.column), c.column))
        errors[sheet] = found
    return usual


def _fast_scan(spans: Iterator[tuple[bytes, int, int]], sheet: str, found: list[ErrorCell],
               seen: set[tuple[int, str]], keep: list[tuple[bytes, int, int]] | None) -> bool:
    """The fast test over every span (True when it held), error and NaN cells collected."""
    exact = wide = False
    for n, (buf, start, end) in enumerate(spans):
        if keep is not None:
            keep.append((buf, start, end))
        if not exact and (_UNUSUAL_WIDE if wide else _UNUSUAL_CELL).search(buf, start, end):
            # a sheet with columns K–Z from its first block on (a report's header) keeps
            # the fast test, bounded at 26 × 379,999 cells instead of 10 × 999,999; one
            # that widens later cannot (earlier blocks may hold rows past 379,999)
            if n == 0 and not wide and not _UNUSUAL_WIDE.search(buf, start, end):
                wide = True
            else:
                exact = True
        if not exact and (_PREFIXED_CELL.search(buf, start, end) or _second_r(buf, start, end)):
            exact = True
        if (len(found) < MAX_ERRORS_LISTED and buf.find(b"#", start, end) >= 0
                and (buf.find(b'"e"', start, end) >= 0 or buf.find(b"'e'", start, end) >= 0)):
            for m in _ERROR_CELL.finditer(buf, start, end):
                _add(found, seen, sheet, m[1], m[2].decode("utf-8", "replace").strip() or "#错误")
        if len(found) < MAX_ERRORS_LISTED and _NONFINITE_HINT.search(buf, start, end):
            for m in _NONFINITE_CELL.finditer(buf, start, end):
                kind = _ATTR_T.findall(m[1])
                if not kind or kind[-1] == b"n":     # text types keep "nan" as text
                    _add(found, seen, sheet, m[1], "", nonfinite=True)
    return not exact


def _second_r(buf: bytes, start: int, end: int) -> bool:
    """Whether some tag has an `r` after another attribute. The full pattern is slow (it
    stops at every quote), so it runs only on blocks with a quote-space-r, two spaces
    after a quote, a single quote or whitespace other than spaces (rare inside a sheet)."""
    if not (_QUOTE_SPACE.search(buf, start, end)
            or any(buf.find(ch, start, end) >= 0 for ch in (b"'", b"\t", b"\n", b"\r"))):
        return False
    return _SECOND_R.search(buf, start, end) is not None


def _add(found: list[ErrorCell], seen: set[tuple[int, str]], sheet: str, attrs: bytes,
         value: str, nonfinite: bool = False) -> None:
    refs = _ATTR_R.findall(attrs)
    if not refs or len(found) >= MAX_ERRORS_LISTED:
        return                  # a cell without r: calamine places it; rare enough to skip
    col, row = refs[-1]         # calamine keeps the last of repeated attributes
    key = (int(row), col.decode().upper())
    if key not in seen:
        seen.add(key)
        found.append(ErrorCell(sheet, key[0], key[1], value, nonfinite))


def _rows_at_least(n: int) -> bytes:
    """A regex for decimal row numbers ≥ roughly `n` (rounded down to a leading digit), so
    one pass over the references finds the rows that would overflow the range."""
    digits = len(str(n))
    lead = int(str(n)[0])
    if lead == 1:
        return rb"\d{%d,}" % digits
    return rb"(?:[%d-9]\d{%d}|\d{%d,})" % (lead, digits - 1, digits + 1)


# an r attribute however quoted and spaced (no \b: a literal start is twice as fast, and a
# longer name ending in r only makes the bound more generous)
_REF = rb"r\s*=\s*[\"']"


def _exact_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, sheet: str,
                  limit: int) -> None:
    """Every cell reference, however written, and — where cells omit `r` (calamine then
    counts them) — the cells per row and the rows; refuse a range past the limits.
    Bounds are generous: a cell without `r` may follow the largest reference, and a sheet
    is taken as at least 26 columns wide, so only references with two or three letters,
    or rows too many for 26 columns, need to come out of the search (a Python object per
    reference would cost seconds on a large sheet)."""
    width, tall_at = 26, MAX_CELLS // 26
    refs = re.compile(_REF + rb"(?:([A-Za-z]{2,3})\d|[A-Za-z](" + _rows_at_least(tall_at)
                      + rb")[\"'])")
    height = rows_seen = widest_row = 0
    unreferenced = False
    with closing(pieces(zf, info, limit)) as spans:
        for buf, start, end in spans:
            piece = buf[start:end]
            for col, row in refs.findall(piece):
                if row:
                    height = max(height, int(row))
                else:
                    width = max(width, column_number(col))
            if width > MAX_COLUMNS:
                raise _refuse(file, f"{TOO_BIG}：工作表“{sheet}”用到了第 {width} 列，"
                                    f"超过 Excel 的 {MAX_COLUMNS} 列")
            if _CELL_WITHOUT_R.search(piece) or _PREFIXED_CELL_WITHOUT_R.search(piece):
                unreferenced = True
                # between two row ends lie one row's cells (and the next row's start tag);
                # counting "<c" and ":c" over-counts (<col …>), which only errs on the safe side
                for segment in piece.split(b"row>"):
                    widest_row = max(widest_row, segment.count(b"<c") + segment.count(b":c"))
                if widest_row > MAX_COLUMNS:
                    raise _refuse(file, f"{TOO_BIG}：工作表“{sheet}”的一行有 {widest_row} 个单元格，"
                                        f"超过 Excel 的 {MAX_COLUMNS} 列")
            rows_seen += piece.count(b"row>") - piece.count(b"<row>")   # each row's end
    if width > 26:  # the one-pass row threshold assumed 26 columns: look again for this width
        tall = re.compile(_REF + rb"[A-Za-z]{1,3}(" + _rows_at_least(MAX_CELLS // width)
                          + rb")[\"']")
        with closing(pieces(zf, info, limit)) as spans:
            for buf, start, end in spans:
                for row in tall.findall(buf, start, end):
                    height = max(height, int(row))
    if unreferenced:
        width += widest_row
        height += rows_seen
    if height > MAX_ROWS:
        raise _refuse(file, f"{TOO_BIG}：工作表“{sheet}”用到了第 {height} 行，"
                            f"超过 Excel 的 {MAX_ROWS} 行")
    if width > MAX_COLUMNS:
        raise _refuse(file, f"{TOO_BIG}：工作表“{sheet}”用到了第 {width} 列，"
                            f"超过 Excel 的 {MAX_COLUMNS} 列")
    if height * width > MAX_CELLS:
        raise _refuse(file, f"{TOO_BIG}：工作表“{sheet}”的范围达 {height} 行 × {width} 列"
                            f"（到 {letters(width)} 列），超过 {MAX_CELLS:,} 个单元格的上限")
