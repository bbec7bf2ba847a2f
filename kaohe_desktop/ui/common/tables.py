"""The read-only, sortable, row-selecting table view every list page uses, and the
column-described row model under it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root: the default `parent` argument


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    chars: int  # initial width, in CJK characters
    right: bool = False  # numbers align right


class ColumnsModel(QAbstractTableModel):
    """Read-only `rows` shown through `columns`; subclasses give data() and sorting."""

    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None


def make_table(proxy: QSortFilterProxyModel, parent: QWidget, stretch_last: bool = True) -> QTableView:
    """A table over `proxy` whose source model has `columns` with `title` and `chars`
    (a typical width in Chinese characters); columns are sized from those."""
    table = QTableView()
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setDefaultSectionSize(parent.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setStretchLastSection(stretch_last)
    header.setHighlightSections(False)
    size_columns(table, parent, skip_last=stretch_last)
    return table


def size_columns(table: QTableView, parent: QWidget, skip_last: bool = False) -> None:
    """Width of each column from its typical character count (and its title)."""
    metrics = parent.fontMetrics()
    em = metrics.horizontalAdvance("汉")
    columns = table.model().sourceModel().columns
    header = table.horizontalHeader()
    for col, column in enumerate(columns[:-1] if skip_last else columns):
        header.resizeSection(col, max(em * column.chars + 18,
                                      metrics.horizontalAdvance(column.title) + 24))
