"""The login dialog, the status bar's user, the 账户 and 修改记录 dialogs."""

from __future__ import annotations

from kaohe_desktop.services import accounts, roster
from kaohe_desktop.ui.accounts.audit_dialog import AuditDialog
from kaohe_desktop.ui.accounts.login_dialog import LoginDialog, acting_text, log_in
from kaohe_desktop.ui.main_window import MainWindow

PW = "pw-123456"


def test_without_accounts_nobody_is_asked(db):
    assert log_in(db) is True
    assert acting_text(db) == ""


def test_login_dialog_refuses_a_wrong_password_then_logs_in(db, qtbot, settings):
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.login.setText("boss")
    dialog.password.setText("wrong")
    dialog.try_login()
    assert "不正确" in dialog.message.text() and not dialog.result()
    dialog.password.setText(PW)
    dialog.try_login()
    assert dialog.result() and db.actor.login == "boss" and dialog.password.text() == ""
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    assert "当前用户：主任（管理员）" in window.db_label.text()
    assert any(a.text() == "账户(&U)" for a in window.menuBar().actions())


def test_history_dialog_says_who_changed_what(db, qtbot, monkeypatch):
    roster.add_unit(db, "第一站", code="U1", area="城关街道")
    dialog = AuditDialog(db)
    qtbot.addWidget(dialog)
    texts = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert any("新增单位" in t for t in texts)
    shown = []
    monkeypatch.setattr("kaohe_desktop.ui.accounts.audit_dialog.QMessageBox.information",
                        lambda *a: shown.append(a[2]))
    dialog.verify()
    assert shown and "完整" in shown[0]
