"""The 账户 menu of the main window: 账户… (administrators), 修改记录…, 切换用户 is left
out on purpose (restart the program to log in as somebody else)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMessageBox


def add_account_menu(window: QMainWindow) -> None:
    menu = window.menuBar().addMenu("账户(&U)")

    def manage() -> None:
        # imported when used: the menu is built before the window shows, and the service
        # brings SQLAlchemy (0.5 s), which start-up loads behind the shown window
        from kaohe_desktop.services import accounts

        db = getattr(window, "db", None)
        if db is None:
            return
        actor = db.actor
        if accounts.has_accounts(db) and not (isinstance(actor, accounts.Actor) and actor.admin):
            QMessageBox.information(window, "账户", "管理账户需要管理员权限。")
            return
        from .accounts_dialog import AccountsDialog

        AccountsDialog(db, window).exec()

    def history() -> None:
        db = getattr(window, "db", None)
        if db is not None:
            from .audit_dialog import AuditDialog

            AuditDialog(db, window).exec()

    menu.addAction("账户(&A)…").triggered.connect(manage)
    menu.addAction("修改记录(&R)…").triggered.connect(history)
