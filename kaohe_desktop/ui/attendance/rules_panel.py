"""考勤 → 规则: the shift, the work calendar of the page's month, leave records and leave
types, and the rule that turns the monthly counts into points. Each part saves through
its own service call and says so with `changed`; the page then broadcasts "attendance"
so the log and summary are judged again under the new rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QScrollArea, QVBoxLayout, QWidget

from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import StaffInfo, UnitInfo

from .leave_panel import LeavePanel
from .leave_types_editor import LeaveTypesEditor
from .points_rule_editor import PointsRuleEditor
from .shift_editor import ShiftEditor
from .work_calendar_view import WorkCalendarView


class AttendanceRulesPanel(QWidget):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shift = ShiftEditor(db)
        self.calendar = WorkCalendarView(db)
        self.leave = LeavePanel(db)
        self.leave_types = LeaveTypesEditor(db)
        self.points = PointsRuleEditor(db)
        for part in (self.shift.saved, self.calendar.changed, self.leave.changed,
                     self.leave_types.changed, self.points.saved):
            part.connect(self.changed)
        self.leave.changed.connect(lambda: self.leave_types.load(self._leave_types_used()))

        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self.shift, 0, 0)
        grid.addWidget(self.calendar, 0, 1, 2, 1)
        grid.addWidget(self.points, 1, 0)
        grid.addWidget(self.leave, 2, 0)
        grid.addWidget(self.leave_types, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(2, 1)
        self.leave.setMinimumHeight(260)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.scroll)

    def _leave_types_used(self) -> list[str]:
        return sorted({x.leave_type for x in self.leave.rows})

    def load(self, month: str, first_day: date, staff: Sequence[StaffInfo],
             units: Sequence[UnitInfo]) -> None:
        """Show the rules, and the calendar and leave of `month`."""
        self.shift.set_units(units)
        self.shift.load()
        self.calendar.show_month(month)
        self.leave.set_staff(staff)
        self.leave.show_month(month, first_day)
        used = self._leave_types_used()
        self.leave_types.load(used)
        self.leave.set_types(self.leave_types.types())
        self.points.load()
