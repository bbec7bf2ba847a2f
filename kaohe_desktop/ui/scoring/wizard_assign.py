"""The wizard's 评分分工 page: which subjects and which rubric items each group scores
(a tri-state tree of the rubric's top items and sections beside the subject list).

Kept apart from the wizard's other pages so each module stays readable on its own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWizardPage,
)

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.services import rubrics
from kaohe_desktop.services.database import Database

from .check_list import CheckList

ITEM_CODE = Qt.ItemDataRole.UserRole + 1  # a tree row's rubric item code


class ItemTree(QTreeWidget):
    """The rubric's top items and their sections as a checkable tree: a parent's box
    follows its children (tri-state), so ticking 1 takes 1.1, 1.2 … and ticking one
    section leaves the parent partly ticked. Space toggles the current row."""

    def __init__(self) -> None:
        super().__init__()
        self.setHeaderLabels(["项目", "满分"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def set_rubric(self, rubric: Rubric) -> None:
        self.clear()
        for top in rubric.items:
            node = self._node(self, top.code, top.title, shown(top.max))
            for child in top.children:  # sections; deeper levels come with their section
                self._node(node, child.code, child.title, shown(child.max))
        self.expandAll()

    @staticmethod
    def _node(parent: QTreeWidget | QTreeWidgetItem, code: str, title: str,
              points: str) -> QTreeWidgetItem:
        node = QTreeWidgetItem(parent, [f"{code}　{title}", points])
        node.setData(0, ITEM_CODE, code)
        node.setToolTip(0, f"{code} {title}")
        node.setFlags(node.flags() | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsAutoTristate)
        node.setCheckState(0, Qt.CheckState.Checked)
        return node

    def _nodes(self) -> list[QTreeWidgetItem]:
        out = []
        it = QTreeWidgetItemIterator(self)
        while it.value():
            out.append(it.value())
            it += 1
        return out

    def ticked(self) -> set[str]:
        """The codes of the ticked rows without children (the tree's own leaves)."""
        return {n.data(0, ITEM_CODE) for n in self._nodes()
                if n.childCount() == 0 and n.checkState(0) == Qt.CheckState.Checked}

    def set_ticked(self, codes: set[str]) -> None:
        for n in self._nodes():
            if n.childCount() == 0:
                n.setCheckState(0, Qt.CheckState.Checked if n.data(0, ITEM_CODE) in codes
                                else Qt.CheckState.Unchecked)

    def all_codes(self) -> set[str]:
        return {n.data(0, ITEM_CODE) for n in self._nodes() if n.childCount() == 0}

    def item_codes(self, ticked: set[str]) -> tuple[str, ...]:
        """The shortest list of codes for `ticked` rows: a fully ticked top item by its own
        code, a partly ticked one by its ticked sections; () when everything is ticked."""
        if ticked >= self.all_codes():
            return ()
        out: list[str] = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            kids = [top.child(j).data(0, ITEM_CODE) for j in range(top.childCount())]
            if not kids:
                if top.data(0, ITEM_CODE) in ticked:
                    out.append(top.data(0, ITEM_CODE))
            elif all(k in ticked for k in kids):
                out.append(top.data(0, ITEM_CODE))
            else:
                out.extend(k for k in kids if k in ticked)
        return tuple(out)


class AssignPage(QWizardPage):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setTitle("评分分工")
        self.setSubTitle("每个评分组负责哪些对象（交叉考核时各组只评其他片区）和细则的哪些项目"
                         "（如第5项由街道工委评），默认全部。")
        self.group_list = QListWidget()
        self.group_list.setMaximumWidth(180)
        self.checks = CheckList()
        self.tree = ItemTree()
        self.items_label = QLabel()
        self.chosen: dict[str, set[str]] = {}
        self.chosen_items: dict[str, set[str]] = {}
        self.items: list[tuple[str, str]] = []
        self._shown_group: str | None = None
        self._rubric: tuple[str, int] | None = None
        groups = QVBoxLayout()
        groups.addWidget(QLabel("评分组"))
        groups.addWidget(self.group_list, 1)
        subjects = QVBoxLayout()
        subjects.addWidget(QLabel("负责的对象"))
        subjects.addWidget(self.checks, 1)
        items = QVBoxLayout()
        items.addWidget(QLabel("负责的项目"))
        items.addWidget(self.tree, 1)
        items.addWidget(self.items_label)
        layout = QHBoxLayout(self)
        layout.addLayout(groups)
        layout.addLayout(subjects, 2)
        layout.addLayout(items, 3)  # item titles are long; subjects' codes say enough
        self.group_list.currentTextChanged.connect(self._show_group)
        self.checks.changed.connect(self._remember)
        self.tree.itemChanged.connect(self._remember_items)

    def initializePage(self) -> None:
        wizard = self.wizard()
        codes = wizard.subjects_page.codes()
        labels = dict(wizard.subjects_page.checks.items())
        self.items = [(c, labels.get(c, c)) for c in codes]
        names = [n for n, _ in wizard.groups_page.specs()]
        everything = set(codes)
        self.chosen = {n: (self.chosen.get(n, everything) & everything) or set(everything)
                       for n in names}
        info = wizard.rubric_page.rubric()
        key = (info.code, info.version) if info else None
        if key is not None and key != self._rubric:  # another rubric: its own items, all ticked
            self.tree.blockSignals(True)
            self.tree.set_rubric(rubrics.get_rubric(self.db, *key))
            self.tree.blockSignals(False)
            self.chosen_items = {}
            self._rubric = key
        all_items = self.tree.all_codes()
        self.chosen_items = {n: (self.chosen_items.get(n, all_items) & all_items) or set(all_items)
                             for n in names}
        self._shown_group = None
        self.group_list.clear()
        self.group_list.addItems(names)
        self.group_list.setCurrentRow(0)

    def _show_group(self, name: str) -> None:
        self._shown_group = None
        self.checks.set_items(self.items, self.chosen.get(name, set()))
        self.tree.blockSignals(True)
        self.tree.set_ticked(self.chosen_items.get(name, set()))
        self.tree.blockSignals(False)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))  # the keys start from a row
        self._count_items()
        self._shown_group = name or None

    def _remember(self) -> None:
        if self._shown_group is not None:
            self.chosen[self._shown_group] = set(self.checks.checked())
        self.completeChanged.emit()

    def _remember_items(self, *_: object) -> None:
        if self._shown_group is not None:
            self.chosen_items[self._shown_group] = self.tree.ticked()
        self._count_items()
        self.completeChanged.emit()

    def _count_items(self) -> None:
        codes = self.item_codes(self._shown_group or "")
        ticked = self.tree.ticked()
        self.items_label.setText("全部项目" if not codes and ticked else
                                 f"项目 {'、'.join(codes)}" if codes else
                                 "<span style='color:#c0392b'>请至少勾选一个项目。</span>")

    def item_codes(self, group: str) -> tuple[str, ...]:
        """The codes `create_assessment` takes for the group; () for every item."""
        return self.tree.item_codes(self.chosen_items.get(group, self.tree.all_codes()))

    def select_group(self, name: str) -> None:
        items = self.group_list.findItems(name, Qt.MatchFlag.MatchExactly)
        if items:
            self.group_list.setCurrentItem(items[0])

    def isComplete(self) -> bool:
        return all(self.chosen.values()) and all(self.chosen_items.values())
