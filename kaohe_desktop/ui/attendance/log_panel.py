"""考勤 → 逐日记录: one row per person and day of the month with the punches and the status
the rules give it (正常, 迟到 n 分钟, 早退, 缺卡, 旷工, 请假, 休息).

The page hands in the month's rows (`attendance.day_log`) and the unit/person filter;
the status filter is this panel's own. Filtering is in memory (RowFilterProxy).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.results import DayLogRow

from ..common.tables import make_table
from .empty_state import EmptyState
from .models import ANOMALIES, STATUSES, DayLogModel, RowFilterProxy

ALL_STATUSES = "全部状态"


class AttendanceLogPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_combo = QComboBox()
        self.status_combo.addItems([ALL_STATUSES, ANOMALIES, *STATUSES])
        self.status_combo.currentTextChanged.connect(self._status_changed)
        self.count_label = QLabel()
        self.status_label = QLabel("状态：")
        bar = QHBoxLayout()
        bar.addWidget(self.status_label)
        bar.addWidget(self.status_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = DayLogModel(self)
        self.proxy = RowFilterProxy(self.model, self)
        self.table = make_table(self.proxy, self)
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def set_rows(self, rows: Sequence[DayLogRow]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table)
        self._show_bar(True)
        self._count()

    def show_empty(self, kind: str, month: str = "", months: Sequence[str] = ()) -> None:
        self.model.set_rows([])
        self.empty.show_state(kind, month, months)
        self.stack.setCurrentWidget(self.empty)
        self._show_bar(False)
        self._count()

    def _show_bar(self, shown_: bool) -> None:
        self.status_label.setVisible(shown_)
        self.status_combo.setVisible(shown_)

    def set_filter(self, unit: str, person: str) -> None:
        self.proxy.set_filter(unit=unit, person=person)
        self._count()

    def set_status(self, status: str) -> None:
        """Show only days with this status (a word of STATUSES, ANOMALIES or "")."""
        self.status_combo.setCurrentText(status or ALL_STATUSES)

    def _status_changed(self, text: str) -> None:
        self.proxy.set_filter(status="" if text == ALL_STATUSES else text)
        self._count()

    def _count(self) -> None:
        shown_, total = self.proxy.rowCount(), self.model.rowCount()
        people = len({r.staff_code for r in self.model.rows})
        self.count_label.setText(f"显示 {shown_} / {total} 条（{people} 人）" if total else "")
