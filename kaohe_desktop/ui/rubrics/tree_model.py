"""The rubric's items as a tree model over the editor's working dict, and its delegate.

The model edits the item dicts of the working rubric (the JSON form) in place; it
never decides what is valid. The page validates through the domain after every edit
and hands the outcome back with `show_check`, which colours items with problems and
parents that do not add up. Structural changes (insert, move, remove) are made on the
dict by `domain.rubric_edit` and followed by `rebuild()`; indexes do not survive it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QRegularExpressionValidator
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QStyle, QStyledItemDelegate, QWidget

from kaohe_desktop.domain import rubric_edit
from kaohe_desktop.domain.metric_rules import MEASURES, is_metric_rule
from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.rubric import KIND_NAMES, ItemKind
from kaohe_desktop.domain.rubric_edit import Check, Gap

COLUMNS = ("编号", "项目", "满分", "评分方式", "步长", "权重", "说明")
CODE, TITLE, MAX, KIND, STEP, WEIGHT, DESCRIPTION = range(len(COLUMNS))
PROBLEM_COLOR = QColor("#c62828")
NUMBER = QRegularExpression(r"^\s*\d*([.．]\d*)?\s*$")

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()  # the invisible root, as a default argument


class _Node:
    __slots__ = ("children", "item", "parent", "row")

    def __init__(self, item: dict[str, Any], parent: _Node | None, row: int) -> None:
        self.item = item
        self.parent = parent
        self.row = row
        self.children = [_Node(c, self, n) for n, c in enumerate(item.get("children") or [])]


def _problem_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def _number_text(value: object) -> str:
    try:
        return shown(to_decimal(value))
    except ValueError:
        return str(value)


def gap_text(gap: Gap) -> str:
    diff = gap.difference
    more = f"下级合计少 {shown(diff)} 分" if diff > 0 else f"下级合计多 {shown(-diff)} 分"
    return f"满分 {shown(gap.maximum)}，下级合计 {shown(gap.total)}，{more}"


def kind_text(item: dict[str, Any]) -> str:
    if item.get("children"):
        return rubric_edit.COMBINE_NAMES.get(str(item.get("combine", "sum")), "下级合计")
    try:
        kind = ItemKind(str(item.get("kind", "points")))
    except ValueError:
        return str(item.get("kind"))
    if kind == ItemKind.LEVEL:
        return f"等次（{len(item.get('levels') or [])} 档）"
    measure = MEASURES.get(str((item.get("rule") or {}).get("measure"))) \
        if is_metric_rule(item.get("rule")) else None
    return f"数据：{measure.label}" if measure else KIND_NAMES[kind]


def _weighted(node: _Node) -> bool:
    """Whether the item counts by weight: its parent adds up Σ weight × max."""
    return node.parent is not None and node.parent.item.get("combine") == "weighted"


def has_step(item: dict[str, Any]) -> bool:
    return not item.get("children") and str(item.get("kind", "points")) in (
        ItemKind.POINTS, ItemKind.DERIVED)


class RubricTreeModel(QAbstractItemModel):
    edited = Signal()  # a cell was changed through setData
    refused = Signal(str)  # an edit was refused, in Chinese

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.raw: dict[str, Any] = {"items": []}
        self.read_only = False
        self._roots: list[_Node] = []
        self._check = Check(None)
        self._gaps: dict[str, Gap] = {}

    # ------------------------------------------------------------------ loading
    def set_rubric(self, raw: dict[str, Any], read_only: bool) -> None:
        self.raw = raw
        self.read_only = read_only
        self.rebuild()

    def rebuild(self) -> None:
        """Re-read the tree after a structural change of the dict."""
        self.beginResetModel()
        self._roots = [_Node(i, None, n) for n, i in enumerate(self.raw.get("items") or [])]
        self.endResetModel()

    def show_check(self, check: Check, gaps: dict[str, Gap]) -> None:
        self._check, self._gaps = check, gaps
        self._changed_below(QModelIndex())

    def _changed_below(self, parent: QModelIndex) -> None:
        rows = self.rowCount(parent)
        if not rows:
            return
        self.dataChanged.emit(self.index(0, 0, parent), self.index(rows - 1, len(COLUMNS) - 1, parent),
                              [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole])
        for row in range(rows):
            self._changed_below(self.index(row, 0, parent))

    # ------------------------------------------------------------------ lookup
    def _node(self, index: Index) -> _Node | None:
        return index.internalPointer() if index.isValid() else None

    def item_at(self, index: Index) -> dict[str, Any] | None:
        node = self._node(index)
        return node.item if node else None

    def code_at(self, index: Index) -> str | None:
        item = self.item_at(index)
        return str(item.get("code", "")) if item is not None else None

    def index_of(self, code: str) -> QModelIndex:
        def visit(nodes: list[_Node]) -> _Node | None:
            for node in nodes:
                if str(node.item.get("code", "")) == code:
                    return node
                found = visit(node.children)
                if found:
                    return found
            return None

        node = visit(self._roots)
        return self.createIndex(node.row, 0, node) if node else QModelIndex()

    def problems_at(self, code: str) -> list[str]:
        lines = [gap_text(self._gaps[code])] if code in self._gaps else []
        return lines + [p.reason for p in self._check.about(code)
                        if not p.reason.startswith("上级项目满分")]

    # ------------------------------------------------------------------ structure
    def index(self, row: int, column: int, parent: Index = _TOP) -> QModelIndex:
        nodes = self._children(parent)
        if not 0 <= row < len(nodes) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, nodes[row])

    def parent(self, index: Index = _TOP) -> QModelIndex:  # type: ignore[override]
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def _children(self, parent: Index) -> list[_Node]:
        node = self._node(parent)
        return node.children if node else self._roots

    def rowCount(self, parent: Index = _TOP) -> int:
        if parent.isValid() and parent.column() > 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: Index = _TOP) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    # ------------------------------------------------------------------ data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        item, column = node.item, index.column()
        code = str(item.get("code", ""))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(node, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(PROBLEM_COLOR) if self.problems_at(code) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node, column, code)
        if role == Qt.ItemDataRole.FontRole and item.get("children"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == CODE and self.problems_at(code):
            return _problem_icon()  # still visible on a selected (highlighted) row
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (MAX, STEP, WEIGHT):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, node: _Node, column: int) -> str:
        item = node.item
        if column == CODE:
            return str(item.get("code", ""))
        if column == TITLE:
            return str(item.get("title", ""))
        if column == MAX:
            return _number_text(item.get("max", ""))
        if column == KIND:
            return kind_text(item)
        if column == STEP:
            return _number_text(item.get("step", 0.1)) if has_step(item) else ""
        if column == WEIGHT:
            return _number_text(item.get("weight", 1)) if _weighted(node) else ""
        return " ".join(str(item.get("description", "")).split())

    def _edit_value(self, node: _Node, column: int) -> str:
        item = node.item
        if column == KIND:
            if item.get("children"):
                return str(item.get("combine", "sum"))
            return str(item.get("kind", "points"))
        if column == DESCRIPTION:
            return str(item.get("description", ""))
        return self._display(node, column)

    def _tooltip(self, node: _Node, column: int, code: str) -> str | None:
        item = node.item
        problems = self.problems_at(code)
        if problems:
            return "\n".join(problems)
        if column == KIND and str(item.get("kind")) == ItemKind.LEVEL and not item.get("children"):
            return "、".join(f"{lv.get('name')}={_number_text(lv.get('points'))}"
                            for lv in item.get("levels") or [])
        if column in (TITLE, DESCRIPTION):
            text = str(item.get("title" if column == TITLE else "description", ""))
            return text or None
        if column == KIND and item.get("children"):
            return "下级合计：满分 = 下级满分之和；加权合计：满分 = Σ 权重 × 下级满分"
        if column == WEIGHT and not _weighted(node):
            return "上级项目的评分方式为“加权合计”时填写"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self._node(index)
        assert node is not None
        item, column = node.item, index.column()
        editable = not self.read_only and (
            column in (CODE, TITLE, MAX, KIND, DESCRIPTION)
            or (column == STEP and has_step(item))
            or (column == WEIGHT and _weighted(node)))
        return flags | Qt.ItemFlag.ItemIsEditable if editable else flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item_at(index)
        if item is None or role != Qt.ItemDataRole.EditRole or self.read_only:
            return False
        column = index.column()
        text = str(value).strip()
        if column == CODE:
            if not text:
                self.refused.emit("编号不能为空")
                return False
            if text != item.get("code") and text in rubric_edit.all_codes(self.raw):
                self.refused.emit(f"编号 {text} 已被其他项目或加减分规则使用")
                return False
            item["code"] = text
        elif column == TITLE:
            item["title"] = text
        elif column in (MAX, STEP):
            try:
                item["max" if column == MAX else "step"] = rubric_edit.to_number(text)
            except ValueError:
                self.refused.emit(f"{COLUMNS[column]}必须是数字：{text}")
                return False
        elif column == KIND and item.get("children"):
            rubric_edit.set_combine(item, text)
            rows = self.rowCount(index.siblingAtColumn(0))
            if rows:  # the children's 权重 cells appear or go
                first = self.index(0, WEIGHT, index.siblingAtColumn(0))
                self.dataChanged.emit(first, first.siblingAtRow(rows - 1))
        elif column == KIND:
            rubric_edit.set_kind(item, ItemKind(text))
        elif column == WEIGHT:
            try:
                weight = rubric_edit.to_number(text)
            except ValueError:
                weight = 0
            if weight <= 0:
                self.refused.emit(f"权重必须是大于 0 的数字：{text}")
                return False
            item["weight"] = weight
        elif column == DESCRIPTION:
            item["description"] = str(value)
        row_start = index.siblingAtColumn(0)
        self.dataChanged.emit(row_start, index.siblingAtColumn(len(COLUMNS) - 1))
        self.edited.emit()
        return True


class RubricItemDelegate(QStyledItemDelegate):
    """A kind picker for 评分方式 (for a parent: how it adds up its children), number-only
    editors for 满分, 步长 and 权重."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        if index.column() == KIND:
            combo = QComboBox(parent)
            item = index.model().item_at(index)
            names = rubric_edit.COMBINE_NAMES if item and item.get("children") else KIND_NAMES
            for kind, name in names.items():
                combo.addItem(name, str(kind))
            combo.activated.connect(lambda _=0, c=combo: self._commit(c))
            return combo
        editor = super().createEditor(parent, option, index)
        if index.column() in (MAX, STEP, WEIGHT) and isinstance(editor, QLineEdit):
            editor.setValidator(QRegularExpressionValidator(NUMBER, editor))
        return editor

    def _commit(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)
