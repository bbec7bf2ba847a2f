"""The one way the program writes a worksheet: text stays text, and every sheet prints.

Two dangers this module exists for:

* Formula injection. openpyxl stores any str that begins with "=" as a formula, so a unit
  named ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would come back from an export as a
  live formula. Every str the program writes goes through `text_cell` / `put`: it is
  stored as a string cell (data type "s") with its value unchanged, and text that Excel
  would evaluate once a clerk edits the cell (= + - @) also gets Excel's quote prefix — a
  style flag, not a character, so the value reads back identical. The program's own
  formulas (a template's 合计) are written only through `Formula` / `put_formula`.
* Workbooks that print as 20 unreadable pages. `print_setup` makes every sheet A4 (landscape
  when wide), one page wide, with the title and header rows and the key columns (名次,
  编号, 名称) repeated on every page, "第 x 页 共 y 页" in the footer, thin borders on the
  table, a header row tall enough for its wrapped headers and an autofilter.

`write_tables` streams plain tables (`Table`) in openpyxl's write-only mode: 50,000 roster
rows or a 1,000 × 35 tally cost little memory and time. Styled workbooks that need random
access (merged title, data validation: the score and attendance templates) use `put`,
`append_row`, `style_header` and `print_setup` on an ordinary worksheet.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import Outline, PageSetupProperties

from .workbook import column_letter

FORMULA_START = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
CHILD_FILL = PatternFill("solid", fgColor="F2F2F2")  # headers of columns nested in a parent
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")  # 小计 / 合计 columns
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
NOTE_ALIGN = Alignment(vertical="top", wrap_text=False)
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
TEXT_FORMAT = "@"
FOOTER = "第 &P 页 共 &N 页"
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML
# A4 portrait has room for about 95 character widths at 100 %; wider tables print across
# (still fitted to one page wide, so a wider one only gets smaller type)
PORTRAIT_WIDTH = 95
LINE_HEIGHT = 15.0  # points per line of 11-point text in Excel, WPS and LibreOffice


@dataclass(frozen=True)
class Formula:
    """A formula the program writes on purpose (never user text): ``Formula("=SUM(C3:H3)")``."""

    text: str


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def protect(cell: Any) -> Any:
    """Make a cell holding a str a string cell whatever the text looks like; the value is
    not touched (no apostrophe is added), so it reads back identical."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel/WPS keep it text even after the cell is edited
    return cell


def _number_format(value: object) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, time):
        return TIME_FORMAT
    return None


def put(ws: Any, row: int, col: int, value: object, *, border: bool = False) -> Any:
    """Write one cell of an ordinary worksheet: text as a string cell, a date with a date
    format, a `Formula` as a formula. Returns the cell (for styling)."""
    cell = ws.cell(row, col)
    if isinstance(value, Formula):
        cell.value = value.text
        cell.data_type = "f"
    else:
        cell.value = value
        protect(cell)
        fmt = _number_format(value)
        if fmt:
            cell.number_format = fmt
    if border:
        cell.border = BORDER
    return cell


def put_formula(ws: Any, row: int, col: int, text: str) -> Any:
    return put(ws, row, col, Formula(text))


def append_row(ws: Any, values: Sequence[object], *, border: bool = False) -> int:
    """`ws.append` for an ordinary worksheet with `put`'s rules; returns the row number.
    (An empty list still moves on one row, as `ws.append` does: a gap before a heading.)"""
    ws.append([v.text if isinstance(v, Formula) else v for v in values])
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col)
        if isinstance(value, Formula):
            cell.data_type = "f"
        else:
            protect(cell)
            fmt = _number_format(value)
            if fmt:
                cell.number_format = fmt
        if border:
            cell.border = BORDER
    return row


def text_width(text: str) -> int:
    """Width of text in Excel character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def header_height(headers: Sequence[str], widths: Sequence[float], default_width: float = 10
                  ) -> float:
    """Points a header row needs so each wrapped header shows whole (one line a line)."""
    lines = 1
    for i, text in enumerate(headers):
        width = widths[i] if i < len(widths) and widths[i] else default_width
        per_line = max(int(width) - 1, 2)  # a little padding inside the cell
        for part in str(text).split("\n"):
            lines = max(lines, math.ceil(text_width(part) / per_line) or 1)
    return LINE_HEIGHT * lines + 4


def style_header(cell: Any, *, level: int = 0, total: bool = False) -> Any:
    cell.font = BOLD if level == 0 else Font(bold=False, italic=True)
    cell.fill = TOTAL_FILL if total else (CHILD_FILL if level else HEADER_FILL)
    cell.alignment = HEADER_ALIGN
    cell.border = BORDER
    return cell


def print_setup(ws: Any, *, columns: int, widths: Sequence[float] = (), header_row: int = 2,
                key_columns: int = 0, landscape: bool | None = None,
                levels: Mapping[int, int] | None = None, last_row: int | None = None,
                default_width: float = 10) -> None:
    """Page setup, print titles, footer, outline and (when `last_row` is known) autofilter.

    `header_row`: rows 1…header_row repeat on every page; `key_columns`: the first columns
    (名次, 编号, 名称) repeat on every page of a wide table. `levels`: 0-based column →
    outline level, for item columns nested inside a parent column. In write-only mode,
    call before the first row is appended (column widths and outline go before the data).
    """
    total = sum(widths[i] if i < len(widths) and widths[i] else default_width
                for i in range(columns))
    wide = total > PORTRAIT_WIDTH if landscape is None else landscape
    for i, width in enumerate(widths[:columns]):
        if width:
            ws.column_dimensions[column_letter(i)].width = width
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{header_row}"
    if key_columns and columns > key_columns:
        ws.print_title_cols = f"A:{column_letter(key_columns - 1)}"
    ws.oddFooter.center.text = FOOTER
    ws.evenFooter.center.text = FOOTER
    ws.oddHeader.right.text = "&A"  # the sheet's name, so loose pages sort back together
    if levels:
        deepest = 0
        for col, level in levels.items():
            if level:
                ws.column_dimensions[column_letter(col)].outlineLevel = level
                deepest = max(deepest, level)
        if deepest:
            # the parent stands left of its children (rubric order), so the +/− sits there
            ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=False)
            # Excel shows the outline buttons only when the sheet says how deep it goes;
            # openpyxl writes this figure before it has measured the columns, so set it
            ws.column_dimensions.max_outline = deepest
            ws.sheet_format.outlineLevelCol = deepest
    if last_row is not None:
        set_autofilter(ws, header_row, columns, last_row)


def set_autofilter(ws: Any, header_row: int, columns: int, last_row: int) -> None:
    if columns:
        ws.auto_filter.ref = f"A{header_row}:{column_letter(columns - 1)}{max(last_row, header_row)}"


# ---------------------------------------------------------------- streamed tables


@dataclass(frozen=True)
class Table:
    """One sheet: row 1 the title, row 2 the headers, the rows, then notes below a gap
    (without a title the headers are row 1).

    Values: str, int, float, Decimal, date/datetime, None, or `Formula`. Text is always
    text; dates get a date format; `decimals` columns show two decimals.
    """

    name: str  # the tab (≤ 31 characters; see `sheet_name`)
    title: str  # "": no title row
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[float] = ()
    decimals: Collection[int] = ()  # 0-based columns shown with two decimals
    text_columns: Collection[int] = ()  # codes like 001: the column's format is text
    key_columns: int = 2  # leading columns repeated on every page and frozen
    levels: Mapping[int, int] = field(default_factory=dict)  # column → outline level
    totals: Collection[int] = ()  # 小计/合计 columns, set apart by their header colour
    notes: Sequence[str] = ()  # "注：…" rows below the table
    landscape: bool | None = None  # None: landscape when the widths need it
    freeze: str | None = None  # None: below the header, right of the key columns
    image: bytes = b""  # a PNG placed below the notes (a verification QR code), 3 cm square


def sheet_name(text: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip("'") or "Sheet"
    return cleaned[:31]


class _RowWriter:
    """Builds a write-only row from values, reusing one styled cell per column and kind:
    `ws.append` writes a row out at once, so a cell object can carry the next row's value
    (50,000 rows × 9 columns would otherwise be 450,000 styled objects)."""

    def __init__(self, ws: Any, table: Table) -> None:
        self.ws = ws
        self.decimals = set(table.decimals)
        self.text_columns = set(table.text_columns)
        self.cells: dict[tuple[int, str], WriteOnlyCell] = {}

    def _cell(self, col: int, kind: str) -> WriteOnlyCell:
        cell = self.cells.get((col, kind))
        if cell is None:
            cell = WriteOnlyCell(self.ws)
            cell.border = BORDER
            if kind == "quoted":
                cell.quotePrefix = True
            if col in self.text_columns and kind in ("text", "quoted", "blank"):
                cell.number_format = TEXT_FORMAT
            elif kind == "decimal":
                cell.number_format = DECIMAL_FORMAT
            elif kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "datetime":
                cell.number_format = DATETIME_FORMAT
            elif kind == "time":
                cell.number_format = TIME_FORMAT
            self.cells[(col, kind)] = cell
        return cell

    def row(self, values: Sequence[object]) -> list[WriteOnlyCell]:
        out = []
        for col, value in enumerate(values):
            if isinstance(value, Formula):
                cell = self._cell(col, "formula")
                cell.value = value.text
                cell.data_type = "f"
            elif isinstance(value, str):
                cell = self._cell(col, "quoted" if value.startswith(FORMULA_START) else "text")
                cell.value = value
                cell.data_type = "s"  # whatever the text looks like, it is text
            elif isinstance(value, datetime):
                cell = self._cell(col, "datetime")
                cell.value = value
            elif isinstance(value, date):
                cell = self._cell(col, "date")
                cell.value = value
            elif isinstance(value, time):
                cell = self._cell(col, "time")
                cell.value = value
            elif value is None:
                cell = self._cell(col, "blank")
                cell.value = None
            elif col in self.decimals and not isinstance(value, bool):
                cell = self._cell(col, "decimal")
                cell.value = value
            else:
                cell = self._cell(col, "number")
                cell.value = value
            out.append(cell)
        return out


IMAGE_PX = 113  # 3 cm at 96 pixels an inch


def _write_table(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(sheet_name(table.name))
    headers = list(table.headers)
    columns = len(headers)
    header_row = 2 if table.title else 1  # no title: a roster that imports back from row 1
    print_setup(ws, columns=columns, widths=table.widths, header_row=header_row,
                key_columns=table.key_columns, landscape=table.landscape, levels=table.levels)
    ws.freeze_panes = table.freeze or f"{column_letter(min(table.key_columns, columns))}{header_row + 1}"
    ws.row_dimensions[header_row].height = header_height(headers, table.widths)
    if table.title:
        title = protect(WriteOnlyCell(ws, table.title))
        title.font = TITLE_FONT
        ws.append([title])
    totals = set(table.totals)
    head = []
    for col, text in enumerate(headers):
        cell = protect(WriteOnlyCell(ws, text))
        head.append(style_header(cell, level=table.levels.get(col, 0), total=col in totals))
    ws.append(head)
    writer = _RowWriter(ws, table)
    last = header_row
    for values in table.rows:
        ws.append(writer.row(values))
        last += 1
    set_autofilter(ws, header_row, columns, last)
    for i, note in enumerate(table.notes):
        if i == 0:
            ws.append([])
        cell = protect(WriteOnlyCell(ws, note if note.startswith("注") else f"注：{note}"))
        cell.alignment = NOTE_ALIGN
        ws.append([cell])
    if table.image:
        from openpyxl.drawing.image import Image

        picture = Image(BytesIO(table.image))
        picture.width = picture.height = IMAGE_PX
        picture.anchor = f"A{last + len(table.notes) + 3}"
        ws.add_image(picture)


def write_tables(path: Path | str, tables: Iterable[Table]) -> Path:
    """Write the tables, one sheet each, to `path` (the caller moves it into place when the
    target is a USB drive: `io.safe_write`)."""
    wb = Workbook(write_only=True)
    for table in tables:
        _write_table(wb, table)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def data_rows(ws: Any) -> list[tuple[object, ...]]:
    """The data rows of a sheet written by `write_tables` (between the header and the
    notes), read back: the autofilter's range says where they start and end."""
    ref = ws.auto_filter.ref
    if not ref:
        return list(ws.iter_rows(min_row=3, values_only=True))
    first, last = (int("".join(ch for ch in end if ch.isdigit())) for end in ref.split(":"))
    return list(ws.iter_rows(min_row=first + 1, max_row=last, values_only=True))
