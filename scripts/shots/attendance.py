"""Screenshots of 考勤 and its dialogs: `shoot_attendance(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo), whose
staff have 考勤号 0101 … 1205: the fixture exports of June 2024 (tests/fixtures/attendance,
工号 0101 … 0106) match five of them, and 0106 is not on the roster. The script imports
that file (creating the sixth person), adds a 2024-06 VILLAGE-ATT assessment and applies
attendance to it; at the end the database is put back as it was (SQLite backup API), so
the other shot scripts see the plain demo.

    python scripts/shots/attendance.py [OUT_DIR]
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from _common import leave_out_unfinished, run_alone, save, settle
from openpyxl import Workbook
from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, attendance
from kaohe_desktop.services.assessments import GroupSpec

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "attendance" / "dingtalk_raw_records.xlsx"


def _wait(condition, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        QTest.qWait(20)


def _odd_layout(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "门禁刷卡"
    ws.append(["员工号码", "员工名字", "刷卡时刻", "设备", "备注"])
    for day in (3, 4, 5):
        for moment in ("08:52", "17:41"):
            ws.append(["0201", "陈静", f"2024-06-0{day} {moment}", "东门", ""])
    wb.save(path)
    return path


def _bad_template(path: Path) -> Path:
    attendance.write_template(path)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["考勤记录"]
    ws.append(["0101", "", "2024-06-03", "25:61", "17:40"])
    ws.append(["0102", "", "2024-06-03", "迟到了", "17:40"])
    ws.append(["0103", "", "2099-06-03", "08:50", "17:40"])
    ws.append(["0104", "", "2024-06-03", "08:50", "17:40", "事假", "半天"])
    wb.save(path)
    return path


def _print_image(page, out_dir: Path) -> Path:
    """What 打印 puts on paper: the summary document drawn on an A4-landscape-wide image."""
    from kaohe_desktop.ui.attendance.printing import summary_document

    doc = summary_document(page.summary.html())
    doc.setPageSize(QSizeF(1100, 10_000))
    height = int(doc.size().height()) + 20
    image = QImage(1120, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(10, 10)
    doc.drawContents(painter, QRectF(0, 0, 1100, height))
    painter.end()
    path = out_dir / "attendance_print.png"
    image.save(str(path))
    return path


def shoot_attendance(window, out_dir: Path) -> list[Path]:
    saved = sqlite3.connect(":memory:")
    with closing(sqlite3.connect(window.db.path)) as live:
        live.backup(saved)
    try:
        return _shoot(window, out_dir)
    finally:
        with closing(sqlite3.connect(window.db.path)) as live:
            saved.backup(live)
        saved.close()
        window.changes.changed.emit("all")


def _shoot(window, out_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QMessageBox

    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 820)
    window.show()
    page = window.open_page("考勤")
    page.refresh()
    shots = [save(window, out_dir, "attendance_empty")]
    information = QMessageBox.information
    QMessageBox.information = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # a file with unreadable cells: listed in red, 导入 disabled
            page.import_file(_bad_template(Path(tmp) / "站点考勤.xlsx"))
            _wait(lambda: page.flow.active_dialog is not None)
            dialog = page.flow.active_dialog
            shots.append(save(dialog, out_dir, "attendance_import_problems"))
            dialog.reject()

            # the fixture export: five matched, one to create
            page.import_file(FIXTURE)
            _wait(lambda: page.flow.active_dialog is not None)
            dialog = page.flow.active_dialog
            shots.append(save(dialog, out_dir, "attendance_import_preview"))
            for widget in dialog.choice_widgets.values():
                widget.set_choice("create", "FR01")
            shots.append(save(dialog, out_dir, "attendance_import_choice"))
            dialog.import_button.click()
            _wait(lambda: bool(page.flow.last_message))

            # a layout the program does not know: the column mapping
            page.import_file(_odd_layout(Path(tmp) / "门禁导出.xlsx"))
            _wait(lambda: page.flow.active_dialog is not None)
            mapping = page.flow.active_dialog
            shots.append(save(mapping, out_dir, "attendance_column_mapping"))
            mapping.reject()
    finally:
        QMessageBox.information = information

    page.set_month("2024-06")
    page.tabs.setCurrentWidget(page.log)
    shots.append(save(window, out_dir, "attendance_log"))
    page.log.set_status("只看异常")
    shots.append(save(window, out_dir, "attendance_log_anomalies"))
    page.log.set_status("")
    page.tabs.setCurrentWidget(page.summary)
    shots.append(save(window, out_dir, "attendance_summary"))
    shots.append(_print_image(page, out_dir))
    page.tabs.setCurrentWidget(page.rules)
    shots.append(save(window, out_dir, "attendance_rules"))
    bar = page.rules.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    shots.append(save(window, out_dir, "attendance_rules_leave"))
    bar.setValue(0)
    shift = page.rules.shift  # a unit's own shift, marked in the list, and the way back
    shift.unit_combo.setCurrentIndex(shift.unit_combo.findData("FR01"))
    shift.late_grace.setValue(10)
    shift.save()
    shots.append(save(window, out_dir, "attendance_rules_unit_shift"))
    shift.use_default()
    shift.unit_combo.setCurrentIndex(0)

    from kaohe_desktop.ui.attendance import (
        page as attendance_page,  # a large roster: the month judged on a worker
    )

    threshold, attendance_page.BACKGROUND_FROM_STAFF = attendance_page.BACKGROUND_FROM_STAFF, 1
    try:
        page.tabs.setCurrentWidget(page.summary)
        page.refresh()
        shots.append(save(window, out_dir, "attendance_loading"))
        _wait(lambda: page.summary.stack.currentWidget() is page.summary.table)
    finally:
        attendance_page.BACKGROUND_FROM_STAFF = threshold

    info = assessments.create_assessment(page.db, "VILLAGE-ATT", parse_period("2024-06"), subjects="staff",
                                         groups=[GroupSpec("站长评分", "上级")],
                                         name="2024年6月工作人员考勤考核")
    page.refresh()
    page.apply_panel.select(info.id)
    page.tabs.setCurrentWidget(page.apply_panel)
    page.apply_panel.apply()
    _wait(lambda: page.apply_panel.result is not None)
    settle()
    shots.append(save(window, out_dir, "attendance_apply"))
    leave_out_unfinished(page.db, info.id)  # only attendance is scored here
    for action in ("submit", "approve"):
        assessments.change_state(page.db, info.id, action)
    page.refresh()
    page.apply_panel.select(info.id)
    page.apply_panel.apply()
    _wait(lambda: "未写入" in page.apply_panel.message_label.text())
    shots.append(save(window, out_dir, "attendance_apply_locked"))
    page.tabs.setCurrentWidget(page.log)
    window.statusBar().clearMessage()
    return shots


if __name__ == "__main__":
    run_alone(shoot_attendance)
