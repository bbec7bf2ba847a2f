"""Starting the window: Chinese Qt dialogs, the shipped font, the icon, the database.

On the first start (no first-run mark in QSettings) an empty database brings up the
welcome dialog (name, demo data or an empty start); a later empty database only asks
whether to load the demo data.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kaohe_desktop.settings import APP_NAME, data_dir, default_db_path

from .common.fonts import install_cjk_font
from .common.icon import app_icon
from .main_window import MainWindow
from .welcome_dialog import WelcomeDialog, is_first_run, mark_first_run_done, station_name

if TYPE_CHECKING:
    from kaohe_desktop.services.database import Damaged, Database


# Set by bench/startup_bench.py: print when the frame and the filled page are on screen,
# then quit, so the bench times the real start-up path.
STARTUP_REPORT_ENV = "KAOHE_STARTUP_REPORT"


def _report(stage: str) -> None:
    if os.environ.get(STARTUP_REPORT_ENV):
        print(stage, time.time(), flush=True)


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("便民服务站考核")
    app.setOrganizationName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    install_cjk_font(app)
    app.setWindowIcon(app_icon())
    return app


def _welcome(settings: QSettings, parent: QWidget | None, db: Database | None = None) -> bool:
    """The first-run dialog; True when the demo data is wanted. Closing it answers nothing,
    so it comes back at the next start. An empty start's letterhead goes into `db`."""
    folder = db.path.parent if db is not None and db.path else data_dir()  # the one in use
    dialog = WelcomeDialog(folder, station_name(settings), parent)
    if dialog.exec() != WelcomeDialog.DialogCode.Accepted:
        return False
    dialog.remember(settings)
    if db is not None and dialog.choice == WelcomeDialog.EMPTY:
        _store_welcome(db, dialog.name(), dialog.office())
    return dialog.choice == WelcomeDialog.DEMO


def _store_welcome(db: Database, name: str, office: dict[str, str]) -> None:
    """An empty start's answers that belong to the database: the letterhead, and the
    name as the default 街道/乡镇 of new stations when it is one."""
    import contextlib

    from kaohe_desktop.domain.errors import InputError
    from kaohe_desktop.services.local_area import save_default_area
    from kaohe_desktop.services.office_settings import save_office_settings

    if office:  # a bad prefix is dropped: the documents page asks again when it is needed
        with contextlib.suppress(InputError):
            save_office_settings(db, office)
    save_default_area(db, name)


def _offer_restore(exc: Damaged, target: str, demo: bool, parent: QWidget | None,
                   settings: QSettings | None) -> Database | None:
    """A damaged database file: say so, offer 从备份恢复, and open the file once restored."""
    from .backup.restore_dialog import RestoreDialog

    newest = (f"最新的完好备份：{exc.backup.taken_at:%Y-%m-%d %H:%M}（{exc.backup.holds()}）。"
              if exc.backup else "backups 文件夹中没有完好的备份。")
    box = QMessageBox(QMessageBox.Icon.Critical, "数据库文件已损坏",
                      f"数据库文件已损坏，为免写坏数据，本程序不再向它写入。\n{exc.path}\n\n{newest}",
                      parent=parent)
    restore = box.addButton("从备份恢复…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    restore.setEnabled(exc.backup is not None)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    # exc.detail is SQLite's English ("database disk image is malformed"): stderr has it
    print(f"damaged database {exc.path}: {exc.detail}", file=sys.stderr)
    dialog = RestoreDialog(exc.path, parent, damaged="完整性检查未通过")
    dialog.exec()
    if dialog.restored is None:
        return None
    return _open(str(dialog.restored), demo, parent, settings)


def _ask_password(where: str, parent: QWidget | None) -> str | None:
    """The server's password, asked at each start (it is never stored); None: cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, "连接数据库服务器", f"{where}\n密码：",
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


def _open(target: str, demo: bool, parent: QWidget | None = None,
          settings: QSettings | None = None,
          empty_start: tuple[str, dict[str, str]] | None = None) -> Database | None:
    """Open (create, migrate) the database; None after telling the user why not.

    With `settings` (the start-up open) the first run is handled there: the welcome for
    an empty database, or just the mark when the database already has data (an upgrade).
    `empty_start` (name, letterhead): the welcome was answered 从空白开始 already.
    """
    from kaohe_desktop.services import roster  # SQLAlchemy loads here, after the window shows
    from kaohe_desktop.services.database import Damaged, MigrationFailed, ServerUnreachable, open_db

    try:
        db = open_db(target)
    except ServerUnreachable as exc:
        if exc.needs_password and (password := _ask_password(exc.where, parent)) is not None:
            from kaohe_desktop.services.server_connect import with_password

            return _open(with_password(target, password), demo, parent, settings, empty_start)
        QMessageBox.critical(parent, "无法连接数据库服务器", exc.lines()[0])
        return None
    except MigrationFailed as exc:
        # the cause is the driver's English: named in Chinese, the detail on stderr
        print(f"migration failed: {exc.__cause__!r}", file=sys.stderr)
        QMessageBox.critical(parent, "数据库升级失败",
                             f"数据库升级失败，已从备份 {exc.backup} 恢复，数据没有丢失。\n"
                             "请把数据库文件交给维护本程序的人员检查。")
        return None
    except Damaged as exc:  # refused before anything wrote to it: offer the newest good backup
        return _offer_restore(exc, target, demo, parent, settings)
    except Exception as exc:  # a file that is not a database, a folder without rights …
        from .common.messages import database_error_text

        QMessageBox.critical(parent, "无法打开数据库", database_error_text(target, exc))
        return None
    from .accounts.login_dialog import log_in

    if not log_in(db, parent):  # a database with accounts: nobody works without logging in
        db.close()
        return None
    first_run = settings is not None and not demo and is_first_run(settings)
    if not roster.list_units(db):
        from kaohe_desktop.services.demo import load_demo

        if empty_start is not None:
            _store_welcome(db, *empty_start)
            wanted = False
        elif first_run:
            wanted = _welcome(settings, parent, db)
        else:
            wanted = demo or QMessageBox.question(
                None, "便民服务站考核",
                "数据库是空的。要装入演示数据吗？\n"
                "（一个街道、12 个社区便民服务站、60 名工作人员，年度、考勤和服务考核各有示例，"
                "可随时新建空数据库重新开始）"
            ) == QMessageBox.StandardButton.Yes
        if wanted:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                load_demo(db)
            finally:
                QApplication.restoreOverrideCursor()
    elif first_run:
        mark_first_run_done(settings)
    return db


def run_app(target: str | None, demo: bool = False) -> int:
    app = make_app()
    settings = QSettings()
    if demo and target is None:
        target = str(data_dir() / "demo.db")
    target = target or settings.value("database/last") or None
    if target is None:
        target = default_db_path()
    # The frame goes on screen first; the database layer loads behind it.
    window = MainWindow(None, settings)
    # The glance (sqlite3 only, no SQLAlchemy, ~15 ms) is read before the first paint, so
    # the window appears with 概览 already filled: one paint instead of an empty frame
    # painted and then painted again.
    from kaohe_desktop.services.overview import glance

    ov = glance(target)
    if ov is not None:
        window.show_glance(ov)
    window.show()
    app.processEvents()
    _report("shown")
    _report("filled")
    # the database layer is imported here, on this thread only: imported on a second
    # thread at the same time, a launch in thirty or so got a half-imported
    # sqlalchemy.util (ImportError) and the program did not start
    data_dir().mkdir(parents=True, exist_ok=True)  # backups and the demo go here too
    db = _open(str(target), demo, window, settings)
    if db is None:
        return 1
    window.attach(db)
    if os.environ.get(STARTUP_REPORT_ENV):
        app.processEvents()
        _report("ready")
        window.save_state()
        db.close()
        return 0
    holder: dict[str, MainWindow] = {}

    def start(database: Database, window: MainWindow | None = None) -> None:
        old = holder.get("window")
        if window is None:
            window = MainWindow(database, settings)
        if old is not None:
            old.save_state()
            old.close()
            old.db.close()
        window.database_requested.connect(switch)
        window.fresh_requested.connect(fresh)
        holder["window"] = window
        from kaohe_desktop.services.server_connect import remembered_url

        where = str(database.path) if database.path else remembered_url(
            database.engine.url.render_as_string(hide_password=False))
        settings.setValue("database/last", where)  # a server's without its password
        if database.path is None:
            settings.setValue("database/server", where)
        window.show()

    def switch(path: str) -> None:
        database = _open(path, demo=False)
        if database is not None:
            start(database)

    def fresh(path: str, choice: str, name: str, office: dict[str, str]) -> None:
        """The welcome page opened from the menu: the demo, or a new empty database."""
        empty = None if choice == WelcomeDialog.DEMO else (name, office)
        database = _open(path, demo=empty is None, empty_start=empty)
        if database is not None:
            start(database)

    start(db, window)
    code = app.exec()
    holder["window"].db.close()
    return code
