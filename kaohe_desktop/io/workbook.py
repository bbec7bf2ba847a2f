"""Reading any workbook a user hands in, with clear messages for files that are not one.

python-calamine reads .xlsx/.xls/.ods several times faster than openpyxl and returns
cached formula values; a renamed .docx or .txt is caught before it is parsed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineWorkbook

from kaohe_desktop.domain.errors import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc: checked by calamine)


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[object]]  # cell values; empty cells are ""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _check_container(path: Path) -> None:
    name = path.name
    if not path.exists():
        raise InputError(Problem("文件不存在", file=str(path)))
    if path.stat().st_size == 0:
        raise InputError(Problem("文件是空的（0 字节），不是 Excel 工作簿", file=name))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise InputError(Problem("文件已损坏，无法作为 Excel 工作簿打开", file=name)) from None
        if "word/document.xml" in names:
            raise InputError(Problem("这是 Word 文档（.docx），不是 Excel 工作簿", file=name))
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise InputError(Problem("压缩包里没有工作簿，不是 Excel 文件", file=name))
    elif head != OLE_MAGIC:
        raise InputError(Problem("不是 Excel 工作簿（.xlsx/.xls），可能是文本文件改了扩展名",
                                 file=name))


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date | time):
        return value
    return value


def read_workbook(path: Path, *, max_sheets: int | None = None) -> list[Sheet]:
    """Every sheet's rows. InputError when the file is missing, not a workbook or empty."""
    _check_container(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error kinds for each format
        raise InputError(Problem(f"无法读取该工作簿（{exc}）", file=path.name)) from None
    sheets = []
    for name in wb.sheet_names[:max_sheets]:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputError(Problem(f"无法读取工作表（{exc}）", file=path.name,
                                     sheet=name)) from None
        sheets.append(Sheet(name, [[_cell(v) for v in row] for row in rows]))
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        raise InputError(Problem("工作簿是空的，没有任何数据", file=path.name))
    return sheets


def find_header_row(rows: list[list[object]], names: set[str], scan: int = 10) -> int | None:
    """Index of the first row (within `scan`) having any of `names` as a cell."""
    for i, row in enumerate(rows[:scan]):
        if any(isinstance(v, str) and v in names for v in row):
            return i
    return None


def is_blank(row: list[object]) -> bool:
    return all(v in ("", None) for v in row)
