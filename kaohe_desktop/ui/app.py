"""Starting the window: open the database, offer demo data on an empty one."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from kaohe_desktop.services import roster
from kaohe_desktop.services.database import MigrationFailed, open_db
from kaohe_desktop.services.demo import load_demo

from .fonts import install_cjk_font
from .main_window import MainWindow


def run_app(target: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("便民服务站考核")
    install_cjk_font(app)
    try:
        db = open_db(target)
    except MigrationFailed as exc:
        QMessageBox.critical(None, "数据库升级失败", str(exc))
        return 1
    if not roster.list_units(db):
        answer = QMessageBox.question(
            None, "便民服务站考核",
            "数据库是空的。要装入演示数据（一个街道、12 个社区便民服务站、60 名工作人员和一次年度考核）吗？")
        if answer == QMessageBox.StandardButton.Yes:
            load_demo(db)
    window = MainWindow(db)
    window.show()
    code = app.exec()
    db.close()
    return code
