"""Application start: Chinese Qt dialogs, the shipped font, opening a database."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from kaohe_desktop.services import roster
from kaohe_desktop.ui import app as app_module


def test_make_app_loads_the_chinese_qt_translation_and_font(qapp):
    app = app_module.make_app()
    assert app is qapp
    # qtbase_zh_CN translates Qt's own buttons
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert "WenQuanYi" in app.font().family() or "文泉驿" in app.font().family()


def test_empty_database_offers_demo_data(qapp, tmp_path, monkeypatch):
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    db = app_module._open(str(tmp_path / "新 建" / "k.db"), demo=False)
    assert asked and "演示数据" in asked[0]
    assert len(roster.list_units(db)) == 12
    db.close()


def test_a_file_that_is_not_a_database_is_reported(qapp, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "not.db"
    bad.write_text("这不是数据库", encoding="utf-8")
    assert app_module._open(str(bad), demo=False) is None
    assert shown and str(bad) in shown[0]
