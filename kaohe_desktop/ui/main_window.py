"""The main window: for now a start page that says what is in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from kaohe_desktop import __version__
from kaohe_desktop.services import assessments, roster
from kaohe_desktop.services.database import Database


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(f"便民服务站考核 {__version__}")
        self.resize(960, 640)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.summary_label = QLabel()
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.summary_label)
        self.setCentralWidget(body)
        self.refresh()

    def refresh(self) -> None:
        units = len(roster.list_units(self.db))
        staff = len(roster.list_staff(self.db))
        count = len(assessments.list_assessments(self.db))
        self.summary_label.setText(
            f"<h2>便民服务站考核</h2><p>便民服务站 {units} 个，工作人员 {staff} 名，考核 {count} 项。</p>"
            "<p>命令行 <code>kaohe --help</code> 可录入评分、导入评分表和排名。</p>")
