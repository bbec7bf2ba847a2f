"""A dialog with fields that behaves like the forms (`form_dialog.FormDialog`): it opens
with the cursor in its first field, and Esc, 取消 or the close box ask before throwing
away what was typed (`unsaved.confirm_discard`).

"Typed" means any input differs from what it held when the dialog was first shown:
line and text edits, spin, date and combo boxes, check boxes. `reject()` called from
code closes without asking; connect a 取消 button to `cancel`. A dialog that only shows
things sets `guard_changes = False` and still gets the first-field focus.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from .unsaved import confirm_discard

_INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit)


def _value(widget: QWidget) -> object:
    """What a user may have changed in one input, comparable over time."""
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def typable(widget: QWidget) -> bool:
    """Whether a user can type in `widget` now (shown, enabled, reached by Tab, writable)."""
    if not isinstance(widget, _INPUTS) or not widget.isVisible() or not widget.isEnabled():
        return False
    if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return False
    read_only = getattr(widget, "isReadOnly", None)
    return not (read_only is not None and read_only())


def snapshot(window: QWidget) -> list[object]:
    """What every input inside `window` holds, to tell later whether anything was typed."""
    return [_value(w) for w in window.findChildren(QWidget)
            if isinstance(w, (*_INPUTS, QAbstractButton))]


class GuardedDialog(QDialog):
    guard_changes = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._opened_with: list[object] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._opened_with is None:
            self.mark_clean()
            self.focus_first_field()

    def focus_first_field(self) -> QWidget | None:
        """The cursor into the first field, in Tab order, that a user can type in."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if self.isAncestorOf(widget) and typable(widget):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
                return widget
            widget = widget.nextInFocusChain()
        return None

    def _snapshot(self) -> list[object]:
        return snapshot(self)

    def mark_clean(self) -> None:
        """What the fields hold now counts as unchanged."""
        self._opened_with = self._snapshot()

    def has_changes(self) -> bool:
        return self._opened_with is not None and self._snapshot() != self._opened_with

    def may_discard(self) -> bool:
        return not (self.guard_changes and self.has_changes()) or confirm_discard(self)

    def cancel(self) -> None:
        """取消 / Esc: close, after asking when something was typed."""
        if self.may_discard():
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # only the window's own close box (a spontaneous event) asks; close() from code —
        # the program quitting, a test tearing down — never blocks on a question
        if event.spontaneous() and self.isVisible() and not self.may_discard():
            event.ignore()
            return
        super().closeEvent(event)
