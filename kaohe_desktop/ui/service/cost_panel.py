"""人均成本: a unit's yearly cost (元) entered here (services.service_stats.set_cost) and every
unit's cost, active staff and cost per person for the chosen year."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import service_stats
from kaohe_desktop.services.database import Database

from ..common.busy_wait import call_writing
from ..common.messages import show_error

HEADERS = ("单位编号", "单位", "年度成本（元）", "在岗人员", "人均成本（元）")


def money(value: object) -> str:
    return "—" if value is None else f"{value:,.2f}"


class CostPanel(QWidget):
    saved = Signal(str)  # a line for the page's status

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumWidth(220)
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(date.today().year)
        self.year_spin.setSuffix(" 年")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("全年成本，元")
        self.amount.setMaximumWidth(160)
        self.save_button = QPushButton("保存成本")
        bar = QHBoxLayout()
        for w in (QLabel("单位："), self.unit_combo, QLabel("年度："), self.year_spin,
                  QLabel("成本："), self.amount, self.save_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        note = QLabel("人均成本 = 单位的年度成本 ÷ 在岗人员数。选中表中一行可修改该单位的成本。")
        note.setStyleSheet("color:#5f6368;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        self.save_button.clicked.connect(self.save)
        self.amount.returnPressed.connect(self.save)
        self.year_spin.valueChanged.connect(lambda _: self.refresh())
        self.table.currentCellChanged.connect(lambda row, *_: self._pick(row))

    def refresh(self) -> None:
        rows = service_stats.unit_costs(self.db, self.year_spin.value())
        keep = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        for r in rows:
            self.unit_combo.addItem(f"{r.code} {r.name}", r.code)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(keep)))
        self.unit_combo.blockSignals(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, v in enumerate((r.code, r.name, money(r.amount), str(r.staff), money(r.per_person))):
                item = QTableWidgetItem(v)
                if j >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def show_year(self, year: int) -> None:
        """Follow the page's period: the year whose cost the measures divide by."""
        if self.year_spin.value() != year:
            self.year_spin.setValue(year)  # refreshes

    def _pick(self, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        if item is not None:
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(item.text()))
            amount = self.table.item(row, 2).text()
            self.amount.setText("" if amount == "—" else amount.replace(",", ""))

    def save(self) -> None:
        code, year = self.unit_combo.currentData(), self.year_spin.value()
        if code is None:
            return
        db, amount = self.db, self.amount.text()
        try:
            value = call_writing(self, "保存成本",
                                 lambda: service_stats.set_cost(db, code, year, amount), db=db)
        except InputError as exc:
            show_error(self, "保存成本", exc)
            return
        self.refresh()
        self.saved.emit(f"已保存 {self.unit_combo.currentText()} {year} 年成本 {money(value)} 元。")
