"""The ranking table as a Qt model that sorts and filters itself.

The model only shows a `RankingTable` from the services: every number is rounded with
`domain.numbers.shown`, the one rule the command line and exports use. Sorting uses
`SORT_ROLE` (numbers as numbers); the sort is stable, so subjects that tie on the
sorted column stay in the table's order (rank, then code). In per-group mode the rank
column holds the rank within the subject's group and sorts by group first.

Painting asks the model for every visible cell and role: a row's texts are made once,
when it first shows, and every other answer is looked up, so a repaint costs few
Python calls. Filtering happens here too, not in a QSortFilterProxyModel, which would
add two Python calls (the source's row and column counts) to every one of them.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.domain.standings import change_text
from kaohe_desktop.services.ranking_results import RankingRow, RankingTable

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
AREA_ROLE = Qt.ItemDataRole.UserRole + 3
GROUP_ROLE = Qt.ItemDataRole.UserRole + 4

# the roles as plain ints: `data` compares against them hundreds of times per repaint
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_SORT, _CODE, _AREA, _GROUP = (int(r) for r in (SORT_ROLE, CODE_ROLE, AREA_ROLE, GROUP_ROLE))
_ANSWERED = frozenset({_DISPLAY, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP,
                       _SORT, _CODE, _AREA, _GROUP})
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

UP_COLOR = QColor("#1a7f37")
DOWN_COLOR = QColor("#c62828")
MUTED = QColor("#777777")
INCOMPLETE = QColor("#fff1c7")
EXCLUDED_COLOR = QColor("#e6e6e6")


def grade_colors(count: int) -> list[QColor]:
    """Background per band, best first: green, blue, amber …, red for the lowest."""
    if count <= 0:
        return []
    middle = [QColor("#dbe8f8"), QColor("#fff1c7"), QColor("#fde3cf"), QColor("#efe3f6")]
    if count == 1:
        return [QColor("#d9f2d9")]
    return [QColor("#d9f2d9"), *(middle[i % len(middle)] for i in range(count - 2)),
            QColor("#f8d7d7")]


def grade_chart_colors(count: int) -> list[QColor]:
    """Stronger colours of the same hues, for charts."""
    if count <= 0:
        return []
    middle = [QColor("#4a7fc1"), QColor("#e0a030"), QColor("#e07b39"), QColor("#9b6bb5")]
    if count == 1:
        return [QColor("#3f9b4f")]
    return [QColor("#3f9b4f"), *(middle[i % len(middle)] for i in range(count - 2)),
            QColor("#d0453f")]


Index = QModelIndex | QPersistentModelIndex

_ATTRIBUTE = {"code": "subject_code", "name": "subject_name"}  # where a text column's text is
# what a grade, change or completion text depends on (`RankingModel._text`, `status_text`)
_STATE = {"grade": ("grade", "excluded", "vetoed"), "change": ("change",),
          "complete": ("excluded", "complete", "assessors_done", "assessors_expected",
                       "conversion", "overridden")}


class RankingModel(QAbstractTableModel):
    """The rows in the order shown: sorted here, in Python, by `SORT_ROLE`'s key (one
    key per row, not a Qt call per comparison — 1,000 rows sort in milliseconds). The
    sort is stable and always starts from the table's own order, so ties keep it.
    `set_filter` keeps only one area's and/or one group's rows (`rowCount` counts the
    rows shown; `total_rows` all of them)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table: RankingTable | None = None
        self.all_rows: list[RankingRow] = []  # sorted, unfiltered
        self.rows: list[RankingRow] = []  # sorted and filtered: what the view shows
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.by_group = False
        self.area = ""
        self.group = ""
        self.headers: list[str] = []
        self._kinds: list[tuple[str, int]] = []  # (column kind, section index)
        self._colors: list[QColor] = []
        self._align: list[int] = []
        self._texts: dict[int, list[str]] = {}  # id(row) → its cells' texts, made on first show
        self._bold = QFont()
        self._bold.setBold(True)
        self._brushes: dict[str, QBrush] = {}

    # ------------------------------------------------------------------ loading
    def set_table(self, table: RankingTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._texts = {}
        # what decides a row first — 名次 … 完成情况, 总分, 等次, 较上期 — so it is in view at
        # the default window size whatever the rubric's number of sections (nothing is
        # concluded from missing data: 完成情况 says why a subject has no rank); then the
        # parts of the total, then where the subject belongs
        self._kinds = [("rank", -1), ("code", -1), ("name", -1), ("complete", -1),
                       ("total", -1), ("grade", -1), ("change", -1)]
        if table:
            self._kinds += [("section", i) for i in range(len(table.sections))]
        # bonus and deduction columns only when the rubric has such rules (or a row has some)
        if table is None or table.has_bonus or any(r.bonus for r in table.rows):
            self._kinds.append(("bonus", -1))
        if table is None or table.has_deduction or any(r.deduction for r in table.rows):
            self._kinds.append(("deduction", -1))
        self._kinds.append(("area", -1))
        if table and table.groups:
            self._kinds.append(("group", -1))
        area = "所在单位" if table and table.subject_kind == "staff" else "街道/乡镇"
        names = {"rank": "组内名次" if self.by_group else "名次", "code": "编号", "name": "名称",
                 "area": area, "group": "评分组", "bonus": "加分", "deduction": "减分",
                 "total": "折合总分" if table and table.normalised else "总分", "grade": "等次",
                 "change": "较上期", "complete": "完成情况"}
        self.headers = [table.sections[i].short_title if kind == "section" and table else names[kind]
                        for kind, i in self._kinds]
        self._align = [_LEFT if kind in ("code", "name", "area", "group", "grade") else
                       _CENTER if kind in ("change", "complete", "rank") else _RIGHT
                       for kind, _ in self._kinds]
        self._colors = grade_colors(len(table.grade_names)) if table else []
        if self.sort_column >= len(self._kinds):
            self.sort_column = 0
        self.all_rows = self._sorted(self.sort_column, self.sort_order)
        self.rows = self._filtered(self.all_rows)
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[RankingRow]:
        rows = list(self.table.rows) if self.table else []
        if column < 0 or column >= len(self._kinds):
            return rows
        kind, i = self._kinds[column]
        if kind == "rank" and not self.by_group and order == Qt.SortOrder.AscendingOrder:
            return rows  # the table's own order: by rank, then the unranked, then 不参评
        return sorted(rows, key=lambda r: self._sort_key(r, kind, i),
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def _filtered(self, rows: list[RankingRow]) -> list[RankingRow]:
        if not self.area and not self.group:
            return list(rows)
        return [r for r in rows if (not self.area or r.area == self.area)
                and (not self.group or r.group == self.group)]

    def set_filter(self, area: str = "", group: str = "") -> None:
        """Show only one area's and/or one group's rows ("" for all)."""
        if (area, group) == (self.area, self.group):
            return
        self.beginResetModel()
        self.area, self.group = area, group
        self.rows = self._filtered(self.all_rows)
        self.endResetModel()

    @property
    def total_rows(self) -> int:
        return len(self.all_rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.rows
        persistent = self.persistentIndexList()  # the selection
        self.sort_column, self.sort_order = column, order
        self.all_rows = self._sorted(column, order)
        self.rows = self._filtered(self.all_rows)
        where = {id(r): n for n, r in enumerate(self.rows)}
        self.changePersistentIndexList(
            persistent, [self.index(where[id(before[x.row()])], x.column()) for x in persistent])
        self.layoutChanged.emit()

    def fill_previous(self, table: RankingTable) -> None:
        """Take `table` — the shown one with 较上期 filled in — without resetting the view:
        the rows keep their order (re-sorted only when sorted by 较上期), the selection
        and the scroll position stay."""
        by_code = {r.subject_code: r for r in table.rows}
        self.table = table
        self._texts = {}
        self.all_rows = [by_code.get(r.subject_code, r) for r in self.all_rows]
        self.rows = [by_code.get(r.subject_code, r) for r in self.rows]
        column = next((c for c, (k, _) in enumerate(self._kinds) if k == "change"), None)
        if column is None or not self.rows:
            return
        self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))
        if self.sort_column == column:
            self.sort(column, self.sort_order)

    def set_by_group(self, by_group: bool) -> None:
        self.by_group = by_group
        self.set_table(self.table)

    def column_of(self, kind: str) -> int:
        return next(c for c, (k, _) in enumerate(self._kinds) if k == kind)

    def row_of(self, code: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r.subject_code == code), -1)

    def code_at(self, row: int) -> str:
        return self.rows[row].subject_code

    # ------------------------------------------------------------------ Qt API
    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._kinds)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole and self.table:
                kind, i = self._kinds[section]
                if kind == "section":
                    s = self.table.sections[i]
                    return f"{s.code} {s.title}（满分 {shown(s.max)}）"
                if kind == "change":
                    prev = self.table.previous
                    return f"与上期（{prev.period_label}）名次相比" if prev else "没有上期可比"
                if kind == "complete":
                    return ("已评完 / 未评完（已评完的评分人 / 应评分的评分人）/ 不参评；"
                            "未评完和不参评的对象不排名、不定档")
        return None

    def _text(self, r: RankingRow, kind: str, i: int) -> str:
        if kind == "rank":
            rank = r.group_rank if self.by_group else r.rank
            return "—" if rank is None else str(rank)
        if kind == "code":
            return r.subject_code
        if kind == "name":
            return r.subject_name
        if kind == "area":
            return r.area
        if kind == "group":
            return r.group
        if kind == "section":
            return shown(r.sections[i])
        if kind == "total":
            marked = r.conversion or r.overridden  # the tooltip says how
            return shown(r.total) + (" ※" if marked else "")
        if kind in ("bonus", "deduction"):
            return shown(getattr(r, kind))
        if kind == "grade":
            return r.grade_text + ("（一票否决）" if r.vetoed else "")
        if kind == "change":
            if self.table is not None and self.table.previous_pending:
                return "…"  # the previous period's ranks are being computed
            return change_text(r.change, self.table is not None and self.table.previous is not None)
        return status_text(r)

    def widest_texts(self, column: int) -> set[str]:
        """The few texts that make a column wide, for sizing it without measuring every
        row: the longest texts of a text column (by characters; the caller measures
        them), the figures of the largest and smallest values of a number column."""
        kind, i = self._kinds[column]
        rows = self.all_rows
        if not rows:
            return set()
        # 1,000 rows each time a table loads: the values are gathered by C loops
        # (attrgetter, min, max), never by a Python call per row
        if kind in ("section", "bonus", "deduction", "total"):
            values = [r.sections[i] for r in rows] if kind == "section" else \
                list(map(attrgetter(kind), rows))
            texts = {shown(min(values)), shown(max(values))}
            if kind == "total":  # " ※" marks a converted or corrected total
                texts |= {self._text(r, kind, i) for r in rows if r.conversion or r.overridden}
            return texts
        if kind in ("code", "name", "area", "group"):  # the texts themselves
            texts = set(map(attrgetter(_ATTRIBUTE.get(kind, kind)), rows))
        elif kind == "rank":
            ranks = [x for x in map(attrgetter("group_rank" if self.by_group else "rank"), rows)
                     if x is not None]
            texts = {"—", str(max(ranks))} if ranks else {"—"}
        else:
            # grade, completion and change texts come from few distinct states: one row
            # of each state stands for all
            state = attrgetter(*_STATE[kind])
            texts = {self._text(r, kind, i) for r in dict(zip(map(state, rows), rows, strict=True)).values()}
        return set(sorted(texts, key=len)[-5:])

    def _sort_key(self, r: RankingRow, kind: str, i: int) -> Any:
        if kind == "rank":
            if self.by_group and self.table:
                groups = list(self.table.groups)
                g = groups.index(r.group) if r.group in groups else len(groups)
                return g * 100000 + (r.group_rank if r.group_rank is not None else 99999)
            return r.rank if r.rank is not None else 10**9 + (1 if r.excluded else 0)
        if kind == "section":
            return float(round2(r.sections[i]))
        if kind in ("bonus", "deduction", "total"):
            return float(round2(getattr(r, kind)))
        if kind == "grade":
            return r.grade_index if r.grade_index >= 0 else 999
        if kind == "change":
            return -100000 if r.change is None else r.change
        if kind == "complete":
            if r.excluded:
                return -1.0
            return 2.0 if r.complete else (
                r.assessors_done / r.assessors_expected if r.assessors_expected else 0.0)
        return self._text(r, kind, i)

    def _brush(self, color: QColor) -> QBrush:
        brush = self._brushes.get(color.name())
        if brush is None:
            brush = self._brushes[color.name()] = QBrush(color)
        return brush

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None  # most roles a repaint asks for (decoration, check state …)
        r = self.rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            texts = self._texts.get(id(r))
            if texts is None:
                texts = self._texts[id(r)] = [self._text(r, kind, i) for kind, i in self._kinds]
            return texts[column]
        if role == _ALIGN:
            return self._align[column]
        kind, i = self._kinds[column]
        if role == _BACKGROUND:
            if kind == "grade" and 0 <= r.grade_index < len(self._colors):
                return self._brush(self._colors[r.grade_index])
            if kind == "complete" and (not r.complete or r.excluded):
                return self._brush(EXCLUDED_COLOR if r.excluded else INCOMPLETE)
            return None
        if role == _FOREGROUND:
            if kind != "change":
                return None
            if r.change is not None and r.change > 0:
                return self._brush(UP_COLOR)
            if r.change is not None and r.change < 0:
                return self._brush(DOWN_COLOR)
            return self._brush(MUTED)
        if role == _FONT:
            return self._bold if kind == "total" else None
        if role == _SORT:
            return self._sort_key(r, kind, i)
        if role == _CODE:
            return r.subject_code
        if role == _AREA:
            return r.area
        if role == _GROUP:
            return r.group
        # the tooltip
        if kind == "change" and r.previous_rank is not None:
            return f"上期第 {r.previous_rank} 名，本期第 {r.rank} 名"
        if kind in ("complete", "grade", "rank") and (r.excluded or not r.complete):
            return status_tip(r)
        if kind == "total" and (r.raw_base is not None or r.conversion or r.overridden):
            return total_tip(r)
        if kind == "complete" and (r.conversion or r.overridden):
            return total_tip(r)
        if kind == "grade" and r.vetoed:
            return "一票否决：" + "、".join(r.vetoed)
        return None


def status_text(r: RankingRow) -> str:
    """The 完成情况 cell: 不参评 / 未评完 (done/expected) / 已评完, with the marks that
    change how the score was made (不适用折算, 更正值)."""
    if r.excluded:
        return "不参评"
    head = "已评完" if r.complete else f"未评完 {r.assessors_done}/{r.assessors_expected}"
    notes = (["折算"] if r.conversion else []) + (["更正"] if r.overridden else [])
    return "·".join([head, *notes])


def status_tip(r: RankingRow) -> str:
    if r.excluded:
        return f"不参评：{r.exclude_reason}\n不排名、不定档、不出文书"
    return "未评完，暂不排名、不定档（待定）：\n" + "\n".join(r.missing)


def total_tip(r: RankingRow) -> str:
    lines = []
    if r.raw_base is not None:
        lines.append(f"折合前基础分 {shown(r.raw_base)}，折合后 {shown(r.base)}")
    if r.conversion:
        lines.append(f"不适用项目 {'、'.join(r.not_applicable)}，基础分按适用项目折算：{r.conversion}")
    if r.overridden:
        lines.append(f"项目 {'、'.join(r.overridden)} 为管理员更正值，代替取自数据的值")
    return "\n".join(lines)
