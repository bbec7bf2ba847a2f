"""反馈书 from the ranking's drill-down: a 草稿 preview before 审议, the letter saved into
the chosen folder and shown in the program's preview after it — through clicks."""

from __future__ import annotations

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from service_data import import_all, load_roster

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, office_settings, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.ui.common import pdf_preview
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.ranking.page import RankingPage


@pytest.fixture
def page(qtbot, db):
    load_roster(db)
    office_settings.set_office_setting(db, "issuer", "红岭街道便民服务中心")
    aid = assessments.create_assessment(db, "CENTER-FW", parse_period("2024-Q2"), subjects="staff",
                                        groups=[GroupSpec("中心", "上级", (), ())]).id
    import_all(db)
    for code in ("0101", "0102", "0103", "0201", "0202", "0301", "0302"):
        for item, value in (("1.1", 14), ("1.2", 8), ("2", 26)):
            scores.set_score(db, aid, code, item, value, assessor="主任", group="中心",
                             remark="窗口沟通耐心。" if (code, item) == ("0102", "2") else "")
    p = RankingPage(db, Changes())
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def open_drill(qtbot, page, code):
    row = page.visible_codes().index(code)
    rect = page.table.visualRect(page.proxy.index(row, 2))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.drill is not None and page.drill.subject_code == code
    return page.drill


def test_feedback_letter_from_the_drill_down(qtbot, page, db, tmp_path, monkeypatch):
    shown = []
    real_preview = pdf_preview.preview_file

    def preview(parent, path):
        shown.append(path)
        return real_preview(parent, path)

    monkeypatch.setattr("kaohe_desktop.ui.ranking.feedback_action.preview_file", preview)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a, **k:
                        asked.append(text) or QMessageBox.StandardButton.Yes)
    dialog = open_drill(qtbot, page, "0102")
    qtbot.mouseClick(dialog.feedback_button, Qt.MouseButton.LeftButton)
    assert "尚未审议通过" in asked[0]
    assert shown and shown[0].name.startswith("草稿-考核结果反馈书-0102")
    dialog.close()

    assessments.change_state(db, page.assessment_id, "submit")
    assessments.change_state(db, page.assessment_id, "approve")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    dialog = open_drill(qtbot, page, "0102")
    qtbot.mouseClick(dialog.feedback_button, Qt.MouseButton.LeftButton)
    letter = tmp_path / "考核结果反馈书-0102-黄丽萍.pdf"
    assert shown[-1] == letter and letter.is_file()
    previews = [w for w in dialog.findChildren(pdf_preview.PdfPreviewDialog) if w.isVisible()]
    assert previews, "the letter opens in the program's preview"
    grab = previews[0].grab()
    assert not grab.isNull()
    grab.save(str(tmp_path / "preview.png"))
    with pdfplumber.open(letter) as pdf:
        assert len(pdf.pages) == 1
        text = "".join((pdf.pages[0].extract_text() or "").split())
    assert "2工作态度与沟通能力（主任）：窗口沟通耐心。" in text and "改进建议" in text
