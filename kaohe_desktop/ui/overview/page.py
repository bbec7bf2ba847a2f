"""概览: what is in the database and what to do next."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kaohe_desktop.services.overview import Overview, overview

from ..common.page import Changes, Page
from ..help.links import connect_help_links, help_link

if TYPE_CHECKING:
    from kaohe_desktop.services.database import Database


class OverviewPage(Page):
    title = "概览"

    def __init__(self, db: Database | None, changes: Changes,
                 parent: QWidget | None = None) -> None:
        # db is None while the window shows the start-up glance (MainWindow.show_glance)
        super().__init__(db, changes, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        connect_help_links(self.summary_label)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        layout.addStretch(1)

    def refresh(self) -> None:
        if self.db is not None:
            self.show_overview(overview(self.db))

    def show_overview(self, ov: Overview) -> None:
        rows = "".join(
            f"<tr><td>{a.id}</td><td>{escape(a.name)}</td><td>{a.period_label}</td>"
            f"<td>{escape(a.rubric_code)}</td><td>{a.subjects}</td><td>{a.state_name}</td></tr>"
            for a in ov.recent)
        if not ov.units:
            hint = ("还没有站点。请到“站点与人员”添加站点，或导入站点名册（Excel）。"
                    f"<br>第一次使用？请看{help_link('概览', '使用说明')}和"
                    f"{help_link('howto.html#new-year', '新的一年开始时')}。")
        elif not ov.assessments:
            hint = "站点已就绪。请到“考核评分”新建一次考核。"
        else:
            hint = "在“考核评分”中选择考核录入分数，或导入评分表。"
        table = (
            "<table cellspacing='0' cellpadding='6' border='1' style='border-collapse:collapse'>"
            "<tr style='background:#e8eef7'><th>编号</th><th>考核</th><th>周期</th><th>细则</th>"
            f"<th>对象数</th><th>状态</th></tr>{rows}</table>" if ov.recent else "")
        self.summary_label.setText(
            f"<h2>便民服务站考核</h2>"
            f"<p style='font-size:12pt'>便民服务站 <b>{ov.units}</b> 个，工作人员 <b>{ov.staff}</b> 名，"
            f"考核 <b>{ov.assessments}</b> 项。</p><p>{hint}</p>"
            + (f"<h3>最近的考核</h3>{table}" if ov.recent else ""))
