"""One name for the staff code everywhere (issue 15, item 10): 编号 — in the window's staff
table, the roster export, the year-end tally's attendance sheet and the README."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from kaohe_desktop.services import roster_files
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.services.tally import tally_sheets
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.roster.page import RosterPage

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_staff_code_is_called_bian_hao_everywhere(qtbot, db):
    load_demo(db)
    page = RosterPage(db, Changes())
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    model = page.staff_table.model()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "编号"
    assert roster_files.STAFF_HEADERS[0] == "编号"
    attendance = next(s for s in tally_sheets(db, 2024) if s.name == "考勤汇总")
    assert attendance.headers[0] == "编号"
    text = README.read_text(encoding="utf-8")
    assert "人员名册.xlsx             # 列：编号、姓名" in text
    assert "工号" not in text.replace("考勤机、钉钉或企业微信里的工号", "")
