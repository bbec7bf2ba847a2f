"""Starting the window: Chinese Qt dialogs, the shipped font, the database, demo offer."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from kaohe_desktop.services import roster
from kaohe_desktop.services.database import Database, MigrationFailed, open_db
from kaohe_desktop.settings import APP_NAME, data_dir

from .fonts import install_cjk_font
from .main_window import MainWindow


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("便民服务站考核")
    app.setOrganizationName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    install_cjk_font(app)
    return app


def _open(target: str, demo: bool) -> Database | None:
    try:
        db = open_db(target)
    except MigrationFailed as exc:
        QMessageBox.critical(None, "数据库升级失败", str(exc))
        return None
    except Exception as exc:  # a file that is not a database, a folder without rights …
        QMessageBox.critical(None, "无法打开数据库", f"{target}\n\n{exc}")
        return None
    if not roster.list_units(db):
        from kaohe_desktop.services.demo import load_demo

        if demo or QMessageBox.question(
                None, "便民服务站考核",
                "数据库是空的。要装入演示数据吗？\n"
                "（一个街道、12 个社区便民服务站、60 名工作人员和一次年度考核，可随时新建空数据库重新开始）"
        ) == QMessageBox.StandardButton.Yes:
            load_demo(db)
    return db


def run_app(target: str | None, demo: bool = False) -> int:
    app = make_app()
    settings = QSettings()
    if demo and target is None:
        target = str(data_dir() / "demo.db")
    target = target or settings.value("database/last") or None
    if target is None:
        from kaohe_desktop.settings import default_db_path

        target = default_db_path()
    db = _open(str(target), demo)
    if db is None:
        return 1
    holder: dict[str, object] = {}

    def start(database: Database) -> None:
        old = holder.get("window")
        window = MainWindow(database, settings)
        if old is not None:
            old.save_state()
            old.close()
            old.db.close()
        window.database_requested.connect(switch)
        holder["window"] = window
        settings.setValue("database/last", str(database.path or database.engine.url))
        window.show()

    def switch(path: str) -> None:
        database = _open(path, demo=False)
        if database is not None:
            start(database)

    start(db)
    code = app.exec()
    window = holder["window"]
    window.db.close()  # type: ignore[attr-defined]
    return code
