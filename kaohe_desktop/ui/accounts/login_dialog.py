"""登录: asked at start-up when the database has accounts (none: the local user goes on)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import accounts
from kaohe_desktop.services.database import Database


class LoginDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("登录")
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("本数据库已启用账户，请登录。")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("账户名(&U)：", self.login)
        form.addRow("密码(&P)：", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def try_login(self) -> None:
        try:
            accounts.login(self.db, self.login.text(), self.password.text())
        except InputError as exc:
            self.message.setText(exc.problems[0].reason)
            self.password.clear()
            self.password.setFocus()
            return
        self.password.clear()  # the clear text does not stay in the widget
        self.accept()


def log_in(db: Database, parent: QWidget | None = None) -> bool:
    """True when the window may go on: no accounts, or a successful login."""
    if not accounts.has_accounts(db):
        return True
    return LoginDialog(db, parent).exec() == QDialog.DialogCode.Accepted


def acting_text(db: Database | None) -> str:
    """“当前用户：李梅（评分人）” for the status bar; "" without accounts."""
    actor = getattr(db, "actor", None)
    if not isinstance(actor, accounts.Actor):
        return ""
    return f"当前用户：{actor.name}（{'、'.join(r for r in accounts.ROLES if r in actor.roles)}）"
