"""年度汇总 in the window: the year's result from its monthly / quarterly / year-end /
专项 results with the chosen weights, and saving it as a 年度综合 assessment of its own
(which then goes through 审议 and 公示 like any other). The figures and rules are the
services' (`services.rollup`); this dialog only shows them."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rollup import PART_NAMES, PARTS
from kaohe_desktop.services import rollup, rubrics
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.ranking_results import Rollup

from ..common.busy_wait import call_writing
from ..common.messages import error_text

PENDING_TEXT = "待定"


class AnnualDialog(QDialog):
    """Year, rubric and weights → the roll-up table; 保存为年度综合考核 keeps it."""

    def __init__(self, db: Database, year: int, rubric_code: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.result: Rollup | None = None
        self.saved_id: int | None = None
        self.setWindowTitle("年度汇总")
        self.resize(980, 640)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.rubric_combo = QComboBox()
        for info in rubrics.list_rubrics(db):
            self.rubric_combo.addItem(f"{info.code}　{info.name}", info.code)
        if rubric_code:
            self.rubric_combo.setCurrentIndex(max(0, self.rubric_combo.findData(rubric_code)))
        self.weights: dict[str, QDoubleSpinBox] = {}
        weights = QHBoxLayout()
        for part in PARTS:
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.setSuffix(" %")
            spin.setValue(100 if part == "monthly" else 0)
            spin.setObjectName(f"weight-{part}")
            self.weights[part] = spin
            weights.addWidget(QLabel(PART_NAMES[part]))
            weights.addWidget(spin)
        weights.addStretch(1)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("（默认：年份 + 细则名称 + 年度综合）")
        form = QFormLayout()
        form.addRow("年度", self.year_spin)
        form.addRow("细则", self.rubric_combo)
        form.addRow("比例", weights)
        form.addRow("考核名称", self.name_edit)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.show_button = self.buttons.addButton("汇总", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.addButton("保存为年度综合考核",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setToolTip("另存为一个“年度综合”考核（草稿），之后照常审议、公示并出具证书与通知")
        self.show_button.clicked.connect(self.compute)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.year_spin.setFocus()
        self.compute()

    def mix(self) -> dict[str, Decimal]:
        return {p: Decimal(int(s.value())) / 100 for p, s in self.weights.items() if s.value() > 0}

    def compute(self) -> bool:
        """Show the roll-up for the chosen year, rubric and weights (refusals as notes)."""
        code = self.rubric_combo.currentData()
        self.save_button.setEnabled(False)
        try:
            result = self.result = rollup.annual_rollup(self.db, self.year_spin.value(), code,
                                                        self.mix() or None)
        except InputError as exc:
            self.result = None
            self.table.setRowCount(0)
            self.note.setText(error_text(exc))
            return False
        parts = [p for p in PARTS if p in result.mix]
        heads = ["名次", "编号", "名称", *(f"{PART_NAMES[p]}（折合）" for p in parts), "年度总分", "等次"]
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(result.rows))
        for n, r in enumerate(result.rows):
            cells = [str(r.rank) if r.rank is not None else "—", r.subject_code, r.subject_name]
            cells += [(f"{shown(r.parts[p])}（{shown(r.contributions.get(p, Decimal(0)))}）"
                       if p in r.parts else "—") for p in parts]
            cells += [shown(r.total), r.grade if r.rank is not None else PENDING_TEXT]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        drafts = [s.period_key for s in result.unpublished]
        pending = sum(1 for r in result.rows if r.rank is None)
        self.note.setText(
            f"{result.year} 年度：{result.rubric_name}，来源 {len(result.sources)} 次考核"
            + (f"；尚未公示：{'、'.join(drafts)}" if drafts else "")
            + (f"；{pending} 个对象待定（某期未评完或缺少组成部分），不排名、不定档" if pending else ""))
        self.save_button.setEnabled(bool(result.rows))
        return True

    def save(self) -> bool:
        if self.result is None:
            return False
        db, year, rubric = self.db, self.result.year, self.result.rubric_code
        mix, name = self.mix() or None, self.name_edit.text().strip()
        try:
            saved = call_writing(self, "保存年度综合考核", lambda: rollup.save_annual_rollup(
                db, year, rubric, mix, name), db=db)
        except InputError as exc:
            self.note.setText(error_text(exc))
            return False
        self.saved_id = saved.assessment_id
        extra = (f"；来源中尚未审议通过：{'、'.join(s.period_key for s in saved.drafts)}"
                 if saved.drafts else "")
        self.note.setText(rollup.describe_saved(saved, self.result.mix) + extra
                          + "。可在“排名”页选择它，照常审议、公示。")
        return True
