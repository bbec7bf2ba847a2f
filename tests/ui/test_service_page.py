"""The page 服务记录 through clicks and keys."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kaohe_desktop.services import service_records
from kaohe_desktop.ui.service.page import ServicePage
from tests.services.test_service_records import EXPECTED, FIX, load_roster


def test_page_shows_measures_and_tracker(qtbot, db, tmp_path):
    load_roster(db)
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)
    page = ServicePage(db, None)
    qtbot.addWidget(page)
    page.resize(1300, 600)
    page.show()
    qtbot.keyClicks(page.period, "2024-Q2")
    qtbot.keyClick(page.period, Qt.Key.Key_Return)
    assert page.table.rowCount() == 7
    assert page.table.item(1, 1).text() == "黄丽萍"
    page.by.setCurrentIndex(1)
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 3
    assert page.tracker.rowCount() == 1
    assert page.tracker.item(0, 0).text() == EXPECTED["open_bad_ratings"][0]
    page.grab().save(str(tmp_path / "service_page.png"))
    page.grab().save("/tmp/service_page.png")
