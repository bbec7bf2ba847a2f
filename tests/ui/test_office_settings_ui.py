"""The office's letterhead in the window: asked at an empty first start, editable from
文件 → 单位信息."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from kaohe_desktop.services.office_settings import office_settings
from kaohe_desktop.ui import app as app_module
from kaohe_desktop.ui.main_window import MainWindow
from kaohe_desktop.ui.settings.office_dialog import OfficeSettingsDialog
from kaohe_desktop.ui.welcome_dialog import WelcomeDialog


def _type(widget, text: str) -> None:
    """Chinese arrives through an input method as one committed string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _when_modal(kind, act) -> None:
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        act(dialog)
        if dialog.isVisible():  # never leave a modal dialog behind (the test would hang)
            dialog.reject()
    QTimer.singleShot(0, poll)


def test_an_empty_first_start_stores_the_letterhead(qtbot, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(app_module, "data_dir", lambda: tmp_path / "data")

    def answer(dialog: WelcomeDialog) -> None:
        _type(dialog.name_edit, "城关镇")
        _type(dialog.office_edits["issuer"], "城关镇便民服务中心")
        _type(dialog.office_edits["prefix"], "城便")
        qtbot.keyClicks(dialog.office_edits["contact"], "Wang 0931-1234567")
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)

    _when_modal(WelcomeDialog, answer)
    db = app_module._open(str(tmp_path / "k.db"), demo=False, settings=settings)
    try:
        office = office_settings(db)
        assert (office.issuer, office.prefix, office.contact, office.address) == (
            "城关镇便民服务中心", "城便", "Wang 0931-1234567", "")
    finally:
        db.close()


def test_the_demo_keeps_its_own_letterhead(qtbot, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(app_module, "data_dir", lambda: tmp_path / "data")

    def answer(dialog: WelcomeDialog) -> None:
        _type(dialog.office_edits["issuer"], "不该用的单位")
        qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)

    _when_modal(WelcomeDialog, answer)
    db = app_module._open(str(tmp_path / "k.db"), demo=False, settings=settings)
    try:
        assert office_settings(db).issuer == "芙蓉街道便民服务中心"
    finally:
        db.close()


def test_file_menu_edits_the_letterhead(qtbot, db, settings):
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    [action] = [a for a in window.menuBar().actions()[0].menu().actions() if a.text().startswith("单位信息")]

    def answer(dialog: OfficeSettingsDialog) -> None:
        qtbot.keyClicks(dialog.edits["issuer"], "Town office")
        qtbot.keyClicks(dialog.edits["prefix"], "TO")
        qtbot.keyClicks(dialog.edits["address"], "1 High Street")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_modal(OfficeSettingsDialog, answer)
    action.trigger()
    office = office_settings(db)
    assert (office.issuer, office.prefix, office.address) == ("Town office", "TO", "1 High Street")
