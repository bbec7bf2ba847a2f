"""班次: start and end of the working day, grace minutes for late arrival and early leave,
and the lateness beyond which a day counts as half or a whole day absent — the default
shift, or a unit's own. Saved through `attendance.set_shift`, which validates; a unit's own
shift can be dropped again (改用默认班次) so that it follows the default."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from kaohe_desktop.domain.attendance import Shift
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import UnitInfo

from ..common.busy_wait import call_writing


def _minutes(maximum: int = 600) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSuffix(" 分钟")
    return spin


class ShiftEditor(QGroupBox):
    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("班次", parent)
        self.db = db
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("全部单位（默认班次）", "")
        self.unit_combo.currentIndexChanged.connect(lambda _: self.load())
        self.start_edit = QTimeEdit()
        self.end_edit = QTimeEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("HH:mm")
        self.late_grace = _minutes(240)
        self.early_grace = _minutes(240)
        self.half_check = QCheckBox("迟到超过")
        self.half_spin = _minutes()
        self.whole_check = QCheckBox("迟到超过")
        self.whole_spin = _minutes()
        for check, spin in ((self.half_check, self.half_spin), (self.whole_check, self.whole_spin)):
            check.toggled.connect(spin.setEnabled)
        self.save_button = QPushButton("保存班次")
        self.save_button.clicked.connect(self.save)
        self.default_button = QPushButton("改用默认班次")
        self.default_button.setToolTip("删除这个单位自己的班次，今后按默认班次计算")
        self.default_button.clicked.connect(self.use_default)
        self._own: set[str] = set()  # units with a shift of their own
        self._units: list[UnitInfo] = []
        self.hint = QLabel()
        self.hint.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("适用于：", self.unit_combo)
        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("至"))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        form.addRow("上下班时间：", times)
        form.addRow("迟到宽限：", self._with_note(self.late_grace, "上班时间后这么多分钟内打卡不算迟到"))
        form.addRow("早退宽限：", self._with_note(self.early_grace, "下班时间前这么多分钟内打卡不算早退"))
        form.addRow("记旷工半天：",
                    self._threshold(self.half_check, self.half_spin, "记旷工半天（不再算迟到）"))
        form.addRow("记旷工一天：", self._threshold(self.whole_check, self.whole_spin, "记旷工一天"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)

    @staticmethod
    def _with_note(spin: QSpinBox, note: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(spin)
        label = QLabel(note)
        label.setStyleSheet("color:#5f6368;")
        row.addWidget(label, 1)
        return box

    @staticmethod
    def _threshold(check: QCheckBox, spin: QSpinBox, after: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(check)
        row.addWidget(spin)
        row.addWidget(QLabel(after))
        row.addStretch(1)
        return box

    def set_units(self, units: Sequence[UnitInfo]) -> None:
        self._units = list(units)
        self._own = attendance.units_with_own_shift(self.db)
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        while self.unit_combo.count() > 1:
            self.unit_combo.removeItem(1)
        for u in units:
            mark = "（自有班次）" if u.code in self._own else ""
            self.unit_combo.addItem(f"{u.code} {u.name}{mark}", u.code)
        index = self.unit_combo.findData(current)
        self.unit_combo.setCurrentIndex(max(index, 0))
        self.unit_combo.blockSignals(False)

    def load(self) -> None:
        unit = self.unit_combo.currentData() or None
        shift = attendance.get_shift(self.db, unit)
        self.start_edit.setTime(QTime(shift.start.hour, shift.start.minute))
        self.end_edit.setTime(QTime(shift.end.hour, shift.end.minute))
        self.late_grace.setValue(shift.late_grace_min)
        self.early_grace.setValue(shift.early_grace_min)
        for check, spin, value in ((self.half_check, self.half_spin, shift.half_day_late_min),
                                   (self.whole_check, self.whole_spin, shift.absent_late_min)):
            check.setChecked(value is not None)
            spin.setValue(value if value is not None else 0)
            spin.setEnabled(value is not None)
        own = unit is not None and unit in self._own
        self.default_button.setVisible(unit is not None)
        self.default_button.setEnabled(own)
        if unit is None:
            self._say(shift.text(), error=False)
        elif own:
            self._say("本单位自有班次：" + shift.text(), error=False)
        else:
            self._say("本单位按默认班次：" + shift.text() + "。修改后保存即成为本单位自己的班次。",
                      error=False)

    def shift(self) -> Shift:
        return Shift(self.start_edit.time().toPython(), self.end_edit.time().toPython(),
                     self.late_grace.value(), self.early_grace.value(),
                     self.half_spin.value() if self.half_check.isChecked() else None,
                     self.whole_spin.value() if self.whole_check.isChecked() else None)

    def save(self) -> bool:
        unit = self.unit_combo.currentData() or None
        db, wanted = self.db, self.shift()
        try:
            shift = call_writing(self, "作息时间", lambda: attendance.set_shift(db, wanted, unit), db=db)
        except InputError as exc:
            self._say("；".join(p.reason for p in exc.problems), error=True)
            return False
        if unit is not None and unit not in self._own:
            self.set_units(self._units)  # mark the unit as having its own shift now
            self.load()
        self._say("已保存：" + shift.text(), error=False)
        self.saved.emit()
        return True

    def use_default(self) -> None:
        unit = self.unit_combo.currentData() or None
        if unit is None:
            return
        attendance.clear_unit_shift(self.db, unit)
        self.set_units(self._units)
        self.load()
        self._say("已改用默认班次：" + attendance.get_shift(self.db).text(), error=False)
        self.saved.emit()

    def _say(self, text: str, *, error: bool) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet("color:#c5221f;" if error else "color:#5f6368;")
