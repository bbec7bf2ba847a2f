"""The window's side of the accounts leftovers: 账户 → 关联人员… links an account to a
person of the roster (clicked, as a user would), and 文件 → 从备份恢复 refuses a logged-in
评分人 before the window lets go of its database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from kaohe_desktop.services import accounts, roster
from kaohe_desktop.store.db import backup_sqlite
from kaohe_desktop.ui.accounts.accounts_dialog import NO_STAFF, AccountsDialog
from kaohe_desktop.ui.backup import restore_dialog
from kaohe_desktop.ui.backup.restore_dialog import RestoreDialog

PW = "pw-123456"


def _office(db):
    roster.add_unit(db, "第一站", code="U01", area="城关街道")
    roster.add_staff(db, "李立", "U01", code="P001")
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    accounts.add_account(db, "li", "李立", ["评分人"], PW)
    accounts.add_account(db, "wang", "王五", ["查看"], PW)


def _row(dialog, login: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == login)


def test_link_an_account_to_a_person(db, qtbot, monkeypatch, tmp_path):
    _office(db)
    dialog = AccountsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    offered = []

    def pick(parent, title, label, items, current, editable):
        offered.append(list(items))
        return next(i for i in items if i.startswith("P001")), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    dialog.table.selectRow(_row(dialog, "li"))
    qtbot.mouseClick(dialog.buttons["关联人员…"], Qt.MouseButton.LeftButton)
    assert offered[0][0] == NO_STAFF and any("李立（第一站）" in i for i in offered[0])
    assert dialog.table.item(_row(dialog, "li"), 4).text() == "P001"
    dialog.grab().save(str(tmp_path / "accounts.png"))
    # the same person for another account: the service refuses, the dialog says why
    warned = []
    monkeypatch.setattr("kaohe_desktop.ui.accounts.accounts_dialog.QMessageBox.warning",
                        lambda *a: warned.append(a[2]))
    dialog.table.selectRow(_row(dialog, "wang"))
    qtbot.mouseClick(dialog.buttons["关联人员…"], Qt.MouseButton.LeftButton)
    assert warned and "已关联账户 li" in warned[0]
    assert dialog.table.item(_row(dialog, "wang"), 4).text() == ""
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: (NO_STAFF, True))
    dialog.table.selectRow(_row(dialog, "li"))
    qtbot.mouseClick(dialog.buttons["关联人员…"], Qt.MouseButton.LeftButton)
    assert dialog.table.item(_row(dialog, "li"), 4).text() == ""


def test_restore_is_refused_to_an_assessor_before_the_database_is_let_go(db, qtbot, monkeypatch):
    _office(db)
    backup_sqlite(db.path, "manual")
    li = accounts.login(db, "li", PW)
    errors, closed = [], []
    monkeypatch.setattr(restore_dialog, "show_error", lambda parent, title, exc: errors.append(exc))
    monkeypatch.setattr(restore_dialog.QMessageBox, "question",
                        lambda *a, **k: restore_dialog.QMessageBox.StandardButton.Yes)
    dialog = RestoreDialog(db.path, before_overwrite=lambda: closed.append(True), actor=li)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.overwrite_button, Qt.MouseButton.LeftButton)
    assert errors and "需要管理员权限" in str(errors[0].lines()) and not closed
    assert dialog.restored is None
    boss = accounts.login(db, "boss", PW)
    monkeypatch.setattr(restore_dialog.QMessageBox, "information", lambda *a, **k: None)
    dialog = RestoreDialog(db.path, before_overwrite=lambda: (closed.append(True), db.close()),
                           actor=boss)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.overwrite_button, Qt.MouseButton.LeftButton)
    assert closed and dialog.restored == db.path.resolve()
