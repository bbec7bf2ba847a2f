"""A form dialog that validates as the user types and saves through a service call.

Subclasses lay out their fields in `self.form`, call `self.watch(widget)` for each input
and implement `problems()` and `values()`. Until `problems()` is empty the save button
is disabled and the first problem is shown in red under the form. On save the dialog
calls `save(values)`; if the service refuses (InputError: e.g. someone else took the
code meanwhile) the dialog stays open and shows why, otherwise it emits `saved(result)`
and closes.

It opens with the cursor in its first field. Esc, 取消 or the close box on a form whose
values differ from what it opened with asks before throwing the typing away; `reject()`
called from code closes without asking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError, Problem

from .busy_wait import call_writing
from .guarded_dialog import GuardedDialog
from .hooks import check_hooks

HINT_STYLE = "color: #c5221f;"


class FormDialog(GuardedDialog):
    saved = Signal(object)
    # the save writes to the open database: wait for another writer (busy_wait) rather
    # than fail; a form that does something else (connecting to a server) sets False
    waits_for_writers = True

    def __init__(self, parent: QWidget | None, title: str, save: Callable[[dict[str, str]], Any]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        outer.addLayout(self.form)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setWordWrap(True)
        outer.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.ok_button.setText("保存")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("取消")
        # Enter saves when the form is valid and does nothing otherwise (never cancels).
        cancel.setAutoDefault(False)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        outer.addWidget(self.buttons)
        self.setMinimumWidth(460)

    HOOKS = ("problems", "values")  # every subclass defines these

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        check_hooks(cls, FormDialog, FormDialog.HOOKS)

    # ------------------------------------------------------------- for subclasses
    def problems(self) -> list[Problem]:
        raise NotImplementedError

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def watch(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.revalidate)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(self.revalidate)

    # ------------------------------------------------------------- behaviour
    # First-field focus and asking before discarding typing (Esc, 取消, the close box)
    # come from GuardedDialog, shared with the other dialogs.

    def revalidate(self) -> None:
        problems = self.problems()
        self.ok_button.setEnabled(not problems)
        self.hint.setText(problems[0].reason if problems else "")

    def accept(self) -> None:
        if self.problems():
            return
        try:
            values = self.values()
            result = (call_writing(self, self.windowTitle(), lambda: self._save(values))
                      if self.waits_for_writers else self._save(values))
        except InputError as exc:
            self.ok_button.setEnabled(False)
            self.hint.setText("；".join(p.reason for p in exc.problems))
            return
        self.saved.emit(result)
        super().accept()


def line_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def editable_combo(items: list[str], text: str = "") -> QComboBox:
    """A combo box the user may also type into (new area, new kind)."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(items)
    combo.setEditText(text)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo
