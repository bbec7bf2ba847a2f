"""导入名册 — 预览: what importing a roster workbook would add or change, row by row.

Shown after the file was read and checked (nothing written yet). Rows with errors have a
red background and their reason in the last column; 导入 stays disabled while there is
any, and when there is nothing to add or change. Accepting the dialog only says "go":
the page runs the import itself (one transaction, off the GUI thread).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.results import RowPreview

from .models import ROOT, filter_change

ERROR_BACKGROUND = QColor("#fde7e9")
ERROR_TEXT = QColor("#a50e0e")
STATUS_COLOURS = {"added": QColor("#137333"), "changed": QColor("#b06000"),
                  "unchanged": QColor("#5f6368"), "error": ERROR_TEXT}
KIND_TITLES = {"units": "站点名册", "staff": "人员名册"}


class PreviewModel(QAbstractTableModel):
    HEADERS = ("行号", "编号", "名称", "结果", "变更内容或错误原因")

    def __init__(self, rows: list[RowPreview], name_title: str, parent=None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.headers = list(self.HEADERS)
        self.headers[2] = name_title

    def rowCount(self, parent: QModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            detail = row.problems_text() if row.status == "error" else row.changes_text()
            text = (row.row, row.code, row.name, row.status_text, detail)[col]
            return text if role == Qt.ItemDataRole.DisplayRole or col == 4 else None
        if role == Qt.ItemDataRole.BackgroundRole and row.status == "error":
            return ERROR_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and (col == 3 or row.status == "error"):
            return STATUS_COLOURS[row.status]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _OnlyNotable(QSortFilterProxyModel):
    only = False

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        return not self.only or self.sourceModel().rows[source_row].status != "unchanged"


class RosterImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, kind: str, path: Path, rows: list[RowPreview]) -> None:
        super().__init__(parent)
        self.kind, self.path, self.rows = kind, path, rows
        self.setWindowTitle(f"导入{KIND_TITLES[kind]} — 预览")
        counts = Counter(r.status for r in rows)
        self.errors = counts["error"]
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        error_part = (f"，<span style='color:#c5221f'><b>有错误 {self.errors} 行</b></span>"
                      if self.errors else "")
        advice = ("<br><span style='color:#c5221f'>标红的行有错误，原因在最后一列。"
                  "请在 Excel 中改正后重新导入；改正之前不会写入任何数据。</span>" if self.errors
                  else "<br>确认无误后点“导入”，所有行一次写入。")
        self.summary_label.setText(
            f"文件 <b>{path.name}</b>，共 {len(rows)} 行：新增 {counts['added']}，"
            f"修改 {counts['changed']}，未变 {counts['unchanged']}{error_part}。{advice}")
        layout.addWidget(self.summary_label)
        self.only_notable = QCheckBox("只显示新增、修改和有错误的行")
        self.only_notable.toggled.connect(self._filter)
        layout.addWidget(self.only_notable)

        self.model = PreviewModel(rows, "名称" if kind == "units" else "姓名", self)
        self.proxy = _OnlyNotable(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("汉")
        for col, chars in enumerate((3, 7, 12, 4)):
            header.resizeSection(col, em * chars + 16)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setEnabled(not self.errors and (counts["added"] + counts["changed"]) > 0)
        if not self.errors and not self.import_button.isEnabled():
            self.import_button.setToolTip("文件与现有名册相同，没有要导入的内容")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        (self.import_button if self.import_button.isEnabled() else cancel).setDefault(True)
        layout.addWidget(self.buttons)
        self.resize(900, 560)

    def _filter(self, only: bool) -> None:
        with filter_change(self.proxy):
            self.proxy.only = only

    def error_rows(self) -> list[int]:
        """Excel row numbers of the rows with errors (for tests and the summary)."""
        return [r.row for r in self.rows if r.status == "error"]
