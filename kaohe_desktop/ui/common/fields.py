"""Formatted fields checked as they are typed: keystrokes that cannot belong to the value
are refused at once; the services still check the whole value on save (an amount against
its rule, a corrected value against its item). Phone numbers are checked by the forms
themselves, which say why a character is wrong (`roster.phone_problem`)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

NUMBER = QRegularExpression(r"\s*\d{0,9}([.．]\d{0,4})?\s*")  # points and amounts, not negative


def number_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(NUMBER, edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return edit
