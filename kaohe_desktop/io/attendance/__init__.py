"""Reading attendance exports as they come out of DingTalk (钉钉), WeCom (企业微信), ZKTeco
(中控) clocks, the program's own template, or any other layout through a column mapping.

Pure reading: no database, no Qt. Entry points:
- `detect_format(path)` → one of `records.FORMATS` or "unknown", from the content;
- `read_attendance(path, format="auto", mapping=None, progress=None)` → ParsedAttendance;
- `ColumnMapping`, `headers_of(path)`, `mapping_signature(path)` for unknown layouts;
- `write_attendance_template(path)`.

Errors: a file that is not a spreadsheet/attlog, encrypted or damaged, or a sheet with no
recognisable columns raises InputError naming the file (and the columns looked for); a
cell that cannot be read is a Problem in `ParsedAttendance.problems` with row and column.
`progress(done, total)` is called every couple of thousand rows; it may raise (e.g. on
cancel) to abandon the read — nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem

from . import mapped, zkteco_attlog
from .collect import Collector
from .container import open_source
from .detect import BY_NAME, find_format, find_named, no_layout
from .mapped import ColumnMapping, HeaderInfo
from .records import FORMATS, DayRecord, ParsedAttendance, Punch
from .template import write_attendance_template

__all__ = [
    "FORMATS", "ColumnMapping", "DayRecord", "HeaderInfo", "ParsedAttendance", "Punch",
    "detect_format", "headers_of", "mapping_signature", "read_attendance", "write_attendance_template",
]


def detect_format(path: Path | str) -> str:
    """The layout of the file at `path`, or "unknown" (also for a text file that is not an
    attlog). InputError if it cannot be opened at all (renamed .docx, encrypted, damaged)."""
    src = open_source(path)
    found = find_format(src)
    return found.format if found is not None else "unknown"


def read_attendance(path: Path | str, format: str = "auto", mapping: ColumnMapping | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ParsedAttendance:
    """Every punch or person-day in the file, plus the cells that could not be read."""
    src = open_source(path)
    if format == "mapped" or (format == "auto" and mapping is not None and find_format(src) is None):
        if mapping is None:
            raise InputError(Problem("按列对应读取需要先指定各列", file=src.name))
        found = mapped.find(src, mapping)
        module = mapped
    elif format == "auto":
        found = find_format(src)
        if found is None:
            raise no_layout(src)
        module = BY_NAME[found.format]
    elif format in BY_NAME:
        found = find_named(src, format)
        module = BY_NAME[format]
    else:
        raise ValueError(f"unknown attendance format {format!r}; expected auto or one of {FORMATS}")
    col = Collector(src.name, found.format, progress)
    if module is zkteco_attlog:
        zkteco_attlog.read(src, col)
    else:
        module.read(src, found, col)
    notes = list(found.extra.get("notes", []))
    if not col.punches and not col.days and not col.problems:
        raise InputError(Problem("找到了表头，但下面没有任何考勤数据", file=src.name, sheet=found.sheet))
    return col.result(sheet=found.sheet, period=found.extra.get("period"), notes=notes)


def headers_of(path: Path | str, sheet: str | int | None = None,
               header_row: int | None = None) -> HeaderInfo:
    """Sheets, header row (guessed unless given, Excel numbering), column titles and sample
    rows of a workbook, for the column-mapping dialog."""
    return mapped.header_info(open_source(path), sheet, header_row)


def mapping_signature(path: Path | str, sheet: str | int | None = None) -> str:
    """A stable key of the file's header shape: files that share it can share a mapping."""
    src = open_source(path)
    if src.kind == "text":
        return "text:attlog" if zkteco_attlog.looks_like(src.lines) else "text:unknown"
    return mapped.header_info(src, sheet).signature
