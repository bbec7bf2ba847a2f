"""Hostile and broken files built in a test, in a few MB at most: zip bombs, ranges too
large for memory, error and NaN cells, truncated .xls headers, clock files with junk.

Imported by the io and CLI tests (`from hostile_files import …`) and by
bench/bomb_bench.py. Every workbook is a real, minimal SpreadsheetML package that Excel
and python-calamine open; only the sheet XML is what the test wants it to be.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
_SHEET_CT = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets>{sheets}</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
         'org/spreadsheetml/2006/main"><sheetData>')
_TAIL = "</sheetData></worksheet>"

MB = 1024 * 1024


def letter(col: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def cell_xml(ref: str, value: object) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: Sequence[Sequence[object]], first: int = 1) -> str:
    """<row> elements for plain values (str → inline string, numbers as typed)."""
    out = []
    for r, row in enumerate(rows, start=first):
        cells = "".join(cell_xml(f"{letter(c)}{r}", v) for c, v in enumerate(row, start=1)
                        if v not in ("", None))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def _write_stream(zf: zipfile.ZipFile, name: str, parts: Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 9  # type: ignore[attr-defined]  # Python 3.11 has no public name
    with zf.open(info, "w", force_zip64=True) as fh:
        for part in parts:
            fh.write(part)


def xlsx(path: Path, sheets: dict[str, str | Iterable[bytes]]) -> Path:
    """A workbook whose sheets' <sheetData> content is given as text, or as an iterable
    of byte chunks (streamed, so a bomb never exists whole in memory)."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT.format(overrides="".join(
            _SHEET_CT.format(n=i) for i in range(1, len(names) + 1))))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB.format(sheets="".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1))))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(rels="".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1))))
        for i, name in enumerate(names, start=1):
            body = sheets[name]
            chunks = [body.encode()] if isinstance(body, str) else body
            _write_stream(zf, f"xl/worksheets/sheet{i}.xml",
                          [_HEAD.encode(), *chunks, _TAIL.encode()]
                          if isinstance(body, str) else _framed(chunks))
    return path


def _framed(chunks: Iterable[bytes]) -> Iterable[bytes]:
    yield _HEAD.encode()
    yield from chunks
    yield _TAIL.encode()


def bomb_rows(header: Sequence[str], inflated: int, row: Sequence[object] | None = None
              ) -> Iterable[bytes]:
    """A header row, then one row repeated until `inflated` bytes of XML: the classic
    sheet bomb (compresses ~1000×). Rows carry no r attribute, as some writers do."""
    yield rows_xml([list(header)]).encode()
    cells = "".join(f"<c t=\"inlineStr\"><is><t>{escape(str(v))}</t></is></c>"
                    for v in (row or ["X" * 8] * len(header)))
    one = f"<row>{cells}</row>".encode()
    block = one * max(1, (4 * MB) // len(one))
    done = 0
    while done < inflated:
        yield block
        done += len(block)


def xlsx_bomb(path: Path, header: Sequence[str], inflated: int = 64 * MB) -> Path:
    """A valid .xlsx of a few hundred KB whose sheet inflates to `inflated` bytes."""
    return xlsx(path, {"Sheet1": bomb_rows(header, inflated)})


def far_cell_xlsx(path: Path, header: Sequence[str], ref: str = "XFD1048576") -> Path:
    """A header and one cell far away: a few hundred bytes whose dense range is billions
    of cells (python-calamine aborts the process allocating it)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return xlsx(path, {"Sheet1": rows_xml([list(header)]) +
                       f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'})


def tall_xlsx(path: Path, header: Sequence[str], rows: int = 2_000_000) -> Path:
    """Rows numbered past Excel's 1,048,576 (a 30 KB file)."""
    return xlsx(path, {"Sheet1": rows_xml([list(header)]) +
                       f'<row r="{rows}"><c r="A{rows}"><v>1</v></c></row>'})


def raw_cell_xlsx(path: Path, header: Sequence[str], data_row: Sequence[object],
                  raw: dict[int, str], sheet: str = "Sheet1") -> Path:
    """A header and one data row where column index → raw <c> XML (e.g. NaN, errors)."""
    cells = []
    for c, v in enumerate(data_row, start=1):
        ref = f"{letter(c)}2"
        if c - 1 in raw:
            cells.append(raw[c - 1].format(ref=ref))
        elif v not in ("", None):
            cells.append(cell_xml(ref, v))
    return xlsx(path, {sheet: rows_xml([list(header)]) + f'<row r="2">{"".join(cells)}</row>'})


NAN_CELL = '<c r="{ref}"><v>NaN</v></c>'
INF_CELL = '<c r="{ref}"><v>-inf</v></c>'
ERROR_CELL = '<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'


def truncated_xls(path: Path, size: int = 512) -> Path:
    """The first `size` bytes of an OLE compound file: a header that points at sectors
    that are not there (a half-downloaded .xls)."""
    header = bytearray(b"\xff" * 512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[8:24] = bytes(16)
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)   # minor, major, order, 512 B
    struct.pack_into("<H", header, 32, 6)
    header[34:44] = bytes(10)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 0x1000)        # 1 FAT sector, dir at 1
    struct.pack_into("<III", header, 56, 0xFFFFFFFE, 0, 0xFFFFFFFE)
    struct.pack_into("<II", header, 68, 0xFFFFFFFE, 0)
    struct.pack_into("<I", header, 76, 0)                         # FAT in sector 0
    path.write_bytes(bytes(header[:size]))
    return path


def xls_with_error_cell(source: Path, path: Path, code: int = 0x07) -> tuple[int, int]:
    """`source` (a real BIFF8 .xls) with its first number cell (an RK record) of the first
    sheet turned into an Excel error cell (a BOOLERR record, #DIV/0! by default), as
    Excel writes a formula's error value; (row, column), 0-based. The stream keeps its size
    (the two bytes saved are added to the zero padding at its end), so olefile can write it
    back in place."""
    import shutil

    import olefile

    shutil.copy(source, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = ole.openstream("Workbook").read()
        out, pos, bofs, where = bytearray(), 0, 0, None
        while pos + 4 <= len(data):
            kind, length = struct.unpack_from("<HH", data, pos)
            bofs += kind == 0x0809
            if kind == 0x027E and bofs == 2 and where is None:
                row, col, xf = struct.unpack_from("<HHH", data, pos + 4)
                out += struct.pack("<HHHHHBB", 0x0205, 8, row, col, xf, code, 1)
                where = (row, col)
            else:
                out += data[pos:pos + 4 + length]
            pos += 4 + length
        assert where is not None, "no number cell to turn into an error"
        ole.write_stream("Workbook", bytes(out.ljust(len(data), b"\0")))
    return where


def ods_cell(value: object) -> str:
    """One .ods cell with a value, as LibreOffice writes it."""
    if isinstance(value, int | float):
        kind = f'office:value-type="float" office:value="{value}"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"


def ods_file(path: Path, rows: Sequence[str], *, doctype: str = "", manifest: bool = True) -> Path:
    """An .ods holding one sheet of these <table:table-row> elements."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{"".join(rows)}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    listing = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
               '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
               '<manifest:file-entry manifest:full-path="/" manifest:media-type='
               '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        if manifest:
            zf.writestr("META-INF/manifest.xml", listing)
    return path


def ods_row(values: Sequence[object], repeated: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attr}>{''.join(ods_cell(v) for v in values)}</table:table-row>"


# the empty rows to the sheet's end, as LibreOffice saves every sheet
ODS_EMPTY_TAIL = ('<table:table-row table:number-rows-repeated="1048570">'
                  '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def ods_with_error_cell(path: Path, header: Sequence[str], data_row: Sequence[object],
                        error_column: int, repeated_rows: int = 2) -> Path:
    """An .ods as LibreOffice or WPS saves it: the header, `data_row` repeated (a
    `number-rows-repeated` row), then a row whose column `error_column` (0-based, after
    empty cells given by `number-columns-repeated`) holds a formula's error value
    (`calcext:value-type="error"`, #DIV/0!), which python-calamine reads as a blank."""
    rows = [ods_row(header), ods_row(data_row, repeated_rows),
            f"<table:table-row>{''.join(ods_cell(v) for v in data_row[:1])}"
            + (f'<table:table-cell table:number-columns-repeated="{error_column - 1}"/>'
               if error_column > 1 else "")
            + '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
              'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
              "</table:table-cell></table:table-row>"]
    return ods_file(path, rows)


def attlog_with_junk(path: Path, punches: int = 20, junk: int = 3 * MB) -> Path:
    """A ZKTeco attlog.dat with `punches` lines, then `junk` bytes of printable junk lines."""
    lines = [f"{1000 + i % 5:>9}\t2024-03-{1 + i // 5 % 28:02d} 08:{i % 60:02d}:00\t1\t0\t1\t0"
             for i in range(punches)]
    body = "\r\n".join(lines).encode() + b"\r\n"
    junk_line = b"%%##@@!! 0xDEADBEEF garbage that is not a punch \xe4\xb9\xb1\xe7\xa0\x81\r\n"
    path.write_bytes(body + junk_line * (junk // len(junk_line)))
    return path


def deflate_ratio(path: Path) -> float:
    """Uncompressed / compressed size of the largest member (for asserting a test bomb is
    one)."""
    with zipfile.ZipFile(path) as zf:
        info = max(zf.infolist(), key=lambda i: i.file_size)
        return info.file_size / max(info.compress_size, 1)


__all__ = ["ERROR_CELL", "INF_CELL", "MB", "NAN_CELL", "attlog_with_junk", "bomb_rows",
           "deflate_ratio", "far_cell_xlsx", "raw_cell_xlsx", "rows_xml", "tall_xlsx",
           "truncated_xls", "xlsx", "xlsx_bomb"]
