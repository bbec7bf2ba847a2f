"""Names of the streams in an OLE compound file (legacy .xls, .doc, encrypted .xlsx).

Office keeps a password-protected .xlsx/.docx as an OLE container holding
`EncryptionInfo` and `EncryptedPackage` streams instead of a zip; a .doc holds
`WordDocument`; a real .xls holds `Workbook` (BIFF8) or `Book` (BIFF5). Reading the
directory is enough to tell them apart before python-calamine gives a vaguer error.
Any inconsistency (truncated file, loop in a chain) raises ValueError.
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_SECTORS = 1 << 22


def stream_names(data: bytes) -> list[str]:
    """Every directory entry name (storages and streams) in the compound file `data`."""
    if len(data) < 512 or not data.startswith(MAGIC):
        raise ValueError("not an OLE compound file")
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    first_difat, n_difat = struct.unpack_from("<II", data, 68)

    def sector(i: int) -> bytes:
        start = (i + 1) * size
        if i >= _MAX_SECTORS or start >= len(data):
            raise ValueError("sector out of range")
        return data[start:start + size].ljust(size, b"\xff")

    fat_ids = [x for x in struct.unpack_from("<109I", data, 76) if x != _FREE]
    nxt, seen = first_difat, 0
    while nxt not in (_END, _FREE) and seen < n_difat + 1:
        ids = struct.unpack(f"<{size // 4}I", sector(nxt))
        fat_ids.extend(x for x in ids[:-1] if x != _FREE)
        nxt, seen = ids[-1], seen + 1
    fat: list[int] = []
    for i in fat_ids[:n_fat]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(i)))
    names: list[str] = []
    current, steps = first_dir, 0
    while current != _END:
        if current >= len(fat) or steps > len(fat):
            raise ValueError("broken directory chain")
        block = sector(current)
        for off in range(0, len(block) - 127, 128):
            length = struct.unpack_from("<H", block, off + 64)[0]
            kind = block[off + 66]
            if kind and 2 <= length <= 64:
                names.append(block[off:off + length - 2].decode("utf-16-le", "replace"))
        current, steps = fat[current], steps + 1
    return names
