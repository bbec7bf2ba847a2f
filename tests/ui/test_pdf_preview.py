"""PDF 预览 inside the program (issue 15, item 14): a generated file opens in the program's
own preview with its pages, prints from there and opens its folder; on a PC with no PDF
reader nothing fails silently."""

from __future__ import annotations

from doc_data import add_stations, frnl_assessment
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.attendance.page import AttendancePage
from kaohe_desktop.ui.common import pdf_preview
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.common.pdf_preview import PdfPreviewDialog
from kaohe_desktop.ui.documents.page import DocumentsPage


def previews(parent) -> list[PdfPreviewDialog]:
    return [w for w in parent.findChildren(PdfPreviewDialog) if w.isVisible()]


def test_a_generated_pdf_previews_prints_and_shows_its_folder_without_a_reader(
        qtbot, db, tmp_path, monkeypatch):
    no_reader: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: no_reader.append(url.toLocalFile()) and False)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: told.append(text))
    printed: list = []
    monkeypatch.setattr(pdf_preview, "print_pdf", lambda parent, path: printed.append(path) or True)

    add_stations(db)
    aid = frnl_assessment(db)
    page = DocumentsPage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    page.refresh()
    page.assessment_combo.setCurrentIndex(page.assessment_combo.findData(aid))
    page.folder_edit.setText(str(tmp_path / "out"))
    page.date_edit.setDate(QDate(2024, 12, 20))
    qtbot.mouseClick(page.buttons["notices"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.last_files) == 3, timeout=10000)

    item = page.file_list.item(0)
    rect = page.file_list.visualItemRect(item)
    qtbot.mouseClick(page.file_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.file_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(previews(page)))
    dialog = previews(page)[0]
    assert no_reader == []  # nothing was handed to an outside program
    assert dialog.page_count >= 1 and "共" in dialog.info.text()
    qtbot.waitExposed(dialog)
    if isinstance(dialog.view, pdf_preview._PdfiumPages):
        qtbot.waitUntil(lambda: dialog.view.pages[0].pixmap() is not None
                        and not dialog.view.pages[0].pixmap().isNull())

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [dialog.path]
    qtbot.mouseClick(dialog.external_button, Qt.MouseButton.LeftButton)
    assert "没有能打开 PDF 的程序" in told[-1]
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert no_reader[-1] == str(dialog.path.parent) and str(dialog.path.parent) in told[-1]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not previews(page))


def test_the_attendance_summary_previews_inside_the_program(qtbot, db, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    load_demo(db)
    page = AttendancePage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentWidget(page.summary)
    qtbot.waitUntil(lambda: page.summary.preview_button.isEnabled(), timeout=20000)
    qtbot.mouseClick(page.summary.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews(page)))
    dialog = previews(page)[0]
    assert dialog.path.name.startswith("考勤汇总-") and dialog.page_count >= 1
    dialog.close()
