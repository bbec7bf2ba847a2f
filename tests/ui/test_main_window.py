"""The (still plain) main window opens on a demo database and renders Chinese."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.fonts import install_cjk_font
from kaohe_desktop.ui.main_window import MainWindow


def test_window_shows_what_the_database_holds(qtbot, qapp, db, tmp_path):
    family = install_cjk_font(qapp)
    assert "WenQuanYi" in family or "文泉驿" in family
    assert QFontDatabase.writingSystems(family).count(QFontDatabase.WritingSystem.SimplifiedChinese)
    load_demo(db)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert "便民服务站 12 个" in window.summary_label.text()
    assert "考核 4 项" in window.summary_label.text()
    assert window.grab().save(str(tmp_path / "main.png"))
