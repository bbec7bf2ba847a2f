"""Screenshots of 考核评分 and its dialogs: `shoot_scoring(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo). The page
is driven through its public methods; one value typed on the form is out of range (to
show the refusal) and nothing else is written, except a preview of an import (a dry run).

    python scripts/shots/scoring.py [OUT_DIR]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _common import run_alone, save
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kaohe_desktop.services import scores


def _wait(condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        QTest.qWait(20)



def _bad_sheet(page, assessment_id: int, assessor: str, path: Path) -> Path:
    scores.write_template(page.db, assessment_id, path, assessor=assessor)
    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(3, 3, 25)  # 1.1 is worth at most 20
    ws.cell(4, 4, "较好")  # not a number
    ws.cell(5, 1, "FR99")  # not a subject of this assessment
    wb.save(path)
    return path


def shoot_scoring(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 820)
    window.show()
    page = window.open_page("考核评分")
    page.show_list()
    shots = [save(window, out_dir, "scoring_list")]

    wizard = page.new_assessment()
    wizard.rubric_page.select("CY2019")
    names = ["rubric", "period", "subjects", "groups", "assign", "confirm"]
    for n, name in enumerate(names):
        if name == "subjects":
            wizard.subjects_page.pick_radio.setChecked(True)
            wizard.subjects_page.checks.filter_edit.setText("社区")
        if name == "groups":
            wizard.groups_page.groups.item(0, 0).setText("第一组")
            wizard.groups_page.add_group("第二组", "上级")
            wizard.groups_page.add_group("自评组", "自评")
        if name == "assign":
            wizard.assign_page.select_group("第二组")
            wizard.assign_page.checks.set_checked(wizard.assign_page.checks.codes()[:6])
        shots.append(save(wizard, out_dir, f"scoring_wizard_{n + 1}_{name}"))
        if n + 1 < len(names):
            if name == "subjects":
                wizard.subjects_page.checks.all_button.click()
            wizard.next()
    wizard.reject()

    year = page.list.model.items[0]
    page.open_assessment(year.id)
    entry = page.entry
    entry.select_subject("FR08")
    shots.append(save(window, out_dir, "scoring_entry"))
    form = entry.form
    form.focus_item(form.by_code["1.2.2"].index)
    QTest.keyClicks(form.by_code["1.2.2"].editor.widget, "2.5")
    QTest.keyClick(form.by_code["1.2.2"].editor.widget, Qt.Key.Key_Tab)
    shots.append(save(window, out_dir, "scoring_entry_refused"))
    QTest.keyClick(form.by_code["1.2.2"].editor.widget, Qt.Key.Key_Escape)

    entry.select_subject("FR09")  # a demo deduction
    dialog = entry.events.add_event()
    if dialog is not None:
        dialog.select_rule("D2")
        dialog.matter_edit.setText("窗口人员被投诉（2024-08）")
        dialog.note_edit.setPlainText("区政务服务中心转办，经核实属实")
        shots.append(save(dialog, out_dir, "scoring_event_dialog"))
        dialog.reject()
    shots.append(save(window, out_dir, "scoring_entry_events"))

    assessor = entry.sheet.assessor.name if entry.sheet and entry.sheet.assessor else ""
    with tempfile.TemporaryDirectory() as tmp:
        bad = _bad_sheet(page, year.id, assessor, Path(tmp) / "第一组评分表.xlsx")
        dialog = entry.import_scores()
        if dialog is not None:
            dialog.file_edit.setText(str(bad))
            dialog.preview_button.click()
            _wait(lambda: dialog.problems.rowCount() > 0)
            shots.append(save(dialog, out_dir, "scoring_import_problems"))
            good = Path(tmp) / "good.xlsx"
            scores.write_template(page.db, year.id, good, assessor=assessor)
            dialog.file_edit.setText(str(good))
            dialog.preview_button.click()
            _wait(dialog.commit_button.isEnabled)
            shots.append(save(dialog, out_dir, "scoring_import_preview"))
            dialog.reject()

    monthly = next(a for a in page.list.model.items if a.rubric_code == "VILLAGE-ATT")
    page.open_assessment(monthly.id)
    shots.append(save(window, out_dir, "scoring_entry_staff"))
    page.show_list()
    return shots


if __name__ == "__main__":
    run_alone(shoot_scoring)
