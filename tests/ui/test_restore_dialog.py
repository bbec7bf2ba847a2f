"""文件 → 从备份恢复: the dialog lists each backup with what it holds, skips damaged ones,
and restores over the current database after keeping a copy, or into a new file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from kaohe_desktop.services import roster
from kaohe_desktop.services.database import open_db
from kaohe_desktop.store.db import backup_sqlite
from kaohe_desktop.ui.backup.restore_dialog import RestoreDialog


def _damage(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.seek(4096)
        fh.write(b"\x5a" * 4096 * 3)


def test_restore_over_the_current_database_and_into_a_new_file(qtbot, tmp_path: Path, monkeypatch):
    path = tmp_path / "k.db"
    db = open_db(path)
    roster.add_unit(db, "第一站", code="U01")
    good = backup_sqlite(path, "manual")
    roster.add_unit(db, "第二站", code="U02")
    bad = backup_sqlite(path, "manual")
    db.close()
    _damage(bad)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    closed = []
    dialog = RestoreDialog(path, before_overwrite=lambda: closed.append(True))
    qtbot.addWidget(dialog)
    texts = [[dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())]
    assert texts[0][2] == "已损坏" and texts[0][4] == bad.name
    assert texts[1][2] == "完好" and "站点 1" in texts[1][3] and texts[1][4] == good.name
    assert dialog.table.currentRow() == 1  # the newest good one is chosen
    dialog.table.selectRow(0)
    assert not dialog.overwrite_button.isEnabled()
    dialog.table.selectRow(1)
    new = tmp_path / "副本.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(new), ""))
    dialog.new_file_button.click()
    assert dialog.restored == new.resolve() and not closed
    dialog = RestoreDialog(path, before_overwrite=lambda: closed.append(True))
    qtbot.addWidget(dialog)
    dialog.table.selectRow(1)
    dialog.overwrite_button.click()
    assert closed and dialog.restored == path.resolve()
    for file, codes in ((path, ["U01"]), (new, ["U01"])):
        db = open_db(file)
        assert [u.code for u in roster.list_units(db)] == codes
        db.close()
