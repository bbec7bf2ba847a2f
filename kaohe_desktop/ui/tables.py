"""The read-only, sortable, row-selecting table view every list page uses."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


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
