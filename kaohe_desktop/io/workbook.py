"""Reading any workbook a user hands in, with clear messages for files that are not one.

python-calamine reads .xlsx/.xls/.ods several times faster than openpyxl and returns
cached formula values; a renamed .docx or .txt, a zip bomb, a range too large for memory,
a broken .xls and Excel error cells are caught by `container_check` before it parses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineWorkbook

from kaohe_desktop.domain.errors import InputError, Problem

from .container_check import MAX_ERRORS_LISTED, Checked, calamine_call, check_workbook
from .ole import MAGIC as OLE_MAGIC  # legacy .xls (and .doc, refused by the check)
from .source_file import regular_file


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


def _check_container(path: Path) -> Checked:
    path = regular_file(path)
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise InputError(Problem("文件是空的（0 字节），不是 Excel 工作簿", file=name))
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(b"PK") and head != OLE_MAGIC:
        raise InputError(Problem("不是 Excel 工作簿（.xlsx/.xls），可能是文本文件改了扩展名",
                                 file=name))
    return check_workbook(str(path), name, head, size)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date | time):
        return value
    return value


def _not_finite(sheet: str, rows: list[list[object]], file: str) -> list[Problem]:
    """Cells holding NaN or ±infinity (a crafted file's <v>NaN</v>): no score, code or
    date can be made of them, and Decimal/int conversions downstream would crash."""
    return [Problem("单元格的数值无效（NaN 或无穷大）", file=file, sheet=sheet, row=r + 1,
                    column=column_letter(c), value=None)
            for r, row in enumerate(rows) for c, v in enumerate(row)
            if type(v) is float and not math.isfinite(v)][:MAX_ERRORS_LISTED]


def read_workbook(path: Path, *, max_sheets: int | None = None) -> list[Sheet]:
    """Every sheet's rows. InputError when the file is missing, not a workbook, too large
    to read safely (container_check), holds Excel error cells or NaN, or is empty."""
    checked = _check_container(path)
    file = path.name
    wb = calamine_call(lambda: CalamineWorkbook.from_path(str(path)), file, prefix="无法读取该工作簿")
    names = calamine_call(lambda: list(wb.sheet_names), file, prefix="无法读取该工作簿")
    checked.refuse_errors(file, names[:max_sheets])
    sheets = []
    problems: list[Problem] = []
    for name in names[:max_sheets]:
        rows = calamine_call(lambda n=name: wb.get_sheet_by_name(n).to_python(skip_empty_area=False),
                             file, name, "无法读取工作表")
        problems.extend(_not_finite(name, rows, file))
        sheets.append(Sheet(name, [[_cell(v) for v in row] for row in rows]))
    if problems:
        raise InputError(problems)
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
