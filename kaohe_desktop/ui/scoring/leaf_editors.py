"""One control per rubric leaf, fitting its kind: a spin box for points and derived
values, a check box for yes/no, a combo box for levels.

Every editor distinguishes "not scored" (None) from 0. `raw()` is what the user entered,
unparsed: the form validates it with `domain.scoring.parse_leaf_value` before anything is
saved, so a typed value beyond the maximum is refused with a message — the spin box
accepts the keystrokes instead of silently dropping or clamping them.

Focusing a spin box by mouse or keyboard selects its text, so typing replaces 未评 or the
old value (a click would otherwise put the cursor inside "未评", where digits are refused,
or inside "15.5", where typing 15 gives 1515.5). The mouse wheel over a box scrolls the
form and never changes a score (arrow keys and the spin buttons still step).
"""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent, QValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QWidget,
)

from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.rubric import Item, ItemKind

from ..common.hooks import check_hooks

NOT_SCORED = "未评"
_NUMBERISH = re.compile(r"[-+]?\d*(?:[.,，．]\d*)?")
SAVE_DELAY_MS = 700  # arrow keys / wheel: save after the user paused


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 2


class ScoreSpinBox(QDoubleSpinBox):
    """A spin box whose minimum (one step below 0) means "not scored" and shows 未评.

    Any number-like text may be typed; out-of-range text stays visible (Intermediate)
    until the form refuses it, instead of Qt dropping the keystroke or clamping it.
    """

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setDecimals(_decimals(item.step))
        self.setSingleStep(float(item.step))
        self.setRange(-float(item.step), float(item.max))
        self.setSpecialValueText(NOT_SCORED)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setValue(self.minimum())
        self._select_on_release = False
        self.lineEdit().installEventFilter(self)

    def validate(self, text: str, pos: int) -> QValidator.State:
        t = text.strip()
        if t in ("", NOT_SCORED):
            return QValidator.State.Acceptable
        if not _NUMBERISH.fullmatch(t):
            return QValidator.State.Invalid
        try:
            value = to_decimal(t)
        except ValueError:
            return QValidator.State.Intermediate  # "-", "." on the way to a number
        ok = Decimal(0) <= value <= self.item.max and (value / self.item.step) % 1 == 0
        return QValidator.State.Acceptable if ok else QValidator.State.Intermediate

    def valueFromText(self, text: str) -> float:
        try:
            return float(to_decimal(text))
        except ValueError:
            return self.minimum()

    def textFromValue(self, value: float) -> str:
        return shown(Decimal(repr(value)))

    def fixup(self, text: str) -> str:
        return text

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)  # selects all for Tab, Shift+Tab and shortcuts
        # a click places the cursor after focusing: select when its button is released
        self._select_on_release = event.reason() == Qt.FocusReason.MouseFocusReason

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._select_on_release = False
        super().focusOutEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """The line edit's mouse release after the focusing click selects everything,
        unless the user dragged over part of the text on purpose."""
        if obj is self.lineEdit() and self._select_on_release and event.type() in (
                QEvent.Type.MouseButtonRelease, QEvent.Type.KeyPress):
            self._select_on_release = False
            if event.type() == QEvent.Type.MouseButtonRelease \
                    and not self.lineEdit().hasSelectedText():
                self.lineEdit().selectAll()
        return False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._select_on_release = False  # released on the arrows: a step, not a click in
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        _scroll_form(self, event)


class LevelComboBox(QComboBox):
    def wheelEvent(self, event: QWheelEvent) -> None:
        _scroll_form(self, event)


def _scroll_form(widget: QWidget, event: QWheelEvent) -> None:
    """The wheel scrolls the form, never a score: the event goes to the scroll area the
    editor sits in (handed on explicitly — Qt does not pass synthesized wheel events to
    parents, and a focused box would otherwise step its value)."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is None:
        event.ignore()
        return
    QApplication.sendEvent(parent.verticalScrollBar(), QWheelEvent(
        QPointF(0, 0), event.globalPosition(), event.pixelDelta(), event.angleDelta(),
        event.buttons(), event.modifiers(), event.phase(), event.inverted()))
    event.accept()


class LeafEditor(QObject):
    """The common face of the three controls."""

    edited = Signal()  # the user changed what is shown (live subtotals)
    commit_now = Signal()  # the user finished a choice (check box, combo box)

    def __init__(self, item: Item, widget: QWidget) -> None:
        super().__init__(widget)
        self.item = item
        self.widget = widget
        self.dirty = False  # changed by the user since the last load or save
        self._loading = False

    def load(self, value: Decimal | None) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False
        self.dirty = False

    def _user_changed(self) -> None:
        if not self._loading:
            self.dirty = True
            self.edited.emit()

    HOOKS = ("_show", "raw")  # every subclass defines these

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        check_hooks(cls, LeafEditor, LeafEditor.HOOKS)

    def _show(self, value: Decimal | None) -> None:
        raise NotImplementedError

    def raw(self) -> object | None:
        """What the user entered, unparsed; None when the item is left unscored."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)


class SpinEditor(LeafEditor):
    def __init__(self, item: Item) -> None:
        self.spin = ScoreSpinBox(item)
        super().__init__(item, self.spin)
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.spin.lineEdit().textEdited.connect(self._typed)
        self.spin.valueChanged.connect(self._stepped)

    def _typed(self) -> None:
        """Typing: saved on Enter/Tab/leaving, or after a pause when the text is valid."""
        self._user_changed()
        text = self.spin.lineEdit().text()
        if self.spin.validate(text, len(text)) == QValidator.State.Acceptable:
            self.save_timer.start()
        else:
            self.save_timer.stop()

    def _stepped(self) -> None:
        """Arrow keys, wheel or the buttons: saved after a pause, even without leaving."""
        if not self._loading:
            self._user_changed()
            self.save_timer.start()

    def _show(self, value: Decimal | None) -> None:
        self.save_timer.stop()
        if value is None:
            self.spin.setValue(self.spin.minimum())
        else:
            self.spin.setValue(float(value))

    def raw(self) -> object | None:
        text = self.spin.lineEdit().text().strip()
        return None if text in ("", NOT_SCORED) else text

    def set_read_only(self, read_only: bool) -> None:
        self.spin.setReadOnly(read_only)
        self.spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons if read_only
                                   else QAbstractSpinBox.ButtonSymbols.UpDownArrows)


class YesNoBox(QCheckBox):
    """Partially checked means not scored; clicking goes 未评 → 是 → 否 → 是 …"""

    def nextCheckState(self) -> None:
        self.setCheckState(Qt.CheckState.Unchecked if self.checkState() == Qt.CheckState.Checked
                           else Qt.CheckState.Checked)


class YesNoEditor(LeafEditor):
    def __init__(self, item: Item) -> None:
        self.box = YesNoBox()
        self.box.setTristate(True)
        super().__init__(item, self.box)
        self.box.checkStateChanged.connect(self._changed)
        self._label()

    def _changed(self) -> None:
        self._label()
        if not self._loading:
            self._user_changed()
            self.commit_now.emit()

    def _label(self) -> None:
        state = self.box.checkState()
        self.box.setText(NOT_SCORED if state == Qt.CheckState.PartiallyChecked
                         else f"是（{shown(self.item.max)} 分）" if state == Qt.CheckState.Checked
                         else "否（0 分）")

    def _show(self, value: Decimal | None) -> None:
        self.box.setCheckState(Qt.CheckState.PartiallyChecked if value is None
                               else Qt.CheckState.Checked if value == self.item.max
                               else Qt.CheckState.Unchecked)
        self._label()

    def raw(self) -> object | None:
        state = self.box.checkState()
        if state == Qt.CheckState.PartiallyChecked:
            return None
        return "是" if state == Qt.CheckState.Checked else "否"


class LevelEditor(LeafEditor):
    def __init__(self, item: Item) -> None:
        self.combo = LevelComboBox()
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        super().__init__(item, self.combo)
        self.combo.addItem(f"—{NOT_SCORED}—", None)
        for level in item.levels:
            self.combo.addItem(f"{level.name}（{shown(level.points)} 分）", level.name)
        self.combo.currentIndexChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._loading:
            self._user_changed()
            self.commit_now.emit()

    def _show(self, value: Decimal | None) -> None:
        index = 0
        if value is not None:
            index = next((n for n, lv in enumerate(self.item.levels, start=1)
                          if lv.points == value), 0)
        self.combo.setCurrentIndex(index)

    def raw(self) -> object | None:
        return self.combo.currentData()


def make_editor(item: Item) -> LeafEditor:
    if item.kind == ItemKind.YESNO:
        return YesNoEditor(item)
    if item.kind == ItemKind.LEVEL:
        return LevelEditor(item)
    return SpinEditor(item)
