"""The main window: navigation on the left, the page on the right, the database below.

Pages are built the first time they are shown, so start-up pays only for one page.
The window can be shown before its database is open (`attach` it later): the frame is
on screen while SQLAlchemy loads. Geometry, the splitter and the last page are
remembered (QSettings).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from .common.page import Changes, Page

if TYPE_CHECKING:
    from kaohe_desktop.services.database import Database
    from kaohe_desktop.services.overview import Overview

APP_TITLE = "便民服务站考核"


def _page_factories() -> list[tuple[str, Callable[[Database, Changes], Page]]]:
    def lazy(module: str, cls: str) -> Callable[[Database, Changes], Page]:
        def build(db: Database, changes: Changes) -> Page:
            import importlib

            return getattr(importlib.import_module(f"kaohe_desktop.ui.{module}"), cls)(db, changes)
        return build

    return [
        ("概览", lazy("overview.page", "OverviewPage")),
        ("站点与人员", lazy("roster.page", "RosterPage")),
        ("考核细则", lazy("rubrics.page", "RubricsPage")),
        ("考核评分", lazy("scoring.page", "ScoringPage")),
        ("考勤", lazy("attendance.page", "AttendancePage")),
        ("服务记录", lazy("service.page", "ServicePage")),
        ("排名", lazy("ranking.page", "RankingPage")),
        ("打印与导出", lazy("documents.page", "DocumentsPage")),
        ("数据交换", lazy("exchange.page", "ExchangePage")),
    ]


class MainWindow(QMainWindow):
    database_requested = Signal(str)  # the user opened or created another database file
    # the welcome page from the menu: (path, "demo" or "empty", name, letterhead)
    fresh_requested = Signal(str, str, str, object)

    def __init__(self, db: Database | None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.db: Database | None = None  # set by attach(), possibly after show()
        self._wanted_page = 0
        self.settings = settings or QSettings()
        self.changes = Changes(self)
        self.setWindowTitle(APP_TITLE)
        self.resize(1200, 760)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMinimumWidth(120)
        self.navigation.setMaximumWidth(240)
        self.navigation.setStyleSheet(
            "QListWidget#navigation { font-size: 11pt; border: none; background: #f2f4f7; }"
            "QListWidget#navigation::item { padding: 10px 14px; }"
            "QListWidget#navigation::item:selected { background: #2f6fb3; color: white; }")
        self.pages = QStackedWidget()
        self._factories = _page_factories()
        self._built: dict[int, Page] = {}
        for title, _ in self._factories:
            self.navigation.addItem(title)
            self.pages.addWidget(QWidget())  # placeholder until first shown
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([160, 1040])
        self.setCentralWidget(self.splitter)
        self.navigation.currentRowChanged.connect(self.show_page)

        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self._restore()
        if db is not None:
            self.attach(db)
        else:
            self.db_label.setText("正在打开数据库……")

    def show_glance(self, ov: Overview) -> None:
        """Fill 概览 from the start-up glance while the database layer is still loading.

        Only when 概览 is the page to show: other pages wait for `attach`.
        """
        if self.db is not None or self._wanted_page != 0:
            return
        from .overview.page import OverviewPage

        page = OverviewPage(None, self.changes)
        page.show_overview(ov)
        page._stale = False  # read from the file a moment ago
        self._install(0, page)
        self.pages.setCurrentWidget(page)

    def attach(self, db: Database) -> None:
        """Give the window its database and show the remembered page."""
        from .common import busy_wait

        self.db = db
        busy_wait.watch(db)  # a wait for another writer checks this file's lock
        for page in self._built.values():  # built for the glance
            page.db = db
        self._show_db()
        self.show_page(self._wanted_page)

    # ------------------------------------------------------------------ pages
    def page(self, index: int) -> Page:
        if index not in self._built:
            self._install(index, self._factories[index][1](self.db, self.changes))
        return self._built[index]

    def _install(self, index: int, page: Page) -> None:
        """Put a built page in place of its placeholder."""
        old = self.pages.widget(index)
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(old)
        old.deleteLater()
        self._built[index] = page

    def page_by_title(self, title: str) -> Page:
        index = next(i for i, (t, _) in enumerate(self._factories) if t == title)
        return self.page(index)

    def open_page(self, title: str) -> Page:
        """Switch to the page with this navigation title and return it."""
        index = next(i for i, (t, _) in enumerate(self._factories) if t == title)
        self.show_page(index)
        return self.page(index)

    def show_page(self, index: int) -> None:
        if index < 0:
            return
        if self.db is None:  # not attached yet: remember, build when the database is open
            self._wanted_page = index
            self.navigation.setCurrentRow(index)
            return
        page = self.page(index)
        self.pages.setCurrentWidget(page)
        if self.navigation.currentRow() != index:
            self.navigation.setCurrentRow(index)

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self._action(file_menu, "新建数据库(&N)…", self.new_database, QKeySequence.StandardKey.New)
        self._action(file_menu, "打开数据库(&O)…", self.open_database, QKeySequence.StandardKey.Open)
        self._action(file_menu, "连接服务器(&S)…", self.connect_server)
        self._action(file_menu, "立即备份(&B)", self.backup_now)
        self._action(file_menu, "从备份恢复(&R)…", self.restore_from_backup)
        self._action(file_menu, "单位信息(&I)…", self.edit_office)
        file_menu.addSeparator()
        self._action(file_menu, "欢迎页：演示数据或新的空数据库(&W)…", self.welcome_again)
        self.clear_demo_action = self._action(file_menu, "清除演示数据(&D)…", self.clear_demo)
        file_menu.aboutToShow.connect(self._update_file_menu)
        file_menu.addSeparator()
        self._action(file_menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit)
        from .accounts.menu import add_account_menu

        add_account_menu(self)  # 账户…, 修改记录…
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.help_action = self._action(help_menu, "使用说明(&M)", self.show_help,
                                        QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "核验文件(&V)…", self.verify_document)
        self._action(help_menu, "关于(&A)", self.about)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "新建数据库", str(Path.home() / "考核.db"),
                                              "考核数据库 (*.db)")
        if path:
            self.database_requested.emit(path)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "打开数据库", str(Path.home()),
                                              "考核数据库 (*.db);;所有文件 (*)")
        if path:
            self.database_requested.emit(path)

    def connect_server(self) -> None:
        """文件 → 连接服务器…: the township's PostgreSQL server instead of this database."""
        from .settings.server_dialog import ServerDialog

        last = str(self.settings.value("database/server", "") or "")
        dialog = ServerDialog(self, last)
        dialog.saved.connect(self.database_requested.emit)  # the password stays in memory
        dialog.exec()

    def backup_now(self) -> None:
        from kaohe_desktop.services.server_backup import backup_database

        # a server database: the program's own dump in this PC's data folder
        target = backup_database(self.db, "manual")
        self.statusBar().showMessage(f"已备份到 {target}", 8000)

    def restore_from_backup(self) -> None:
        """文件 → 从备份恢复 (ui/backup): over this database, which is then reopened, or
        into a new file, which may be opened instead."""
        if self.db is None or self.db.path is None:
            QMessageBox.information(self, "从备份恢复", "当前数据库在服务器上：请用命令行 "
                                    "kaohe backup restore 备份文件 --db postgresql://… 恢复（需管理员）。")
            return
        from .backup.restore_dialog import RestoreDialog

        path = self.db.path
        dialog = RestoreDialog(path, self, before_overwrite=self.db.close, actor=self.db.actor)
        dialog.exec()
        restored = dialog.restored
        if restored is None:
            return
        if restored == path or QMessageBox.question(
                self, "从备份恢复", f"现在打开恢复出的文件？\n{restored}") == QMessageBox.StandardButton.Yes:
            self.database_requested.emit(str(restored))

    def verify_document(self) -> None:
        """帮助 → 核验文件 (ui/verify): is a printed document genuine, and what it states."""
        from .verify.verify_dialog import VerifyDialog

        VerifyDialog(self.db, self).exec()

    def edit_office(self) -> None:
        """文件 → 单位信息: the issuer, 文号 prefix, contact and address documents print."""
        if self.db is None:
            return
        from .settings.office_dialog import OfficeSettingsDialog

        dialog = OfficeSettingsDialog(self.db, self)
        if dialog.exec():
            self.changes.changed.emit("settings")
            self.statusBar().showMessage("单位信息已保存", 5000)

    # 文件 → 欢迎页 / 清除演示数据 and 帮助 → 使用说明 live in their own modules
    def welcome_again(self) -> None:
        from .settings.start_over import welcome_again

        welcome_again(self)

    def clear_demo(self) -> None:
        from .settings.start_over import clear_demo

        clear_demo(self)

    def _update_file_menu(self) -> None:
        from .settings.start_over import demo_present

        self.clear_demo_action.setEnabled(demo_present(self))

    def show_help(self) -> None:
        """F1: the manual, at the section of the page on screen."""
        from .help.help_dialog import show_help

        show_help(self, self._factories[max(self.navigation.currentRow(), 0)][0])

    def about(self) -> None:
        from kaohe_desktop.settings import data_dir

        from .about_dialog import AboutDialog
        from .welcome_dialog import station_name

        where = "" if self.db is None else str(self.db.path or self.db.engine.url)
        # the folder of the file in use (KAOHE_DB, --db or 打开数据库 may point elsewhere):
        # its backups/ are there too
        folder = self.db.path.parent if self.db is not None and self.db.path else data_dir()
        AboutDialog(folder, where, station_name(self.settings), self).exec()

    # ------------------------------------------------------------------ state
    def _show_db(self) -> None:
        from .welcome_dialog import station_name

        where = str(self.db.path) if self.db.path else str(self.db.engine.url)
        from .accounts.login_dialog import acting_text

        self.db_label.setText("　".join(x for x in (acting_text(self.db), f"数据库：{where}") if x))
        station = station_name(self.settings)
        self.setWindowTitle(f"{APP_TITLE} — {station}" if station else APP_TITLE)

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        last = self.settings.value("window/page", 0, type=int)
        self.show_page(last if 0 <= last < len(self._factories) else 0)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/page", self.navigation.currentRow())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
