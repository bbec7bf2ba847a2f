"""The table of an import preview's problems (file, sheet, row, column, value, reason),
in red, shared by the 考勤 and 服务记录 previews."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from kaohe_desktop.domain.errors import Problem

PROBLEM_HEADERS = ("文件", "工作表", "行", "列", "值", "原因")
SHOWN_PROBLEMS = 2000  # a broken 50 MB file can have more; the count says how many
ERROR_BACKGROUND = QColor("#fde7e9")
ERROR_TEXT = QColor("#a50e0e")


def fill_problems(table: QTableWidget, problems: Sequence[Problem]) -> None:
    """Show the first SHOWN_PROBLEMS of `problems` in `table` (PROBLEM_HEADERS columns);
    each cell's full text is its tooltip, as long values are cut by the column."""
    shown = problems[:SHOWN_PROBLEMS]
    table.setRowCount(len(shown))
    for r, p in enumerate(shown):
        values = (p.file, p.sheet, "" if p.row is None else str(p.row), p.column,
                  "" if p.value is None else str(p.value), p.reason)
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setForeground(ERROR_TEXT)
            item.setBackground(ERROR_BACKGROUND)
            item.setToolTip(value)
            table.setItem(r, c, item)
