"""工作日历: one month of workdays and rest days — statutory holidays and 调休 from the
chinese-calendar package, and the days the user set by hand — where a double click turns a
workday into a rest day and back (for 调休, or a year the package does not know yet).
The right-click menu sets a day explicitly or returns it to the statutory calendar.
"""

from __future__ import annotations

import calendar
from datetime import date

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database

from ..common.busy_wait import call_writing
from ..common.messages import show_error

DAY_ROLE = Qt.ItemDataRole.UserRole + 1
REST = QColor("#fde7e9")
WORK = QColor("#ffffff")
OVERRIDDEN = QColor("#e8f0fe")


class WorkCalendarView(QGroupBox):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("工作日历", parent)
        self.db = db
        self.month = ""
        self.workdays: set[date] = set()
        self.manual: dict[date, bool] = {}
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("color:#b06000;")
        self.grid = QTableWidget(6, 7)
        self.grid.setHorizontalHeaderLabels([f"周{d}" for d in "一二三四五六日"])
        self.grid.verticalHeader().hide()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        row_height = self.fontMetrics().height() * 2 + 12
        self.grid.verticalHeader().setMinimumSectionSize(row_height)
        self.grid.setMinimumHeight(row_height * 6 + self.grid.horizontalHeader().sizeHint().height() + 4)
        self.grid.cellDoubleClicked.connect(self._clicked)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._menu)
        legend = QLabel("双击日期在“上班”和“休息”之间切换（调休、新年份的节假日）；"
                        "右键可恢复为法定日历。蓝底为手动设置，红底为休息日。")
        legend.setWordWrap(True)
        legend.setStyleSheet("color:#5f6368;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.grid, 1)
        layout.addWidget(legend)

    def show_month(self, month: str) -> None:
        self.month = month
        cal = attendance.month_calendar(self.db, month)
        self.workdays = set(cal.workdays)
        self.manual = {d.day: d.workday for d in attendance.calendar_overrides(self.db, month)}
        years = cal.guessed_years
        self.banner.setText(
            f"{'、'.join(map(str, years))} 年的法定节假日和调休还没有收录（chinese-calendar 不认识这一年），"
            "暂按周一至周五上班计算：请双击日期把节假日设为休息、把调休上班的周末设为上班。" if years else "")
        self.banner.setVisible(bool(years))
        self.grid.clearContents()
        bold = QFont(self.font())
        bold.setBold(True)
        for day in cal.days():
            first = cal.start.weekday()
            cell = first + day.day - 1
            work = day in self.workdays
            name = cal.names.get(day, "")
            word = "班" if work else "休"
            text = f"{day.day}  {word}" + (f"\n{name}" if name else "")
            if day in self.manual:
                text += "\n（手动）"
            item = QTableWidgetItem(text)
            item.setData(DAY_ROLE, day)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            item.setBackground(OVERRIDDEN if day in self.manual else WORK if work else REST)
            if not work:
                item.setForeground(QColor("#a50e0e"))
            if day in cal.guessed:
                item.setToolTip("这一年的法定节假日未知：按周一至周五计算")
            elif name:
                item.setToolTip(name)
            if day in self.manual:
                item.setFont(bold)
            self.grid.setItem(cell // 7, cell % 7, item)
        weeks = len(calendar.monthcalendar(cal.start.year, cal.start.month))
        for row in range(6):
            self.grid.setRowHidden(row, row >= weeks)

    def day_at(self, row: int, column: int) -> date | None:
        item = self.grid.item(row, column)
        return item.data(DAY_ROLE) if item is not None else None

    def cell_of(self, day: date) -> tuple[int, int]:
        cell = day.replace(day=1).weekday() + day.day - 1
        return cell // 7, cell % 7

    def toggle(self, day: date) -> None:
        """Make a workday a rest day, or a rest day a workday (saved as a manual day)."""
        work = day not in self.workdays
        self.set_day(day, work, "调休上班" if work else "休息")

    def set_day(self, day: date, workday: bool | None, note: str = "") -> None:
        db = self.db
        try:
            call_writing(self, "工作日历", lambda: attendance.set_calendar_day(db, day, workday, note),
                         db=db)
        except InputError as exc:
            show_error(self, "工作日历", exc)
            return
        self.show_month(self.month)
        self.changed.emit()

    def _clicked(self, row: int, column: int) -> None:
        day = self.day_at(row, column)
        if day is not None:
            self.toggle(day)

    def _menu(self, pos: QPoint) -> None:
        item = self.grid.itemAt(pos)
        day = item.data(DAY_ROLE) if item is not None else None
        if day is None:
            return
        menu = QMenu(self)
        menu.addAction("设为上班", lambda: self.set_day(day, True, "调休上班"))
        menu.addAction("设为休息", lambda: self.set_day(day, False, "休息"))
        restore = menu.addAction("恢复法定日历", lambda: self.set_day(day, None))
        restore.setEnabled(day in self.manual)
        menu.popup(self.grid.viewport().mapToGlobal(pos))
