"""打印与导出: the consequences listed before generating, refusals before 审议, the
草稿 preview, settings asked when missing, and batches run off the GUI thread."""

from __future__ import annotations

from datetime import date

import openpyxl
from doc_data import add_stations, frnl_assessment
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.services.office_settings import office_settings
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.documents.page import DocumentsPage, removable_drives
from kaohe_desktop.ui.settings.office_dialog import OfficeSettingsDialog


def pdf_text(path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = "".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), text.replace("\n", "").replace(" ", "")


def _page(qtbot, db, out, aid):
    page = DocumentsPage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    page.refresh()
    page.assessment_combo.setCurrentIndex(page.assessment_combo.findData(aid))
    page.folder_edit.setText(str(out))
    page.date_edit.setDate(QDate(2024, 12, 20))
    return page


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _table(page) -> list[tuple[str, ...]]:
    t = page.consequence_table
    return [tuple(t.item(r, c).text() for c in range(5)) for r in range(t.rowCount())]


def test_the_page_lists_the_consequences_then_issues_exactly_them(qtbot, db, tmp_path):
    add_stations(db)
    aid = frnl_assessment(db)
    out = tmp_path / "u盘"
    page = _page(qtbot, db, out, aid)
    assert _table(page) == [
        ("A01", "东风社区群众工作站", "工作优秀", "荣誉证书", "东风社区群众工作站"),
        ("A01", "东风社区群众工作站", "工作优秀", "荣誉证书", "赵一"),
        ("A01", "东风社区群众工作站", "工作优秀", "荣誉证书", "钱二"),
        ("A01", "东风社区群众工作站", "工作优秀", "荣誉证书", "孙三"),
        ("A03", "红旗社区群众工作站", "工作一般", "限期书面报告通知", "红旗社区群众工作站"),
        ("A03", "红旗社区群众工作站", "工作一般", "诫勉谈话通知", "王八"),
        ("A04", "新华社区群众工作站", "工作较差", "通报批评", "新华社区群众工作站")]
    assert "应发 7 份" in page.consequence_label.text()
    assert "测试街道便民服务中心" in page.office_label.text()
    _click(qtbot, page.buttons["notices"])
    qtbot.waitUntil(lambda: len(page.last_files) == 3, timeout=10000)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in page.last_files)
    assert page.last_files[0].name == "测街便〔2024〕1号_红旗社区群众工作站_限期书面报告通知.pdf"
    # again: the same numbers, new names, the old files untouched
    _click(qtbot, page.buttons["notices"])
    qtbot.waitUntil(lambda: "原文件未覆盖" in page.status_label.text(), timeout=10000)
    assert page.last_files[0].name == "测街便〔2024〕1号_红旗社区群众工作站_限期书面报告通知（2）.pdf"


def test_before_review_the_page_refuses_and_previews_a_draft(qtbot, db, tmp_path):
    add_stations(db)
    aid = frnl_assessment(db, approve=False)
    out = tmp_path / "out"
    page = _page(qtbot, db, out, aid)
    assert "尚未审议通过" in page.consequence_label.text()
    _click(qtbot, page.buttons["certificates"])
    assert "尚未审议通过" in page.status_label.text() and not out.exists()
    _click(qtbot, page.buttons["publicity"])
    assert "公示名单只能在审议通过" in page.status_label.text() and not out.exists()
    page.draft_check.setFocus()
    qtbot.keyClick(page.draft_check, Qt.Key.Key_Space)
    assert page.draft_check.isChecked()
    _click(qtbot, page.buttons["certificates"])
    qtbot.waitUntil(lambda: bool(page.last_files), timeout=10000)
    [pdf] = page.last_files
    assert pdf.name.startswith("草稿_") and "草稿·未经审议" in pdf_text(pdf)[1]
    # score sheets never needed 审议
    _click(qtbot, page.buttons["filled"])
    qtbot.waitUntil(lambda: any("评分结果表" in p.name for p in page.last_files), timeout=10000)


def test_a_missing_setting_is_asked_for_before_generating(qtbot, db, tmp_path):
    add_stations(db, office=False)
    aid = frnl_assessment(db)
    page = _page(qtbot, db, tmp_path / "out", aid)
    assert "未设置" in page.office_label.text()

    seen: list[str] = []

    def fill() -> None:  # no assert in here: a failure must not leave the dialog open
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, OfficeSettingsDialog):
            QTimer.singleShot(20, fill)
            return
        seen.extend(label.text() for label in dialog.findChildren(QLabel))
        qtbot.keyClicks(dialog.edits["issuer"], "Chengguan Service Centre")
        qtbot.keyClicks(dialog.edits["prefix"], "CG")
        _click(qtbot, dialog.ok_button)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, fill)
    _click(qtbot, page.buttons["certificates"])
    assert any("生成前请先填写：发文/发证单位、文号前缀" in t for t in seen)
    qtbot.waitUntil(lambda: bool(page.last_files), timeout=10000)
    assert office_settings(db).prefix == "CG"
    assert "CG证〔2024〕1号" in pdf_text(page.last_files[0])[1]
    assert "Chengguan Service Centre" in page.office_label.text()


def test_the_settings_dialog_checks_as_you_type(qtbot, db):
    dialog = OfficeSettingsDialog(db)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()  # issuer and prefix are needed
    qtbot.keyClicks(dialog.edits["issuer"], "Town office")
    qtbot.keyClicks(dialog.edits["prefix"], "T(1)")
    assert not dialog.ok_button.isEnabled() and "括号" in dialog.hint.text()
    dialog.edits["prefix"].selectAll()
    qtbot.keyClicks(dialog.edits["prefix"], "T")
    assert dialog.ok_button.isEnabled()
    _click(qtbot, dialog.ok_button)
    assert office_settings(db).issuer == "Town office"


def test_publicity_and_tally_on_the_demo(qtbot, db, tmp_path):
    ids = load_demo(db)
    page = _page(qtbot, db, tmp_path, ids["year"])
    assert page.consequence_table.rowCount() == 0
    assert "没有规定结果运用" in page.consequence_label.text()
    page.draft_check.setChecked(True)
    _click(qtbot, page.buttons["publicity"])
    qtbot.waitUntil(lambda: len(page.last_files) == 1, timeout=10000)
    assert page.last_files[0].name.startswith("草稿_公示_")
    assert page.options().issued == date(2024, 12, 20)
    _click(qtbot, page.buttons["tally"])
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

    add_stations(db)
    aid = frnl_assessment(db)
    page = _page(qtbot, db, tmp_path / "out", aid)
    _click(qtbot, page.buttons["certificates"])
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


def _seal_png(path):
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 292, 292), outline=(200, 20, 20, 255), width=12)
    image.save(path)
    return path


def _images(pdf) -> int:
    from pypdf import PdfReader

    def count(obj) -> int:
        n = 0
        for ref in (obj.get("/Resources", {}).get("/XObject", {}) or {}).values():
            x = ref.get_object()
            n += 1 if x.get("/Subtype") == "/Image" else count(x) if x.get("/Subtype") == "/Form" else 0
        return n

    return sum(count(p) for p in PdfReader(str(pdf)).pages)


def test_register_tab_lists_what_was_issued_and_exports_it(qtbot, db, tmp_path, monkeypatch):
    add_stations(db)
    aid = frnl_assessment(db)
    page = _page(qtbot, db, tmp_path / "out", aid)
    panel = page.register_panel
    page.tabs.setCurrentWidget(panel)
    assert panel.table.rowCount() == 0 and "还没有发过" in panel.label.text()
    assert not panel.export_button.isEnabled()
    _click(qtbot, page.buttons["certificates"])
    qtbot.waitUntil(lambda: panel.table.rowCount() == 4, timeout=10000)
    assert [r[0] for r in panel.rows()] == [f"测街便证〔2024〕{n}号" for n in range(1, 5)]
    assert panel.rows()[1][3:] == ("赵一", "2024年度“工作优秀工作人员”称号", "2024-12-20")
    assert not _images(page.last_files[0])  # no seal unless asked for
    target = tmp_path / "登记"
    monkeypatch.setattr(panel, "choose_file", lambda: str(target))
    _click(qtbot, panel.export_button)
    workbook = tmp_path / "登记.xlsx"
    qtbot.waitUntil(lambda: workbook.exists() and page.last_files == [workbook], timeout=10000)
    rows = list(openpyxl.load_workbook(workbook).active.iter_rows(min_row=3, max_row=6,
                                                                  values_only=True))
    assert [r[3] for r in rows] == ["东风社区群众工作站", "赵一", "钱二", "孙三"]
    assert "已导出发证登记" in page.status_label.text()


def test_the_seal_option_prints_the_offices_scan(qtbot, db, tmp_path, monkeypatch):
    add_stations(db)
    aid = frnl_assessment(db)
    page = _page(qtbot, db, tmp_path / "out", aid)
    assert not page.seal_check.isChecked() and not page.seal_edit.isEnabled()
    monkeypatch.setattr(page, "seal_file_dialog", lambda: "")
    _click(qtbot, page.seal_check)  # no file chosen: the option stays off
    assert not page.seal_check.isChecked()
    seal = _seal_png(tmp_path / "印章.png")
    monkeypatch.setattr(page, "seal_file_dialog", lambda: str(seal))
    page.seal_check.setFocus()
    qtbot.keyClick(page.seal_check, Qt.Key.Key_Space)
    assert page.seal_check.isChecked() and page.seal_edit.text() == str(seal)
    assert page.options().certificate.seal_image == str(seal)
    _click(qtbot, page.buttons["certificates"])
    qtbot.waitUntil(lambda: bool(page.last_files), timeout=10000)
    assert _images(page.last_files[0]) == 4  # one image, drawn on each of the 4 pages
    # a file that is not an image is refused with its reason; nothing more is written
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    page.seal_edit.setText(str(bad))
    before = sorted((tmp_path / "out").iterdir())
    _click(qtbot, page.buttons["certificates"])
    qtbot.waitUntil(lambda: "印章图片" in page.status_label.text(), timeout=10000)
    assert sorted((tmp_path / "out").iterdir()) == before


def test_the_top_only_option_follows_the_rubric(qtbot, db, tmp_path):
    from doc_data import staff_assessment

    add_stations(db)
    unit_aid = frnl_assessment(db)
    staff_aid = staff_assessment(db)
    page = _page(qtbot, db, tmp_path / "out", staff_aid)
    assert page.top_only_check.isChecked()  # WS-TEST honours 优秀 only
    page.assessment_combo.setCurrentIndex(page.assessment_combo.findData(unit_aid))
    assert not page.top_only_check.isChecked()
    page.assessment_combo.setCurrentIndex(page.assessment_combo.findData(staff_aid))
    _click(qtbot, page.top_only_check)
    assert page.options().top_only is False
    _click(qtbot, page.buttons["publicity"])
    qtbot.waitUntil(lambda: bool(page.last_files), timeout=10000)
    text = pdf_text(page.last_files[0])[1]
    assert "钱二" in text and "孙三" in text


def test_the_attendance_month_is_checked_as_typed(qtbot, db, tmp_path):
    page = DocumentsPage(db, Changes())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    edit, button = page.month_edit, page.buttons["attendance"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2024")
    from PySide6.QtGui import QInputMethodEvent

    event = QInputMethodEvent()
    event.setCommitString("年")  # Chinese comes through the input method
    QApplication.sendEvent(edit, event)
    qtbot.keyClicks(edit, "-1a3")  # neither 年 nor a letter gets in
    assert edit.text() == "2024-13"
    assert not button.isEnabled() and "2024-11" in page.status_label.text()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "2024-1" and not button.isEnabled()
    qtbot.keyClicks(edit, "1")
    assert button.isEnabled() and page.status_label.text() == ""
