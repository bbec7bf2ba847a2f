"""考勤 with real widgets, a real SQLite file and the real fixture exports.

Only the modal statics (QFileDialog.get*FileName, QMessageBox.information/warning) are
patched. Staff are put on the roster with 考勤号 = the fixtures' 工号 (0101 …), as an
office using those clocks would have them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kaohe_desktop.cli import main as cli_main
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, attendance, roster
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.results import ImportPreview
from kaohe_desktop.ui.attendance.empty_state import EMPTY_MONTH, NO_DATA, NO_STAFF
from kaohe_desktop.ui.attendance.import_dialog import AttendanceImportDialog
from kaohe_desktop.ui.attendance.jobs import Cancelled, in_thread
from kaohe_desktop.ui.attendance.page import AttendancePage
from kaohe_desktop.ui.common.column_mapping_dialog import ColumnMappingDialog
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.common.problem_table import ERROR_BACKGROUND

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attendance"
PEOPLE = [("S01", "周建国", "0101"), ("S02", "吴晓燕", "0102"), ("S03", "郑海", "0103"),
          ("S04", "买买提·艾力", "0104"), ("S05", "欧阳秀英", "0105"), ("S06", "冯玥", "0106")]
TIMEOUT = 20000


def add_staff(db, people=PEOPLE) -> None:
    roster.add_unit(db, "红岭村便民服务室", code="U1", area="红岭镇", kind="村便民服务室")
    roster.add_unit(db, "青山村便民服务室", code="U2", area="红岭镇", kind="村便民服务室")
    for code, name, number in people:
        roster.add_staff(db, name, "U1", code=code, attendance_no=number)


def rows_in(db, table: str) -> int:
    con = sqlite3.connect(db.path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def staffed(db):
    add_staff(db)
    return db


@pytest.fixture
def told(monkeypatch):
    """What the page told the user in message boxes: [(kind, text)]."""
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: said.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(("warning", text)))
    return said


@pytest.fixture
def changes():
    return Changes()


@pytest.fixture
def page(qtbot, db, changes):
    widget = AttendancePage(db, changes)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pick_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def wait_dialog(qtbot, page: AttendancePage, kind: type):
    qtbot.waitUntil(lambda: isinstance(page.flow.active_dialog, kind), timeout=TIMEOUT)
    return page.flow.active_dialog


def import_through_dialogs(qtbot, page, monkeypatch, told, path: Path) -> tuple[ImportPreview, str]:
    """导入考勤文件… → preview → 导入 → the summary message; (the preview, its summary text)."""
    pick_file(monkeypatch, path)
    before = len(told)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    assert dialog.import_button.isEnabled(), dialog.blocking()
    shown = dialog.preview, dialog.summary_label.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # the dialog closes for good
    qtbot.waitUntil(lambda: len(told) > before, timeout=TIMEOUT)
    return shown


def shown_summary(page: AttendancePage) -> dict[str, dict[str, str]]:
    """The summary table as on screen: staff code → column title → text."""
    model = page.summary.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {model.index(r, 0).data(): {t: model.index(r, c).data() for c, t in enumerate(titles)}
            for r in range(model.rowCount())}


def cli_summary(db_path: Path, month: str, capsys) -> list[dict]:
    capsys.readouterr()
    assert cli_main(["--db", str(db_path), "attendance", "summary", "--month", month, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def number(text: str) -> float:
    return float(text) if text else 0.0


# ---------------------------------------------------------------------------- empty states


def test_empty_states_say_what_to_do_next(qtbot, page, db, changes):
    assert page.log.empty.kind == NO_STAFF and page.log.stack.currentWidget() is page.log.empty
    assert "站点与人员" in page.log.empty.label.text()
    assert page.log.empty.roster_button.isVisibleTo(page) and not page.import_button.isEnabled()
    add_staff(db)
    changes.changed.emit("roster")
    assert page.log.empty.kind == page.summary.empty.kind == NO_DATA
    assert "导入考勤文件" in page.summary.empty.label.text()
    assert page.log.empty.import_button.isVisibleTo(page) and page.import_button.isEnabled()
    assert not page.log.empty.roster_button.isVisibleTo(page)


# ---------------------------------------------------------------------------- import


def test_import_a_fixture_through_the_dialogs_matches_the_cli(qtbot, page, staffed, monkeypatch, told,
                                                              tmp_path, capsys, changes):
    page.refresh()
    file = FIXTURES / "dingtalk_report.xlsx"
    with qtbot.waitSignal(changes.changed, timeout=TIMEOUT) as signal:
        preview, _ = import_through_dialogs(qtbot, page, monkeypatch, told, file)
    assert signal.args == ["attendance"]
    people = preview.people
    assert {(p.status, p.staff_code) for p in people} == {("matched", c) for c, _, _ in PEOPLE}
    assert told[-1][0] == "info" and "已导入" in told[-1][1]
    assert page.month() == "2024-06" and page.log.stack.currentWidget() is page.log.table

    # the same file through the command line into a database with the same roster
    other = tmp_path / "cli.db"
    other_db = open_db(other)
    add_staff(other_db)
    other_db.close()
    capsys.readouterr()
    assert cli_main(["--db", str(other), "attendance", "import", str(file)]) == 0
    expected = cli_summary(other, "2024-06", capsys)
    shown = shown_summary(page)
    assert sorted(shown) == sorted(r["staff_code"] for r in expected)
    for r in expected:
        row = shown[r["staff_code"]]
        assert row["姓名"] == r["name"]
        assert (int(row["应出勤(天)"]), int(row["迟到(次)"]), int(row["迟到(分钟)"]), int(row["早退(次)"]),
                int(row["早退(分钟)"]), int(row["缺卡(次)"]), number(row["旷工(天)"])) == (
            r["workdays"], r["late"], r["late_minutes"], r["early"], r["early_minutes"], r["missing"],
            r["absent_days"])
        leave = {k[:-3]: number(v) for k, v in row.items() if k.endswith("(天)") and k[:-3] not in (
            "应出勤", "旷工") and v}
        assert leave == r["leave_days"]
    assert any(r["leave_days"] for r in expected)  # the report carries leave

    # importing it again adds nothing and says so
    punches = rows_in(staffed, "attendance_punch")
    again, text = import_through_dialogs(qtbot, page, monkeypatch, told, file)
    assert again.imported_before and "以前导入过" in text
    assert "没有新的考勤记录" in told[-1][1]
    assert rows_in(staffed, "attendance_punch") == punches


def test_unmatched_and_same_name_people_get_a_choice(qtbot, page, db, monkeypatch, told):
    # 冯玥 is on the roster twice without a 考勤号 (同名); 买买提·艾力 is not on it at all
    add_staff(db, [p for p in PEOPLE if p[0] not in ("S04", "S06")])
    roster.add_staff(db, "冯玥", "U1", code="S06")
    roster.add_staff(db, "冯玥", "U2", code="S16")
    page.refresh()
    pick_file(monkeypatch, FIXTURES / "dingtalk_raw_records.xlsx")
    page.import_file()
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    assert set(dialog.choice_widgets) == {"0104", "0106"}
    assert dialog.choice_widgets["0106"].person.status == "ambiguous"
    assert not dialog.import_button.isEnabled() and "2 人没有选择处理方式" in dialog.summary_label.text()
    dialog.choice_widgets["0106"].set_choice("map", "S16")
    assert not dialog.import_button.isEnabled()
    dialog.choice_widgets["0104"].set_choice("create", "U2")
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=TIMEOUT)
    assert "新建人员 1 名" in told[-1][1]
    staff = {p.code: p for p in roster.list_staff(db)}
    assert staff["S16"].attendance_no == "0106" and staff["S06"].attendance_no == ""
    created = next(p for p in staff.values() if p.name == "买买提·艾力")
    assert (created.unit_code, created.attendance_no) == ("U2", "0104")
    assert {r.staff_code for r in attendance.monthly_summary(db, "2024-06")} >= {"S16", created.code}


def test_bulk_create_keeps_a_hand_made_mapping(qtbot, page, db, monkeypatch, told):
    """未匹配的全部新建到 and 全部跳过 change only the people still undecided; a person mapped
    by hand keeps the mapping (issue 15, item 9) — chosen with keys and clicks."""
    # 买买提·艾力 (0104) and 郑海 (0103) are not on the roster; the clerk knows 郑海 is
    # 郑海洋 (S13, no 考勤号 yet) and maps him by hand
    add_staff(db, [p for p in PEOPLE if p[0] not in ("S03", "S04")])
    roster.add_staff(db, "郑海洋", "U2", code="S13")
    page.refresh()
    pick_file(monkeypatch, FIXTURES / "dingtalk_raw_records.xlsx")
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    zheng = dialog.choice_widgets["0103"]
    assert zheng.person.status == "unmatched" and dialog.choice_widgets["0104"].person.status == "unmatched"

    # 对应到已有人员 with the keyboard, then the person typed and picked from the list
    zheng.action_combo.setFocus()
    qtbot.keyClick(zheng.action_combo, Qt.Key.Key_Down)
    assert zheng.action_combo.currentData() == "map"
    index = zheng.target_combo.findData("S13", Qt.ItemDataRole.UserRole)
    for _ in range(index + 1):
        qtbot.keyClick(zheng.target_combo, Qt.Key.Key_Down)
    assert zheng.choice().staff == "S13"

    combo = dialog.create_unit_combo
    combo.setCurrentIndex(combo.findData("U1"))
    qtbot.mouseClick(dialog.create_all_button, Qt.MouseButton.LeftButton)
    assert zheng.choice().action == "map" and zheng.choice().staff == "S13"  # kept
    assert dialog.choice_widgets["0104"].choice().action == "create"
    qtbot.mouseClick(dialog.skip_all_button, Qt.MouseButton.LeftButton)
    assert zheng.choice().staff == "S13"  # 全部跳过 leaves it alone too

    qtbot.mouseClick(dialog.create_all_button, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled(), dialog.blocking()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=TIMEOUT)
    staff = {p.code: p for p in roster.list_staff(db)}
    assert staff["S13"].attendance_no == "0103"  # mapped, not created as a new 郑海
    assert "郑海" not in [p.name for p in staff.values()]
    assert {r.staff_code for r in attendance.monthly_summary(db, "2024-06")} >= {"S13"}


def test_the_template_is_downloaded_and_imports_back(qtbot, page, staffed, monkeypatch, told, tmp_path):
    page.refresh()
    target = tmp_path / "考勤模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.template_button, Qt.MouseButton.LeftButton)
    book = tmp_path / "考勤模板.xlsx"
    assert book.is_file() and "模板已保存" in page.last_message
    wb = load_workbook(book)
    ws = wb["考勤记录"]
    ws.append(["0101", "周建国", "2024-06-03", "09:12", "17:40"])
    ws.append(["0102", "吴晓燕", "2024-06-03", "", "", "病假", 1])
    wb.save(book)
    preview, _ = import_through_dialogs(qtbot, page, monkeypatch, told, book)
    assert preview.format == "template"
    log = {(r.staff_code, r.day): r.status for r in page.log.model.rows}
    assert log[("S01", date(2024, 6, 3))] == "迟到 12 分钟"
    assert log[("S02", date(2024, 6, 3))].startswith("请假")


def test_a_bad_file_shows_the_error_and_writes_nothing(qtbot, page, staffed, monkeypatch, told, tmp_path):
    page.refresh()
    fake = tmp_path / "考勤.xlsx"
    fake.write_text("这不是表格", encoding="utf-8")
    pick_file(monkeypatch, fake)
    page.import_file()
    qtbot.waitUntil(lambda: bool(told), timeout=TIMEOUT)
    kind, text = told[-1]
    assert kind == "warning" and "考勤.xlsx" in text and "未写入任何数据" in text
    assert page.flow.active_dialog is None

    # readable, but with cells that are not: listed in red, 导入 disabled
    book = tmp_path / "模板.xlsx"
    attendance.write_template(book)
    wb = load_workbook(book)
    ws = wb["考勤记录"]
    ws.append(["0101", "周建国", "2024-06-03", "25:61", "17:40"])
    ws.append(["0102", "吴晓燕", "2024-06-03", "迟到了", "17:40"])
    ws.append(["0103", "郑海", "2024-06-03", "08:50", "17:40"])
    wb.save(book)
    pick_file(monkeypatch, book)
    page.import_file()
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    assert dialog.problems.rowCount() == 2 and dialog.problems.isVisibleTo(dialog)
    reasons = [dialog.problems.item(r, 5).text() for r in range(2)]
    assert all(reasons) and {dialog.problems.item(r, 2).text() for r in range(2)} == {"2", "3"}
    assert dialog.problems.item(0, 0).background().color() == ERROR_BACKGROUND
    assert not dialog.import_button.isEnabled() and "无法读取" in dialog.summary_label.text()
    dialog.reject()
    assert rows_in(staffed, "attendance_punch") == 0 and rows_in(staffed, "attendance_import") == 0
    assert attendance.attendance_months(staffed) == []


def odd_layout(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "刷卡"
    ws.append(["员工号码", "员工名字", "刷卡时刻", "备注"])
    for number_, name, moment in rows:
        ws.append([number_, name, moment, ""])
    wb.save(path)
    return path


def test_an_unknown_layout_asks_for_the_columns_once(qtbot, page, staffed, monkeypatch, told, tmp_path):
    page.refresh()
    first = odd_layout(tmp_path / "门禁1.xlsx", [("0101", "周建国", "2024-06-03 09:40"),
                                               ("0101", "周建国", "2024-06-03 17:45"),
                                               ("0102", "吴晓燕", "2024-06-03 08:40")])
    pick_file(monkeypatch, first)
    page.import_file()
    mapping = wait_dialog(qtbot, page, ColumnMappingDialog)
    assert [mapping.combos[f].currentText() for f in ("person_id", "name", "date_time")] == [
        "A  员工号码", "B  员工名字", "C  刷卡时刻"]  # guessed from the titles and the values
    mapping.choose("person_id", None)
    assert mapping.ok_button.isEnabled()  # a name column is enough
    mapping.choose("name", None)
    assert not mapping.ok_button.isEnabled() and "考勤号或姓名" in mapping.hint.text()
    mapping.choose("person_id", "员工号码")
    mapping.choose("name", "员工名字")
    assert mapping.remember
    qtbot.mouseClick(mapping.ok_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    assert dialog.preview.format == "mapped" and dialog.remap_button.isVisibleTo(dialog)
    assert sum(p.punches for p in dialog.preview.people) == 3
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=TIMEOUT)
    assert rows_in(staffed, "attendance_punch") == 3

    # the next file of the same shape goes straight to the preview
    second = odd_layout(tmp_path / "门禁2.xlsx", [("0103", "郑海", "2024-06-04 08:55"),
                                                ("0103", "郑海", "2024-06-04 17:35")])
    pick_file(monkeypatch, second)
    page.import_file()
    dialog = wait_dialog(qtbot, page, AttendanceImportDialog)
    assert "按上次为这种表头保存的列对应" in dialog.summary_label.text()
    assert [p.staff_code for p in dialog.preview.people] == ["S03"]
    dialog.reject()


def test_cancel_stops_the_work_and_a_cancelled_commit_writes_nothing(staffed):
    def endless(progress):
        n = 0
        while True:
            n += 1
            progress(n, 0)

    outcome_job = in_thread(endless, lambda d, t: f"{d}", wait_on_cancel=True)
    assert next(outcome_job).message is not None
    outcome_job.close()  # what run_job does when 取消 is pressed: the work stops at its next step

    preview = attendance.preview_import(staffed, FIXTURES / "zkteco_1_attlog.dat")

    def cancel_at_the_end(done, total):
        if done == total:
            raise Cancelled

    with pytest.raises(Cancelled):
        attendance.commit_import(staffed, preview, progress=cancel_at_the_end)
    assert rows_in(staffed, "attendance_punch") == 0 and rows_in(staffed, "attendance_import") == 0


# ---------------------------------------------------------------------------- log, summary, rules


@pytest.fixture
def june(staffed):
    """June 2024 imported from the ZKTeco punch log (no leave in the file)."""
    attendance.commit_import(staffed, attendance.preview_import(staffed, FIXTURES / "zkteco_1_attlog.dat"))
    return staffed


def shown_log(page) -> list:
    return page.log.proxy.visible_rows()


def test_the_day_log_filters_by_status_unit_and_person(qtbot, page, june):
    page.refresh()
    assert page.month() == "2024-06"
    every = len(attendance.day_log(june, "2024-06"))
    assert len(shown_log(page)) == every == 6 * 26  # the log covers its first to its last day
    page.log.set_status("迟到")
    late = shown_log(page)
    assert [(r.staff_code, r.day.day) for r in sorted(late, key=lambda r: (r.staff_code, r.day))] == [
        ("S01", 3), ("S04", 18), ("S06", 26), ("S06", 27)]
    assert all("迟到" in r.kinds for r in late) and page.log.count_label.text().startswith("显示 4 /")
    model = page.log.table.model()
    assert model.index(0, 7).data().startswith("迟到")
    page.log.set_status("旷工")
    assert {(r.staff_code, r.day) for r in shown_log(page)} == {("S03", date(2024, 6, 12)),
                                                                ("S05", date(2024, 6, 20))}
    page.person_edit.setText("欧阳")
    assert [r.staff_code for r in shown_log(page)] == ["S05"]
    assert list(shown_summary(page)) == ["S05"]
    page.person_edit.clear()
    page.unit_combo.setCurrentIndex(page.unit_combo.findText("U2 青山村便民服务室"))
    assert shown_log(page) == [] and shown_summary(page) == {}
    page.unit_combo.setCurrentIndex(0)
    page.log.set_status("")
    assert len(shown_log(page)) == every
    page.set_month("2024-07")
    assert page.log.empty.kind == EMPTY_MONTH and "2024-06" in page.log.empty.label.text()


def test_a_longer_grace_changes_the_summary(qtbot, page, june, changes):
    page.refresh()
    assert shown_summary(page)["S06"]["迟到(次)"] == "2"  # 09:10 and 09:20 with 5 minutes' grace
    page.tabs.setCurrentWidget(page.rules)
    editor = page.rules.shift
    assert editor.late_grace.value() == 5
    editor.late_grace.setValue(15)
    with qtbot.waitSignal(changes.changed) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["attendance"] and "迟到宽限 15 分钟" in editor.hint.text()
    assert shown_summary(page)["S06"]["迟到(次)"] == "1"
    assert attendance.get_shift(june).late_grace_min == 15
    editor.half_check.setChecked(True)
    editor.half_spin.setValue(3)  # below the grace: refused, nothing saved
    assert not editor.save() and "不能小于迟到宽限" in editor.hint.text()
    assert attendance.get_shift(june).half_day_late_min is None



def test_a_unit_shift_can_be_saved_and_dropped_again(qtbot, page, june, changes):
    page.refresh()
    page.tabs.setCurrentWidget(page.rules)
    editor = page.rules.shift
    assert not editor.default_button.isVisible()  # the default shift cannot be dropped
    editor.unit_combo.setCurrentIndex(editor.unit_combo.findData("U1"))
    assert "按默认班次" in editor.hint.text() and not editor.default_button.isEnabled()
    editor.late_grace.setValue(15)
    with qtbot.waitSignal(changes.changed):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "自有班次" in editor.unit_combo.currentText()
    assert editor.default_button.isEnabled()
    assert shown_summary(page)["S06"]["迟到(次)"] == "1"
    assert attendance.units_with_own_shift(june) == {"U1"}
    with qtbot.waitSignal(changes.changed):
        qtbot.mouseClick(editor.default_button, Qt.MouseButton.LeftButton)
    assert attendance.units_with_own_shift(june) == set()
    assert "已改用默认班次" in editor.hint.text() and not editor.default_button.isEnabled()
    assert "自有班次" not in editor.unit_combo.currentText()
    assert editor.late_grace.value() == 5
    assert shown_summary(page)["S06"]["迟到(次)"] == "2"

def test_calendar_leave_and_leave_types_through_the_rules_tab(qtbot, page, june):
    page.refresh()
    rules = page.rules
    assert shown_summary(page)["S05"]["旷工(天)"] == "1"
    # 端午 (the 10th) becomes a workday, then goes back to the statutory calendar
    row, col = rules.calendar.cell_of(date(2024, 6, 10))
    assert rules.calendar.day_at(row, col) == date(2024, 6, 10)
    assert "休" in rules.calendar.grid.item(row, col).text()
    rules.calendar.toggle(date(2024, 6, 10))
    cell = rules.calendar.grid.item(row, col).text()
    assert "班" in cell and "手动" in cell
    assert shown_summary(page)["S02"]["应出勤(天)"] == "20"
    rules.calendar.set_day(date(2024, 6, 10), None)
    assert shown_summary(page)["S02"]["应出勤(天)"] == "19"
    # sick leave for S05 on the 20th: no longer absent
    leave = rules.leave
    leave.person_combo.setCurrentIndex(leave.person_combo.findData("S05"))
    leave.date_edit.setDate(date(2024, 6, 20))
    leave.type_combo.setCurrentText("病假")
    qtbot.mouseClick(leave.add_button, Qt.MouseButton.LeftButton)
    assert leave.table.rowCount() == 1 and leave.table.item(0, 3).text() == "病假"
    row_s05 = shown_summary(page)["S05"]
    assert row_s05["旷工(天)"] == "0" and row_s05["病假(天)"] == "1"
    # 病假 does not count against the score unless the box is unticked
    assert attendance.monthly_summary(june, "2024-06")[4].counted_leave_days == 0
    rules.leave_types.set_excluded("病假", False)
    assert attendance.leave_types(june)["病假"] is True
    assert attendance.monthly_summary(june, "2024-06")[4].counted_leave_days == 1
    leave.table.selectRow(0)
    assert leave.remove_selected() == 1
    assert shown_summary(page)["S05"]["旷工(天)"] == "1"


def test_the_points_rule_is_edited_per_item(qtbot, page, june):
    page.refresh()
    editor = page.rules.points
    combo = editor.item_combo  # every staff rubric's attendance item: pick VILLAGE-ATT's
    texts = [combo.itemText(i) for i in range(combo.count())]
    # CENTER-T2's 工作纪律 too (the seed's S7)
    assert any(t.startswith("CENTER-T2 第 2.3 项") for t in texts)
    wanted = next(i for i, t in enumerate(texts) if t.startswith("VILLAGE-ATT 第 1 项"))
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(wanted):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith("VILLAGE-ATT 第 1 项")
    editor.spins["per_late"].setValue(2)
    editor.half_check.setChecked(True)
    editor.half_spin.setValue(3)
    assert editor.save()
    rule = attendance.get_points_rule(june, "VILLAGE-ATT", "1")
    assert (rule.per_late, rule.late_per_half_day) == (2, 3)
    editor.spins["per_missing"].setValue(0.05)  # not a multiple of the item's step 0.1
    assert not editor.save() and "步长" in editor.hint.text()


# ---------------------------------------------------------------------------- into the score


def test_apply_to_an_assessment_shows_how_each_value_was_derived(qtbot, page, june, changes,
                                                             leave_out_unfinished):
    info = assessments.create_assessment(june, "VILLAGE-ATT", parse_period("2024-06"), subjects="staff",
                                         groups=[GroupSpec("考核组", "上级")])
    page.refresh()
    panel = page.apply_panel
    page.tabs.setCurrentWidget(panel)
    assert panel.current().id == info.id and "迟到每次扣 1" in panel.info_label.text()
    with qtbot.waitSignal(changes.changed, timeout=TIMEOUT) as signal:
        qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["scores"]
    rows = {panel.table.item(r, 0).text(): [panel.table.item(r, c).text() for c in range(6)]
            for r in range(panel.table.rowCount())}
    assert rows["S04"][3] == "27.5"
    assert rows["S04"][4] == "迟到 1 次 −1，早退 1 次 −1，缺卡 1 次 −0.5；30 − 2.5 = 27.5"
    # the month's assessment took its attendance values when it was created
    assert rows["S05"][3] == "27" and rows["S05"][5] == "未变"
    assert "未变 6 项" in panel.message_label.text()
    leave_out_unfinished(june, info.id)  # only attendance is scored here
    for action in ("submit", "approve"):
        assessments.change_state(june, info.id, action)
    page.refresh()
    assert "已锁定" in panel.info_label.text()
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未写入" in panel.message_label.text(), timeout=TIMEOUT)
    assert "锁定" in panel.message_label.text()


# ---------------------------------------------------------------------------- export and print


def test_the_summary_exports_to_xlsx(qtbot, page, june, monkeypatch, tmp_path):
    attendance.add_leave(june, "S05", date(2024, 6, 20), "病假")
    page.refresh()
    target = tmp_path / "out" / "汇总"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.tabs.setCurrentWidget(page.summary)
    qtbot.mouseClick(page.summary.export_button, Qt.MouseButton.LeftButton)
    written = target.with_name("汇总.xlsx")
    qtbot.waitUntil(lambda: "已导出" in page.summary.last_message, timeout=TIMEOUT)
    ws = load_workbook(written).active
    values = list(ws.iter_rows(values_only=True))
    assert "考勤月度汇总" in values[0][0]
    header = list(values[1])
    assert header[:10] == ["编号", "姓名", "单位", "应出勤(天)", "迟到(次)", "迟到(分钟)", "早退(次)",
                           "早退(分钟)", "缺卡(次)", "旷工(天)"] and header[10] == "病假(天)"
    body = {r[0]: r for r in values[2:] if r[0]}
    shown = shown_summary(page)
    assert sorted(body) == sorted(shown)
    for code, row in body.items():
        assert [str(v) if v is not None else "" for v in row[3:10]] == [
            shown[code][t] for t in header[3:10]]
    assert body["S05"][10] == 1 and body["S05"][9] == 0


def test_the_summary_prints_in_chinese(qtbot, page, june, tmp_path):
    page.refresh()
    html = page.summary.html()
    assert "考勤月度汇总（2024-06）" in html and "买买提·艾力" in html
    pdf = page.summary.save_pdf(tmp_path / "汇总.pdf")
    assert pdf.is_file() and pdf.stat().st_size > 1000
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is optional: the file exists and is a PDF
        assert pdf.read_bytes().startswith(b"%PDF")
        return
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    for word in ("考勤月度汇总", "周建国", "旷工", "全部单位"):
        assert word in text.replace(" ", "")



def test_a_large_roster_judges_the_month_on_a_worker(qtbot, page, june, monkeypatch):
    """Above BACKGROUND_FROM_STAFF active staff the month is judged off the GUI thread: the
    page says so at once, a month chosen meanwhile wins, and only its rows are shown."""
    from kaohe_desktop.ui.attendance import page as attendance_page
    from kaohe_desktop.ui.attendance.empty_state import LOADING

    monkeypatch.setattr(attendance_page, "BACKGROUND_FROM_STAFF", 1)
    page.refresh()
    assert page.log.empty.kind == LOADING and "正在计算 2024-06" in page.log.empty.label.text()
    assert "正在计算" in page.status_label.text()
    qtbot.waitUntil(lambda: len(shown_log(page)) == 6 * 26, timeout=TIMEOUT)
    assert shown_summary(page)["S06"]["迟到(次)"] == "2"
    shown: list[str] = []
    page.month_shown.connect(shown.append)
    page.set_month("2024-05")  # judged on the worker …
    page.set_month("2024-06")  # … but this one is wanted now
    qtbot.waitUntil(lambda: shown == ["2024-06"], timeout=TIMEOUT)
    qtbot.wait(200)  # the May result, if it came late, must not replace June's rows
    assert shown == ["2024-06"] and len(shown_log(page)) == 6 * 26
    assert page.month() == "2024-06" and "2024-06：6 人有考勤" in page.status_label.text()


def test_tab_reaches_the_shift_buttons_in_their_order(page, june):
    page.refresh()
    page.tabs.setCurrentWidget(page.rules)
    editor = page.rules.shift
    editor.unit_combo.setCurrentIndex(editor.unit_combo.findData("U1"))
    buttons, widget = [], editor.whole_spin.nextInFocusChain()
    while widget is not editor.whole_spin and len(buttons) < 2:
        if widget in (editor.default_button, editor.save_button):
            buttons.append(widget)
        widget = widget.nextInFocusChain()
    assert buttons == [editor.default_button, editor.save_button]  # left to right
