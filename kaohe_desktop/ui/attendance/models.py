"""Table models of the 考勤 page: the day log, the monthly summary and the people of an
import preview, over lists already loaded by one service call.

The day log of a township month is 300 people × 31 days ≈ 9,300 rows: filtering by unit,
person and status is done once in Python over the plain rows (`DayLogProxy` looks the
answer up per row), not by asking data() for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.services.results import DayLogRow, PersonPreview, SummaryRow

from ..common.tables import Column, ColumnsModel
from ..roster.models import collator, filter_change

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
WEEKDAYS = "一二三四五六日"
STATUSES = ("正常", "迟到", "早退", "缺卡", "旷工", "请假", "休息")
ANOMALIES = "只看异常"  # a status filter: any of ANOMALY_KINDS
ANOMALY_KINDS = frozenset({"迟到", "早退", "缺卡", "旷工"})
STATUS_COLOURS = {"旷工": QColor("#c5221f"), "迟到": QColor("#b06000"), "早退": QColor("#b06000"),
                  "缺卡": QColor("#b06000"), "请假": QColor("#1a73e8"), "休息": QColor("#80868b"),
                  "正常": QColor("#137333")}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _new_punches(p: PersonPreview) -> object:
    """How many punches are new for a matched person; for the others it depends on the
    choice (a new person: all of them; skipped: none)."""
    return p.new_punches if p.status == "matched" else "待定"


def day_text(row: DayLogRow) -> str:
    return f"{row.day:%m-%d} 周{WEEKDAYS[row.day.weekday()]}"


def status_colour(kinds: Sequence[str]) -> QColor | None:
    for kind in ("旷工", "迟到", "早退", "缺卡", "请假", "休息", "正常"):
        if kind in kinds:
            return STATUS_COLOURS[kind]
    return None


class RowsModel(ColumnsModel):
    """Read-only rows shown through `columns`; numbers align right and sort as numbers.

    Sorting is done here, in Python, one key per row (a proxy sorting through data()
    makes ~250,000 calls for a 9,300-row month). `rows` is replaced by a new list
    whenever its content or order changes, so a proxy can tell by identity that what it
    computed is stale. Rows arrive in code order, which is column 0 ascending.
    """

    NATURAL = (0, Qt.SortOrder.AscendingOrder)

    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(columns, parent)
        self._sort = self.NATURAL

    def set_rows(self, rows: Sequence[Any], columns: Sequence[Column] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if columns is not None and [c.title for c in columns] != [c.title for c in self.columns]:
            self.columns = list(columns)
            if self._sort[0] >= len(self.columns):
                self._sort = self.NATURAL
        elif columns is not None:
            self.columns = list(columns)
        if self._sort != self.NATURAL:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or (column, order) == self._sort:
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        col = self.columns[column]
        if col.right:
            def key(row: Any) -> Any:
                try:
                    return float(col.value(row) or 0)
                except (TypeError, ValueError):
                    return 0.0
        else:
            sort_key = collator().sortKey

            def key(row: Any) -> Any:
                return sort_key(str(col.value(row) or ""))
        self.rows = sorted(self.rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.value(row)
            return value if isinstance(value, str) else "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            value = col.value(row)
            return value if isinstance(value, str) and len(value) > col.chars else None
        if role == ROW_ROLE:
            return row
        return self.extra(row, index.column(), role)

    def extra(self, row: Any, column: int, role: int) -> Any:
        return None


# ---------------------------------------------------------------------------- day log


class DayLogModel(RowsModel):
    STATUS_COLUMN = 7

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("编号", lambda r: r.staff_code, 5), Column("姓名", lambda r: r.name, 5),
            Column("单位", lambda r: r.unit_name, 10), Column("日期", day_text, 6),
            Column("打卡", lambda r: " ".join(r.punches), 12),
            Column("上班", lambda r: r.check_in, 4), Column("下班", lambda r: r.check_out, 4),
            Column("状态", lambda r: r.status + ("（按导出文件的结果）" if r.from_report else ""), 16),
        ], parent)

    def extra(self, row: DayLogRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS_COLUMN:
            return status_colour(row.kinds)
        if role == Qt.ItemDataRole.BackgroundRole and not row.workday:
            return QColor("#f5f5f5")
        return None


class RowFilterProxy(QSortFilterProxyModel):
    """Filters the plain rows of a RowsModel by unit name, person (code or name, any part)
    and, for day-log rows, status; sorting is passed to the source model. Which rows pass
    is computed for all rows at once (`_compute`), filterAcceptsRow only looks it up."""

    def __init__(self, source: RowsModel, parent=None) -> None:
        super().__init__(parent)
        self.source = source
        self.unit = ""
        self.person = ""
        self.status = ""
        self._passed: list[bool] = []
        self._passed_for: list[Any] | None = None
        self.setSourceModel(source)

    def set_filter(self, *, unit: str | None = None, person: str | None = None,
                   status: str | None = None) -> None:
        new = (self.unit if unit is None else unit, self.person if person is None else person.strip(),
               self.status if status is None else status)
        if new == (self.unit, self.person, self.status):
            return
        with filter_change(self):
            self.unit, self.person, self.status = new
            self._passed_for = None

    def _compute(self) -> None:
        rows = self.source.rows
        unit, needle, status = self.unit, self.person.casefold(), self.status

        def status_ok(r: Any) -> bool:
            kinds = getattr(r, "kinds", None)
            if not status or kinds is None:
                return True
            return bool(ANOMALY_KINDS.intersection(kinds)) if status == ANOMALIES else status in kinds

        self._passed = [(not unit or r.unit_name == unit)
                        and (not needle or needle in r.staff_code.casefold() or needle in r.name.casefold())
                        and status_ok(r) for r in rows]
        self._passed_for = rows

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._passed_for is not self.source.rows:
            self._compute()
        return self._passed[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def row_at(self, index: Index) -> Any:
        return self.source.rows[self.mapToSource(index).row()]

    def visible_rows(self) -> list[Any]:
        return [self.row_at(self.index(r, 0)) for r in range(self.rowCount())]


# ---------------------------------------------------------------------------- summary


def summary_columns(leave_kinds: Sequence[str]) -> list[Column]:
    def leave(kind: str) -> Callable[[SummaryRow], object]:
        return lambda r: shown(r.leave_days[kind]) if kind in r.leave_days else ""

    return [Column("编号", lambda r: r.staff_code, 5), Column("姓名", lambda r: r.name, 5),
            Column("单位", lambda r: r.unit_name, 10),
            Column("应出勤(天)", lambda r: r.workdays, 4, True),
            Column("迟到(次)", lambda r: r.late, 3, True),
            Column("迟到(分钟)", lambda r: r.late_minutes, 4, True),
            Column("早退(次)", lambda r: r.early, 3, True),
            Column("早退(分钟)", lambda r: r.early_minutes, 4, True),
            Column("缺卡(次)", lambda r: r.missing, 3, True),
            Column("旷工(天)", lambda r: shown(r.absent_days), 3, True),
            *(Column(f"{k}(天)", leave(k), 3, True) for k in leave_kinds)]


class SummaryModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(summary_columns(()), parent)
        self.leave_kinds: tuple[str, ...] = ()

    def set_summary(self, rows: Sequence[SummaryRow]) -> None:
        self.leave_kinds = tuple(sorted({k for r in rows for k in r.leave_days}, key=collator().sortKey))
        self.set_rows(rows, summary_columns(self.leave_kinds))

    def extra(self, row: SummaryRow, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ForegroundRole:
            return None
        title = self.columns[column].title
        if title.startswith("旷工") and row.absent_days > 0:
            return STATUS_COLOURS["旷工"]
        if ((title.startswith("迟到") and row.late) or (title.startswith("早退") and row.early)
                or (title.startswith("缺卡") and row.missing)):
            return STATUS_COLOURS["迟到"]
        return None


# ---------------------------------------------------------------------------- import preview


def _span(p: PersonPreview) -> str:
    if p.first_day is None:
        return ""
    return f"{p.first_day:%m-%d}～{p.last_day:%m-%d}" if p.last_day != p.first_day else f"{p.first_day:%m-%d}"


def _target(p: PersonPreview) -> str:
    if p.status == "matched":
        return f"{p.staff_code} {p.staff_name}（按{p.matched_by}）"
    if p.status == "ambiguous":
        return "同名待选：" + "、".join(f"{c.code}（{c.unit_name}）" for c in p.candidates)
    return "名册中没有"


class PeopleModel(RowsModel):
    """The people of an import preview; the 处理 column holds a choice widget for each
    person who needs one (set by the dialog with setIndexWidget)."""

    CHOICE_COLUMN = 7
    ERROR = QColor("#c5221f")
    WARN = QColor("#b06000")

    def __init__(self, people: Sequence[PersonPreview], parent=None) -> None:
        super().__init__([
            Column("考勤号", lambda p: p.person_id, 6), Column("姓名", lambda p: p.name, 5),
            Column("天数", lambda p: p.days, 3, True), Column("打卡", lambda p: p.punches, 3, True),
            Column("新增打卡", _new_punches, 4, True), Column("日期", _span, 7),
            Column("匹配结果", lambda p: p.status_text, 4),
            Column("名册人员 / 处理", _target, 27), Column("说明", lambda p: p.note, 12),
        ], parent)
        self.set_rows(people)

    def extra(self, row: PersonPreview, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            return {"ambiguous": self.WARN, "unmatched": self.ERROR}.get(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == 8 and row.note:
            return self.WARN
        return None
