"""请假类型: which kinds of leave count against the score. Ticking 不计入扣分 means the
days of that type never cost points (病假, 年假, 公出 …); by default only 事假 counts."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database

from ..common.busy_wait import call_writing
from .leave_panel import COMMON_TYPES


class LeaveTypesEditor(QGroupBox):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("请假类型", parent)
        self.db = db
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["类型", "不计入扣分"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_changed)
        self.new_edit = QLineEdit()
        self.new_edit.setPlaceholderText("新的请假类型，如 育儿假")
        self.add_button = QPushButton("添加类型")
        self.add_button.clicked.connect(self.add_type)
        self.hint = QLabel("勾选“不计入扣分”的请假不扣考勤分；未勾选的（如事假）按折算规则扣分。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#5f6368;")
        row = QHBoxLayout()
        row.addWidget(self.new_edit, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self._loading = False

    def load(self, also: Iterable[str] = ()) -> None:
        """Show the marked types, the common ones and `also` (types found in leave records)."""
        marked = attendance.leave_types(self.db)
        names = list(dict.fromkeys([*marked, *COMMON_TYPES, *also]))
        self._loading = True
        self.table.setRowCount(len(names))
        for r, name in enumerate(names):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked if marked.get(name, False) else Qt.CheckState.Checked)
            check.setData(Qt.ItemDataRole.UserRole, name)
            self.table.setItem(r, 1, check)
        self._loading = False

    def types(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def set_excluded(self, name: str, excluded: bool) -> None:
        """Tick or untick 不计入扣分 of a type (what a click on the box does)."""
        row = self.types().index(name)
        self.table.item(row, 1).setCheckState(Qt.CheckState.Checked if excluded else Qt.CheckState.Unchecked)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != 1:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        counts = item.checkState() != Qt.CheckState.Checked
        db = self.db
        try:
            call_writing(self, "请假类型", lambda: attendance.set_leave_type(db, name, counts), db=db)
        except InputError as exc:  # refused or given up: the box shows what is stored
            self.hint.setText("；".join(p.reason for p in exc.problems))
            self.hint.setStyleSheet("color:#c5221f;")
            self.load(self.types())
            return
        self.changed.emit()

    def add_type(self) -> None:
        name = self.new_edit.text().strip()
        db = self.db
        try:
            call_writing(self, "请假类型", lambda: attendance.set_leave_type(db, name, False), db=db)
        except InputError as exc:
            self.hint.setText("；".join(p.reason for p in exc.problems))
            self.hint.setStyleSheet("color:#c5221f;")
            return
        self.new_edit.clear()
        self.load(self.types())
        self.changed.emit()
