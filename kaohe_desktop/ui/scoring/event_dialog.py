"""Adding a bonus, deduction or veto claim to one subject: rule, amount, matter, note and
an evidence file (photo or scan). The amount control offers only what the rule allows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import EventRule, Rubric

SECTION_NAMES = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}
EVIDENCE_FILTER = "图片或扫描件 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)"


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 2


class EventDialog(QDialog):
    def __init__(self, rubric: Rubric, subject_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记加减分")
        self.rubric = rubric
        self.evidence: Path | None = None

        self.rule_combo = QComboBox()
        self.rule_combo.setMinimumWidth(420)
        for section_name, section in (("bonus", rubric.bonus), ("deduction", rubric.deduction)):
            for rule in section.rules:
                self.rule_combo.addItem(f"{SECTION_NAMES[section_name]} {rule.code}　{rule.title}",
                                        (section_name, rule.code))
                self.rule_combo.setItemData(self.rule_combo.count() - 1, rule.title,
                                            Qt.ItemDataRole.ToolTipRole)
        for veto in rubric.veto:
            self.rule_combo.addItem(f"一票否决 {veto.code}　{veto.title}", ("veto", veto.code))
        self.allowed_label = QLabel()
        self.allowed_label.setStyleSheet("color: #555;")
        self.allowed_label.setWordWrap(True)

        self.amount_combo = QComboBox()
        self.amount_spin = QDoubleSpinBox()
        self.amount_stack = QStackedWidget()
        self.amount_stack.addWidget(self.amount_combo)
        self.amount_stack.addWidget(self.amount_spin)
        self.amount_stack.addWidget(QLabel("（一票否决，不计分值）"))
        self.amount_stack.setMaximumWidth(200)

        self.date_edit = QDateEdit(QDate.currentDate())  # when it happened: 通报、报道的日期
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setMaximumWidth(160)
        self.matter_edit = QLineEdit()
        self.matter_edit.setPlaceholderText("同一事项只计一次，按最高分值；不填则单独计")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("文件、通报、媒体报道等依据")
        self.note_edit.setFixedHeight(72)
        self.file_label = QLabel("（无）")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_button = QPushButton("选择文件…")
        self.file_button.clicked.connect(self.choose_file)
        self.clear_file_button = QPushButton("移除")
        self.clear_file_button.clicked.connect(lambda: self.set_evidence(None))
        files = QHBoxLayout()
        files.addWidget(self.file_label, 1)
        files.addWidget(self.file_button)
        files.addWidget(self.clear_file_button)

        form = QFormLayout()
        form.addRow("对象：", QLabel(subject_title))
        form.addRow("规则：", self.rule_combo)
        form.addRow("", self.allowed_label)
        form.addRow("分值：", self.amount_stack)
        form.addRow("日期：", self.date_edit)
        form.addRow("事项：", self.matter_edit)
        form.addRow("说明：", self.note_edit)
        form.addRow("附件：", files)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.rule_combo.currentIndexChanged.connect(self._rule_changed)
        self._rule_changed()
        self.set_evidence(None)

    def _rule(self) -> tuple[str, EventRule | None]:
        section, code = self.rule_combo.currentData() or ("", "")
        found = self.rubric.event_rule(code)
        return section, found[1] if found else None

    def _rule_changed(self) -> None:
        section, rule = self._rule()
        if rule is None:
            self.amount_stack.setCurrentIndex(2)
            self.allowed_label.setText("一票否决：该对象总评定为最低等次。")
            return
        cap = (self.rubric.bonus if section == "bonus" else self.rubric.deduction).cap
        self.allowed_label.setText(f"允许分值：{rule.allowed_text()}；{SECTION_NAMES[section]}合计封顶 "
                                   f"{shown(cap)} 分，同一事项按最高分值计一次。")
        if rule.amounts:
            self.amount_combo.clear()
            for amount in rule.amounts:
                self.amount_combo.addItem(f"{shown(amount)} 分", str(amount))
            self.amount_stack.setCurrentIndex(0)
        else:
            assert rule.min is not None and rule.max is not None
            self.amount_spin.setDecimals(_decimals(rule.step))
            self.amount_spin.setRange(float(rule.min), float(rule.max))
            self.amount_spin.setSingleStep(float(rule.step))
            self.amount_spin.setSuffix(" 分")
            self.amount_spin.setValue(float(rule.min))
            self.amount_stack.setCurrentIndex(1)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择附件（照片或扫描件）", str(Path.home()),
                                              EVIDENCE_FILTER)
        if path:
            self.set_evidence(Path(path))

    def set_evidence(self, path: Path | None) -> None:
        self.evidence = path
        self.clear_file_button.setEnabled(path is not None)
        self.file_label.setText(path.name if path else "（无）")
        self.file_label.setToolTip(str(path) if path else "")

    # ------------------------------------------------------------------ the answer
    def rule_code(self) -> str:
        return (self.rule_combo.currentData() or ("", ""))[1]

    def amount(self) -> Decimal:
        _, rule = self._rule()
        if rule is None:
            return Decimal(0)
        if rule.amounts:
            return Decimal(self.amount_combo.currentData())
        return Decimal(repr(round(self.amount_spin.value(), self.amount_spin.decimals())))

    def occurred_on(self) -> date:
        return self.date_edit.date().toPython()

    def matter(self) -> str:
        return self.matter_edit.text().strip()

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def select_rule(self, code: str) -> None:
        for n in range(self.rule_combo.count()):
            if self.rule_combo.itemData(n)[1] == code:
                self.rule_combo.setCurrentIndex(n)
                return
