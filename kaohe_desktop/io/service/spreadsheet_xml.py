"""Excel 2003 XML ("XML 电子表格", SpreadsheetML): what many Java and .NET platforms send as
an ".xls" download. Its sheets as rows of values, the way the other readers give them:
text, numbers, date-times; a cell's ss:Index and a row's ss:Index skip to their place, so
row and column numbers are those Excel shows. The text is already decoded and size-checked
by the container check; expat refuses entity bombs and ElementTree fetches nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

SS = "urn:schemas-microsoft-com:office:spreadsheet"
_Q = "{" + SS + "}"
# ss:Index and ss:MergeAcross place cells far away in a few bytes: the rows and cells they
# make (empty ones included) are counted against these, Excel's own limits and the cap the
# .xlsx scan holds a sheet to, so a crafted file cannot make the reader build millions
MAX_ROWS, MAX_COLUMNS, MAX_CELLS = 1_048_576, 16_384, 10_000_000


class TooLarge(ValueError):
    """The workbook places more rows or cells than a real export holds."""


def is_spreadsheet_xml(text: str) -> bool:
    head = text[:2000]
    return "<Workbook" in head and SS in head


def _value(data: ET.Element | None) -> object:
    if data is None:
        return ""
    text = "".join(data.itertext())
    kind = data.get(_Q + "Type", "String")
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() == "1"
    return text


def _place(value: str | None, after: int, limit: int) -> int:
    """A 1-based ss:Index as a 0-based place (`after`, the next place, when absent)."""
    if not value or not value.isdigit():
        return after
    if int(value) > limit:
        raise TooLarge(value)
    return int(value) - 1


def _count(value: str | None) -> int:
    """ss:MergeAcross: how many cells to the right a merged cell covers."""
    if not value or not value.isdigit():
        return 0
    if int(value) >= MAX_COLUMNS:
        raise TooLarge(value)
    return int(value)


def spreadsheet_xml(text: str) -> dict[str, list[list[object]]] | None:
    """sheet name → rows, or None when the text is not a readable Excel 2003 XML workbook;
    TooLarge when it places rows or cells past Excel's limits, more than MAX_ROWS rows or
    MAX_CELLS cells in all."""
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError:
        return None
    if root.tag != _Q + "Workbook":
        return None
    sheets: dict[str, list[list[object]]] = {}
    rows_made = cells_made = 0  # across the sheets: a row is a list, dearer than a cell

    for k, sheet in enumerate(root.iter(_Q + "Worksheet")):
        name = sheet.get(_Q + "Name") or f"Sheet{k + 1}"
        rows: list[list[object]] = []
        table = sheet.find(_Q + "Table")
        for row in (table.iter(_Q + "Row") if table is not None else ()):
            at = _place(row.get(_Q + "Index"), len(rows), MAX_ROWS)
            rows_made += max(0, at - len(rows)) + 1
            if rows_made > MAX_ROWS:
                raise TooLarge("rows")
            rows.extend([] for _ in range(at - len(rows)))
            cells: list[object] = []
            for cell in row.iter(_Q + "Cell"):
                col = _place(cell.get(_Q + "Index"), len(cells), MAX_COLUMNS)
                across = _count(cell.get(_Q + "MergeAcross"))
                cells_made += max(0, col - len(cells)) + 1 + across
                if cells_made > MAX_CELLS or col + across >= MAX_COLUMNS:
                    raise TooLarge("cells")
                cells.extend("" for _ in range(col - len(cells)))
                cells.append(_value(cell.find(_Q + "Data")))
                cells.extend("" for _ in range(across))  # the merged cells to the right are empty
            rows.append(cells)
        sheets[name] = rows
    return sheets or None
