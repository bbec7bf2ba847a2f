"""图表 on the 排名 page (QtCharts, from PySide6-Addons): the distribution of totals
coloured by grade, a subject's sections against the average, a subject's trend.

Imported only when the charts tab is first shown, so QtCharts costs nothing until then.
The numbers come from the services (`RankingTable`, `standings.subject_trend`); binning
is `domain.standings.histogram`. Every label is Chinese and drawn with the application
font (the shipped CJK font). A chart is saved as PNG with `save_png`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.domain.standings import histogram
from kaohe_desktop.services.ranking_results import RankingTable, TrendPoint

from .model import grade_chart_colors

KINDS = (("distribution", "总分分布"), ("sections", "分项得分与平均"), ("trend", "总分走势"))


def _font(size: float = 0, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    if size:
        font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _style(chart: QChart, title: str) -> None:
    chart.setTitle(title)
    chart.setTitleFont(_font(12, True))
    chart.legend().setFont(_font(9))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    for axis in chart.axes():
        axis.setLabelsFont(_font(9))
        axis.setTitleFont(_font(9))


def _value_axis(title: str, top: float, ticks: int = 0) -> QValueAxis:
    """0…top on round numbers: a step of 1, 2, 5, 10 or 20 with at most 11 ticks."""
    axis = QValueAxis()
    axis.setTitleText(title)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if top / s <= 10), 100)
    top = math.ceil(top / step) * step
    axis.setRange(0, top)
    axis.setTickCount(ticks or int(top / step) + 1)
    axis.setLabelFormat("%g")
    return axis


class ChartsPanel(QWidget):
    def __init__(self, trend_source: Callable[[str], list[TrendPoint]], parent=None) -> None:
        super().__init__(parent)
        self.trend_source = trend_source
        self.table: RankingTable | None = None
        self.kind_combo = QComboBox()
        for key, name in KINDS:
            self.kind_combo.addItem(name, key)
        self.subject_combo = QComboBox()
        self.subject_combo.setMinimumWidth(220)
        self.save_button = QPushButton("保存为图片…")
        self.note = QLabel()
        self.note.setStyleSheet("color: #666;")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("图表："))
        bar.addWidget(self.kind_combo)
        bar.addWidget(QLabel("对象："))
        bar.addWidget(self.subject_combo)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(360)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.kind_combo.currentIndexChanged.connect(self.redraw)
        self.subject_combo.currentIndexChanged.connect(self.redraw)
        self.save_button.clicked.connect(self.ask_save)

    # ------------------------------------------------------------------ input
    def set_table(self, table: RankingTable | None, subject: str | None = None) -> None:
        self.table = table
        keep = subject or self.subject_combo.currentData()
        self.subject_combo.blockSignals(True)
        self.subject_combo.clear()
        for r in table.rows if table else ():
            self.subject_combo.addItem(f"{r.subject_code} {r.subject_name}", r.subject_code)
        found = self.subject_combo.findData(keep)
        self.subject_combo.setCurrentIndex(max(found, 0))
        self.subject_combo.blockSignals(False)
        self.redraw()

    def show_kind(self, kind: str, subject: str | None = None) -> None:
        if subject is not None:
            found = self.subject_combo.findData(subject)
            if found >= 0:
                self.subject_combo.blockSignals(True)
                self.subject_combo.setCurrentIndex(found)
                self.subject_combo.blockSignals(False)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        self.redraw()

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    # ------------------------------------------------------------------ drawing
    def redraw(self) -> None:
        self.subject_combo.setEnabled(self.kind != "distribution")
        chart = QChart()
        if self.table is None or not self.table.rows:
            _style(chart, "没有可显示的数据")
        elif self.kind == "distribution":
            self._distribution(chart, self.table)
        elif self.kind == "sections":
            self._sections(chart, self.table, self.subject_combo.currentData())
        else:
            self._trend(chart, self.table, self.subject_combo.currentData())
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _distribution(self, chart: QChart, table: RankingTable) -> None:
        width = Decimal(5) if table.full_marks >= 50 else Decimal(1)
        bins = histogram([r.total for r in table.rows], width)
        labels = [f"{shown(low)}–{shown(high)}" for low, high in bins]
        series = QStackedBarSeries()
        colors = grade_chart_colors(len(table.grade_names))
        for g, name in enumerate(table.grade_names):
            bar_set = QBarSet(name)
            bar_set.setColor(colors[g])
            for low, high in bins:
                bar_set.append(sum(1 for r in table.rows if r.grade == name
                                   and low <= round2(r.total) < high))
            series.append(bar_set)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(labels)
        axis_x.setTitleText("总分区间")
        most = max((sum(1 for r in table.rows if low <= round2(r.total) < high) for low, high in bins),
                   default=1)
        axis_y = _value_axis("对象数", max(most, 1))
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        _style(chart, f"{table.name}　总分分布（按等次着色，共 {len(table.rows)} 个对象）")
        counts = "，".join(f"{n} {sum(1 for r in table.rows if r.grade == n)} 个" for n in table.grade_names)
        self.note.setText(f"每格 {shown(width)} 分；{counts}")

    def _sections(self, chart: QChart, table: RankingTable, code: str | None) -> None:
        row = next((r for r in table.rows if r.subject_code == code), table.rows[0])
        n = len(table.rows)
        mine = QBarSet(row.subject_name)
        mine.setColor(QColor("#2f6fb3"))
        mean = QBarSet(f"全部 {n} 个对象平均")
        mean.setColor(QColor("#b0b7c3"))
        labels = []
        for i, section in enumerate(table.sections):
            mine.append(float(round2(row.sections[i])))
            mean.append(float(round2(sum((r.sections[i] for r in table.rows), Decimal(0)) / n)))
            labels.append(f"{section.short_title}（{shown(section.max)}）")
        for bar_set in (mine, mean):
            bar_set.setLabelFont(_font(8))
        series = QBarSeries()
        series.append(mine)
        series.append(mean)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(labels)
        axis_x.setTitleText("分项（括号内为满分）")
        top = float(max(s.max for s in table.sections)) * 1.08
        axis_y = _value_axis("得分", top)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        _style(chart, f"{row.subject_name}　分项得分与平均")
        place = f"第 {row.rank} 名" if row.rank is not None else row.grade_text
        self.note.setText(f"{row.subject_code} {row.subject_name}：总分 {shown(row.total)}，{place}")

    def _trend(self, chart: QChart, table: RankingTable, code: str | None) -> None:
        code = code or table.rows[0].subject_code
        row = next((r for r in table.rows if r.subject_code == code), table.rows[0])
        points = self.trend_source(code)
        labels = [p.period_label.split("年", 1)[-1] if table.period_kind in ("month", "quarter")
                  else p.period_label for p in points]
        line = QLineSeries()
        line.setName("总分")
        line.setColor(QColor("#2f6fb3"))
        line.setPointsVisible(True)
        line.setMarkerSize(6)
        pen = line.pen()
        pen.setWidth(2)
        line.setPen(pen)
        for x, p in enumerate(points):
            if p.total is not None:
                line.append(QPointF(x, float(round2(p.total))))
        line.setPointLabelsVisible(True)
        line.setPointLabelsFont(_font(9))
        line.setPointLabelsColor(QColor("#1f3f66"))
        line.setPointLabelsFormat("@yPoint")
        chart.addSeries(line)
        axis_x = QBarCategoryAxis()
        axis_x.append(labels or ["—"])
        axis_x.setTitleText("考核周期")
        totals = [float(round2(p.total)) for p in points if p.total is not None]
        top = max([float(table.full_marks), *totals]) * 1.05
        axis_y = _value_axis("总分", top)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)
        span = {"month": "各月", "quarter": "各季度"}.get(table.period_kind, "历次")
        year = points[0].period_key[:4] if points and table.period_kind in ("month", "quarter") else ""
        _style(chart, f"{row.subject_name}　{year + '年' if year else ''}{span}总分走势")
        ranks = "，".join(f"{lab} {shown(p.total)} 分（第 {p.rank} 名）"
                         for lab, p in zip(labels, points, strict=True) if p.total is not None)
        self.note.setText(f"各期总分与名次：{ranks or '无'}")

    # ------------------------------------------------------------------ saving
    def save_png(self, path: Path) -> Path:
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        if not self.view.grab().save(str(path), "PNG"):
            raise OSError(f"无法保存图片 {path}")
        return path

    def ask_save(self) -> None:
        name = self.kind_combo.currentText()
        path, _ = QFileDialog.getSaveFileName(self, "保存图表", str(Path.home() / f"{name}.png"),
                                              "PNG 图片 (*.png)")
        if path:
            self.save_png(Path(path))
