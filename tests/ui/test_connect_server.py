"""文件 → 连接服务器… (issue 18 §1) against the PostgreSQL server of the CI's second pass
(KAOHE_TEST_DATABASE_URL; skipped without one): typed with key presses, the dialog tries
the server, migrates a new database there, and hands the window a URL whose password is
never written to the settings."""

from __future__ import annotations

import pytest
from backends import ON_SERVER
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.server_connect import ServerAddress, remembered_url
from kaohe_desktop.store.schema_head import SCHEMA_HEAD
from kaohe_desktop.ui.settings.server_dialog import ServerDialog

pytestmark = pytest.mark.skipif(not ON_SERVER, reason="需要 PostgreSQL 服务器（KAOHE_TEST_DATABASE_URL）")


def _type(qtbot, dialog, values: list[str]) -> None:
    """Each field in turn: select what is there (Ctrl+A) and type over it."""
    fields = [dialog.host, dialog.port, dialog.database, dialog.user, dialog.password]
    for field, text in zip(fields, values, strict=True):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(field, Qt.Key.Key_Delete)
        if text:
            qtbot.keyClicks(field, text)
        assert field.text() == text


def test_connecting_by_keyboard_migrates_the_server_database_and_keeps_no_password(
        qtbot, pg_server, settings):
    url = pg_server.create()  # an empty database the township's administrator made
    admin = make_url(url)
    address = ServerAddress.from_url(url)
    dialog = ServerDialog(None, "")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _type(qtbot, dialog, [address.host, str(address.port), str(admin.database), admin.username,
                          "Secret-pw9"])
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=60_000) as got:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    opened = got.args[0]
    assert make_url(opened).password == "Secret-pw9" and not dialog.isVisible()
    kept = remembered_url(opened)
    assert "Secret-pw9" not in kept and make_url(kept).database == admin.database
    db = open_db(kept)  # trust on the test server: the remembered URL opens as it is
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD
    finally:
        db.close()
    # the window's next start fills the address from what it kept, never the password
    again = ServerDialog(None, kept)
    qtbot.addWidget(again)
    assert (again.host.text(), again.database.text(), again.user.text(), again.password.text()) == (
        address.host, admin.database, admin.username, "")


def test_an_unreachable_server_keeps_the_dialog_open_with_the_reason(qtbot, pg_server):
    dialog = ServerDialog(None, "")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _type(qtbot, dialog, ["/nonexistent-folder", "5432", "kaohe", "kaohe", ""])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and "无法连接数据库服务器" in dialog.hint.text()
    # a field left empty: 连接 is disabled and the hint says which
    dialog.database.clear()
    assert not dialog.ok_button.isEnabled() and "数据库名" in dialog.hint.text()
