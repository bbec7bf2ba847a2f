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
    QLabel,
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

from ..common.busy_wait import call_writing
from ..common.guarded_dialog import GuardedDialog

HEADERS = ["账户名", "显示名", "角色", "状态", "关联人员", "评分"]
NO_STAFF = "（不关联）"


class AccountDialog(GuardedDialog):
    """A new account: login, display name, roles, password twice. Opens in 账户名; the
    two passwords are compared as they are typed; a refusal by the service is shown in
    the dialog, which keeps what was typed; Esc after typing asks first (GuardedDialog)."""

    def __init__(self, parent: QWidget | None = None,
                 save: Callable[[str, str, list[str], str], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("添加账户")
        self.save = save
        self.login, self.name = QLineEdit(), QLineEdit()
        self.password, self.again = QLineEdit(), QLineEdit()
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self.revalidate)
        self.roles = {r: QCheckBox(r) for r in accounts.ROLES}
        row = QHBoxLayout()
        for box in self.roles.values():
            row.addWidget(box)
        self.hint = QLabel("")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #c0392b;")
        form = QFormLayout(self)
        form.addRow("账户名：", self.login)
        form.addRow("显示名：", self.name)
        form.addRow("角色：", row)
        form.addRow("密码：", self.password)
        form.addRow("再输入一次：", self.again)
        form.addRow(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.cancel)
        form.addRow(buttons)

    def picked(self) -> list[str]:
        return [r for r, box in self.roles.items() if box.isChecked()]

    def revalidate(self) -> None:
        # checked as typed: once the second entry stops being the start of the first, they
        # cannot match; a shorter start is still being typed
        again, password = self.again.text(), self.password.text()
        differ = bool(again) and not password.startswith(again)
        self.hint.setText("两次输入的密码不一致" if differ else "")
        self.ok_button.setEnabled(not differ)

    def accept(self) -> None:
        if self.password.text() != self.again.text():
            self.hint.setText("两次输入的密码不一致")
            self.again.setFocus()
            self.again.selectAll()
            return
        if self.save is not None:
            login, name, roles, password = (self.login.text(), self.name.text(), self.picked(),
                                            self.password.text())
            try:
                call_writing(self, "添加账户", lambda: self.save(login, name, roles, password))
            except InputError as exc:
                self.hint.setText("；".join(p.reason for p in exc.problems))
                return
        super().accept()


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
            call_writing(self, "账户", action, db=self.db)
        except InputError as exc:
            QMessageBox.warning(self, "账户", "\n".join(exc.lines()))
        self.refresh()

    def add(self) -> None:
        db = self.db
        dialog = AccountDialog(self, save=lambda login, name, roles, password: accounts.add_account(
            db, login, name, roles, password))
        dialog.exec()
        self.refresh()

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
