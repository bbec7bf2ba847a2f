"""帮助 → 核验文件…: a genuine code typed in shows 真实 and what the document states; a
forged one is refused; another office's QR text checks with its exported public key;
the menu opens the dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from kaohe_desktop.services import office_key
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.verification import issue_code
from kaohe_desktop.ui.verify.verify_dialog import VerifyDialog

SHOTS = Path(__file__).parent / "_shots"


def _issue(db):
    return issue_code(db, "荣誉证书", number="测街便证〔2024〕1号", subject="东风社区群众工作站",
                      result="2024年度“工作优秀单位”称号", assessment="2024群众工作站考核")


def test_type_a_code_and_check_it(qtbot, db, tmp_path):
    v = _issue(db)
    dialog = VerifyDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.code_edit, v.text.lower())
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text().startswith("真实：")
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
            for r in range(dialog.table.rowCount())}
    assert rows["文号"] == "测街便证〔2024〕1号" and rows["对象"] == "东风社区群众工作站"
    dialog.grab().save(str(tmp_path / "verify-genuine.png"))
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, v.text[:-4] + "AAAA")
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text().startswith("不能证实为真") and dialog.table.rowCount() == 0
    dialog.code_edit.clear()
    dialog.code_edit.setPlainText("随便写的")  # QTest types ASCII only
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert "不是本程序的核验码" in dialog.result_label.text()


def test_another_offices_qr_with_its_public_key(qtbot, db, tmp_path, monkeypatch):
    (tmp_path / "other").mkdir()
    other = open_db(tmp_path / "other" / "k.db")
    v = _issue(other)
    key = office_key.export_public_key(other, tmp_path / "other.pem")
    other.close()
    dialog = VerifyDialog(db)
    qtbot.addWidget(dialog)
    dialog.code_edit.setPlainText(v.payload)
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text().startswith("不能证实为真")  # not this office's key
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(key), ""))
    qtbot.mouseClick(dialog.key_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text().startswith("真实：")
    out = tmp_path / "mine.pem"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes() == office_key.public_key_pem(db)
