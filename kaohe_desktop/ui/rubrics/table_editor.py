"""A small table editor over a list of dicts inside the rubric's working dict.

Subclasses say which list (`entries`), how an entry shows (`cells`), how a typed cell
changes it (`apply`) and what a new entry is (`new_entry`). The editor changes the
list in place and emits `edited`; validation is the page's job (through the domain),
which hands the outcome back with `show_check` to colour rows with problems.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.rubric_edit import Check

from ..common.hooks import check_hooks
from .tree_model import PROBLEM_COLOR

Entry = dict[str, Any]


class TableEditor(QGroupBox):
    edited = Signal()
    headers: tuple[str, ...] = ()
    stretch_column = 0
    column_widths: tuple[int, ...] = ()  # fixed widths (and a table no wider) instead of stretching
    buttons_beside = False
    fit_rows = 0  # when set: the table is exactly as tall as its rows + one, at least this many
    add_text = "添加"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.raw: dict[str, Any] = {}
        self.read_only = False
        self._filling = False
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        if self.column_widths:
            header.setStretchLastSection(False)
            for column, width in enumerate(self.column_widths):
                header.resizeSection(column, width)
            self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.table.setFixedWidth(sum(self.column_widths) + 2 * self.table.frameWidth()
                                     + self.table.verticalScrollBar().sizeHint().width())
        else:
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._cell_changed)
        self.add_button = QPushButton(self.add_text)
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(+1))
        self.buttons = QVBoxLayout() if self.buttons_beside else QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        self.body = QVBoxLayout(self)
        if self.buttons_beside:
            row = QHBoxLayout()
            row.addWidget(self.table)
            row.addLayout(self.buttons)
            self.side = QVBoxLayout()  # room for notes beside the table
            row.addLayout(self.side, 1)
            self.body.addLayout(row)
        else:
            self.body.addWidget(self.table, 1)
            self.body.addLayout(self.buttons)

    HOOKS = ("entries", "cells", "apply", "new_entry")  # every subclass defines these

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        check_hooks(cls, TableEditor, TableEditor.HOOKS)

    # ------------------------------------------------------------------ subclass API
    def entries(self) -> list[Entry]:
        raise NotImplementedError

    def cells(self, entry: Entry) -> list[str]:
        raise NotImplementedError

    def apply(self, entry: Entry, column: int, text: str) -> None:
        raise NotImplementedError

    def new_entry(self) -> Entry:
        raise NotImplementedError

    def problem_key(self, entry: Entry) -> str:
        """What the domain names in a problem's column for this entry."""
        return ""

    # ------------------------------------------------------------------ loading
    def load(self, raw: dict[str, Any], read_only: bool) -> None:
        self.raw = raw
        self.read_only = read_only
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(not read_only)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.fill()

    def fill(self, select: int | None = None) -> None:
        self._filling = True
        entries = self.entries()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for column, text in enumerate(self.cells(entry)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self._filling = False
        if self.fit_rows:
            self.set_rows_visible(max(self.fit_rows, len(entries) + 1), fixed=True)
        if select is not None and 0 <= select < len(entries):
            self.table.selectRow(select)

    def show_check(self, check: Check) -> None:
        self._filling = True
        for row, entry in enumerate(self.entries()):
            key = self.problem_key(entry)
            problems = [p.reason for p in check.about(key)] if key else []
            for column in range(self.table.columnCount()):
                cell = self.table.item(row, column)
                if cell is None:
                    continue
                cell.setForeground(QBrush(PROBLEM_COLOR) if problems else QBrush())
                cell.setToolTip("\n".join(problems) if problems else cell.text())
        self._filling = False

    # ------------------------------------------------------------------ editing
    def _cell_changed(self, cell: QTableWidgetItem) -> None:
        if self._filling or self.read_only:
            return
        entries = self.entries()
        if not 0 <= cell.row() < len(entries):
            return
        self.apply(entries[cell.row()], cell.column(), cell.text().strip())
        self._filling = True
        for column, text in enumerate(self.cells(entries[cell.row()])):
            item = self.table.item(cell.row(), column)
            if item is not None and item.text() != text:
                item.setText(text)
        self._filling = False
        self.edited.emit()

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.currentRow()

    def add(self) -> None:
        entries = self.entries()
        row = self.current_row()
        at = row + 1 if 0 <= row < len(entries) else len(entries)
        entries.insert(at, self.new_entry())
        self.fill(select=at)
        self.edited.emit()
        self.table.setCurrentCell(at, 0)

    def remove(self) -> None:
        entries = self.entries()
        row = self.current_row()
        if 0 <= row < len(entries):
            entries.pop(row)
            self.fill(select=min(row, len(entries) - 1))
            self.edited.emit()

    def move(self, delta: int) -> None:
        entries = self.entries()
        row = self.current_row()
        target = row + delta
        if 0 <= row < len(entries) and 0 <= target < len(entries):
            entries.insert(target, entries.pop(row))
            self.fill(select=target)
            self.edited.emit()

    def set_rows_visible(self, rows: int, fixed: bool = False) -> None:
        """Make the table tall enough for `rows` rows without scrolling (and no taller)."""
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += rows * self.table.verticalHeader().defaultSectionSize()
        if fixed:
            self.table.setFixedHeight(height)
        else:
            self.table.setMinimumHeight(height)

