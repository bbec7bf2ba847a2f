"""打印与导出: a batch runs off the GUI thread and the file lands in the chosen folder."""

from __future__ import annotations

from datetime import date

import openpyxl
from PySide6.QtCore import QDate

from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.documents.page import DocumentsPage, removable_drives


def _page(qtbot, db, tmp_path):
    ids = load_demo(db)
    page = DocumentsPage(db, Changes())
    qtbot.addWidget(page)
    page.refresh()
    page.assessment_combo.setCurrentIndex(page.assessment_combo.findData(ids["year"]))
    page.folder_edit.setText(str(tmp_path))
    page.date_edit.setDate(QDate(2024, 12, 20))
    return page


def test_publicity_and_certificates(qtbot, db, tmp_path):
    page = _page(qtbot, db, tmp_path)
    page.buttons["publicity"].click()
    qtbot.waitUntil(lambda: (tmp_path / "公示_1.pdf").exists() and page.file_list.count() == 1,
                    timeout=10000)
    page.each_check.setChecked(True)
    page.buttons["certificates"].click()
    qtbot.waitUntil(lambda: page.file_list.count() > 1, timeout=10000)
    assert all(p.suffix == ".pdf" for p in page.last_files)
    assert page.options().issued == date(2024, 12, 20)
    assert "已保存" in page.status_label.text()


def test_tally_for_the_assessment_year(qtbot, db, tmp_path):
    page = _page(qtbot, db, tmp_path)
    page.buttons["tally"].click()
    target = tmp_path / "2024年度考核汇总.xlsx"
    qtbot.waitUntil(lambda: page.last_files == [target], timeout=10000)
    assert openpyxl.load_workbook(target).sheetnames[0] == "汇总"


def test_drive_list_is_plain_data():
    for label, root in removable_drives():
        assert root and label


def test_printing_paints_every_page_onto_the_chosen_printer(qtbot, db, tmp_path, monkeypatch):
    """The print button goes through Qt's print dialog to a QPrinter; here the printer is
    a PDF file, read back to see the pages (certificates are landscape)."""
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    page = _page(qtbot, db, tmp_path)
    page.buttons["certificates"].click()
    qtbot.waitUntil(lambda: bool(page.last_files), timeout=10000)
    certificate = page.last_files[0]
    pages_in = len(PdfReader(certificate).pages)
    printed = tmp_path / "printed.pdf"

    def accept(dialog):
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(96)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    from kaohe_desktop.ui.common.pdf_print import print_pdf

    assert print_pdf(page, certificate)
    out = PdfReader(printed)
    assert len(out.pages) == pages_in
    box = out.pages[0].mediabox
    assert box.width > box.height  # landscape, like the certificate
