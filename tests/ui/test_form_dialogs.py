"""Forms a clerk fills in (issue 15, item 7, for the roster, settings and welcome dialogs):
the cursor starts in the first field, a phone number is checked while typing, and Esc on
a form with typing asks before throwing it away — by keys and clicks."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from kaohe_desktop.ui.roster.unit_dialog import UnitDialog
from kaohe_desktop.ui.settings.office_dialog import OfficeSettingsDialog
from kaohe_desktop.ui.welcome_dialog import WelcomeDialog


def type_chinese(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_question(qtbot, button_text: str, asked: list[str]) -> None:
    """Click `button_text` in the next question box once it is up."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        asked.append(box.text())
        button = next(b for b in box.findChildren(QPushButton) if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, poll)


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_unit_dialog_focus_phone_check_and_esc(qtbot):
    saved = []
    dialog = shown(qtbot, UnitDialog(None, save=saved.append, taken_codes={"U1"}, areas=["城关镇"]))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name_edit)
    assert dialog.area_combo.currentText() == "城关镇"  # the only area so far
    type_chinese(dialog.name_edit, "五一社区便民服务站")
    dialog.phone_edit.setFocus()
    qtbot.keyClicks(dialog.phone_edit, "0731-8a")
    assert not dialog.ok_button.isEnabled() and "数字和短横线" in dialog.hint.text()
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Backspace)
    assert dialog.ok_button.isEnabled()

    asked: list[str] = []
    answer_question(qtbot, "继续编辑", asked)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Escape)
    assert asked and "放弃" in asked[0] and dialog.isVisible()  # kept: the typing is still there
    assert dialog.name_edit.text() == "五一社区便民服务站"
    answer_question(qtbot, "放弃修改", asked)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert saved == []


def test_esc_on_an_untouched_form_closes_without_asking(qtbot, db, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: (_ for _ in ()).throw(AssertionError("asked")))
    dialog = shown(qtbot, OfficeSettingsDialog(db, None, reason="生成证书前请先填写落款单位"))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.edits["issuer"])  # past the note
    qtbot.keyClick(dialog.edits["issuer"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_welcome_asks_before_esc_throws_the_letterhead_away(qtbot, tmp_path):
    dialog = shown(qtbot, WelcomeDialog(tmp_path, ""))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name_edit)
    type_chinese(dialog.name_edit, "城关镇")
    asked: list[str] = []
    answer_question(qtbot, "继续编辑", asked)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()


def test_the_account_form_opens_in_its_first_field_checks_passwords_as_typed_and_asks(qtbot, db):
    """账户 → 添加…: 账户名 has the cursor, a second password that cannot match is said at
    once, a refusal keeps the typing, Esc asks before throwing it away."""
    from kaohe_desktop.services import accounts
    from kaohe_desktop.ui.accounts.accounts_dialog import AccountDialog, AccountsDialog

    manager = shown(qtbot, AccountsDialog(db))
    forms: list[AccountDialog] = []

    def fill() -> None:
        form = QApplication.activeModalWidget()
        if not isinstance(form, AccountDialog):
            QTimer.singleShot(20, fill)
            return
        forms.append(form)
        qtbot.waitUntil(lambda: form.focusWidget() is form.login)
        qtbot.keyClicks(form.login, "lm")
        qtbot.keyClick(form.login, Qt.Key.Key_Tab)
        type_chinese(form.name, "李梅")
        qtbot.mouseClick(form.roles["评分人"], Qt.MouseButton.LeftButton)
        qtbot.keyClicks(form.password, "pw-123456")
        qtbot.keyClicks(form.again, "pw-12")
        assert form.hint.text() == "" and form.ok_button.isEnabled()  # still typing it
        qtbot.keyClicks(form.again, "x")
        assert form.hint.text() == "两次输入的密码不一致" and not form.ok_button.isEnabled()
        qtbot.keyClick(form.again, Qt.Key.Key_Backspace)
        qtbot.keyClicks(form.again, "3456")
        assert form.hint.text() == "" and form.ok_button.isEnabled()
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)  # refused: first must be 管理员
        assert form.isVisible() and "管理员" in form.hint.text() and form.login.text() == "lm"
        asked: list[str] = []
        answer_question(qtbot, "继续编辑", asked)
        qtbot.keyClick(form.login, Qt.Key.Key_Escape)
        assert asked and form.isVisible()
        qtbot.mouseClick(form.roles["管理员"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(manager.buttons["添加…"], Qt.MouseButton.LeftButton)
    assert forms and not forms[0].isVisible()
    [added] = accounts.list_accounts(db)
    assert (added.login, added.name, set(added.roles)) == ("lm", "李梅", {"管理员", "评分人"})
    assert manager.table.item(0, 0).text() == "lm"


def test_the_staff_form_opens_in_its_first_field_checks_the_phone_as_typed_and_asks(qtbot, db):
    from kaohe_desktop.services import roster
    from kaohe_desktop.ui.roster.staff_dialog import StaffDialog

    roster.add_unit(db, "第一便民服务站", code="U1", area="城关镇")
    saved: list[dict] = []
    dialog = shown(qtbot, StaffDialog(None, save=saved.append, taken_codes=set(),
                                      units=roster.list_units(db), unit_code="U1"))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name_edit)
    type_chinese(dialog.name_edit, "李娜")
    dialog.phone_edit.setFocus()
    qtbot.keyClicks(dialog.phone_edit, "1380000a")
    assert not dialog.ok_button.isEnabled() and "数字和短横线" in dialog.hint.text()
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Backspace)
    assert dialog.ok_button.isEnabled() and dialog.hint.text() == ""
    asked: list[str] = []
    answer_question(qtbot, "继续编辑", asked)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.name_edit.text() == "李娜"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert saved and saved[0]["name"] == "李娜" and saved[0]["phone"] == "1380000"
