"""The page 服务记录: import 办件 / 好差评 / 投诉 exports, the measures per person or window/unit
for a period with their change against the period before, a month-by-month trend per
measure, the 整改 tracker (open 差评 with their deadlines) and the yearly cost per unit.

QtCharts is imported only when the 趋势 tab is first shown. The trend of a year is read
once per (year, 按人员/按单位) and kept until the data changes.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import service_stats

from ..common.page import Changes, Page
from ..common.tables import make_table
from ..help.links import connect_help_links, help_link
from .cost_panel import CostPanel
from .import_flow import ServiceImportFlow
from .measures_model import MeasuresModel, make_proxy
from .tracker_panel import TrackerPanel

PERIOD_HINT = "如 2024-06、2024-Q2、2024"
PLACEHOLDER = "如 2024-06"


class EmptyState(QWidget):
    """No service records yet: what they are, where they come from, and the button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(
            "<h2>还没有服务记录</h2>"
            "<p>从政务服务平台导出 <b>办件</b> 明细、<b>好差评</b> 评价记录或 <b>投诉</b> 登记表"
            "（.xlsx、.xls、.ods 或 .csv），点击 <b>导入服务记录…</b>；格式按表头自动识别，"
            "认不出的表头可以指定各列（只需指定一次）。</p>"
            "<p>导入后这里按人员或窗口/单位显示办件量、按时办结率、满意率、差评整改等指标及较上期的变化，"
            "并列出未整改的差评。</p>"
            f"<p>{help_link('服务记录', '使用说明：服务记录')}</p>")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        connect_help_links(self.label)
        self.import_button = QPushButton("导入服务记录…")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        layout.addStretch(2)


class ServicePage(Page):
    title = "服务记录"

    def __init__(self, db, changes: Changes | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, changes if changes is not None else Changes(), parent)
        self.flow = ServiceImportFlow(self, db)
        self.import_button = QPushButton("导入服务记录…")
        self.previous_button = QToolButton()
        self.previous_button.setText("◀")
        self.previous_button.setToolTip("上一期（同样长度）")
        self.period = QComboBox()
        self.period.setEditable(True)
        self.period.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.period.setMinimumWidth(self.fontMetrics().horizontalAdvance("2024-Q2 " * 2) + 30)
        self.period.lineEdit().setPlaceholderText(PLACEHOLDER)
        self.period.setToolTip(f"选择最近的月份、季度、年度，或输入期间（{PERIOD_HINT}）后按回车")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("下一期")
        self.by = QComboBox()
        self.by.addItem("按人员", "person")
        self.by.addItem("按窗口/单位", "unit")
        self.show_button = QPushButton("统计")
        self.mean_check = QCheckBox("满意率按五级均值")
        self.mean_check.setToolTip("不勾选：满意率 = 不满意、非常不满意以外的评价 ÷ 全部评价；"
                                   "勾选：五级评价的平均（非常满意 = 100%）")
        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addSpacing(16)
        for w in (QLabel("期间："), self.previous_button, self.period, self.next_button, self.by,
                  self.show_button, self.mean_check):
            bar.addWidget(w)
        bar.addStretch(1)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.model = MeasuresModel(self)
        self.proxy = make_proxy(self.model)
        self.table = make_table(self.proxy, self, stretch_last=False)
        # sizing to content measures this many rows, not all 300 people's 23 cells each time
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        self.trend_holder = QWidget()
        QVBoxLayout(self.trend_holder).setContentsMargins(0, 0, 0, 0)
        self.chart = None  # trend_chart.TrendChart, built when its tab is first shown
        self._trends: dict[tuple[int, str], list] = {}
        self.tracker = TrackerPanel()
        self.cost = CostPanel(db)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "指标")
        self.tabs.addTab(self.trend_holder, "趋势")
        self.tabs.addTab(self.tracker, "整改跟踪")
        self.tabs.addTab(self.cost, "人均成本")
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.stack, 1)

        self.import_button.clicked.connect(self.flow.choose_file)
        self.empty.import_button.clicked.connect(self.flow.choose_file)
        self.flow.message.connect(self.status.setText)
        self.flow.imported.connect(self._imported)
        self.cost.saved.connect(self.status.setText)
        self.cost.saved.connect(lambda _: self.changes.changed.emit("service"))
        self.show_button.clicked.connect(self.show_measures)
        self.period.lineEdit().returnPressed.connect(self.show_measures)
        self.period.activated.connect(lambda _: self.show_measures())
        self.by.currentIndexChanged.connect(lambda _: self.show_measures())
        self.mean_check.toggled.connect(lambda _: self._mean_changed())
        self.previous_button.clicked.connect(lambda: self._step(service_stats.previous_period))
        self.next_button.clicked.connect(lambda: self._step(service_stats.next_period))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.table.doubleClicked.connect(lambda _: self.show_trend())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._follow_selection())

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        span = service_stats.record_span(self.db)
        self._trends.clear()
        self.stack.setCurrentWidget(self.empty if span is None else self.tabs)
        for w in (self.previous_button, self.period, self.next_button, self.by, self.show_button,
                  self.mean_check):
            w.setEnabled(span is not None)
        if span is None:
            self.status.setText("")
            return
        typed = self.period.currentText().strip()
        self.period.blockSignals(True)
        self.period.clear()
        self.period.addItems(service_stats.recent_periods(span))
        self.period.setCurrentText(typed or f"{span[1]:%Y-%m}")
        self.period.blockSignals(False)
        self.show_measures()
        over, _near = self.tracker.set_rows(service_stats.open_bad_ratings(self.db))
        self.tabs.setTabText(2, f"整改跟踪（逾期 {over}）" if over else "整改跟踪")
        self.cost.refresh()

    def period_text(self) -> str:
        return self.period.currentText().strip()

    def show_measures(self) -> None:
        text, by = self.period_text(), self.by.currentData()
        if not text:
            self.status.setText(f"请选择或输入期间（{PERIOD_HINT}）")
            return
        try:
            previous, rows = service_stats.compare(self.db, text, by,
                                                   mean_satisfaction=self.mean_check.isChecked())
        except InputError as exc:
            self.status.setText("；".join(exc.lines()))
            return
        units = None
        year = service_stats.period_range(text)[1].year
        self.cost.show_year(year)
        if by == "unit":
            units = {u.code: u for u in service_stats.unit_costs(self.db, year)}
        self.model.set_rows(rows, previous, by, units)
        for column in self.model.unit_columns:
            self.table.setColumnHidden(column, by != "unit")
        self.table.resizeColumnsToContents()
        active = sum(1 for r in rows if r.now.tally.requests or r.now.tally.ratings
                     or r.now.tally.complaints)
        who = "人" if by == "person" else "个窗口/单位"
        self.status.setText(f"{text}：{len(rows)} {who}，其中 {active} {who}有记录；"
                            f"“较上期”与 {previous} 相比。双击一行看它的逐月趋势。")
        if self.chart is not None and self.tabs.currentWidget() is self.trend_holder:
            self.show_trend()

    def _step(self, step) -> None:
        try:
            self.period.setCurrentText(step(self.period_text()))
        except InputError as exc:
            self.status.setText("；".join(exc.lines()))
            return
        self.show_measures()

    def _mean_changed(self) -> None:
        self._trends.clear()
        self.show_measures()

    def _imported(self, result) -> None:
        self.refresh()
        self.status.setText(self.flow.last_message)
        self.changes.changed.emit("service")

    def on_changed(self, what: str) -> None:
        if what != "service":  # our own import has already redrawn
            super().on_changed(what)

    # ------------------------------------------------------------------ trend
    def selected_code(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(index).row()].now.code

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.trend_holder:
            self.show_trend()

    def show_trend(self, measure: str | None = None):
        """The 趋势 tab for the selected row (QtCharts loads here on first use)."""
        try:
            year = service_stats.period_range(self.period_text())[1].year
        except InputError as exc:
            self.status.setText("；".join(exc.lines()))
            return None
        if self.chart is None:
            from .trend_chart import TrendChart

            self.chart = TrendChart()
            self.trend_holder.layout().addWidget(self.chart)
        by = self.by.currentData()
        key = (year, by)
        if key not in self._trends:
            self._trends[key] = service_stats.trend(self.db, date(year, 1, 1), date(year, 12, 31), by,
                                                    mean_satisfaction=self.mean_check.isChecked())
        self.chart.set_trends(self._trends[key], year, self.selected_code())
        if measure is not None:
            self.chart.show_measure(measure)
        if self.tabs.currentWidget() is not self.trend_holder:
            self.tabs.setCurrentWidget(self.trend_holder)
        return self.chart

    def _follow_selection(self) -> None:
        code = self.selected_code()
        if self.chart is not None and code:
            self.chart.show_subject(code)
