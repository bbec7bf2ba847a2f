"""考勤: import clock exports, see each day judged by the office's rules, the monthly
summary (export, print), the rules themselves, and the step that turns attendance into
assessment points.

The bar on top chooses the month and filters by unit and person; the tabs below show
逐日记录, 月度汇总, 规则 and 计入考核 for that month. Data comes from the attendance
services only (the window holds no rules): one `month_view` call per month (judged on a
worker thread when the roster is large, so the window stays responsive); filtering is in
memory. After a write the page broadcasts "attendance" (and
"scores" after 计入考核); its own broadcasts re-judge the month but leave the rule
editors as the user left them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance, roster
from kaohe_desktop.services.results import (
    ApplyResult,
    AttendanceImportResult,
    ImportPreview,
    MonthView,
    RosterData,
)

from ..common.messages import show_error
from ..common.page import Changes, Page
from ..common.tasks import run_in_background, single_step
from .apply_panel import AttendanceApplyPanel
from .empty_state import EMPTY_MONTH, LOADING, NO_DATA, NO_STAFF, EmptyState
from .import_flow import AttendanceImportFlow
from .log_panel import AttendanceLogPanel
from .rules_panel import AttendanceRulesPanel
from .summary_panel import AttendanceSummaryPanel

ALL_UNITS = "全部单位"
WATCHED = {"attendance", "roster", "scores", "assessments", "rubrics", "all"}
# With fewer active staff a month is judged in well under 0.3 s (bench/attendance_bench.py):
# on the GUI thread, nothing flickers; with more, on a worker while the page says so.
BACKGROUND_FROM_STAFF = 400


def month_range(months: list[str], today: date) -> list[str]:
    """Every month from the earliest with data (or a year back) to the latest (or this
    month), newest first."""
    this = today.year * 12 + today.month - 1
    keys = [int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months]
    first, last = min([this - 11, *keys]), max([this, *keys])
    return [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(last, first - 1, -1)]


class AttendancePage(Page):
    title = "考勤"
    month_shown = Signal(str)  # the month's log and summary are on screen

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        self._own_change = False
        self._loading = 0  # the month load whose result is still wanted
        super().__init__(db, changes, parent)
        self.data = RosterData((), (), ())
        self.months: list[str] = []
        self.month_chosen = False  # the user picked the month: keep it; else follow the data
        self.last_message = ""
        self.flow = AttendanceImportFlow(self, db)
        self.flow.imported.connect(self._imported)

        self.month_combo = QComboBox()
        self.month_combo.setMinimumWidth(120)
        self.month_combo.currentIndexChanged.connect(lambda _: self._month_changed())
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumWidth(200)
        self.unit_combo.currentIndexChanged.connect(lambda _: self._filter())
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText("按姓名或编号筛选人员")
        self.person_edit.setClearButtonEnabled(True)
        self.person_edit.setMinimumWidth(180)
        self.person_edit.textChanged.connect(lambda _: self._filter())
        self.import_button = QPushButton("导入考勤文件…")
        self.import_button.clicked.connect(self.import_file)
        self.template_button = QPushButton("下载模板…")
        self.template_button.clicked.connect(self.download_template)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("月份："))
        bar.addWidget(self.month_combo)
        bar.addSpacing(8)
        bar.addWidget(QLabel("单位："))
        bar.addWidget(self.unit_combo)
        bar.addSpacing(8)
        bar.addWidget(self.person_edit, 1)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.template_button)

        self.log = AttendanceLogPanel()
        self.summary = AttendanceSummaryPanel(db)
        self.rules = AttendanceRulesPanel(db)
        self.apply_panel = AttendanceApplyPanel(db)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.log, "逐日记录")
        self.tabs.addTab(self.summary, "月度汇总")
        self.tabs.addTab(self.rules, "规则")
        self.tabs.addTab(self.apply_panel, "计入考核")
        for empty in (self.log.empty, self.summary.empty):
            self._connect_empty(empty)
        self.summary.person_activated.connect(self.show_person)
        # rule and leave changes also bring the open assessments' attendance values up to date
        self.rules.changed.connect(lambda: self._announce("attendance", "scores"))
        self.apply_panel.applied.connect(self._applied)
        self.status_label = QLabel()
        self.status_label.setObjectName("attendanceStatus")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)

    def _connect_empty(self, empty: EmptyState) -> None:
        empty.import_requested.connect(self.import_file)
        empty.template_requested.connect(self.download_template)
        empty.roster_requested.connect(self.go_to_roster)

    # ================================================================== loading
    def on_changed(self, what: str) -> None:
        if what not in WATCHED or self._own_change:  # own writes: the caller reloads
            return
        super().on_changed(what)

    def _announce(self, *whats: str, reload: Callable[[], None] | None = None) -> None:
        """Tell the other pages what changed, then reload this one once (`reload`, by
        default the month's log and summary: the rule editors show what they saved)."""
        self._own_change = True
        try:
            for what in whats:
                self.changes.changed.emit(what)
        finally:
            self._own_change = False
        (reload or self._load_month)()

    def refresh(self) -> None:
        self.data = roster.load_roster(self.db)
        self.months = attendance.attendance_months(self.db)
        self._fill_months()
        self._fill_units()
        self.import_button.setEnabled(bool(self.data.units))
        self.import_button.setToolTip("" if self.data.units else "请先在“站点与人员”添加站点和人员")
        self._load_month(rules=True)

    def _fill_months(self, prefer: str = "") -> None:
        latest = self.months[-1] if self.months else ""
        current = prefer or (self.month_combo.currentData() if self.month_chosen else latest) or latest
        options = month_range(self.months, date.today())
        have = set(self.months)
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for m in options:
            self.month_combo.addItem(f"{m[:4]}年{m[5:7]}月" + ("" if m in have else "（无数据）"), m)
        index = self.month_combo.findData(current)
        self.month_combo.setCurrentIndex(index if index >= 0 else 0)
        self.month_combo.blockSignals(False)

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItem(ALL_UNITS, None)
        for u in self.data.units:
            if u.active:
                self.unit_combo.addItem(f"{u.code} {u.name}", (u.code, u.name))
        index = self.unit_combo.findData(current) if current else 0
        self.unit_combo.setCurrentIndex(max(index, 0))
        self.unit_combo.blockSignals(False)

    def month(self) -> str:
        return self.month_combo.currentData() or date.today().strftime("%Y-%m")

    def set_month(self, month: str) -> None:
        index = self.month_combo.findData(month)
        if index < 0:
            self._fill_months(prefer=month)
            index = self.month_combo.findData(month)
        self.month_combo.setCurrentIndex(index)

    def _month_changed(self) -> None:
        self.month_chosen = True
        self._load_month(rules=True)

    def _load_month(self, rules: bool = False) -> None:
        month = self.month()
        self._loading += 1  # a load still running for another month is no longer wanted
        first = date(int(month[:4]), int(month[5:7]), 1)
        if rules:
            self.rules.load(month, first, self.data.staff, [u for u in self.data.units if u.active])
            self.apply_panel.load(month)
        else:
            self.rules.calendar.show_month(month)
            self.rules.leave.show_month(month, first)
        active = sum(p.active for p in self.data.staff)
        kind = NO_STAFF if not active else NO_DATA if not self.months else ""
        if kind or active < BACKGROUND_FROM_STAFF:
            self._show_month(month, attendance.month_view(self.db, month) if not kind
                             else MonthView((), ()), kind)
            return
        wanted = self._loading
        self.log.show_empty(LOADING, month)
        self.summary.show_empty(LOADING, month)
        self._status(f"正在计算 {month} 的考勤……")

        def done(view: MonthView) -> None:
            if wanted == self._loading and isValid(self):
                self._show_month(month, view, "")

        def failed(exc: BaseException) -> None:
            if wanted == self._loading and isValid(self):
                self._status("")
                show_error(self, "考勤", exc)

        run_in_background(single_step(lambda: attendance.month_view(self.db, month)),
                          on_done=done, on_error=failed)

    def _show_month(self, month: str, view: MonthView, kind: str) -> None:
        if not kind and not view.log:
            kind = EMPTY_MONTH
        if kind:
            self.log.show_empty(kind, month, self.months)
            self.summary.show_empty(kind, month, self.months)
        else:
            self.log.set_rows(view.log)
            self.summary.set_rows(view.summary, month)
        self._filter()
        people = len(view.summary)
        self._status(f"{month}：{people} 人有考勤" if people else "")
        self.month_shown.emit(month)

    def _filter(self) -> None:
        unit = self.unit_combo.currentData()
        code, name = unit if unit else ("", "")
        person = self.person_edit.text()
        self.log.set_filter(name, person)
        self.summary.set_filter(code, name, person)

    # ================================================================== actions
    def import_file(self, path: Path | None = None) -> None:
        """导入考勤文件…: choose a file (or read `path`) and go through the import dialogs."""
        if isinstance(path, Path):
            self.flow.read(path)
        else:
            self.flow.choose_file()

    def _imported(self, result: AttendanceImportResult, preview: ImportPreview) -> None:
        self._say(self.flow.last_message)
        if preview.period:  # show the month just imported
            self.months = attendance.attendance_months(self.db)
            self._fill_months(prefer=preview.period[1].strftime("%Y-%m"))
        self._announce("attendance", *(("roster",) if result.staff_created else ()),
                       *(("scores",) if result.scores.updated else ()), reload=self.refresh)

    def download_template(self) -> None:
        suggested = str(self.flow.last_dir / "考勤模板.xlsx")
        path_text, _ = QFileDialog.getSaveFileName(self, "下载考勤模板", suggested, "Excel 工作簿 (*.xlsx)")
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            attendance.write_template(path)
        except (InputError, OSError) as exc:
            show_error(self, "下载模板", exc)
            return
        self.flow.last_dir = path.parent
        self._say(f"模板已保存到 {path}：按说明填写后用“导入考勤文件…”导入")

    def go_to_roster(self) -> None:
        window = self.window()
        if hasattr(window, "open_page"):
            window.open_page("站点与人员")

    def show_person(self, code: str) -> None:
        """Show one person's days in the log (double-click in the summary)."""
        self.person_edit.setText(code)
        self.tabs.setCurrentWidget(self.log)

    def _applied(self, result: ApplyResult) -> None:
        self._say(self.apply_panel.message_label.text())
        self._announce("scores", reload=lambda: None)  # attendance itself did not change

    # ================================================================== messages
    def _status(self, text: str) -> None:
        self.status_label.setText(text)

    def _say(self, text: str) -> None:
        self.last_message = text
        self.status_label.setText(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
