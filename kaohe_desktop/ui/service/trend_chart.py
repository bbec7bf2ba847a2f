"""趋势 on the 服务记录 page: one measure of one person (or window/unit) month by month over a
year, as a line (QtCharts, from PySide6-Addons).

Imported only when the 趋势 tab is first shown, so QtCharts costs nothing until then. The
numbers are `service_stats.trend`; the page hands over the year's months for every subject
and the chosen subject's code. Rates are drawn in percent; a month with nothing to divide,
or with no records of the measure's kind at all (before the first export, or a month whose
file was never imported), leaves a gap rather than a fall to zero.
"""

from __future__ import annotations

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kaohe_desktop.services.service_stats import Trend

from ..ranking.charts import _font, _style, _value_axis
from .measures_model import MEASURES, shown, value_of

LINE = QColor("#2f6fb3")
COUNTS = {"requests", "finished", "ratings", "bad_ratings", "complaints", "valid_complaints"}


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trends: dict[str, Trend] = {}
        self.year = 0
        self.measure_combo = QComboBox()
        for m in MEASURES:
            self.measure_combo.addItem(m.title, m.key)
        self.subject_combo = QComboBox()
        self.subject_combo.setMinimumWidth(220)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("指标："))
        bar.addWidget(self.measure_combo)
        bar.addWidget(QLabel("对象："))
        bar.addWidget(self.subject_combo)
        bar.addStretch(1)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(300)
        self.note = QLabel()
        self.note.setStyleSheet("color:#5f6368;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.measure_combo.currentIndexChanged.connect(self.redraw)
        self.subject_combo.currentIndexChanged.connect(self.redraw)

    def set_trends(self, trends: list[Trend], year: int, subject: str | None) -> None:
        """The year's months of every subject; show `subject` (a code) if given."""
        self.trends = {t.code: t for t in trends}
        self.year = year
        keep = subject or self.subject_combo.currentData()
        self.subject_combo.blockSignals(True)
        self.subject_combo.clear()
        for t in trends:
            self.subject_combo.addItem(f"{t.code} {t.name}", t.code)
        self.subject_combo.setCurrentIndex(max(0, self.subject_combo.findData(keep)))
        self.subject_combo.blockSignals(False)
        self.redraw()

    def show_subject(self, code: str) -> None:
        index = self.subject_combo.findData(code)
        if index >= 0:
            self.subject_combo.setCurrentIndex(index)

    def show_measure(self, key: str) -> None:
        self.measure_combo.setCurrentIndex(self.measure_combo.findData(key))

    def points(self) -> list[tuple[int, float | None]]:
        """(month, value as drawn: percent for a rate) of the shown subject and measure."""
        trend = self.trends.get(self.subject_combo.currentData())
        measure = MEASURES[max(0, self.measure_combo.currentIndex())]
        if trend is None:
            return []
        out = []
        recorded = trend.recorded or [frozenset(measure.records)] * len(trend.months)
        for (_, month), row, kinds in zip(trend.months, trend.rows, recorded, strict=True):
            v = value_of(row, measure.key) if kinds.issuperset(measure.records) else None
            out.append((month, None if v is None else float(v) * (100 if measure.rate else 1)))
        return out

    def redraw(self) -> None:
        measure = MEASURES[max(0, self.measure_combo.currentIndex())]
        trend = self.trends.get(self.subject_combo.currentData())
        chart = QChart()
        points = self.points()
        segments: list[QLineSeries] = []
        current: QLineSeries | None = None
        for month, v in points:
            if v is None:
                current = None  # a gap: nothing to divide that month
                continue
            if current is None:
                current = QLineSeries()
                current.setPen(QPen(LINE, 2.5))
                current.setPointsVisible(True)
                segments.append(current)
            current.append(QPointF(month, v))
        for s in segments:
            chart.addSeries(s)
        axis_x = QCategoryAxis()
        axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for m in range(1, 13):
            axis_x.append(f"{m}月", m)
        axis_x.setRange(1, 12)
        values = [v for _, v in points if v is not None]
        top = 100.0 if measure.rate else max(values, default=0) or 1
        axis_y = _value_axis("%" if measure.rate else measure.title, top)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for s in segments:
            s.attachAxis(axis_x)
            s.attachAxis(axis_y)
        name = f"{trend.code} {trend.name}" if trend else ""
        _style(chart, f"{self.year} 年 {name} {measure.title}（按月）")
        chart.legend().hide()
        axis_x.setLabelsFont(_font(9))
        self.view.setChart(chart)
        filled = [(m, v) for m, v in points if v is not None]
        if filled:
            best = max(filled, key=lambda p: p[1])
            raw: float | int = best[1] / 100 if measure.rate else best[1]
            if measure.key in COUNTS:
                raw = int(raw)  # drawn as a float, a count all the same
            self.note.setText(f"有数据的月份 {len(filled)} 个；最高 {best[0]} 月 {shown(measure, raw)}。"
                              "没有导入记录或无从计算的月份不画点。")
        else:
            self.note.setText(f"{self.year} 年没有这一项的数据。")
