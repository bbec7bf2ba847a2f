"""账户: the list of accounts and, for an administrator, adding one, resetting a password,
changing roles and disabling; every change goes through services/accounts, which the
permission guard checks like any other write."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import accounts
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.roster import list_staff

HEADERS = ["账户名", "显示名", "角色", "状态", "关联人员", "评分"]
NO_STAFF = "（不关联）"


class AccountDialog(QDialog):
    """A new account: login, display name, roles, password twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("添加账户")
        self.login, self.name = QLineEdit(), QLineEdit()
        self.password, self.again = QLineEdit(), QLineEdit()
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.roles = {r: QCheckBox(r) for r in accounts.ROLES}
        row = QHBoxLayout()
        for box in self.roles.values():
            row.addWidget(box)
        form = QFormLayout(self)
        form.addRow("账户名：", self.login)
        form.addRow("显示名：", self.name)
        form.addRow("角色：", row)
        form.addRow("密码：", self.password)
        form.addRow("再输入一次：", self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def picked(self) -> list[str]:
        return [r for r, box in self.roles.items() if box.isChecked()]


class AccountsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("账户")
        self.resize(760, 360)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("添加…", self.add), ("重设密码…", self.reset), ("角色…", self.roles),
                           ("关联人员…", self.link_staff), ("停用", self.disable),
                           ("启用", self.enable)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[text] = b
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        rows = accounts.list_accounts(self.db)
        self.table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            for j, text in enumerate((a.login, a.name, "、".join(a.roles),
                                      "正常" if a.active else "已停用", a.staff_code,
                                      "；".join(a.seats))):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        return self.table.item(row, 0).text() if row >= 0 else None

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except InputError as exc:
            QMessageBox.warning(self, "账户", "\n".join(exc.lines()))
        self.refresh()

    def add(self) -> None:
        dialog = AccountDialog(self)
        if not dialog.exec():
            return
        if dialog.password.text() != dialog.again.text():
            QMessageBox.warning(self, "账户", "两次输入的密码不一致")
            return
        self._run(lambda: accounts.add_account(self.db, dialog.login.text(), dialog.name.text(),
                                               dialog.picked(), dialog.password.text()))

    def reset(self) -> None:
        if (login := self._selected()) is None:
            return
        password, ok = QInputDialog.getText(self, "重设密码", f"账户 {login} 的新密码：",
                                            QLineEdit.EchoMode.Password)
        if ok:
            self._run(lambda: accounts.set_password(self.db, login, password))

    def roles(self) -> None:
        if (login := self._selected()) is None:
            return
        roles = "、".join(accounts.ROLES)
        text, ok = QInputDialog.getText(self, "角色", f"账户 {login} 的角色（用、分隔：{roles}）：")
        if ok:
            self._run(lambda: accounts.set_roles(self.db, login, text))

    def link_staff(self) -> None:
        """关联人员: pick the person of the roster this account is (for self-assessment),
        or 不关联; the service refuses a person already linked to another account."""
        if (login := self._selected()) is None:
            return
        people = [p for p in list_staff(self.db) if p.active]
        choices = [NO_STAFF, *(f"{p.code}  {p.name}（{p.unit_name}）" for p in people)]
        current = self.table.item(self.table.currentRow(), 4).text()
        at = next((k for k, p in enumerate(people, start=1) if p.code == current), 0)
        picked, ok = QInputDialog.getItem(self, "关联人员", f"账户 {login} 是名册中的哪一位：",
                                          choices, at, False)
        if ok:
            code = "" if picked == NO_STAFF else picked.split()[0]
            self._run(lambda: accounts.set_staff(self.db, login, code))

    def disable(self) -> None:
        if (login := self._selected()) is not None:
            self._run(lambda: accounts.set_active(self.db, login, False))

    def enable(self) -> None:
        if (login := self._selected()) is not None:
            self._run(lambda: accounts.set_active(self.db, login, True))
