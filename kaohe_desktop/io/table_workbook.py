"""A plain table as a one-sheet .xlsx: a title row, a bold header, the rows, notes below.

For report-like exports the user reads and prints in Excel (the attendance summary);
not meant to be imported back. Written with openpyxl's write-only mode, so a big table
costs little memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .workbook import column_letter

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def write_table(path: Path, sheet: str, title: str, headers: Sequence[str],
                rows: Iterable[Sequence[object]], *, widths: Sequence[int] = (),
                notes: Sequence[str] = ()) -> Path:
    """Write the table; row 1 is the title, row 2 the header, data from row 3."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for col, width in enumerate(widths):
        ws.column_dimensions[column_letter(col)].width = width
    ws.freeze_panes = "C3"
    heading = WriteOnlyCell(ws, title)
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    head = []
    for text in headers:
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append(list(row))
    for note in notes:
        ws.append([])
        ws.append([f"注：{note}"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
