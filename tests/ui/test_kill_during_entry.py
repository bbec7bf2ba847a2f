"""A forced kill in the middle of entry (issue 15, "how it will be checked"): the window
runs in a process of its own, a clerk types a score and presses Tab, starts typing the
next one, and the process is killed with SIGKILL. What was committed (Tab/Enter) is in
the database, which stays whole; the typing that was not committed costs nothing else."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, score_sheet, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.database import open_db

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
    pytest.mark.sqlite_only("the window's process writes a SQLite file that is then checked"),
]

# The window's process: real widgets, driven by key events as a clerk's keyboard would.
WINDOW = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from kaohe_desktop.services.database import open_db
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.main_window import MainWindow

app = make_app()
window = MainWindow(open_db(sys.argv[1]), QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.resize(1280, 800)
window.show()
window.activateWindow()
QTest.qWaitForWindowActive(window)
page = window.open_page("考核评分")
page.open_assessment(int(sys.argv[3]))
form = page.entry.form
form.focus_item(form.by_code["1.1"].index)
QApplication.processEvents()
box = form.by_code["1.1"].editor.widget
QTest.keyClicks(box, "18.5")
QTest.keyClick(box, Qt.Key.Key_Tab)
second = form.by_code["1.2.1"].editor.widget
assert form.focusWidget() is second, form.focusWidget()
QTest.keyClicks(second, "2")  # typed, not committed: the kill comes now
print("typed", flush=True)
app.exec()
"""


def test_a_committed_score_survives_a_kill_of_the_window(tmp_path: Path):
    path = tmp_path / "考核.db"
    db = open_db(path)
    roster.add_unit(db, "第1便民服务站", code="U1", area="城关街道")
    info = assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects=["U1"],
                                         groups=[GroupSpec("第一组", "上级")], name="2024年度")
    scores.add_assessor(db, info.id, "张三", group="第一组")
    db.close()

    child = subprocess.Popen([sys.executable, "-c", WINDOW, str(path), str(tmp_path / "s.ini"),
                              str(info.id)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert line == "typed", child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    again = open_db(path)  # opens without complaint: no repair, no restore
    try:
        values = score_sheet.sheet_for(again, info.id, "张三").values["U1"]
    finally:
        again.close()
    assert values["1.1"] == D("18.5")
    assert set(values) <= {"1.1", "1.2.1"}  # the uncommitted 2 is either saved whole or not at all
    assert values.get("1.2.1", D(2)) == D(2)
