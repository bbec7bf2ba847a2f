"""What the 考勤 log and summary show when there is nothing to show, and the next step:
no staff → 站点与人员; no attendance yet → 导入考勤文件 (or the template); a month without
data → the months that have some; a large month still being judged says so."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..help.links import connect_help_links, help_link

NO_STAFF = "no_staff"
NO_DATA = "no_data"
EMPTY_MONTH = "empty_month"
LOADING = "loading"  # a large month being judged in the background


class EmptyState(QWidget):
    import_requested = Signal()
    template_requested = Signal()
    roster_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        connect_help_links(self.label)
        self.import_button = QPushButton("导入考勤文件…")
        self.import_button.clicked.connect(self.import_requested)
        self.template_button = QPushButton("下载模板…")
        self.template_button.clicked.connect(self.template_requested)
        self.roster_button = QPushButton("前往“站点与人员”")
        self.roster_button.clicked.connect(self.roster_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.roster_button, self.import_button, self.template_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        layout.addStretch(2)

    def show_state(self, kind: str, month: str = "", months: Sequence[str] = ()) -> None:
        self.kind = kind
        if kind == NO_STAFF:
            text = ("<h2>还没有人员</h2><p>考勤按人员统计。请先到 <b>站点与人员</b> 添加站点和人员，"
                    "或导入人员名册；人员的 <b>考勤号</b> 填考勤机、钉钉或企业微信里的工号，"
                    "导入考勤时就能自动对上人。</p>")
        elif kind == NO_DATA:
            text = ("<h2>还没有考勤数据</h2><p>点击 <b>导入考勤文件…</b>，选择钉钉、企业微信或中控考勤机"
                    "导出的表格（或考勤机的 attlog.dat）；格式按内容自动识别。</p>"
                    "<p>没有考勤机的站点可以 <b>下载模板</b>，按天填写上下班时间和请假后导入。</p>")
        elif kind == LOADING:
            text = f"<h2>正在计算 {month} 的考勤……</h2><p>人员较多，请稍候；可以继续换月份或做别的操作。</p>"
        else:
            have = "、".join(months[-6:]) if months else "无"
            text = (f"<h2>{month} 没有考勤数据</h2><p>有数据的月份：{have}。"
                    "可在上方换一个月份，或导入这个月的考勤文件。</p>")
        if kind != LOADING:
            text += (f"<p>{help_link('考勤', '使用说明：考勤')}　"
                     f"{help_link('howto.html#monthly-attendance', '每月的考勤怎么做')}</p>")
        self.label.setText(text)
        self.roster_button.setVisible(kind == NO_STAFF)
        self.import_button.setVisible(kind not in (NO_STAFF, LOADING))
        self.template_button.setVisible(kind == NO_DATA)
