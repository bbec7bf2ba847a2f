"""考勤 → 计入考核: pick a staff assessment whose rubric has items that take attendance
(VILLAGE-ATT, usually monthly) and write each person's points into it
(`attendance.apply_to_assessment`, off the GUI thread), then show per person how each
value was derived. A locked assessment (已审议/已公示) refuses; the refusal is shown here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.states import STATE_NAMES, State, editable
from kaohe_desktop.services import assessments, attendance
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import ApplyResult, AssessmentInfo

from ..common.messages import error_text
from ..common.tasks import run_job
from .jobs import apply_job

HEADERS = ("编号", "姓名", "项目", "得分", "怎么算的", "结果")
STATUS_TEXT = {"added": "新增", "changed": "已更新", "unchanged": "未变"}


class AttendanceApplyPanel(QWidget):
    applied = Signal(object)  # ApplyResult

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.items: list[AssessmentInfo] = []
        self.result: ApplyResult | None = None
        self.assessment_combo = QComboBox()
        self.assessment_combo.setMinimumWidth(380)
        self.assessment_combo.currentIndexChanged.connect(lambda _: self._describe())
        self.apply_button = QPushButton("应用到考核")
        self.apply_button.clicked.connect(self.apply)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("人员考核："))
        bar.addWidget(self.assessment_combo, 1)
        bar.addWidget(self.apply_button)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("汉")
        for col, chars in enumerate((6, 5, 3, 3)):
            header.resizeSection(col, em * chars + 18)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.info_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)

    def load(self, month: str = "") -> None:
        """List the staff assessments with attendance items; prefer one for `month`."""
        codes = {i.rubric_code for i in attendance.attendance_rule_items(self.db)}
        current = self.assessment_combo.currentData()
        self.items = [a for a in assessments.list_assessments(self.db)
                      if a.subject_kind == "staff" and a.rubric_code in codes]
        self.assessment_combo.blockSignals(True)
        self.assessment_combo.clear()
        for a in self.items:
            state = STATE_NAMES[State(a.state)]
            self.assessment_combo.addItem(f"{a.name}（{a.period_label}，{a.rubric_code}，{state}）", a.id)
        index = self.assessment_combo.findData(current)
        if index < 0 and month:
            index = next((i for i, a in enumerate(self.items) if a.start.strftime("%Y-%m") == month
                          and a.period_kind == "month"), -1)
        self.assessment_combo.setCurrentIndex(index if index >= 0 else max(len(self.items) - 1, -1))
        self.assessment_combo.blockSignals(False)
        self.apply_button.setEnabled(bool(self.items))
        self._describe()

    def select(self, assessment_id: int) -> None:
        self.assessment_combo.setCurrentIndex(self.assessment_combo.findData(assessment_id))

    def current(self) -> AssessmentInfo | None:
        return next((a for a in self.items if a.id == self.assessment_combo.currentData()), None)

    def _describe(self) -> None:
        a = self.current()
        if a is None:
            self.info_label.setText(
                "还没有可以计入考勤的人员考核。请到“考核评分”新建一次考核：细则选“村便民服务室考勤考核”"
                "（VILLAGE-ATT）这类含“取自考勤”项目的人员细则，周期选月份。")
            return
        rules = [i for i in attendance.attendance_rule_items(self.db) if i.rubric_code == a.rubric_code]
        lines = [f"考核期间 {a.start}～{a.end}，{len(a.subjects)} 名人员。"]
        lines += [f"第 {i.item_code} 项“{i.item_name}”（满分 {shown(i.max)}）：{i.rule.text()}"  # type: ignore[attr-defined]
                  for i in rules]
        if not editable(State(a.state)):
            lines.append("这次考核已锁定，不能再写入考勤得分。")
        else:
            lines.append("导入考勤、登记请假或修改规则后，得分会自动更新；"
                         "“应用到考核”可随时重算并列出每人的扣分明细。")
        self.info_label.setText("<br>".join(lines))

    def apply(self) -> None:
        a = self.current()
        if a is None:
            return
        self.apply_button.setEnabled(False)
        run_job(self, "计入考核", apply_job(self.db, a.id), on_done=self._done, on_error=self._failed,
                cancellable=False)

    def _done(self, result: ApplyResult) -> None:
        self.apply_button.setEnabled(True)
        self.result = result
        self.show_result(result)
        name = self.current().name if self.current() else result.assessment_id
        verb = "已写入" if any(v.status != "unchanged" for v in result.values) else "已核对"
        self._say(f"{verb}“{name}”：{result.summary()}（评分人“{result.assessor}”）", error=False)
        self.applied.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.apply_button.setEnabled(bool(self.items))
        text = "；".join(p.reason for p in exc.problems) if isinstance(exc, InputError) else error_text(exc)
        self.result = None
        self.table.setRowCount(0)
        self._say(f"未写入：{text}", error=True)

    def show_result(self, result: ApplyResult) -> None:
        values: Sequence = result.values
        self.table.setRowCount(len(values))
        for r, v in enumerate(values):
            cells = (v.staff_code, v.name, v.item_code, shown(v.points), v.remark,
                     STATUS_TEXT.get(v.status, v.status))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 4:
                    item.setToolTip(text)
                if c == 5 and v.status == "changed":
                    item.setForeground(QColor("#b06000"))
                self.table.setItem(r, c, item)

    def _say(self, text: str, *, error: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color:#c5221f;" if error else "color:#137333;")
