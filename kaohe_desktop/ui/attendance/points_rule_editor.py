"""考勤折算规则: for each rubric item that takes its points from attendance (VILLAGE-ATT
item 1), how much each late arrival, early leave, missing punch, absent day and day of
counted leave costs, and optionally "every N late arrivals also count as half a day
absent". Points start from the item's maximum and never go below 0. Saved through
`attendance.set_points_rule`, which checks the amounts against the item's step."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kaohe_desktop.domain.attendance_points import AttendancePointsRule
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import PointsItemInfo

from ..common.busy_wait import call_writing

AMOUNTS = (("per_late", "迟到每次扣"), ("per_early", "早退每次扣"), ("per_missing", "缺卡每次扣"),
           ("per_absent_day", "旷工每天扣"), ("per_leave_day", "计扣请假每天扣"))
KEYS = {"per_late": "late", "per_early": "early", "per_missing": "missing",
        "per_absent_day": "absent_day", "per_leave_day": "leave_day"}


class PointsRuleEditor(QGroupBox):
    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("考勤折算考核分", parent)
        self.db = db
        self.items: list[PointsItemInfo] = []
        self.item_combo = QComboBox()
        self.item_combo.currentIndexChanged.connect(lambda _: self._show_item())
        self.spins: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout(self)
        form.addRow("考核项目：", self.item_combo)
        self.max_label = QLabel()
        self.max_label.setStyleSheet("color:#5f6368;")
        form.addRow("", self.max_label)
        for name, label in AMOUNTS:
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(2)
            spin.setSingleStep(0.5)
            spin.setSuffix(" 分")
            spin.setMaximumWidth(self.fontMetrics().horizontalAdvance("汉") * 8)
            self.spins[name] = spin
            form.addRow(f"{label}：", spin)
        self.half_check = QCheckBox("每迟到")
        self.half_spin = QSpinBox()
        self.half_spin.setRange(1, 31)
        self.half_spin.setValue(3)
        self.half_spin.setSuffix(" 次")
        self.half_check.toggled.connect(self.half_spin.setEnabled)
        half = QHBoxLayout()
        half.addWidget(self.half_check)
        half.addWidget(self.half_spin)
        half.addWidget(QLabel("另记旷工半天"))
        half.addStretch(1)
        form.addRow("迟到累计：", half)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.save_button = QPushButton("保存规则")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.save_button)
        form.addRow(row)

    def load(self) -> None:
        current = self.item_combo.currentData()
        self.items = attendance.attendance_rule_items(self.db)
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for i, item in enumerate(self.items):
            self.item_combo.addItem(f"{item.rubric_code} 第 {item.item_code} 项 {item.item_name}", i)
        self.item_combo.setCurrentIndex(max(self.item_combo.findData(current), 0))
        self.item_combo.blockSignals(False)
        self.setEnabled(bool(self.items))
        if not self.items:
            self.max_label.setText("没有取自考勤的考核项目（需要人员考核细则中“取自考勤”的项目）")
            return
        self._show_item()

    def current(self) -> PointsItemInfo | None:
        index = self.item_combo.currentData()
        return self.items[index] if index is not None and index < len(self.items) else None

    def _show_item(self) -> None:
        item = self.current()
        if item is None:
            return
        rule: AttendancePointsRule = item.rule  # type: ignore[assignment]
        for name, spin in self.spins.items():
            spin.setValue(float(getattr(rule, name)))
        self.half_check.setChecked(rule.late_per_half_day is not None)
        self.half_spin.setValue(rule.late_per_half_day or 3)
        self.half_spin.setEnabled(rule.late_per_half_day is not None)
        self.max_label.setText(f"从满分 {shown(item.max)} 分起扣，扣完为止；"
                               f"分值须是步长 {shown(item.step or Decimal(0))} 的整数倍")
        self._say(rule.text(), error=False)

    def rule(self) -> dict[str, object]:
        out: dict[str, object] = {KEYS[n]: str(Decimal(str(round(s.value(), 2))))
                                  for n, s in self.spins.items()}
        if self.half_check.isChecked():
            out["late_per_half_day"] = self.half_spin.value()
        return out

    def save(self) -> bool:
        item = self.current()
        if item is None:
            return False
        db, wanted = self.db, self.rule()
        try:
            rule = call_writing(self, "考勤折算", lambda: attendance.set_points_rule(
                db, item.rubric_code, item.item_code, wanted), db=db)
        except InputError as exc:
            self._say("；".join(p.reason for p in exc.problems), error=True)
            return False
        self.items[self.item_combo.currentIndex()] = PointsItemInfo(
            item.rubric_code, item.rubric_name, item.item_code, item.item_name, item.max, item.step, rule)
        self._say("已保存：" + rule.text(), error=False)
        self.saved.emit()
        return True

    def _say(self, text: str, *, error: bool) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet("color:#c5221f;" if error else "color:#5f6368;")
