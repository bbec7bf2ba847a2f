"""文件 → 连接服务器…: work on the township's PostgreSQL server (README 乡镇服务器).

Server, port, database and user are filled from the server last used (kept in the
settings without a password); the password is typed each time and never stored. 连接
tries the server first: a wrong password or an unreachable server keeps the dialog open
with the reason; on success `saved` carries the URL (with the password, in memory only)
that the window opens instead of the current database.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.services.server_connect import (
    DEFAULT_PORT,
    ServerAddress,
    address_problems,
    server_url,
)

from ..common.form_dialog import FormDialog, line_edit


def _try(url: str) -> str:
    """The URL when the server accepts it and is (or becomes) this program's database."""
    from kaohe_desktop.services.database import open_db

    open_db(url).close()  # migrates a new, empty database; InputError (Chinese) when refused
    return url


class ServerDialog(FormDialog):
    waits_for_writers = False  # it tries a connection; it writes nothing to the open database

    def __init__(self, parent: QWidget | None = None, last: str = "") -> None:
        super().__init__(parent, "连接服务器", lambda values: _try(self.url()))
        self.ok_button.setText("连接")
        known = ServerAddress.from_url(last) if last else ServerAddress("", DEFAULT_PORT, "kaohe", "")
        self.host = line_edit(known.host, "如：192.168.1.10")
        self.port = line_edit(str(known.port))
        self.database = line_edit(known.database or "kaohe")
        self.user = line_edit(known.user, "如：kaohe")
        self.password = line_edit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for name, widget, label in (("host", self.host, "服务器(&S)："), ("port", self.port, "端口(&P)："),
                                    ("database", self.database, "数据库(&D)："),
                                    ("user", self.user, "用户名(&U)："),
                                    ("password", self.password, "密码(&W)：")):
            widget.setObjectName(name)
            self.form.addRow(label, widget)
            self.watch(widget)
        note = QLabel("乡镇（街道）的 PostgreSQL 服务器：多台电脑同时录入同一个数据库。"
                      "密码不保存，每次连接时输入。")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.revalidate()

    def address(self) -> ServerAddress:
        port = self.port.text().strip()
        return ServerAddress(self.host.text().strip(), int(port) if port.isdigit() else DEFAULT_PORT,
                             self.database.text().strip(), self.user.text().strip())

    def url(self) -> str:
        return server_url(self.address(), self.password.text())

    def values(self) -> dict[str, str]:
        return {"host": self.host.text(), "port": self.port.text(), "database": self.database.text(),
                "user": self.user.text()}

    def problems(self) -> list[Problem]:
        return address_problems(**self.values())
