"""Starting over: 文件 → 欢迎页 (the demo, or a new empty database) and 文件 → 清除演示数据.

Neither throws data away silently. The welcome page never touches the database in use:
it opens the demo's own file or creates a new file beside the current one. Clearing the
demo asks first, backs the file up (services.demo.remove_demo), then says what went.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from kaohe_desktop.settings import data_dir

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..welcome_dialog import WelcomeDialog, station_name


class MainWindow(Protocol):
    """What these steps use of the main window (which imports this module, not back)."""

    db: object
    settings: QSettings
    changes: object
    fresh_requested: SignalInstance

    def window(self) -> QWidget: ...


def _folder(window: MainWindow) -> Path:
    db = window.db
    return db.path.parent if db is not None and db.path is not None else data_dir()


def new_database_path(folder: Path, today: date | None = None) -> Path:
    """考核-20250105.db, or 考核-20250105（2）.db … : never an existing file."""
    stem = f"考核-{(today or date.today()):%Y%m%d}"
    path, n = folder / f"{stem}.db", 2
    while path.exists():
        path, n = folder / f"{stem}（{n}）.db", n + 1
    return path


def welcome_again(window: MainWindow) -> None:
    folder = _folder(window)
    dialog = WelcomeDialog(folder, station_name(window.settings), window, again=True)
    if dialog.exec() != WelcomeDialog.DialogCode.Accepted:
        return
    dialog.remember(window.settings)
    if dialog.choice == WelcomeDialog.DEMO:
        path = data_dir() / "demo.db"
    else:
        folder.mkdir(parents=True, exist_ok=True)
        path = new_database_path(folder)
    window.fresh_requested.emit(str(path), dialog.choice, dialog.name(), dialog.office())


def demo_present(window: MainWindow) -> bool:
    if window.db is None:
        return False
    from kaohe_desktop.services.demo import has_demo

    return has_demo(window.db)


def clear_demo(window: MainWindow) -> bool:
    """Ask, back up, remove the demo; True when it was removed."""
    if not demo_present(window):
        QMessageBox.information(window, "清除演示数据", "这个数据库里没有演示数据。")
        return False
    from kaohe_desktop.services.demo import remove_demo

    answer = QMessageBox.question(
        window, "清除演示数据",
        "要清除演示数据吗？\n\n将删除演示的 12 个站点、它们的工作人员、打卡记录和服务记录，以及只考核这些站点"
        "（人员）的考核与评分。您自己添加的站点、人员和考核保留。\n清除前先把数据库备份到 backups 文件夹。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        db = window.db
        removal = call_writing(window, "清除演示数据", lambda: remove_demo(db), db=db)
    except Exception as exc:
        show_error(window, "清除演示数据", exc)
        return False
    window.changes.changed.emit("all")  # stations, staff, assessments and settings went
    where = f"\n清除前的备份：{removal.backup}" if removal.backup else ""
    QMessageBox.information(window, "清除演示数据",
                            f"{removal.summary()}。{where}\n\n请在“文件 → 单位信息”中填写本单位的落款。")
    return True
