"""结果运用: which documents follow each grade, and for whom (the rubric's consequences).

One row per consequence: 等次 (one of the rubric's grades), 文书 (KIND_NAMES), 发给
(RECIPIENT_NAMES) and 依据/说明 (the rubric text's words, printed as the reason). The
first three are picked from lists, so a row can only name what the domain knows; the
words stand for the keys stored in the JSON ("certificate", "head" …).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QComboBox, QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from kaohe_desktop.domain.consequences import (
    KIND_NAMES,
    RECIPIENT_NAMES,
    Consequence,
    consequences_from_raw,
)
from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.domain.rubric_edit import Check

from .table_editor import Entry, TableEditor
from .tree_model import PROBLEM_COLOR

GRADE, KIND, RECIPIENT, NOTE = range(4)
_KIND_KEYS = {name: key for key, name in KIND_NAMES.items()}
_RECIPIENT_KEYS = {name: key for key, name in RECIPIENT_NAMES.items()}
HINT = ("按细则原文填写：评为某一等次的对象发哪种文书、发给谁。原文没有规定的等次不填，不发任何文书。"
        "负责人：名册中标记为负责人者，否则岗位为站长或主任者。依据/说明写原文的话，作为发文理由印出。")

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a drop-down of `choices(column)`; a column without choices
    (an empty list) is edited as text. Picking an item commits it at once."""

    def __init__(self, choices: Callable[[int], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        options = self.choices(index.column())
        if not options:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(options)
        combo.activated.connect(lambda _=0: self._picked(combo))
        return combo

    def _picked(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            # An unknown word (a hand-edited JSON) selects nothing rather than the first
            # item, so it is not replaced unless the user picks one.
            editor.setCurrentIndex(editor.findText(str(index.data() or "")))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            if editor.currentIndex() >= 0:
                model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


class ConsequencesEditor(TableEditor):
    headers = ("等次", "文书", "发给", "依据/说明")
    stretch_column = NOTE
    fit_rows = 6
    add_text = "添加结果运用"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("结果运用", parent)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        self.body.insertWidget(0, hint)
        self.body.addStretch(1)
        self.delegate = ChoiceDelegate(self._choices, self.table)
        self.table.setItemDelegate(self.delegate)
        header = self.table.horizontalHeader()
        for column, width in ((GRADE, 110), (KIND, 150), (RECIPIENT, 120)):
            header.setSectionResizeMode(column, header.ResizeMode.Interactive)
            header.resizeSection(column, width)

    def grade_names(self) -> list[str]:
        scale = (self.raw.get("grades") or {}).get("scale") or []
        return [str(band.get("name", "")) for band in scale if band.get("name")]

    def _choices(self, column: int) -> list[str]:
        if column == GRADE:
            return self.grade_names()
        if column == KIND:
            return list(KIND_NAMES.values())
        if column == RECIPIENT:
            return list(RECIPIENT_NAMES.values())
        return []

    # ------------------------------------------------------------------ TableEditor hooks
    def entries(self) -> list[Entry]:
        return self.raw.setdefault("consequences", [])

    def cells(self, entry: Entry) -> list[str]:
        kind = str(entry.get("kind", ""))
        recipient = str(entry.get("recipient", "subject"))
        return [str(entry.get("grade", "")), KIND_NAMES.get(kind, kind),
                RECIPIENT_NAMES.get(recipient, recipient), str(entry.get("note", ""))]

    def apply(self, entry: Entry, column: int, text: str) -> None:
        if column == GRADE:
            entry["grade"] = text
        elif column == KIND:
            entry["kind"] = _KIND_KEYS.get(text, text)  # unknown words stay for the check to name
        elif column == RECIPIENT:
            entry["recipient"] = _RECIPIENT_KEYS.get(text, text)
        elif text:
            entry["note"] = text
        else:
            entry.pop("note", None)  # as consequences_to_raw writes it: no empty note

    def new_entry(self) -> Entry:
        """The first (grade, document) pair not yet listed, to the assessed subject."""
        taken = {(e.get("grade"), e.get("kind")) for e in self.entries()}
        grades = self.grade_names() or [""]
        for grade in grades:
            for kind in KIND_NAMES:
                if (grade, kind) not in taken:
                    return {"grade": grade, "kind": kind, "recipient": "subject"}
        return {"grade": grades[0], "kind": next(iter(KIND_NAMES)), "recipient": "subject"}

    # ------------------------------------------------------------------ problems per row
    def show_check(self, check: Check) -> None:
        """Red rows: every domain problem of consequences has the column "consequences",
        so each row is checked on its own here, by the same domain function."""
        names = set(self.grade_names())
        seen: list[Consequence] = []
        self._filling = True
        for row, entry in enumerate(self.entries()):
            problems: list[Problem] = []
            parsed = consequences_from_raw([entry], names, problems)
            if parsed and parsed[0] in seen:
                problems.append(Problem("结果运用重复", column="consequences"))
            seen.extend(parsed)
            reasons = [p.reason + (f"（{p.value}）" if p.value not in (None, "") else "")
                       for p in problems]
            for column in range(self.table.columnCount()):
                cell = self.table.item(row, column)
                if cell is None:
                    continue
                cell.setForeground(QBrush(PROBLEM_COLOR) if reasons else QBrush())
                cell.setToolTip("\n".join(reasons) if reasons else cell.text())
        self._filling = False
