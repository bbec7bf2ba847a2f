"""Formatted fields checked as they are typed: keystrokes that cannot belong to the value
are refused at once; the services still check the whole value on save (a phone number's
rule is `services.roster.phone_problem`, an amount's the rubric's)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

# letters and punctuation never get in; a space does, so the form can say that only digits
# and - are allowed (services.roster.phone_problem) instead of swallowing it silently
PHONE = QRegularExpression(r"[0-9 -]{0,30}")
NUMBER = QRegularExpression(r"\s*\d{0,9}([.．]\d{0,4})?\s*")  # points and amounts, not negative


def phone_edit(text: str = "", placeholder: str = "如：13800000000") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(PHONE, edit))
    return edit


def number_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(NUMBER, edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return edit
