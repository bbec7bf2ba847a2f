"""The score-entry form: the rubric as one control per leaf, with live subtotals.

Invariants:
- the widgets are built once per rubric (`build`); switching subjects only reloads
  values (`load`), which is what keeps a switch on a 60-item rubric well under 100 ms;
- nothing is saved that `domain.scoring.parse_leaf_value` refuses: the refusal is shown
  under the item (red) and the control keeps, or on leaving reverts to, the stored value;
- subtotals and the total come from `services.score_sheet.subject_preview` (the domain's
  scoring) over stored values plus what is being typed — no arithmetic here.

Keyboard: Enter/Tab → next item, Shift+Tab → previous, F2 → the item's remark,
Esc → undo the typing, Delete on a check/combo box → not scored, Ctrl+PgDn/PgUp → the
form asks for the next/previous subject (`subject_step`). Derived items (attendance …)
are read-only and skipped by Enter/Tab/Shift+Tab; "first" and "last" item mean the first
and last item a user types in (`first_item`, `last_item`).

A refused value stays in its box, selected, with the reason under the item and in the
footer: the next keystrokes replace it instead of piling onto it. Leaving the item shows
the stored value again; the reason (naming the refused value) stays until the item gets a
valid value or another subject is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import KIND_NAMES, Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import ValueRefused, parse_leaf_value
from kaohe_desktop.services.results import DerivedValue, EventInfo, SubjectPreview
from kaohe_desktop.services.score_sheet import subject_preview

from .leaf_editors import LeafEditor, SpinEditor, make_editor

Saver = Callable[[str, Decimal | None], str | None]  # (leaf, value or None) → error or None
RemarkSaver = Callable[[str, str], str | None]
HINT_STYLE = "color: #c0392b;"
WORKING_STYLE = "color: #5f6368;"
READ_ONLY_STYLE = "QLineEdit:read-only, QAbstractSpinBox:read-only { background: #f0f0f0; color: #333; }"
KEYS_HINT = "Enter/Tab 下一项　Shift+Tab 上一项　F2 备注　Ctrl+PgDn/PgUp 下一个/上一个对象"


@dataclass
class _Row:
    index: int
    item: Item
    editor: LeafEditor
    remark: QLineEdit
    hint: QLabel
    derived: bool = False  # its value comes from data (attendance …): shown, never typed
    working: QLabel | None = None  # a derived item's working, in full under the row


class ScoreForm(QWidget):
    subject_step = Signal(int)  # +1 / −1: the user asked for the next / previous subject

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric: Rubric | None = None
        self.rows: list[_Row] = []
        self.by_code: dict[str, _Row] = {}
        self.subtotals: dict[str, QLabel] = {}
        self.values: dict[str, Decimal] = {}  # stored values of the current subject
        self._saving: set[str] = set()  # items whose save is under way (see _commit)
        self.derived: dict[str, DerivedValue] = {}  # the derived items' values that count
        self.remarks: dict[str, str] = {}
        self.events: list[EventInfo] = []
        self.live: dict[str, Decimal | None] = {}  # valid typing not saved yet
        self.preview: SubjectPreview | None = None
        self.read_only = True
        self.saver: Saver | None = None
        self.remark_saver: RemarkSaver | None = None
        self.current = 0  # index of the row that last had focus

        self.subject_label = QLabel()
        self.subject_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.subject_label.setWordWrap(True)
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-size: 15pt; font-weight: bold; color: #1d4f91;")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.breakdown_label = QLabel()
        self.breakdown_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.breakdown_label.setTextFormat(Qt.TextFormat.RichText)
        head = QHBoxLayout()
        head.addWidget(self.subject_label, 1)
        totals = QVBoxLayout()
        totals.setSpacing(0)
        totals.addWidget(self.total_label)
        totals.addWidget(self.breakdown_label)
        head.addLayout(totals)

        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(0, 1)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.footer = QLabel(KEYS_HINT)
        self.footer.setStyleSheet("color: #555;")
        self.footer.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.footer)

    # ------------------------------------------------------------------ building
    def build(self, rubric: Rubric) -> None:
        """Create the widgets for `rubric`; a no-op when it is the rubric already shown."""
        if self.rubric == rubric:
            return
        self.rubric = rubric
        self.rows.clear()
        self.by_code.clear()
        self.subtotals.clear()
        old = self.body
        self.body = QWidget()
        self.body.setStyleSheet(READ_ONLY_STYLE)
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(0, 1)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnMinimumWidth(3, 180)
        r = 0
        for top in rubric.items:
            r = self._add(top, 0, r)
        self.grid.setRowStretch(r, 1)
        self.scroll.setWidget(self.body)  # deletes the old body and its widgets
        del old
        self.values, self.remarks, self.live = {}, {}, {}
        self.set_read_only(self.read_only)

    def _add(self, item: Item, depth: int, r: int) -> int:
        indent = 18 * depth
        if not item.is_leaf:
            title = QLabel(f"{item.code}　{item.title}")
            title.setWordWrap(True)
            title.setContentsMargins(indent, 8 if depth == 0 else 4, 0, 0)
            title.setStyleSheet("font-weight: bold;" + (" font-size: 11pt;" if depth == 0 else ""))
            subtotal = QLabel()
            subtotal.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            subtotal.setStyleSheet("font-weight: bold; color: #1d4f91;")
            self.grid.addWidget(title, r, 0)
            self.grid.addWidget(subtotal, r, 1, 1, 2)
            self.subtotals[item.code] = subtotal
            r += 1
            for child in item.children:
                r = self._add(child, depth + 1, r)
            return r
        title = QLabel(f"{item.code}　{item.title}")
        title.setWordWrap(True)
        title.setContentsMargins(indent, 0, 0, 0)
        tip = f"{KIND_NAMES[item.kind] if item.kind else ''}：允许 {item.allowed_text()}"
        title.setToolTip(f"{item.description}\n{tip}" if item.description else tip)
        editor = make_editor(item)
        editor.widget.setToolTip(f"允许 {item.allowed_text()}")
        editor.widget.setMinimumWidth(120)
        editor.widget.setObjectName(f"leaf-{item.code}")
        top_label = QLabel(f"/ {shown(item.max)}")
        top_label.setStyleSheet("color: #666;")
        remark = QLineEdit()
        remark.setPlaceholderText("备注")
        remark.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes item to item; F2 reaches it
        remark.setObjectName(f"remark-{item.code}")
        hint = QLabel()
        hint.setStyleSheet(HINT_STYLE)
        hint.setWordWrap(True)
        hint.setContentsMargins(indent, 0, 0, 0)
        hint.hide()
        self.grid.addWidget(title, r, 0)
        self.grid.addWidget(editor.widget, r, 1)
        self.grid.addWidget(top_label, r, 2)
        self.grid.addWidget(remark, r, 3)
        self.grid.addWidget(hint, r + 1, 0, 1, 4)
        row = _Row(len(self.rows), item, editor, remark, hint, item.kind == ItemKind.DERIVED)
        if row.derived:
            title.setToolTip(f"{title.toolTip()}\n取自数据，自动计算，不能手工录入；"
                             "如需更正，请管理员在“排名”页的逐项明细里更正并写明理由")
            remark.setPlaceholderText("取自数据，自动计算")
            # the working ("满意率 98.2%（1,031/1,050）→ 9 分") is longer than the remark box:
            # shown whole under the row, where it can be read without hovering
            row.working = QLabel()
            row.working.setObjectName(f"working-{item.code}")
            row.working.setStyleSheet(WORKING_STYLE)
            row.working.setWordWrap(True)
            row.working.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.working.setContentsMargins(indent + 24, 0, 0, 0)
            self.grid.addWidget(row.working, r + 2, 0, 1, 4)
        self.rows.append(row)
        self.by_code[item.code] = row
        editor.edited.connect(lambda row=row: self._edited(row))
        editor.commit_now.connect(lambda row=row: self._commit(row, revert=True))
        if isinstance(editor, SpinEditor):
            editor.save_timer.timeout.connect(lambda row=row: self._commit(row, quiet=True))
        editor.widget.installEventFilter(self)
        remark.installEventFilter(self)
        return r + (3 if row.derived else 2)

    # ------------------------------------------------------------------ loading
    def load(self, title: str, values: dict[str, Decimal], remarks: dict[str, str],
             events: list[EventInfo], derived: dict[str, DerivedValue] | None = None) -> None:
        """Show one subject's stored values; no widget is created or destroyed. Derived
        items show the value that counts (from the data, or an administrator's)."""
        self.subject_label.setText(title)
        self.values = dict(values)
        self.remarks = dict(remarks)
        self.derived = dict(derived or {})
        self.events = list(events)
        self.live = {}
        for row in self.rows:
            if row.derived:
                got = self.derived.get(row.item.code)
                row.editor.load(got.value if got else None)
                row.remark.setText(got.remark if got else "尚无数据")
                row.remark.setCursorPosition(0)  # the start of a long working, not its end
                row.remark.setToolTip(got.remark if got else "")
                if row.working is not None:
                    row.working.setText(f"计算：{got.remark}" if got and got.remark else "尚无数据")
            else:
                row.editor.load(self.values.get(row.item.code))
                row.remark.setText(self.remarks.get(row.item.code, ""))
            if row.hint.isVisibleTo(self.body):
                row.hint.hide()
        focused = self._row_of(self.focusWidget())[0] if self.focusWidget() else None
        self._footer_for(focused)
        self._update_preview()

    def set_events(self, events: list[EventInfo]) -> None:
        self.events = list(events)
        self._update_preview()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for row in self.rows:
            row.editor.set_read_only(read_only or row.derived)
            row.remark.setReadOnly(read_only or row.derived)

    def clear(self, title: str) -> None:
        self.load(title, {}, {}, [])

    # ------------------------------------------------------------------ preview
    def shown_values(self) -> dict[str, Decimal]:
        """Stored values overlaid with valid typing that is not saved yet."""
        out = dict(self.values)
        for code in [c for c in out if c in self.by_code and self.by_code[c].derived]:
            del out[code]  # a typed value never counts for a derived item
        out.update({code: d.value for code, d in self.derived.items()})
        for code, value in self.live.items():
            if value is None:
                out.pop(code, None)
            else:
                out[code] = value
        return out

    def _update_preview(self) -> None:
        if self.rubric is None:
            return
        p = self.preview = subject_preview(self.rubric, self.shown_values(), self.events)
        for code, label in self.subtotals.items():
            item = self.rubric.item(code)
            label.setText(f"小计 {shown(p.items[code])} / {shown(item.max if item else Decimal(0))}")
        self.total_label.setText(f"总分 {shown(p.total)}")
        parts = [f"基础分 {shown(p.base)}"]
        for name, sign, section, claimed, counted in (
                ("加分", "+", self.rubric.bonus, p.bonus_claimed, p.bonus),
                ("减分", "−", self.rubric.deduction, p.deduction_claimed, p.deduction)):
            if section.rules:
                extra = (f"（申报 {shown(claimed)}，封顶 {shown(section.cap)}）"
                         if claimed != counted else "")
                parts.append(f"{name} {sign if counted else ''}{shown(counted)}{extra}")
        text = "　".join(parts)
        if p.vetoed:
            text += f"　<span style='color:#c0392b'>一票否决：{'、'.join(p.vetoed)}</span>"
        self.breakdown_label.setText(text)

    # ------------------------------------------------------------------ editing
    def _edited(self, row: _Row) -> None:
        code = row.item.code
        raw = row.editor.raw()
        try:
            self.live[code] = None if raw is None else parse_leaf_value(row.item, raw)
        except ValueRefused as exc:
            self.live.pop(code, None)
            self._hint(row, exc.problem.reason)
        else:
            self._unhint(row)
        self._update_preview()

    def _hint(self, row: _Row, text: str) -> None:
        row.hint.setText(text)
        row.hint.show()
        self.footer.setText(f"<span style='{HINT_STYLE}'>{text}</span>")

    def _unhint(self, row: _Row) -> None:
        if row.hint.isVisibleTo(self.body):
            row.hint.hide()
        self._footer_for(row)

    def _footer_for(self, row: _Row | None) -> None:
        self.footer.setText(f"{row.item.code}　允许 {row.item.allowed_text()}　　{KEYS_HINT}"
                            if row is not None else KEYS_HINT)

    def _commit(self, row: _Row, *, revert: bool = False, quiet: bool = False) -> bool:
        """Validate and save what the user entered in `row`; False when refused.

        `revert`: on refusal show the stored value again (leaving the item); `quiet`: a
        timed save that skips invalid text (its hint already shows) without reverting.
        """
        editor = row.editor
        if isinstance(editor, SpinEditor):
            editor.save_timer.stop()
        code = row.item.code
        # a save waiting for another writer runs a modal dialog (busy_wait), whose focus
        # change would commit the same typing again on top of the first save
        if not editor.dirty or self.read_only or code in self._saving:
            return True
        self._saving.add(code)
        try:
            return self._commit_now(row, editor, code, revert=revert, quiet=quiet)
        finally:
            self._saving.discard(code)

    def _commit_now(self, row: _Row, editor: LeafEditor, code: str, *, revert: bool,
                    quiet: bool) -> bool:
        raw = editor.raw()
        try:
            value = None if raw is None else parse_leaf_value(row.item, raw)
        except ValueRefused as exc:
            if quiet:
                return False
            error: str | None = f"“{raw}”未保存：{exc.problem.reason}"
        else:
            if self.values.get(code) == value:  # unchanged (or still not scored)
                error = None
            else:
                error = self.saver(code, value) if self.saver else "请先选择评分人"
        if error:
            self._hint(row, error)
            if revert:
                editor.load(self.values.get(code))
                self.live.pop(code, None)
                self._update_preview()
            return False
        if value is None:
            self.values.pop(code, None)
        else:
            self.values[code] = value
        self.live.pop(code, None)
        if quiet:  # a timed save while typing: leave the text and the cursor alone
            editor.dirty = False
        else:
            editor.load(value)
        self._unhint(row)
        self._update_preview()
        return True

    def _commit_remark(self, row: _Row) -> bool:
        text = row.remark.text().strip()
        code = row.item.code
        if self.read_only or text == self.remarks.get(code, ""):
            return True
        error = self.remark_saver(code, text) if self.remark_saver else "请先选择评分人"
        if error:
            self._hint(row, error)
            row.remark.setText(self.remarks.get(code, ""))
            return False
        self.remarks[code] = text
        self._unhint(row)
        return True

    def commit_focused(self) -> bool:
        """Save what is being typed in the focused item (before switching subjects)."""
        focus = self.focusWidget()
        for row in self.rows:
            if focus is row.editor.widget:
                return self._commit(row)
            if focus is row.remark:
                return self._commit_remark(row)
        return True

    # ------------------------------------------------------------------ keyboard
    def _typed_rows(self) -> list[int]:
        """Indexes of the items a user types in (derived items come from data)."""
        return [row.index for row in self.rows if not row.derived] or \
            [row.index for row in self.rows]

    def first_item(self) -> int:
        return (self._typed_rows() or [0])[0]

    def last_item(self) -> int:
        return (self._typed_rows() or [0])[-1]

    def _neighbour(self, index: int, delta: int) -> int | None:
        """The next (+1) or previous (−1) item a user types in, None past either end."""
        typed = self._typed_rows()
        found = [i for i in typed if (i > index if delta > 0 else i < index)]
        if not found:
            return None
        return found[0] if delta > 0 else found[-1]

    def focus_item(self, index: int) -> None:
        if not self.rows:
            return
        row = self.rows[max(0, min(index, len(self.rows) - 1))]
        row.editor.widget.setFocus(Qt.FocusReason.TabFocusReason)
        self.scroll.ensureWidgetVisible(row.editor.widget, 0, 60)
        if isinstance(row.editor, SpinEditor):
            row.editor.spin.selectAll()

    def _select_refused(self, row: _Row, is_remark: bool) -> None:
        """Keep the refused text in view, selected: the next keystrokes replace it."""
        if is_remark:
            row.remark.selectAll()
        elif isinstance(row.editor, SpinEditor):
            row.editor.spin.selectAll()

    def _row_of(self, obj: QObject) -> tuple[_Row | None, bool]:
        for row in self.rows:
            if obj is row.editor.widget:
                return row, False
            if obj is row.remark:
                return row, True
        return None, False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.FocusOut, QEvent.Type.FocusIn):
            return False
        row, is_remark = self._row_of(obj)
        if row is None:
            return False
        if kind == QEvent.Type.FocusIn:
            self.current = row.index
            if row.hint.isVisibleTo(self.body):
                self._hint(row, row.hint.text())
            else:
                self._footer_for(row)
            return False
        if kind == QEvent.Type.FocusOut:
            assert isinstance(event, QFocusEvent)
            if event.reason() != Qt.FocusReason.PopupFocusReason:
                if is_remark:
                    self._commit_remark(row)
                else:
                    self._commit(row, revert=True)
            return False
        assert isinstance(event, QKeyEvent)
        return self._key(row, is_remark, event)

    def _key(self, row: _Row, is_remark: bool, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        ctrl = mods & Qt.KeyboardModifier.ControlModifier
        commit = (lambda: self._commit_remark(row)) if is_remark else (lambda: self._commit(row))
        if ctrl and key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            if commit():
                self.subject_step.emit(1 if key == Qt.Key.Key_PageDown else -1)
            else:
                self._select_refused(row, is_remark)
            return True
        if ctrl or mods & Qt.KeyboardModifier.AltModifier:
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
            if commit():
                following = self._neighbour(row.index, +1)
                if following is not None:
                    self.focus_item(following)
                else:
                    self.footer.setText("已是最后一项。按 Ctrl+PgDn 转到下一个对象的第一项。")
            else:
                self._select_refused(row, is_remark)
            return True
        if key == Qt.Key.Key_Backtab:
            if commit():
                previous = row.index if is_remark else self._neighbour(row.index, -1)
                if previous is not None:
                    self.focus_item(previous)
            else:
                self._select_refused(row, is_remark)
            return True
        if is_remark:
            if key == Qt.Key.Key_Escape:
                row.remark.setText(self.remarks.get(row.item.code, ""))
                self.focus_item(row.index)
                return True
            return False
        if key == Qt.Key.Key_F2:
            row.remark.setFocus(Qt.FocusReason.ShortcutFocusReason)
            row.remark.selectAll()
            return True
        if key == Qt.Key.Key_Escape and (row.editor.dirty or row.hint.isVisibleTo(self.body)):
            row.editor.load(self.values.get(row.item.code))
            self.live.pop(row.item.code, None)
            self._unhint(row)
            self._update_preview()
            return True
        if key == Qt.Key.Key_Delete and not isinstance(row.editor, SpinEditor) \
                and not self.read_only:
            row.editor.load(None)
            row.editor.dirty = True
            self._commit(row, revert=True)
            return True
        return False
