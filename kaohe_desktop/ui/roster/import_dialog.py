"""导入名册 — 预览: what importing a roster workbook would add or change, row by row.

Shown after the file was read and checked (nothing written yet). Rows with errors have a
red background and their reason in the last column; 导入 stays disabled while there is
any, and when there is nothing to add or change. Accepting the dialog only says "go":
the page runs the import itself (one transaction, off the GUI thread).

Above the rows, every column of the file with what it is read as. A column the program
does not recognise (所在街道 spelt another way, 备注) is marked 未识别 and 导入 waits
until the user picks what it holds or 不导入 — nothing in the file is dropped without
their word (the attendance column-mapping dialog's way). A change reads the file again
(`reload`, off the GUI thread) and shows the new preview; `mapping` is what the import
then uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.results import RowPreview
from kaohe_desktop.services.roster_files import RosterImportPreview, field_labels

from ..common.guarded_dialog import GuardedDialog
from ..common.problem_table import ERROR_BACKGROUND, ERROR_TEXT
from .models import ROOT, filter_change

STATUS_COLOURS = {"added": QColor("#137333"), "changed": QColor("#b06000"),
                  "unchanged": QColor("#5f6368"), "error": ERROR_TEXT}
KIND_TITLES = {"units": "站点名册", "staff": "人员名册"}
UNKNOWN = "未识别"
IGNORE_TEXT = "不导入"
UNKNOWN_STYLE = "QComboBox { color: #b06000; font-weight: bold; }"
Reload = Callable[[dict[str, str], Callable[[RosterImportPreview], None]], None]


class PreviewModel(QAbstractTableModel):
    HEADERS = ("行号", "编号", "名称", "结果", "变更内容或错误原因")

    def __init__(self, rows: list[RowPreview], name_title: str, parent=None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.headers = list(self.HEADERS)
        self.headers[2] = name_title

    def set_rows(self, rows: list[RowPreview]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

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


class RosterImportDialog(GuardedDialog):
    """The preview; Esc or 取消 after choosing what columns mean asks before dropping that."""

    def __init__(self, parent: QWidget | None, kind: str, path: Path, preview: RosterImportPreview,
                 reload: Reload | None = None) -> None:
        super().__init__(parent)
        self.kind, self.path = kind, path
        self._reload = reload
        self.mapping: dict[str, str] = {}  # header → field ("" = 不导入), chosen by the user
        self.setWindowTitle(f"导入{KIND_TITLES[kind]} — 预览")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary_label)

        self.columns_box = QGroupBox("文件中的列（可改为对应到哪一项）")
        self.columns_grid = QGridLayout(self.columns_box)
        self.column_combos: dict[str, QComboBox] = {}  # header title → its combo
        layout.addWidget(self.columns_box)

        self.only_notable = QCheckBox("只显示新增、修改和有错误的行")
        self.only_notable.toggled.connect(self._filter)
        layout.addWidget(self.only_notable)

        self.model = PreviewModel([], "名称" if kind == "units" else "姓名", self)
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
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout.addWidget(self.buttons)
        self.show_preview(preview)
        self.resize(900, 620)

    def _snapshot(self) -> list[object]:
        # only the columns' meanings are the user's choices; the row filter is a view
        return [(title, combo.currentText()) for title, combo in self.column_combos.items()]

    # ------------------------------------------------------------------ content
    def show_preview(self, preview: RosterImportPreview) -> None:
        self.preview = preview
        self.rows = preview.rows
        self.model.set_rows(preview.rows)
        self._show_columns(preview)
        counts = Counter(r.status for r in preview.rows)
        self.errors = counts["error"]
        unknown = preview.unrecognised
        blocking = []
        if preview.missing:
            blocking.append(f"文件中没有找到必需的列：{'、'.join(preview.missing)}。"
                            "请在上面指出哪一列是它")
        if unknown:
            blocking.append(f"有 {len(unknown)} 列未识别（"
                            + "、".join(f"{c.letter} 列“{c.title}”" for c in unknown)
                            + "）：请在上面选择它对应哪一项，或选“不导入”")
        if self.errors:
            blocking.append(f"<b>有错误 {self.errors} 行</b>：标红的行有错误，原因在最后一列。"
                            "请在 Excel 中改正后重新导入")
        head = (f"文件 <b>{self.path.name}</b>，共 {len(preview.rows)} 行：新增 {counts['added']}，"
                f"修改 {counts['changed']}，未变 {counts['unchanged']}。" if preview.rows
                else f"文件 <b>{self.path.name}</b>。")
        if blocking:
            text = head + "<br><span style='color:#c5221f'>" + "<br>".join(blocking) + \
                "。改正之前不会写入任何数据。</span>"
        else:
            text = head + "<br>确认无误后点“导入”，所有行一次写入。"
        self.summary_label.setText(text)
        changes = counts["added"] + counts["changed"]
        self.import_button.setEnabled(not blocking and changes > 0)
        self.import_button.setToolTip("" if blocking or changes else "文件与现有名册相同，没有要导入的内容")
        (self.import_button if self.import_button.isEnabled() else self.cancel_button).setDefault(True)

    def _show_columns(self, preview: RosterImportPreview) -> None:
        while self.columns_grid.count():
            item = self.columns_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.column_combos.clear()
        labels = field_labels(self.kind)
        per_row = 3
        for n, column in enumerate(preview.columns):
            combo = QComboBox()
            combo.setObjectName(f"column_{column.letter}")
            if column.field is None and not column.ignored and not column.same_as:
                combo.addItem(UNKNOWN, None)
                combo.setStyleSheet(UNKNOWN_STYLE)
            elif column.same_as:
                combo.addItem(column.label, None)
            for field, label in labels.items():
                combo.addItem(label, field)
            combo.addItem(IGNORE_TEXT, "")
            index = combo.findData(column.field) if column.field else (
                combo.findData("") if column.ignored else 0)
            combo.setCurrentIndex(index)
            combo.activated.connect(lambda _i, c=combo, t=column.title: self._map(t, c.currentData()))
            name = QLabel(f"{column.letter} 列 “{column.title}”：")
            name.setBuddy(combo)
            r, c = divmod(n, per_row)
            self.columns_grid.addWidget(name, r, c * 2)
            self.columns_grid.addWidget(combo, r, c * 2 + 1)
            self.column_combos[column.title] = combo
        self.columns_box.setVisible(bool(preview.columns))

    def _map(self, title: str, field: str | None) -> None:
        if field is None:  # 未识别 / 同 X 列 picked again: nothing to change
            return
        self.mapping[title] = field
        if self._reload is not None:
            self.import_button.setEnabled(False)
            self._reload(dict(self.mapping), self.show_preview)

    def _filter(self, only: bool) -> None:
        with filter_change(self.proxy):
            self.proxy.only = only

    def error_rows(self) -> list[int]:
        """Excel row numbers of the rows with errors (for tests and the summary)."""
        return [r.row for r in self.rows if r.status == "error"]
