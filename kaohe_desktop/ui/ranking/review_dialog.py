"""The dialog behind one review button (提交 / 审议通过 / 公示 / 重新打开).

It only collects who, why and — for 公示 — the objection period; the page runs the
state change through `assessments.change_state`, which checks everything again. OK is
enabled only when what the action needs is there (a reason for reopening, an end date
not before the start). Opens in its first field (操作人); Esc asks before discarding.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.states import ACTION_NAMES

from ..common.guarded_dialog import GuardedDialog

OBJECTION_DAYS = 7  # services.assessments.OBJECTION_DAYS: the default 公示期

HINTS = {
    "submit": "提交后仍可修改评分，等待考核委员会审议。",
    "approve": "审议通过后考核即锁定：评分、加减分、评分组和等次都不能再改。",
    "publish": "公示结果，并写明公示期（异议期）。公示后考核保持锁定。",
    "reopen": "重新打开后考核回到草稿状态，可以更正。只有管理员可以重新打开，且必须写明理由；"
              "操作会记入审议记录。",
}


class ReviewDialog(GuardedDialog):
    def __init__(self, action: str, assessment_name: str, actor: str = "",
                 parent: QWidget | None = None,
                 period: tuple[date, date] | None = None) -> None:
        """`period`: the 公示期 to offer (the services' default: five working days)."""
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(f"{ACTION_NAMES[action]}：{assessment_name}")
        self.setMinimumWidth(460)
        hint = QLabel(HINTS[action])
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.actor_edit = QLineEdit(actor)
        self.actor_edit.setPlaceholderText("姓名或职务，如 考核委员会 张主任")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setFixedHeight(80)
        self.reason_edit.setPlaceholderText("必填：为什么重新打开" if action == "reopen"
                                            else "审议意见或说明（可不填）")
        form = QFormLayout()
        form.addRow("操作人", self.actor_edit)
        form.addRow("理由" if action == "reopen" else "意见", self.reason_edit)
        today = QDate.currentDate()
        first, last = period or (today.toPython(), today.addDays(OBJECTION_DAYS - 1).toPython())
        self.from_edit = QDateEdit(QDate(first))
        self.to_edit = QDateEdit(QDate(last))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._update)
        if action == "publish":
            form.addRow("公示开始", self.from_edit)
            form.addRow("公示结束", self.to_edit)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ACTION_NAMES[action])
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _update(self) -> None:
        problem = ""
        if self.action == "reopen" and not self.reason.strip():
            problem = "请写明重新打开的理由。"
        elif self.action == "publish" and self.to_edit.date() < self.from_edit.date():
            problem = "公示结束日期不能早于开始日期。"
        self.problem.setText(problem)
        self.ok_button.setEnabled(not problem)

    @property
    def actor(self) -> str:
        return self.actor_edit.text().strip()

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def objection_dates(self):
        if self.action != "publish":
            return None, None
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()
