"""A small form for an administrator's mark on one subject: 不参评, an item 不适用, or a
derived item's corrected value — each needs a reason, recorded with the mark. The value
takes only a number as it is typed; Esc asks before discarding what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..common.fields import number_edit
from ..common.guarded_dialog import GuardedDialog


class MarkDialog(GuardedDialog):
    """Asks for a reason (and a value when `value_label` is given); OK only when filled."""

    def __init__(self, title: str, text: str, *, value_label: str = "", value: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        intro = QLabel(text)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.value_edit: QLineEdit | None = None
        if value_label:
            self.value_edit = number_edit(value)
            self.value_edit.setObjectName("value")
            form.addRow(value_label, self.value_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText("必填：写明依据，将记录并在结果中显示")
        form.addRow("理由", self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for edit in (self.value_edit, self.reason_edit):
            if edit is not None:
                edit.textChanged.connect(self._check)
        self._check()
        (self.value_edit or self.reason_edit).setFocus()

    def _check(self) -> None:
        filled = bool(self.reason_edit.text().strip()) and (
            self.value_edit is None or bool(self.value_edit.text().strip()))
        self.ok_button.setEnabled(filled)

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    @property
    def value(self) -> str:
        return self.value_edit.text().strip() if self.value_edit is not None else ""
