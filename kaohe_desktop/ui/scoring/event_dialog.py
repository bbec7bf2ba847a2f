"""Adding a bonus, deduction or veto claim to one subject: rule, amount, matter, note and
an evidence file (photo or scan).

A rule with a list of amounts offers that list; a rule with a range takes a typed number,
checked as it is typed by the domain's `check_event`: a value outside the range (7 where
1～5 is allowed) stays visible with the range in red and 登记 is disabled — it is never
clamped or silently replaced. Opens in its first field; Esc asks before discarding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
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
from kaohe_desktop.domain.scoring import ValueRefused, check_event

from ..common.fields import number_edit
from ..common.guarded_dialog import GuardedDialog

SECTION_NAMES = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}
EVIDENCE_FILTER = "图片或扫描件 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)"


class EventDialog(GuardedDialog):
    def __init__(self, rubric: Rubric, subject_title: str, parent: QWidget | None = None, *,
                 save: Callable[[EventDialog], str | None] | None = None) -> None:
        """`save(dialog)` registers the claim and returns why it was refused, or None."""
        super().__init__(parent)
        self._save = save
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
        self.amount_edit = number_edit()
        amount_box = QWidget()
        amount_row = QHBoxLayout(amount_box)
        amount_row.setContentsMargins(0, 0, 0, 0)
        amount_row.addWidget(self.amount_edit, 1)
        amount_row.addWidget(QLabel("分"))
        self.amount_stack = QStackedWidget()
        self.amount_stack.addWidget(self.amount_combo)
        self.amount_stack.addWidget(amount_box)
        self.amount_stack.addWidget(QLabel("（一票否决，不计分值）"))
        self.amount_stack.setMaximumWidth(200)
        self.amount_hint = QLabel()
        self.amount_hint.setObjectName("amountHint")
        self.amount_hint.setStyleSheet("color: #c62828;")
        self.amount_hint.setWordWrap(True)
        self.amount_hint.hide()
        self.amount_edit.textChanged.connect(self._check_amount)

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
        form.addRow("", self.amount_hint)
        form.addRow("日期：", self.date_edit)
        form.addRow("事项：", self.matter_edit)
        form.addRow("说明：", self.note_edit)
        form.addRow("附件：", files)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        self.problem_label = QLabel()  # the service's refusal, the typing kept
        self.problem_label.setObjectName("problem")
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
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
            self._check_amount()
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
            self.amount_edit.setPlaceholderText(f"{shown(rule.min)}～{shown(rule.max)}")
            self.amount_edit.setToolTip(f"允许 {rule.allowed_text()}")
            self.amount_edit.setText(shown(rule.min))
            self.amount_stack.setCurrentIndex(1)
        self._check_amount()

    def amount_problem(self) -> str:
        """Why the typed amount is refused ("" when the rule allows it)."""
        section, rule = self._rule()
        if rule is None or rule.amounts:
            return ""
        text = self.amount_edit.text().strip()
        if not text:
            return f"请填写分值，允许 {rule.allowed_text()}"
        try:
            check_event(self.rubric, rule.code, text)
        except ValueRefused:
            return (f"分值 {text} 不在允许范围内：{SECTION_NAMES[section]} {rule.code} "
                    f"允许 {rule.allowed_text()}")
        return ""

    def _check_amount(self) -> None:
        problem = self.amount_problem()
        self.amount_hint.setText(problem)
        self.amount_hint.setVisible(bool(problem))
        self.ok_button.setEnabled(not problem)

    def accept(self) -> None:
        if self.amount_problem():  # Enter on a refused amount: it stays, with the range
            self._check_amount()
            self.amount_edit.setFocus()
            self.amount_edit.selectAll()
            return
        refused = self._save(self) if self._save is not None else None
        if refused:
            self.problem_label.setText(refused)
            self.problem_label.show()
            return
        super().accept()

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
        return check_event(self.rubric, rule.code, self.amount_edit.text().strip())[1]

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
