"""Starting over as a clerk does it: 文件 → 清除演示数据 and 文件 → 欢迎页 (issue 15, item 12),
the welcome's 街道/乡镇 as a new station's area and the folder 关于 names (item 17), and a
file that is not a database (item 16) — all through the menus, keys and buttons."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from kaohe_desktop.services import roster, service_stats
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import has_demo, load_demo
from kaohe_desktop.services.local_area import default_area
from kaohe_desktop.services.office_settings import office_settings
from kaohe_desktop.ui import app as app_module
from kaohe_desktop.ui.about_dialog import AboutDialog
from kaohe_desktop.ui.main_window import MainWindow
from kaohe_desktop.ui.roster.unit_dialog import UnitDialog
from kaohe_desktop.ui.settings import start_over
from kaohe_desktop.ui.welcome_dialog import WelcomeDialog


def type_chinese(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def when_modal(kind: type, act) -> None:
    """Act on the next modal dialog of `kind` once it is up (exec() blocks the test)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        act(dialog)
        if dialog.isVisible():
            dialog.reject()
    QTimer.singleShot(0, poll)


def menu_key(qtbot, window: MainWindow, menu_letter: Qt.Key, item_letter: Qt.Key) -> None:
    """Alt+letter opens a menu, the item's letter triggers it — the keyboard way."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, menu_letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), item_letter)


@pytest.fixture
def window(qtbot, db, settings):
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_clear_demo_asks_backs_up_and_keeps_the_users_own(qtbot, db, window, monkeypatch, tmp_path):
    load_demo(db)
    roster.add_unit(db, "城关社区便民服务站", code="CG01", area="城关镇")
    asked, told = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or
                        QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    file_menu = window.menuBar().actions()[0].menu()
    file_menu.aboutToShow.emit()
    assert window.clear_demo_action.isEnabled()

    menu_key(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: bool(told))
    assert "12 个站点" in asked[0] and "服务记录" in asked[0] and "备份" in asked[0]
    assert "已清除演示数据：12 个站点、60 名工作人员、5 次考核" in told[0]
    assert service_stats.record_span(db) is None  # the demo's 办件, 评价 and 投诉 went too
    assert [u.code for u in roster.list_units(db)] == ["CG01"]
    assert not has_demo(db) and office_settings(db).issuer == ""
    assert list((tmp_path / "backups").glob("*demo-removal.db"))
    file_menu.aboutToShow.emit()
    assert not window.clear_demo_action.isEnabled()  # nothing more to clear


def test_clear_demo_answered_no_changes_nothing(qtbot, db, window, monkeypatch):
    load_demo(db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    menu_key(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_D)
    assert len(roster.list_units(db)) == 12 and has_demo(db)


def test_the_welcome_page_starts_a_new_empty_database_at_any_time(
        qtbot, db, window, tmp_path, monkeypatch, settings):
    load_demo(db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("no question expected"))
    requested: list[tuple] = []
    window.fresh_requested.connect(lambda *args: requested.append(args))

    def answer(dialog: WelcomeDialog) -> None:
        assert dialog.windowTitle() == "欢迎页" and dialog.empty_button.text() == "新建空数据库"
        assert str(tmp_path) in dialog.findChild(QLabel, "data_folder").text()
        dialog.name_edit.selectAll()
        type_chinese(dialog.name_edit, "城关镇")
        type_chinese(dialog.office_edits["issuer"], "城关镇便民服务中心")
        qtbot.keyClicks(dialog.office_edits["prefix"], "CG")
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)

    when_modal(WelcomeDialog, answer)
    menu_key(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: bool(requested))
    path, choice, name, office = requested[0]
    assert Path(path).parent == tmp_path and not Path(path).exists() and choice == "empty"
    assert name == "城关镇" and office == {"issuer": "城关镇便民服务中心", "prefix": "CG"}
    assert len(roster.list_units(db)) == 12  # the database in use is untouched

    # what app.py does with the answer: a new empty file, the letterhead and the area in it
    fresh = app_module._open(path, demo=False, empty_start=(name, office))
    try:
        assert roster.list_units(fresh) == [] and office_settings(fresh).prefix == "CG"
        assert default_area(fresh) == "城关镇"
        other = MainWindow(fresh, settings)
        qtbot.addWidget(other)
        other.show()
        page = other.open_page("站点与人员")
        qtbot.mouseClick(page.empty_add_button, Qt.MouseButton.LeftButton)
        dialog = page.active_dialog
        assert isinstance(dialog, UnitDialog)
        assert dialog.area_combo.currentText() == "城关镇"  # item 17: the welcome's area
        qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name_edit)  # item 7: first field
        dialog.reject()
    finally:
        fresh.close()


def test_a_station_name_is_not_taken_for_an_area(tmp_path):
    db = open_db(tmp_path / "k.db")
    app_module._store_welcome(db, "东风社区便民服务站", {})
    assert default_area(db) == ""
    db.close()


def test_a_new_database_never_overwrites_a_file(tmp_path):
    from datetime import date

    (tmp_path / "考核-20250105.db").write_bytes(b"x")
    assert start_over.new_database_path(tmp_path, date(2025, 1, 5)).name == "考核-20250105（2）.db"


def test_about_names_the_folder_of_the_database_in_use(qtbot, tmp_path, settings, monkeypatch):
    """KAOHE_DB (or --db) elsewhere: 关于 shows that folder, where the backups are."""
    elsewhere = tmp_path / "U盘" / "考核.db"
    elsewhere.parent.mkdir()
    monkeypatch.setenv("KAOHE_DB", str(elsewhere))
    db = open_db(elsewhere)
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    menu_key(qtbot, window, Qt.Key.Key_H, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0].data_folder == elsewhere.parent
    db.close()


@pytest.mark.parametrize("make", ["text", "foreign_sqlite", "folder", "truncated"])
def test_a_file_that_is_not_a_database_is_said_in_chinese(tmp_path, monkeypatch, make):
    path = tmp_path / "文件.db"
    if make == "text":
        path.write_text("姓名,电话\n")
    elif make == "foreign_sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE moz_places (id INTEGER)")
        conn.close()
    elif make == "truncated":  # a copy cut short (a USB stick pulled out while copying)
        db = open_db(path)
        load_demo(db)
        db.close()
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    else:
        path.mkdir()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    assert app_module._open(str(path), demo=False) is None
    text = shown[0]
    assert ("不是本程序的数据库文件" in text) or ("文件夹" in text)
    if make == "truncated":
        assert "数据库文件不完整" in text and "备份" in text
    assert "--db" not in text and "http" not in text
    assert not any(word in text for word in ("SQLite", "file is not", "Error", "database disk"))
    if make == "foreign_sqlite":  # nothing of ours was written into another program's file
        with sqlite3.connect(path) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
        assert names == {"moz_places"}


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_a_damaged_database_is_said_in_chinese_and_its_backup_offered(qtbot, tmp_path, monkeypatch):
    """Damaged in the middle (not cut short): the refusal and the restore dialog it leads
    to are Chinese, without SQLite's "database disk image is malformed"."""
    from kaohe_desktop.services.server_backup import backup_database
    from kaohe_desktop.ui.backup.restore_dialog import RestoreDialog

    path = tmp_path / "考核.db"
    db = open_db(path)
    load_demo(db)
    backup_database(db, "manual")
    db.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = bytes(range(256)) * 32
    path.write_bytes(bytes(data))
    said: list[str] = []

    def answer(box: QMessageBox) -> int:
        said.append(box.text())
        restore = next(b for b in box.buttons() if b.text() == "从备份恢复…")
        assert restore.isEnabled()
        restore.click()
        return 0

    def look(dialog: RestoreDialog) -> int:
        said.extend(label.text() for label in dialog.findChildren(QLabel))
        return 0  # closed without restoring

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(RestoreDialog, "exec", look)
    assert app_module._open(str(path), demo=False) is None
    text = "\n".join(said)
    assert "数据库文件已损坏" in said[0] and "最新的完好备份" in said[0]
    assert "当前数据库文件已损坏（完整性检查未通过）" in text
    assert not any(word in text for word in ("malformed", "database disk", "SQLite", "Error"))
