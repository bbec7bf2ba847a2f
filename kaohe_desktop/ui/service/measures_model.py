"""The measures table of the 服务记录 page: one row per person (or window/unit), each key
measure followed by its change against the previous period of the same length (较上期).

Rates show as percentages and their change in percentage points; a change is green when it
is better and red when worse (fewer days, hours, 差评 and 有效投诉 are better). The tooltip of every
measure names the previous period's value. Sorting is by the number, not the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from kaohe_desktop.domain.service_measures import Measures
from kaohe_desktop.services.service_stats import Compared, UnitCost

from ..common.tables import Column, ColumnsModel, Index

BETTER = QColor("#188038")
WORSE = QColor("#c5221f")
SORT_ROLE = Qt.ItemDataRole.UserRole
LOWEST = float("-inf")  # a measure with nothing to divide sorts below every value


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    rate: bool = False          # a fraction shown as a percentage
    lower_better: bool = False  # fewer is better (days, 差评, 有效投诉)
    compared: bool = False      # followed by a 较上期 column
    records: tuple[str, ...] = ("requests",)  # the kinds of record it is counted from


MEASURES = (
    Measure("requests", "办件量", compared=True),
    Measure("finished", "办结"),
    Measure("on_time_rate", "按时办结率", rate=True, compared=True),
    Measure("avg_days", "平均办理工作日", lower_better=True, compared=True),
    Measure("avg_hours", "即办件平均时长（小时）", lower_better=True, compared=True),
    Measure("ratings", "评价数", records=("ratings",)),
    Measure("satisfied_rate", "满意率", rate=True, compared=True, records=("ratings",)),
    Measure("bad_ratings", "差评", lower_better=True, compared=True, records=("ratings",)),
    Measure("bad_rectified_rate", "整改及时率", rate=True, records=("ratings",)),
    Measure("visit_rate", "回访率", rate=True, records=("ratings",)),
    Measure("complaints", "投诉", records=("complaints",)),
    Measure("valid_complaints", "有效投诉", lower_better=True, compared=True,
            records=("complaints",)),
    Measure("valid_per_1000", "有效投诉/千件", lower_better=True,
            records=("requests", "complaints")),
)
BY_KEY = {m.key: m for m in MEASURES}
_AVERAGES = ("avg_days", "avg_hours")  # their change shows 2 decimals, as they do
# by window/unit only: its people, 办件 per person in the period, the year's cost per person
PER_UNIT = (Measure("staff", "在岗人员"), Measure("requests_per_person", "人均办件量"),
            Measure("cost_per_person", "人均成本（元）", lower_better=True))


def value_of(m: Measures, key: str) -> float | int | None:
    """A measure of one subject: a count from its tally or a computed rate."""
    d = m.as_dict()
    return d[key] if key in d else getattr(m, key)


def measure_values(m: Measures) -> dict[str, float | int | None]:
    """Every measure of the table for one subject, computed once."""
    d = m.as_dict()
    return {x.key: d[x.key] if x.key in d else getattr(m, x.key) for x in MEASURES}


def shown(measure: Measure, value: float | int | None) -> str:
    if value is None:
        return "—"
    if measure.rate:
        return f"{float(value) * 100:.2f}%"
    if measure.key == "cost_per_person":
        return f"{value:,.2f}"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def change(measure: Measure, now: float | int | None, before: float | int | None) -> float | None:
    """now − before, in percentage points for a rate; None when either is missing."""
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    return round(diff * 100, 2) if measure.rate else round(diff, 2)


def change_text(measure: Measure, diff: float | None) -> str:
    if diff is None:
        return "—"
    if diff == 0:
        return "持平"
    number = f"{abs(diff):.2f}" if measure.rate or measure.key in _AVERAGES else f"{abs(diff):g}"
    return ("↑ " if diff > 0 else "↓ ") + number  # a rate's change: percentage points (tooltip)


def _computed(_row: Compared) -> None:
    """A column's values are computed once per row in `set_rows` (a table of 300 people
    asks for each cell many times while sizing and sorting)."""


class MeasuresModel(ColumnsModel):
    """Rows: `Compared` (this period and the one before)."""

    def __init__(self, parent=None) -> None:
        columns: list[Column] = [Column("编号", _computed, 5), Column("姓名", _computed, 6)]
        self.kinds: list[tuple[Measure, str]] = [(MEASURES[0], "text"), (MEASURES[0], "text")]
        for m in MEASURES:
            columns.append(Column(m.title, _computed, 5, right=True))
            self.kinds.append((m, "value"))
            if m.compared:
                columns.append(Column("较上期", _computed, 6, right=True))
                self.kinds.append((m, "change"))
        self.unit_columns = []
        for m in PER_UNIT:
            self.unit_columns.append(len(columns))
            columns.append(Column(m.title, _computed, 6, right=True))
            self.kinds.append((m, "value"))
        super().__init__(columns, parent)
        self.previous = ""
        # per row: (cell values, this period's measures, the previous period's)
        self._cells: list[tuple[list[Any], dict[str, Any], dict[str, Any]]] = []

    @staticmethod
    def _per_unit(key: str, c: Compared, u: UnitCost | None) -> float | int | None:
        if u is None:
            return None
        if key == "staff":
            return u.staff
        if key == "cost_per_person":
            return None if u.per_person is None else float(u.per_person)
        return round(c.now.tally.requests / u.staff, 2) if u.staff else None

    def set_rows(self, rows: list[Compared], previous: str, by: str,
                 units: dict[str, UnitCost] | None = None) -> None:
        """`units`: by window/unit, each unit's people and yearly cost (人均 columns)."""
        self.beginResetModel()
        self.rows = rows
        self.previous = previous
        units = units or {}
        self._cells = []
        for c in rows:
            now, before = measure_values(c.now), measure_values(c.before)
            cells: list[Any] = [c.now.code, c.now.name]
            for m in MEASURES:
                cells.append(now[m.key])
                if m.compared:
                    cells.append(change(m, now[m.key], before[m.key]))
            cells.extend(self._per_unit(m.key, c, units.get(c.now.code)) for m in PER_UNIT)
            self._cells.append((cells, now, before))
        self.columns[1] = Column("姓名" if by == "person" else "窗口/单位", _computed, 6)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cells, now, before = self._cells[index.row()]
        measure, what = self.kinds[index.column()]
        value = cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if what == "text":
                return value
            return shown(measure, value) if what == "value" else change_text(measure, value)
        if role == SORT_ROLE:
            if what == "text":
                return value
            return LOWEST if value is None else float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and what != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and what == "change" and value:
            better = (value < 0) if measure.lower_better else (value > 0)
            return BETTER if better else WORSE
        if role == Qt.ItemDataRole.ToolTipRole and measure in PER_UNIT:
            return {"staff": "单位的在岗人员数", "requests_per_person": "本期办件量 ÷ 在岗人员",
                    "cost_per_person": "所在年度的单位成本 ÷ 在岗人员（在“人均成本”页填写成本）"}[measure.key]
        if role == Qt.ItemDataRole.ToolTipRole and what != "text":
            unit = "；变化以百分点计" if measure.rate and what == "change" else ""
            return f"{measure.title}：本期 {shown(measure, now[measure.key])}，" \
                   f"上期（{self.previous}）{shown(measure, before[measure.key])}{unit}"
        return None


def make_proxy(model: MeasuresModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
