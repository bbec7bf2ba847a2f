"""排名: where results are read, argued over, approved and published.

The page shows what the services compute — `standings.ranking_table` (ranks, group ranks,
grades, change since the previous period, completion), `drill_down`, `grade_scale`,
`review` — and adds no rule of its own: filtering by area or group only hides rows, and
every number is rounded by `domain.numbers.shown`.

Permissions: the program has no log-in yet. Whoever runs it counts as the administrator
(`is_admin`, default True); `set_admin(False)` is a clerk's seat, where 重新打开 is
disabled — and the service refuses a reopen without the administrator flag anyway.

Writes (review steps, a saved grade scale, a corrected score) are announced on the change
hub ("assessments", "rubrics", "scores"); the page reloads itself after its own writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import assessments, grade_scale, review, standings
from kaohe_desktop.services.ranking_results import RankingTable

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.page import Changes, Page
from ..common.tasks import run_in_background, single_step
from ..help.links import connect_help_links, help_link
from .annual_dialog import AnnualDialog
from .drill_down_dialog import DrillDownDialog
from .grade_scale_editor import GradeScaleEditor
from .model import RankingModel
from .review_dialog import ReviewDialog
from .review_panel import ReviewPanel

ALL = "全部"
BANNER_STYLE = ("background: #fff4ce; border: 1px solid #e0c36a; border-radius: 3px; "
                "padding: 6px 10px; color: #5c4400;")
LOCKED_TEXT = ("本考核{state}，已锁定：评分、加减分、评分组和等次都不能修改。"
               "如需更正，请管理员点“重新打开”并写明理由。")


class RankingPage(Page):
    title = "排名"
    previous_filled = Signal()  # 较上期 arrived from the worker

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        self._own_change = False
        self._start_after_paint: Callable[[], object] | None = None  # see _after_paint
        super().__init__(db, changes, parent)
        self.is_admin = True
        self.actor = ""  # the last 操作人 typed in a review dialog
        self.ranking: RankingTable | None = None  # unfiltered; the model filters
        self.choices: list[standings.AssessmentChoice] = []
        self.drill: DrillDownDialog | None = None
        self.review_dialog: ReviewDialog | None = None
        self.charts = None  # ranking_charts.ChartsPanel, built when its tab is first shown

        self.assessment_combo = QComboBox()
        self.assessment_combo.setMinimumWidth(360)
        self.assessment_combo.currentIndexChanged.connect(self._assessment_chosen)
        self.normalise_check = QCheckBox("折合分")
        self.normalise_check.setToolTip("各评分组的基础分按本组最高分折合为满分后再排名定档"
                                        "（加分、减分不折合），以消除各组宽严不一")
        self.normalise_check.toggled.connect(lambda _=False: self.load())
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #555;")
        connect_help_links(self.summary)
        head = QHBoxLayout()
        head.addWidget(QLabel("考核："))
        head.addWidget(self.assessment_combo)
        head.addWidget(self.normalise_check)
        head.addStretch(1)
        head.addWidget(self.summary)

        self.area_label = QLabel("街道/乡镇：")
        self.area_combo = QComboBox()
        self.area_combo.setMinimumWidth(160)
        self.group_combo = QComboBox()
        self.group_combo.setMinimumWidth(120)
        self.group_rank_check = QCheckBox("组内排名")
        self.group_rank_check.setToolTip("交叉考核：按评分组分别排名")
        self.drill_button = QPushButton("查看明细…")
        self.area_combo.currentIndexChanged.connect(self._filter)
        self.group_combo.currentIndexChanged.connect(self._filter)
        self.group_rank_check.toggled.connect(self._group_rank_toggled)
        self.drill_button.clicked.connect(lambda: self.open_drill_down())
        self.annual_button = QPushButton("年度汇总…")
        self.annual_button.setToolTip("由月度、季度、年度和专项结果按比例汇总全年，并可另存为年度综合考核")
        self.annual_button.clicked.connect(lambda: self.open_annual())
        filters = QHBoxLayout()
        filters.addWidget(self.area_label)
        filters.addWidget(self.area_combo)
        filters.addWidget(QLabel("评分组："))
        filters.addWidget(self.group_combo)
        filters.addWidget(self.group_rank_check)
        filters.addStretch(1)
        filters.addWidget(self.annual_button)
        filters.addWidget(self.drill_button)

        self.banner = QLabel()
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.model = RankingModel(self)
        # the model sorts and filters itself (see ui/ranking/model.py); `proxy` names the
        # view's model for callers written when a QSortFilterProxyModel sat in between
        self.proxy = self.model
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda index: self.open_drill_down(self.model.code_at(index.row())))
        table_tab = QWidget()
        table_layout = QVBoxLayout(table_tab)
        table_layout.setContentsMargins(0, 4, 0, 0)
        table_layout.addLayout(filters)
        table_layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        table_layout.addWidget(self.count_label)

        self.grades = GradeScaleEditor()
        self.grades.save_requested.connect(self.save_grades)
        grades_scroll = QScrollArea()
        grades_scroll.setWidgetResizable(True)
        grades_scroll.setWidget(self.grades)

        self.charts_holder = QWidget()
        QVBoxLayout(self.charts_holder).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(table_tab, "排名表")
        self.tabs.addTab(grades_scroll, "等次设置")
        self.tabs.addTab(self.charts_holder, "图表")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.review = ReviewPanel()
        self.review.setMinimumWidth(200)
        self.review.action_requested.connect(self.start_review)
        # the lock banner sits above the tabs only: when it appears the review buttons
        # beside them stay where the user's mouse is
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.banner)
        results_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(results)
        self.splitter.addWidget(self.review)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([1040, 220])

        self.message = QLabel()
        self.message.setStyleSheet("color: #1a7f37;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message)

    # ------------------------------------------------------------------ loading
    @property
    def assessment_id(self) -> int | None:
        return self.assessment_combo.currentData()

    def refresh(self) -> None:
        keep = self.assessment_id
        self.choices = standings.assessment_choices(self.db)
        self.assessment_combo.blockSignals(True)
        self.assessment_combo.clear()
        for c in self.choices:
            state = STATE_NAMES[State(c.state)]
            self.assessment_combo.addItem(f"{c.period_label}　{c.name}（{state}）", c.id)
        found = self.assessment_combo.findData(keep)
        self.assessment_combo.setCurrentIndex(found if found >= 0 else 0)
        self.assessment_combo.blockSignals(False)
        self.load()

    def select_assessment(self, assessment_id: int) -> None:
        if not self.choices:
            self.refresh()
        self.assessment_combo.setCurrentIndex(self.assessment_combo.findData(assessment_id))

    def _assessment_chosen(self) -> None:
        self.group_rank_check.setChecked(False)
        self.load()

    def load(self) -> None:
        """Re-read the chosen assessment's ranking, grades and review state."""
        aid = self.assessment_id
        if aid is None:
            self.ranking = None
            self.model.set_table(None)
            self.summary.setText("还没有考核：请先在“考核评分”页新建考核　"
                                 + help_link("howto.html#year-end", "使用说明：年终考核"))
            self.review.setEnabled(False)
            return
        self.review.setEnabled(True)
        # the rows first; 较上期 (a second ranking, of the previous period) follows from
        # the worker a moment later, so a large assessment opens without waiting for it
        table = self.ranking = standings.ranking_table(self.db, aid, with_previous=False,
                                                     normalised=self.normalise_check.isChecked(),
                                                     leaf_items=False)
        self.model.set_table(table)
        if table.previous_pending:
            self._after_paint(lambda: run_in_background(
                single_step(lambda: standings.with_previous_ranks(self.db, table)),
                on_done=lambda filled: self._previous_ready(table, filled),
                on_error=lambda exc: self._previous_failed(table, exc)))
        self._fill_filters(table)
        self._size_columns(table)
        prev = f"较上期：{table.previous.period_label}" if table.previous else "没有上期可比"
        self.summary.setText(f"{table.rubric_code} 第 {table.rubric_version} 版　{prev}")
        locked = table.locked
        self.banner.setText(LOCKED_TEXT.format(state=STATE_NAMES[State(table.state)]) if locked else "")
        self.banner.setVisible(locked)
        self.review.set_admin(self.is_admin)
        self.review.show_state(table.state, review.review_history(self.db, aid),
                               (table.objection_start, table.objection_end))
        self.grades.show_scale(table, table.grade_scale, read_only=locked)
        if self.charts is not None:
            self.charts.set_table(table)
        self._update_count()

    def _after_paint(self, start: Callable[[], object]) -> None:
        """Call `start` once the table has painted its rows — at once when it is not on
        screen, and at the latest after half a second. The 较上期 worker is Python too:
        started earlier it would take the interpreter from the first paint in turns."""
        self._start_after_paint = start
        viewport = self.table.viewport()
        if not viewport.isVisible():
            self._start_now(start)
            return
        viewport.installEventFilter(self)
        QTimer.singleShot(500, self, lambda: self._start_now(start))

    def _start_now(self, start: Callable[[], object] | None) -> None:
        """Call `start` if it is still the one waiting (a newer load replaces it)."""
        if start is None or start is not self._start_after_paint:
            return
        self._start_after_paint = None
        self.table.viewport().removeEventFilter(self)
        start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._start_after_paint is not None:
            start = self._start_after_paint
            QTimer.singleShot(0, self, lambda: self._start_now(start))  # after this paint
        return super().eventFilter(watched, event)

    def _previous_ready(self, asked: RankingTable, filled: RankingTable) -> None:
        if not isValid(self) or self.ranking is not asked:  # closed, or another assessment came
            return
        self.ranking = filled
        self.model.fill_previous(filled)
        self._size_columns(filled)  # ▲12 is wider than the … it replaces
        if self.charts is not None:
            self.charts.set_table(filled)
        self.previous_filled.emit()

    def _previous_failed(self, asked: RankingTable, exc: BaseException) -> None:
        if isValid(self) and self.ranking is asked:
            self.summary.setText(self.summary.text() + f"　（上期名次未能计算：{exc}）")

    def _fill_filters(self, table: RankingTable) -> None:
        self.area_label.setText("所在单位：" if table.subject_kind == "staff" else "街道/乡镇：")
        for combo, values in ((self.area_combo, table.areas), (self.group_combo, table.groups)):
            keep = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL)
            combo.addItems(list(values))
            combo.setCurrentIndex(max(combo.findText(keep), 0))
            combo.setEnabled(bool(values))
            combo.blockSignals(False)
        self.group_rank_check.setEnabled(bool(table.groups))
        self._filter()

    def _size_columns(self, table: RankingTable) -> None:
        """Each column as wide as its header and its widest text (names and areas capped,
        their tooltips carry the rest). Texts are measured once per distinct value and
        numbers by their widest figure, never by asking Qt to lay out every row."""
        metrics = self.table.fontMetrics()
        bold = self.table.font()
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        header = self.table.horizontalHeader()
        caps = {"name": 260, "area": 150, "group": 150}
        for column, (kind, _) in enumerate(self.model._kinds):
            texts = self.model.widest_texts(column)
            measure = bold_metrics if kind == "total" else metrics
            content = max((measure.horizontalAdvance(t) for t in texts), default=0) + 16
            width = max(metrics.horizontalAdvance(self.model.headers[column]) + 24, content)
            header.resizeSection(column, min(width, caps.get(kind, 400)))

    # ------------------------------------------------------------------ filtering
    def _filter(self) -> None:
        area = self.area_combo.currentText()
        group = self.group_combo.currentText()
        self.model.set_filter("" if area in (ALL, "") else area, "" if group in (ALL, "") else group)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.total_rows
        shown_rows = self.model.rowCount()
        part = f"，显示 {shown_rows} 个" if shown_rows != total else ""
        self.count_label.setText(f"共 {total} 个对象{part}；双击一行查看明细，点击列标题排序")

    def _group_rank_toggled(self, on: bool) -> None:
        self.model.set_by_group(on)
        if self.ranking is not None:
            self._size_columns(self.ranking)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def set_filter(self, area: str = "", group: str = "") -> None:
        """Show only one area's and/or one group's subjects ("" for all)."""
        self.area_combo.setCurrentIndex(max(self.area_combo.findText(area or ALL), 0))
        self.group_combo.setCurrentIndex(max(self.group_combo.findText(group or ALL), 0))

    def visible_codes(self) -> list[str]:
        return [self.model.code_at(r) for r in range(self.model.rowCount())]

    # ------------------------------------------------------------------ drill-down
    def selected_code(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.code_at(rows[0].row()) if rows else None

    def open_drill_down(self, code: str | None = None) -> DrillDownDialog | None:
        code = code or self.selected_code() or (self.visible_codes() or [None])[0]
        if code is None or self.assessment_id is None:
            return None
        dialog = self.drill = DrillDownDialog(self.db, self.assessment_id, code,
                                              normalised=self.normalise_check.isChecked(), parent=self)
        dialog.score_changed.connect(self._score_changed)
        dialog.open()
        return dialog

    def open_annual(self) -> AnnualDialog:
        """年度汇总 for the chosen assessment's year and rubric; a saved 年度综合 joins the
        list of assessments when the dialog closes."""
        chosen = next((c for c in self.choices if c.id == self.assessment_id), None)
        year = int(chosen.period_key[:4]) if chosen else date.today().year
        dialog = self.annual = AnnualDialog(self.db, year, chosen.rubric_code if chosen else "",
                                            parent=self)
        dialog.finished.connect(lambda _: self._annual_closed(dialog))
        dialog.open()
        return dialog

    def _annual_closed(self, dialog: AnnualDialog) -> None:
        if dialog.saved_id is not None:
            self._announce("assessments")
            self.refresh()
            self.select_assessment(dialog.saved_id)

    def _score_changed(self) -> None:
        self._announce("scores")
        self.load()

    # ------------------------------------------------------------------ grades
    def save_grades(self, grades: dict) -> bool:
        if self.assessment_id is None:
            return False
        db, aid = self.db, self.assessment_id
        try:
            info = call_writing(self, "保存等次",
                                lambda: grade_scale.save_grade_scale(db, aid, grades), db=db)
        except InputError as exc:
            show_error(self, "保存等次", exc)
            return False
        self.message.setText(f"等次已保存为细则 {info.code} 第 {info.version} 版，并用于本考核。")
        self._announce("rubrics")
        self.load()
        return True

    # ------------------------------------------------------------------ review
    def set_admin(self, is_admin: bool) -> None:
        self.is_admin = is_admin
        self.review.set_admin(is_admin)

    def start_review(self, action: str) -> ReviewDialog | None:
        if self.ranking is None:
            return None
        period = assessments.default_objection_dates(self.db) if action == "publish" else None
        dialog = self.review_dialog = ReviewDialog(action, self.ranking.name, self.actor, self,
                                                   period=period)
        dialog.accepted.connect(lambda: self.run_review(dialog))
        dialog.open()
        return dialog

    def run_review(self, dialog: ReviewDialog) -> bool:
        """Carry out the dialog's step through the service; its refusal is shown."""
        if self.assessment_id is None:
            return False
        start, end = dialog.objection_dates()
        # read from the dialog here: the step may run again on a worker while another
        # writer holds the database (call_writing), where widgets must not be touched
        db, aid, action, actor, reason = (self.db, self.assessment_id, dialog.action,
                                          dialog.actor, dialog.reason)
        admin = self.is_admin
        try:
            info = call_writing(self, dialog.windowTitle(), lambda: assessments.change_state(
                db, aid, action, actor=actor, reason=reason, actor_is_admin=admin,
                objection_start=start, objection_end=end), db=db)
        except InputError as exc:
            show_error(self, dialog.windowTitle(), exc)
            return False
        self.actor = dialog.actor or self.actor
        self.message.setText(f"考核现为“{STATE_NAMES[State(info.state)]}”。")
        self._announce("assessments")
        self.refresh()
        return True

    # ------------------------------------------------------------------ charts
    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.charts_holder:
            self.show_charts()

    def show_charts(self, kind: str | None = None, subject: str | None = None):
        """Build the charts on first use (QtCharts loads here) and show one."""
        if self.charts is None:
            from .charts import ChartsPanel

            self.charts = ChartsPanel(self._trend)
            self.charts_holder.layout().addWidget(self.charts)
            self.charts.set_table(self.ranking, subject or self.selected_code())
        self.tabs.setCurrentWidget(self.charts_holder)
        if kind is not None:
            self.charts.show_kind(kind, subject)
        return self.charts

    def _trend(self, code: str):
        return standings.subject_trend(self.db, self.assessment_id, code) if self.assessment_id else []

    # ------------------------------------------------------------------ changes
    def on_changed(self, what: str) -> None:
        if not self._own_change:
            super().on_changed(what)

    def _announce(self, what: str) -> None:
        self._own_change = True
        try:
            self.changes.changed.emit(what)
        finally:
            self._own_change = False
