"""复制为新细则: asks for the new rubric's code and name. The code takes no spaces as it
is typed (the service checks length and uniqueness); Esc asks before discarding."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ..common.guarded_dialog import GuardedDialog

CODE = QRegularExpression(r"\S{0,40}")  # services.rubrics.copy_rubric: no spaces


class CopyRubricDialog(GuardedDialog):
    def __init__(self, source: str, code: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("复制为新细则")
        self.code_edit = QLineEdit(code)
        self.code_edit.setValidator(QRegularExpressionValidator(CODE, self.code_edit))
        self.name_edit = QLineEdit(name)
        self.name_edit.setMinimumWidth(360)
        form = QFormLayout(self)
        form.addRow(QLabel(f"从 {source} 复制全部评分项目、加减分规则和等次划分。"))
        form.addRow("新编号", self.code_edit)
        form.addRow("新名称", self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.cancel)
        form.addRow(buttons)

    def values(self) -> tuple[str, str]:
        return self.code_edit.text().strip(), self.name_edit.text().strip()


def ask_new_rubric(parent: QWidget | None, source: str, code: str,
                   name: str) -> tuple[str, str] | None:
    """(new code, new name), or None when the user cancels. Modal; tests patch it."""
    dialog = CopyRubricDialog(source, code, name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()
