"""Models of the 站点与人员 page: the area → unit tree, and table models over plain rows.

Everything here works on lists already loaded by one service call; nothing queries the
database per row. Tables sort in Python (one key per row, not a data() call per
comparison) and filter through `RosterFilterProxy`, which reads the rows directly, so
50,000 staff filter in a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from kaohe_desktop.services.results import UnitInfo

from ..common.tables import Column, ColumnsModel

INACTIVE = QColor("#9aa0a6")
_collator: QCollator | None = None


def collator() -> QCollator:
    """Chinese collation (pinyin order) with numbers compared as numbers (第2 before 第10)."""
    global _collator
    if _collator is None:
        _collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        _collator.setNumericMode(True)
    return _collator
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root: the default `parent` argument


@dataclass(frozen=True)
class Scope:
    """What the tree has selected: every unit, one area ("" = units without one), one unit."""

    kind: str  # "all" | "area" | "unit"
    key: str = ""


ALL = Scope("all")
NO_AREA = "（未分区）"


class AreaTreeModel(QAbstractItemModel):
    """Row 0: 全部站点; then one row per area with its units as children.

    Index ids: 0 for a top-level row; for a unit, the row of its area (≥ 1).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._areas: list[tuple[str, list[UnitInfo]]] = []
        self._total = 0
        self.row_height = 0  # 0: the style's

    def set_tree(self, areas: list[tuple[str, list[UnitInfo]]]) -> None:
        self.beginResetModel()
        self._areas = areas
        self._total = sum(len(units) for _, units in areas)
        self.endResetModel()

    # --------------------------------------------------------------- structure
    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() if parent.isValid() else 0)

    def parent(self, child: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId(), 0, 0)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return 1 + len(self._areas)
        if parent.internalId() == 0 and parent.row() > 0 and parent.column() == 0:
            return len(self._areas[parent.row() - 1][1])
        return 0

    def columnCount(self, parent: Index = ROOT) -> int:
        return 1

    # --------------------------------------------------------------- content
    def unit_at(self, index: Index) -> UnitInfo | None:
        if index.isValid() and index.internalId() > 0:
            return self._areas[index.internalId() - 1][1][index.row()]
        return None

    def scope(self, index: Index) -> Scope:
        if not index.isValid() or (index.internalId() == 0 and index.row() == 0):
            return ALL
        if index.internalId() == 0:
            return Scope("area", self._areas[index.row() - 1][0])
        return Scope("unit", self._areas[index.internalId() - 1][1][index.row()].code)

    def index_of(self, scope: Scope) -> QModelIndex:
        for a, (name, units) in enumerate(self._areas, start=1):
            if scope.kind == "area" and name == scope.key:
                return self.index(a, 0)
            if scope.kind == "unit":
                for r, u in enumerate(units):
                    if u.code == scope.key:
                        return self.index(r, 0, self.index(a, 0))
        return self.index(0, 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        unit = self.unit_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if unit is not None:
                return unit.name
            if index.row() == 0:
                return f"全部站点（{self._total}）"
            name, units = self._areas[index.row() - 1]
            return f"{name or NO_AREA}（{len(units)}）"
        if role == Qt.ItemDataRole.ToolTipRole and unit is not None:
            return f"{unit.code} {unit.name}" + ("（已停用）" if not unit.active else "")
        if role == Qt.ItemDataRole.ForegroundRole and unit is not None and not unit.active:
            return INACTIVE
        if role == Qt.ItemDataRole.SizeHintRole and self.row_height:
            return QSize(-1, self.row_height)
        if role == Qt.ItemDataRole.FontRole and index.internalId() == 0 and index.row() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class RosterTableModel(ColumnsModel):
    """Read-only rows (UnitInfo or StaffInfo; anything with `active`, `code`, `name`,
    `phone`); inactive rows are grey.

    `rows` is replaced by a new list whenever its content or order changes (set_rows,
    sort), so a proxy can tell by identity that what it computed is stale. Rows are
    handed in code order, which is column 0 ascending: that sort costs nothing.
    """

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1
    NATURAL = (0, Qt.SortOrder.AscendingOrder)

    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(columns, parent)
        self._keys: list[str] | None = None
        self._key_cache: dict[int, tuple[Any, str]] = {}
        self._sort = self.NATURAL

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows, self._keys = list(rows), None
        if self._sort != self.NATURAL:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def search_keys(self) -> list[str]:
        """Name, code and phone of each row, case-folded: what the filter box matches.
        Kept per row object across set_rows() (the value holds the row, so its id is not
        reused) until forget_keys()."""
        if self._keys is None:
            cache, keys = self._key_cache, []
            for r in self.rows:
                hit = cache.get(id(r))
                if hit is None:
                    hit = cache[id(r)] = (r, f"{r.name}\n{r.code}\n{r.phone}".casefold())
                keys.append(hit[1])
            self._keys = keys
        return self._keys

    def forget_keys(self) -> None:
        """Drop cached search keys: call when the row objects are replaced (a reload)."""
        self._key_cache.clear()

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.code == code), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.value(row)
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of an elided cell
            value = col.value(row)
            return value if isinstance(value, str) and len(value) > 6 else None
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return INACTIVE
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # QTableView.sortByColumn() asks twice for the same order: the second is free.
        if not 0 <= column < len(self.columns) or (column, order) == self._sort:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        held = [(self.rows[i.row()], i.column()) for i in old]
        self._sort = (column, order)
        self._sort_rows(column, order)
        where = {id(r): n for n, r in enumerate(self.rows)} if old else {}
        self.changePersistentIndexList(old, [self.index(where[id(r)], c) for r, c in held])
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        rows, value = self.rows, self.columns[column].value
        values = [value(r) for r in rows]
        if not all(isinstance(v, int) for v in values):
            key = collator().sortKey
            values = [key(str(v)) for v in values]
        by = sorted(range(len(rows)), key=values.__getitem__,
                    reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [rows[i] for i in by]
        if self._keys is not None:
            self._keys = [self._keys[i] for i in by]


@contextmanager
def filter_change(proxy: QSortFilterProxyModel) -> Iterator[None]:
    """Change what a proxy's filterAcceptsRow() depends on inside this block.

    Qt 6.10 replaced invalidateRowsFilter() (now deprecated) by begin/endFilterChange().
    """
    begin = getattr(proxy, "beginFilterChange", None)
    if begin is None:
        yield
        proxy.invalidateRowsFilter()
        return
    begin()
    yield
    proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)


class RosterFilterProxy(QSortFilterProxyModel):
    """Hides inactive rows unless asked, and rows whose name, code and phone do not
    contain the typed text. Sorting is passed to the source model (see module doc).

    Which rows pass is computed for all rows at once in Python, then filterAcceptsRow()
    only looks the answer up: Qt calls it once per row, 50,000 times for the staff.
    """

    def __init__(self, source: RosterTableModel, parent=None) -> None:
        super().__init__(parent)
        self.source = source
        self.needle = ""
        self.show_inactive = False
        self._passed: list[bool] = []
        self._passed_for: list[Any] | None = None  # the rows list `_passed` belongs to
        self.setSourceModel(source)

    def set_filter(self, text: str, show_inactive: bool) -> None:
        needle = text.strip().casefold()
        if (needle, show_inactive) == (self.needle, self.show_inactive):
            return
        with filter_change(self):
            self.needle, self.show_inactive = needle, show_inactive
            self._passed_for = None

    def _compute(self) -> list[bool]:
        rows, needle, show = self.source.rows, self.needle, self.show_inactive
        if needle:
            keys = self.source.search_keys()
            self._passed = [(show or r.active) and needle in k for r, k in zip(rows, keys, strict=True)]
        else:
            self._passed = [True] * len(rows) if show else [r.active for r in rows]
        self._passed_for = rows
        return self._passed

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._passed_for is not self.source.rows:
            self._compute()
        return self._passed[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def row_at(self, index: Index) -> Any:
        return self.source.rows[self.mapToSource(index).row()]
