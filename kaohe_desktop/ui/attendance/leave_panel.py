"""请假记录: the month's leave (entered here, or taken from an export's leave column) with
add and remove. More than one day spreads over the following workdays
(`attendance.add_leave`); a day never holds more than one day of leave in total.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import LeaveInfo, StaffInfo

from ..common.busy_wait import call_writing

HEADERS = ("编号", "姓名", "日期", "类型", "天数", "来源")
COMMON_TYPES = ("事假", "病假", "年假", "调休", "婚假", "产假", "丧假", "公出", "出差")


class LeavePanel(QGroupBox):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("请假记录", parent)
        self.db = db
        self.month = ""
        self.rows: list[LeaveInfo] = []
        self.person_combo = QComboBox()
        self.person_combo.setEditable(True)
        self.person_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.person_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.person_combo.lineEdit().setPlaceholderText("人员（输入姓名或编号）")
        self.person_combo.setMinimumWidth(200)
        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)
        self.type_combo = QComboBox()
        self.type_combo.setEditable(True)
        self.type_combo.setMinimumWidth(90)
        self.days_spin = QDoubleSpinBox()
        self.days_spin.setRange(0.5, 60)
        self.days_spin.setSingleStep(0.5)
        self.days_spin.setDecimals(1)
        self.days_spin.setValue(1)
        self.days_spin.setSuffix(" 天")
        self.add_button = QPushButton("添加请假")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("删除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        self.hint = QLabel()
        self.hint.setWordWrap(True)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        em = self.fontMetrics().horizontalAdvance("汉")
        for col, chars in enumerate((6, 5, 6, 4, 3)):
            header.resizeSection(col, em * chars + 16)
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.selected())))
        self.remove_button.setEnabled(False)

        form = QHBoxLayout()
        for widget in (self.person_combo, self.date_edit, self.type_combo, self.days_spin,
                       self.add_button):
            form.addWidget(widget)
        form.addStretch(1)
        form.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

    def set_staff(self, staff: Sequence[StaffInfo]) -> None:
        current = self.person_combo.currentData()
        self.person_combo.clear()
        for p in staff:
            if p.active:
                self.person_combo.addItem(f"{p.code} {p.name}（{p.unit_name}）", p.code)
        self.person_combo.setCurrentIndex(self.person_combo.findData(current))

    def set_types(self, types: Sequence[str]) -> None:
        text = self.type_combo.currentText() or "事假"
        self.type_combo.clear()
        self.type_combo.addItems(list(dict.fromkeys([*COMMON_TYPES, *types])))
        self.type_combo.setCurrentText(text)

    def show_month(self, month: str, first_day: date) -> None:
        if month != self.month:
            self.date_edit.setDate(QDate(first_day.year, first_day.month, first_day.day))
        self.month = month
        self.rows = attendance.list_leave(self.db, month)
        self.table.setRowCount(len(self.rows))
        for r, x in enumerate(self.rows):
            source = "手工登记" if x.source == "manual" else "考勤文件"
            for c, value in enumerate((x.staff_code, x.name, x.day.isoformat(), x.leave_type,
                                       shown(x.days), source)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.setTitle(f"请假记录（{month}，{len(self.rows)} 条）")

    def selected(self) -> list[LeaveInfo]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def add(self) -> bool:
        code = self.person_combo.currentData()
        if code is None or self.person_combo.findText(self.person_combo.currentText()) < 0:
            self._say("请从列表中选择人员", error=True)
            return False
        db, day = self.db, self.date_edit.date().toPython()
        kind, days = self.type_combo.currentText(), str(self.days_spin.value())
        try:
            added = call_writing(self, "登记请假",
                                 lambda: attendance.add_leave(db, code, day, kind, days), db=db)
        except InputError as exc:
            self._say("；".join(p.reason for p in exc.problems), error=True)
            return False
        days = "、".join(x.day.strftime("%m-%d") for x in added)
        self._say(f"已登记 {added[0].name} {added[0].leave_type}：{days}", error=False)
        self.changed.emit()
        return True

    def remove_selected(self) -> int:
        db, chosen = self.db, self.selected()

        def remove() -> int:  # again after a wait: rows already gone count 0
            return sum(attendance.remove_leave(db, x.staff_code, x.day, x.leave_type)
                       for x in chosen)

        try:
            removed = call_writing(self, "删除请假记录", remove, db=db)
        except InputError as exc:
            self._say("；".join(p.reason for p in exc.problems), error=True)
            return 0
        if removed:
            self._say(f"已删除 {removed} 条请假记录", error=False)
            self.changed.emit()
        return removed

    def _say(self, text: str, *, error: bool) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet("color:#c5221f;" if error else "color:#137333;")
