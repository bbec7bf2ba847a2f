"""Legacy .xls whose text is in a Chinese code page (GBK 936, Big5 950 …), as older clock
software writes it (Excel 5.0/95 BIFF5, or BIFF8 with 8-bit strings).

python-calamine (calamine ≤ 0.9 at least) decodes such 8-bit strings by padding every byte
to 16 bits before decoding them as GBK, which destroys the lead bytes. Workaround: read a
copy whose CODEPAGE record says 1252, so each byte arrives as one Latin character, then
map the characters back to the bytes and decode those with the real code page. Strings
that do not decode cleanly are left as they were. Applied only when the file declares
one of the double-byte code pages below.
"""

from __future__ import annotations

import struct

DBCS = {936: "gbk", 950: "big5", 932: "cp932", 949: "cp949"}
_CODEPAGE_RECORD = b"\x42\x00\x02\x00"


def _windows_1252_reverse() -> dict[str, int]:
    """Character → byte for the WHATWG windows-1252 decoding calamine uses (the five
    bytes Python's cp1252 leaves undefined map to the C1 control with the same number)."""
    table = {}
    for b in range(256):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            table[chr(b)] = b
    return table


_REVERSE = _windows_1252_reverse()


def declared_dbcs(data: bytes) -> tuple[str, int] | None:
    """(codec, offset of the CODEPAGE value) when the file declares a double-byte code page."""
    best = None
    for codepage, codec in DBCS.items():
        at = data.find(_CODEPAGE_RECORD + struct.pack("<H", codepage))
        if at >= 0 and (best is None or at < best[1]):
            best = (codec, at + 4)
    return best


def patched(data: bytes, offset: int) -> bytes:
    return data[:offset] + struct.pack("<H", 1252) + data[offset + 2:]


def recode(value: str, codec: str) -> str:
    """Undo the Latin-1 reading of one string; unchanged if it is not valid in `codec`."""
    if value.isascii():
        return value
    try:
        raw = bytes(_REVERSE[ch] for ch in value)
        return raw.decode(codec)
    except (KeyError, UnicodeDecodeError):
        return value
