"""导入考勤 — 预览: what importing an attendance file would do; nothing is written yet.

Per person of the file: the staff member matched (by 考勤号 / 编号 / 姓名), the days and
punches found and how many are new. A person the roster does not have, or a name several
staff share (同名), gets a choice: 对应到已有人员 / 新建人员（in a unit） / 跳过. Every cell
that could not be read is listed in red (file, sheet, row, column, value, reason).
导入 stays disabled while there is any such problem or an open choice. Accepting only
says "go": the page commits (one transaction, off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.results import ImportPreview, PersonChoice, PersonPreview, StaffInfo, UnitInfo

from ..common.problem_table import PROBLEM_HEADERS, fill_problems
from .models import PeopleModel

FORMAT_NAMES = {
    "dingtalk_raw": "钉钉 原始记录", "dingtalk_report": "钉钉 考勤报表",
    "wecom_daily": "企业微信 日报", "wecom_monthly": "企业微信 月报",
    "zkteco_log": "中控考勤机 考勤记录", "zkteco_attlog": "中控考勤机 attlog.dat",
    "zkteco_usb": "中控考勤机 U盘报表", "template": "本程序的考勤模板", "mapped": "按指定的列读取",
}
ACTIONS = (("", "请选择…"), ("map", "对应到已有人员"), ("create", "新建人员"), ("skip", "跳过"))


def staff_model(staff: Sequence[StaffInfo], parent=None) -> QStandardItemModel:
    """Every staff member as "编号 姓名（单位）", the code as user data; shared by combos."""
    model = QStandardItemModel(parent)
    for p in staff:
        item = QStandardItem(f"{p.code} {p.name}（{p.unit_name or '无单位'}）")
        item.setData(p.code, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    return model


class PersonChoiceWidget(QWidget):
    """What to do with one person: an action and its target (staff or unit)."""

    changed = Signal()

    def __init__(self, person: PersonPreview, staff: QStandardItemModel,
                 units: Sequence[UnitInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.action_combo = QComboBox()
        for key, text in ACTIONS:
            self.action_combo.addItem(text, key)
        self.target_combo = QComboBox()
        self.target_combo.setMinimumWidth(200)
        self._staff = staff
        self._unit_items = QStandardItemModel(self)
        for u in units:
            item = QStandardItem(f"新建到 {u.code} {u.name}")
            item.setData(u.code, Qt.ItemDataRole.UserRole)
            self._unit_items.appendRow(item)
        if person.candidates:  # 同名: the candidates first, on a model of their own
            self._staff = QStandardItemModel(self)
            first = {c.code for c in person.candidates}
            for c in person.candidates:
                item = QStandardItem(f"{c.code} {c.name}（{c.unit_name or '无单位'}）")
                item.setData(c.code, Qt.ItemDataRole.UserRole)
                self._staff.appendRow(item)
            for r in range(staff.rowCount()):
                if staff.item(r).data(Qt.ItemDataRole.UserRole) not in first:
                    self._staff.appendRow(staff.item(r).clone())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.addWidget(self.action_combo)
        layout.addWidget(self.target_combo, 1)
        self.by_hand = False  # the user chose in this row (a bulk button leaves it alone)
        self.action_combo.activated.connect(self._chosen_by_hand)
        self.target_combo.activated.connect(self._chosen_by_hand)
        self.action_combo.currentIndexChanged.connect(self._action_changed)
        self.target_combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self._action_changed()

    def _action_changed(self) -> None:
        action = self.action_combo.currentData()
        combo = self.target_combo
        combo.blockSignals(True)
        combo.setEditable(False)
        if action == "map":
            combo.setModel(self._staff)
            combo.setEditable(True)  # type part of a name or code to find someone
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            combo.setCurrentIndex(0 if self.person.candidates else -1)
            combo.lineEdit().setPlaceholderText("选择或输入姓名、编号")
        elif action == "create":
            combo.setModel(self._unit_items)
            combo.setCurrentIndex(0 if self._unit_items.rowCount() == 1 else -1)
            combo.setPlaceholderText("选择单位")
        combo.setVisible(action in ("map", "create"))
        combo.blockSignals(False)
        self.changed.emit()

    def _chosen_by_hand(self, _index: int = 0) -> None:
        self.by_hand = self.action_combo.currentData() != ""

    def set_choice(self, action: str, target: str = "") -> None:
        self.action_combo.setCurrentIndex(next(i for i, (k, _) in enumerate(ACTIONS) if k == action))
        if target:
            combo = self.target_combo
            index = combo.findData(target, Qt.ItemDataRole.UserRole)
            combo.setCurrentIndex(index)

    def choice(self) -> PersonChoice | None:
        action = self.action_combo.currentData()
        if action == "skip":
            return PersonChoice("skip")
        target = self.target_combo.currentData(Qt.ItemDataRole.UserRole) if \
            self.target_combo.currentIndex() >= 0 else None
        if action == "map" and self.target_combo.isEditable():  # what was typed must be a listed one
            text = self.target_combo.currentText()
            if self.target_combo.findText(text) != self.target_combo.currentIndex():
                target = None
        if not action or not target:
            return None
        return PersonChoice("map", target) if action == "map" else PersonChoice("create", unit=target)


class AttendanceImportDialog(QDialog):
    remap_requested = Signal()

    def __init__(self, parent: QWidget | None, preview: ImportPreview, staff: Sequence[StaffInfo],
                 units: Sequence[UnitInfo], *, mapped: bool = False, remembered: bool = False) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"导入考勤 — 预览：{preview.file}")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary_label)

        self.model = PeopleModel(preview.people, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("汉")
        for col, column in enumerate(self.model.columns):
            header.resizeSection(col, em * column.chars + 18)
        header.setStretchLastSection(True)

        self.staff_items = staff_model(staff, self)
        self.choice_widgets: dict[str, PersonChoiceWidget] = {}
        for row, person in enumerate(preview.people):
            if person.status == "matched":
                continue
            widget = PersonChoiceWidget(person, self.staff_items, units)
            widget.changed.connect(self._update)
            self.choice_widgets[person.key] = widget
            self.table.setIndexWidget(self.model.index(row, PeopleModel.CHOICE_COLUMN), widget)

        people_box = QWidget()
        people_layout = QVBoxLayout(people_box)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addWidget(self.table, 1)
        self.bulk_row = QHBoxLayout()
        open_people = len(self.choice_widgets)
        self.bulk_label = QLabel(f"名册中没有或同名待选的 {open_people} 人：")
        self.skip_all_button = QPushButton("全部跳过")
        self.skip_all_button.clicked.connect(lambda: self._all("skip"))
        self.create_unit_combo = QComboBox()
        for u in units:
            self.create_unit_combo.addItem(f"{u.code} {u.name}", u.code)
        self.create_all_button = QPushButton("未匹配的全部新建到")
        self.create_all_button.clicked.connect(
            lambda: self._all("create", self.create_unit_combo.currentData()))
        self.create_all_button.setEnabled(bool(units))
        for widget in (self.bulk_label, self.skip_all_button, self.create_all_button,
                       self.create_unit_combo):
            self.bulk_row.addWidget(widget)
        self.bulk_row.addStretch(1)
        if open_people:
            people_layout.addLayout(self.bulk_row)
        else:
            for widget in (self.bulk_label, self.skip_all_button, self.create_all_button,
                           self.create_unit_combo):
                widget.hide()

        self.problems = QTableWidget(0, len(PROBLEM_HEADERS))
        self.problems.setHorizontalHeaderLabels(PROBLEM_HEADERS)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setWordWrap(False)
        p_header = self.problems.horizontalHeader()
        for col, chars in enumerate((10, 6, 3, 6, 8)):
            p_header.resizeSection(col, em * chars + 16)
        p_header.setStretchLastSection(True)
        p_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fill_problems(self.problems, preview.problems)

        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color:#b06000;")
        self.warnings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        warnings = list(preview.warnings)
        more = f"<br>……另有 {len(warnings) - 8} 条提示" if len(warnings) > 8 else ""
        self.warnings_label.setText("<br>".join(f"提示：{w}" for w in warnings[:8]) + more)
        self.warnings_label.setVisible(bool(warnings))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(people_box)
        splitter.addWidget(self.problems)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.problems.setVisible(bool(preview.problems))
        layout.addWidget(splitter, 1)
        layout.addWidget(self.warnings_label)

        self.buttons = QDialogButtonBox()
        self.remap_button = self.buttons.addButton("重新指定列…", QDialogButtonBox.ButtonRole.ResetRole)
        self.remap_button.setVisible(mapped)
        self.remap_button.clicked.connect(self._remap)
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._mapped, self._remembered = mapped, remembered
        self._update()
        self.resize(1180, 660)

    # ------------------------------------------------------------------ content
    def _all(self, action: str, target: str = "") -> None:
        """全部跳过 / 未匹配的全部新建到: only the people nobody has decided for by hand —
        a person mapped (or created, or skipped) one by one keeps that choice."""
        for widget in self.choice_widgets.values():
            if widget.by_hand:
                continue
            if action == "create" and widget.person.status != "unmatched":
                continue
            widget.set_choice(action, target)
        self._update()

    def _remap(self) -> None:
        self.remap_requested.emit()
        self.reject()

    def open_choices(self) -> list[str]:
        """Keys of the people still waiting for a choice."""
        return [k for k, w in self.choice_widgets.items() if w.choice() is None]

    def choices(self) -> dict[str, PersonChoice]:
        return {k: c for k, w in self.choice_widgets.items() if (c := w.choice()) is not None}

    def blocking(self) -> list[str]:
        """Why 导入 is disabled, in words ([] when it is enabled)."""
        out = []
        if self.preview.problems:
            out.append(f"有 {len(self.preview.problems)} 处无法读取的内容（红色列出）："
                       "请在原文件中改正后重新导入")
        if self.open_choices():
            out.append(f"还有 {len(self.open_choices())} 人没有选择处理方式")
        return out

    def _update(self) -> None:
        p = self.preview
        period = f"{p.period[0]:%Y-%m-%d}～{p.period[1]:%Y-%m-%d}" if p.period else "无日期"
        punches = sum(x.punches for x in p.people)
        new = sum(x.new_punches for x in p.people)
        matched = sum(x.status == "matched" for x in p.people)
        how = FORMAT_NAMES.get(p.format, p.format)
        if self._remembered:
            how += "（按上次为这种表头保存的列对应）"
        rows = f"读取 {p.rows} 行；" if p.rows else ""
        lines = [f"文件 <b>{p.file}</b>：{how}，{period}，{rows}"
                 f"{len(p.people)} 人（已匹配 {matched} 人），打卡 {punches} 次，"
                 f"其中已匹配人员新增 {new} 次。"]
        if p.imported_before:
            lines.append("<span style='color:#b06000'>这个文件以前导入过："
                         "再次导入不会重复添加已有的打卡。</span>")
        blocking = self.blocking()
        if blocking:
            lines.append("<span style='color:#c5221f'><b>" + "；".join(blocking) + "。</b></span>")
        else:
            lines.append("确认无误后点“导入”，全部内容一次写入；导入前不会写入任何数据。")
        self.summary_label.setText("<br>".join(lines))
        self.import_button.setEnabled(not blocking)
        self.import_button.setToolTip("；".join(blocking))
        (self.import_button if not blocking else self.cancel_button).setDefault(True)
