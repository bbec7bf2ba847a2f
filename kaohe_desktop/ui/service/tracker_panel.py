"""整改跟踪: every open 差评 (no 整改完成时间) with its deadline (15 working days), sorted by
deadline; an overdue one in red, one due within NEAR working days marked in amber."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.service_stats import OpenBadRating

NEAR = 3  # working days: "due soon"
OVERDUE_BACK, OVERDUE_TEXT = QColor("#fde7e9"), QColor("#a50e0e")
NEAR_BACK = QColor("#fff4ce")
HEADERS = ("评价编号", "评价时间", "等级", "人员", "窗口/单位", "评价内容", "整改期限", "状态")


def state_text(r: OpenBadRating) -> str:
    if r.deadline is None:
        return "期限无法计算（缺工作日历）"
    if r.overdue:
        return f"已逾期 {-(r.days_left or 0)} 个工作日"
    if r.days_left is not None and r.days_left <= NEAR:
        return f"即将到期：剩 {r.days_left} 个工作日"
    return f"剩 {r.days_left} 个工作日"


class TrackerPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: list[OpenBadRating]) -> tuple[int, int]:
        """Show the open 差评 (already sorted by deadline); (overdue, due soon)."""
        self.table.setRowCount(len(rows))
        over = near = 0
        for i, r in enumerate(rows):
            soon = not r.overdue and r.days_left is not None and r.days_left <= NEAR
            over += r.overdue
            near += soon
            values = (r.no, f"{r.rated_at:%Y-%m-%d %H:%M}", r.level, r.person, r.unit, r.content,
                      "" if r.deadline is None else f"{r.deadline:%Y-%m-%d}", state_text(r))
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if r.overdue:
                    item.setBackground(OVERDUE_BACK)
                    item.setForeground(OVERDUE_TEXT)
                elif soon:
                    item.setBackground(NEAR_BACK)
                if j == 5:
                    item.setToolTip(v)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("汉")
        self.table.setColumnWidth(5, min(self.table.columnWidth(5), em * 16))
        if rows:
            self.note.setText(f"未整改的差评 {len(rows)} 条（按整改期限排序；"
                              "差评须在 15 个工作日内整改并回访）："
                              f"<span style='color:#a50e0e'><b>已逾期 {over} 条</b></span>，"
                              f"即将到期（{NEAR} 个工作日内）{near} 条。")
        else:
            self.note.setText("没有未整改的差评。")
        return over, near
