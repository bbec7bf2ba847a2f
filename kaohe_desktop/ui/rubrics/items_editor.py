"""评分项目 tab: the item tree with its toolbar, the running sum and the levels panel.

Edits the `items` of the rubric's working dict in place (cells through the model,
structure through `domain.rubric_edit`) and emits `edited`; it does not validate. The
page validates through the domain and hands the outcome back with `show_check`.
Which items are collapsed is remembered across rebuilds (by code) until `load` is
told the rubric changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain import rubric_edit
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric_edit import Check

from .levels_editor import LevelsEditor, number_text
from .metric_editor import MetricEditor
from .tree_model import COLUMNS, TITLE, RubricItemDelegate, RubricTreeModel

COLUMN_WIDTHS = {0: 110, 1: 360, 2: 52, 3: 92, 4: 48, 5: 48}

Operation = Callable[[str | None], str | None]  # current code → code to select, None: no change


class RubricTreeView(QTreeView):
    """Tab and Shift+Tab (also while a cell is being edited) go along the item's row —
    编号 → 项目 → 满分 → 评分方式 … — over the cells that can be edited. Past the row's
    last cell Tab goes on to the next item's 项目 (its title, what one types next), never
    to its 编号; Shift+Tab before the first cell goes back to the previous item's last."""

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if action not in (QAbstractItemView.CursorAction.MoveNext,
                          QAbstractItemView.CursorAction.MovePrevious):
            return super().moveCursor(action, modifiers)
        current = self.currentIndex()
        if not current.isValid():
            return super().moveCursor(action, modifiers)
        forward = action == QAbstractItemView.CursorAction.MoveNext
        columns = range(current.column() + 1, len(COLUMNS)) if forward \
            else range(current.column() - 1, -1, -1)
        for column in columns:
            cell = current.siblingAtColumn(column)
            if cell.flags() & Qt.ItemFlag.ItemIsEditable:
                return cell
        row = self.indexBelow(current.siblingAtColumn(0)) if forward \
            else self.indexAbove(current.siblingAtColumn(0))
        if not row.isValid():
            return current  # stay at the first or last cell of the tree
        if forward:
            return row.siblingAtColumn(TITLE)
        editable = [c for c in range(len(COLUMNS))
                    if row.siblingAtColumn(c).flags() & Qt.ItemFlag.ItemIsEditable]
        return row.siblingAtColumn(editable[-1] if editable else TITLE)


class ItemsEditor(QWidget):
    edited = Signal()
    message = Signal(str, bool)  # text, is it an error

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.raw: dict[str, Any] = {"items": []}
        self.read_only = True  # until a rubric is loaded
        self._collapsed: set[str] = set()
        self._restoring = False
        self.add_sibling_button = QPushButton("添加同级")
        self.add_child_button = QPushButton("添加下级")
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.outdent_button = QPushButton("← 升级")
        self.indent_button = QPushButton("降级 →")
        self.renumber_button = QPushButton("重新编号")
        self.up_button.setToolTip("Alt+↑")
        self.down_button.setToolTip("Alt+↓")
        self.outdent_button.setToolTip("移到上级项目之后，成为与上级同级的项目（Alt+←）")
        self.indent_button.setToolTip("成为上一个同级项目的下级（Alt+→）")
        self.renumber_button.setToolTip("按当前位置把编号改为 1、1.1、1.1.1 …")
        self.tool_buttons = (self.add_sibling_button, self.add_child_button, self.remove_button,
                             self.up_button, self.down_button, self.outdent_button, self.indent_button,
                             self.renumber_button)
        toolbar = QHBoxLayout()
        for button in self.tool_buttons:
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        self.add_sibling_button.clicked.connect(lambda: self._structural(self._add_sibling))
        self.add_child_button.clicked.connect(lambda: self._structural(self._add_child))
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self._structural(lambda c: self._move(c, -1)))
        self.down_button.clicked.connect(lambda: self._structural(lambda c: self._move(c, +1)))
        self.indent_button.clicked.connect(lambda: self._structural(self._indent))
        self.outdent_button.clicked.connect(lambda: self._structural(self._outdent))
        self.renumber_button.clicked.connect(self.renumber)
        for keys, button in (("Alt+Up", self.up_button), ("Alt+Down", self.down_button),
                             ("Alt+Right", self.indent_button), ("Alt+Left", self.outdent_button)):
            QShortcut(QKeySequence(keys), self, button.click,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.model = RubricTreeModel(self)
        self.tree = RubricTreeView()
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(RubricItemDelegate(self.tree))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.model.edited.connect(self._cell_edited)
        self.model.refused.connect(lambda text: self.message.emit(text, True))
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._current_changed())
        self.tree.collapsed.connect(lambda index: self._track_expansion(index, False))
        self.tree.expanded.connect(lambda index: self._track_expansion(index, True))

        self.sum_label = QLabel()
        self.levels_editor = LevelsEditor()
        self.levels_editor.hide()
        self.levels_editor.edited.connect(self.edited)
        self.metric_editor = MetricEditor()
        self.metric_editor.hide()
        self.metric_editor.edited.connect(self._metric_edited)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.sum_label)
        layout.addWidget(self.levels_editor)
        layout.addWidget(self.metric_editor)

    # ------------------------------------------------------------------ loading
    def load(self, raw: dict[str, Any], read_only: bool, same_rubric: bool) -> None:
        """Show `raw`'s items; keeps the selection and collapsed items when `same_rubric`."""
        if not same_rubric:
            self._collapsed = set()
        current = self.current_code() if same_rubric else None
        self.raw = raw
        self.model.raw = raw
        self.read_only = self.model.read_only = read_only
        self._rebuild(current)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.model.read_only = read_only
        self._current_changed()

    def show_check(self, check: Check) -> None:
        self.model.show_check(check, rubric_edit.sum_gaps(self.raw))
        self.levels_editor.show_check(check)
        self.metric_editor.show_check(check)
        total = rubric_edit.top_total(self.raw)
        full_text = number_text(self.raw.get("full_marks", 100))
        text = f"各项合计 {shown(total)} / 满分 {full_text}"
        if shown(total) != full_text:
            self.sum_label.setText(f"<span style='color:#c62828'><b>{text}</b>（不相等）</span>")
        else:
            self.sum_label.setText(f"<b>{text}</b>")

    def _rebuild(self, select: str | None = None) -> None:
        self._restoring = True
        self.model.rebuild()
        self.tree.expandAll()
        for code in self._collapsed:
            index = self.model.index_of(code)
            if index.isValid():
                self.tree.collapse(index)
        self._restoring = False
        index = self.model.index_of(select) if select else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        self._current_changed()

    def _track_expansion(self, index: QModelIndex, expanded: bool) -> None:
        code = self.model.code_at(index)
        if self._restoring or code is None:
            return
        if expanded:
            self._collapsed.discard(code)
        else:
            self._collapsed.add(code)

    # ------------------------------------------------------------------ selection
    def current_code(self) -> str | None:
        return self.model.code_at(self.tree.currentIndex())

    def select(self, code: str) -> None:
        index = self.model.index_of(code)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def item(self, code: str | None) -> dict[str, Any] | None:
        if not code:
            return None
        try:
            return rubric_edit.find_item(self.raw, code)
        except KeyError:
            return None

    def _current_changed(self) -> None:
        code = self.current_code()
        self.levels_editor.load_item(self.item(code), self.read_only)
        self.metric_editor.load_item(self.item(code), self.read_only)
        editable = not self.read_only
        siblings: list[dict[str, Any]] = []
        index, parent = -1, None
        if code is not None:
            try:
                siblings, index, parent = rubric_edit.locate(self.raw, code)
            except KeyError:  # the tree still shows an older dict
                code = None
        for button in (self.add_sibling_button, self.add_child_button, self.renumber_button):
            button.setEnabled(editable)
        self.remove_button.setEnabled(editable and code is not None)
        self.up_button.setEnabled(editable and index > 0)
        self.down_button.setEnabled(editable and 0 <= index < len(siblings) - 1)
        self.indent_button.setEnabled(editable and index > 0)
        self.outdent_button.setEnabled(editable and parent is not None)

    # ------------------------------------------------------------------ editing
    def _cell_edited(self) -> None:
        self._current_changed()  # its kind may have changed: show or hide its levels
        self.edited.emit()

    def _metric_edited(self) -> None:
        index = self.tree.currentIndex()  # the 评分方式 cell names the measure
        self.model.dataChanged.emit(index.siblingAtColumn(0),
                                    index.siblingAtColumn(len(COLUMNS) - 1))
        self.edited.emit()

    def _structural(self, operation: Operation) -> None:
        if self.read_only:
            return
        select = operation(self.current_code())
        if select is None:
            return
        self._rebuild(select)
        self.edited.emit()

    def _add_sibling(self, code: str | None) -> str:
        new = rubric_edit.add_sibling(self.raw, code) if code else rubric_edit.add_child(self.raw, None)
        self._edit_title_soon(new)
        return new

    def _add_child(self, code: str | None) -> str:
        new = rubric_edit.add_child(self.raw, code)
        if code is not None:
            self._collapsed.discard(code)
        self._edit_title_soon(new)
        return new

    def _edit_title_soon(self, code: str) -> None:
        """Open the new item's title for typing once the tree has settled."""

        def start() -> None:
            index = self.model.index_of(code)
            if index.isValid() and self.isVisible():
                self.tree.edit(index.siblingAtColumn(TITLE))

        QTimer.singleShot(0, start)

    def _move(self, code: str | None, delta: int) -> str | None:
        return code if code and rubric_edit.move_item(self.raw, code, delta) else None

    def _indent(self, code: str | None) -> str | None:
        if not code or not rubric_edit.indent_item(self.raw, code):
            return None
        parent = rubric_edit.locate(self.raw, code)[2]
        if parent is not None:
            self._collapsed.discard(str(parent.get("code")))
        return code

    def _outdent(self, code: str | None) -> str | None:
        return code if code and rubric_edit.outdent_item(self.raw, code) else None

    def remove_item(self) -> None:
        code = self.current_code()
        item = self.item(code)
        if item is None or code is None or self.read_only:
            return
        below = sum(1 for _ in rubric_edit.walk({"items": item.get("children") or []}))
        if below and QMessageBox.question(
                self, "删除项目",
                f"删除“{code} {item.get('title', '')}”及其 {below} 个下级项目？\n（保存前可用“放弃修改”撤回）"
        ) != QMessageBox.StandardButton.Yes:
            return

        def remove(_: str | None) -> str:
            siblings, index, parent = rubric_edit.locate(self.raw, code)
            rubric_edit.remove_item(self.raw, code)
            neighbour = siblings[min(index, len(siblings) - 1)] if siblings else parent
            return str(neighbour.get("code", "")) if neighbour else ""

        self._structural(remove)

    def renumber(self) -> None:
        if self.read_only:
            return
        current = self.current_code()
        changed = rubric_edit.renumber(self.raw)
        self._rebuild(changed.get(current or "", current))
        self.edited.emit()
        self.message.emit(f"已重新编号 {len(changed)} 个项目" if changed else "编号已与位置一致", False)
