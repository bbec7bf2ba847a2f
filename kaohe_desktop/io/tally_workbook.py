"""The year-end tally workbook: several styled sheets written in openpyxl's write-only
mode (1,000 units × 35 items in well under 3 s).

Plain data in (`TallySheet`: headers and rows of str / int / float / None); the numbers
arrive already rounded by the caller with `domain.numbers.as_number`, the one rounding
rule, so a cell equals what `kaohe rank` prints. Text that begins with = + - @ would be
run by Excel as a formula (CSV/formula injection): such cells are written as plain
strings (data type "s", with Excel's quote prefix), never as formulas.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .workbook import column_letter

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
THIN = Side(style="thin", color="999999")
HEADER_BORDER = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
FORMULA_START = ("=", "+", "-", "@")
NUMBER_FORMAT = "0.00"


@dataclass(frozen=True)
class TallySheet:
    name: str  # the tab (≤ 31 characters, no []:*?/\)
    title: str  # row 1
    headers: tuple[str, ...]  # row 2
    rows: Sequence[Sequence[object]]
    widths: tuple[int, ...] = ()
    freeze: str = "C3"  # rows 1–2 and the first two columns stay in view
    decimals: tuple[int, ...] = ()  # 0-based columns shown with two decimals


def sheet_name(text: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip("'") or "Sheet"
    return cleaned[:31]


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _text_cell(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # a string, whatever it looks like
    cell.quotePrefix = True  # Excel shows it with a leading ' and never evaluates it
    return cell


def _rows(ws, sheet: TallySheet) -> Iterator[list[object]]:
    decimals = set(sheet.decimals)
    for row in sheet.rows:
        out: list[object] = []
        for col, value in enumerate(row):
            if is_formula_like(value):
                out.append(_text_cell(ws, value))  # type: ignore[arg-type]
            elif col in decimals and isinstance(value, int | float) and not isinstance(value, bool):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = NUMBER_FORMAT
                out.append(cell)
            else:
                out.append(value)
        yield out


def write_tally(path: Path | str, sheets: Iterable[TallySheet]) -> Path:
    """Write the workbook (the caller moves it into place: `io.safe_write`)."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet_name(sheet.name))
        for col, width in enumerate(sheet.widths):
            ws.column_dimensions[column_letter(col)].width = width
        ws.freeze_panes = sheet.freeze
        title = WriteOnlyCell(ws, sheet.title)
        title.font = Font(bold=True, size=14)
        ws.append([title])
        head = []
        for text in sheet.headers:
            cell = WriteOnlyCell(ws, text) if not is_formula_like(text) else _text_cell(ws, text)
            cell.font = bold
            cell.fill = HEADER_FILL
            cell.alignment = centre
            cell.border = HEADER_BORDER
            head.append(cell)
        ws.append(head)
        for row in _rows(ws, sheet):
            ws.append(row)
    out = Path(path)
    wb.save(out)
    return out
