"""Excel error cells (#DIV/0!, #N/A …) in a legacy .xls, found before python-calamine
reads it: calamine hands them over as blanks, and a blank score is a missing score, not
an error the user should fix.

A BIFF8 `Workbook` stream is a run of records (type, length, data). The workbook globals
come first, with one BOUNDSHEET record per sheet (its name); then each sheet's records,
each sheet opened by a BOF record. An error is a BOOLERR record whose flag says "error",
or a FORMULA record whose cached result is an error. The stream is read from the
container the check already opened with olefile (`ole.open_compound`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import olefile

_BOF, _EOF, _BOUNDSHEET, _BOOLERR, _FORMULA = 0x0809, 0x000A, 0x0085, 0x0205, 0x0006
ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
              0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _records(stream: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4:pos + 4 + length]
        pos += 4 + length


def _sheet_name(data: bytes) -> str:
    """The name in a BOUNDSHEET record (a ShortXLUnicodeString after 6 bytes)."""
    if len(data) < 8:
        return ""
    count, wide = data[6], data[7] & 1
    raw = data[8:8 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _column(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xls_error_cells(ole: olefile.OleFileIO, limit: int = 20) -> list[tuple[str, int, str, str]]:
    """(sheet name, 1-based row, column letters, error text) of the first `limit` error
    cells of the open container `ole`; [] for a BIFF5 `Book` or a stream olefile cannot
    read (the container check has already said whether the file is whole)."""
    try:
        if not ole.exists("Workbook"):
            return []
        stream = ole.openstream("Workbook").read()
    except (OSError, ValueError, IndexError, struct.error):  # olefile's own errors are OSError
        return []
    names: list[str] = []
    found: list[tuple[str, int, str, str]] = []
    substream = -1  # -1: the workbook globals; then the index of the sheet
    for kind, rec in _records(stream):
        if kind == _BOF:
            substream += 1
        elif kind == _BOUNDSHEET and substream == 0:
            names.append(_sheet_name(rec))
        elif kind in (_BOOLERR, _FORMULA) and len(rec) >= 14 - (6 if kind == _BOOLERR else 0):
            row, col = struct.unpack_from("<HH", rec, 0)
            if kind == _BOOLERR and rec[7] == 1:
                code = rec[6]
            elif kind == _FORMULA and rec[6] == 2 and rec[12:14] == b"\xff\xff":
                code = rec[8]
            else:
                continue
            sheet = names[substream - 1] if 0 < substream <= len(names) else f"第 {substream} 张表"
            found.append((sheet, row + 1, _column(col), ERROR_TEXT.get(code, f"#错误{code:02X}")))
            if len(found) >= limit:
                break
    return found
