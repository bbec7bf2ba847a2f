"""Asking before typed changes are thrown away (Esc, 取消, the close box of a form)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_discard(parent: QWidget) -> bool:
    """True when the user agrees to close without saving. 继续编辑 is the default, so a
    second Esc or an Enter keeps the typing."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.windowTitle() or "未保存的修改",
                      "填写的内容还没有保存。要放弃这些修改吗？", parent=parent)
    discard = box.addButton("放弃修改", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("继续编辑", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard
