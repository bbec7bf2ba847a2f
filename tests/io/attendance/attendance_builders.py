"""Files the attendance tests build on the fly: an OLE compound file (for an encrypted
.xlsx: EncryptionInfo + EncryptedPackage streams), legacy .xls workbooks (BIFF5 with GBK
text under code page 936, as old ZKTeco software writes them, or BIFF8), and small .xlsx
sheets.

The OLE writer is minimal but valid (version 3, 512-byte sectors, one FAT sector, every
stream padded to 4096 bytes so none lives in the mini stream); olefile, when installed,
is used by the tests to confirm it.
"""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def _dir_entry(name: str, kind: int, start: int, size: int, left: int = NOSTREAM,
               right: int = NOSTREAM, child: int = NOSTREAM) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file holding `streams` (at most 3, each padded to ≥ 4096 bytes)."""
    assert 1 <= len(streams) <= 3
    data = {name: blob.ljust(4096, b"\0") for name, blob in streams.items()}
    data = {n: b + b"\0" * (-len(b) % SECTOR) for n, b in data.items()}
    fat = [FATSECT, END]                       # sector 0: FAT, sector 1: directory
    starts = {}
    for name, blob in data.items():
        n = len(blob) // SECTOR
        starts[name] = len(fat)
        fat.extend(range(len(fat) + 1, len(fat) + n))
        fat.append(END)
    assert len(fat) <= SECTOR // 4, "stream too large for one FAT sector"
    fat += [FREE] * (SECTOR // 4 - len(fat))
    # directory: root, then the streams as a right-leaning chain sorted (length, upper name)
    names = sorted(data, key=lambda n: (len(n), n.upper()))
    entries = [_dir_entry("Root Entry", 5, END, 0, child=1)]
    for k, name in enumerate(names, start=1):
        right = k + 1 if k < len(names) else NOSTREAM
        entries.append(_dir_entry(name, 2, starts[name], len(streams[name].ljust(4096, b"\0")),
                                  right=right))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, 0, 0))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, END, 0, END, 0)
    difat = [0] + [FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)
    body = struct.pack(f"<{SECTOR // 4}I", *fat) + b"".join(entries)
    body += b"".join(data[n] for n in data)
    path.write_bytes(bytes(header) + body)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an open password: no zip, an OLE container."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    package = struct.pack("<Q", 9000) + b"\x17" * 9000
    return ole_file(path, {"EncryptionInfo": info, "EncryptedPackage": package})


def _rec(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def legacy_xls(path: Path, rows: list[list[object]], sheet: str = "Sheet1", biff: int = 5,
               encoding: str = "gbk", codepage: int = 936) -> Path:
    """A legacy .xls: BIFF5 (Excel 5.0/95, stream "Book", 8-bit text in `encoding` under
    CODEPAGE `codepage`) or BIFF8 (Excel 97–2003, stream "Workbook", UTF-16 text).
    datetime values become NUMBER cells with a date-time format (XF 16 → format 22)."""
    version = 0x0500 if biff == 5 else 0x0600

    def bof(kind: int) -> bytes:
        return _rec(0x0809, struct.pack("<HHHH", version, kind, 0x0DBB, 0x07CC)
                    + (b"\0" * 8 if biff == 8 else b""))

    def text(value: str, short: bool = False) -> bytes:
        if biff == 5:
            raw = value.encode(encoding)
            return (bytes([len(raw)]) if short else struct.pack("<H", len(raw))) + raw
        raw = value.encode("utf-16-le")
        n = len(raw) // 2
        return (bytes([n]) if short else struct.pack("<H", n)) + b"\x01" + raw

    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 16, serial))
            elif isinstance(value, int | float):
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
            else:
                cells += _rec(0x0204, struct.pack("<HHH", r, c, 15) + text(str(value)))
    width = max((len(r) for r in rows), default=0)
    dims = (struct.pack("<HHHHH", 0, len(rows), 0, width, 0) if biff == 5
            else struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    sheet_stream = bof(0x0010) + _rec(0x0200, dims) + cells + _rec(0x000A, b"")
    xfs = b"".join(_rec(0x00E0, struct.pack("<HH", 0, 22 if i == 16 else 0) + b"\0" * 16)
                   for i in range(17))

    def globals_(offset: int) -> bytes:
        sheet_rec = (struct.pack("<IH", offset, 0) + text(sheet, short=True))
        return (bof(0x0005) + _rec(0x0042, struct.pack("<H", codepage if biff == 5 else 1200)) + xfs
                + _rec(0x0085, sheet_rec) + _rec(0x000A, b""))

    head = globals_(0)
    book = globals_(len(head)) + sheet_stream
    return ole_file(path, {"Book" if biff == 5 else "Workbook": book})


def xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1",
         more: dict[str, list[list[object]]] | None = None) -> Path:
    """A plain .xlsx with `rows` on `sheet` (and further sheets from `more`)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for name, extra in (more or {}).items():
        other = wb.create_sheet(name)
        for row in extra:
            other.append(row)
    wb.save(path)
    return path
