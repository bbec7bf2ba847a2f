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


def spreadsheet_xml(text: str) -> dict[str, list[list[object]]] | None:
    """sheet name → rows, or None when the text is not a readable Excel 2003 XML workbook."""
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError:
        return None
    if root.tag != _Q + "Workbook":
        return None
    sheets: dict[str, list[list[object]]] = {}
    for k, sheet in enumerate(root.iter(_Q + "Worksheet")):
        name = sheet.get(_Q + "Name") or f"Sheet{k + 1}"
        rows: list[list[object]] = []
        table = sheet.find(_Q + "Table")
        for row in (table.iter(_Q + "Row") if table is not None else ()):
            at = row.get(_Q + "Index")
            if at and at.isdigit():
                rows.extend([] for _ in range(int(at) - 1 - len(rows)))
            cells: list[object] = []
            for cell in row.iter(_Q + "Cell"):
                col = cell.get(_Q + "Index")
                if col and col.isdigit():
                    cells.extend("" for _ in range(int(col) - 1 - len(cells)))
                cells.append(_value(cell.find(_Q + "Data")))
                across = cell.get(_Q + "MergeAcross")
                if across and across.isdigit():  # the merged cells to the right are empty
                    cells.extend("" for _ in range(int(across)))
            rows.append(cells)
        sheets[name] = rows
    return sheets or None
