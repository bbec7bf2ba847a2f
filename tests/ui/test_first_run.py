"""First start: the welcome dialog, how app.py uses it, the icon, and the 关于 dialog."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from kaohe_desktop import __version__
from kaohe_desktop.services import roster
from kaohe_desktop.ui import app as app_module
from kaohe_desktop.ui.about_dialog import AboutDialog
from kaohe_desktop.ui.common.icon import app_icon
from kaohe_desktop.ui.welcome_dialog import (
    FIRST_RUN_DONE,
    STATION_NAME,
    WelcomeDialog,
    is_first_run,
    station_name,
)


@pytest.fixture
def no_demo_question(monkeypatch):
    """The later-empty-database question must not come up on the first run."""
    def fail(*args, **kwargs):
        raise AssertionError(f"unexpected question: {args[2]}")
    monkeypatch.setattr(QMessageBox, "question", fail)


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "用户 数据" / "kaohe_desktop"
    monkeypatch.setattr(app_module, "data_dir", lambda: folder)
    return folder


def type_chinese(widget, text: str) -> None:
    """Chinese arrives through an input method as a committed string (QTest.keyClicks
    handles ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_welcome(qtbot, name: str, button: str, seen: list[WelcomeDialog]) -> None:
    """When the modal welcome is up: type the name and click a button, as a user would."""
    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, WelcomeDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(dialog)
        if name:
            type_chinese(dialog.name_edit, name)
        if button == "close":
            dialog.reject()
        else:
            qtbot.mouseClick(getattr(dialog, f"{button}_button"), Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, act)


# ----------------------------------------------------------------------------- the dialog


def test_welcome_asks_the_name_and_an_empty_start_needs_it(qtbot, tmp_path, settings):
    dialog = WelcomeDialog(tmp_path / "数据 文件夹")
    qtbot.addWidget(dialog)
    dialog.show()
    assert "数据 文件夹" in dialog.findChild(QLabel, "data_folder").text()

    qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.isVisible() and dialog.isVisible() and dialog.choice is None

    qtbot.keyClicks(dialog.name_edit, "  ")
    type_chinese(dialog.name_edit, "芙蓉  街道 ")
    assert not dialog.problem.isVisible()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # 从空白开始 is the default button
    assert dialog.choice == WelcomeDialog.EMPTY
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted

    assert is_first_run(settings)
    dialog.remember(settings)
    assert not is_first_run(settings)
    assert station_name(settings) == "芙蓉 街道"


def test_the_demo_needs_no_name(qtbot, tmp_path, settings):
    dialog = WelcomeDialog(tmp_path, name="东风社区便民服务站")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_edit.text() == "东风社区便民服务站"  # a name given before is offered again
    dialog.name_edit.clear()
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == WelcomeDialog.DEMO
    dialog.remember(settings)
    assert settings.value(FIRST_RUN_DONE, type=bool) is True
    assert settings.value(STATION_NAME) is None  # nothing typed, nothing stored


# ----------------------------------------------------------------------------- app.py


def test_first_run_with_an_empty_database_welcomes_and_loads_the_demo(
        qtbot, tmp_path, settings, data_folder, no_demo_question):
    seen: list[WelcomeDialog] = []
    answer_welcome(qtbot, "芙蓉街道", "demo", seen)
    db = app_module._open(str(tmp_path / "新 建" / "考核.db"), demo=False, settings=settings)
    # the folder of the database in use (where its backups go), not the default one
    assert seen and seen[0].findChild(QLabel, "data_folder").text().endswith(str(tmp_path / "新 建"))
    assert len(roster.list_units(db)) == 12
    assert not is_first_run(settings) and station_name(settings) == "芙蓉街道"
    db.close()


def test_first_run_empty_start(qtbot, tmp_path, settings, data_folder, no_demo_question):
    seen: list[WelcomeDialog] = []
    answer_welcome(qtbot, "东风社区便民服务站", "empty", seen)
    db = app_module._open(str(tmp_path / "k.db"), demo=False, settings=settings)
    assert seen and roster.list_units(db) == []
    assert station_name(settings) == "东风社区便民服务站" and not is_first_run(settings)
    db.close()


def test_closing_the_welcome_answers_nothing(qtbot, tmp_path, settings, data_folder, no_demo_question):
    answer_welcome(qtbot, "", "close", [])
    db = app_module._open(str(tmp_path / "k.db"), demo=False, settings=settings)
    assert roster.list_units(db) == []
    assert is_first_run(settings)  # it comes back at the next start
    db.close()


def test_after_the_first_run_an_empty_database_gets_the_short_question(
        qtbot, tmp_path, settings, monkeypatch):
    settings.setValue(FIRST_RUN_DONE, True)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    monkeypatch.setattr(WelcomeDialog, "exec", lambda self: pytest.fail("welcome shown twice"))
    db = app_module._open(str(tmp_path / "k.db"), demo=False, settings=settings)
    assert asked and "演示数据" in asked[0]
    assert roster.list_units(db) == []
    db.close()


def test_first_run_on_a_database_with_data_only_records_it(qtbot, tmp_path, settings, monkeypatch):
    """An upgrade from a version without the welcome: the user's data is there already."""
    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo

    path = tmp_path / "已有 数据.db"
    existing = open_db(path)
    load_demo(existing)
    existing.close()
    monkeypatch.setattr(WelcomeDialog, "exec", lambda self: pytest.fail("welcome over existing data"))
    db = app_module._open(str(path), demo=False, settings=settings)
    assert len(roster.list_units(db)) == 12 and not is_first_run(settings)
    db.close()


def test_a_failed_upgrade_is_reported_with_the_backup(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "旧.db"
    conn = sqlite3.connect(path)
    # a database of ours at the baseline whose tables the next step does not find
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.execute("INSERT INTO alembic_version VALUES ('0001_baseline')")
    conn.execute("CREATE TABLE area (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append((a[1], a[2])))
    assert app_module._open(str(path), demo=False) is None
    assert shown[0][0] == "数据库升级失败"
    assert "已从备份" in shown[0][1] and "before-migration" in shown[0][1]


def test_the_application_has_an_icon(qapp):
    assert not app_icon().isNull()
    assert app_icon().pixmap(32, 32).width() == 32
    app_module.make_app()
    assert not qapp.windowIcon().isNull()


# ----------------------------------------------------------------------------- 关于


def test_about_shows_version_paths_and_licences(qtbot, tmp_path):
    folder = tmp_path / "数据 文件夹"
    dialog = AboutDialog(folder, str(folder / "考核.db"), station="芙蓉街道")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert __version__ in texts and "芙蓉街道" in texts
    assert str(folder) in texts and str(folder / "考核.db") in texts

    licences = dialog.licences.toPlainText()
    for expected in ("PySide6", "LGPL-3.0", "SQLAlchemy", "Alembic", "openpyxl", "python-calamine",
                     "platformdirs", "MIT", "文泉驿微米黑", "Apache-2.0", "GPL-3+ with Font exception"):
        assert expected in licences, expected
    bar = dialog.licences.verticalScrollBar()
    assert bar.maximum() > 0  # the font's licence alone needs scrolling


def test_about_opens_the_data_folder(qtbot, tmp_path, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    folder = tmp_path / "还 没有" / "kaohe_desktop"
    dialog = AboutDialog(folder, "sqlite:///x.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.findChild(QPushButton, "open_folder"), Qt.MouseButton.LeftButton)
    assert folder.is_dir()
    assert [Path(u.toLocalFile()) for u in opened] == [folder]


@pytest.mark.parametrize("again", [False, True])
def test_nothing_in_the_welcome_is_cut_off(qtbot, tmp_path, again):
    """A group box's title cannot wrap: every title and unwrapped label fits its width."""
    from PySide6.QtWidgets import QGroupBox

    dialog = WelcomeDialog(tmp_path, again=again)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for box in dialog.findChildren(QGroupBox):
        assert box.fontMetrics().horizontalAdvance(box.title()) + 16 <= box.width(), box.title()
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text():
            assert label.sizeHint().width() <= label.width() + 1, label.text()
