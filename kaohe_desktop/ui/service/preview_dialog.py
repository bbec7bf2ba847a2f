"""导入服务记录 — 预览: what importing a 办件 / 好差评 / 投诉 file would do; nothing is written yet.

The counts (rows read, new, already imported, twice in the file), every cell that could not
be read (file, sheet, row, column, value, reason — in red), and for each person or
window/unit the roster does not have, a choice: a roster person (unit), or 只计入窗口/单位
(按人员所属单位). 确定导入 stays disabled while there is a problem or an open choice;
accepting only says "go": the flow commits (one transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.results import StaffInfo, UnitInfo
from kaohe_desktop.services.service_records import COMPLETES, KIND_NAMES, ServicePreview

from ..common.problem_table import PROBLEM_HEADERS, fill_problems

PICK = "请选择…"
ONLY_UNIT = "只计入窗口/单位"
PERSONS_UNIT = "按人员所属单位"
STATUS = {"unmatched": "名册中没有", "ambiguous": "名册中有同名的几个人"}


def _choices(first: Sequence[tuple[str, str | None]], rest: Sequence[tuple[str, str]],
             parent: QWidget) -> QStandardItemModel:
    """One list shared by every row's combo: 300 unmatched people × 300 staff would be
    90,000 combo items otherwise."""
    model = QStandardItemModel(parent)
    for text, data in (*first, *rest):
        item = QStandardItem(text)
        item.setData(data, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    return model


def _combo(model: QStandardItemModel) -> QComboBox:
    combo = QComboBox()
    combo.setModel(model)
    combo.setCurrentIndex(0)
    return combo


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ServicePreviewDialog(QDialog):
    remap_requested = Signal()

    def __init__(self, parent: QWidget | None, preview: ServicePreview, staff: Sequence[StaffInfo],
                 units: Sequence[UnitInfo], *, mapped: bool = False,
                 remembered: bool = False) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"导入服务记录 — 预览：{preview.file}")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary_label)
        row_height = self.fontMetrics().height() + 14

        self.problems = _table(PROBLEM_HEADERS)
        fill_problems(self.problems, preview.problems)
        self.problems.resizeColumnsToContents()
        if preview.problems:
            layout.addWidget(QLabel(f"无法读取的内容（{len(preview.problems)} 处）："))
            layout.addWidget(self.problems, 2)
        else:
            self.problems.hide()

        self.people = _table(("文件中的人员", "记录数", "情况", "计入"))
        self.people.verticalHeader().setDefaultSectionSize(row_height)
        self.person_combos: dict[str, QComboBox] = {}
        people = _choices(((PICK, None), (ONLY_UNIT, "")),
                          [(f"{p.code} {p.name}（{p.unit_name or '无单位'}）", p.code) for p in staff], self)
        for r, u in enumerate(preview.unmatched):
            self.people.insertRow(r)
            for c, value in enumerate((u.key, str(u.rows), STATUS.get(u.status, u.status))):
                self.people.setItem(r, c, QTableWidgetItem(value))
            combo = _combo(people)
            combo.setToolTip("选名册中的人，这些记录就算在他名下；“只计入窗口/单位”：只算在记录的窗口/单位上，"
                             "没有写窗口/单位的记录不导入")
            combo.currentIndexChanged.connect(self._update)
            self.person_combos[u.key] = combo
            self.people.setCellWidget(r, 3, combo)
        self.people.resizeColumnsToContents()
        self.people.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.units = _table(("文件中的窗口/单位", "计入"))
        self.units.verticalHeader().setDefaultSectionSize(row_height)
        self.unit_combos: dict[str, QComboBox] = {}
        windows = _choices(((PICK, None), (PERSONS_UNIT, "")),
                           [(f"{u.code} {u.name}", u.code) for u in units], self)
        for r, text in enumerate(preview.unmatched_units):
            self.units.insertRow(r)
            self.units.setItem(r, 0, QTableWidgetItem(text))
            combo = _combo(windows)
            combo.setToolTip("选名册中的单位；“按人员所属单位”：算在经办人所在的单位上")
            combo.currentIndexChanged.connect(self._update)
            self.unit_combos[text] = combo
            self.units.setCellWidget(r, 1, combo)
        self.units.resizeColumnsToContents()
        self.units.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        if preview.unmatched:
            layout.addWidget(QLabel(f"名册中对不上的人员（{len(preview.unmatched)} 人）："))
            layout.addWidget(self.people, 2)
        else:
            self.people.hide()
        if preview.unmatched_units:
            layout.addWidget(QLabel(f"名册中对不上的窗口/单位（{len(preview.unmatched_units)} 个）："))
            layout.addWidget(self.units, 1)
        else:
            self.units.hide()
        self.rest_button = QPushButton("其余的都只计入窗口/单位")
        self.rest_button.clicked.connect(self._rest_to_units)
        if self.person_combos or self.unit_combos:
            bulk = QHBoxLayout()
            bulk.addWidget(self.rest_button)
            bulk.addStretch(1)
            layout.addLayout(bulk)
        else:
            self.rest_button.hide()
        if not (preview.problems or preview.unmatched or preview.unmatched_units):
            layout.addStretch(1)

        self.buttons = QDialogButtonBox()
        self.remap_button = self.buttons.addButton("重新指定列…" if mapped else "指定列…",
                                                   QDialogButtonBox.ButtonRole.ResetRole)
        self.remap_button.setToolTip("记录类型或某一列读错了时，自己指定各列")
        self.remap_button.clicked.connect(self._remap)
        self.import_button = self.buttons.addButton("确定导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._mapped, self._remembered = mapped, remembered
        self._update()
        big = preview.problems or preview.unmatched or preview.unmatched_units
        self.resize(*((980, 620) if big else (760, 220)))

    def _rest_to_units(self) -> None:
        """Every person or window nobody has chosen for yet counts for its window/unit only."""
        for combo in (*self.person_combos.values(), *self.unit_combos.values()):
            if combo.currentData() is None:
                combo.setCurrentIndex(1)
        self._update()

    def _remap(self) -> None:
        self.remap_requested.emit()
        self.reject()

    def open_choices(self) -> int:
        return sum(c.currentData() is None
                   for c in (*self.person_combos.values(), *self.unit_combos.values()))

    def choices(self) -> tuple[dict[str, str], dict[str, str]]:
        """(unmatched person → staff code or "", window/unit text → unit code or "")."""
        return ({k: c.currentData() for k, c in self.person_combos.items() if c.currentData() is not None},
                {k: c.currentData() for k, c in self.unit_combos.items() if c.currentData() is not None})

    def blocking(self) -> list[str]:
        """Why 确定导入 is disabled, in words ([] when it is enabled)."""
        out = []
        if self.preview.problems:
            out.append(f"有 {len(self.preview.problems)} 处无法读取的内容（红色列出）："
                       "请在原文件中改正后重新导入")
        if self.open_choices():
            out.append(f"还有 {self.open_choices()} 个人员或窗口/单位没有选择计入谁")
        return out

    def _update(self) -> None:
        p = self.preview
        period = f"，{p.period[0]:%Y-%m-%d}～{p.period[1]:%Y-%m-%d}" if p.period else ""
        how = ("按上次为这种表头保存的列对应读取" if self._remembered
               else "按指定的列读取" if self._mapped else p.layout)
        lines = [f"文件 <b>{p.file}</b>：{KIND_NAMES[p.kind]}记录，工作表{p.sheet_names}，{how}{period}。",
                 f"共读取 <b>{p.rows}</b> 行：新增 <b>{p.new}</b> 条，"
                 + (f"补全已有记录 <b>{len(p.updates)}</b> 条（{COMPLETES[p.kind]}），"
                    if p.updates else "")
                 + f"已导入过 <b>{p.existing}</b> 条"
                 + (f"，文件内重复 {p.duplicates} 条" if p.duplicates else "")
                 + (f"，跳过 {p.skipped} 条非投诉诉求" if p.skipped else "") + "。"]
        if p.imported_before or (not p.new and not p.updates and p.existing):
            lines.append("<span style='color:#b06000'>这个文件以前导入过："
                         "再次导入不会重复添加已有的记录。</span>")
        for sheet, kind in p.other_kinds:  # 办件 and 好差评 in one workbook: one import each
            lines.append(f"工作表“{sheet}”是{KIND_NAMES[kind]}记录，本次未读取：导入后再选这个文件，"
                         "点“指定列…”选该工作表和记录类型。")
        blocking = self.blocking()
        if blocking:
            lines.append("<span style='color:#c5221f'><b>" + "；".join(blocking) + "。</b></span>")
        else:
            lines.append("确认无误后点“确定导入”，全部记录一次写入；此前不会写入任何数据。")
        self.summary_label.setText("<br>".join(lines))
        self.import_button.setEnabled(not blocking)
        self.import_button.setToolTip("；".join(blocking))
        (self.import_button if not blocking else self.cancel_button).setDefault(True)
