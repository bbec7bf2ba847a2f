"""A filterable list of check boxes (subjects to pick), with 全选 / 全不选 and a count."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class CheckList(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("筛选：编号、名称或所属站点")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.all_button = QPushButton("全选")
        self.none_button = QPushButton("全不选")
        self.all_button.setToolTip("选中筛选结果中的全部")
        self.none_button.setToolTip("取消筛选结果中的全部")
        self.all_button.clicked.connect(lambda: self._check_shown(True))
        self.none_button.clicked.connect(lambda: self._check_shown(False))
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.none_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.model.itemChanged.connect(self._item_changed)

    def set_items(self, items: Iterable[tuple[str, str]], checked: Iterable[str] = ()) -> None:
        """(code, text) pairs; `checked` codes start checked."""
        on = set(checked)
        self.model.blockSignals(True)
        self.model.clear()
        for code, text in items:
            item = QStandardItem(text)
            item.setData(code, CODE_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if code in on else Qt.CheckState.Unchecked)
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.proxy.invalidate()
        self._item_changed()

    def items(self) -> list[tuple[str, str]]:
        """Every (code, text) pair, filtered or not."""
        return [(self.model.item(r).data(CODE_ROLE), self.model.item(r).text())
                for r in range(self.model.rowCount())]

    def codes(self) -> list[str]:
        return [self.model.item(r).data(CODE_ROLE) for r in range(self.model.rowCount())]

    def checked(self) -> list[str]:
        return [self.model.item(r).data(CODE_ROLE) for r in range(self.model.rowCount())
                if self.model.item(r).checkState() == Qt.CheckState.Checked]

    def set_checked(self, codes: Iterable[str]) -> None:
        on = set(codes)
        self.model.blockSignals(True)
        for r in range(self.model.rowCount()):
            item = self.model.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ROLE) in on
                               else Qt.CheckState.Unchecked)
        self.model.blockSignals(False)
        self.view.viewport().update()
        self._item_changed()

    def _check_shown(self, on: bool) -> None:
        shown = {self.proxy.index(r, 0).data(CODE_ROLE) for r in range(self.proxy.rowCount())}
        current = set(self.checked())
        self.set_checked(current | shown if on else current - shown)

    def _item_changed(self, *_: object) -> None:
        self.count_label.setText(f"已选 {len(self.checked())} / {self.model.rowCount()} 个")
        self.changed.emit()
