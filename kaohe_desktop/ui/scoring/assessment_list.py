"""The list of assessments (编号, 名称, 周期, 细则, 对象数, 状态) and its empty state;
rename (F2) and delete (Del) from the buttons, the context menu or the keys."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services.results import AssessmentInfo

from ..help.links import connect_help_links, help_link

EMPTY_TEXT = "还没有考核，点击“新建考核…”开始"
HEADERS = ("编号", "名称", "周期", "细则", "对象数", "状态")
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class AssessmentTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[AssessmentInfo] = []

    def set_items(self, items: list[AssessmentInfo]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (a.id, a.name, a.period_label, f"{a.rubric_code}（第 {a.rubric_version} 版）",
                    len(a.subjects), STATE_NAMES[State(a.state)])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return a.id
        return None


class AssessmentList(QWidget):
    open_requested = Signal(int)  # assessment id
    new_requested = Signal()
    rename_requested = Signal(int)  # assessment id
    delete_requested = Signal(int)  # assessment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AssessmentTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableView::item { padding: 2px 8px; }"
                                 "QHeaderView::section { padding: 3px 8px; }")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self._open())
        self.table.activated.connect(lambda _: self._open())

        self.empty_label = QLabel(f"{EMPTY_TEXT}<br>{help_link('考核评分', '使用说明：怎样新建考核')}")
        connect_help_links(self.empty_label)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("font-size: 13pt; color: #555;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.new_button = QPushButton("新建考核…")
        self.open_button = QPushButton("录入评分")
        self.open_button.setDefault(True)
        self.rename_button = QPushButton("重命名…")
        self.delete_button = QPushButton("删除…")
        self.rename_button.setToolTip("修改考核名称（F2）；已审议、已公示的考核已锁定，不能修改")
        self.delete_button.setToolTip("删除考核（Del）；有评分时先确认，并在删除前备份数据库")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self._open)
        self.rename_button.clicked.connect(lambda: self._emit(self.rename_requested))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        # the keys act on the table (where the selection is), and the same actions make
        # its context menu
        self.rename_action = QAction("重命名…", self.table)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.delete_action = QAction("删除…", self.table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        for action, signal in ((self.rename_action, self.rename_requested),
                               (self.delete_action, self.delete_requested)):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, signal=signal: self._emit(signal))
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        title = QLabel("考核评分")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.rename_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.open_button)
        hint = QLabel("双击一项考核或选中后按 Enter，即可逐项录入评分、登记加减分、导入评分表；"
                      "F2 重命名，Del 删除。")
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(hint)
        layout.addWidget(self.stack, 1)

    def set_items(self, items: list[AssessmentInfo]) -> None:
        selected = self.selected_id()
        self.model.set_items(items)
        self.stack.setCurrentWidget(self.table if items else self.empty_label)
        for button in (self.open_button, self.rename_button, self.delete_button):
            button.setEnabled(bool(items))
        if items:  # keep the selection; after a deletion, the newest
            ids = {a.id for a in items}
            self.select(selected if selected in ids else items[-1].id)

    def select(self, assessment_id: int) -> None:
        for row, a in enumerate(self.model.items):
            if a.id == assessment_id:
                self.table.selectRow(row)
                return

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.items[rows[0].row()].id if rows else None

    def _open(self) -> None:
        self._emit(self.open_requested)

    def _emit(self, signal: Signal) -> None:
        selected = self.selected_id()
        if selected is not None:
            signal.emit(selected)

    def _menu(self, pos: QPoint) -> None:
        row = self.table.indexAt(pos).row()
        if row < 0:
            return
        self.table.selectRow(row)
        self.menu = QMenu(self.table)  # kept, so that a test can reach the open menu
        self.menu.addAction(self.rename_action)
        self.menu.addAction(self.delete_action)
        self.menu.popup(self.table.viewport().mapToGlobal(pos))
